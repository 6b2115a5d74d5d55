"""atheris harness: the citation extractor on arbitrary text.

    python tests/fuzz/fuzz_citations.py -runs=100000 -max_len=4096 CORPUS_DIR

Every span ``scan_text`` reports must lie in the text and give the same paper when
scanned on its own; ``match_url`` and ``papers_from_frontmatter`` must never raise.
"""

from __future__ import annotations

import re
import sys

import atheris

with atheris.instrument_imports(include=["papervault"]):
    from papervault import citations

_ID = re.compile(r"(?:arxiv:(?:\d{4}\.\d{4,5}|[a-z-]+/\d{7})|openreview:[A-Za-z0-9_-]{9,12})")


def test_one_input(data: bytes) -> None:
    text = atheris.FuzzedDataProvider(data).ConsumeUnicodeNoSurrogates(len(data))
    for start, end, paper, version in citations.scan_text(text):
        assert 0 <= start < end <= len(text) and _ID.fullmatch(paper), (text, start, end, paper)
        again = [(p, v) for _, _, p, v in citations.scan_text(text[start:end])]
        assert (paper, version) in again, (text[start:end], paper, version, again)
    citations.match_url(text)
    citations.papers_from_frontmatter({"arxiv": text, "url": text, "openreview": text, "doi": text})


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
