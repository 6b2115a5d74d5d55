"""Exports (export.py): every format read back and compared with the graph it came from,
on the example vault, the real vaults and a graph of hostile ids and titles.

- json: ``node_link_graph`` gives the same graph; the text is canonical and stable.
- graphml / gexf: networkx reads them back equal to :func:`flatten_graph`, whose JSON list
  values decode to the original lists.
- dot: a reader for the subset we write, and Graphviz itself (``dot -Tjson0``; skipped
  without Graphviz unless ``PAPERVAULT_REQUIRE_GRAPHVIZ=1``).
- mermaid: a strict grammar of what we emit, which also decodes labels back; and, when
  ``PAPERVAULT_MERMAID_NODE_MODULES`` names a ``node_modules`` holding ``mermaid`` and
  ``jsdom``, Mermaid's own parser.
"""

from __future__ import annotations

import html
import io
import itertools
import json
import os
import random
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from papervault import load_config, load_vault
from papervault.export import (
    MERMAID_MAX_EDGES,
    dot_quote,
    export,
    flatten_graph,
    mermaid_label,
    node_label,
    node_link,
    to_dot,
    to_gexf,
    to_graphml,
    to_json,
    to_mermaid,
)
from papervault.pipeline import Analysis
from papervault.query import GraphFilter, graph_view
from tests.conftest import EXAMPLE_VAULT, VAULT_NAMES, shared_vault

HERE = Path(__file__).resolve().parent


def analyse(root: Path) -> Analysis:
    config = load_config(vault=root, overrides={"cache": False})
    return Analysis(config, load_vault(config=config, use_cache=False))


# Titles and ids that break naive writers: quotes, backslashes (a trailing one too),
# brackets, pipes, '#', ';', entity-like text, HTML, Mermaid directives and keywords,
# newlines, control characters, unicode outside the BMP, and nothing at all.
HOSTILE = [
    "Quotes \"double\" and 'single'",
    "Brackets [a] (b) {c} <d> {{e}} [(f)] >g]",
    "Pipes | and #hash and ;semicolon #35; #quot;",
    "Back\\slash and a trailing one\\",
    "Unicode: naïve café 数学 🚀 — “smart” \u00a0nbsp",
    '%%{init: {"theme": "dark"}}%%',
    "</script><script>alert(1)</script>",
    "A & B &amp; C &lt; &#35;",
    "style: #fff; classDef x fill:#f00;",
    "`code` *bold* _it_ **b**",
    "end",
    "line\nbreak\ttab\r\nCRLF",
    "-->|edge| n0 --- n1",
    "ctrl \x01\x07 chars",
    "",
    " leading and trailing ",
    "digraph { node -> edge }",
]


def hostile_graph() -> nx.MultiDiGraph:
    """A graph in papervault's schema whose ids and titles are all hostile."""
    graph = nx.MultiDiGraph()
    notes = []
    for number, text in enumerate(HOSTILE):
        node = f"note:dir {number}/{text or 'empty'}.md"
        notes.append(node)
        graph.add_node(
            node,
            kind="note",
            path=node[5:],
            title=text,
            tags=["t", text],
            draft=number % 3 == 0,
            aliases=[text, "a, b"] if number % 2 else [],
        )
    graph.add_node(
        "arxiv:2504.19162",
        kind="paper",
        scheme="arxiv",
        ids=["arxiv:2504.19162"],
        versions=["v2"],
        note=notes[0][5:],
        count=2,
        title=HOSTILE[0],
    )
    graph.add_node(
        "openreview:Sk-_9x-RZ-",
        kind="paper",
        scheme="openreview",
        ids=["openreview:Sk-_9x-RZ-"],
        versions=[],
        note=None,
        count=1,
        title="openreview:Sk-_9x-RZ-",
    )
    graph.add_node("tag:c#/ü", kind="tag", label="C#/ü", count=2)
    graph.add_node('unresolved:a "b" | c#d', kind="unresolved", target='a "b" | c#d')
    for a, b in itertools.pairwise(notes):
        graph.add_edge(a, b, "links", kind="links", count=2, lines=[3, 9], syntax="mixed")
    graph.add_edge(notes[1], notes[0], "embeds", kind="embeds", count=1, lines=[1], syntax="wikilink")
    graph.add_edge(notes[1], notes[0], "links", kind="links", count=1, lines=[4], syntax="markdown")
    graph.add_edge(notes[0], "arxiv:2504.19162", "describes", kind="describes", count=1, lines=[2])
    for note in notes[2:5]:
        graph.add_edge(note, "arxiv:2504.19162", "cites", kind="cites", count=1, lines=[7])
        graph.add_edge(note, "openreview:Sk-_9x-RZ-", "cites", kind="cites", count=1, lines=[8])
        graph.add_edge(note, "tag:c#/ü", "tagged", kind="tagged", count=1, lines=[1])
        graph.add_edge(
            note, 'unresolved:a "b" | c#d', "links", kind="links", count=1, lines=[5], syntax="wikilink"
        )
    return graph


