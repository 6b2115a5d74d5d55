"""Deterministic synthetic Obsidian vault for the papervault benchmark.

    python benchmarks/generate.py N OUTDIR [--seed S] [--avg-size BYTES]

The same N, seed and average size always give byte-identical files: every note draws
from its own ``random.Random`` seeded with ``"<seed>:<note index>"`` (string seeds are
hashed with SHA-512, so ``PYTHONHASHSEED`` plays no part), and nothing reads the clock.

What a vault holds, and why (each item is something a real research vault has and a
parser can get wrong):
- notes in nested folders (``papers/<area>/``, ``concepts/<area>/``, ``daily/<year>/``,
  ``projects/<Project Name>/``, ``inbox/``), file names with spaces, a few non-ASCII
  names, and an ``Overview.md`` in every project folder (duplicate basenames);
- YAML frontmatter: title, tags as block lists, flow lists and a bare string, aliases,
  ``arxiv:`` ids on paper notes (~20%; a few unquoted, as users write them),
  ``openreview:`` ids, and a couple of ``draft: true`` notes;
- headings, paragraphs, bullet and task lists, callouts, tables, block ids ``^id``;
- wikilinks plain, with ``#Heading``, ``#^block`` and ``|alias``, path-qualified and
  wrong-case; embeds of notes and of attachments (small files are written to
  ``attachments/``); markdown links to notes, URL-encoded with ``%20`` or in ``<...>``;
- inline tags, nested ``#a/b`` and non-ASCII;
- arXiv references in every form identifiers.md lists (abs/pdf/html, versions, DOI,
  ``arXiv:`` text, export host, query strings, Hugging Face) and OpenReview
  ``forum``/``pdf`` URLs, with and without ``noteId``;
- **decoys**: fenced code, indented code and inline code holding wikilinks, tags and
  paper URLs, and ``%%comments%%`` holding links. None of them may count. Decoy targets
  are named ``Decoy ...`` or ``Commented ...``, decoy arXiv ids are from 2012
  (``12MM.9NNN``, a range no real citation here uses) and decoy OpenReview ids start
  with ``DECOY``, so a reader can grep for anything that leaked;
- link targets drawn from a Zipf-like distribution (some notes are hubs) and ~3% of
  links pointing at notes that do not exist.
"""

from __future__ import annotations

import argparse
import bisect
import datetime
import itertools
import os
import random
import struct
import sys
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

# Bump when the output for a given (n, seed, avg_size) changes.
GENERATOR_VERSION = 1
DEFAULT_SEED = 0
DEFAULT_AVG_SIZE = 2500  # bytes per note; sizes spread uniformly over 0.4x..1.6x

FIRST_DAY = datetime.date(2015, 1, 1)
ZIPF_EXPONENT = 1.1
BROKEN_LINK_RATE = 0.03

