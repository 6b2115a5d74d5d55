"""Stage 1, scan: find the vault's files. One of the three places that touch the disk.

Notes are files ending in lower-case ``.md`` (as in Quartz: ``x.MD`` is an attachment).
Dot-folders and dot-files are skipped. Files under an ignore pattern are still listed,
as ``ignored``: they are not parsed, but Quartz still counts them as link targets.

Ignore patterns are gitignore-style globs: a pattern without ``/`` (``private``,
``*.excalidraw.md``) matches a file or folder name at any depth; a pattern with ``/``
(``notes/private``, ``**/drafts``) is anchored at the vault root; ``**`` spans folders;
a trailing ``/`` matches folders only. Quartz differs: its bare ``private`` matches only
the root-level folder.

Symlinks are followed only while they stay inside the vault; links that lead out, and
symlink cycles, are reported and skipped.
"""

from __future__ import annotations

import os
import re
import stat
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .errors import VaultError
from .model import Diagnostic, ScannedFile

NOTE_SUFFIX = ".md"


@dataclass(slots=True)
class ScanResult:
    root: Path
    files: list[ScannedFile] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def of_kind(self, kind: str) -> list[ScannedFile]:
        return [f for f in self.files if f.kind == kind]


@dataclass(frozen=True, slots=True)
class IgnoreRule:
    pattern: str
    regex: re.Pattern[str]
    folders_only: bool


def compile_ignore(patterns: Iterable[str]) -> list[IgnoreRule]:
    return [_compile_pattern(p) for p in patterns if p.strip() and not p.startswith("#")]


def _compile_pattern(pattern: str) -> IgnoreRule:
    text = pattern.strip()
    folders_only = text.endswith("/")
    text = text.rstrip("/")
    anchored = "/" in text  # a leading or inner slash anchors the pattern at the root
    text = text.lstrip("/")
    parts: list[str] = []
    i = 0
    while i < len(text):
        if text.startswith("**/", i):
            parts.append("(?:.*/)?")
            i += 3
        elif text.startswith("**", i):
            parts.append(".*")
            i += 2
        elif text[i] == "*":
            parts.append("[^/]*")
            i += 1
        elif text[i] == "?":
            parts.append("[^/]")
            i += 1
        else:
            parts.append(re.escape(text[i]))
            i += 1
    body = "".join(parts)
    regex = re.compile(body if anchored else f"(?:.*/)?{body}")
    return IgnoreRule(pattern, re.compile(f"{regex.pattern}\\Z"), folders_only)


def is_ignored(path: str, is_dir: bool, rules: list[IgnoreRule]) -> bool:
    """Whether the vault-relative ``path`` itself matches an ignore rule."""
    return any(rule.regex.match(path) and (is_dir or not rule.folders_only) for rule in rules)


def scan_vault(root: Path, ignore: Iterable[str] = ()) -> ScanResult:
    """Walk ``root`` in sorted order and classify every file."""
    root = Path(root)
    try:
        if not root.exists():
            raise VaultError("vault folder does not exist", path=str(root))
        if not root.is_dir():
            raise VaultError("vault root is not a folder", path=str(root))
    except OSError as error:
        raise VaultError(f"cannot read the vault folder: {error.strerror}", path=str(root)) from None
    real_root = os.path.realpath(root)
    result = ScanResult(root=root)
    rules = compile_ignore(ignore)
    _walk(root, "", real_root, rules, False, {real_root}, result)
    return result


def _walk(
    folder: Path,
    rel: str,
    real_root: str,
    rules: list[IgnoreRule],
    ignored: bool,
    visiting: set[str],
    result: ScanResult,
) -> None:
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as error:
        result.diagnostics.append(_diag(rel or ".", "PV101", f"cannot read folder: {error.strerror}"))
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = f"{rel}/{entry.name}" if rel else entry.name
        problem = _unusable_name(entry.name)
        if problem:
            # undecodable bytes (surrogate escapes) or a line break: such a name can be
            # neither cached, printed on one line, nor written into a generated list
            result.diagnostics.append(_diag(_printable(path), "PV101", f"the name {problem}; skipped"))
            continue
        try:
            is_link = entry.is_symlink()
            info = entry.stat()  # follows symlinks
        except OSError as error:
            reason = "broken symlink" if isinstance(error, FileNotFoundError) else error.strerror
            result.diagnostics.append(_diag(path, "PV101", f"cannot read: {reason}"))
            continue
        if is_link and not _inside(os.path.realpath(entry.path), real_root):
            result.diagnostics.append(_diag(path, "PV105", "symlink leads outside the vault; skipped"))
            continue
        if stat.S_ISDIR(info.st_mode):
            if entry.name.endswith(NOTE_SUFFIX):
                result.diagnostics.append(_diag(path, "PV104", "a folder named like a note; not a note"))
            real = os.path.realpath(entry.path)
            if real in visiting:
                result.diagnostics.append(_diag(path, "PV105", "symlink cycle; skipped"))
                continue
            visiting.add(real)
            sub_ignored = ignored or is_ignored(path, True, rules)
            _walk(Path(entry.path), path, real_root, rules, sub_ignored, visiting, result)
            visiting.discard(real)
        elif stat.S_ISREG(info.st_mode):
            if ignored or is_ignored(path, False, rules):
                kind = "ignored"
            elif entry.name.endswith(NOTE_SUFFIX):
                kind = "note"
            else:
                kind = "attachment"
            result.files.append(ScannedFile(path, kind, info.st_size, info.st_mtime_ns))
        elif entry.name.endswith(NOTE_SUFFIX):
            result.diagnostics.append(_diag(path, "PV104", "not a regular file; skipped"))


def _unusable_name(name: str) -> str | None:
    """Why a file or folder name cannot be indexed, or ``None``."""
    if name.isascii() and name.isprintable():
        return None  # nearly every name: no further look
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return "is not valid UTF-8"
    if any((char != "\t" and unicodedata.category(char) == "Cc") or char in "\u2028\u2029" for char in name):
        return "holds a line break or another control character"
    return None


def _printable(path: str) -> str:
    """``path`` on one line: undecodable bytes as U+FFFD, control characters escaped."""
    text = path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return "".join(char if char.isprintable() else ascii(char)[1:-1] for char in text)


def _inside(real: str, real_root: str) -> bool:
    return real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep)


def _diag(path: str, code: str, message: str) -> Diagnostic:
    return Diagnostic(path=path, line=1, column=0, code=code, message=message)


def read_file(root: Path, path: str) -> bytes:
    """Read one vault file's bytes. Raises OSError; callers turn it into a diagnostic."""
    with open(root / path, "rb") as handle:
        return handle.read()


def read_file_with_stat(root: Path, path: str) -> tuple[bytes, int, int]:
    """Bytes plus the size and mtime of exactly what was read (a later edit is never
    recorded under an earlier stat). Raises OSError."""
    with open(root / path, "rb") as handle:
        info = os.fstat(handle.fileno())
        return handle.read(), info.st_size, info.st_mtime_ns