def example_graph() -> nx.MultiDiGraph:
    return graph_view(analyse(EXAMPLE_VAULT), GraphFilter(include_drafts=True))


@pytest.fixture(scope="module")
def graphs() -> dict[str, nx.MultiDiGraph]:
    found = {"example": example_graph(), "hostile": hostile_graph()}
    for name in VAULT_NAMES:
        found[name] = graph_view(analyse(shared_vault(name)), GraphFilter(include_drafts=True))
    return found


GRAPH_NAMES = ["example", "hostile", *VAULT_NAMES]


def edges_of(graph: nx.MultiDiGraph) -> dict[tuple[str, str, str], dict[str, Any]]:
    return {(u, v, k): dict(d) for u, v, k, d in graph.edges(keys=True, data=True)}


def assert_same_graph(found: nx.MultiDiGraph, expected: nx.MultiDiGraph) -> None:
    assert dict(found.nodes(data=True)) == dict(expected.nodes(data=True))
    assert edges_of(found) == edges_of(expected)


def shuffled(graph: nx.MultiDiGraph, seed: int = 7) -> nx.MultiDiGraph:
    """The same graph, built in another order."""
    rng = random.Random(seed)
    nodes = list(graph.nodes(data=True))
    edges = list(graph.edges(keys=True, data=True))
    rng.shuffle(nodes)
    rng.shuffle(edges)
    copy = nx.MultiDiGraph()
    copy.add_nodes_from(nodes)
    copy.add_edges_from(edges)
    return copy


# -- JSON --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", GRAPH_NAMES)
def test_json_round_trip(graphs: dict[str, nx.MultiDiGraph], name: str) -> None:
    graph = graphs[name]
    data = json.loads(to_json(graph))
    assert set(data) == {"directed", "multigraph", "graph", "nodes", "edges"}
    back = nx.node_link_graph(data, edges="edges")
    assert isinstance(back, nx.MultiDiGraph)
    assert_same_graph(back, graph)


@pytest.mark.parametrize("name", GRAPH_NAMES)
def test_json_is_canonical_and_stable(graphs: dict[str, nx.MultiDiGraph], name: str) -> None:
    text = to_json(graphs[name])
    data = json.loads(text)
    assert text == json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    assert [n["id"] for n in data["nodes"]] == sorted(n["id"] for n in data["nodes"])
    keys = [(e["source"], e["target"], e["key"]) for e in data["edges"]]
    assert keys == sorted(keys)
    # the order the graph was built in does not matter
    assert to_json(shuffled(graphs[name])) == text
    assert node_link(shuffled(graphs[name])) == data


# -- GraphML and GEXF ----------------------------------------------------------------------


def read_graphml(text: str) -> nx.MultiDiGraph:
    return nx.read_graphml(io.BytesIO(text.encode("utf-8")), force_multigraph=True)


def read_gexf(text: str) -> nx.MultiDiGraph:
    read = nx.read_gexf(io.BytesIO(text.encode("utf-8")))
    # networkx returns a DiGraph when no two edges share their ends; the key is the kind
    graph = read if read.is_multigraph() else nx.MultiDiGraph()
    if graph is not read:
        graph.add_nodes_from(read.nodes(data=True))
        graph.add_edges_from((u, v, d["kind"], d) for u, v, d in read.edges(data=True))
    for _, _, data in graph.edges(data=True):
        data.pop("id")  # GEXF's own edge ids
        data["weight"] = int(data["weight"])  # GEXF weights are floats
    return graph


