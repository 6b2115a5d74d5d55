"""Scan and parse a whole vault into a :class:`~papervault.model.Vault`: the one-call API.

Parsing goes through the index cache when it is on: a warm run parses only added or
changed notes and drops deleted ones. A cold run over a big vault parses in worker
processes, one per core.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .cache import (
    CachedRow,
    Entry,
    IndexCache,
    parser_fingerprint,
    sha256,
    split_note,
    summary_note,
    with_detail,
)
from .config import Config, load_config
from .model import Diagnostic, Note, Vault
from .scan import read_file_with_stat, scan_vault

#: below this many notes to parse, worker processes cost more than they save (measured:
#: a fork pool costs ~60 ms; one core parses roughly 1,500 small notes a second)
PARALLEL_MIN_NOTES = 400
#: notes per task sent to a worker: big enough to amortise pickling, small enough to balance
CHUNK_SIZE = 64

Progress = Callable[[int], None]


@dataclass(slots=True)
class IndexStats:
    """What one load did: for ``vault index`` and the benchmark."""

    notes: int = 0
    parsed: int = 0
    reused: int = 0
    deleted: int = 0
    workers: int = 1
    seconds: float = 0.0
    cache_used: bool = False
    warnings: list[str] = field(default_factory=list)


class LazyNotes(Mapping[str, Note]):
    """Notes by path, decoded from the cache on first use.

    A value is a :class:`Note`, or the stored (summary, detail) bytes of one; ``detail``
    ``None`` means the note comes without its links (see :class:`VaultState`).
    """

    def __init__(
        self,
        entries: dict[str, Note | tuple[bytes, bytes | None]],
        root: Path,
        cache_root: Path | None = None,
    ) -> None:
        self._entries = entries
        self._root = root
        self._cache_root = cache_root
        #: cache entries that did not decode (their notes were parsed again instead)
        self.damaged: list[str] = []

    def __getitem__(self, path: str) -> Note:
        value = self._entries[path]
        if isinstance(value, Note):
            return value
        summary, detail = value
        try:
            note = summary_note(summary)
            if detail is not None:
                note = with_detail(note, detail)
        except (ValueError, TypeError):  # a damaged cache entry: the file itself is the truth
            self.damaged.append(path)
            result = parse_one(self._root, path, None)
            note = _decode_parsed(result)
            if result[5] and self._cache_root is not None:  # and the entry is repaired
                cache = IndexCache(self._cache_root)
                if cache.open():
                    cache.update([Entry(*result[:4], *(result[4] or (None, None)))], ())
                    cache.close()
        self._entries[path] = note
        return note

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, path: object) -> bool:
        return path in self._entries


@dataclass(slots=True)
class VaultState:
    """How a vault was loaded, for the incremental stages and the result memo.

    ``key`` changes whenever any input of any result changes: the bytes of a note, the
    set of attachments or ignored files, what the scan reported, or the parser.
    ``without_links`` are notes loaded as summaries (their ``links`` and
    ``external_links`` are empty); :meth:`complete` loads them in full.
    """

    key: str
    shas: dict[str, bytes]
    cache_root: Path | None
    without_links: set[str] = field(default_factory=set)

    def open_cache(self) -> IndexCache | None:
        if self.cache_root is None:
            return None
        cache = IndexCache(self.cache_root)
        return cache if cache.open() else None

    def complete(self, vault: Vault, paths: Iterable[str] | None = None) -> None:
        """Load the links of ``paths`` (default: every note) that came without them."""
        wanted = self.without_links if paths is None else self.without_links & set(paths)
        if not wanted:
            return
        cache = self.open_cache()
        details = cache.details(wanted) if cache is not None else {}
        if cache is not None:
            cache.close()
        notes = vault.notes
        for path in sorted(wanted):
            detail = details.get(path)
            if detail is None:  # gone from the cache meanwhile: read the file again
                note = _decode_parsed(parse_one(Path(vault.root), path, None))
            else:
                note = with_detail(notes[path], detail)
            _replace(notes, path, note)
        self.without_links -= wanted


def _replace(notes: Mapping[str, Note], path: str, note: Note) -> None:
    if isinstance(notes, LazyNotes):
        notes._entries[path] = note
    else:
        notes[path] = note  # type: ignore[index]


def load_vault(
    path: str | os.PathLike[str] | None = None,
    config: Config | None = None,
    *,
    use_cache: bool | None = None,
    rebuild: bool = False,
    stats: IndexStats | None = None,
    progress: Callable[[int], Progress] | None = None,
    links: bool = True,
) -> Vault:
    """Index the vault at ``path`` (or the configured vault) and return its notes.

    Bad files never stop the run: they come back as diagnostics, and the rest of the
    vault is still indexed. ``use_cache`` defaults to the ``cache`` setting, ``rebuild``
    discards the cache first. ``progress(total)`` may return a callback that is told how
    many notes were parsed since its last call. With ``links=False``, notes that come
    from the cache come without their links (``vault.state.complete`` loads them): the
    incremental analysis needs them only for notes that changed.
    """
    started = time.perf_counter()
    if config is None:
        config = load_config(vault=path)
    elif path is not None:
        config = config.replace(vault=Path(path))
    stats = stats if stats is not None else IndexStats()
    root = Path(config.vault)
    scanned = scan_vault(root, config.ignore)
    note_files = scanned.of_kind("note")

    cache = IndexCache(root) if (config.cache if use_cache is None else use_cache) else None
    rows: dict[str, CachedRow] = {}
    if cache is not None and cache.open(rebuild=rebuild):
        rows = cache.rows()
        stats.cache_used = True
    elif cache is not None:  # unusable: say why, and run without it
        stats.warnings.extend(cache.warnings)
        cache = None

    entries: dict[str, Note | tuple[bytes, bytes | None]] = {}
    shas: dict[str, bytes] = {}
    pending: list[tuple[str, bytes | None]] = []
    for file in note_files:
        row = rows.get(file.path)
        if row is not None and row.stat_matches(file.size, file.mtime_ns):
            entries[file.path] = (row.summary, None)
            shas[file.path] = row.sha256
        else:
            pending.append((file.path, row.sha256 if row is not None else None))
    stats.reused = len(entries)

    fresh: list[Entry] = []
    for path, size, mtime_ns, digest, parts, cacheable in _parse_all(root, pending, stats, progress):
        if parts is None:  # same bytes under a new stat: the cached parse stands
            entries[path] = (rows[path].summary, None)
            stats.reused += 1
        else:
            entries[path] = parts  # decoded when first used (`vault index` never does)
            stats.parsed += 1
        shas[path] = digest
        if cacheable:
            summary, detail = parts if parts is not None else (None, None)
            fresh.append(Entry(path, size, mtime_ns, digest, summary, detail))
    order = {file.path: i for i, file in enumerate(note_files)}
    entries = dict(sorted(entries.items(), key=lambda item: order[item[0]]))

    without_links = {p for p, value in entries.items() if isinstance(value, tuple) and value[1] is None}
    if links and without_links and cache is not None:
        details = cache.details(without_links)
        for path in list(without_links):
            summary, _ = entries[path]  # type: ignore[misc]
            detail = details.get(path)
            try:
                entries[path] = with_detail(summary_note(summary), detail) if detail else (summary, None)
                if detail:
                    without_links.discard(path)
            except (ValueError, TypeError):  # a damaged entry: parse the file again, and fix it
                result = parse_one(root, path, None)
                entries[path] = _decode_parsed(result)
                without_links.discard(path)
                fresh.append(Entry(*result[:4], *(result[4] or (None, None))))
                stats.warnings.append(f"{path}: damaged cache entry; parsed again")
    notes = LazyNotes(entries, root, root if cache is not None else None)
    if cache is not None:
        deleted = rows.keys() - order.keys()
        cache.update(fresh, deleted)
        stats.deleted = len(deleted)
        stats.warnings.extend(cache.warnings)
        cache.close()
    # notes the cache could not complete (a damaged row) are parsed again
    vault = Vault(
        root=str(root),
        notes=notes,
        attachments=tuple(f.path for f in scanned.of_kind("attachment")),
        ignored=tuple(f.path for f in scanned.of_kind("ignored")),
        diagnostics=tuple(scanned.diagnostics),
    )
    vault.state = VaultState(
        key=_state_key(vault, shas),
        shas=shas,
        cache_root=root if cache is not None else None,
        without_links=without_links,
    )
    if links:
        vault.state.complete(vault)
    stats.notes = len(notes)
    stats.seconds = time.perf_counter() - started
    return vault


def _state_key(vault: Vault, shas: dict[str, bytes]) -> str:
    """A hash of every input of every result: see :class:`VaultState`."""
    digest = hashlib.sha256(parser_fingerprint().encode())
    for path in vault.notes:
        digest.update(f"\0n{path}\0".encode())
        digest.update(shas.get(path, b"unreadable"))
    for kind, paths in (("a", vault.attachments), ("i", vault.ignored)):
        for path in paths:
            digest.update(f"\0{kind}{path}".encode())
    for finding in vault.diagnostics:
        digest.update(f"\0d{finding}".encode())
    return digest.hexdigest()


#: what parsing one note sends back: path, size, mtime_ns, sha256, the note as stored
#: (summary, detail), or None when the bytes match the cached hash, and whether the
#: result belongs in the cache
RawResult = tuple[str, int, int, bytes, tuple[bytes, bytes] | None, bool]


def _parse_all(
    root: Path,
    pending: list[tuple[str, bytes | None]],
    stats: IndexStats,
    progress: Callable[[int], Progress] | None,
) -> list[RawResult]:
    if not pending:
        return []
    advance = progress(len(pending)) if progress else None
    workers = min(os.cpu_count() or 1, len(pending) // (PARALLEL_MIN_NOTES // 2))
    if workers < 2:
        results = []
        for path, known in pending:
            results.append(parse_one(root, path, known))
            if advance:
                advance(1)
        return results
    stats.workers = workers
    results = []
    chunks = [pending[i : i + CHUNK_SIZE] for i in range(0, len(pending), CHUNK_SIZE)]
    from concurrent.futures import ProcessPoolExecutor  # only cold runs pay for it

    with ProcessPoolExecutor(max_workers=workers, mp_context=_fork_context()) as pool:
        for chunk_results in pool.map(_parse_chunk, [root] * len(chunks), chunks):
            results.extend(chunk_results)
            if advance:
                advance(len(chunk_results))
    return results


def _decode_parsed(result: RawResult) -> Note:
    parts = result[4]
    assert parts is not None
    return with_detail(summary_note(parts[0]), parts[1])


def _fork_context():  # type: ignore[no-untyped-def]
    """Workers inherit the imported parser instead of importing it again."""
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def _parse_chunk(root: Path, chunk: list[tuple[str, bytes | None]]) -> list[RawResult]:
    return [parse_one(root, path, known) for path, known in chunk]


def parse_one(root: Path, path: str, known_sha: bytes | None) -> RawResult:
    """Read and parse one note (in a worker, or in-process for small batches)."""
    from .parse import parse_note, unreadable_note

    try:
        data, size, mtime_ns = read_file_with_stat(root, path)
    except OSError as error:
        reason = error.strerror or str(error)
        note = unreadable_note(path, Diagnostic(path, 1, 0, "PV101", f"cannot read: {reason}"))
        return path, 0, 0, b"", split_note(note), False  # not cached: it may be readable next time
    digest = sha256(data)
    if digest == known_sha:
        return path, size, mtime_ns, digest, None, True
    return path, size, mtime_ns, digest, split_note(parse_note(path, data)), True


__all__ = ["IndexStats", "LazyNotes", "VaultState", "load_vault"]
