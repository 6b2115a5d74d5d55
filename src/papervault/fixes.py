"""``vault check --fix``: apply the fixes that are safe to make without asking.

Safe means the fix has exactly one right answer and changes nothing else:

- PV205 an alias-only link becomes ``[[Real Name|Alias]]``;
- PV206 a link that matches only in another case gets the note's real case;
- PV113 the deprecated ``tag:``/``alias:`` key is renamed ``tags:``/``aliases:``;
- PV116 an arXiv id written as a bare YAML number is quoted.

Ambiguous links (which note did you mean?) and broken links are never "fixed". Each fix
replaces one exact span that is checked against the file before writing, and every edit
goes through :mod:`papervault.write`, whose safety check allows changes outside managed
regions only at the declared fix spans.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from .model import Diagnostic, Note
from .scan import read_file
from .write import FileEdit, FixSpan

SAFE_FIXES = frozenset({"PV205", "PV206", "PV113", "PV116"})
_PLURAL = {"tag": "tags", "alias": "aliases"}
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True, slots=True)
class TextFix:
    """Replace ``old`` with ``new`` at a 1-based (line, column) of the file."""

    line: int
    column: int
    old: str
    new: str
    diagnostic: Diagnostic


def text_fix(note: Note, diagnostic: Diagnostic) -> TextFix | None:
    """The exact span a safe fix changes, or ``None`` when the finding has no safe fix."""
    if diagnostic.code not in SAFE_FIXES or not diagnostic.fix:
        return None
    if diagnostic.code in ("PV205", "PV206"):
        link = next(
            (lk for lk in note.links if (lk.line, lk.column) == (diagnostic.line, diagnostic.column)), None
        )
        replacement = diagnostic.fix
        if (
            link is None
            or not link.raw.startswith(("[[", "![["))
            or not replacement.startswith(("[[", "![["))
        ):
            return None  # markdown links and multi-choice suggestions are left to the user
        return TextFix(link.line, link.column, link.raw, replacement, diagnostic)
    if diagnostic.code == "PV113":
        # the key this finding names ("'alias:' is deprecated ..."): a note may have both
        key = next((k for k in _PLURAL if diagnostic.message.startswith(f"'{k}:'")), None)
        if key is None or key not in note.frontmatter or _PLURAL[key] in note.frontmatter:
            return None
        return TextFix(diagnostic.line, 1, f"{key}:", f"{_PLURAL[key]}:", diagnostic)
    # PV116: the fix reads 'key: "value"'
    key, _, quoted = diagnostic.fix.partition(": ")
    value = note.frontmatter.get(key)
    if not isinstance(value, str) or quoted != f'"{value}"':
        return None
    return TextFix(diagnostic.line, 0, value, quoted, diagnostic)


def plan_fixes(
    root: Path, notes: dict[str, Note], diagnostics: list[Diagnostic]
) -> tuple[list[FileEdit], list[Diagnostic]]:
    """File edits for every safe fix, and the findings they fix."""
    by_path: dict[str, list[TextFix]] = defaultdict(list)
    for diagnostic in diagnostics:
        note = notes.get(diagnostic.path)
        fix = text_fix(note, diagnostic) if note is not None and _writable(note) else None
        if fix is not None:
            by_path[diagnostic.path].append(fix)
    edits: list[FileEdit] = []
    fixed: list[Diagnostic] = []
    for path, fixes in sorted(by_path.items()):
        try:
            old = read_file(root, path)
        except OSError:
            continue
        text = old.decode("utf-8", errors="surrogateescape")
        spans = _spans(text, fixes)
        if not spans:
            continue
        new = text
        for start, end, replacement, _ in sorted(spans, reverse=True):
            new = new[:start] + replacement + new[end:]
        edits.append(FileEdit(path, old, new, tuple(FixSpan(s, e, r) for s, e, r, _ in spans)))
        fixed.extend(d for _, _, _, d in spans)
    return edits, fixed


def _writable(note: Note) -> bool:
    """Readable, and no malformed markers (PV402, reported already): such a file is left
    alone, as ``vault sync`` leaves it."""
    return note.readable and not any(d.code == "PV402" for d in note.diagnostics)


def _spans(text: str, fixes: list[TextFix]) -> list[tuple[int, int, str, Diagnostic]]:
    """Offsets of each fix in ``text``; a fix whose span does not hold ``old`` is dropped,
    and so is one overlapping another."""
    starts = [0] + [m.end() for m in _LINE_BREAK.finditer(text)]
    bom = 1 if text.startswith("\ufeff") else 0
    found: list[tuple[int, int, str, Diagnostic]] = []
    taken: list[tuple[int, int]] = []
    for fix in sorted(fixes, key=lambda f: (f.line, f.column)):
        if fix.line > len(starts):
            continue
        line_start = starts[fix.line - 1] + (bom if fix.line == 1 else 0)
        line_end = starts[fix.line] if fix.line < len(starts) else len(text)
        if fix.column:
            start = line_start + fix.column - 1
        else:  # the first occurrence on the line (frontmatter values)
            found_at = text.find(fix.old, line_start, line_end)
            if found_at < 0:
                continue
            start = found_at
        end = start + len(fix.old)
        if text[start:end] != fix.old or any(s < end and start < e for s, e in taken):
            continue
        taken.append((start, end))
        found.append((start, end, fix.new, fix.diagnostic))
    return found
