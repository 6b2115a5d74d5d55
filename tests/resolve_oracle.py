"""Test oracle: papervault's link resolution as it was before it was made fast.

``src/papervault/resolve.py`` at commit 5a5d8f4, unchanged but for its imports, so that
``tests/test_resolve_memo.py`` can check that the memoized resolver gives exactly the same
resolutions and diagnostics. When resolution changes on purpose, change it here too.
One bug is fixed here as in the new code (marked "fixed here").
"""

# ruff: noqa

from __future__ import annotations

import gc
import html
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal, get_args

from papervault.config import Resolution as Mode
from papervault.model import EMBED, MARKDOWN, Diagnostic, Link, Note, PublishMode, Vault, is_published
from papervault.slugs import (
    SlugSet,
    Strategy,
    crawl_link,
    heading_ids,
    simplify_slug,
    slug_anchor,
    slug_tag,
    slugify_path,
    split_anchor,
    strip_slashes,
    transform_internal_link,
)

MODES: tuple[Mode, ...] = get_args(Mode)
QUARTZ_SHORTEST: Mode = "quartz-shortest"
QUARTZ_STRATEGIES: dict[Mode, Strategy] = {
    "quartz-shortest": "shortest",
    "quartz-absolute": "absolute",
    "quartz-relative": "relative",
}
#: the two modes the divergence rule compares, and fixes must satisfy
PROBE_MODES: tuple[Mode, Mode] = ("obsidian", QUARTZ_SHORTEST)

Status = Literal[
    "resolved",  # target is a note or attachment (the linking note itself for `[[#H]]`)
    "broken",  # nothing matches
    "ambiguous",  # several notes match; `candidates` lists them, `target` is None
    "alias",  # only an alias matches (Obsidian) or the link lands on its redirect (Quartz)
    "generated",  # Quartz: a page Quartz generates (folder listing, tag page), not a note
    "empty",  # [[]]
    "outside-vault",  # an absolute path, or .. above the vault root
    "ignored",  # Quartz does not read it as a link (links in frontmatter, [[https://…]])
]
TargetKind = Literal["note", "attachment"]

NOTE_SUFFIX = ".md"
# Quartz's wikilink regex (ofm.ts), applied to the raw link as its text stage does.
_QUARTZ_WIKILINK = re.compile(r"!?\[\[([^\[\]|#\\]+)?(#+[^\[\]|#\\]+)?(\\?\|[^\[\]#]+)?\]\]")
_QUARTZ_EXTERNAL = re.compile(r"https?://", re.I)
_QUARTZ_IMAGE = frozenset({".png", ".jpg", ".jpeg", ".gif", ".bmp", ".svg", ".webp"})
_QUARTZ_VIDEO = frozenset({".mp4", ".webm", ".ogv", ".mov", ".mkv"})
_QUARTZ_AUDIO = frozenset({".mp3", ".webm", ".wav", ".m4a", ".ogg", ".3gp", ".flac"})
_QUARTZ_MEDIA = _QUARTZ_IMAGE | _QUARTZ_VIDEO | _QUARTZ_AUDIO | {".pdf"}
_WINDOWS_ABSOLUTE = re.compile(r"[A-Za-z]:[\\/]")
# characters Obsidian drops when it matches a heading subpath
_OBSIDIAN_HEADING_NOISE = re.compile(r"[\[\]#|^\\:%]")


@dataclass(frozen=True, slots=True)
class Outcome:
    """Where a link leads, in one mode; every link of the same form shares one.

    ``target`` is a vault path (a note, or an attachment when ``target_kind ==
    "attachment"``), or ``None``. ``candidates`` names the notes the link could mean when
    it has no single target (ambiguous names, the owner of an alias, a case-only or title
    match). ``case_only``: the match needed another case. ``slug`` is, in the Quartz
    modes, the simple slug Quartz records in the page's ``links`` (``None`` when it
    records no link, e.g. for a media embed).
    """

    target: str | None
    target_kind: TargetKind | None
    status: Status
    candidates: tuple[str, ...] = ()
    case_only: bool = False
    slug: str | None = None


@dataclass(frozen=True, slots=True)
class Resolution:
    """One link resolved: the link, the note it is in, its outcome and its anchor check.

    ``anchor_ok`` is ``None`` when the link has no anchor or it cannot be checked (an
    attachment, an unparsed note, no target).
    """

    source: str
    link: Link
    outcome: Outcome
    anchor_ok: bool | None = None

    @property
    def target(self) -> str | None:
        return self.outcome.target

    @property
    def target_kind(self) -> TargetKind | None:
        return self.outcome.target_kind

    @property
    def status(self) -> Status:
        return self.outcome.status

    @property
    def candidates(self) -> tuple[str, ...]:
        return self.outcome.candidates

    @property
    def case_only(self) -> bool:
        return self.outcome.case_only

    @property
    def slug(self) -> str | None:
        return self.outcome.slug

    @property
    def resolved(self) -> bool:
        return self.outcome.target is not None


