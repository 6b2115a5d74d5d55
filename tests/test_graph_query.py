"""Questions asked of the graph (query.py): views and filters, the summary, note and paper
lookup, reports, neighbourhoods and link paths. On the example vault, on small vaults
made for each rule, on the real vaults, and as properties."""

from __future__ import annotations

import random
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from papervault import load_config, load_vault
from papervault.errors import ConfigError, NotFoundError
from papervault.graph import NODE_KINDS
from papervault.ids import kind_of, note_id
from papervault.pipeline import Analysis
from papervault.query import (
    AmbiguousNoteError,
    GraphFilter,
    components,
    distances,
    find_node,
    find_note,
    find_paper,
    graph_view,
    induced,
    link_path,
    neighbourhood,
    note_report,
    paper_report,
    parse_paper,
    path_graph,
    summarize,
    tag_pages,
)
from tests.conftest import EXAMPLE_VAULT, VAULT_NAMES, shared_vault, write_vault

SUMMARIES = "paper-summaries.md"
UED = "papers/Unsupervised environment design (SkT5Yg-RZ).md"
DRAFT = "drafts/Self-play reading plan.md"
OWNER_CITES = {"arxiv:2504.19162", "openreview:O4cHTxW9BS", "openreview:SkT5Yg-RZ"}


def analyse(root: Path) -> Analysis:
    config = load_config(vault=root, overrides={"cache": False})
    return Analysis(config, load_vault(config=config, use_cache=False))


def line_of(root: Path, path: str, text: str) -> int:
    """The 1-based line of ``path`` that holds ``text`` (so tests follow edits to the vault)."""
    lines = (root / path).read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if text in line)


@pytest.fixture(scope="module")
def example() -> Analysis:
    return analyse(EXAMPLE_VAULT)


@pytest.fixture(scope="module")
def real(request: pytest.FixtureRequest) -> dict[str, Analysis]:
    return {name: analyse(shared_vault(name)) for name in VAULT_NAMES}


# -- filters and views ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kinds", "no_tags", "papers", "expected"),
    [
        ((), False, False, set(NODE_KINDS)),
        ((), True, False, {"note", "paper", "unresolved"}),
        ((), False, True, {"note", "paper"}),
        ((), True, True, {"note", "paper"}),
        (("note", "tag"), False, False, {"note", "tag"}),
        (("note", "tag"), True, False, {"note"}),
        (("note", "tag", "unresolved"), False, True, {"note"}),
        (("paper",), False, False, {"paper"}),
    ],
)
def test_filter_options_narrow_each_other(
    kinds: tuple[str, ...], no_tags: bool, papers: bool, expected: set[str]
) -> None:
    view = GraphFilter.from_options(kinds, no_tags=no_tags, papers=papers)
    assert view.kinds == expected
    assert view.include_drafts is False


@pytest.mark.parametrize(
    ("kinds", "no_tags", "papers"), [(("tag",), True, False), (("tag", "unresolved"), False, True)]
)
def test_filters_that_leave_nothing_are_an_error(kinds: tuple[str, ...], no_tags: bool, papers: bool) -> None:
    with pytest.raises(ConfigError, match="no node kind"):
        GraphFilter.from_options(kinds, no_tags=no_tags, papers=papers)


def test_unknown_kind_is_an_error() -> None:
    with pytest.raises(ConfigError, match="unknown node kind 'notes'"):
        GraphFilter.from_options(["notes"])


def test_drafts_are_left_out_unless_asked_for(example: Analysis) -> None:
    published = graph_view(example, GraphFilter())
    everything = graph_view(example, GraphFilter(include_drafts=True))
    assert note_id(DRAFT) not in published
    assert note_id(DRAFT) in everything
    # the draft's tag that no published note carries goes with it; shared tags stay
    assert "tag:to-read" in published  # the UED note carries it too
    draft_only = {v for _, v in everything.out_edges(note_id(DRAFT))} - set(published)
    for node in draft_only:
        assert {u for u, _ in everything.in_edges(node)} == {note_id(DRAFT)}
    assert set(published) < set(everything)