@pytest.mark.parametrize("name", GRAPH_NAMES)
@pytest.mark.parametrize(("write", "read"), [(to_graphml, read_graphml), (to_gexf, read_gexf)])
def test_graphml_and_gexf_round_trip(
    graphs: dict[str, nx.MultiDiGraph], name: str, write: Any, read: Any
) -> None:
    graph = graphs[name]
    back = read(write(graph))
    assert isinstance(back, nx.MultiDiGraph)
    assert_same_graph(back, flatten_graph(graph, xml=True))


def test_flattening_loses_nothing_but_xml_illegal_characters(graphs: dict[str, nx.MultiDiGraph]) -> None:
    graph = graphs["hostile"]
    back = read_graphml(to_graphml(graph))
    for node, data in graph.nodes(data=True):
        found = back.nodes[node] if node in back else None
        if found is None:  # an id with a control character: replaced, not dropped
            assert "\ufffd" in "".join(back)
            continue
        for name, value in data.items():
            if value is None:
                assert name not in found  # None is a missing value
            elif isinstance(value, list):
                assert json.loads(found[name]) == [
                    v.replace("\x01", "\ufffd").replace("\x07", "\ufffd") for v in value
                ]
            elif isinstance(value, str):
                assert found[name] == re.sub("[\x01\x07]", "\ufffd", value)
            else:
                assert found[name] == value and type(found[name]) is type(value)
        label = data["label"] if data["kind"] == "tag" else node_label(node, data)  # a tag keeps its own
        assert found["label"] == re.sub("[\x01\x07]", "\ufffd", label)


def test_gexf_has_no_date_so_it_does_not_change_daily(graphs: dict[str, nx.MultiDiGraph]) -> None:
    text = to_gexf(graphs["example"])
    assert "lastmodifieddate" not in text
    assert text == to_gexf(shuffled(graphs["example"]))
    assert to_graphml(graphs["example"]) == to_graphml(shuffled(graphs["example"]))


def test_every_node_gets_a_label_and_every_edge_a_weight(graphs: dict[str, nx.MultiDiGraph]) -> None:
    flat = flatten_graph(graphs["example"])
    assert flat.nodes["note:paper-summaries.md"]["label"] == "Paper Summaries"
    assert flat.nodes["tag:paper"]["label"] == "paper"  # a tag keeps its own label
    assert flat.nodes["arxiv:2504.19162"]["label"] == "arxiv:2504.19162"
    assert all(d["weight"] == d["count"] for _, _, d in flat.edges(data=True))


# -- DOT -----------------------------------------------------------------------------------

_DOT_TOKEN = re.compile(
    r'\s*(?:(?P<string>"(?:[^"\\]|\\.)*")|(?P<arrow>->)|(?P<punct>[{}\[\];,=])|(?P<word>\w+))', re.S
)


_DOT_PAIR = re.compile(r"\\(.)", re.S)


def graphviz_unquote(token: str) -> str:
    """A DOT quoted string as Graphviz reads it: only \\" is an escape; \\\\ stays two
    characters, and each pair is consumed together."""
    return _DOT_PAIR.sub(lambda m: '"' if m[1] == '"' else m[0], token[1:-1])


def read_dot(text: str) -> nx.MultiDiGraph:
    """A reader for the DOT subset to_dot writes; names and values as Graphviz reads them."""
    tokens: list[tuple[str, str]] = []
    position = 0
    for match in _DOT_TOKEN.finditer(text):
        assert match.start() == position, f"unexpected DOT text at {text[position : position + 40]!r}"
        kind = match.lastgroup or ""
        value = match.group(kind)
        tokens.append((kind, graphviz_unquote(value) if kind == "string" else value))
        position = match.end()
    assert not text[position:].strip(), f"unexpected DOT text at {text[position : position + 40]!r}"
    assert tokens[:3] == [("word", "digraph"), ("string", "papervault"), ("punct", "{")]
    assert tokens[-1] == ("punct", "}")
    graph = nx.MultiDiGraph()
    statement: list[tuple[str, str]] = []
    for token in tokens[3:-1]:
        if token == ("punct", ";"):
            _dot_statement(graph, statement)
            statement = []
        else:
            statement.append(token)
    assert not statement
    return graph


