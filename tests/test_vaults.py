"""Loading the real public vaults and the example vault, with counts checked by hand."""

from __future__ import annotations

import pytest

from papervault import load_vault
from tests.conftest import EXAMPLE_VAULT, shared_vault

# Counts from the vaults' README (an independent scan that skips code), checked against
# the files by hand: quartz-docs has 210 wikilinks and 16 embeds outside code (its ~14
# wikilinks and 5 embeds inside code are syntax examples), dswok has 263 body wikilinks,
# 30 frontmatter wikilinks under prereqs:, 30 image embeds and 85 arXiv links to 51 ids in
# 25 notes, and each of ai-alignment-graph's 283 paper notes carries its own arXiv URL.
EXPECTED = {
    "quartz-docs": {"notes": 76, "wikilinks": 210, "embeds": 16, "frontmatter_links": 0, "citations": 0},
    "dswok": {"notes": 79, "wikilinks": 263, "embeds": 30, "frontmatter_links": 30, "citations": 85},
    "ai-alignment-graph": {
        "notes": 432,
        "wikilinks": 438,
        "embeds": 0,
        "frontmatter_links": 0,
        # 283 paper notes, plus one abstract that names two more papers as "arxiv2103.03386"
        "citations": 285,
    },
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_real_vault_counts(name: str) -> None:
    vault = load_vault(shared_vault(name), use_cache=False)
    expected = EXPECTED[name]
    body = [link for note in vault.notes.values() for link in note.links if not link.in_frontmatter]
    assert len(vault.notes) == expected["notes"]
    assert sum(link.kind == "wikilink" for link in body) == expected["wikilinks"]
    assert sum(link.kind == "embed" for link in body) == expected["embeds"]
    assert (
        sum(link.in_frontmatter for note in vault.notes.values() for link in note.links)
        == (expected["frontmatter_links"])
    )
    assert sum(len(note.citations) for note in vault.notes.values()) == expected["citations"]
    assert vault.all_diagnostics() == []


def test_dswok_arxiv_links_are_51_papers_in_25_notes() -> None:
    vault = load_vault(shared_vault("dswok"), use_cache=False)
    citing = [note for note in vault.notes.values() if note.citations]
    assert len(citing) == 25
    assert len({c.id for note in citing for c in note.citations}) == 51


def test_every_position_points_at_the_link_text(real_vault) -> None:
    vault = load_vault(real_vault, use_cache=False)
    for note in vault.notes.values():
        lines = (real_vault / note.path).read_text(encoding="utf-8").split("\n")
        for link in note.links:
            assert lines[link.line - 1][link.column - 1 :].startswith(link.raw), (note.path, link)
        for tag in note.tags:
            if tag.source == "inline":
                assert lines[tag.line - 1][tag.column - 1 :].startswith("#" + tag.name)


def test_dswok_indented_code_url_is_not_a_link() -> None:
    readme = load_vault(shared_vault("dswok"), use_cache=False).notes["README.md"]
    assert not [e for e in readme.external_links if e.url.startswith("https://github.com/Erlemar/dswok.git")]


def test_example_vault_loads_clean() -> None:
    vault = load_vault(EXAMPLE_VAULT, use_cache=False)
    assert "paper-summaries.md" in vault.notes
    summaries = vault.notes["paper-summaries.md"]
    assert summaries.title == "Paper Summaries"
    assert [c.id for c in summaries.citations] == [
        "arxiv:2504.19162",
        "openreview:O4cHTxW9BS",
        "openreview:SkT5Yg-RZ",
    ]
    assert vault.notes["drafts/Self-play reading plan.md"].draft
    assert vault.all_diagnostics() == []
