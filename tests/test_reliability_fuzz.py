"""Reliability: fuzzing the parser and the citation extractor.

Hypothesis drives both with structured nasty notes and with markdown-ish noise
(tests/fuzz/strategies.py); every parse must succeed and every position papervault
reports must point at the raw text it extracted (tests/fuzz/checks.py). The same checks
run under atheris, coverage-guided, from tests/fuzz/fuzz_parse.py and
tests/fuzz/fuzz_citations.py (a short run by default, a long one with ``-m slow``).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from papervault import citations
from papervault.parse import parse_note
from tests.conftest import EXAMPLE_VAULT, SHARED_VAULTS
from tests.fuzz.checks import UNCHECKED, check_note
from tests.fuzz.strategies import markdown_documents

REPO = Path(__file__).resolve().parent.parent
FAST_EXAMPLES = 300
SLOW_EXAMPLES = int(os.environ.get("PAPERVAULT_FUZZ_EXAMPLES", "20000"))
_ID = re.compile(r"(?:arxiv:(?:\d{4}\.\d{4,5}|[a-z-]+/\d{7})|openreview:[A-Za-z0-9_-]{9,12})")


def parse_and_check(text: str) -> None:
    for data in (text.encode("utf-8", "surrogatepass"),):
        note = parse_note("fuzz.md", data)
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            assert not note.readable
            continue
        check_note(data, note)


def extractor_spans_hold(text: str) -> None:
    for start, end, paper, version in citations.scan_text(text):
        assert 0 <= start < end <= len(text) and _ID.fullmatch(paper), (start, end, paper)
        assert version is None or re.fullmatch(r"v[1-9][0-9]*", version)
        again = [(p, v) for _, _, p, v in citations.scan_text(text[start:end])]
        assert (paper, version) in again, (text[start:end], paper, version, again)
    found = citations.find_mentions(text)
    assert found == sorted(found)


SETTINGS = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
FAST = settings(SETTINGS, max_examples=FAST_EXAMPLES)


@FAST
@given(markdown_documents())
def test_parser_positions_point_at_their_text(text: str) -> None:
    parse_and_check(text)


@FAST
@given(st.text(max_size=400))
def test_parser_on_arbitrary_text(text: str) -> None:
    parse_and_check(text)


@FAST
@given(st.binary(max_size=300))
def test_parser_on_arbitrary_bytes(data: bytes) -> None:
    note = parse_note("fuzz.md", data)
    check_note(data, note) if note.readable else None


@FAST
@given(markdown_documents())
def test_citation_extractor_spans_hold(text: str) -> None:
    extractor_spans_hold(text)


def real_notes() -> list[Path]:
    notes = sorted(SHARED_VAULTS.rglob("*.md")) + sorted(EXAMPLE_VAULT.rglob("*.md"))
    return [p for p in notes if ".papervault" not in p.parts]


def test_every_real_note_passes_the_checks() -> None:
    for path in real_notes():
        data = path.read_bytes()
        check_note(data, parse_note(path.name, data))


@pytest.mark.slow
def test_parser_and_extractor_long_run() -> None:
    def both(text: str) -> None:
        parse_and_check(text)
        extractor_spans_hold(text)

    long_run = settings(SETTINGS, max_examples=SLOW_EXAMPLES, database=None)
    long_run(given(markdown_documents())(both))()
    long_run(given(st.text(max_size=2000))(both))()
    print(f"fuzz: {2 * SLOW_EXAMPLES} hypothesis examples; unchecked: {UNCHECKED}")


# --------------------------------------------------------------------------- atheris


def run_atheris(harness: str, runs: int, tmp_path: Path) -> str:
    pytest.importorskip("atheris")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i, path in enumerate(real_notes()[::7]):
        shutil.copyfile(path, corpus / f"seed{i}.md")
    artifacts = tmp_path / "artifacts"
    artifacts.mkdir()
    child = subprocess.run(
        [
            sys.executable,
            str(REPO / "tests" / "fuzz" / harness),
            f"-runs={runs}",
            "-max_len=4096",
            "-rss_limit_mb=4096",
            f"-artifact_prefix={artifacts}/",
            str(corpus),
        ],
        capture_output=True,
        text=True,
        timeout=6 * 3600,
        env={**os.environ, "PYTHONPATH": f"{REPO}{os.pathsep}{REPO / 'src'}"},
    )
    crashes = sorted(p.name for p in artifacts.iterdir())
    assert child.returncode == 0 and not crashes, (crashes, child.stderr[-4000:])
    done = re.findall(r"Done (\d+) runs", child.stderr)
    assert done, child.stderr[-2000:]
    return done[-1]


@pytest.mark.parametrize("harness", ["fuzz_parse.py", "fuzz_citations.py"])
def test_atheris_short_run(harness: str, tmp_path: Path) -> None:
    run_atheris(harness, 3_000, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("harness", ["fuzz_parse.py", "fuzz_citations.py"])
def test_atheris_long_run(harness: str, tmp_path: Path) -> None:
    runs = int(os.environ.get("PAPERVAULT_ATHERIS_RUNS", "300000"))
    print(f"atheris {harness}: {run_atheris(harness, runs, tmp_path)} runs")


@pytest.mark.parametrize(
    "path", sorted((REPO / "tests" / "fuzz" / "crashes").glob("*")), ids=lambda p: p.name
)
def test_inputs_that_once_failed(path: Path) -> None:
    """Inputs the fuzzers found (each also has a focused test in test_reliability_regressions.py)."""
    data = path.read_bytes()
    check_note(data, parse_note(path.name, data))
    extractor_spans_hold(data.decode("utf-8", "replace"))