def test_explicit_publish_mode_keeps_only_publish_true_notes(tmp_path: Path) -> None:
    root = write_vault(
        tmp_path,
        {
            "papervault.toml": 'publish = "explicit"\n',
            "a.md": "---\npublish: true\n---\n[[b]] https://arxiv.org/abs/2504.19162\n",
            "b.md": "no frontmatter: unpublished in explicit mode\n",
        },
    )
    analysis = analyse(root)
    shown = graph_view(analysis)
    assert [n for n, k in shown.nodes(data="kind") if k == "note"] == [note_id("a.md")]
    assert "arxiv:2504.19162" in shown
    assert note_id("b.md") in graph_view(analysis, GraphFilter(include_drafts=True))


def test_tag_pages_written_by_sync_are_left_out(example: Analysis) -> None:
    pages = tag_pages(example.vault)
    assert pages, "the example vault is committed in its synced state, with tag pages"
    assert all(path.startswith("tags/") for path in pages)
    shown = graph_view(example, GraphFilter(include_drafts=True))
    assert not {note_id(p) for p in pages} & set(shown)
    # their tags are still there, as tag nodes
    assert "tag:paper" in shown


@pytest.mark.parametrize("kinds", [("note",), ("note", "paper"), ("paper", "tag"), ("unresolved",)])
def test_kind_filter_keeps_exactly_those_nodes_and_the_edges_between_them(
    example: Analysis, kinds: tuple[str, ...]
) -> None:
    full = graph_view(example, GraphFilter(include_drafts=True))
    shown = graph_view(example, GraphFilter(frozenset(kinds), include_drafts=True))
    assert {n for n in shown} == {n for n, k in full.nodes(data="kind") if k in kinds}
    expected = {(u, v, k) for u, v, k in full.edges(keys=True) if u in shown and v in shown}
    assert set(shown.edges(keys=True)) == expected


def test_views_never_change_the_cached_graph(example: Analysis) -> None:
    before = (example.graph.number_of_nodes(), example.graph.number_of_edges())
    graph_view(example, GraphFilter(frozenset({"note"})))
    graph_view(example, GraphFilter())
    assert (example.graph.number_of_nodes(), example.graph.number_of_edges()) == before


# -- the summary ---------------------------------------------------------------------------


def test_summary_lists_every_paper_the_owners_note_cites(example: Analysis) -> None:
    summary = summarize(graph_view(example))
    ranked = {p.id: p for p in summary.papers}
    assert set(ranked) >= OWNER_CITES
    for paper in OWNER_CITES:
        assert SUMMARIES in ranked[paper].citers
    assert ranked["openreview:SkT5Yg-RZ"].note == UED
    assert ranked["arxiv:2504.19162"].note is None


def test_summary_counts_match_the_graph(example: Analysis) -> None:
    shown = graph_view(example)
    summary = summarize(shown)
    assert sum(summary.nodes.values()) == shown.number_of_nodes()
    assert sum(summary.edges.values()) == shown.number_of_edges()
    assert list(summary.nodes) == list(NODE_KINDS)
    assert summary.nodes["note"] == len(example.vault.notes) - 1 - len(tag_pages(example.vault))


def test_most_linked_notes_count_links_and_citations_of_their_paper(example: Analysis) -> None:
    summary = summarize(graph_view(example))
    ued = next(n for n in summary.notes if n.path == UED)
    assert SUMMARIES in ued.cited_by  # cites the paper UED describes
    assert SUMMARIES not in ued.linked_from
    assert ued.count == len(set(ued.linked_from) | set(ued.cited_by))
    counts = [n.count for n in summary.notes]
    assert counts == sorted(counts, reverse=True)


SMALL = {
    "hub.md": "[[a]] [[b]] [[missing]] [[missing]]\n",
    "a.md": "[[hub]] ![[b]] #t\n",
    "b.md": "see https://arxiv.org/abs/2504.19162\n",
    "paper.md": "---\narxiv: 2504.19162\n---\nthe paper\n",
    "uncited.md": "---\narxiv: 1706.03762\n---\nnobody cites me\n",
    "alone.md": "#t only a tag\n",
    "broken.md": "[[nowhere]]\n",
    "self.md": "[[self]]\n",
    "island1.md": "[[island2]]\n",
    "island2.md": "text\n",
}


@pytest.fixture
def small(tmp_path: Path) -> Analysis:
    return analyse(write_vault(tmp_path, SMALL))


