"""atheris harness: the note parser on arbitrary bytes.

    python tests/fuzz/fuzz_parse.py -runs=100000 -max_len=4096 CORPUS_DIR

(run from the repository root with ``PYTHONPATH=.:src``). A crash, or a position that
does not hold its raw text (tests/fuzz/checks.py), stops the run and leaves the input
as a ``crash-*`` file: put it in a regression test.
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports(include=["papervault", "mistune"]):
    from papervault.parse import parse_note

from tests.fuzz.checks import check_note


def test_one_input(data: bytes) -> None:
    check_note(data, parse_note("fuzz.md", data))


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
