"""Plan ``vault sync``: which files get which generated sections (render -> write).

The plan is computed from the cached parses alone: a note whose managed region already
holds exactly the rendered text is not even read. Only files that must change are read,
spliced (touching nothing outside the region) and handed to :mod:`papervault.write` as
:class:`~papervault.write.FileEdit` values, which apply them atomically and safely.

Decisions (documented in the README):

- every note with backlinks gets a ``backlinks`` region, drafts included; a published
  note's region lists only published notes unless ``backlinks.include-unpublished``;
  generated tag pages and unreadable notes get none;
- tags are one tag whatever their case (``ML`` and ``ml``): the page is named after the
  first casing seen, and ``vault check`` warns about the variants (PV301), since Quartz
  would emit two pages that collide on macOS and Windows;
- a tag page is written for every tag a published note uses, and for each of its
  parents (``rl/self-play`` also gives ``rl``), as Quartz does; the page lists every note
  whose tags include the tag or a tag nested under it, and the child tags;
- a tag page nobody uses any more is deleted only when papervault created it and the
  user added nothing; otherwise it is reported (PV403) and left alone.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .cache import CACHE_DIR, inside_vault
from .config import Config
from .errors import ConfigError
from .incremental import diagnostics_from_json, diagnostics_to_json, memo_key, recall, remember
from .model import Diagnostic, Note, is_published
from .pipeline import Analysis
from .render import (
    BACKLINKS_REGION,
    TAG_INDEX_REGION,
    NoteLinks,
    backlinks_body,
    group_backlinks,
    note_link,
    tag_index_body,
    tag_page_preamble,
)
from .resolve import VaultIndex, wikilink_name
from .scan import read_file
from .slugs import slug_tag
from .splice import (
    SpliceError,
    UnclosedFenceError,
    render_region,
    splice_region,
    strip_regions,
    unclosed_fence_message,
)
from .vault import IndexStats, load_vault
from .write import FileEdit, FixSpan, WriteOutcome, apply_edits, remove_stale_temp_files


@dataclass(slots=True)
class SyncPlan:
    """The edits ``vault sync`` would make, what each one is, and what it cannot do.

    With ``edits=False`` (``vault check``, ``vault sync --check``) nothing is read: the
    plan says which files would change, and why, from the parsed notes alone.
    """

    make_edits: bool = True
    edits: list[FileEdit] = field(default_factory=list)
    reasons: dict[str, str] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def add(self, edit: FileEdit, reason: str) -> None:
        if self.make_edits:
            self.edits.append(edit)
        self.reasons[edit.path] = reason


UNUSED_TAG_PAGE = "unused tag page removed"


class LinkNames:
    """The wikilink name of a note that Obsidian and Quartz (shortest) both resolve to it:
    its file name when that is unique, else its path from the vault root
    (:func:`papervault.resolve.wikilink_name`).

    Names are computed against the vault as it will be *after* the sync (tag pages it
    creates or deletes included), so that one run is already a fixed point.
    """

    def __init__(self, analysis: Analysis, *, add: Iterable[str] = (), remove: Iterable[str] = ()) -> None:
        vault = analysis.vault
        add, remove = list(add), set(remove)
        if add or remove:
            notes = {p: n for p, n in vault.notes.items() if p not in remove}
            notes.update((p, Note(path=p, title=p, frontmatter={})) for p in add)
            vault = dataclasses.replace(vault, notes=notes)
        self._index = VaultIndex(vault, analysis.config.publish)

    def __call__(self, path: str) -> str:
        return wikilink_name(self._index, path)


def tag_folder(config: Config) -> str:
    """The configured tags folder, which must lie inside the vault."""
    folder = config.tags.folder.strip().strip("/")
    parts = PurePosixPath(folder).parts
    if not folder or os.path.isabs(config.tags.folder) or ".." in parts or "\\" in folder:
        raise ConfigError(f"tags.folder must name a folder inside the vault, not {config.tags.folder!r}")
    return folder


def plan_sync(
    analysis: Analysis, *, backlinks: bool = True, tags: bool = True, edits: bool = True
) -> SyncPlan:
    """Every edit that brings the vault's generated sections up to date; with
    ``edits=False``, only which files would change and why (no file is read)."""
    config = analysis.config
    notes = analysis.vault.notes
    plan = SyncPlan(make_edits=edits)
    folder = tag_folder(config)
    generated = {p for p, n in notes.items() if _in_folder(p, folder) and n.region(TAG_INDEX_REGION)}
    tag_set = _collect_tags(analysis, plan, folder) if tags and config.tags.enabled else None
    if tag_set is not None:
        for path in sorted(generated - tag_set.pages.keys()):
            _plan_orphan(analysis, plan, notes[path])
    deleted = [path for path, reason in plan.reasons.items() if reason == UNUSED_TAG_PAGE]
    created = [page for page in (tag_set.pages if tag_set else ()) if page not in notes]
    names = LinkNames(analysis, add=created, remove=deleted)
    if tag_set is not None:
        _plan_tag_pages(analysis, plan, names, tag_set)
        generated |= tag_set.pages.keys()
    if backlinks and config.backlinks.enabled:
        _plan_backlinks(analysis, plan, names, skip=generated)
    plan.edits.sort(key=lambda edit: edit.path)
    return plan


def _in_folder(path: str, folder: str) -> bool:
    return path.startswith(folder + "/")


# --------------------------------------------------------------------------- backlinks


def _plan_backlinks(analysis: Analysis, plan: SyncPlan, names: LinkNames, skip: set[str]) -> None:
    config = analysis.config
    notes = analysis.vault.notes
    titles = {path: note.title for path, note in notes.items()}
    published = {path for path, note in notes.items() if is_published(note, config.publish)}
    link_for = NoteLinks(config.backlinks.style, names)
    for path, note in notes.items():
        if path in skip or not note.readable:
            continue
        found = analysis.backlinks.get(path, [])
        if path in published and not config.backlinks.include_unpublished:
            found = [b for b in found if b.source in published]
        if not plan.make_edits and note.region(BACKLINKS_REGION) is None:
            if found:  # a section would be added: what it would say does not matter here
                _plan_region(analysis, plan, note, BACKLINKS_REGION, "", "backlinks")
            continue
        linked, cited = group_backlinks(found, titles)
        body = backlinks_body(config.backlinks.heading, linked, cited, link_for)
        _plan_region(analysis, plan, note, BACKLINKS_REGION, body, "backlinks")


def _plan_region(
    analysis: Analysis, plan: SyncPlan, note: Note, name: str, body: str | None, what: str
) -> None:
    """Add an edit when the note's region ``name`` is not exactly ``body`` already."""
    current = note.region(name)
    if body is None and current is None:
        return
    if body is not None and current is not None:
        try:
            wanted = render_region(name, body, "\n")
        except ValueError as error:  # a renderer bug: this file only is left alone
            plan.diagnostics.append(_internal_error(note.path, error))
            return
        if wanted.rstrip("\n") == current.text.rstrip("\n"):
            return
    broken = [d for d in note.diagnostics if d.code == "PV402"]
    if broken:  # malformed markers: the file is left alone, and the sync says why
        plan.diagnostics.extend(broken)
        return
    verb = "removed" if body is None else "added" if current is None else "updated"
    if not plan.make_edits:
        if current is None and note.open_fence:
            message = unclosed_fence_message(name, note.open_fence)
            plan.diagnostics.append(
                Diagnostic(note.path, note.open_fence, 0, UnclosedFenceError.code, message)
            )
        else:
            plan.reasons[note.path] = f"{what} {verb}"
        return
    read = _read(analysis, plan, note)
    if read is None:
        return
    old, text = read
    try:
        spliced = splice_region(text, name, body, path=note.path)
    except SpliceError as error:
        plan.diagnostics.append(Diagnostic(note.path, error.line or 1, 0, error.code, error.message))
        return
    except ValueError as error:
        plan.diagnostics.append(_internal_error(note.path, error))
        return
    if spliced.changed:
        plan.add(FileEdit(note.path, old, spliced.text), f"{what} {verb}")