def test_summary_on_a_made_vault(small: Analysis) -> None:
    summary = summarize(graph_view(small))
    assert [(p.id, p.note, p.citers) for p in summary.papers] == [("arxiv:2504.19162", "paper.md", ("b.md",))]
    # links, embeds and citations of the note's paper all count; ties by path
    assert [(n.path, n.count) for n in summary.notes] == [
        ("b.md", 2),
        ("a.md", 1),
        ("hub.md", 1),
        ("island2.md", 1),
        ("paper.md", 1),
    ]
    # tags, broken links, self-links and an uncited paper connect nothing
    assert summary.orphans == ("alone.md", "broken.md", "self.md", "uncited.md")
    assert [(u.target, u.sources) for u in summary.unresolved] == [
        ("missing", (("hub.md", (1, 1)),)),
        ("nowhere", (("broken.md", (1,)),)),
    ]
    assert summary.components[0] == tuple(
        sorted(["arxiv:2504.19162", *(note_id(p) for p in ("hub.md", "a.md", "b.md", "paper.md"))])
    )
    # equal sizes in order of their first id
    assert summary.components[1:3] == (
        ("arxiv:1706.03762", note_id("uncited.md")),
        (note_id("island1.md"), note_id("island2.md")),
    )
    sizes = [len(c) for c in summary.components]
    assert sizes == sorted(sizes, reverse=True)


def test_components_ignore_tags(small: Analysis) -> None:
    shown = graph_view(small)
    # a.md and alone.md share #t, but a tag is not a link
    found = components(shown)
    assert not any(note_id("alone.md") in c and note_id("a.md") in c for c in found)
    assert all(kind_of(node) in ("note", "paper") for c in found for node in c)


def test_summary_is_stable_across_runs(small: Analysis) -> None:
    assert summarize(graph_view(small)) == summarize(graph_view(small))


@pytest.mark.parametrize("name", VAULT_NAMES)
def test_summary_on_the_real_vaults_is_consistent(real: dict[str, Analysis], name: str) -> None:
    analysis = real[name]
    shown = graph_view(analysis, GraphFilter(include_drafts=True))
    summary = summarize(shown)
    notes = [n for n, k in shown.nodes(data="kind") if k == "note"]
    # every note is ranked, an orphan, or links out only
    ranked = {note_id(n.path) for n in summary.notes} | {note_id(p) for p in summary.orphans}
    assert ranked <= set(notes)
    assert not {note_id(n.path) for n in summary.notes} & {note_id(p) for p in summary.orphans}
    # components partition notes and papers
    members = [node for c in summary.components for node in c]
    assert len(members) == len(set(members))
    assert set(members) == {n for n, k in shown.nodes(data="kind") if k in ("note", "paper")}
    # an orphan is alone in its component, or with the papers it describes only
    single = {c[0] for c in summary.components if len(c) == 1}
    for orphan in summary.orphans:
        component = next(c for c in summary.components if note_id(orphan) in c)
        assert note_id(orphan) in single or all(
            kind_of(n) == "paper" for n in component if n != note_id(orphan)
        )
    assert sum(u.count for u in summary.unresolved) >= summary.nodes["unresolved"]


# -- finding notes -------------------------------------------------------------------------

LOOKUP = {
    "papers/Attention.md": "---\ntitle: Attention Is All You Need\naliases: [Transformer, AIAYN]\n---\n",
    "notes/Overview.md": "---\naliases: [Start]\n---\n",
    "projects/Overview.md": "---\naliases: [start]\n---\n",
    "path.md": "a note named path\n",
    "Case.md": "x\n",
    "case.md": "y\n",
    "Shared.md": "---\naliases: [Attention]\n---\n",
}


@pytest.fixture
def lookup(tmp_path: Path) -> tuple[Path, Analysis]:
    root = write_vault(tmp_path / "v", LOOKUP)
    return root, analyse(root)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("papers/Attention.md", "papers/Attention.md"),
        ("papers/Attention", "papers/Attention.md"),
        ("PAPERS/attention", "papers/Attention.md"),
        ("Attention", "papers/Attention.md"),  # a file name wins over another note's alias
        ("attention.md", "papers/Attention.md"),
        ("Transformer", "papers/Attention.md"),
        ("aiayn", "papers/Attention.md"),
        ("Attention Is All You Need", "papers/Attention.md"),
        ("notes/Overview", "notes/Overview.md"),
        ("path", "path.md"),
        ("path.md", "path.md"),
        ("Case", "Case.md"),  # the exact path first, before case-insensitive matching
        ("  Case.md ", "Case.md"),
    ],
)
def test_find_note(lookup: tuple[Path, Analysis], query: str, expected: str) -> None:
    assert find_note(lookup[1].vault, query) == expected


