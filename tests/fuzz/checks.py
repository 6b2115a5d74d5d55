"""Invariants of a parsed note, shared by the hypothesis fuzz tests and the atheris
harnesses: every position papervault reports points at the text it extracted.

``check_note(data, note)`` raises ``AssertionError`` naming the first inconsistency.
Positions are 1-based lines of the file (frontmatter included) and 1-based columns in
characters, counted after a BOM; a line ends at LF, CRLF or a lone CR.
"""

from __future__ import annotations

import re

from papervault.model import Note

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_ID = re.compile(r"(?:arxiv:(?:\d{4}\.\d{4,5}|[a-z-]+/\d{7})|openreview:[A-Za-z0-9_-]{9,12})")


class Source:
    """The file's text as the parser sees it: BOM removed, every line break a LF."""

    def __init__(self, data: bytes):
        text = data.decode("utf-8").removeprefix("\ufeff")
        self.text = _LINE_BREAK.sub("\n", text)
        self.starts = [0] + [m.end() for m in re.finditer("\n", self.text)]

    def offset(self, line: int, column: int) -> int:
        assert 1 <= line <= len(self.starts), f"line {line} outside 1..{len(self.starts)}"
        start = self.starts[line - 1]
        end = self.starts[line] - 1 if line < len(self.starts) else len(self.text)
        assert 1 <= column <= end - start + 1, f"column {column} outside line {line}"
        return start + column - 1

    def at(self, line: int, column: int, expected: str, what: str) -> None:
        offset = self.offset(line, column)
        found = self.text[offset : offset + len(expected)]
        assert found == expected, (
            f"{what} {expected!r} reported at {line}:{column}, where the text is {found!r}"
        )

    def line(self, number: int) -> str:
        offset = self.offset(number, 1)
        end = self.text.find("\n", offset)
        return self.text[offset : len(self.text) if end < 0 else end]


#: counts of what the checks could not verify (a markdown link whose destination was not
#: found in the source has no raw text); the fuzz tests report them
UNCHECKED = {"unlocated-markdown-links": 0}


def check_note(data: bytes, note: Note) -> None:
    """Raise AssertionError if a reported position does not hold its raw text."""
    if not note.readable:
        assert note.diagnostics and note.diagnostics[0].code in ("PV101", "PV102", "PV103")
        return
    source = Source(data)
    lines = len(source.starts)
    for link in note.links:
        if link.in_frontmatter:
            if link.column:
                source.at(link.line, link.column, link.raw, "frontmatter link")
            continue
        if not link.raw:
            UNCHECKED["unlocated-markdown-links"] += 1
            continue
        source.at(link.line, link.column, link.raw, f"{link.kind} link")
    for tag in note.tags:
        if tag.source == "inline":
            source.at(tag.line, tag.column, "#" + tag.name, "tag")
        else:
            assert 1 <= tag.line <= lines, tag
    for citation in note.citations:
        assert _ID.fullmatch(citation.id), citation
        source.at(citation.line, citation.column, citation.text, f"citation {citation.id}")
    for heading in note.headings:
        # a %%comment%% inside a heading is blanked out of its text: compare word by word
        line = source.line(heading.line)
        for word in heading.text.split("\n", 1)[0].split():
            assert word in line, f"heading word {word!r} is not on line {heading.line}"
        assert "\ue000" not in heading.text, f"mask characters in heading {heading.text!r}"
    for block in note.block_ids:
        assert "^" + block.id in source.line(block.line), f"block id ^{block.id} not on line {block.line}"
    for region in note.regions:
        assert f"papervault:{region.name}:start" in source.line(region.start_line), region
        assert f"papervault:{region.name}:end" in source.line(region.end_line), region
    for external in note.external_links:
        source.offset(external.line, max(external.column, 1))
    for diagnostic in note.diagnostics:
        assert diagnostic.path == note.path and 1 <= diagnostic.line <= lines, diagnostic
        assert "\n" not in str(diagnostic), diagnostic