# Kinds of note: (kind, share of the vault). Paper notes carry an arXiv id.
KIND_SHARES: tuple[tuple[str, float], ...] = (
    ("paper", 0.20),
    ("concept", 0.35),
    ("project", 0.20),
    ("daily", 0.15),
    ("inbox", 0.10),
)
AREAS = ("nlp", "vision", "rl", "theory", "systems")
PROJECTS = (
    "Alpha Project",
    "Thesis Chapter 3",
    "Reading Group",
    "Grant Proposal",
    "Side Quest",
    "Lab Onboarding",
)
HEADINGS_BY_KIND: dict[str, tuple[str, ...]] = {
    "paper": ("Summary", "Method", "Results", "Related work", "Questions", "Notes"),
    "concept": ("Definition", "Intuition", "Examples", "Variants", "See also"),
    "project": ("Goal", "Plan", "Status", "Open questions", "Log"),
    "daily": ("Log", "Reading", "Todo", "Ideas"),
    "inbox": ("Context", "Next steps", "Links"),
}
ADJECTIVES = (
    "Sparse", "Dense", "Contrastive", "Efficient", "Robust", "Scalable", "Latent",
    "Hierarchical", "Causal", "Bayesian", "Adaptive", "Recurrent", "Linear", "Masked",
    "Variational", "Implicit", "Equivariant", "Federated", "Multimodal", "Neural",
    "Stochastic", "Differentiable", "Self-Supervised", "Low-Rank", "Mixture-of",
    "Retrieval-Augmented", "Graph", "Quantized", "Distilled", "Energy-Based",
)  # fmt: skip
NOUNS = (
    "Attention", "Transformers", "Diffusion", "Autoencoders", "Embeddings",
    "Policy Gradients", "Kernels", "Priors", "Tokenizers", "World Models",
    "Reward Models", "Optimizers", "Normalization", "Experts", "Memory",
    "Convolutions", "Flows", "Agents", "Scaling Laws", "Representations",
    "Language Models", "Vision Transformers", "Value Functions", "Samplers",
)  # fmt: skip
TASKS = (
    "Retrieval", "Long Context", "Image Synthesis", "Reasoning", "Planning",
    "Code Generation", "Speech", "Few-Shot Learning", "Alignment", "Compression",
    "Segmentation", "Translation", "Protein Folding", "Robotics", "Tabular Data",
    "Time Series", "Question Answering", "Summarization", "Exploration",
)  # fmt: skip
WORDS = (
    "model", "training", "loss", "gradient", "layer", "token", "sequence", "dataset",
    "benchmark", "baseline", "ablation", "objective", "inference", "latency", "memory",
    "parameter", "scaling", "regularization", "variance", "bias", "prior", "posterior",
    "sample", "batch", "epoch", "schedule", "warmup", "head", "projection", "residual",
    "encoder", "decoder", "context", "window", "kernel", "feature", "signal", "noise",
    "estimate", "bound", "proof", "lemma", "claim", "result", "figure", "table",
    "experiment", "setup", "hyperparameter", "sweep", "seed", "metric", "accuracy",
    "perplexity", "reward", "policy", "value", "critic", "rollout", "buffer",
    "the", "a", "of", "and", "in", "to", "with", "for", "on", "that", "is", "we",
    "this", "it", "which", "but", "not", "more", "than", "when", "how", "why",
    "seems", "shows", "suggests", "improves", "reduces", "matches", "fails",
    "interesting", "surprising", "unclear", "important", "standard", "novel",
)  # fmt: skip
TAGS = (
    "ml", "ml/nlp", "ml/vision", "ml/rl", "ml/theory", "status/to-read",
    "status/reading", "status/done", "idea", "question", "method/attention",
    "method/diffusion", "method/rlhf", "dataset", "benchmark", "review",
    "todo", "important", "reproduce", "math", "math/probability", "systems/gpu",
    "writing", "meeting", "café", "日本語", "people/advisor", "venue/neurips",
    "venue/icml", "venue/iclr",
)  # fmt: skip
DISPLAY_WORDS = ("this paper", "see here", "the original", "details", "background",
                 "as discussed", "that note", "the method", "earlier idea")  # fmt: skip
CALLOUT_TYPES = ("note", "tip", "abstract", "question", "warning", "quote", "todo", "info")
CODE_LANGUAGES = ("python", "bash", "yaml", "", "json", "text")
UNICODE_STEMS = ("Réseaux de neurones", "Näive Bayes Notizen", "Attention (注意)", "Café Talk")


# --------------------------------------------------------------------------- plan


@dataclass(slots=True)
class PlannedNote:
    """What other notes need to know about a note before any text is written."""

    index: int
    kind: str
    folder: str  # vault-relative POSIX folder, "" for the root
    stem: str
    headings: tuple[str, ...]
    aliases: tuple[str, ...]
    arxiv_id: str | None = None
    openreview_id: str | None = None
    block_id: str | None = None
    draft: bool = False

    @property
    def path(self) -> str:
        return f"{self.folder}/{self.stem}.md" if self.folder else f"{self.stem}.md"


