"""Scan and parse a whole vault into a :class:`~papervault.model.Vault`: the one-call API.

Parsing goes through the index cache when it is on: a warm run parses only added or
changed notes and drops deleted ones. A cold run over a big vault parses in worker
processes, one per core.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .cache import CachedRow, Entry, IndexCache, from_json, sha256, to_json
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


def load_vault(
    path: str | os.PathLike[str] | None = None,
    config: Config | None = None,
    *,
    use_cache: bool | None = None,
    rebuild: bool = False,
    stats: IndexStats | None = None,
    progress: Callable[[int], Progress] | None = None,
) -> Vault:
    """Index the vault at ``path`` (or the configured vault) and return its notes.

    Bad files never stop the run: they come back as diagnostics, and the rest of the
    vault is still indexed. ``use_cache`` defaults to the ``cache`` setting, ``rebuild``
    discards the cache first. ``progress(total)`` may return a callback that is told how
    many notes were parsed since its last call.
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

    notes: dict[str, Note] = {}
    pending: list[tuple[str, bytes | None]] = []
    for file in note_files:
        row = rows.get(file.path)
        cached = _decode_row(row, stats) if row is not None else None
        if cached is not None and row is not None and row.stat_matches(file.size, file.mtime_ns):
            notes[file.path] = cached
        else:
            # a row that does not decode is treated as absent: the note is parsed again
            pending.append((file.path, row.sha256 if cached is not None and row is not None else None))
    stats.reused = len(notes)

    entries: list[Entry] = []
    for path, size, mtime_ns, digest, data, cacheable in _parse_all(root, pending, stats, progress):
        if data is None:  # same bytes under a new stat: the cached parse stands
            data = rows[path].data
            stats.reused += 1
        else:
            stats.parsed += 1
        notes[path] = from_json(data)
        if cacheable:
            entries.append(Entry(path, size, mtime_ns, digest, data))
    order = {file.path: i for i, file in enumerate(note_files)}
    notes = dict(sorted(notes.items(), key=lambda item: order[item[0]]))

    if cache is not None:
        deleted = rows.keys() - order.keys()
        cache.update(entries, deleted)
        stats.deleted = len(deleted)
        stats.warnings.extend(cache.warnings)
        cache.close()
    stats.notes = len(notes)
    stats.seconds = time.perf_counter() - started
    return Vault(
        root=str(root),
        notes=notes,
        attachments=tuple(f.path for f in scanned.of_kind("attachment")),
        ignored=tuple(f.path for f in scanned.of_kind("ignored")),
        diagnostics=tuple(scanned.diagnostics),
    )


#: what parsing one note sends back: path, size, mtime_ns, sha256, the note as JSON (None
#: when the bytes match the cached hash), and whether the result belongs in the cache
RawResult = tuple[str, int, int, bytes, bytes | None, bool]


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
    with ProcessPoolExecutor(max_workers=workers, mp_context=_fork_context()) as pool:
        for chunk_results in pool.map(_parse_chunk, [root] * len(chunks), chunks):
            results.extend(chunk_results)
            if advance:
                advance(len(chunk_results))
    return results


def _decode_row(row: CachedRow, stats: IndexStats) -> Note | None:
    try:
        return from_json(row.data)
    except (ValueError, TypeError) as error:
        if not any("damaged" in w for w in stats.warnings):
            stats.warnings.append(f"damaged cache entries ({error}); those notes are parsed again")
        return None


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
        return path, 0, 0, b"", to_json(note), False  # not cached: it may be readable next time
    digest = sha256(data)
    if digest == known_sha:
        return path, size, mtime_ns, digest, None, True
    return path, size, mtime_ns, digest, to_json(parse_note(path, data)), True


__all__ = ["IndexStats", "load_vault"]
