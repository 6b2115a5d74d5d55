"""Precision and recall of citation extraction on the labelled corpus (issue 4: >= 0.99 each).

The corpus is ``tests/citations_corpus/corpus.txt`` (format in its header). Two runs:

- the real one, through ``papervault.citations.extract`` (the note parser: code, comments,
  managed regions and link titles are skipped);
- a parser-free one over the cases that need no markdown structure, through
  ``citations.scan_text``, so that the matchers are measured on their own.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pytest

from papervault import citations

CORPUS = Path(__file__).parent / "citations_corpus" / "corpus.txt"
THRESHOLD = 0.99
_HEADER = re.compile(r"=== (?P<source>.*?) => (?P<expect>[^\[]*?)(?: \[(?P<tags>[a-z, ]+)\])?")


@dataclass(frozen=True)
class Case:
    source: str
    line: int  # line of the header in corpus.txt
    markdown: str
    expected: frozenset[str]
    needs_parser: bool


def load_corpus(path: Path = CORPUS) -> list[Case]:
    cases: list[Case] = []
    header: re.Match[str] | None = None
    header_line = 0
    body: list[str] = []

    def close() -> None:
        if header is None:
            return
        while body and not body[-1].strip():
            body.pop()
        expect = header["expect"].strip()
        cases.append(
            Case(
                source=header["source"],
                line=header_line,
                markdown="\n".join(body) + "\n",
                expected=frozenset() if expect == "-" else frozenset(expect.split()),
                needs_parser="parser" in (header["tags"] or ""),
            )
        )

    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("=== "):
            close()
            header = _HEADER.fullmatch(line)
            assert header, f"{path.name}:{number}: malformed case header"
            header_line, body = number, []
        elif header is not None:
            body.append(line)
    close()
    return cases


@dataclass
class Score:
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        expected = self.true_positives + self.false_negatives
        return self.true_positives / expected if expected else 1.0


def score(cases: Iterable[Case], find: Callable[[str], set[str]]) -> tuple[Score, list[str]]:
    """Micro-averaged over (case, paper id) pairs; also the cases that went wrong."""
    total = Score()
    wrong: list[str] = []
    for case in cases:
        found = find(case.markdown)
        hits = found & case.expected
        total.true_positives += len(hits)
        total.false_positives += len(found - case.expected)
        total.false_negatives += len(case.expected - found)
        if found != case.expected:
            extra, missed = sorted(found - case.expected), sorted(case.expected - found)
            wrong.append(f"corpus.txt:{case.line} {case.source}: extra {extra}, missed {missed}")
    return total, wrong


def report(name: str, total: Score, wrong: list[str]) -> str:
    lines = [f"{name}: precision {total.precision:.4f}, recall {total.recall:.4f}", *wrong]
    return "\n".join(lines)


CASES = load_corpus()


def test_corpus_is_big_enough_and_balanced() -> None:
    markdown_lines = sum(case.markdown.count("\n") for case in CASES)
    negatives = [case for case in CASES if not case.expected]
    assert len(CASES) >= 150
    assert markdown_lines >= 150
    assert len(negatives) >= 60  # hard negatives
    assert sum(1 for case in CASES if case.needs_parser) >= 20
    real = [case for case in CASES if case.source.split("/")[0] in REAL_SOURCES]
    assert len(real) >= 100


REAL_SOURCES = {"dswok", "ai-alignment-graph", "quartz-docs", "seed"}


def test_parser_free_matchers_on_cases_without_markdown_structure() -> None:
    cases = [case for case in CASES if not case.needs_parser]

    def find(markdown: str) -> set[str]:
        return {paper for _, _, paper, _ in citations.scan_text(markdown)}

    total, wrong = score(cases, find)
    message = report("parser-free", total, wrong)
    assert total.precision >= THRESHOLD, message
    assert total.recall >= THRESHOLD, message


def test_extract_precision_and_recall() -> None:
    pytest.importorskip("papervault.parse", reason="the note parser (parse.py) is not there yet")

    def find(markdown: str) -> set[str]:
        return {citation.id for citation in citations.extract(markdown)}

    total, wrong = score(CASES, find)
    message = report("extract", total, wrong)
    assert total.precision >= THRESHOLD, message
    assert total.recall >= THRESHOLD, message


def test_corpus_loader_reads_cases_exactly() -> None:
    """The loader itself: a header, a multi-line body, tags and the '-' label."""
    first, second = load_corpus_from_text(
        "comment\n=== a => arxiv:1 openreview:X [parser]\nline 1\n\n    line 2\n\n=== b => -\nbody\n"
    )
    assert (first.source, first.expected, first.needs_parser) == (
        "a",
        frozenset({"arxiv:1", "openreview:X"}),
        True,
    )
    assert first.markdown == "line 1\n\n    line 2\n"
    assert (second.expected, second.needs_parser, second.markdown) == (frozenset(), False, "body\n")


def load_corpus_from_text(text: str) -> list[Case]:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "corpus.txt"
        path.write_text(text, encoding="utf-8")
        return load_corpus(path)