@pytest.mark.parametrize(
    ("query", "how", "candidates"),
    [
        ("Overview", "name", ("notes/Overview.md", "projects/Overview.md")),
        ("start", "alias", ("notes/Overview.md", "projects/Overview.md")),
        ("CASE", "path", ("Case.md", "case.md")),
    ],
)
def test_ambiguous_notes_list_their_candidates(
    lookup: tuple[Path, Analysis], query: str, how: str, candidates: tuple[str, ...]
) -> None:
    with pytest.raises(AmbiguousNoteError) as raised:
        find_note(lookup[1].vault, query)
    assert raised.value.candidates == candidates
    assert f"have this {how}" in str(raised.value)
    assert all(c in str(raised.value) for c in candidates)
    assert raised.value.exit_code == 2


def test_find_note_by_file_path_from_the_current_folder(lookup: tuple[Path, Analysis]) -> None:
    root, analysis = lookup
    assert find_note(analysis.vault, "v/papers/Attention.md", cwd=str(root.parent)) == "papers/Attention.md"
    assert find_note(analysis.vault, "Attention.md", cwd=str(root / "papers")) == "papers/Attention.md"
    with pytest.raises(NotFoundError):
        find_note(analysis.vault, "../outside.md", cwd=str(root))


def test_a_missing_note_suggests_close_names(lookup: tuple[Path, Analysis]) -> None:
    with pytest.raises(NotFoundError, match=r"did you mean: .*papers/Attention\.md"):
        find_note(lookup[1].vault, "Atention")
    with pytest.raises(NotFoundError) as raised:
        find_note(lookup[1].vault, "zzzzzz")
    assert "did you mean" not in str(raised.value)


def test_find_node_falls_back_to_tags_and_papers(example: Analysis) -> None:
    shown = graph_view(example)
    assert find_node(example, shown, "Absolute Zero") == note_id("papers/Absolute Zero.md")
    assert find_node(example, shown, "tag:paper") == "tag:paper"
    assert find_node(example, shown, "tag:Paper") == "tag:paper"
    assert find_node(example, shown, "https://arxiv.org/abs/2504.19162v1") == "arxiv:2504.19162"
    with pytest.raises(NotFoundError, match="not in the graph"):
        find_node(example, shown, "tag:no-such-tag")


# -- finding papers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("arxiv:2504.19162", "arxiv:2504.19162"),
        ("arXiv:2504.19162v2", "arxiv:2504.19162"),
        ("2504.19162", "arxiv:2504.19162"),
        ("2504.19162v2", "arxiv:2504.19162"),
        ("https://arxiv.org/abs/2504.19162", "arxiv:2504.19162"),
        ("https://arxiv.org/pdf/2504.19162v2.pdf", "arxiv:2504.19162"),
        ("arxiv.org/abs/2504.19162", "arxiv:2504.19162"),
        ("https://doi.org/10.48550/arXiv.2504.19162", "arxiv:2504.19162"),
        ("10.48550/arXiv.2504.19162", "arxiv:2504.19162"),
        ("https://huggingface.co/papers/2504.19162", "arxiv:2504.19162"),
        ("https://ar5iv.labs.arxiv.org/html/2504.19162", "arxiv:2504.19162"),
        ("hep-th/9901001", "arxiv:hep-th/9901001"),
        ("openreview:SkT5Yg-RZ", "openreview:SkT5Yg-RZ"),
        ("OpenReview: SkT5Yg-RZ", "openreview:SkT5Yg-RZ"),
        ("https://openreview.net/forum?id=SkT5Yg-RZ", "openreview:SkT5Yg-RZ"),
        ("https://openreview.net/forum?id=SkT5Yg-RZ&noteId=abcdefghij", "openreview:SkT5Yg-RZ"),
        ("https://openreview.net/pdf?id=SkT5Yg-RZ", "openreview:SkT5Yg-RZ"),
        ("openreview.net/forum?id=SkT5Yg-RZ", "openreview:SkT5Yg-RZ"),
    ],
)
def test_parse_paper_accepts_every_form(query: str, expected: str) -> None:
    assert parse_paper(query) == expected