@dataclass(slots=True)
class VaultPlan:
    n: int
    seed: int
    avg_size: int
    notes: list[PlannedNote]
    attachments: list[str]  # vault-relative paths
    cum_weights: list[float] = field(default_factory=list)  # Zipf over `popularity`
    popularity: list[int] = field(default_factory=list)  # rank -> note index
    paper_indices: list[int] = field(default_factory=list)
    openreview_ids: list[str] = field(default_factory=list)  # of the first paper notes

    def pick_target(self, rng: random.Random) -> PlannedNote:
        rank = bisect.bisect_left(self.cum_weights, rng.random() * self.cum_weights[-1])
        return self.notes[self.popularity[min(rank, len(self.popularity) - 1)]]


def _arxiv_id(rng: random.Random) -> str:
    """A valid-shaped arXiv id: new style from 2015 on (5-digit numbers), a few old style."""
    if rng.random() < 0.04:
        archive = rng.choice(("hep-th", "math", "cs", "quant-ph", "cond-mat", "astro-ph"))
        yy = rng.choice((*range(92, 100), *range(0, 7)))
        return f"{archive}/{yy:02d}{rng.randint(1, 12):02d}{rng.randint(1, 999):03d}"
    return f"{rng.randint(15, 25):02d}{rng.randint(1, 12):02d}.{rng.randint(1, 29999):05d}"


def _openreview_id(rng: random.Random) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
    first = rng.choice(alphabet[:52])  # OpenReview ids start with a letter in practice
    return first + "".join(rng.choice(alphabet) for _ in range(rng.choice((8, 9, 10))))


def _kinds(n: int, rng: random.Random) -> list[str]:
    kinds: list[str] = []
    for kind, share in KIND_SHARES:
        kinds.extend([kind] * round(n * share))
    kinds = (kinds + ["concept"] * n)[:n]
    rng.shuffle(kinds)
    return kinds