def _internal_error(path: str, error: Exception) -> Diagnostic:
    return Diagnostic(path, 1, 0, "PV407", f"internal error, nothing written: {error}")


def _read(analysis: Analysis, plan: SyncPlan, note: Note) -> tuple[bytes, str] | None:
    """The note's bytes and text as they are now, or ``None`` (reported) if unreadable."""
    try:
        old = read_file(Path(analysis.vault.root), note.path)
    except OSError as error:
        plan.diagnostics.append(Diagnostic(note.path, 1, 0, "PV404", f"cannot read: {error.strerror}"))
        return None
    return old, old.decode("utf-8", errors="surrogateescape")


# --------------------------------------------------------------------------- tag pages


@dataclass(slots=True)
class _Tag:
    label: str
    page: str
    notes: list[Note] = field(default_factory=list)
    children: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _TagSet:
    #: case-folded tag -> the tag
    tags: dict[str, _Tag] = field(default_factory=dict)
    #: tag page path -> case-folded tag
    pages: dict[str, str] = field(default_factory=dict)


def _collect_tags(analysis: Analysis, plan: SyncPlan, folder: str) -> _TagSet:
    """Every tag a published note uses, with its parents, its page and its notes."""
    notes = analysis.vault.notes
    existing = {path.casefold(): path for path in notes}
    found = _TagSet()
    chains: dict[str, list[tuple[str, str]]] = {}  # a tag's (label, key) and its parents'
    for path, note in notes.items():
        if _in_folder(path, folder) or not is_published(note, analysis.config.publish):
            continue
        keys: set[str] = set()
        for tag in note.tags:
            chain = chains.get(tag.name)
            if chain is None:
                chain = chains[tag.name] = _tag_chain(tag.name)
            for depth, (label, key) in enumerate(chain):
                if key not in found.tags and not _add_tag(
                    found, plan, folder, existing, label, note, tag.line
                ):
                    break  # no page for this tag, so none for the tags nested under it
                keys.add(key)
                if depth:
                    parent = found.tags[chain[depth - 1][1]]
                    if key not in parent.children:
                        parent.children.append(key)
        for key in keys:
            found.tags[key].notes.append(note)
    return found


