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
    folders_only: bool
    #: the pattern as tokens: ``**/``, ``**``, ``*``, ``?`` or one literal character; an
    #: unanchored pattern starts with ``**/``
    tokens: tuple[str, ...]
    #: for a pattern without ``*``, its regex: its one repetition at most (the leading
    #: ``**/``) cannot make it backtrack more than once over a path
    regex: re.Pattern[str] | None
    #: the literal characters the pattern starts and ends with: a quick no for most paths
    head: str = ""
    tail: str = ""

    def matches(self, path: str) -> bool:
        if self.regex is not None:
            return self.regex.match(path) is not None
        if not (path.startswith(self.head) and path.endswith(self.tail)):
            return False
        return _glob_match(self.tokens, path)


#: the regex of each wildcard token (``.`` stops at a line break, as it always has)
_WILDCARDS = {"**/": "(?:.*/)?", "**": ".*", "*": "[^/]*", "?": "[^/]"}


def compile_ignore(patterns: Iterable[str]) -> list[IgnoreRule]:
    return [_compile_pattern(p) for p in patterns if p.strip() and not p.startswith("#")]


def _compile_pattern(pattern: str) -> IgnoreRule:
    text = pattern.strip()
    folders_only = text.endswith("/")
    text = text.rstrip("/")
    anchored = "/" in text  # a leading or inner slash anchors the pattern at the root
    text = text.lstrip("/")
    tokens: list[str] = [] if anchored else ["**/"]
    i = 0
    while i < len(text):
        size = 3 if text.startswith("**/", i) else 2 if text.startswith("**", i) else 1
        tokens.append(text[i : i + size])
        i += size
    if "*" not in text:
        regex = re.compile("".join(_WILDCARDS.get(t) or re.escape(t) for t in tokens) + "\\Z")
        return IgnoreRule(pattern, folders_only, tuple(tokens), regex)
    literal = [t not in _WILDCARDS for t in tokens]
    head = "".join(tokens[: literal.index(False)])
    tail = "".join(tokens[len(tokens) - literal[::-1].index(False) :])
    return IgnoreRule(pattern, folders_only, tuple(tokens), None, head, tail)


def _glob_match(tokens: tuple[str, ...], path: str) -> bool:
    """Whether ``path`` matches the tokens as their regex (``_WILDCARDS``, ``\\Z`` at the
    end) would, in linear time: a backtracking regex of several ``*`` and ``**`` is
    polynomial (``**a**a**a**b`` took 4 s against one 200-character path).

    Every position a prefix of the pattern can match up to is tracked at once, as the
    bits of ``reach`` (bit ``i``: the tokens so far can match ``path[:i]``), so each token
    costs a few operations on integers of ``len(path)`` bits.
    """
    size = len(path)
    before_end = (1 << size) - 1  # positions with a character after them
    slashes, breaks = _positions(path, "/"), _positions(path, "\n")
    # bit j: one more character leads from position j - 1 to j, for '*' (not over a '/')
    # and for '**' (not over a line break)
    in_segment, in_line = (before_end & ~slashes) << 1, (before_end & ~breaks) << 1
    literals: dict[str, int] = {}
    reach = 1
    for token in tokens:
        if token == "**/":
            reach |= (_extend(reach, in_line) & slashes) << 1
        elif token == "**":
            reach = _extend(reach, in_line)
        elif token == "*":
            reach = _extend(reach, in_segment)
        elif token == "?":
            reach = (reach & before_end & ~slashes) << 1
        else:
            found = literals.get(token)
            if found is None:
                found = literals[token] = _positions(path, token)
            reach = (reach & found) << 1
        if not reach:
            return False
    return bool(reach >> size & 1)


def _positions(path: str, char: str) -> int:
    """The positions of ``char`` in ``path``, as bits."""
    pieces = path.split(char)
    if len(pieces) == 1:
        return 0
    return int("1".join("0" * len(piece) for piece in reversed(pieces)), 2)


def _extend(reach: int, steps: int) -> int:
    """``reach`` and every position reachable from it by steps into ``steps`` positions.

    An addition does it for every run at once: adding ``reach`` to the runs of
    ``steps | reach`` carries from each run's lowest ``reach`` bit to the run's end,
    clearing the bits it passes."""
    runs = steps | reach
    return (((runs + reach) ^ runs) & runs) | reach


def is_ignored(path: str, is_dir: bool, rules: list[IgnoreRule]) -> bool:
    """Whether the vault-relative ``path`` itself matches an ignore rule."""
    return any((is_dir or not rule.folders_only) and rule.matches(path) for rule in rules)


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