@pytest.mark.parametrize(
    "query",
    [
        "hello",
        "2504.1916",  # truncated
        "2513.19162",  # month 13
        "openreview:abc",  # too short
        "https://arxiv.org/list/cs.LG/recent",
        "https://openreview.net/group?id=ICLR.cc/2024/Conference",
        "https://example.com/2504.19162",
        "arxiv:2504.19162 and arxiv:2505.03335",  # two papers
    ],
)
def test_parse_paper_rejects_what_names_no_single_paper(query: str) -> None:
    assert parse_paper(query) is None


def test_find_paper(example: Analysis) -> None:
    assert find_paper(example.papers, "openreview.net/pdf?id=SkT5Yg-RZ").id == "openreview:SkT5Yg-RZ"
    # a bare OpenReview id works when the vault knows it
    assert find_paper(example.papers, "SkT5Yg-RZ").id == "openreview:SkT5Yg-RZ"
    # a merged id finds the paper under its node id
    assert find_paper(example.papers, "openreview:1hQKHHUsMx").id == "arxiv:2411.12580"
    with pytest.raises(NotFoundError, match=r"arxiv:2101\.00001: no note cites or describes"):
        find_paper(example.papers, "2101.00001")
    with pytest.raises(NotFoundError, match="not an arXiv or OpenReview id"):
        find_paper(example.papers, "AbCdEfGhIj")


# -- reports -------------------------------------------------------------------------------


def test_the_paper_note_shows_the_owners_note_citing_it(example: Analysis) -> None:
    shown = graph_view(example)
    report = note_report(example, shown, UED)
    assert report.describes == ("openreview:SkT5Yg-RZ",)
    citing = [(c.source, c.line, c.section) for c in report.cited_by]
    line = line_of(EXAMPLE_VAULT, SUMMARIES, "openreview.net/forum?id=SkT5Yg-RZ")
    assert citing == [
        (SUMMARIES, line, "Absolute Zero: Reinforced Self-play Reasoning with Zero Data, Zhao et al.")
    ]
    # backlinks carry line and section
    linked = {(b.source, b.section) for b in report.linked_from}
    assert ("papers/Absolute Zero.md", "Learnability reward") in linked
    assert all(b.kind in ("links", "embeds") for b in report.linked_from)
    # the draft links to it, but drafts are not in the view
    assert DRAFT not in {b.source for b in report.linked_from}
    with_drafts = graph_view(example, GraphFilter(include_drafts=True))
    assert DRAFT in {b.source for b in note_report(example, with_drafts, UED).linked_from}


def test_the_owners_note_report_lists_what_it_cites(example: Analysis) -> None:
    report = note_report(example, graph_view(example), SUMMARIES)
    assert {c.id for c in report.cites} == OWNER_CITES
    notes = {c.id: c.note for c in report.cites}
    assert notes["openreview:SkT5Yg-RZ"] == UED
    assert notes["arxiv:2504.19162"] is None
    assert report.describes == () and report.cited_by == ()
    for cited in report.cites:
        assert cited.lines and all(line > 0 for line in cited.lines)


def test_outgoing_links_include_broken_ones(small: Analysis) -> None:
    report = note_report(small, graph_view(small), "hub.md")
    assert [(link.target, link.kind, link.lines) for link in report.links] == [
        (note_id("a.md"), "links", (1,)),
        (note_id("b.md"), "links", (1,)),
        ("unresolved:missing", "links", (1, 1)),
    ]
    embeds = note_report(small, graph_view(small), "a.md").links
    assert [(link.target, link.kind) for link in embeds] == [
        (note_id("b.md"), "embeds"),
        (note_id("hub.md"), "links"),
    ]