def _dot_statement(graph: nx.MultiDiGraph, tokens: list[tuple[str, str]]) -> None:
    opening = tokens.index(("punct", "["))
    head, body = tokens[:opening], tokens[opening + 1 : -1]
    assert tokens[-1] == ("punct", "]")
    attributes = {}
    for index in range(0, len(body), 4):
        name, equals, value = body[index : index + 3]
        assert equals == ("punct", "=") and value[0] == "string"
        assert body[index + 3 : index + 4] in ([], [("punct", ",")])
        attributes[name[1]] = value[1]
    if head[0][0] == "word":
        assert head[0][1] in ("graph", "node", "edge") and len(head) == 1
        return
    assert all(name[0] == "string" for name in body[::4])  # node and edge attribute names are quoted
    if len(head) == 1:
        graph.add_node(head[0][1], **attributes)
    else:
        (_, u), arrow, (_, v) = head
        assert arrow == ("arrow", "->")
        graph.add_edge(u, v, attributes.pop("key"), **attributes)


def graphviz_name(text: str) -> str:
    """What Graphviz reads back for ``text``: backslashes doubled, a newline as the two
    characters ``\\n`` (an escape in labels), carriage returns dropped."""
    return "".join({"\\": "\\\\", "\n": "\\n", "\r": ""}.get(c, c) for c in text)


def as_dot_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value, ensure_ascii=False) if isinstance(value, list) else str(value)


@pytest.mark.parametrize("name", GRAPH_NAMES)
def test_dot_round_trip(graphs: dict[str, nx.MultiDiGraph], name: str) -> None:
    graph = graphs[name]
    back = read_dot(to_dot(graph))
    names = {graphviz_name(node): node for node in graph}
    assert set(back) == set(names)
    for found, data in back.nodes(data=True):
        original = graph.nodes[names[found]]
        assert data["kind"] == original["kind"]
        assert data["tooltip"] == graphviz_name(names[found])
        for key, value in original.items():
            if value is not None and key != "label":
                assert data[key] == graphviz_name(as_dot_text(value)), key
        assert data["label"] == graphviz_name(node_label(names[found], original))
    expected = {(graphviz_name(u), graphviz_name(v), k) for u, v, k in graph.edges(keys=True)}
    assert set(back.edges(keys=True)) == expected
    assert back.number_of_edges() == graph.number_of_edges()


def test_dot_quote_never_lets_a_string_end_early() -> None:
    for text in [*HOSTILE, '"', "\\", '\\"', '"\\', "\\\\\\"]:
        quoted = dot_quote(text)
        match = _DOT_TOKEN.match(quoted)
        assert match and match.group("string") == quoted, text


@given(st.text())
def test_dot_quote_property(text: str) -> None:
    quoted = dot_quote(text)
    assert _DOT_TOKEN.fullmatch(quoted)
    assert graphviz_unquote(quoted) == graphviz_name(text)


def graphviz() -> str:
    found = shutil.which("dot")
    if found is None:
        if os.environ.get("PAPERVAULT_REQUIRE_GRAPHVIZ") == "1":
            pytest.fail("Graphviz `dot` is required (PAPERVAULT_REQUIRE_GRAPHVIZ=1) but not installed")
        pytest.skip("Graphviz `dot` is not installed")
    return found