def _tag_chain(name: str) -> list[tuple[str, str]]:
    """``a/b/c`` -> its labels ``a``, ``a/b``, ``a/b/c`` with their case-folded keys."""
    parts = [part for part in name.split("/") if part]
    labels = ["/".join(parts[:depth]) for depth in range(1, len(parts) + 1)]
    return [(label, label.casefold()) for label in labels]


def _add_tag(
    found: _TagSet, plan: SyncPlan, folder: str, existing: dict[str, str], label: str, note: Note, line: int
) -> bool:
    page = _page_path(folder, label)
    if page is None:
        message = f"tag '{label}' cannot name a tag page (unsafe, or Quartz's list of tags)"
        plan.diagnostics.append(Diagnostic(note.path, line or 1, 0, "PV408", message))
        return False
    page = existing.get(page.casefold(), page)  # an existing page in another case is the page
    if page in found.pages:
        other = found.tags[found.pages[page]].label
        message = f"tags '{label}' and '{other}' both publish to {page}; rename one"
        plan.diagnostics.append(Diagnostic(note.path, line or 1, 0, "PV303", message))
        return False
    found.pages[page] = label.casefold()
    found.tags[label.casefold()] = _Tag(label, page)
    return True


def _plan_tag_pages(analysis: Analysis, plan: SyncPlan, names: LinkNames, tag_set: _TagSet) -> None:
    notes = analysis.vault.notes
    style = analysis.config.tags.style
    link_for = NoteLinks(style, names)

    def page_link(page: str) -> str:
        # tag pages are linked by their full path: a bare name would change meaning as
        # pages come and go
        label = tag_set.tags[tag_set.pages[page]].label
        return note_link(page, label, style, lambda path: path.removesuffix(".md"))

    for tag in sorted(tag_set.tags.values(), key=lambda t: t.page):
        note = notes.get(tag.page)
        if note is None and not plan.make_edits:
            plan.reasons[tag.page] = "tag page created"
            continue
        children = [(tag_set.tags[c].label, tag_set.tags[c].page) for c in sorted(tag.children)]
        body = tag_index_body(tag.label, tag.notes, children, link_for, page_link)
        if note is not None:
            _plan_region(analysis, plan, note, TAG_INDEX_REGION, body, "tag page")
        else:
            preamble = tag_page_preamble(tag.label)
            try:
                text = splice_region(preamble, TAG_INDEX_REGION, body).text
            except (SpliceError, ValueError) as error:  # a renderer bug: this page only is skipped
                plan.diagnostics.append(_internal_error(tag.page, error))
                continue
            plan.add(FileEdit(tag.page, None, text, (FixSpan(0, 0, preamble),)), "tag page created")


def _page_path(folder: str, tag: str) -> str | None:
    """``<folder>/<slugged tag>.md``, or ``None`` when the tag cannot name a safe path
    (``..``, a dot-name) or names Quartz's own list of all tags (``<folder>/index.md``)."""
    slug = slug_tag(tag)
    parts = slug.split("/")
    if any(part in ("", ".", "..") or part.startswith(".") for part in parts) or slug == "index":
        return None
    path = PurePosixPath(folder, *parts[:-1], parts[-1] + ".md")
    if os.path.isabs(str(path)) or ".." in path.parts:
        return None
    return str(path)