def test_paper_report(example: Analysis) -> None:
    paper = find_paper(example.papers, "https://openreview.net/forum?id=SkT5Yg-RZ")
    report = paper_report(example, graph_view(example), paper)
    assert report.note == UED and report.described_by == (UED,)
    assert [c.source for c in report.cited_by] == [SUMMARIES]
    merged = paper_report(example, graph_view(example), find_paper(example.papers, "openreview:1hQKHHUsMx"))
    assert merged.ids == ("arxiv:2411.12580", "openreview:1hQKHHUsMx")


def test_reports_say_why_a_node_is_not_shown(example: Analysis) -> None:
    shown = graph_view(example)
    with pytest.raises(NotFoundError, match="--include-drafts"):
        note_report(example, shown, DRAFT)
    page = tag_pages(example.vault)[0]
    with pytest.raises(NotFoundError, match="tag page written by vault sync; see `vault graph tag:"):
        note_report(example, shown, page)
    view = GraphFilter(frozenset({"paper"}))
    papers_only = graph_view(example, view)
    with pytest.raises(NotFoundError, match="filters leave note nodes out"):
        note_report(example, papers_only, UED, view)
    with pytest.raises(NotFoundError, match="not in this view"):
        note_report(example, papers_only, UED)


def test_a_paper_only_a_draft_cites_needs_include_drafts(tmp_path: Path) -> None:
    analysis = analyse(
        write_vault(tmp_path, {"d.md": "---\ndraft: true\n---\narXiv:2504.19162\n", "p.md": "[[d]]\n"})
    )
    paper = find_paper(analysis.papers, "2504.19162")
    with pytest.raises(NotFoundError, match="cited only by unpublished notes"):
        paper_report(analysis, graph_view(analysis), paper)
    report = paper_report(analysis, graph_view(analysis, GraphFilter(include_drafts=True)), paper)
    assert [c.source for c in report.cited_by] == ["d.md"]


# -- neighbourhoods ------------------------------------------------------------------------


def test_neighbourhood_walks_edges_both_ways(small: Analysis) -> None:
    shown = graph_view(small)
    assert distances(shown, note_id("b.md"), 0) == {note_id("b.md"): 0}
    one = distances(shown, note_id("b.md"), 1)
    # hub links to b (incoming), a embeds b (incoming), b cites the paper (outgoing)
    assert one == {
        note_id("b.md"): 0,
        note_id("hub.md"): 1,
        note_id("a.md"): 1,
        "arxiv:2504.19162": 1,
    }
    two = distances(shown, note_id("b.md"), 2)
    assert two[note_id("paper.md")] == 2 and two["unresolved:missing"] == 2 and two["tag:t"] == 2
    sub = neighbourhood(shown, note_id("b.md"), 1)
    assert set(sub) == set(one)
    assert set(sub.edges(keys=True)) == {
        (u, v, k) for u, v, k in shown.edges(keys=True) if u in one and v in one
    }


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(depth=st.integers(min_value=0, max_value=4), start=st.sampled_from(sorted(SMALL)))
def test_distances_agree_with_networkx(small: Analysis, depth: int, start: str) -> None:
    shown = graph_view(small)
    expected = nx.single_source_shortest_path_length(
        shown.to_undirected(as_view=True), note_id(start), cutoff=depth
    )
    assert distances(shown, note_id(start), depth) == expected


def test_negative_depth_is_an_error(small: Analysis) -> None:
    with pytest.raises(ConfigError):
        distances(graph_view(small), note_id("a.md"), -1)


# -- link paths ----------------------------------------------------------------------------


def test_link_path_on_the_example_vault(example: Analysis) -> None:
    shown = graph_view(example)
    hops = link_path(shown, note_id(SUMMARIES), note_id(UED))
    # the owner's note reaches the paper note through the paper it cites
    assert hops is not None
    assert [(h.target, h.kind, h.forward) for h in hops] == [
        ("openreview:SkT5Yg-RZ", "cites", True),
        (note_id(UED), "describes", False),
    ]
    assert path_graph(shown, hops, note_id(SUMMARIES)).number_of_edges() == 2


PATHS = {
    "a.md": "[[b]] [[c]]\n",
    "b.md": "[[d]]\n",
    "c.md": "[[d]]\n",
    "d.md": "https://arxiv.org/abs/2504.19162\n",
    "e.md": "---\narxiv: 2504.19162\n---\n#t\n",
    "f.md": "#t [[e]]\n",
    "g.md": "alone\n",
}