def plan_vault(n: int, seed: int = DEFAULT_SEED, avg_size: int = DEFAULT_AVG_SIZE) -> VaultPlan:
    """Decide every note's path, headings, aliases and ids, and the link popularity."""
    if n < 1:
        raise ValueError("a vault needs at least one note")
    rng = random.Random(f"{seed}:plan")
    used: set[str] = set()  # case-folded stems, to keep basenames unique outside Overview
    notes: list[PlannedNote] = []
    day_counter = itertools.count()
    arxiv_seen: set[str] = set()

    def unique(stem: str) -> str:
        candidate, k = stem, 2
        while candidate.casefold() in used:
            candidate, k = f"{stem} {k}", k + 1
        used.add(candidate.casefold())
        return candidate

    for index, kind in enumerate(_kinds(n, rng)):
        area = rng.choice(AREAS)
        headings = list(HEADINGS_BY_KIND[kind])
        rng.shuffle(headings)
        headings = sorted(headings[: rng.randint(2, len(headings))], key=headings.index)
        aliases: tuple[str, ...] = ()
        arxiv_id = openreview_id = None
        if kind == "paper":
            title = f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} for {rng.choice(TASKS)}"
            stem = unique(title)
            folder = f"papers/{area}"
            while (arxiv_id := _arxiv_id(rng)) in arxiv_seen:
                pass
            arxiv_seen.add(arxiv_id)
            if rng.random() < 0.3:
                openreview_id = _openreview_id(rng)
            acronym = "".join(w[0] for w in title.replace("-", " ").split() if w[0].isupper())
            aliases = (acronym,) if rng.random() < 0.5 else ()
        elif kind == "concept":
            base = rng.choice(UNICODE_STEMS) if rng.random() < 0.01 else None
            stem = unique(base or f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)}")
            folder = f"concepts/{area}"
            if rng.random() < 0.25:
                aliases = (stem.lower(), f"{stem.split()[-1]} ({area})")
        elif kind == "project":
            project = rng.choice(PROJECTS)
            folder = f"projects/{project}"
            if f"{folder}/Overview".casefold() not in used:
                used.add(f"{folder}/Overview".casefold())
                stem = "Overview"  # one per project folder: duplicate basenames on purpose
            else:
                stem = unique(f"{project} - {rng.choice(('Meeting', 'Draft', 'Notes', 'Experiment'))}")
        elif kind == "daily":
            day = FIRST_DAY + datetime.timedelta(days=next(day_counter))
            stem = unique(day.isoformat())
            folder = f"daily/{day.year}"
        else:
            stem = unique(f"Untitled idea about {rng.choice(NOUNS).lower()}")
            folder = "inbox"
        notes.append(
            PlannedNote(
                index=index,
                kind=kind,
                folder=folder,
                stem=stem,
                headings=tuple(headings),
                aliases=aliases,
                arxiv_id=arxiv_id,
                openreview_id=openreview_id,
                block_id=f"key-{index}" if rng.random() < 0.3 else None,
            )
        )
    for note in rng.sample(notes, k=min(n, max(2, n // 250))):
        note.draft = True

    popularity = list(range(n))
    rng.shuffle(popularity)
    cum = list(itertools.accumulate(1.0 / (rank + 1) ** ZIPF_EXPONENT for rank in range(n)))
    attachments = []
    for copy in range(1 + min(n // 1000, 24)):
        suffix = "" if copy == 0 else f" {copy + 1}"
        attachments += [
            f"attachments/Figure 1{suffix}.png",
            f"attachments/architecture diagram{suffix}.svg",
            f"attachments/slides draft{suffix}.pdf",
            f"attachments/results table{suffix}.csv",
        ]
    return VaultPlan(
        n=n,
        seed=seed,
        avg_size=avg_size,
        notes=notes,
        attachments=attachments,
        cum_weights=cum,
        popularity=popularity,
        paper_indices=[note.index for note in notes if note.kind == "paper"],
        openreview_ids=[note.openreview_id for note in notes if note.openreview_id][:50],
    )


# ---------------------------------------------------------------------- rendering


class NoteWriter:
    """Writes one note's text from its own random stream."""

    def __init__(self, plan: VaultPlan, note: PlannedNote) -> None:
        self.plan = plan
        self.note = note
        self.rng = random.Random(f"{plan.seed}:{note.index}")

    # -- small pieces ----------------------------------------------------------

    def words(self, lo: int, hi: int) -> str:
        return " ".join(self.rng.choices(WORDS, k=self.rng.randint(lo, hi)))

    def tag(self) -> str:
        rank = min(int(self.rng.paretovariate(1.2)) - 1, len(TAGS) - 1)
        return "#" + TAGS[rank]

    def target(self) -> PlannedNote | None:
        """A link target, or None for a deliberately broken link."""
        if self.rng.random() < BROKEN_LINK_RATE:
            return None
        return self.plan.pick_target(self.rng)

    def broken_name(self) -> str:
        return f"Missing {self.rng.choice(NOUNS)} {self.rng.randint(1, 500)}"

    def wiki_name(self, target: PlannedNote) -> str:
        """How a user writes the target: basename, path-qualified or wrong case."""
        roll = self.rng.random()
        if target.stem == "Overview" or roll < 0.06:
            return target.path[:-3]  # path-qualified, needed for the duplicate Overviews
        if roll < 0.09:
            return target.stem.lower()  # wrong case: Obsidian resolves it anyway
        return target.stem

    def display(self, target: PlannedNote | None) -> str:
        if target is not None and target.aliases and self.rng.random() < 0.5:
            return self.rng.choice(target.aliases)
        return self.rng.choice(DISPLAY_WORDS)

    def anchor(self, target: PlannedNote) -> str:
        if target.block_id and self.rng.random() < 0.25:
            return "^" + target.block_id
        if self.rng.random() < 0.08:
            return "Nonexistent heading"  # broken anchor
        return self.rng.choice(target.headings)

    def relative_path(self, target: PlannedNote) -> str:
        start = self.note.folder or "."
        return os.path.relpath(target.path, start).replace(os.sep, "/")

    def wikilink(self, table: bool = False) -> str:
        target = self.target()
        if target is None:
            return f"[[{self.broken_name()}]]"
        name = self.wiki_name(target)
        bar = "\\|" if table else "|"
        roll = self.rng.random()
        if roll < 0.50:
            return f"[[{name}]]"
        if roll < 0.70:
            return f"[[{name}{bar}{self.display(target)}]]"
        if roll < 0.90:
            return f"[[{name}#{self.anchor(target)}]]"
        return f"[[{name}#{self.anchor(target)}{bar}{self.display(target)}]]"

    def markdown_link(self) -> str:
        target = self.target()
        text = self.display(target)
        if target is None:
            return f"[{text}]({quote(self.broken_name())}.md)"
        roll = self.rng.random()
        if roll < 0.55:
            href = quote(self.relative_path(target))  # spaces -> %20, Obsidian's default
        elif roll < 0.75:
            href = quote(target.stem) + ".md"  # "shortest path" style
        elif roll < 0.90:
            return f"[{text}](<{self.relative_path(target)}>)"
        else:
            href = quote(self.relative_path(target)) + "#" + quote(self.rng.choice(target.headings))
        return f"[{text}]({href})"

    def cited_arxiv(self) -> str:
        """An arXiv id: mostly one of the vault's paper notes (Zipf), else an outside paper."""
        if self.plan.paper_indices and self.rng.random() < 0.6:
            papers = self.plan.paper_indices
            rank = min(int(self.rng.paretovariate(0.8)) - 1, len(papers) - 1)
            note = self.plan.notes[papers[rank]]
            assert note.arxiv_id is not None
            return note.arxiv_id
        return _arxiv_id(self.rng)

    def arxiv_reference(self) -> str:
        aid = self.cited_arxiv()
        version = f"v{self.rng.randint(1, 5)}"
        forms: Sequence[str] = (
            f"https://arxiv.org/abs/{aid}",
            f"https://arxiv.org/abs/{aid}{version}",
            f"http://arxiv.org/pdf/{aid}{version}.pdf",
            f"https://arxiv.org/pdf/{aid}",
            f"https://export.arxiv.org/abs/{aid}",
            f"https://www.arxiv.org/abs/{aid}?context=cs.LG",
            f"https://arxiv.org/html/{aid}{version}",
            f"https://doi.org/10.48550/arXiv.{aid}",
            f"https://huggingface.co/papers/{aid}",
            f"arXiv:{aid}",
            f"arXiv: {aid}{version}",
            f"arxiv:{aid}",
            f"[{self.rng.choice(DISPLAY_WORDS)}](https://arxiv.org/abs/{aid}{version})",
            f"<https://arxiv.org/abs/{aid}>",
            f"doi:10.48550/arXiv.{aid}",
        )
        return self.rng.choice(forms)

    def openreview_reference(self) -> str:
        if self.plan.openreview_ids and self.rng.random() < 0.6:
            oid = self.rng.choice(self.plan.openreview_ids)
        else:
            oid = _openreview_id(self.rng)
        forms = (
            f"https://openreview.net/forum?id={oid}",
            f"https://openreview.net/forum?id={oid}&noteId={_openreview_id(self.rng)}",
            f"https://openreview.net/forum?id={oid}&noteId={oid}",
            f"https://openreview.net/pdf?id={oid}",
            f"[OpenReview]({f'https://openreview.net/forum?id={oid}'})",
        )
        return self.rng.choice(forms)

    def inline_item(self) -> str:
        """One thing that goes inside running text."""
        roll = self.rng.random()
        if roll < 0.42:
            return self.wikilink()
        if roll < 0.52:
            return self.markdown_link()
        if roll < 0.70:
            return self.tag()
        if roll < 0.82:
            return self.arxiv_reference()
        if roll < 0.86:
            return self.openreview_reference()
        if roll < 0.94:
            return self.inline_code_decoy()
        return f"%%{self.words(2, 5)} [[Commented {self.rng.choice(NOUNS)}]]%%"

    def inline_code_decoy(self) -> str:
        return self.rng.choice(
            (
                f"`[[Decoy {self.rng.choice(NOUNS)}]]`",
                "`#decoy-tag`",
                f"`https://arxiv.org/abs/{self.decoy_arxiv()}`",
                "`![[Decoy Figure.png]]`",
                "`[x](Decoy%20Note.md)`",
            )
        )

    def decoy_arxiv(self) -> str:
        return f"12{self.rng.randint(1, 12):02d}.9{self.rng.randint(0, 999):03d}"

    def sentence(self) -> str:
        parts = self.words(5, 14).split()
        if self.rng.random() < 0.55:
            parts.insert(self.rng.randint(1, len(parts)), self.inline_item())
        if self.rng.random() < 0.15:
            parts.insert(self.rng.randint(1, len(parts)), self.inline_item())
        text = " ".join(parts)
        return text[0].upper() + text[1:] + "."

    # -- blocks ------------------------------------------------------------------

    def paragraph(self) -> str:
        text = " ".join(self.sentence() for _ in range(self.rng.randint(2, 5)))
        return text

    def bullet_list(self) -> str:
        lines = []
        for _ in range(self.rng.randint(2, 6)):
            marker = self.rng.choice(("- ", "* ", "- [ ] ", "- [x] ", "1. "))
            lines.append(marker + self.sentence())
            if self.rng.random() < 0.25:
                lines.append("    - " + self.sentence())
        return "\n".join(lines)

    def callout(self) -> str:
        kind = self.rng.choice(CALLOUT_TYPES)
        fold = self.rng.choice(("", "", "+", "-"))
        title = self.rng.choice(("", " Key idea", " Why it matters", " Caveat"))
        body = [f"> [!{kind}]{fold}{title}"]
        for _ in range(self.rng.randint(1, 3)):
            body.append("> " + self.sentence())
        return "\n".join(body)

    def code_block(self) -> str:
        """Code that looks like links, tags and citations, none of which may count."""
        lang = self.rng.choice(CODE_LANGUAGES)
        fence = self.rng.choice(("```", "```", "~~~"))
        decoys = [
            f"# see [[Decoy {self.rng.choice(NOUNS)}]] and #decoy-tag",
            f'url = "https://arxiv.org/abs/{self.decoy_arxiv()}v1"',
            f'review = "https://openreview.net/forum?id=DECOY{self.rng.randint(1000, 9999)}"',
            f"embed = '![[Decoy Figure.png]]'  # arXiv:{self.decoy_arxiv()}",
            "md = '[not a link](Decoy%20Note.md)'",
            f"for step in range({self.rng.randint(2, 99)}):",
            "    loss = model(batch).mean()",
            "    loss.backward()",
        ]
        self.rng.shuffle(decoys)
        return f"{fence}{lang}\n" + "\n".join(decoys[: self.rng.randint(3, 8)]) + f"\n{fence}"

    def indented_code(self) -> str:
        return (
            "Example config:\n\n"
            f"    links: [[Decoy Indented {self.rng.randint(1, 99)}]]\n"
            f"    paper: https://arxiv.org/pdf/{self.decoy_arxiv()}.pdf"
        )

    def comment_block(self) -> str:
        return (
            f"%%\nPrivate: {self.words(4, 10)}\n"
            f"[[Commented {self.rng.choice(NOUNS)}]] https://arxiv.org/abs/{self.decoy_arxiv()}\n%%"
        )

    def embed(self) -> str:
        roll = self.rng.random()
        if roll < 0.45:
            target = self.target()
            if target is None:
                return f"![[{self.broken_name()}]]"
            anchor = f"#{self.rng.choice(target.headings)}" if self.rng.random() < 0.4 else ""
            return f"![[{self.wiki_name(target)}{anchor}]]"
        attachment = self.rng.choice(self.plan.attachments)
        name = attachment.rsplit("/", 1)[1]
        if roll < 0.65:
            return f"![[{name}]]"
        if roll < 0.75:
            return f"![[{name}|{self.rng.choice((300, 400, 640))}]]"
        if roll < 0.85 and name.endswith(".pdf"):
            return f"![[{name}#page={self.rng.randint(1, 9)}]]"
        return f"![{self.rng.choice(DISPLAY_WORDS)}]({quote(self.relative_attachment(attachment))})"

    def relative_attachment(self, attachment: str) -> str:
        return os.path.relpath(attachment, self.note.folder or ".").replace(os.sep, "/")

    def table(self) -> str:
        rows = ["| Paper | Note | Venue |", "| --- | --- | --- |"]
        for _ in range(self.rng.randint(2, 4)):
            rows.append(
                f"| {self.arxiv_reference()} | {self.wikilink(table=True)} "
                f"| {self.rng.choice(('NeurIPS', 'ICML', 'ICLR', 'ACL', 'arXiv'))} |"
            )
        return "\n".join(rows)

    def block(self) -> str:
        weighted: tuple[tuple[float, Callable[[], str]], ...] = (
            (0.42, self.paragraph),
            (0.18, self.bullet_list),
            (0.08, self.callout),
            (0.08, self.code_block),
            (0.07, self.embed),
            (0.05, self.table),
            (0.04, self.comment_block),
            (0.03, self.indented_code),
            (0.05, lambda: " ".join(self.wikilink() for _ in range(self.rng.randint(2, 5)))),
        )
        roll, acc = self.rng.random() * sum(w for w, _ in weighted), 0.0
        for weight, make in weighted:
            acc += weight
            if roll < acc:
                return make()
        return self.paragraph()

    # -- the note ----------------------------------------------------------------

    def frontmatter(self) -> str:
        note, rng = self.note, self.rng
        if note.kind == "daily" and rng.random() < 0.5:
            return ""  # many daily notes have no frontmatter at all
        lines = ["---"]
        if rng.random() < 0.8:
            title = note.stem if note.stem != "Overview" else f"{note.folder.split('/')[-1]}"
            lines.append(f'title: "{title}"' if rng.random() < 0.5 else f"title: {title}")
        tags = [note.kind] + [self.tag()[1:] for _ in range(rng.randint(0, 3))]
        tags = list(dict.fromkeys(tags))
        style = rng.random()
        if style < 0.55:
            lines.append("tags:")
            lines += [f"  - {t}" for t in tags]
        elif style < 0.92:
            lines.append(f"tags: [{', '.join(tags)}]")
        else:
            lines.append(f"tags: {tags[0]}")  # a bare string, as real vaults have
        if note.aliases:
            if rng.random() < 0.6:
                lines.append("aliases:")
                lines += [f"  - {a}" for a in note.aliases]
            else:
                lines.append(f"aliases: [{', '.join(note.aliases)}]")
        if note.arxiv_id:
            quoted = rng.random() < 0.9  # users forget quotes; YAML then reads a float
            lines.append(f'arxiv: "{note.arxiv_id}"' if quoted else f"arxiv: {note.arxiv_id}")
            if note.openreview_id:
                lines.append(f"openreview: {note.openreview_id}")
            lines.append(f"year: {2000 + int(note.arxiv_id[:2]) if '/' not in note.arxiv_id else 1999}")
            authors = rng.sample(("Vaswani", "Ho", "Kingma", "Silver", "Lee", "Chen", "Wu"), 2)
            lines.append(f"authors: [{', '.join(authors)}]")
        if rng.random() < 0.3:
            lines.append(f'related: ["[[{self.wiki_name(self.plan.pick_target(rng))}]]"]')
        lines.append(f"created: 20{rng.randint(18, 25)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}")
        if note.draft:
            lines.append("draft: true")
        lines.append("---")
        return "\n".join(lines) + "\n"

    def render(self) -> str:
        note, rng = self.note, self.rng
        target_size = int(self.plan.avg_size * rng.uniform(0.4, 1.6))
        out = [self.frontmatter()]
        if rng.random() < 0.4:
            out.append(f"# {note.stem}\n")
        size = sum(len(s) for s in out)
        heading_iter = iter(note.headings)
        block_id_pending = note.block_id
        blocks_since_heading = 99
        while size < target_size - 150:
            if blocks_since_heading >= 2 and (heading := next(heading_iter, None)):
                level = "##" if rng.random() < 0.8 else "###"
                piece = f"\n{level} {heading}\n"
                blocks_since_heading = 0
            elif blocks_since_heading >= 2 and rng.random() < 0.05:
                # an unplanned heading carrying a tag (tags in headings count)
                piece = f"\n### Aside {self.tag()}\n"
                blocks_since_heading = 0
            elif block_id_pending and rng.random() < 0.3:
                piece = f"\n{self.paragraph()} ^{block_id_pending}\n"
                block_id_pending = None
                blocks_since_heading += 1
            else:
                piece = "\n" + self.block() + "\n"
                blocks_since_heading += 1
            out.append(piece)
            size += len(piece)
        if note.kind == "paper" and note.arxiv_id and rng.random() < 0.7:
            out.append(f"\nSource: https://arxiv.org/abs/{note.arxiv_id}\n")
        return "".join(out)


# ---------------------------------------------------------------------- output


def _png_bytes(seed_text: str) -> bytes:
    """A tiny valid PNG (4x4 grey) whose pixel value depends on the name."""
    shade = zlib.crc32(seed_text.encode()) & 0xFF
    raw = b"".join(b"\x00" + bytes([shade] * 4) for _ in range(4))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 4, 4, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def _attachment_bytes(path: str) -> bytes:
    name = path.rsplit("/", 1)[1]
    if name.endswith(".png"):
        return _png_bytes(name)
    if name.endswith(".svg"):
        return (
            '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">'
            f'<rect width="40" height="20" fill="#ccc"/><text y="15">{name}</text></svg>\n'
        ).encode()
    if name.endswith(".pdf"):
        return b"%PDF-1.4\n% synthetic attachment for the papervault benchmark\n%%EOF\n"
    return b"step,loss\n1,2.31\n2,1.87\n3,1.52\n"


@dataclass(frozen=True, slots=True)
class GenerationSummary:
    notes: int
    attachments: int
    note_bytes: int
    attachment_bytes: int

    @property
    def avg_note_bytes(self) -> float:
        return self.note_bytes / self.notes


def iter_vault_files(
    n: int, seed: int = DEFAULT_SEED, avg_size: int = DEFAULT_AVG_SIZE
) -> Iterator[tuple[str, bytes, bool]]:
    """Every file of the vault as (vault-relative POSIX path, bytes, is_note): notes first."""
    plan = plan_vault(n, seed, avg_size)
    for note in plan.notes:
        yield note.path, NoteWriter(plan, note).render().encode(), True
    for path in plan.attachments:
        yield path, _attachment_bytes(path), False


def generate_vault(
    n: int, outdir: Path, seed: int = DEFAULT_SEED, avg_size: int = DEFAULT_AVG_SIZE
) -> GenerationSummary:
    """Write the vault under ``outdir`` (created; existing files with the same path are
    overwritten, others are left alone)."""
    counts = {True: 0, False: 0}
    sizes = {True: 0, False: 0}
    made_dirs: set[Path] = set()
    for rel, data, is_note in iter_vault_files(n, seed, avg_size):
        path = outdir / rel
        if path.parent not in made_dirs:
            path.parent.mkdir(parents=True, exist_ok=True)
            made_dirs.add(path.parent)
        path.write_bytes(data)
        counts[is_note] += 1
        sizes[is_note] += len(data)
    return GenerationSummary(counts[True], counts[False], sizes[True], sizes[False])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="number of notes")
    parser.add_argument("outdir", type=Path, help="directory to write the vault into")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--avg-size", type=int, default=DEFAULT_AVG_SIZE, help="average note size in bytes")
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("N must be at least 1")
    summary = generate_vault(args.n, args.outdir, args.seed, args.avg_size)
    print(
        f"wrote {summary.notes} notes ({summary.note_bytes / 1e6:.1f} MB, "
        f"avg {summary.avg_note_bytes:.0f} B) and {summary.attachments} attachments "
        f"to {args.outdir} (seed {args.seed}, generator v{GENERATOR_VERSION})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
