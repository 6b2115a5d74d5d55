"""The benchmark's synthetic vault generator: deterministic, and its notes hold what it
promises (every link form, arXiv/OpenReview form and decoy the benchmark relies on)."""

from __future__ import annotations

import importlib.util
import os
import re
import statistics
import subprocess
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType
from urllib.parse import unquote

import pytest

GENERATOR = Path(__file__).resolve().parent.parent / "benchmarks" / "generate.py"
N = 50


def _load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("benchmark_generate", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look the module up by name
    spec.loader.exec_module(module)
    return module


generate = _load_generator()


def read_tree(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def vault(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("synthetic") / "vault"
    generate.generate_vault(N, root, seed=0)
    return root


@pytest.fixture(scope="module")
def notes(vault: Path) -> dict[str, str]:
    return {
        path.relative_to(vault).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(vault.rglob("*.md"))
    }


@pytest.fixture(scope="module")
def corpus(notes: dict[str, str]) -> str:
    return "\n".join(notes.values())


def strip_non_text(text: str) -> str:
    """Remove what no tool may count: comments, fenced, indented and inline code."""
    text = re.sub(r"%%.*?%%", "", text, flags=re.DOTALL)
    text = re.sub(r"^(```|~~~)[^\n]*\n.*?^\1$", "", text, flags=re.DOTALL | re.MULTILINE)
    text = re.sub(r"^ {4}(?![-*] |\d+\. ).*$", "", text, flags=re.MULTILINE)
    return re.sub(r"`[^`\n]*`", "", text)


def fenced_code(text: str) -> list[str]:
    return re.findall(r"^(```|~~~)[^\n]*\n(.*?)^\1$", text, flags=re.DOTALL | re.MULTILINE)


# ------------------------------------------------------------------ determinism


def test_same_seed_gives_identical_bytes(tmp_path: Path, vault: Path) -> None:
    again = tmp_path / "again"
    generate.generate_vault(N, again, seed=0)
    assert read_tree(again) == read_tree(vault)


def test_output_does_not_depend_on_hash_seed(tmp_path: Path, vault: Path) -> None:
    """A fresh interpreter with another PYTHONHASHSEED (set order!) writes the same bytes."""
    out = tmp_path / "cli"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run(
        [sys.executable, str(GENERATOR), str(N), str(out), "--seed", "0"],
        check=True,
        env=env,
        capture_output=True,
    )
    assert read_tree(out) == read_tree(vault)


def test_another_seed_gives_another_vault(tmp_path: Path, vault: Path) -> None:
    other = tmp_path / "other"
    generate.generate_vault(N, other, seed=1)
    assert read_tree(other) != read_tree(vault)


def test_iter_vault_files_is_what_generate_writes(vault: Path) -> None:
    expected = {path: data for path, data, _ in generate.iter_vault_files(N, seed=0)}
    assert read_tree(vault) == expected


# ------------------------------------------------------------------ the layout


def test_note_count_folders_and_names(vault: Path, notes: dict[str, str]) -> None:
    assert len(notes) == N
    top = {path.split("/")[0] for path in notes}
    assert {"papers", "concepts", "projects", "daily"} <= top
    assert any(path.count("/") >= 2 for path in notes), "nested folders"
    assert any(" " in Path(path).name for path in notes), "file names with spaces"
    attachments = [p for p in read_tree(vault) if p.startswith("attachments/")]
    assert attachments and all(not p.endswith(".md") for p in attachments)
    assert (vault / "attachments" / "Figure 1.png").read_bytes().startswith(b"\x89PNG")


@pytest.mark.parametrize("avg_size", [1000, 2500, 4000])
def test_average_note_size_follows_the_parameter(avg_size: int) -> None:
    sizes = [len(data) for _, data, is_note in generate.iter_vault_files(N, 3, avg_size) if is_note]
    assert 0.8 * avg_size <= statistics.mean(sizes) <= 1.25 * avg_size


def test_paper_notes_are_about_a_fifth(notes: dict[str, str]) -> None:
    papers = [t for t in notes.values() if re.search(r"^arxiv: ", t, re.MULTILINE)]
    assert len(papers) == round(0.2 * N)


# ------------------------------------------------------------------ the features

FEATURES = [
    ("tags as block list", r"^tags:\n  - \w"),
    ("tags as flow list", r"^tags: \[[^\]\n]+\]$"),
    ("aliases", r"^aliases:"),
    ("quoted arxiv id", r'^arxiv: "\d{4}\.\d{5}"$'),
    ("draft", r"^draft: true$"),
    ("heading", r"^## \w"),
    ("callout", r"^> \[!\w+\][+-]?"),
    ("bullet list", r"^- \w"),
    ("task list", r"^- \[[ x]\] "),
    ("table", r"^\| --- \|"),
    ("block id", r" \^key-\d+$"),
    ("plain wikilink", r"\[\[[^\]|#]+\]\]"),
    ("wikilink with heading", r"\[\[[^\]|#]+#[^\]^|#][^\]|]*\]\]"),
    ("wikilink with block ref", r"\[\[[^\]|#]+#\^key-\d+"),
    ("wikilink with alias", r"\[\[[^\]|]+\|[^\]]+\]\]"),
    ("wikilink with heading and alias", r"\[\[[^\]|#]+#[^\]|]+\|[^\]]+\]\]"),
    ("path-qualified wikilink", r"\[\[(papers|concepts|projects|daily|inbox)/"),
    ("escaped alias in a table", r"\[\[[^\]]+\\\|[^\]]+\]\]"),
    ("note embed", r"!\[\[[^\]]+?(?<!\.png)(?<!\.pdf)(?<!\.svg)(?<!\.csv)\]\]"),
    ("attachment embed", r"!\[\[[^\]|#]+\.(png|pdf|svg|csv)"),
    ("markdown link with %20", r"\]\([^)\s]*%20[^)\s]*\.md(#[^)]*)?\)"),
    ("markdown link in <...>", r"\]\(<[^>]+\.md>\)"),
    ("markdown image of an attachment", r"!\[[^\]]*\]\([^)]*attachments/"),
    ("broken wikilink", r"\[\[Missing "),
    ("inline tag", r"(?:^|\s)#[a-z]+(?=[\s.])"),
    ("nested inline tag", r"(?:^|\s)#[a-z]+/[a-z-]+"),
    ("arxiv abs", r"https://arxiv\.org/abs/\d{4}\.\d{5}(?![v\d])"),
    ("arxiv abs with version", r"arxiv\.org/abs/\d{4}\.\d{5}v\d"),
    ("arxiv pdf with .pdf", r"arxiv\.org/pdf/\d{4}\.\d{5}v\d\.pdf"),
    ("arxiv pdf bare", r"arxiv\.org/pdf/\d{4}\.\d{5}(?![v\d.])"),
    ("arxiv doi", r"10\.48550/arXiv\.\d{4}\.\d{5}"),
    ("arXiv: text", r"arXiv: ?\d{4}\.\d{5}"),
    ("arxiv html", r"arxiv\.org/html/\d{4}\.\d{5}v\d"),
    ("old-style arxiv id", r"(hep-th|math|cs|quant-ph|cond-mat|astro-ph)/\d{7}"),
    ("openreview forum", r"openreview\.net/forum\?id=[\w-]+(?!&)"),
    ("openreview forum with noteId", r"openreview\.net/forum\?id=[\w-]+&noteId=[\w-]+"),
    ("openreview pdf", r"openreview\.net/pdf\?id=[\w-]+"),
    ("inline %%comment%% with a link", r"%%[^%\n]*\[\[Commented [^\]]+\]\][^%\n]*%%"),
    ("block %%comment%%", r"^%%\n"),
]


@pytest.mark.parametrize(("name", "pattern"), FEATURES, ids=[f[0] for f in FEATURES])
def test_feature_is_present_in_counted_text(name: str, pattern: str, corpus: str) -> None:
    text = corpus if "comment" in name else strip_non_text(corpus)
    assert re.search(pattern, text, re.MULTILINE), name


def test_code_blocks_hold_decoy_links_tags_and_urls(corpus: str) -> None:
    code = "\n".join(body for _, body in fenced_code(corpus))
    for decoy in (r"\[\[Decoy ", r"#decoy-tag", r"arxiv\.org/abs/12\d\d\.9\d{3}", r"id=DECOY"):
        assert re.search(decoy, code), decoy
    assert re.search(r"`\[\[Decoy [^`]+\]\]`", corpus), "decoy wikilink in inline code"
    assert re.search(r"^    links: \[\[Decoy Indented", corpus, re.MULTILINE), "indented code"


def test_decoys_never_leak_into_counted_text(corpus: str) -> None:
    """Everything marked as a decoy sits inside code or a comment, nowhere else."""
    text = strip_non_text(corpus)
    for marker in ("Decoy", "decoy-tag", "DECOY", "Commented"):
        assert marker not in text
    assert not re.search(r"\b12\d\d\.9\d{3}", text), "decoy arXiv id outside code"


# ------------------------------------------------------------------ link targets

WIKILINK = re.compile(r"!?\[\[([^\]|#\\]*)(#[^\]|\\]*)?(?:\\?\|[^\]]*)?\]\]")


def test_unbroken_link_targets_exist_and_are_skewed(vault: Path, notes: dict[str, str], corpus: str) -> None:
    """Every wikilink target names a note or attachment (case-insensitively, by name or
    path) unless it is one of the deliberately broken ``Missing ...`` links; and a few
    hub notes take a large share of the links."""
    names = {Path(p).stem.casefold() for p in notes} | {p[:-3].casefold() for p in notes}
    names |= {p.name.casefold() for p in (vault / "attachments").iterdir()}
    targets = [m.group(1) for m in WIKILINK.finditer(strip_non_text(corpus)) if m.group(1)]
    broken = [t for t in targets if t.casefold() not in names]
    assert broken and all(t.startswith("Missing ") for t in broken)
    assert len(broken) < 0.1 * len(targets)

    counts = Counter(t.casefold() for t in targets if t.casefold() in names)
    top, median = counts.most_common(1)[0][1], statistics.median(counts.values())
    assert top >= 5 * median


def test_markdown_links_resolve_relative_to_the_note(notes: dict[str, str]) -> None:
    checked = 0
    for path, text in notes.items():
        for href in re.findall(r"\]\(<?([^)>]+\.md)(?:#[^)]*)?>?\)", strip_non_text(text)):
            href = unquote(href)
            if href.startswith("Missing ") or "/" not in href:
                continue  # deliberately broken, or "shortest path" style
            resolved = os.path.normpath(os.path.join(os.path.dirname(path), href))
            assert Path(resolved).as_posix() in notes, (path, href)
            checked += 1
    assert checked > 10