@dataclass(frozen=True)
class ResolvedVault:
    """Every note's links resolved in one mode; the diagnostics on first use.

    ``resolutions[path]`` runs parallel to ``vault.notes[path].links``.
    """

    mode: Mode
    resolutions: dict[str, tuple[Resolution, ...]]
    resolver: Resolver = field(repr=False, compare=False)

    def __iter__(self) -> Iterator[Resolution]:
        for found in self.resolutions.values():
            yield from found

    def outgoing(self, path: str) -> tuple[Resolution, ...]:
        return self.resolutions.get(path, ())

    @cached_property
    def diagnostics(self) -> tuple[Diagnostic, ...]:
        """PV201-PV210, sorted. Computed when first asked for: divergence (PV207) needs the
        vault resolved in Obsidian and Quartz ``shortest`` too, whatever the mode."""
        index = self.resolver.index
        with _collector_paused():
            resolvers = {m: Resolver(index, m) for m in PROBE_MODES if m != self.mode}
            resolvers[self.mode] = self.resolver
            diagnose = _Diagnose(self.mode, index, resolvers)
            for path, own in self.resolutions.items():
                if own:
                    note = index.notes[path]
                    obsidian, quartz = (
                        own if m == self.mode else resolvers[m].resolve_note(note) for m in PROBE_MODES
                    )
                    diagnose.note(note, own, obsidian, quartz)
            return tuple(sorted(diagnose.found, key=Diagnostic.sort_key))


# --------------------------------------------------------------------------- lookup tables


def _note_key(path: str) -> str:
    """A note's path as a link names it: without ``.md``."""
    return path[: -len(NOTE_SUFFIX)] if path.endswith(NOTE_SUFFIX) else path


