"""Stage 3, resolve: find what every link points at, the way Obsidian or Quartz would.

Modes (``links.resolution``):

- ``obsidian`` (default). Targets match case-insensitively. A link is tried, in order:
  relative to the linking note (markdown links, and wikilinks written ``./``/``../``);
  as a path from the vault root; by file name anywhere (``[[Name]]``), or by unique path
  suffix (``[[dir/Name]]``). ``.md`` is optional; other files need their extension.
  Several matches make the link **ambiguous**: it gets *no* target, and ``candidates``
  lists the matches (same folder first, then shallowest, then by path), so nothing is
  ever guessed silently. A name that is only a frontmatter alias stays unresolved.
  Links in frontmatter properties count.
- ``quartz-shortest`` / ``quartz-absolute`` / ``quartz-relative``: Quartz v4's three
  ``markdownLinkResolution`` strategies, through the exact port in :mod:`papervault.slugs`.
  Case-sensitive; the slug set holds every globbed file (drafts and attachments, not
  ignored paths) plus alias and permalink slugs; a link that lands on an alias or
  permalink slug goes to the redirect page, not the note. Quartz reads no links in
  frontmatter, and no wikilink its own regex rejects.

Anchors are checked against the target's headings and block ids: Obsidian matching in
``obsidian`` mode (case-insensitive, special characters and repeated spaces ignored,
``#H1#H2`` nested), element ids as Quartz writes them (github-slugger) otherwise. Anchors
into attachments (``#page=3``) are not checked.

A link never leaves the vault: an absolute path, or ``..`` climbing above the root (read
as a file path from the linking note), is ``outside-vault`` in every mode, even where
Quartz would clamp it to the root.

:func:`resolve_vault` resolves every link of every note, in the chosen mode and also in
the two modes the divergence rule compares (Obsidian and Quartz ``shortest``), and turns
the findings into diagnostics (PV201-PV210).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from operator import itemgetter
from typing import Any, Literal, NamedTuple, get_args

from . import collector
from .config import Resolution as Mode
from .model import (
    EMBED,
    MARKDOWN,
    WIKILINK,
    Diagnostic,
    Link,
    LinkKind,
    Note,
    PublishMode,
    Vault,
    is_published,
)
from .slugs import (
    SlugSet,
    Strategy,
    crawl_link,
    heading_ids,
    is_folder_path,
    link_name,
    plain_slug,
    simplify_slug,
    slug_anchor,
    slug_tag,
    slug_tail_name,
    slugify_path,
    split_anchor,
    unique_by_name,
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
# a path with an empty, `.`-led or backslashed segment
# a relative path whose ./ and ../ segments all come first, and no segment is empty
_PLAIN_RELATIVE = re.compile(r"(?:\.\.?/)*[^/.][^/]*(?:/[^/.][^/]*)*\Z")
_ODD_SEGMENTS = re.compile(r"\A[/.]|/\Z|//|/\.|\\")
# characters Obsidian drops when it matches a heading subpath
_OBSIDIAN_HEADING_NOISE = re.compile(r"[\[\]#|^\\:%]")


class Outcome(NamedTuple):
    """Where a link leads, in one mode; every link of the same form shares one (a named
    tuple, like :class:`Resolution`, because tens of thousands are made per vault).

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


#: where a link form leads, and the anchor to check there (``None``: the link's own)
Form = tuple[Outcome, str | None]


