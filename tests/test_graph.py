"""The graph's contract (graph.py, issue 5): node ids and kinds, the attributes every node
and edge carries, one edge per relation with its count and lines, and agreement with the
backlinks the write-back uses. On the example vault, the real vaults and made vaults."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from papervault import load_config, load_vault
from papervault.graph import EDGE_KINDS, NODE_KINDS
from papervault.ids import kind_of, note_id, path_of
from papervault.pipeline import Analysis
from tests.conftest import EXAMPLE_VAULT, VAULT_NAMES, shared_vault, write_vault

#: (source kind, target kinds) each edge kind may join
ENDS = {
    "links": ("note", ("note", "unresolved")),
    "embeds": ("note", ("note", "unresolved")),
    "cites": ("note", ("paper",)),
    "describes": ("note", ("paper",)),
    "tagged": ("note", ("tag",)),
}


def analyse(root: Path) -> Analysis:
    config = load_config(vault=root, overrides={"cache": False})
    return Analysis(config, load_vault(config=config, use_cache=False))


@pytest.fixture(scope="module", params=["example", *VAULT_NAMES])
def analysis(request: pytest.FixtureRequest) -> Analysis:
    root = EXAMPLE_VAULT if request.param == "example" else shared_vault(request.param)
    return analyse(root)


def test_nodes_follow_the_schema(analysis: Analysis) -> None:
    graph = analysis.graph
    assert isinstance(graph, nx.MultiDiGraph)
    for node, data in graph.nodes(data=True):
        assert data["kind"] in NODE_KINDS
        assert kind_of(node) == data["kind"], node
        if data["kind"] == "note":
            assert data["path"] == path_of(node) and data["path"] in analysis.vault.notes
            assert isinstance(data["title"], str)
            assert isinstance(data["draft"], bool)
            assert all(isinstance(v, str) for v in data["tags"] + data["aliases"])
            assert len(data["tags"]) == len(set(data["tags"]))
        elif data["kind"] == "paper":
            assert data["scheme"] == node.split(":", 1)[0] and node in data["ids"]
            assert data["versions"] == sorted(set(data["versions"]))
            if data["note"] is not None:
                assert graph.has_edge(note_id(data["note"]), node, "describes")
            citers = {u for u, _, k in graph.in_edges(node, keys=True) if k == "cites"}
            assert data["count"] == len(citers)
        elif data["kind"] == "tag":
            assert data["count"] == len({u for u, _ in graph.in_edges(node)})
        else:
            assert node == f"unresolved:{data['target']}"


def test_edges_follow_the_schema(analysis: Analysis) -> None:
    graph = analysis.graph
    for u, v, key, data in graph.edges(keys=True, data=True):
        assert key == data["kind"] and key in EDGE_KINDS
        source, targets = ENDS[key]
        assert kind_of(u) == source and kind_of(v) in targets, (u, v, key)
        assert data["count"] == len(data["lines"]) > 0
        assert data["lines"] == sorted(data["lines"])
        if key == "links":
            assert data["syntax"] in ("wikilink", "markdown", "mixed")


def test_backlinks_agree_with_the_graph(analysis: Analysis) -> None:
    """The backlinks the write-back prints are the graph's incoming links and citations."""
    graph = analysis.graph
    for path in analysis.vault.notes:
        node = note_id(path)
        expected = {path_of(u) for u, _, k in graph.in_edges(node, keys=True) if k in ("links", "embeds")}
        for _, paper, kind in graph.out_edges(node, keys=True):
            if kind == "describes":
                expected |= {path_of(u) for u, _, k in graph.in_edges(paper, keys=True) if k == "cites"}
        expected.discard(path)
        found = {b.source for b in analysis.backlinks.get(path, ())}
        assert found == expected, path


def test_repeated_links_are_one_edge_with_count_and_lines(tmp_path: Path) -> None:
    analysis = analyse(
        write_vault(
            tmp_path,
            {
                "a.md": "[[b]] and [[b|again]]\n\n[b](b.md)\n![[b]]\n[[gone]] [[gone]]\n#t #t\n",
                "b.md": "https://arxiv.org/abs/2504.19162 arXiv:2504.19162v2\n",
                "c.md": "[[b]]\n",
            },
        )
    )
    graph = analysis.graph
    a, b = note_id("a.md"), note_id("b.md")
    assert sorted(graph[a][b]) == ["embeds", "links"]  # two relations, two edges
    links = graph.edges[a, b, "links"]
    assert (links["count"], links["lines"], links["syntax"]) == (3, [1, 1, 3], "mixed")
    assert graph.edges[a, b, "embeds"]["lines"] == [4]
    assert graph.edges[note_id("c.md"), b, "links"]["syntax"] == "wikilink"
    assert graph.edges[a, "unresolved:gone", "links"]["count"] == 2
    assert graph.edges[a, "tag:t", "tagged"]["lines"] == [6, 6]
    cites = graph.edges[b, "arxiv:2504.19162", "cites"]
    assert cites["count"] == 2 and graph.nodes["arxiv:2504.19162"]["versions"] == ["v2"]
    assert graph.number_of_edges() == len(set(graph.edges(keys=True)))


def test_drafts_can_be_left_out_at_build_time(tmp_path: Path) -> None:
    from papervault.graph import build_graph

    analysis = analyse(
        write_vault(
            tmp_path,
            {
                "d.md": "---\ndraft: true\ntags: [secret]\n---\n[[p]] arXiv:2504.19162 [[nowhere]]\n",
                "p.md": "[[d]]\n",
            },
        )
    )
    published = build_graph(analysis.vault, analysis.resolved, analysis.papers, include_drafts=False)
    assert set(published) == {note_id("p.md")}  # the draft's paper, tag and broken link go too
    assert published.number_of_edges() == 0
    assert note_id("d.md") in analysis.graph and analysis.graph.nodes[note_id("d.md")]["draft"] is True
