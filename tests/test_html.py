"""render_html without a browser: the page is one self-contained file, the graph data is
embedded safely and completely, and bad data is refused with a clear error."""

from __future__ import annotations

import base64
import hashlib
import json
import re

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from html_support import HOSTILE_TITLE, node_link, sample_graph
from papervault.html import EDGE_KINDS, embed_json, page_data, render_html

DATA_BLOCK = re.compile(r'<script type="application/json" id="pv-data">(.*?)</script>', re.S)
SCRIPT_BLOCK = re.compile(r"<script>(.*?)</script>", re.S)
STYLE_BLOCK = re.compile(r"<style>(.*?)</style>", re.S)


def embedded(page: str) -> dict:
    blocks = DATA_BLOCK.findall(page)
    assert len(blocks) == 1
    return json.loads(blocks[0])


def sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


def test_page_is_one_self_contained_document():
    page = render_html(node_link(sample_graph()))
    assert page.startswith("<!doctype html>")
    # nothing is loaded from anywhere: no src or href but data: in the markup, no imports in
    # the stylesheet, no fetching in the script
    markup = DATA_BLOCK.sub("", SCRIPT_BLOCK.sub("", STYLE_BLOCK.sub("", page)))
    assert re.findall(r"""\b(?:src|href)\s*=\s*(?!["']?data:)""", markup) == []
    (style,) = STYLE_BLOCK.findall(page)
    assert "@import" not in style and "url(" not in style
    (script,) = SCRIPT_BLOCK.findall(page)
    for call in ("fetch(", "XMLHttpRequest", "import(", "Worker(", "WebSocket", ".src ="):
        assert call not in script
    for scheme in ("http://", "https://", "//cdn"):
        assert scheme not in page


def test_content_security_policy_allows_only_the_inline_script_and_style():
    page = render_html(node_link(sample_graph()))
    policy = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', page)
    assert policy is not None
    directives = dict(
        part.strip().split(" ", 1) for part in policy.group(1).replace("&#x27;", "'").split(";")
    )
    assert directives["default-src"] == "'none'"
    scripts = SCRIPT_BLOCK.findall(page)
    styles = STYLE_BLOCK.findall(page)
    assert len(scripts) == 1 and len(styles) == 1
    # the hashes must match the inlined text byte for byte, or the browser blocks it
    assert directives["script-src"] == f"'{sha256(scripts[0])}'"
    assert directives["style-src"] == f"'{sha256(styles[0])}'"


def test_embedded_data_keeps_every_node_and_edge():
    graph = sample_graph()
    data = embedded(render_html(node_link(graph)))
    assert [node["id"] for node in data["nodes"]] == list(graph.nodes)
    for node in data["nodes"]:
        assert node == {"id": node["id"], **graph.nodes[node["id"]]}
    ids = [node["id"] for node in data["nodes"]]
    got = sorted(
        (ids[s], ids[t], data["edgeKinds"][k], "" if syn < 0 else data["syntaxes"][syn], count, lines)
        for s, t, k, syn, count, lines in data["edges"]
    )
    want = sorted(
        (u, v, d["kind"], d.get("syntax", ""), d.get("count", 1), d.get("lines"))
        for u, v, d in graph.edges(data=True)
    )
    assert got == want
    assert data["edgeKinds"][: len(EDGE_KINDS)] == list(EDGE_KINDS)


@pytest.mark.parametrize(
    ("edge", "expected"),
    [
        ({"kind": "links"}, [0, 1, 0, -1, 1, None]),
        ({"kind": "cites", "count": 3, "lines": [4, 9, 9]}, [0, 1, 2, -1, 3, [4, 9, 9]]),
        ({"kind": "links", "syntax": "markdown"}, [0, 1, 0, 1, 1, None]),
        ({"kind": "links", "syntax": "mixed"}, [0, 1, 0, 2, 1, None]),
        ({"kind": "links", "syntax": "typed"}, [0, 1, 0, 3, 1, None]),  # unknown syntax appended
        ({"kind": "mentions"}, [0, 1, 5, -1, 1, None]),  # unknown kind appended after the five
        ({"kind": "links", "lines": "3,7"}, [0, 1, 0, -1, 1, [3, 7]]),  # flattened (GraphML) lines
    ],
)
def test_page_data_edges(edge, expected):
    data = {"nodes": [{"id": "note:a.md", "kind": "note"}, {"id": "note:b.md", "kind": "note"}]}
    data["edges"] = [{"source": "note:a.md", "target": "note:b.md", **edge}]
    assert page_data(data)["edges"] == [expected]


def test_networkx_default_links_key_is_read_too():
    graph = sample_graph()
    data = nx.node_link_data(graph)  # edges under "links", networkx's default
    assert len(page_data(data)["edges"]) == graph.number_of_edges()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"nodes": [{"id": "a"}], "edges": [{"source": "a", "target": "b", "kind": "links"}]},
            "unknown node 'b'",
        ),
        ({"nodes": [{"kind": "note"}], "edges": []}, "graph node 0 has no id"),
    ],
)
def test_bad_data_is_refused(data, message):
    with pytest.raises(ValueError, match=message):
        render_html(data)


@pytest.mark.parametrize("field", ["title", "path", "aliases", "tags", "page title"])
def test_script_end_tags_in_any_text_cannot_break_out(field):
    graph = sample_graph()
    attributes = graph.nodes["note:papers/bert.md"]
    title = "graph"
    if field == "page title":
        title = HOSTILE_TITLE
    elif field in ("aliases", "tags"):
        attributes[field] = [HOSTILE_TITLE]
    else:
        attributes[field] = HOSTILE_TITLE
    page = render_html(node_link(graph), title=title)
    # exactly the two script elements end: the data block and the renderer
    assert len(re.findall(r"</script", page, re.I)) == 2
    assert "<!--" not in DATA_BLOCK.search(page).group(1)
    if field == "page title":
        assert "<title>&lt;/script&gt;&lt;script&gt;window.pwned = 1" in page
    else:
        node = next(n for n in embedded(page)["nodes"] if n["id"] == "note:papers/bert.md")
        assert HOSTILE_TITLE in json.dumps(node[field])


@settings(max_examples=200, deadline=None)
@given(text=st.text())
def test_any_text_round_trips_through_the_embedded_json(text):
    embedded_text = embed_json({"title": text})
    assert not re.search(r"[<>&]", embedded_text)
    assert embedded_text.isascii()  # never a lone surrogate or a separator in the page
    assert json.loads(embedded_text) == {"title": text}


def test_render_is_deterministic():
    assert render_html(node_link(sample_graph())) == render_html(node_link(sample_graph()))


def test_non_json_attributes_are_converted():
    data = {
        "nodes": [{"id": "note:a.md", "kind": "note", "tags": ("b", "a"), "aliases": {"y", "x"}}],
        "edges": [],
    }
    node = embedded(render_html(data))["nodes"][0]
    assert node["tags"] == ["b", "a"]
    assert node["aliases"] == ["x", "y"]