@pytest.fixture
def paths(tmp_path: Path) -> Analysis:
    return analyse(write_vault(tmp_path, PATHS))


@pytest.mark.parametrize(
    ("start", "end", "directed", "steps"),
    [
        ("a.md", "d.md", True, ["b.md", "d.md"]),  # b before c: the smallest ids win ties
        ("a.md", "e.md", True, ["b.md", "d.md", "arxiv:2504.19162", "e.md"]),
        ("d.md", "a.md", True, None),
        ("d.md", "a.md", False, ["b.md", "a.md"]),
        ("f.md", "d.md", True, None),  # f -> e, but e does not cite the paper d cites
        ("f.md", "d.md", False, ["e.md", "arxiv:2504.19162", "d.md"]),
        ("a.md", "g.md", False, None),
        ("a.md", "a.md", True, []),
    ],
)
def test_link_path(paths: Analysis, start: str, end: str, directed: bool, steps: list[str] | None) -> None:
    hops = link_path(graph_view(paths), note_id(start), note_id(end), directed=directed)
    if steps is None:
        assert hops is None
        return
    assert hops is not None
    assert [h.target.removeprefix("note:") for h in hops] == steps
    # consecutive, and each hop walks a real edge
    shown = graph_view(paths)
    node = note_id(start)
    for hop in hops:
        assert hop.source == node and shown.has_edge(*hop.edge)
        node = hop.target


def test_a_path_never_goes_through_a_tag(paths: Analysis) -> None:
    # f and e share #t, and f links e: the path is the link, never f -> tag -> e
    hops = link_path(graph_view(paths), note_id("e.md"), note_id("f.md"), directed=False)
    assert hops is not None and [h.kind for h in hops] == ["links"]


def _step_graph(graph: nx.MultiDiGraph, directed: bool) -> nx.DiGraph:
    """An independent statement of the path rules: notes and papers, links/embeds/cites
    forward, describes from paper to note."""
    steps = nx.DiGraph()
    steps.add_nodes_from(n for n, k in graph.nodes(data="kind") if k in ("note", "paper"))
    for u, v, kind in graph.edges(keys=True):
        if u in steps and v in steps:
            if kind in ("links", "embeds", "cites"):
                steps.add_edge(u, v)
            elif kind == "describes":
                steps.add_edge(v, u)
    return steps if directed else steps.to_undirected()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    links=st.lists(st.tuples(st.integers(0, 7), st.integers(0, 7)), max_size=14),
    cites=st.lists(st.integers(0, 7), max_size=3),
    describer=st.integers(0, 7),
    ends=st.tuples(st.integers(0, 7), st.integers(0, 7)),
    directed=st.booleans(),
)
def test_link_path_is_a_shortest_path(
    tmp_path_factory: pytest.TempPathFactory,
    links: list[tuple[int, int]],
    cites: list[int],
    describer: int,
    ends: tuple[int, int],
    directed: bool,
) -> None:
    bodies = {i: "" for i in range(8)}
    for a, b in links:
        bodies[a] += f"[[n{b}]]\n"
    for i in cites:
        bodies[i] += "arXiv:2504.19162\n"
    front = "---\narxiv: '2504.19162'\n---\n"
    files = {f"n{i}.md": (front if i == describer else "") + body + "x\n" for i, body in bodies.items()}
    analysis = analyse(write_vault(tmp_path_factory.mktemp("v"), files))
    shown = graph_view(analysis)
    start, end = (note_id(f"n{i}.md") for i in ends)
    hops = link_path(shown, start, end, directed=directed)
    steps = _step_graph(shown, directed)
    if not nx.has_path(steps, start, end):
        assert hops is None
    else:
        assert hops is not None and len(hops) == nx.shortest_path_length(steps, start, end)


@pytest.mark.parametrize("name", VAULT_NAMES)
def test_induced_is_the_subgraph(real: dict[str, Analysis], name: str) -> None:
    graph = real[name].graph
    rng = random.Random(name)
    nodes = rng.sample(sorted(graph), len(graph) // 3)
    found, expected = induced(graph, nodes), graph.subgraph(nodes).copy()
    assert dict(found.nodes(data=True)) == dict(expected.nodes(data=True))
    assert sorted(found.edges(keys=True, data=True)) == sorted(expected.edges(keys=True, data=True))
