"""docs/reliability.md names the tests that prove each guarantee: they must exist."""

from __future__ import annotations

import re

from tests.conftest import REPO

DOC = (REPO / "docs" / "reliability.md").read_text(encoding="utf-8")


def test_every_test_the_doc_names_exists() -> None:
    references = re.findall(r"`(tests/[\w/]+\.py)::(\w+)`", DOC)
    assert len(references) > 40
    missing = [
        f"{path}::{name}"
        for path, name in references
        if not re.search(rf"^def {name}\(", (REPO / path).read_text(encoding="utf-8"), re.M)
    ]
    assert missing == []


def test_every_file_the_doc_names_exists() -> None:
    for path in re.findall(r"`(tests/[\w/]+\.py)`", DOC):
        assert (REPO / path).is_file(), path


def test_every_reliability_test_file_is_in_the_doc() -> None:
    for path in sorted((REPO / "tests").glob("test_reliability_*.py")):
        assert f"tests/{path.name}" in DOC, path.name