@pytest.mark.parametrize("name", ["example", "hostile", "quartz-docs"])
def test_graphviz_reads_and_renders_the_dot(
    graphs: dict[str, nx.MultiDiGraph], name: str, tmp_path: Path
) -> None:
    dot = graphviz()
    graph = graphs[name]
    source = tmp_path / "graph.dot"
    source.write_text(to_dot(graph), encoding="utf-8")
    parsed = subprocess.run([dot, "-Tjson0", str(source)], capture_output=True, text=True, check=False)
    assert parsed.returncode == 0, parsed.stderr
    assert "Error" not in parsed.stderr and "syntax" not in parsed.stderr
    data = json.loads(parsed.stdout, strict=False)  # Graphviz writes control characters raw
    objects = data.get("objects", [])
    assert {o["name"] for o in objects} == {graphviz_name(node) for node in graph}
    by_index = {o["_gvid"]: o["name"] for o in objects}
    found = sorted((by_index[e["tail"]], by_index[e["head"]], e["kind"]) for e in data.get("edges", []))
    expected = sorted((graphviz_name(u), graphviz_name(v), k) for u, v, k in graph.edges(keys=True))
    assert found == expected
    svg = subprocess.run([dot, "-Tsvg", str(source)], capture_output=True, check=False)
    assert svg.returncode == 0 and b"<svg" in svg.stdout
    # every node is drawn, with its label
    assert svg.stdout.count(b'class="node"') == graph.number_of_nodes()


# -- Mermaid -------------------------------------------------------------------------------

_LABEL = r'"(?P<label>(?:[^"#%<>&`\r\n\x85\u2028\u2029]|#(?:quot|lt|gt|amp|\d+);)*)"'
_SHAPES = {"[": "]", "([": "])", "{{": "}}", ">": "]"}
MERMAID_GRAMMAR = {
    "node": re.compile(r"  n(?P<index>\d+)(?P<open>\[|\(\[|\{\{|>)" + _LABEL + r"(?P<close>\]|\]\)|\}\})"),
    "edge": re.compile(r"  n(?P<u>\d+) (?P<arrow>-->|==>|-\.->|--o|---) n(?P<v>\d+)"),
    "classDef": re.compile(r"  classDef (?P<name>[A-Za-z]+) (?:[a-z-]+:[#\w. ]+)(?:,[a-z-]+:[#\w. ]+)*"),
    "class": re.compile(r"  class (?P<members>n\d+(?:,n\d+)*) (?P<name>[A-Za-z]+)"),
}
ARROW_KINDS = {"-->": "links", "==>": "embeds", "-.->": "cites", "--o": "describes", "---": "tagged"}
SHAPE_KINDS = {"[": "note", "([": "paper", "{{": "tag", ">": "unresolved"}
# Mermaid's preprocessing: a line like this loses its last ';' (see export.py)
MERMAID_STYLE_HAZARD = re.compile(r"style.*:\S*#.*;|classDef.*:\S*#.*;")


def decode_label(label: str) -> str:
    return html.unescape(re.sub(r"#(\w+);", lambda m: f"&{'#' if m[1].isdigit() else ''}{m[1]};", label))


def parse_mermaid(
    text: str,
) -> tuple[dict[int, tuple[str, str]], list[tuple[int, int, str]], dict[str, list[int]]]:
    """Check every line against the grammar; return nodes (shape kind, label), edges and classes."""
    lines = text.splitlines()
    assert lines[0] == "flowchart LR"
    nodes: dict[int, tuple[str, str]] = {}
    edges: list[tuple[int, int, str]] = []
    classes: dict[str, list[int]] = {}
    for line in lines[1:]:
        assert "%%" not in line
        rule, match = next(
            ((r, m) for r, p in MERMAID_GRAMMAR.items() if (m := p.fullmatch(line))), (None, None)
        )
        assert match is not None, f"not in the grammar: {line!r}"
        if rule == "node":
            assert _SHAPES[match["open"]] == match["close"]
            assert not MERMAID_STYLE_HAZARD.search(line), line
            nodes[int(match["index"])] = (SHAPE_KINDS[match["open"]], decode_label(match["label"]))
        elif rule == "edge":
            edges.append((int(match["u"]), int(match["v"]), ARROW_KINDS[match["arrow"]]))
        elif rule == "class":
            classes[match["name"]] = [int(m[1:]) for m in match["members"].split(",")]
    return nodes, edges, classes


def one_line(text: str) -> str:
    return " ".join(text.split()) if any(c in text for c in "\r\n\t\v\f\x85\u2028\u2029") else text


