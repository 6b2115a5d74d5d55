"""The per-vault index cache: parsed notes in ``<vault>/.papervault/cache.sqlite``.

One of the three places that touch the disk. The cache stores what parsing produced,
keyed by path, size and mtime, with a SHA-256 of the bytes to confirm a change (zk's
design). SQLite gives atomic transactions, so two processes indexing at once cannot
corrupt it, and a killed run leaves the last committed state.

Trust rules:
- same size and mtime as recorded, and the file was last verified well after that mtime:
  reuse the parse (a file edited twice in one clock tick keeps its size and mtime, so a
  recent mtime is re-hashed, as git does for "racily clean" files);
- otherwise hash the bytes: the same hash reuses the parse, a new one parses again;
- a new papervault version, parser version or schema rebuilds everything;
- a corrupt, truncated or foreign file is reported as a warning and rebuilt; results are
  then exactly those of a cold run.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from . import __version__
from .model import (
    PARSER_VERSION,
    BlockId,
    Citation,
    Diagnostic,
    ExternalLink,
    Heading,
    Link,
    Note,
    PaperRef,
    Region,
    Tag,
)

CACHE_DIR = ".papervault"
CACHE_FILE = "cache.sqlite"
#: bump when the table layout changes
SCHEMA_VERSION = 2
#: "PVLT": marks the SQLite file as ours, so a foreign database is never trusted
APPLICATION_ID = 0x50564C54
#: an mtime this close to the last verification is not trusted on its own
RACY_WINDOW_NS = 2_000_000_000


@functools.cache  # fixed for the process; reading package metadata costs ~1.6 ms a call
def parser_fingerprint() -> str:
    """Everything that changes what parsing produces; a change rebuilds the cache."""
    from importlib.metadata import version

    # the stored layout of a note is its fields' order: a new field changes the format
    layout = hashlib.sha1(repr([_NOTE_FIELDS, *_FIELD_NAMES.values()]).encode(), usedforsecurity=False)
    return (
        f"papervault {__version__}; parser {PARSER_VERSION}; layout {layout.hexdigest()[:12]};"
        f" mistune {version('mistune')}"
    )


# ---------------------------------------------------------------------------
# Note <-> JSON-able lists. Positional, in dataclass field order: compact and fast.

_NESTED: dict[str, type] = {
    "tags": Tag,
    "links": Link,
    "external_links": ExternalLink,
    "citations": Citation,
    "papers": PaperRef,
    "headings": Heading,
    "block_ids": BlockId,
    "regions": Region,
    "diagnostics": Diagnostic,
}
_NOTE_FIELDS = [f.name for f in fields(Note)]
_FIELD_NAMES = {cls: [f.name for f in fields(cls)] for cls in _NESTED.values()}


def encode_note(note: Note) -> list[Any]:
    row: list[Any] = []
    for name in _NOTE_FIELDS:
        value = getattr(note, name)
        cls = _NESTED.get(name)
        if cls is not None:
            names = _FIELD_NAMES[cls]
            value = [[getattr(item, n) for n in names] for item in value]
        elif isinstance(value, tuple):
            value = list(value)
        row.append(value)
    return row


#: per Note field: the class its list items become, or None for a plain value
_DECODERS: list[type | None] = [_NESTED.get(name) for name in _NOTE_FIELDS]


def decode_note(row: list[Any]) -> Note:
    if len(row) != len(_DECODERS):
        raise ValueError(f"a stored note has {len(row)} fields, not {len(_DECODERS)}")
    values: list[Any] = []
    for cls, value in zip(_DECODERS, row):  # noqa: B905 - lengths checked above
        if cls is not None:
            values.append(tuple([cls(*item) for item in value]))
        elif type(value) is list:
            values.append(tuple(value))
        else:
            values.append(value)
    return Note(*values)


def to_json(note: Note) -> bytes:
    return _dumps(encode_note(note))


def from_json(data: bytes) -> Note:
    return decode_note(json.loads(data))


#: the bulk of a note, kept apart so that a warm run can work from the rest
DETAIL_FIELDS = ("links", "external_links")
_DETAIL_AT = [_NOTE_FIELDS.index(name) for name in DETAIL_FIELDS]


def split_note(note: Note) -> tuple[bytes, bytes]:
    """(summary, detail) as stored: the summary is the note without its links."""
    row = encode_note(note)
    detail = [row[i] for i in _DETAIL_AT]
    for i in _DETAIL_AT:
        row[i] = []
    return _dumps(row), _dumps(detail)


def summary_note(summary: bytes) -> Note:
    """The note without its links and external links (both empty)."""
    return from_json(summary)


def with_detail(summary: Note, detail: bytes) -> Note:
    links, external = json.loads(detail)
    return dataclasses.replace(
        summary,
        links=tuple(Link(*item) for item in links),
        external_links=tuple(ExternalLink(*item) for item in external),
    )


def _dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


# ---------------------------------------------------------------------------
# the store


@dataclass(frozen=True, slots=True)
class CachedRow:
    size: int
    mtime_ns: int
    sha256: bytes
    checked_ns: int
    summary: bytes

    def stat_matches(self, size: int, mtime_ns: int) -> bool:
        return self.size == size and self.mtime_ns == mtime_ns and mtime_ns + RACY_WINDOW_NS < self.checked_ns


@dataclass(frozen=True, slots=True)
class Entry:
    """A freshly parsed or re-verified note, to be written back to the cache.
    ``summary``/``detail`` are ``None`` when only the stat changed (same bytes)."""

    path: str
    size: int
    mtime_ns: int
    sha256: bytes
    summary: bytes | None
    detail: bytes | None


class CacheError(Exception):
    """The cache file cannot be used; the caller falls back to a cold run."""


class IndexCache:
    """Read and update the cache of one vault. Every failure degrades to a cold run."""

    def __init__(self, vault_root: Path):
        self.root = Path(vault_root)
        self.path = self.root / CACHE_DIR / CACHE_FILE
        self.warnings: list[str] = []
        self._db: sqlite3.Connection | None = None

    # -- opening -------------------------------------------------------------

    def open(self, rebuild: bool = False) -> bool:
        """Open (creating if needed). False, with a warning, if the cache is unusable."""
        folder = self.path.parent
        if not (inside_vault(self.root, folder / ".gitignore") and inside_vault(self.root, self.path)):
            self.warnings.append(f"{self.path.parent} leads outside the vault; running without the cache")
            return False
        try:
            self.path.parent.mkdir(exist_ok=True)
            _write_gitignore(self.path.parent)
        except OSError as error:
            self.warnings.append(f"{self.path.parent}: cannot create the cache folder ({error.strerror})")
            return False
        if rebuild:
            self._remove()
        try:
            self._db = self._connect()
            self._check_or_reset()
        except (sqlite3.DatabaseError, CacheError) as error:
            self.warnings.append(f"{self.path}: cache unreadable ({error}); rebuilt from scratch")
            self.close()
            self._remove()
            try:
                self._db = self._connect()
                self._check_or_reset()
            except sqlite3.Error as again:
                self.warnings.append(f"{self.path}: cannot rebuild the cache ({again}); running without it")
                self.close()
                return False
        return True

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        db.execute("PRAGMA busy_timeout = 10000")
        return db

    def _remove(self) -> None:
        for suffix in ("", "-wal", "-shm", "-journal"):
            try:
                os.unlink(f"{self.path}{suffix}")
            except FileNotFoundError:
                pass
            except OSError as error:
                self.warnings.append(f"{self.path}{suffix}: cannot remove ({error.strerror})")

    def _check_or_reset(self) -> None:
        db = self._require()
        app_id = db.execute("PRAGMA application_id").fetchone()[0]
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if app_id == 0 and not tables:
            self._create()
            return
        if app_id != APPLICATION_ID or not {"meta", "notes"} <= tables:
            raise CacheError("not a papervault cache")
        meta = dict(db.execute("SELECT key, value FROM meta"))
        if meta.get("schema") != str(SCHEMA_VERSION):  # an older papervault's cache: start over
            db.execute("BEGIN IMMEDIATE")
            for table in tables:
                db.execute(f'DROP TABLE "{table}"')
            db.execute("COMMIT")
            self._create()
            return
        if meta.get("parser") != parser_fingerprint():
            db.execute("BEGIN IMMEDIATE")
            for table in ("notes", "derived", "memo"):
                db.execute(f"DELETE FROM {table}")
            self._write_meta(db)
            db.execute("COMMIT")
        # a truncated file fails here rather than half-way through a run (a full integrity
        # check would read the whole file on every run; damage inside it surfaces as a
        # database error or an entry that does not decode, and either means re-parsing)
        pages, page_size = (db.execute(f"PRAGMA {p}").fetchone()[0] for p in ("page_count", "page_size"))
        if os.path.getsize(self.path) < pages * page_size:
            raise CacheError("the file is truncated")

    def _create(self) -> None:
        db = self._require()
        db.execute("BEGIN IMMEDIATE")
        db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        db.execute(
            "CREATE TABLE IF NOT EXISTS notes (path TEXT PRIMARY KEY, size INTEGER NOT NULL,"
            " mtime_ns INTEGER NOT NULL, sha256 BLOB NOT NULL, checked_ns INTEGER NOT NULL,"
            " summary BLOB NOT NULL, detail BLOB NOT NULL)"
        )
        # per note: what resolving its links produced, valid for one content hash and one
        # state of everything else it depends on (the "context")
        db.execute(
            "CREATE TABLE IF NOT EXISTS derived (path TEXT PRIMARY KEY, sha256 BLOB NOT NULL,"
            " context TEXT NOT NULL, data BLOB NOT NULL)"
        )
        # whole results (a check's findings) for one exact state of the vault
        db.execute(
            "CREATE TABLE IF NOT EXISTS memo (kind TEXT PRIMARY KEY, key TEXT NOT NULL, data BLOB NOT NULL)"
        )
        self._write_meta(db)
        db.execute("COMMIT")

    def _write_meta(self, db: sqlite3.Connection) -> None:
        db.executemany(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
            [("schema", str(SCHEMA_VERSION)), ("parser", parser_fingerprint())],
        )

    def _require(self) -> sqlite3.Connection:
        if self._db is None:
            raise CacheError("cache is not open")
        return self._db

    # -- reading and writing ---------------------------------------------------

    def rows(self) -> dict[str, CachedRow]:
        """Every cached note. A damaged database here means a cold run, with a warning."""
        try:
            cursor = self._require().execute(
                "SELECT path, size, mtime_ns, sha256, checked_ns, summary FROM notes"
            )
            return {path: CachedRow(*rest) for path, *rest in cursor}
        except (sqlite3.Error, CacheError) as error:
            self.warnings.append(f"{self.path}: cannot read the cache ({error}); reindexing")
            return {}

    def update(self, entries: Iterable[Entry], deleted: Iterable[str]) -> None:
        """Store new parses and drop deleted notes, in one transaction."""
        entries = list(entries)
        deleted = list(deleted)
        if not entries and not deleted:
            return
        now = time.time_ns()
        db = self._require()
        fresh = [e for e in entries if e.summary is not None]
        restat = [e for e in entries if e.summary is None]
        try:
            db.execute("BEGIN IMMEDIATE")
            db.executemany(
                "INSERT OR REPLACE INTO notes (path, size, mtime_ns, sha256, checked_ns, summary, detail)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                ((e.path, e.size, e.mtime_ns, e.sha256, now, e.summary, e.detail) for e in fresh),
            )
            db.executemany(
                "UPDATE notes SET size = ?, mtime_ns = ?, checked_ns = ? WHERE path = ?",
                ((e.size, e.mtime_ns, now, e.path) for e in restat),
            )
            db.executemany("DELETE FROM notes WHERE path = ?", ((p,) for p in deleted))
            db.executemany("DELETE FROM derived WHERE path = ?", ((p,) for p in deleted))
            db.execute("COMMIT")
        except sqlite3.Error as error:
            # another process holds the lock for too long, or the disk is full: the
            # results of this run are still right, only the next run is slower
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")
            self.warnings.append(f"{self.path}: cache not updated ({error})")

    def details(self, paths: Iterable[str]) -> dict[str, bytes]:
        """The stored links of the given notes (missing ones are simply absent)."""
        wanted = list(paths)
        found: dict[str, bytes] = {}
        try:
            db = self._require()
            for start in range(0, len(wanted), 500):
                batch = wanted[start : start + 500]
                marks = ",".join("?" * len(batch))
                query = f"SELECT path, detail FROM notes WHERE path IN ({marks})"
                found.update(db.execute(query, batch))
        except (sqlite3.Error, CacheError) as error:
            self.warnings.append(f"{self.path}: cannot read the cache ({error})")
        return found

    def derived(self) -> dict[str, tuple[bytes, str, bytes]]:
        """Per-note resolution results: path -> (sha256, context, data)."""
        try:
            cursor = self._require().execute("SELECT path, sha256, context, data FROM derived")
            return {path: (sha, context, data) for path, sha, context, data in cursor}
        except (sqlite3.Error, CacheError) as error:
            self.warnings.append(f"{self.path}: cannot read the cache ({error})")
            return {}

    def put_derived(self, rows: Iterable[tuple[str, bytes, str, bytes]]) -> None:
        self._write(
            "INSERT OR REPLACE INTO derived (path, sha256, context, data) VALUES (?, ?, ?, ?)", list(rows)
        )

    def memo(self, kind: str, key: str) -> bytes | None:
        """The stored result of ``kind`` if it was computed for exactly ``key``."""
        try:
            row = self._require().execute("SELECT key, data FROM memo WHERE kind = ?", (kind,)).fetchone()
        except (sqlite3.Error, CacheError):
            return None
        return row[1] if row is not None and row[0] == key else None

    def put_memo(self, kind: str, key: str, data: bytes) -> None:
        self._write("INSERT OR REPLACE INTO memo (kind, key, data) VALUES (?, ?, ?)", [(kind, key, data)])

    def _write(self, statement: str, rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        try:
            db = self._require()
            db.execute("BEGIN IMMEDIATE")
            db.executemany(statement, rows)
            db.execute("COMMIT")
        except (sqlite3.Error, CacheError) as error:
            with contextlib.suppress(sqlite3.Error, CacheError):
                self._require().execute("ROLLBACK")
            self.warnings.append(f"{self.path}: cache not updated ({error})")

    def close(self) -> None:
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None


def inside_vault(root: Path, path: Path) -> bool:
    """Whether ``path`` (existing or not) really lies under the vault root: a cache folder
    or file that is a symlink out of the vault is never written through."""
    real_root = os.path.realpath(root)
    return os.path.realpath(path).startswith(real_root.rstrip(os.sep) + os.sep)


def _write_gitignore(folder: Path) -> None:
    """The cache folder ignores itself, so it never lands in the user's repository."""
    marker = folder / ".gitignore"
    if not marker.exists():
        marker.write_text("# papervault's index cache: safe to delete\n*\n", encoding="utf-8")


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()
