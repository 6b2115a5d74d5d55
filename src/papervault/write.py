"""Apply edits to files: atomically, only inside the vault, and only when it is safe.

Every write papervault makes goes through ``apply_edits``. For each file it:

1. resolves the real path and refuses anything outside the vault root (``..``,
   absolute paths, symlinks leading out);
2. runs the safety check (``verify_edit``, like black's safe mode): with the managed
   regions stripped, the new text must equal the old text with the declared fixes
   applied. Otherwise nothing is written and an internal error (PV407) is reported;
3. writes nothing when the bytes are unchanged, so mtimes stay put;
4. writes a temp file ``.<name>.papervault-tmp-<pid>-<random>`` in the same folder,
   copies the original's mode (and owner, when allowed), fsyncs it;
5. re-reads the file and skips it (PV405) if it no longer holds the bytes the edit
   was computed from;
6. ``os.replace``-s the temp file over it (a new file is hard-linked into place so a
   file created meanwhile is never clobbered). Each changed folder is fsynced once,
   at the end of the run.

A failure on one file (ENOSPC, EACCES, EIO, ...) leaves that file untouched, removes
the temp file, is reported (PV404), and the other files are still processed. A run
killed before the replace leaves the old file and, at worst, a temp file, which
``remove_stale_temp_files`` deletes at the start of the next run.

Outcomes are plain data (``WriteOutcome``); nothing here prints.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import stat
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from .model import Diagnostic
from .splice import SpliceError, strip_regions, strip_regions_with_cuts

TEMP_MARKER = ".papervault-tmp-"
_TEMP_NAME = re.compile(r"\A\..*\.papervault-tmp-(\d+)-[0-9a-f]+\Z", re.S)
#: a temp file this old is stale even if its pid looks alive (pid reuse, other hosts)
STALE_AFTER_SECONDS = 3600
#: characters of the file name kept in a temp name (file names are at most 255 bytes)
_NAME_CHARS = 40

Status = Literal["unchanged", "changed", "would-change", "skipped", "failed"]

#: Called with (temp path, target path) after the temp file is complete and synced and
#: right before the replace. Only for tests: crash-safety tests kill the process here.
before_replace: Callable[[Path, Path], None] | None = None


@dataclass(frozen=True, slots=True)
class FixSpan:
    """A change a fixer makes to user text (outside managed regions):
    ``old[start:end]`` becomes ``replacement``, offsets in the old text."""

    start: int
    end: int
    replacement: str


@dataclass(frozen=True, slots=True)
class FileEdit:
    """One file to bring to a new state.

    ``path`` is vault-relative POSIX. ``old`` holds the bytes the edit was computed
    from (``None``: the file must not exist yet). ``new`` is the full new text, BOM
    included (``None``: delete the file). Every change outside managed regions must be
    declared in ``fixes``; for a new file, its text outside regions (a tag page's
    frontmatter) is one fix at ``0:0``; for a deletion, the removed user text is one
    fix replacing it with ``""``.
    """

    path: str
    old: bytes | None
    new: str | None
    fixes: tuple[FixSpan, ...] = ()


@dataclass(frozen=True, slots=True)
class WriteOutcome:
    """What happened to one file. ``code`` is set for ``skipped`` and ``failed``."""

    path: str
    status: Status
    message: str = ""
    code: str | None = None
    diff: str = ""

    @property
    def changed(self) -> bool:
        """Whether the file was (or, in check mode, would be) changed."""
        return self.status in ("changed", "would-change")

    def diagnostic(self) -> Diagnostic | None:
        if self.code is None:
            return None
        return Diagnostic(self.path, 1, 0, self.code, self.message)


class OutsideVaultError(Exception):
    """A path resolves outside the vault root."""


def apply_edits(
    root: str | os.PathLike[str],
    edits: Iterable[FileEdit],
    *,
    check: bool = False,
    diff: bool = False,
) -> list[WriteOutcome]:
    """Apply ``edits`` under ``root`` and return one outcome per edit, in order.

    ``check=True`` writes nothing and reports ``would-change`` instead of ``changed``;
    ``diff=True`` fills each outcome's ``diff`` with a unified diff.
    """
    root_real = Path(os.path.realpath(root))
    if not root_real.is_dir():
        message = f"refused to write: the vault root {root_real} is not a folder"
        return [WriteOutcome(edit.path, "failed", message, "PV404") for edit in edits]
    touched: set[Path] = set()
    outcomes = [_apply_one(root_real, edit, touched, check=check, want_diff=diff) for edit in edits]
    for folder in sorted(touched):  # one fsync per folder makes the renames durable
        _fsync_folder(folder)
    return outcomes


def verify_edit(old_text: str, new_text: str, fixes: Sequence[FixSpan] = ()) -> str | None:
    """The safety check. Returns ``None`` when the edit changes nothing but managed
    regions and the declared fixes, else a message naming the first changed line.

    Fix spans are offsets in ``old_text``; they must not touch a managed region or the
    blank line before it. They are mapped into the stripped old text and applied there;
    the result must equal the stripped new text.
    """
    try:
        stripped_old, cuts = strip_regions_with_cuts(old_text)
        actual = strip_regions(new_text)
    except SpliceError as error:
        return f"managed regions do not parse ({error.message}, line {error.line})"
    parts: list[str] = []
    position = 0  # in the stripped old text
    previous_end = 0  # in the old text
    for fix in sorted(fixes, key=lambda fix: (fix.start, fix.end)):
        if not previous_end <= fix.start <= fix.end <= len(old_text):
            return f"fix span {fix.start}:{fix.end} overlaps another or lies outside the text"
        if any(start < fix.end and fix.start < end for start, end in cuts) or any(
            start < fix.start < end for start, end in cuts
        ):
            return f"fix span {fix.start}:{fix.end} touches a managed region"
        removed_before = sum(end - start for start, end in cuts if end <= fix.start)
        start = fix.start - removed_before
        parts += [stripped_old[position:start], fix.replacement]
        position = start + fix.end - fix.start
        previous_end = fix.end
    parts.append(stripped_old[position:])
    expected = "".join(parts)
    if expected == actual:
        return None
    differs_at = next(
        (i for i, (a, b) in enumerate(zip(expected, actual, strict=False)) if a != b),
        min(len(expected), len(actual)),
    )
    line = expected.count("\n", 0, differs_at) + 1
    return f"the edit would change user text near line {line} of the text outside the regions"


def unified_diff(path: str, old_text: str, new_text: str) -> str:
    """A ``git diff``-style unified diff, marking a missing final newline."""
    import difflib  # only --diff needs it

    lines = difflib.unified_diff(
        old_text.splitlines(keepends=True),
        new_text.splitlines(keepends=True),
        fromfile=f"a/{path}",
        tofile=f"b/{path}",
    )
    out: list[str] = []
    for line in lines:
        out.append(line)
        if not line.endswith(("\n", "\r")):
            out.append("\n\\ No newline at end of file\n")
    return "".join(out)


def resolve_inside(root_real: Path, path: str) -> Path:
    """The real path of vault-relative ``path``; ``OutsideVaultError`` if it leaves the
    vault (``..``, an absolute path, or a symlink leading out)."""
    if not path or "\0" in path or Path(path).is_absolute() or path.startswith(("/", "\\")):
        raise OutsideVaultError(f"{path!r} is not a vault-relative path")
    real = Path(os.path.realpath(root_real / path))
    if real == root_real or not real.is_relative_to(root_real):
        raise OutsideVaultError(f"{path} resolves to {real}, outside the vault")
    return real


def remove_stale_temp_files(root: str | os.PathLike[str]) -> list[str]:
    """Delete temp files left by a killed earlier run; return their vault-relative paths.

    A temp file whose process is still running (and that is younger than
    ``STALE_AFTER_SECONDS``) belongs to a concurrent run and is left alone.
    Symlinked folders are not followed.
    """
    removed: list[str] = []
    root_path = Path(root)
    now = time.time()
    for folder, dirs, files in os.walk(root_path):
        dirs[:] = [name for name in dirs if name != ".git"]
        for name in files:
            found = _TEMP_NAME.match(name)
            if not found:
                continue
            path = Path(folder, name)
            try:
                info = path.lstat()
                young = now - info.st_mtime < STALE_AFTER_SECONDS
                if young and _process_alive(int(found.group(1))):
                    continue
                path.unlink()
            except OSError:
                continue
            removed.append(path.relative_to(root_path).as_posix())
    return sorted(removed)


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True
    return True


def _apply_one(
    root_real: Path, edit: FileEdit, touched: set[Path], *, check: bool, want_diff: bool
) -> WriteOutcome:
    path = edit.path
    try:
        target = resolve_inside(root_real, path)
    except OutsideVaultError as error:
        return WriteOutcome(path, "failed", f"refused to write: {error}", "PV404")

    if target.exists() and not target.is_file():
        return WriteOutcome(path, "failed", "refused to write: not a regular file", "PV404")
    try:
        old_text = "" if edit.old is None else edit.old.decode("utf-8")
    except UnicodeDecodeError:
        return WriteOutcome(path, "failed", "refused to write: the file is not UTF-8", "PV404")
    new_text = "" if edit.new is None else edit.new
    try:
        new_bytes = None if edit.new is None else edit.new.encode("utf-8")
    except UnicodeEncodeError as error:
        message = f"internal error, nothing written: the new text cannot be encoded ({error.reason})"
        return WriteOutcome(path, "failed", message, "PV407")

    if edit.old is not None and new_bytes == edit.old:
        return WriteOutcome(path, "unchanged")
    if edit.old is None and edit.new is None:
        return WriteOutcome(path, "unchanged")

    problem = verify_edit(old_text, new_text, edit.fixes)
    if problem is not None:
        message = f"internal error, nothing written: {problem}"
        return WriteOutcome(path, "failed", message, "PV407")

    diff_text = unified_diff(path, old_text, new_text) if want_diff else ""
    action = "create" if edit.old is None else "delete" if edit.new is None else "update"
    if check:
        return WriteOutcome(path, "would-change", f"would {action}", diff=diff_text)

    try:
        if edit.new is None:
            result = _delete(target, edit.old)
        else:
            assert new_bytes is not None
            result = _write(target, edit.old, new_bytes)
    except OSError as error:
        reason = error.strerror or errno.errorcode.get(error.errno or 0, str(error))
        return WriteOutcome(path, "failed", f"could not {action} the file: {reason}", "PV404")
    if result is not None:
        return WriteOutcome(path, "skipped", result, "PV405")
    touched.add(target.parent)
    return WriteOutcome(path, "changed", f"{action}d", diff=diff_text)


def _read_current(target: Path) -> bytes | None:
    try:
        return target.read_bytes()
    except FileNotFoundError:
        return None


def _changed_message(expected: bytes | None, current: bytes | None) -> str | None:
    if current == expected:
        return None
    if expected is None:
        return "the file was created during the run; skipped"
    if current is None:
        return "the file was deleted during the run; skipped"
    return "the file changed during the run; skipped"


def _delete(target: Path, expected: bytes | None) -> str | None:
    changed = _changed_message(expected, _read_current(target))
    if changed:
        return changed
    target.unlink()
    return None


def _write(target: Path, expected: bytes | None, data: bytes) -> str | None:
    folder = target.parent
    if expected is None:
        folder.mkdir(parents=True, exist_ok=True)
        original = None
    else:
        try:
            original = target.stat()
        except FileNotFoundError:
            return _changed_message(expected, None)
    temp = folder / f".{target.name[:_NAME_CHARS]}{TEMP_MARKER}{os.getpid()}-{secrets.token_hex(4)}"
    # a new file gets the umask's mode; an existing one its own mode (set below)
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600 if original else 0o666)
    try:
        try:
            if original is not None:
                _copy_owner_and_mode(fd, original)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        if before_replace is not None:
            before_replace(temp, target)
        changed = _changed_message(expected, _read_current(target))
        if changed:
            temp.unlink()
            return changed
        if expected is None:
            if not _link_new(temp, target):
                temp.unlink()
                return _changed_message(None, b"")
        else:
            os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return None


def _copy_owner_and_mode(fd: int, original: os.stat_result) -> None:
    if (original.st_uid, original.st_gid) != (os.geteuid(), os.getegid()):
        # only root may give a file away; the mode is still copied
        with contextlib.suppress(PermissionError):
            os.fchown(fd, original.st_uid, original.st_gid)
    os.fchmod(fd, stat.S_IMODE(original.st_mode))


def _link_new(temp: Path, target: Path) -> bool:
    """Put a new file in place unless one was created meanwhile (then return False)."""
    try:
        os.link(temp, target)
    except FileExistsError:
        return False
    except OSError:  # no hard links here (some network or FAT file systems)
        if target.exists():
            return False
        os.replace(temp, target)
        return True
    temp.unlink()
    return True


def _fsync_folder(folder: Path) -> None:
    """Make the rename durable; not every platform can open a folder, so best effort."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)