@pytest.mark.parametrize("name", GRAPH_NAMES)
def test_mermaid_round_trip(graphs: dict[str, nx.MultiDiGraph], name: str) -> None:
    graph = graphs[name]
    nodes, edges, classes = parse_mermaid(to_mermaid(graph))
    order = sorted(graph)  # n<i> is the i-th node id
    assert set(nodes) == set(range(len(order)))
    for index, (shape, label) in nodes.items():
        data = graph.nodes[order[index]]
        assert shape == data["kind"]
        assert label == one_line(node_label(order[index], data))
    expected = sorted((order.index(u), order.index(v), k) for u, v, k in graph.edges(keys=True))
    assert sorted(edges) == expected
    styled = sorted(i for members in classes.values() for i in members)
    assert styled == list(range(len(order)))  # every node has exactly one class
    missing = {i for i in classes.get("paperMissing", [])}
    assert missing == {
        i
        for i, node in enumerate(order)
        if graph.nodes[node]["kind"] == "paper" and not graph.nodes[node]["note"]
    }


@given(st.text())
def test_mermaid_labels_are_safe_and_lossless(text: str) -> None:
    label = mermaid_label(text)
    line = f"  n0[{label}]"
    match = MERMAID_GRAMMAR["node"].fullmatch(line)
    assert match is not None
    assert not MERMAID_STYLE_HAZARD.search(line)
    assert "%%" not in line
    assert decode_label(match["label"]) == one_line(text)


def mermaid_checker() -> Path:
    modules = os.environ.get("PAPERVAULT_MERMAID_NODE_MODULES")
    if not modules or not shutil.which("node"):
        pytest.skip("set PAPERVAULT_MERMAID_NODE_MODULES to a node_modules with mermaid and jsdom")
    if not (Path(modules) / "mermaid").is_dir():
        pytest.fail(f"no mermaid package in {modules}")
    return Path(modules)


def test_mermaids_own_parser_accepts_our_flowcharts(
    graphs: dict[str, nx.MultiDiGraph], tmp_path: Path
) -> None:
    modules = mermaid_checker()
    (tmp_path / "node_modules").symlink_to(modules, target_is_directory=True)
    script = tmp_path / "check.mjs"
    shutil.copy(HERE / "mermaid_check.mjs", script)
    files = {}
    for name in ("example", "hostile", "quartz-docs"):
        files[name] = tmp_path / f"{name}.mmd"
        files[name].write_text(to_mermaid(graphs[name]), encoding="utf-8")
    run = subprocess.run(
        ["node", str(script), *map(str, files.values())], capture_output=True, text=True, check=False
    )
    results = [json.loads(line) for line in run.stdout.splitlines()]
    assert run.returncode == 0, run.stdout + run.stderr
    for name, result in zip(files, results, strict=True):
        graph = graphs[name]
        order = sorted(graph)
        assert result["ok"] and result["type"] == "flowchart-v2", result
        assert result["edges"] == graph.number_of_edges()
        labels = {int(key[1:]): value for key, value in result["labels"].items()}
        # Mermaid trims a label's outer blanks
        expected = {i: one_line(node_label(node, graph.nodes[node])).strip() for i, node in enumerate(order)}
        assert labels == expected


def test_mermaid_max_edges_is_mermaids_default() -> None:
    assert MERMAID_MAX_EDGES == 500


# -- HTML ----------------------------------------------------------------------------------


def test_html_embeds_the_same_node_link_data(graphs: dict[str, nx.MultiDiGraph]) -> None:
    page_module = pytest.importorskip("papervault.html")
    graph = graphs["example"]
    page = export(graph, "html", title="A <title> & more")
    assert page.lstrip().lower().startswith("<!doctype html")
    assert "A &lt;title&gt; &amp; more" in page
    data = page_module.page_data(node_link(graph))
    assert [n["id"] for n in data["nodes"]] == sorted(graph)
    assert len(data["edges"]) == graph.number_of_edges()


def test_unknown_format_is_an_error(graphs: dict[str, nx.MultiDiGraph]) -> None:
    with pytest.raises(ValueError, match="unknown graph format"):
        export(graphs["example"], "svg")