def _plan_orphan(analysis: Analysis, plan: SyncPlan, note: Note) -> None:
    """A tag page for a tag no published note uses: delete it if it is all ours."""
    read = _read(analysis, plan, note)
    if read is None:
        return
    old, text = read
    try:
        user_text = strip_regions(text, path=note.path)
    except SpliceError as error:
        plan.diagnostics.append(Diagnostic(note.path, error.line or 1, 0, error.code, error.message))
        return
    title = note.frontmatter.get("title")
    if isinstance(title, str) and user_text == tag_page_preamble(title):
        plan.add(FileEdit(note.path, old, None, (FixSpan(0, len(user_text), ""),)), UNUSED_TAG_PAGE)
        return
    message = "no published note uses this tag any more; the page holds your text, so it stays"
    plan.diagnostics.append(Diagnostic(note.path, 1, 0, "PV403", message))


# --------------------------------------------------------------------------- running it


@dataclass(slots=True)
class SyncResult:
    plan: SyncPlan
    outcomes: list[WriteOutcome]
    removed_temp_files: list[str]

    @property
    def changed(self) -> list[WriteOutcome]:
        return [o for o in self.outcomes if o.changed]

    def diagnostics(self) -> list[Diagnostic]:
        found = list(self.plan.diagnostics)
        found += [d for o in self.outcomes if (d := o.diagnostic()) is not None]
        return sorted(found, key=Diagnostic.sort_key)


def sync_vault(
    config: Config,
    *,
    check: bool = False,
    diff: bool = False,
    backlinks: bool = True,
    tags: bool = True,
    stats: IndexStats | None = None,
) -> SyncResult:
    """Index the vault and bring its generated sections up to date (or, with ``check``,
    only say what would change). One sync at a time per vault: a second process waits
    for the first and then finds nothing left to do."""
    root = Path(config.vault)
    dry = check or diff
    with vault_lock(root, enabled=not dry):
        removed = [] if dry else remove_stale_temp_files(root)
        analysis = Analysis(config, load_vault(config=config, stats=stats, links=False))
        if check and not diff:  # only which files would change: nothing to read or splice
            plan = pending_changes(analysis, backlinks=backlinks, tags=tags)
            outcomes = [WriteOutcome(path, "would-change") for path in sorted(plan.reasons)]
        else:
            plan = plan_sync(analysis, backlinks=backlinks, tags=tags)
            outcomes = apply_edits(root, plan.edits, check=dry, diff=diff)
    return SyncResult(plan, outcomes, removed)


def pending_changes(analysis: Analysis, *, backlinks: bool = True, tags: bool = True) -> SyncPlan:
    """Which files ``vault sync`` would change, and why (``plan_sync`` without reading a
    file); read back from the cache when nothing changed since it was last worked out."""
    key = memo_key(analysis.vault, analysis.config, "sync", str(backlinks), str(tags))
    remembered = recall(analysis.vault, "sync", key)
    if remembered is not None:
        reasons, diagnostics = remembered
        return SyncPlan(make_edits=False, reasons=reasons, diagnostics=diagnostics_from_json(diagnostics))
    plan = plan_sync(analysis, backlinks=backlinks, tags=tags, edits=False)
    remember(analysis.vault, "sync", key, [plan.reasons, diagnostics_to_json(plan.diagnostics)])
    return plan


@contextlib.contextmanager
def vault_lock(root: Path, *, enabled: bool = True) -> Iterator[None]:
    """An exclusive lock on ``<vault>/.papervault/sync.lock`` for as long as a sync writes.

    Where no lock can be taken (a read-only vault, a platform without ``fcntl``) the sync
    still runs: the write layer's changed-since-read check keeps concurrent runs safe.
    """
    if not enabled:
        yield
        return
    lock = root / CACHE_DIR / "sync.lock"
    try:
        import fcntl

        if not inside_vault(root, lock):  # a cache folder symlinked out of the vault
            raise OSError("the lock would lie outside the vault")
        (root / CACHE_DIR).mkdir(exist_ok=True)
        handle = open(lock, "a+b")  # noqa: SIM115 - held across the yield
    except (ImportError, OSError):
        yield
        return
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        handle.close()