class Resolution(NamedTuple):
    """One link resolved: the link, the note it is in, its outcome and its anchor check.

    ``anchor_ok`` is ``None`` when the link has no anchor or it cannot be checked (an
    attachment, an unparsed note, no target). A named tuple, not a dataclass: a vault
    makes one per link (112,000 for 10,000 notes), and a tuple is made three times faster.
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
    """The links of the notes resolved (every note, or those ``resolve_vault(only=)``
    named) in one mode; the diagnostics, of those notes, on first use.

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
        with collector.paused():
            probes = [None if m == self.mode else Resolver(index, m) for m in PROBE_MODES]
            diagnose = _Diagnose(self.mode, index)
            resolutions = self.resolutions
            for path, note in index.note_items:
                own = resolutions.get(path)
                if own:
                    # in the probe modes only the outcomes count: no Resolution objects
                    obsidian, quartz = (
                        map(_OUTCOME, own) if probe is None else probe.outcomes(path, note.links)
                        for probe in probes
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
    return "." in path.rpartition("/")[2] and "/." not in "/" + path


def _add(table: dict[str, list[str]], key: str, path: str) -> None:
    found = table.get(key)
    if found is None:
        table[key] = [path]
    else:
        found.append(path)


@dataclass(slots=True)
class _Memos:
    """What one mode's resolvers have worked out, by what it depends on (see :class:`Resolver`)."""

    named: dict[str, Form] = field(default_factory=dict)
    named_embeds: dict[str, Form] = field(default_factory=dict)
    raws: dict[str, tuple[str, LinkKind, Form]] = field(default_factory=dict)
    forms: dict[tuple[object, ...], Form] = field(default_factory=dict)
    hrefs: dict[tuple[str, str, bool], Outcome] = field(default_factory=dict)
    anchors: dict[tuple[str, str], bool | None] = field(default_factory=dict)


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
        # each mode's resolver caches, shared by every Resolver of this index and mode
        self._memos: dict[Mode, _Memos] = {}
        self._names: dict[tuple[LinkKind, str], str] = {}
        self._resolved: dict[tuple[str, str | None], Outcome] = {}
        self._anchor_keys: dict[str, list[str]] = {}
        self._heading_keys: dict[str, str] = {}
        self._heading_sets: dict[str, frozenset[str]] = {}
        self._anchor_slugs: dict[str, str] = {}

    def memos(self, mode: Mode) -> _Memos:
        found = self._memos.get(mode)
        if found is None:
            found = self._memos[mode] = _Memos()
        return found

    def is_note(self, path: str) -> bool:
        return self.kinds.get(path) == "note"

    @cached_property
    def note_items(self) -> list[tuple[str, Note]]:
        """Every (path, note), read once: the vault's mapping may decode on each access."""
        return list(self.notes.items())

    @cached_property
    def unpublished(self) -> frozenset[str]:
        """Drafts (or notes without ``publish``, by the publish mode) and ignored files."""
        mode = self.publish_mode
        drafts = [path for path, note in self.note_items if not is_published(note, mode)]
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
        return self._key_tables[0]

    @cached_property
    def by_name(self) -> dict[str, list[str]]:
        return self._key_tables[1]

    @cached_property
    def _key_tables(self) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
        by_key: dict[str, list[str]] = {}
        by_name: dict[str, list[str]] = {}
        for path, kind in self.kinds.items():
            key = (_note_key(path) if kind == "note" else path).lower()
            _add(by_key, key, path)
            _add(by_name, key.rpartition("/")[2], path)
        return by_key, by_name

    @cached_property
    def obsidian_names(self) -> dict[str, str]:
        """Plain names (no ``/`` or ``\\``, no leading ``.``, no ``.md``) that name one file
        only, in any case: as written here, ``[[name]]`` resolves to that file."""
        table: dict[str, str] = {}
        kinds = self.kinds
        for lower, paths in self.by_name.items():
            if len(paths) == 1 and not lower.endswith(NOTE_SUFFIX):
                path = paths[0]
                name = (_note_key(path) if kinds[path] == "note" else path).rpartition("/")[2]
                if name and name[0] != "." and "\\" not in name:  # (no / in a last segment)
                    table[name] = path
        return table

    @cached_property
    def by_alias(self) -> dict[str, list[str]]:
        table: dict[str, list[str]] = {}
        for path, note in self.note_items:
            if note.aliases:
                for alias in dict.fromkeys(a.strip().lower() for a in note.aliases):
                    if alias:
                        _add(table, alias, path)
        return table

    @cached_property
    def by_title(self) -> dict[str, list[str]]:
        table: dict[str, list[str]] = {}
        for path, note in self.note_items:
            if note.title and note.title != note.stem:
                _add(table, note.title.strip().lower(), path)
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
        for path, note in self.note_items:
            for alias in note.aliases:
                _add(table, slugify_path(alias + NOTE_SUFFIX), path)
            if note.permalink is not None:
                _add(table, note.permalink, path)
        return table

    @cached_property
    def globbed(self) -> frozenset[str]:
        """The files Quartz's ``glob("**/*.*")`` finds (a dot in the name, no dot-folders)."""
        return frozenset(path for path in self.kinds if _quartz_globs(path))

    @cached_property
    def slug_set(self) -> SlugSet:
        slugs = self.source_slugs
        ignored = self.ignored
        found = SlugSet(slugs[path] for path in self.globbed if path not in ignored)
        for slug, owners in self.alias_slugs.items():
            found.extend([slug] * len(owners))
        return found

    @cached_property
    def quartz_names(self) -> dict[str, str]:
        """File names (a note's with and without ``.md``) that Quartz's ``shortest``
        strategy resolves to their one file."""
        table: dict[str, str] = {}
        slug_set = self.slug_set
        files = self.slug_files
        kinds = self.kinds
        for slug in slug_set.unique.values():  # (the only slug of its name: a candidate)
            at_slug = files.get(slug)
            if at_slug is None or len(at_slug) != 1 or not unique_by_name(slug, slug_set):
                continue
            path = at_slug[0]
            kind = kinds[path]
            name = path.rpartition("/")[2]  # as markdown links write it
            if slug_tail_name(name):
                table[name] = path
            if kind == "note" and name.endswith(NOTE_SUFFIX):  # as wikilinks write it
                name = name[: -len(NOTE_SUFFIX)]
                if slug_tail_name(name, without_md=True):
                    table[name] = path
        return table

    def resolved(self, path: str, slug: str | None = None) -> Outcome:
        """The one outcome of every link form that resolves to ``path`` exactly."""
        key = (path, slug)
        found = self._resolved.get(key)
        if found is None:
            found = self._resolved[key] = Outcome(path, self.kinds[path], "resolved", slug=slug)
        return found

    @cached_property
    def slug_files(self) -> dict[str, list[str]]:
        """Full slugs to the files at them: notes (drafts and ignored ones too) and the
        attachments Quartz copies (``**/*.*``)."""
        table: dict[str, list[str]] = {}
        kinds = self.kinds
        globbed = self.globbed
        for path, slug in self.source_slugs.items():
            if kinds[path] == "note" or path in globbed:
                _add(table, slug, path)
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
        ignored = self.ignored
        for path, slug in self.source_slugs.items():
            if path not in ignored:
                _add(table, slug.rpartition("/")[2].lower(), path)
        return table

    @cached_property
    def generated_slugs(self) -> frozenset[str]:
        """Pages Quartz makes itself: folder listings and tag pages (full slugs)."""
        pages = {"tags/index"}
        folders: set[str] = set()
        tags: set[str] = set()
        slugs = self.source_slugs
        mode = self.publish_mode
        for path, note in self.note_items:  # a note is never an ignored file here
            if is_published(note, mode):
                folders.add(slugs[path].rpartition("/")[0])
                if note.tags:
                    tags.update([tag.name for tag in note.tags])
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
            keys = self._heading_keys  # notes made from one template share their headings
            found = []
            for heading in self.notes[path].headings:
                key = keys.get(heading.text)
                if key is None:
                    key = keys[heading.text] = obsidian_heading_key(heading.text)
                found.append((heading.level, key))
            self._headings[path] = found
        return found

    def obsidian_heading_keys(self, path: str) -> frozenset[str]:
        found = self._heading_sets.get(path)
        if found is None:
            found = self._heading_sets[path] = frozenset(key for _, key in self.obsidian_headings(path))
        return found

    def block_ids(self, path: str) -> frozenset[str]:
        found = self._blocks.get(path)
        if found is None:
            found = self._blocks[path] = frozenset(b.id for b in self.notes[path].block_ids)
        return found

    def anchor_keys(self, anchor: str) -> list[str]:
        """An Obsidian subpath's heading keys (a vault links few distinct anchors)."""
        found = self._anchor_keys.get(anchor)
        if found is None:
            found = self._anchor_keys[anchor] = _obsidian_anchor_keys(anchor)
        return found

    def anchor_slug(self, anchor: str) -> str:
        """:func:`slug_anchor`, once per distinct anchor."""
        found = self._anchor_slugs.get(anchor)
        if found is None:
            found = self._anchor_slugs[anchor] = slug_anchor(anchor)
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
_HEADING_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
# ``_`` and ``__`` emphasis, as ``(?<![\w\\])(__?)(?=\S)(.+?)(?<=\S)\1(?!\w)`` (without
# re.S) would find it, cut into its fixed-width ends: where an emphasis can open with one
# or two underscores, and where it can close
_UNDERSCORE_OPEN = re.compile(r"(?<![\w\\])_(?=\S)")
_DOUBLE_UNDERSCORE_OPEN = re.compile(r"(?<![\w\\])__(?=\S)")
_UNDERSCORE_CLOSE = re.compile(r"(?<=\S)_(?!\w)")
_DOUBLE_UNDERSCORE_CLOSE = re.compile(r"(?<=\S)__(?!\w)")


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
    text = _strip_bracket_links(text, "![", keep_label=False)
    text = _strip_bracket_links(text, "[", keep_label=True)
    text = _strip_html_tags(text)
    text = _strip_underscore_emphasis(text)
    return html.unescape(_HEADING_ESCAPE.sub(r"\1", text))


# The scanners below give what ``re.sub`` gives with the pattern each names, in linear time:
# such a pattern, tried at every ``[``, ``<`` or ``_``, scans to the end of the text from
# each one that never closes (a 20,000-character heading of ``_a `` took 13 s).


class _NextFinder:
    """``text.find(char, start)`` for starts that never decrease, in linear total time:
    the last answer stands until ``start`` passes it."""

    __slots__ = ("_char", "_found", "_text")

    def __init__(self, text: str, char: str) -> None:
        self._text, self._char, self._found = text, char, -2  # -2: not looked yet

    def __call__(self, start: int) -> int:
        if self._found != -1 and self._found < start:
            self._found = self._text.find(self._char, start)
        return self._found


def _strip_bracket_links(text: str, opening: str, *, keep_label: bool) -> str:
    """``opening`` ``label](destination)`` replaced by the label or by nothing: ``re.sub`` of
    ``!\\[[^\\]]*\\]\\([^)]*\\)`` with ``""`` (``opening="!["``) or of
    ``\\[([^\\]]*)\\]\\([^)]*\\)`` with ``\\1`` (``opening="["``)."""
    label_end_after, destination_end_after = _NextFinder(text, "]"), _NextFinder(text, ")")
    kept: list[str] = []
    done = 0
    start = text.find(opening)
    while start != -1:
        label_end = label_end_after(start + len(opening))
        if label_end == -1:
            break  # no ']' left: nothing further can match
        if text.startswith("(", label_end + 1):
            end = destination_end_after(label_end + 2)
            if end == -1:
                break  # no ')' left
            kept.append(text[done:start])
            if keep_label:
                kept.append(text[start + len(opening) : label_end])
            done = end + 1
            start = text.find(opening, done)
        else:
            start = text.find(opening, start + 1)
    kept.append(text[done:])
    return "".join(kept)


def _strip_html_tags(text: str) -> str:
    """``<[^>]+>`` removed, as ``re.sub`` removes it."""
    tag_end_after = _NextFinder(text, ">")
    kept: list[str] = []
    done = 0
    start = text.find("<")
    while start != -1:
        end = tag_end_after(start + 1)
        if end == -1:
            break  # no '>' left
        if end > start + 1:
            kept.append(text[done:start])
            done = end + 1
            start = text.find("<", done)
        else:  # '<>'
            start = text.find("<", start + 1)
    kept.append(text[done:])
    return "".join(kept)


def _strip_underscore_emphasis(text: str) -> str:
    """``(?<![\\w\\\\])(__?)(?=\\S)(.+?)(?<=\\S)\\1(?!\\w)`` replaced by its ``\\2``, as ``re.sub``
    replaces it.

    Line by line: ``.`` stops at a line break, so a match never spans one, and every
    look-around sees a line break as it sees the start or end of the text."""
    if "_" not in text:
        return text
    return "\n".join(_strip_underscore_line(line) if "_" in line else line for line in text.split("\n"))


def _strip_underscore_line(line: str) -> str:
    opens = [m.start() for m in _UNDERSCORE_OPEN.finditer(line)]
    if not opens:
        return line
    double_opens = {m.start() for m in _DOUBLE_UNDERSCORE_OPEN.finditer(line)}
    # where a one- and a two-underscore emphasis can close, in order; an emphasis closes at
    # the first one after its first character (the lazy ``.+?``)
    closes = {
        1: [m.start() for m in _UNDERSCORE_CLOSE.finditer(line)],
        2: [m.start() for m in _DOUBLE_UNDERSCORE_CLOSE.finditer(line)],
    }
    passed = {1: 0, 2: 0}  # closes before the current start, skipped once for good
    kept: list[str] = []
    done = 0
    for start in opens:
        if start < done:
            continue
        for width in (2, 1) if start in double_opens else (1,):  # greedy ``__?`` first
            core = start + width
            candidates, index = closes[width], passed[width]
            while index < len(candidates) and candidates[index] <= core:
                index += 1
            passed[width] = index
            if index < len(candidates):
                end = candidates[index]
                kept.append(line[done:start])
                kept.append(line[core:end])
                done = end + width
                break
    kept.append(line[done:])
    return "".join(kept)


def _obsidian_anchor_keys(anchor: str) -> list[str]:
    """The headings an Obsidian ``#H1#H2`` subpath names, as match keys."""
    return [obsidian_heading_key(p) for p in anchor.split("#") if p.strip()]


def _obsidian_anchor_ok(headings: list[tuple[int, str]], parts: list[str]) -> bool:
    """``H1#H2``: each part must be a heading inside the section of the one before."""
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


def _escapes_from(folder: str, target: str) -> bool:
    """:func:`_escapes`, counting the leading ``../`` of a plain relative path."""
    rest = target
    ups = 0
    while rest.startswith("../"):
        rest = rest[3:]
        ups += 1
    if ".." in rest or "\\" in rest or rest.startswith("/"):
        return _escapes(folder, target)
    return ups > (folder.count("/") + 1 if folder else 0)


def _extname(path: str) -> str:
    """Node's ``path.extname``, lower-cased (``a/b.PNG`` -> ``.png``, ``.hidden`` -> ``""``)."""
    name = _last(path)
    dot = name.rfind(".")
    return name[dot:].lower() if dot > 0 else ""


class Resolver:
    """Resolves links in one mode against the lookup tables of one vault.

    Work is shared, each time keyed by exactly what the result depends on, so that a
    link written in a thousand notes is worked out once:

    - per link text: Obsidian looks a wikilink read from the root up by its target
      (``[[PPO]]``, ``[[PPO|the paper]]`` and ``[[PPO#Method]]`` share one outcome);
      Quartz by the raw text (checked against target and kind), or by target for
      ``[[PPO]]`` and ``[[PPO|…]]``; markdown links and ``../`` add the linking note's
      folder;
    - below that, per target form (``(wikilink?, target, folder)``), per href Quartz
      crawls, and per (target note, anchor) for anchor checks;
    - exact file names and paths resolve from the index's name tables, without
      matching or slugifying.

    Links about the linking note itself (``[[#Heading]]``) and the order of an ambiguous
    link's candidates (Obsidian ranks them by the linking note's folder) are worked out
    for each link. The caches live in the :class:`VaultIndex`, shared by every resolver
    of the same mode, and every result is one shared :class:`Outcome`.
    """

    def __init__(
        self, vault: Vault | VaultIndex, mode: Mode = "obsidian", publish_mode: PublishMode = "drafts"
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown link resolution mode {mode!r}; choose one of {', '.join(MODES)}")
        self.index = vault if isinstance(vault, VaultIndex) else VaultIndex(vault, publish_mode)
        self.mode = mode
        self.strategy: Strategy | None = QUARTZ_STRATEGIES.get(mode)
        memos = self.index.memos(mode)
        self._named = memos.named
        self._named_embeds = memos.named_embeds
        self._raws = memos.raws
        self._forms = memos.forms
        self._hrefs = memos.hrefs
        self._anchors = memos.anchors

    def resolve(self, source: str, link: Link) -> Resolution:
        """Resolve one link written in the note (or file) at vault path ``source``."""
        return self._resolve(source, (link,))[0]

    def _resolve_obsidian(self, source: str, links: Sequence[Link]) -> tuple[Resolution, ...]:
        """:meth:`_resolve` in Obsidian mode, in one pass: the loop every link goes through."""
        named = self._named
        forms = self._forms
        anchors = self._anchors
        new = tuple.__new__  # Resolution(...) without its Python-level __new__
        folder: str | None = None
        found = []
        append = found.append
        for link in links:
            form = named.get(link.target)  # holds names of wikilinks read from the root
            if form is None or link.kind == MARKDOWN or not link.raw.startswith(_WIKILINK_OPENERS):
                if link.kind == MARKDOWN and link.target:  # from the linking note's folder
                    if folder is None:
                        folder = _folder(source)
                    form = forms.get((False, link.target, folder))
                    if form is None:
                        form = self._obsidian_form(folder, link.target, False)
                else:
                    form = self._obsidian_forms(source, (link,))[0]
            outcome = form[0]
            target = outcome.target
            anchor_ok = None
            if target is None:
                if outcome.status == "ambiguous":
                    outcome = self._ranked(source, outcome)
            elif link.anchor and outcome.target_kind == "note":
                key = (target, link.anchor)
                anchor_ok = anchors.get(key, _UNCHECKED)
                if anchor_ok is _UNCHECKED:
                    anchor_ok = anchors[key] = self._check_anchor(target, link.anchor)
            append(new(Resolution, (source, link, outcome, anchor_ok)))
        return tuple(found)

    def resolve_note(self, note: Note) -> tuple[Resolution, ...]:
        if self.strategy is None:
            return self._resolve_obsidian(note.path, note.links)
        return self._resolve(note.path, note.links)

    def outcomes(self, source: str, links: Sequence[Link]) -> list[Outcome]:
        """Where each link written in ``source`` leads, and no more: no anchor checks, and
        an ambiguous link's candidates unranked. What the divergence rule compares."""
        return [form[0] for form in self._forms_of(source, links)]

    def _resolve(self, source: str, links: Sequence[Link]) -> tuple[Resolution, ...]:
        obsidian = self.strategy is None
        anchors = self._anchors
        new = tuple.__new__  # Resolution(...) without its Python-level __new__
        found = []
        append = found.append
        for link, (outcome, anchor) in zip(links, self._forms_of(source, links), strict=True):
            if anchor is None:  # the link's own anchor (Quartz: up to a second #)
                anchor = link.anchor
                if anchor and not obsidian:
                    anchor = anchor.split("#", 1)[0]
            if obsidian and outcome.status == "ambiguous":
                outcome = self._ranked(source, outcome)
            anchor_ok = None
            if anchor:
                target = outcome.target
                if target is not None and outcome.target_kind == "note":
                    key = (target, anchor)
                    anchor_ok = anchors.get(key, _UNCHECKED)
                    if anchor_ok is _UNCHECKED:
                        anchor_ok = anchors[key] = self._check_anchor(target, anchor)
            append(new(Resolution, (source, link, outcome, anchor_ok)))
        return tuple(found)

    def _forms_of(self, source: str, links: Sequence[Link]) -> list[Form]:
        if self.strategy is None:
            return self._obsidian_forms(source, links)
        return self._quartz_forms(source, links, self.strategy)

    def _obsidian_forms(self, source: str, links: Sequence[Link]) -> list[Form]:
        named = self._named
        folder: str | None = None
        found: list[Form] = []
        append = found.append
        for link in links:
            target = link.target
            wikilink = link.kind != MARKDOWN and link.raw.startswith(_WIKILINK_OPENERS)
            if not target:  # `[[#Heading]]`: the linking note itself
                append((Outcome(source, "note", "resolved") if link.anchor else _EMPTY, None))
            elif wikilink and not target.startswith(".") and ".." not in target:
                form = named.get(target)  # a name, looked up from the vault root
                if form is None:
                    form = named[target] = self._obsidian_form("", target, True)
                append(form)
            else:  # markdown links and ./ ../ wikilinks: from the linking note's folder
                if folder is None:
                    folder = _folder(source)
                append(self._obsidian_form(folder, target, wikilink))
        return found

    def _obsidian_form(self, folder: str, target: str, wikilink: bool) -> Form:
        key = (wikilink, target, folder)
        found = self._forms.get(key)
        if found is None:
            found = self._forms[key] = (self._obsidian_outcome(folder, target, wikilink), None)
        return found

    def _quartz_forms(self, source: str, links: Sequence[Link], strategy: Strategy) -> list[Form]:
        by_raw = self._raws
        folder = _folder(source)
        found: list[Form] = []
        append = found.append
        named = self._named
        for link in links:
            raw = link.raw
            known = by_raw.get(raw)  # a link read from the root, seen before
            if known is not None and known[0] == link.target and known[1] == link.kind:
                target = link.target
                if not link.in_frontmatter and not (".." in target and _escapes_from(folder, target)):
                    append(known[2])
                    continue
            elif link.in_frontmatter:  # Quartz reads no links in frontmatter
                append(_IGNORED_FORM)
                continue
            else:
                form = named.get(link.target)  # [[target]] or [[target|text]], seen before
                if (
                    form is not None
                    and link.kind == WIKILINK
                    and raw.startswith("[[")
                    and "#" not in raw
                    and "\\" not in raw
                    and not raw.endswith("|]]")
                    and not link.in_frontmatter
                ):
                    by_raw[raw] = (link.target, WIKILINK, form)
                    append(form)
                    continue
            append(self._quartz_link_form(source, folder, link, strategy))
        return found

    def _quartz_link_form(self, source: str, folder: str, link: Link, strategy: Strategy) -> Form:
        if link.in_frontmatter:  # Quartz reads no links in frontmatter
            return _IGNORED_FORM
        target = link.target
        raw = link.raw
        kind = link.kind
        wikilink = kind != MARKDOWN and raw.startswith(_WIKILINK_OPENERS)
        if not target:  # [[]], [[#Heading]], [](#anchor): about the linking note itself
            return self._quartz_same_page(source, link, wikilink)
        if ".." in target and _escapes(folder, target):
            return self._quartz_outside(source, link, wikilink, strategy), ""
        relative = strategy == "relative"  # shortest and absolute count from the root
        if wikilink and not relative and ".." not in target:
            form = self._quartz_wikilink_form(source, link, strategy)
        else:
            special = wikilink and ("#" in raw or "\\" in raw or raw.endswith("|]]"))
            key = (raw if special else target, kind, wikilink, folder if relative else "")
            form = self._forms.get(key)
            if form is None:
                form = self._forms[key] = self._quartz_form(source, link, wikilink, strategy)
        if not relative:
            # read from the root, the form follows from the link's text (raw, kind, target)
            # once it stays in the vault (a markdown link's anchor is its own)
            self._raws[raw] = (target, kind, form)
        return form

    def _quartz_wikilink_form(self, source: str, link: Link, strategy: Strategy) -> Form:
        """A wikilink read from the vault root. ``[[T]]`` and ``[[T|text]]`` read the same;
        so does ``[[T#A|text]]`` written plainly, but for its anchor."""
        target = link.target
        raw = link.raw
        if "#" not in raw and "\\" not in raw and not raw.endswith("|]]"):
            named = self._named if link.kind == WIKILINK else self._named_embeds
            form = named.get(target)
            if form is None:
                form = self._quartz_name_form(link, strategy)
                if form is None:
                    form = self._quartz_form(source, link, True, strategy)
                named[target] = form
            return form
        anchor = link.anchor
        display = link.display
        if link.kind == WIKILINK and anchor and "#" not in anchor and "\\" not in raw:
            plain = f"[[{target}#{anchor}]]" if display is None else f"[[{target}#{anchor}|{display}]]"
            if (
                raw == plain
                and (display is None or (display and "#" not in display))
                and raw.count("[") == 2
                and raw.count("]") == 2
                and not _QUARTZ_EXTERNAL.match(target)
            ):
                # Quartz reads [[target]] and slugs the anchor: both matches succeed when
                # the slugged anchor is not empty (see _quartz_wikilink)
                shown = (anchor if target.endswith(".pdf") else self.index.anchor_slug(anchor)).rstrip()
                if not shown:
                    return _BROKEN, ""
                form = self._named.get(target) or self._href_form(source, link, target, True, strategy)
                return form[0], "#" + shown
        key = (raw, link.kind, True, "")
        form = self._forms.get(key)
        if form is None:
            form = self._forms[key] = self._quartz_form(source, link, True, strategy)
        return form

    def _quartz_name_form(self, link: Link, strategy: Strategy) -> Form | None:
        """``[[name]]`` or ``[[name|text]]`` for a file's own name under ``shortest``, from
        the name table, without reading and crawling the link; ``None`` if it is not that."""
        if strategy != "shortest" or link.kind != WIKILINK:
            return None
        head, bar, alias = link.raw[2:-2].partition("|")
        if (bar and not alias) or "[" in head or "]" in head:
            return None
        href = head.strip()  # what Quartz reads (see _quartz_wikilink)
        index = self.index
        path = index.quartz_names.get(href)
        if path is None or href != link.target or _is_absolute(href) or _QUARTZ_EXTERNAL.match(href):
            return None
        return index.resolved(path, simplify_slug(index.source_slugs[path])), ""

    def _ranked(self, source: str, outcome: Outcome) -> Outcome:
        """Ambiguous candidates, same folder as the linking note first, then shallowest."""
        folder = _folder(source)
        ranked = sorted(outcome.candidates, key=lambda p: (_folder(p) != folder, p.count("/"), p))
        return Outcome(None, None, "ambiguous", tuple(ranked))

    def _check_anchor(self, path: str, anchor: str) -> bool | None:
        index = self.index
        if not index.anchor_checkable(path):
            return None
        if self.strategy is not None:
            if anchor.startswith(_EXACT):
                return anchor[1:] in index.quartz_ids(path)
            wanted = index.anchor_slug(anchor)
            return not wanted or wanted in index.quartz_ids(path)
        if anchor.startswith("^"):
            return anchor[1:] in index.block_ids(path)
        parts = index.anchor_keys(anchor)
        if len(parts) == 1:  # one heading, anywhere in the note
            return parts[0] in index.obsidian_heading_keys(path)
        return _obsidian_anchor_ok(index.obsidian_headings(path), parts)

    # ------------------------------------------------------------------ Obsidian

    def _obsidian_outcome(self, folder: str, target: str, wikilink: bool) -> Outcome:
        index = self.index
        if wikilink and not folder:
            named = index.obsidian_names.get(target)
            if named is not None:  # the one file of that name, written in its own case
                return index.resolved(named)
        elif (
            not wikilink and "\\" not in target and _PLAIN_RELATIVE.match(target) and not _is_absolute(target)
        ):
            joined = _join_relative(folder, target)
            if joined is None:
                return _OUTSIDE
            if self._is_exact_path(joined):  # a file's path, in its own case and no other
                return index.resolved(joined)
        if _escapes(folder, target):
            return _OUTSIDE
        matches = self._obsidian_matches(folder, target.replace("\\", "/"), wikilink)
        if len(matches) == 1:
            path = matches[0]
            if self._same_case(path, target):
                return index.resolved(path)
            return Outcome(path, index.kinds[path], "resolved", (), True)
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

    def _is_exact_path(self, path: str) -> bool:
        """Whether ``path`` (a link read as a vault path) matches that file and no other."""
        kind = self.index.kinds.get(path)
        lower = path.lower()
        by_key = self.index.by_key
        if kind == "note" and lower.endswith(NOTE_SUFFIX):  # read as x.md, or as the note x
            return lower not in by_key and by_key.get(lower[: -len(NOTE_SUFFIX)]) == [path]
        return kind == "attachment" and not lower.endswith(NOTE_SUFFIX) and by_key.get(lower) == [path]

    def _link_key(self, path: str) -> str:
        return _note_key(path) if self.index.kinds[path] == "note" else path

    def _by_key(self, target: str) -> list[str]:
        lower = target.lower()
        if not lower.endswith(NOTE_SUFFIX):  # one key to look up, and every file of it counts
            found = self.index.by_key.get(lower)
            return [] if found is None else self._prefer_case(found, target)
        found = []
        for key in dict.fromkeys((target, self._key(target))):
            for path in self.index.by_key.get(key.lower(), ()):
                # `x.md` names the note x.md, never an attachment called `x`
                if path not in found and (key == target or self.index.kinds[path] == "note"):
                    found.append(path)
        return self._prefer_case(found, target)

    def _same_case(self, path: str, target: str) -> bool:
        """Whether ``target`` spells the end of ``path`` with the same case."""
        written = self._key(target)
        if written and not _ODD_SEGMENTS.search(written):  # segments as they are: compare text
            actual = self._link_key(path)
            return actual == written or actual.endswith("/" + written)
        parts = [p for p in written.replace("\\", "/").split("/") if p not in ("", ".", "..")]
        return not parts or self._link_key(path).split("/")[-len(parts) :] == parts

    def _prefer_case(self, paths: list[str], target: str) -> list[str]:
        """Of files that differ only in case, the one written exactly wins."""
        if len(paths) < 2:
            return paths
        exact = [p for p in paths if self._same_case(p, target)]
        return exact if len(exact) == 1 else paths

    # ------------------------------------------------------------------ Quartz

    def _quartz_form(self, source: str, link: Link, wikilink: bool, strategy: Strategy) -> Form:
        """What a link form resolves to, and its anchor (``None``: the link's own)."""
        anchor: str | None = None
        if wikilink:
            read = _quartz_read_wikilink(link.raw, link.kind == EMBED, self.index.anchor_slug)
            if read is None:  # Quartz leaves it as text: a broken link on the page
                return _BROKEN, ""
            href, anchor, counted, external = read
            if external:
                return _IGNORED, ""
        else:
            href, counted = link.target, link.kind == MARKDOWN
        return self._href_form(source, link, href, counted, strategy)[0], anchor

    def _href_form(self, source: str, link: Link, href: str, counted: bool, strategy: Strategy) -> Form:
        """Where the href a link reads as leads (``counted``: Quartz records it)."""
        if _is_absolute(link.target):
            wikilink = link.kind != MARKDOWN and link.raw.startswith(_WIKILINK_OPENERS)
            return self._quartz_outside(source, link, wikilink, strategy), ""
        source_slug = self.index.source_slug(source)
        # under shortest and absolute Quartz counts every path from the root (tested)
        key = (_folder(source_slug) if strategy == "relative" else "", href, counted)
        outcome = self._hrefs.get(key)
        if outcome is None:
            outcome = self._hrefs[key] = self._quartz_outcome(source_slug, href, strategy, counted)
        return outcome, None

    def _quartz_outside(self, source: str, link: Link, wikilink: bool, strategy: Strategy) -> Outcome:
        """A link out of the vault: no target, but Quartz still records a (clamped) slug."""
        if wikilink:
            read = _quartz_read_wikilink(link.raw, link.kind == EMBED, self.index.anchor_slug)
            href, counted = (read[0], read[2]) if read and not read[3] else ("", False)
        else:
            href, counted = link.target, link.kind == MARKDOWN
        slug = simplify_slug(self._crawl(source, href, strategy)) if counted else None
        return Outcome(None, None, "outside-vault", slug=slug)

    def _quartz_same_page(self, source: str, link: Link, wikilink: bool) -> Form:
        if wikilink:
            read = _quartz_read_wikilink(link.raw, link.kind == EMBED, self.index.anchor_slug)
            if read is None:
                return _BROKEN, ""
            _, anchor, counted, _ = read
        else:
            # the browser looks the #anchor up as written: Quartz slugs no same-page href
            anchor = _EXACT + link.anchor if link.anchor else ""
            counted = link.kind == MARKDOWN
        if anchor:
            return Outcome(source, "note", "resolved"), anchor
        return (_EMPTY_LINK if counted else _EMPTY), ""

    def _crawl(self, source: str, href: str, strategy: Strategy) -> str:
        return crawl_link(self.index.source_slug(source), href, strategy, self.index.slug_set)

    def _quartz_outcome(self, source_slug: str, href: str, strategy: Strategy, counted: bool) -> Outcome:
        index = self.index
        full = None
        if strategy == "shortest":
            named = index.quartz_names.get(href)
            if named is not None:  # a file's own name, and no other file's
                return index.resolved(named, simplify_slug(index.source_slugs[named]) if counted else None)
        if strategy != "relative":
            full = self._path_slug(href)
        if full is None:
            full = crawl_link(source_slug, href, strategy, index.slug_set)
        slug = simplify_slug(full) if counted else None
        files = index.slug_files.get(full, [])
        if len(files) == 1:
            return index.resolved(files[0], slug)
        if files:  # two files publish to one slug
            return Outcome(None, None, "ambiguous", tuple(sorted(files)), slug=slug)
        owners = index.alias_slugs.get(full)
        if owners:
            return Outcome(None, None, "alias", tuple(sorted(owners)), slug=slug)
        if full in index.generated_slugs:
            return Outcome(None, None, "generated", slug=slug)
        name = link_name(href)
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

    def _path_slug(self, href: str) -> str | None:
        """What ``shortest`` and ``absolute`` crawl ``href`` to when it is a file's vault
        path, after any leading ``./`` and ``../`` (Quartz climbs from the root and stops
        there): that file's slug. ``None`` when :func:`crawl_link` must decide."""
        if "%" in href or "#" in href or "?" in href or "\\" in href or not _PLAIN_RELATIVE.match(href):
            return None
        rest = href
        while rest.startswith(("./", "../")):
            rest = rest.partition("/")[2]
        if "/" not in rest and (rest == href or href == "./" + rest):
            return None  # a bare name: shortest looks it up by name
        slug = self.index.source_slugs.get(rest)
        if slug is None and "." not in rest.rpartition("/")[2] and not rest.endswith("undefined"):
            slug = self.index.source_slugs.get(rest + NOTE_SUFFIX)  # a note, named without .md
        if slug is None or is_folder_path(rest) or is_folder_path(slug) or not plain_slug(slug):
            return None
        return slug

    def _owners(self, slugs: Iterable[str]) -> tuple[str, ...]:
        """The notes behind slugs: the file, or the note declaring an alias slug."""
        owners: list[str] = []
        for slug in slugs:
            owners.extend(self.index.slug_files.get(slug) or self.index.alias_slugs.get(slug, []))
        return tuple(sorted(dict.fromkeys(owners)))


_WIKILINK_OPENERS = ("[[", "![[")
_WIKILINK_SPECIAL = re.compile(r"[#\[\]\\]")
_WIKILINK_BRACKETS = re.compile(r"[\[\]\\]")
_UNCHECKED: Any = object()
_EXACT = "\0"  # marks an anchor Quartz does not slug (a markdown same-page href)
_EMPTY = Outcome(None, None, "empty")
_EMPTY_LINK = Outcome(None, None, "empty", slug="/")  # Quartz records [[]] as "/"
_OUTSIDE = Outcome(None, None, "outside-vault")
_IGNORED = Outcome(None, None, "ignored")
_IGNORED_FORM: Form = (_IGNORED, "")
_BROKEN = Outcome(None, None, "broken")


def _quartz_read_wikilink(
    raw: str, embed: bool, slug: Callable[[str], str] = slug_anchor
) -> tuple[str, str, bool, bool] | None:
    """(href path, anchor, counted as a link, external) as Quartz reads a wikilink;
    ``slug`` is :func:`slug_anchor`, or a memo of it."""
    parsed = _quartz_wikilink(raw, slug)
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


def _quartz_wikilink(raw: str, slug: Callable[[str], str] = slug_anchor) -> tuple[str, str] | None:
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
    if raw.endswith("]]") and raw.startswith(("[[", "![[")) and not _WIKILINK_BRACKETS.search(inner):
        head, bar, alias = inner.partition("|")
        target, _, anchor = head.partition("#")
        if anchor and "#" not in anchor and (not bar or (alias and "#" not in alias)):
            # one plain #anchor: both matches succeed unless the slugged anchor is empty
            if target and _QUARTZ_EXTERNAL.match(target):
                return target.strip(), ""
            shown = (anchor if target.endswith(".pdf") else slug(anchor)).rstrip()
            return (target.strip(), "#" + shown) if shown else None
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


_OUTCOME = itemgetter(2)  # Resolution.outcome, at C speed


@dataclass(slots=True)
class _Diagnose:
    """Turns one note's resolutions (this mode, Obsidian, Quartz shortest) into diagnostics."""

    mode: Mode
    index: VaultIndex
    found: list[Diagnostic] = field(default_factory=list)
    #: (code, message, fix) of the findings made for the same inputs before (a vault
    #: repeats the same broken link, the same missing heading, many times)
    _made: dict[tuple[object, ...], list[tuple[str, str, str | None]]] = field(default_factory=dict)

    def note(
        self,
        note: Note,
        own: tuple[Resolution, ...],
        obsidian: Iterable[Outcome],
        quartz: Iterable[Outcome],
    ) -> None:
        path = note.path
        published = self.index.published(path)
        unpublished = self.index.unpublished
        found = self.found
        for this, in_obsidian, in_quartz in zip(own, obsidian, quartz, strict=True):
            outcome = this.outcome
            target = outcome.target
            if outcome.status == "resolved" and not outcome.case_only and this.anchor_ok is not False:
                if published and target in unpublished and target != path:
                    self.unpublished(this)
                elif in_obsidian.target != in_quartz.target and not this.link.in_frontmatter:
                    self.divergence(this, in_obsidian, in_quartz)
                continue
            before = len(found)
            link = this.link
            key = (link.raw, link.kind, link.display, link.target, link.anchor, outcome, this.anchor_ok)
            self._remembered((*key, target == path), this, self.problems)
            if published and target in unpublished and target != path:
                self.unpublished(this)
            diverges = in_obsidian.target != in_quartz.target
            if diverges and len(found) == before and not link.in_frontmatter:
                self.divergence(this, in_obsidian, in_quartz)

    def _remembered(
        self, key: tuple[object, ...], this: Resolution, make: Callable[[Resolution], None]
    ) -> None:
        """``make(this)``, or the findings it made before for the same ``key``."""
        made = self._made.get(key)
        if made is None:
            start = len(self.found)
            make(this)
            self._made[key] = [(d.code, d.message, d.fix) for d in self.found[start:]]
            return
        link = this.link
        for code, message, fix in made:
            self.found.append(Diagnostic(this.source, link.line, link.column, code, message, fix))

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

    def divergence(self, this: Resolution, obsidian: Outcome, quartz: Outcome) -> None:
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
        return wikilink_name(self.index, path, link.kind)


def wikilink_name(index: VaultIndex, path: str, kind: LinkKind = WIKILINK) -> str:
    """The shortest wikilink name that Obsidian and Quartz (``shortest``) both resolve to
    ``path``: its file name (without ``.md`` for a note) when that works, else its path
    from the vault root. Names are checked as links from the vault root, so they work in
    any note. ``kind`` is the kind of link the name is for (an embed is read differently).
    """
    key = (kind, path)
    name = index._names.get(key)
    if name is None:
        name = index._names[key] = _wikilink_name(index, path, kind)
    return name


def _wikilink_name(index: VaultIndex, path: str, kind: LinkKind) -> str:
    key = _note_key(path) if index.is_note(path) else path
    last = _last(key)
    if kind == WIKILINK and _unique_name(index, path, last):
        return last
    for name in dict.fromkeys((last, key)):
        probe = Link(kind, name, "", None, f"[[{name}]]", 0, 0)
        # checked from the vault root: a wikilink's name must not depend on the folder
        if all(Resolver(index, m).outcomes("", (probe,))[0].target == path for m in PROBE_MODES):
            return name
    return key


_NAME_SPECIAL = frozenset("/\\#[]|%?")


def _unique_name(index: VaultIndex, path: str, name: str) -> bool:
    """Whether ``[[name]]`` leads to ``path`` in Obsidian and in Quartz ``shortest``,
    decided from the lookup tables: it is the one file of that name in both tools.

    Only for plain names (no ``/ \\ # [ ] | % ?``, no outer spaces), which both tools read
    as written; for any other name the resolvers are asked.
    """
    return (
        name == name.strip()
        and _NAME_SPECIAL.isdisjoint(name)
        and index.obsidian_names.get(name) == path
        and index.quartz_names.get(name) == path
    )


def _describe(found: Outcome) -> str:
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
    vault: Vault,
    mode: Mode = "obsidian",
    publish_mode: PublishMode = "drafts",
    *,
    only: Iterable[str] | None = None,
) -> ResolvedVault:
    """Resolve every link of every note in ``mode`` (of the notes of the vault that
    ``only`` names, if given: every note is still a link target, but the others' links are
    not looked at, and they have no resolutions and no diagnostics).

    The diagnostics come with the result (``.diagnostics``), computed when first asked
    for. Divergence (PV207) compares Obsidian with Quartz ``shortest`` whatever the mode,
    and is reported only for links that have no more specific problem.
    """
    notes = vault.notes
    with collector.paused():
        resolver = Resolver(VaultIndex(vault, publish_mode), mode)
        paths = notes if only is None else only
        resolutions = {path: resolver.resolve_note(notes[path]) for path in paths}
    return ResolvedVault(mode, resolutions, resolver)