def _last(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def _folder(path: str) -> str:
    return path.rsplit("/", 1)[0] if "/" in path else ""


def _quartz_globs(path: str) -> bool:
    """Whether Quartz's ``glob("**/*.*")`` finds the file (a dot in the name, no dot-folders)."""
    return "." in _last(path) and not any(part.startswith(".") for part in path.split("/"))


class VaultIndex:
    """The lookup tables of one vault, built once and shared by every mode's resolver."""

    def __init__(self, vault: Vault, publish_mode: PublishMode = "drafts") -> None:
        self.vault = vault
        self.notes = vault.notes
        self.publish_mode = publish_mode
        ignored = [p for p in vault.ignored if p not in vault.notes]
        self.ignored = frozenset(ignored)
        self.kinds: dict[str, TargetKind] = {path: "note" for path in vault.notes}
        for path in ignored:
            self.kinds[path] = "note" if path.endswith(NOTE_SUFFIX) else "attachment"
        for path in vault.attachments:
            self.kinds.setdefault(path, "attachment")
        self._headings: dict[str, list[tuple[int, str]]] = {}
        self._blocks: dict[str, frozenset[str]] = {}
        self._quartz_ids: dict[str, frozenset[str]] = {}

    def is_note(self, path: str) -> bool:
        return self.kinds.get(path) == "note"

    @cached_property
    def unpublished(self) -> frozenset[str]:
        """Drafts (or notes without ``publish``, by the publish mode) and ignored files."""
        drafts = (path for path, note in self.notes.items() if not is_published(note, self.publish_mode))
        return self.ignored | frozenset(drafts)

    def published(self, path: str) -> bool:
        """Whether Quartz publishes the file (attachments always; ignored files never)."""
        if path in self.ignored:
            return False
        note = self.notes.get(path)
        return note is None or is_published(note, self.publish_mode)

    # Obsidian tables: lower-cased link keys (notes without .md, other files with their
    # extension), file names, aliases and titles, each to the paths they name.

    @cached_property
    def by_key(self) -> dict[str, list[str]]:
        table: dict[str, list[str]] = {}
        for path, kind in self.kinds.items():
            key = _note_key(path) if kind == "note" else path
            table.setdefault(key.lower(), []).append(path)
        return table

    @cached_property
    def by_name(self) -> dict[str, list[str]]:
        table: dict[str, list[str]] = {}
        for path, kind in self.kinds.items():
            key = _note_key(path) if kind == "note" else path
            table.setdefault(_last(key).lower(), []).append(path)
        return table

    @cached_property
    def by_alias(self) -> dict[str, list[str]]:
        table: dict[str, list[str]] = {}
        for path, note in self.notes.items():
            for alias in dict.fromkeys(a.strip().lower() for a in note.aliases):
                if alias:
                    table.setdefault(alias, []).append(path)
        return table

    @cached_property
    def by_title(self) -> dict[str, list[str]]:
        table: dict[str, list[str]] = {}
        for path, note in self.notes.items():
            if note.title and note.title != note.stem:
                table.setdefault(note.title.strip().lower(), []).append(path)
        return table

    # Quartz tables

    @cached_property
    def source_slugs(self) -> dict[str, str]:
        return {path: slugify_path(path) for path in self.kinds}

    def source_slug(self, path: str) -> str:
        """The Quartz full slug of a file (or of any path, e.g. ``""`` for the root)."""
        slug = self.source_slugs.get(path)
        return slug if slug is not None else slugify_path(path)

    @cached_property
    def alias_slugs(self) -> dict[str, list[str]]:
        """Alias and permalink slugs (redirect pages) to the notes that declare them."""
        table: dict[str, list[str]] = {}
        for path, note in self.notes.items():
            for alias in note.aliases:
                table.setdefault(slugify_path(alias + NOTE_SUFFIX), []).append(path)
            permalink = note.frontmatter.get("permalink")
            if permalink is not None and str(permalink) != "":
                table.setdefault(str(permalink), []).append(path)
        return table

    @cached_property
    def slug_set(self) -> SlugSet:
        slugs = SlugSet(
            self.source_slugs[path] for path in self.kinds if path not in self.ignored and _quartz_globs(path)
        )
        for slug, owners in self.alias_slugs.items():
            slugs.extend([slug] * len(owners))
        return slugs

    @cached_property
    def slug_files(self) -> dict[str, list[str]]:
        """Full slugs to the files at them: notes (drafts and ignored ones too) and the
        attachments Quartz copies (``**/*.*``)."""
        table: dict[str, list[str]] = {}
        for path, slug in self.source_slugs.items():
            if self.kinds[path] == "note" or _quartz_globs(path):
                table.setdefault(slug, []).append(path)
        return table

    @cached_property
    def slug_files_lower(self) -> dict[str, list[str]]:
        table: dict[str, list[str]] = {}
        for slug, paths in self.slug_files.items():
            table.setdefault(slug.lower(), []).extend(paths)
        return table

    @cached_property
    def slug_names_lower(self) -> dict[str, list[str]]:
        table: dict[str, list[str]] = {}
        for path, slug in self.source_slugs.items():
            if path not in self.ignored:
                table.setdefault(_last(slug).lower(), []).append(path)
        return table

    @cached_property
    def generated_slugs(self) -> frozenset[str]:
        """Pages Quartz makes itself: folder listings and tag pages (full slugs)."""
        pages = {"tags/index"}
        folders: set[str] = set()
        tags: set[str] = set()
        for path, note in self.notes.items():
            if self.published(path):
                folders.add(_folder(self.source_slugs[path]))
                tags.update(tag.name for tag in note.tags)
        for folder in folders:
            while folder:
                pages.add(folder + "/index")
                folder = _folder(folder)
        for tag in tags:  # a nested tag makes a page for each prefix
            parts = slug_tag(tag.lstrip("#")).split("/")
            pages.update("tags/" + "/".join(parts[: i + 1]) for i in range(len(parts)))
        return frozenset(pages)

    # anchors, per target note, computed on first use

    def anchor_checkable(self, path: str) -> bool:
        note = self.notes.get(path)
        return note is not None and note.readable

    def obsidian_headings(self, path: str) -> list[tuple[int, str]]:
        """(level, Obsidian match key) of each heading of the note, in order."""
        found = self._headings.get(path)
        if found is None:
            found = [(h.level, obsidian_heading_key(h.text)) for h in self.notes[path].headings]
            self._headings[path] = found
        return found

    def block_ids(self, path: str) -> frozenset[str]:
        found = self._blocks.get(path)
        if found is None:
            found = self._blocks[path] = frozenset(b.id for b in self.notes[path].block_ids)
        return found

    def quartz_ids(self, path: str) -> frozenset[str]:
        """The element ids on the note's Quartz page: heading ids and block ids."""
        found = self._quartz_ids.get(path)
        if found is None:
            note = self.notes[path]
            headings = heading_ids(quartz_heading_text(h.text) for h in note.headings)
            found = self._quartz_ids[path] = frozenset(headings) | self.block_ids(path)
        return found


# --------------------------------------------------------------------------- headings


def obsidian_heading_key(text: str) -> str:
    """A heading or ``#subpath`` as Obsidian compares them: case, the characters that
    cannot appear in a link (``[ ] # | ^ \\ : %``) and repeated spaces ignored."""
    return " ".join(_OBSIDIAN_HEADING_NOISE.sub(" ", text).split()).casefold()


_HEADING_WIKILINK = re.compile(r"(!?)\[\[([^\[\]|#]*)(?:#([^\[\]|]*))?(?:\\?\|([^\[\]]*))?\]\]")
_HEADING_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_HEADING_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_HEADING_HTML = re.compile(r"<[^>]+>")
_HEADING_UNDERSCORE = re.compile(r"(?<![\w\\])(__?)(?=\S)(.+?)(?<=\S)\1(?!\w)")
_HEADING_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def _heading_wikilink_text(match: re.Match[str]) -> str:
    embed, target, anchor, alias = match.groups()
    if embed:
        return ""
    if alias is not None:
        return alias.strip()
    return anchor.strip() if anchor else target.strip()


def quartz_heading_text(text: str) -> str:
    """A heading's source as the text Quartz renders (what rehype-slug slugs).

    Only what changes the slug matters: link syntax keeps its visible text, ``_``
    emphasis goes (github-slugger keeps ``_``), escapes and entities are decoded; the
    other markup characters are punctuation that slugging drops anyway.
    """
    if not any(c in text for c in "[<_\\&"):
        return text
    text = _HEADING_WIKILINK.sub(_heading_wikilink_text, text)
    text = _HEADING_IMAGE.sub("", text)
    text = _HEADING_LINK.sub(r"\1", text)
    text = _HEADING_HTML.sub("", text)
    text = _HEADING_UNDERSCORE.sub(r"\2", text)
    return html.unescape(_HEADING_ESCAPE.sub(r"\1", text))


def _obsidian_anchor_ok(headings: list[tuple[int, str]], anchor: str) -> bool:
    """``H1#H2``: each part must be a heading inside the section of the one before."""
    parts = [obsidian_heading_key(p) for p in anchor.split("#") if p.strip()]
    if not parts:
        return True
    start, limit = 0, len(headings)
    for depth, part in enumerate(parts):
        for index in range(start, limit):
            level, key = headings[index]
            if key == part:
                break
        else:
            return False
        if depth + 1 < len(parts):
            start = index + 1
            limit = next((i for i in range(start, len(headings)) if headings[i][0] <= level), len(headings))
    return True


# --------------------------------------------------------------------------- resolvers


def _is_wikilink(link: Link) -> bool:
    """Wikilinks and wikilink embeds (a markdown image is an EMBED with a URL as raw)."""
    return link.kind != MARKDOWN and (link.raw.startswith("[[") or link.raw.startswith("![["))


def _is_absolute(target: str) -> bool:
    """``/x``, ``\\x`` or a Windows drive path ``C:\\x``."""
    first = target[:1]
    if first == "/" or first == "\\":
        return True
    return target[1:2] == ":" and bool(_WINDOWS_ABSOLUTE.match(target))


def _join_relative(folder: str, target: str) -> str | None:
    """``folder`` + ``target`` as a vault path, or ``None`` if it climbs above the root."""
    parts = folder.split("/") if folder else []
    for part in target.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if not parts:
                return None
            parts.pop()
        else:
            parts.append(part)
    return "/".join(parts)


def _escapes(folder: str, target: str) -> bool:
    """Read as a file path from ``folder``, does ``target`` leave the vault?"""
    if _is_absolute(target):
        return True
    return ".." in target and _join_relative(folder, target.replace("\\", "/")) is None


def _extname(path: str) -> str:
    """Node's ``path.extname``, lower-cased (``a/b.PNG`` -> ``.png``, ``.hidden`` -> ``""``)."""
    name = _last(path)
    dot = name.rfind(".")
    return name[dot:].lower() if dot > 0 else ""


class Resolver:
    """Resolves links in one mode against the lookup tables of one vault.

    Outcomes are cached per link form (``[[PPO]]`` is worked out once, however many notes
    write it) and anchor checks per (target, anchor), so resolving a whole vault costs
    little more than a dictionary lookup per link.
    """

    def __init__(
        self, vault: Vault | VaultIndex, mode: Mode = "obsidian", publish_mode: PublishMode = "drafts"
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown link resolution mode {mode!r}; choose one of {', '.join(MODES)}")
        self.index = vault if isinstance(vault, VaultIndex) else VaultIndex(vault, publish_mode)
        self.mode = mode
        self.strategy: Strategy | None = QUARTZ_STRATEGIES.get(mode)
        self._forms: dict[tuple[object, ...], tuple[Outcome, str | None]] = {}
        self._hrefs: dict[tuple[str, str, bool], Outcome] = {}
        self._anchors: dict[tuple[str, str], bool | None] = {}

    def resolve(self, source: str, link: Link) -> Resolution:
        """Resolve one link written in the note (or file) at vault path ``source``."""
        if self.strategy is None:
            return self._obsidian(source, link)
        return self._quartz(source, link, self.strategy)

    def resolve_note(self, note: Note) -> tuple[Resolution, ...]:
        resolve = self.resolve
        return tuple([resolve(note.path, link) for link in note.links])

    def _result(self, source: str, link: Link, outcome: Outcome, anchor: str) -> Resolution:
        if outcome.status == "ambiguous" and self.strategy is None:
            outcome = self._ranked(source, outcome)
        target = outcome.target
        if anchor and target is not None and outcome.target_kind == "note":
            return Resolution(source, link, outcome, self._anchor(target, anchor))
        return Resolution(source, link, outcome)

    def _anchor(self, path: str, anchor: str) -> bool | None:
        key = (path, anchor)
        found = self._anchors.get(key, _UNCHECKED)
        if found is _UNCHECKED:
            found = self._anchors[key] = self._check_anchor(path, anchor)
        return found

    def _check_anchor(self, path: str, anchor: str) -> bool | None:
        index = self.index
        if not index.anchor_checkable(path):
            return None
        if self.strategy is not None:
            if anchor.startswith(_EXACT):
                return anchor[1:] in index.quartz_ids(path)
            wanted = slug_anchor(anchor)
            return not wanted or wanted in index.quartz_ids(path)
        if anchor.startswith("^"):
            return anchor[1:] in index.block_ids(path)
        return _obsidian_anchor_ok(index.obsidian_headings(path), anchor)

    def _ranked(self, source: str, outcome: Outcome) -> Outcome:
        """Ambiguous candidates, same folder as the linking note first, then shallowest."""
        folder = _folder(source)
        ranked = sorted(outcome.candidates, key=lambda p: (_folder(p) != folder, p.count("/"), p))
        return Outcome(None, None, "ambiguous", tuple(ranked))

    # ------------------------------------------------------------------ Obsidian

    def _obsidian(self, source: str, link: Link) -> Resolution:
        target = link.target
        if not target:
            outcome = Outcome(source, "note", "resolved") if link.anchor else _EMPTY
            return self._result(source, link, outcome, link.anchor)
        raw = link.raw
        wikilink = link.kind != MARKDOWN and raw.startswith(_WIKILINK_OPENERS)
        # markdown links and ./ ../ wikilinks are read from the linking note's folder
        folder = _folder(source) if not wikilink or target[0] == "." or ".." in target else ""
        key = (wikilink, target, folder)
        found = self._forms.get(key)
        if found is None:
            found = self._forms[key] = (self._obsidian_outcome(folder, target, wikilink), None)
        return self._result(source, link, found[0], link.anchor)

    def _obsidian_outcome(self, folder: str, target: str, wikilink: bool) -> Outcome:
        if _escapes(folder, target):
            return _OUTSIDE
        matches = self._obsidian_matches(folder, target.replace("\\", "/"), wikilink)
        if len(matches) == 1:
            path = matches[0]
            return Outcome(path, self.index.kinds[path], "resolved", (), not self._same_case(path, target))
        if matches:
            return Outcome(None, None, "ambiguous", tuple(matches))
        name = _note_key(target).strip().lower()
        owners = self.index.by_alias.get(name)
        if owners:
            return Outcome(None, None, "alias", tuple(sorted(owners)))
        return Outcome(None, None, "broken", tuple(sorted(self.index.by_title.get(name, ()))))

    def _obsidian_matches(self, folder: str, target: str, wikilink: bool) -> list[str]:
        relative = target.startswith(("./", "../"))
        if not wikilink or relative:
            joined = _join_relative(folder, target)
            found = self._by_key(joined) if joined is not None else []
            if found or relative:
                return found
        found = self._by_key(target)
        if found:
            return found
        key = self._key(target).lower()
        named = self.index.by_name.get(_last(key), [])
        if "/" in key:
            named = [p for p in named if self._link_key(p).lower().endswith("/" + key)]
        return self._prefer_case(named, target)

    def _key(self, target: str) -> str:
        return target[: -len(NOTE_SUFFIX)] if target.lower().endswith(NOTE_SUFFIX) else target

    def _link_key(self, path: str) -> str:
        return _note_key(path) if self.index.kinds[path] == "note" else path

    def _by_key(self, target: str) -> list[str]:
        found: list[str] = []
        for key in dict.fromkeys((target, self._key(target))):
            for path in self.index.by_key.get(key.lower(), ()):
                # `x.md` names the note x.md, never an attachment called `x`
                if path not in found and (key == target or self.index.kinds[path] == "note"):
                    found.append(path)
        return self._prefer_case(found, target)

    def _same_case(self, path: str, target: str) -> bool:
        """Whether ``target`` spells the end of ``path`` with the same case."""
        written = [p for p in self._key(target).replace("\\", "/").split("/") if p not in ("", ".", "..")]
        actual = self._link_key(path).split("/")
        return not written or actual[-len(written) :] == written

    def _prefer_case(self, paths: list[str], target: str) -> list[str]:
        """Of files that differ only in case, the one written exactly wins."""
        if len(paths) < 2:
            return paths
        exact = [p for p in paths if self._same_case(p, target)]
        return exact if len(exact) == 1 else paths

    # ------------------------------------------------------------------ Quartz

    def _quartz(self, source: str, link: Link, strategy: Strategy) -> Resolution:
        if link.in_frontmatter:
            return Resolution(source, link, _IGNORED)
        target = link.target
        raw = link.raw
        wikilink = link.kind != MARKDOWN and raw.startswith(_WIKILINK_OPENERS)
        if not target:  # [[]], [[#Heading]], [](#anchor): about the linking note itself
            return self._quartz_same_page(source, link, wikilink)
        if ".." in target and _escapes(_folder(source), target):
            return Resolution(source, link, self._quartz_outside(source, link, wikilink, strategy))
        relative = strategy == "relative"  # shortest and absolute count from the root
        # a wikilink with no # or \\ reads the same whatever its display text
        form = raw if wikilink and ("#" in raw or "\\" in raw or raw.endswith("|]]")) else target
        # fixed here: the key missed `wikilink`, so ![](x.png) and ![[x.png]] could share
        # one outcome (whichever came first), though Quartz reads them differently
        key = (form, link.kind, wikilink, _folder(source) if relative else "")
        found = self._forms.get(key)
        if found is None:
            found = self._forms[key] = self._quartz_form(source, link, wikilink, strategy)
        outcome, anchor = found
        if anchor is None:  # a markdown link's anchor is its own
            anchor = link.anchor.split("#", 1)[0]
        return self._result(source, link, outcome, anchor)

    def _quartz_form(
        self, source: str, link: Link, wikilink: bool, strategy: Strategy
    ) -> tuple[Outcome, str | None]:
        """What a link form resolves to, and its anchor (``None``: the link's own)."""
        anchor: str | None = None
        if wikilink:
            read = _quartz_read_wikilink(link.raw, link.kind == EMBED)
            if read is None:  # Quartz leaves it as text: a broken link on the page
                return _BROKEN, ""
            href, anchor, counted, external = read
            if external:
                return _IGNORED, ""
        else:
            href, counted = link.target, link.kind == MARKDOWN
        if _is_absolute(link.target):
            return self._quartz_outside(source, link, wikilink, strategy), ""
        source_slug = self.index.source_slug(source)
        # under shortest and absolute Quartz counts every path from the root (tested)
        key = (_folder(source_slug) if strategy == "relative" else "", href, counted)
        outcome = self._hrefs.get(key)
        if outcome is None:
            outcome = self._hrefs[key] = self._quartz_outcome(source_slug, href, strategy, counted)
        return outcome, anchor

    def _quartz_outside(self, source: str, link: Link, wikilink: bool, strategy: Strategy) -> Outcome:
        """A link out of the vault: no target, but Quartz still records a (clamped) slug."""
        if wikilink:
            read = _quartz_read_wikilink(link.raw, link.kind == EMBED)
            href, counted = (read[0], read[2]) if read and not read[3] else ("", False)
        else:
            href, counted = link.target, link.kind == MARKDOWN
        slug = simplify_slug(self._crawl(source, href, strategy)) if counted else None
        return Outcome(None, None, "outside-vault", slug=slug)

    def _quartz_same_page(self, source: str, link: Link, wikilink: bool) -> Resolution:
        if wikilink:
            read = _quartz_read_wikilink(link.raw, link.kind == EMBED)
            if read is None:
                return Resolution(source, link, _BROKEN)
            _, anchor, counted, _ = read
        else:
            # the browser looks the #anchor up as written: Quartz slugs no same-page href
            anchor = _EXACT + link.anchor if link.anchor else ""
            counted = link.kind == MARKDOWN
        if anchor:
            return self._result(source, link, Outcome(source, "note", "resolved"), anchor)
        return Resolution(source, link, _EMPTY_LINK if counted else _EMPTY)

    def _crawl(self, source: str, href: str, strategy: Strategy) -> str:
        return crawl_link(self.index.source_slug(source), href, strategy, self.index.slug_set)

    def _quartz_outcome(self, source_slug: str, href: str, strategy: Strategy, counted: bool) -> Outcome:
        index = self.index
        full = crawl_link(source_slug, href, strategy, index.slug_set)
        slug = simplify_slug(full) if counted else None
        files = index.slug_files.get(full, [])
        if len(files) == 1:
            return Outcome(files[0], index.kinds[files[0]], "resolved", slug=slug)
        if files:  # two files publish to one slug
            return Outcome(None, None, "ambiguous", tuple(sorted(files)), slug=slug)
        owners = index.alias_slugs.get(full)
        if owners:
            return Outcome(None, None, "alias", tuple(sorted(owners)), slug=slug)
        if full in index.generated_slugs:
            return Outcome(None, None, "generated", slug=slug)
        name = strip_slashes(transform_internal_link(href)[1:]).split("#", 1)[0]
        shortest_name = strategy == "shortest" and "/" not in name
        if shortest_name:
            named = self._owners(index.slug_set.named(name))
            if len(named) > 1:
                return Outcome(None, None, "ambiguous", named, slug=slug)
        nocase = index.slug_files_lower.get(full.lower(), ())
        if not nocase and shortest_name:
            nocase = index.slug_names_lower.get(name.lower(), ())
        if nocase:
            return Outcome(None, None, "broken", tuple(sorted(nocase)), True, slug)
        titled = index.by_title.get(_note_key(href).strip().lower(), ())
        return Outcome(None, None, "broken", tuple(sorted(titled)), slug=slug)

    def _owners(self, slugs: Iterable[str]) -> tuple[str, ...]:
        """The notes behind slugs: the file, or the note declaring an alias slug."""
        owners: list[str] = []
        for slug in slugs:
            owners.extend(self.index.slug_files.get(slug) or self.index.alias_slugs.get(slug, []))
        return tuple(sorted(dict.fromkeys(owners)))


_WIKILINK_OPENERS = ("[[", "![[")
_WIKILINK_SPECIAL = re.compile(r"[#\[\]\\]")
_UNCHECKED: Any = object()
_EXACT = "\0"  # marks an anchor Quartz does not slug (a markdown same-page href)
_EMPTY = Outcome(None, None, "empty")
_EMPTY_LINK = Outcome(None, None, "empty", slug="/")  # Quartz records [[]] as "/"
_OUTSIDE = Outcome(None, None, "outside-vault")
_IGNORED = Outcome(None, None, "ignored")
_BROKEN = Outcome(None, None, "broken")


def _quartz_read_wikilink(raw: str, embed: bool) -> tuple[str, str, bool, bool] | None:
    """(href path, anchor, counted as a link, external) as Quartz reads a wikilink."""
    parsed = _quartz_wikilink(raw)
    if parsed is None:
        return None
    target, header = parsed
    if _QUARTZ_EXTERNAL.match(target):
        return target, "", False, True
    anchor = header[1:]
    if not embed:
        return target, anchor, True, False
    # an embed's URL is slugged first; media become img/video/audio/iframe, not links,
    # while a transclusion holds an <a href>
    return slugify_path(target), anchor, _extname(target) not in _QUARTZ_MEDIA, False


def _quartz_wikilink(raw: str) -> tuple[str, str] | None:
    """The (target, ``#anchor``) Quartz reads from a wikilink, or ``None`` if it reads none.

    Quartz rewrites every wikilink in its text stage (anchor slugged, heading copied into
    the alias) and matches the result again in its markdown stage; links such as
    ``[[x#H1#H2]]``, ``[[x##h]]`` or ``[[x#!!]]`` fail one of the two matches and stay text.
    """
    inner = raw[3:-2] if raw.startswith("!") else raw[2:-2]
    if not _WIKILINK_SPECIAL.search(inner):  # no anchor: the text stage changes nothing
        target, bar, alias = inner.partition("|")
        ok = raw.endswith("]]") and raw.startswith(("[[", "![[")) and (not bar or alias)
        return (target.strip(), "") if ok else None
    return _quartz_wikilink_literal(raw)


def _quartz_wikilink_literal(raw: str) -> tuple[str, str] | None:
    """:func:`_quartz_wikilink` done with Quartz's regex, twice, as Quartz does it."""
    match = _QUARTZ_WIKILINK.fullmatch(raw)
    if match is None:
        return None
    raw_target, raw_header, raw_alias = match.groups()
    if raw_target and _QUARTZ_EXTERNAL.match(raw_target):
        return raw_target.strip(), ""
    target, anchor = split_anchor((raw_target or "") + (raw_header or ""))
    shown_anchor = "#" + anchor.strip().lstrip("#") if anchor else ""
    shown_alias = raw_alias if raw_alias is not None else (raw_header or "").replace("#", "|", 1)
    embed = "!" if raw.startswith("!") else ""
    rewritten = _QUARTZ_WIKILINK.fullmatch(f"{embed}[[{target}{shown_anchor}{shown_alias}]]")
    if rewritten is None:
        return None
    return (rewritten.group(1) or "").strip(), (rewritten.group(2) or "").strip()


# --------------------------------------------------------------------------- the vault


@dataclass(slots=True)
class _Diagnose:
    """Turns one note's resolutions (this mode, Obsidian, Quartz shortest) into diagnostics."""

    mode: Mode
    index: VaultIndex
    resolvers: dict[Mode, Resolver]
    found: list[Diagnostic] = field(default_factory=list)

    def note(
        self,
        note: Note,
        own: tuple[Resolution, ...],
        obsidian: tuple[Resolution, ...],
        quartz: tuple[Resolution, ...],
    ) -> None:
        published = self.index.published(note.path)
        unpublished = self.index.unpublished
        for this, in_obsidian, in_quartz in zip(own, obsidian, quartz, strict=True):
            outcome = this.outcome
            before = len(self.found)
            if outcome.status != "resolved" or outcome.case_only or this.anchor_ok is False:
                self.problems(this)
            target = outcome.target
            if published and target in unpublished and target != note.path:
                self.unpublished(this)
            same = in_obsidian.outcome.target == in_quartz.outcome.target
            if not same and len(self.found) == before and not this.link.in_frontmatter:
                self.divergence(this, in_obsidian, in_quartz)

    def add(self, found: Resolution, code: str, message: str, fix: str | None = None) -> None:
        link = found.link
        self.found.append(Diagnostic(found.source, link.line, link.column, code, message, fix))

    def problems(self, found: Resolution) -> None:
        link = found.link
        text = link_text(link)
        status = found.status
        quartz = self.mode != "obsidian"
        if status == "empty":
            self.add(found, "PV208", f"empty link {text}")
        elif status == "outside-vault":
            self.add(found, "PV210", f"{text} leads outside the vault")
        elif status == "ambiguous":
            listed = ", ".join(found.candidates[:5])
            where = "; Quartz links none of them" if quartz else ""
            fixes = " or ".join(self.rewrite(link, p) for p in found.candidates[:3])
            self.add(found, "PV204", f"ambiguous link {text}: matches {listed}{where}", fixes)
        elif status == "alias":
            owner = found.candidates[0]
            shown = link.display or link.target
            if quartz:
                message = f"{text} goes to the alias redirect page of {owner}, not to the note"
            else:
                message = f"{text} names an alias of {owner}; aliases are not link targets"
            self.add(found, "PV205", message, self.rewrite(link, owner, display=shown))
        elif status == "broken" and found.case_only and found.candidates:
            path = found.candidates[0]
            self.add(
                found,
                "PV201",
                f"broken link {text}: only {path} matches, in another case",
                self.rewrite(link, path),
            )
        elif status == "broken":
            self.broken(found, text)
        elif status == "generated" or status == "ignored":
            pass
        elif found.case_only and found.target is not None and not quartz:
            message = f"{text} matches {found.target} only in another case; Quartz will not find it"
            self.add(found, "PV206", message, self.rewrite(link, found.target))
        if found.anchor_ok is False:
            code, what = ("PV203", "block") if link.is_block_ref else ("PV202", "heading")
            target = "this note" if found.target == found.source else found.target
            self.add(found, code, f"{text}: no {what} '{link.anchor}' in {target}")

    def broken(self, found: Resolution, text: str) -> None:
        link = found.link
        if found.candidates:  # a note's title
            path = found.candidates[0]
            message = f"broken link {text}: '{link.target}' is the title of {path}, not a file name"
            self.add(found, "PV201", message, self.rewrite(link, path, display=link.display or link.target))
            return
        if _is_wikilink(link) and self.mode != "obsidian" and _quartz_wikilink(link.raw) is None:
            self.add(found, "PV201", f"Quartz does not read {text} as a link")
            return
        if link.target.endswith("/") and self.mode == "obsidian":
            self.add(found, "PV201", f"broken link {text}: Obsidian does not link to folders")
            return
        self.add(found, "PV201", f"broken link {text}: no note or file matches")

    def unpublished(self, found: Resolution) -> None:
        target = found.target
        assert target is not None
        note = self.index.notes.get(target)
        if note is None:
            why = "in an ignored folder"
        elif note.draft:
            why = "a draft"
        elif not note.readable:
            why = "unreadable"
        else:
            why = "not marked publish: true"
        text = link_text(found.link)
        self.add(found, "PV209", f"{text} links to {target}, which is {why}: broken once published")

    def divergence(self, this: Resolution, obsidian: Resolution, quartz: Resolution) -> None:
        if obsidian.target == quartz.target:
            return
        if quartz.status == "ignored":
            return
        text = link_text(this.link)
        fix = self.rewrite(this.link, obsidian.target) if obsidian.target else None
        message = f"{text}: Obsidian links {_describe(obsidian)}, Quartz (shortest) links {_describe(quartz)}"
        self.add(this, "PV207", message, fix)

    def rewrite(self, link: Link, path: str, display: str | None = None) -> str:
        """The link rewritten to name ``path`` in a form both Obsidian and Quartz resolve."""
        display = display if display is not None else link.display
        anchor = "#" + link.anchor if link.anchor else ""
        if not _is_wikilink(link):
            shown = display or link.target
            return f"[{shown}](<{path}{anchor}>)"
        name = self.name_for(link, path)
        if display is None and link.target and name != _note_key(link.target):
            display = link.target  # keep the text the reader saw
        bang = "!" if link.kind == EMBED else ""
        return f"{bang}[[{name}{anchor}|{display}]]" if display else f"{bang}[[{name}{anchor}]]"

    def name_for(self, link: Link, path: str) -> str:
        """The shortest name for ``path`` that Obsidian and Quartz (shortest) both resolve."""
        key = _note_key(path) if self.index.is_note(path) else path
        for name in (_last(key), key):
            probe = Link(link.kind, name, "", None, f"[[{name}]]", link.line, link.column)
            # checked from the vault root: a wikilink's name must not depend on the folder
            if all(self.resolvers[m].resolve("", probe).target == path for m in PROBE_MODES):
                return name
        return key


def _describe(found: Resolution) -> str:
    """Where a resolution leads, for a divergence message."""
    if found.target is not None:
        return found.target
    if found.status == "alias":
        return f"the alias redirect page of {found.candidates[0]}"
    if found.status == "ambiguous":
        return f"nothing ({len(found.candidates)} notes match)"
    if found.status == "generated":
        return f"a page Quartz generates ({found.slug})"
    return "nothing"


def link_text(link: Link) -> str:
    """The link as the user wrote it, for messages."""
    if _is_wikilink(link):
        return link.raw
    if link.kind == EMBED:
        return f"![{link.display or ''}]({link.raw})"
    return f"[{link.display or '…'}]({link.raw})"


def resolve_vault(
    vault: Vault, mode: Mode = "obsidian", publish_mode: PublishMode = "drafts"
) -> ResolvedVault:
    """Resolve every link of every note in ``mode``.

    The diagnostics come with the result (``.diagnostics``), computed when first asked
    for. Divergence (PV207) compares Obsidian with Quartz ``shortest`` whatever the mode,
    and is reported only for links that have no more specific problem.
    """
    with _collector_paused():
        resolver = Resolver(VaultIndex(vault, publish_mode), mode)
        resolutions = {path: resolver.resolve_note(note) for path, note in vault.notes.items()}
    return ResolvedVault(mode, resolutions, resolver)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while a vault is resolved.

    Resolving allocates hundreds of thousands of small acyclic objects, and each full
    collection walks the whole parsed vault: on 10,000 notes the collector alone doubles
    the time. Nothing made here forms a cycle, so nothing is left for it to find.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
