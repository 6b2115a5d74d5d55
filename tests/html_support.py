"""Helpers for the HTML graph tests: a hand-made graph with every node and edge kind,
the system Chromium for playwright, and a stdlib PNG decoder for screenshots."""

from __future__ import annotations

import os
import shutil
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

import networkx as nx

from papervault.ids import note_id, paper_id, tag_id, unresolved_id

#: Flags for headless Chromium on a server: no sandbox (root, containers), no GPU, and
#: nothing that phones home. playwright adds --headless and a fresh --user-data-dir.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

HOSTILE_TITLE = "</script><script>window.pwned = 1</script><!-- & </SCRIPT >"


def chromium_executable() -> str | None:
    """The system Chromium: ``$PAPERVAULT_CHROMIUM`` if set, else ``chromium`` on PATH."""
    override = os.environ.get("PAPERVAULT_CHROMIUM")
    if override is not None:
        return override if Path(override).is_file() else None
    found = shutil.which("chromium")
    if found is None and Path("/usr/bin/chromium").is_file():
        found = "/usr/bin/chromium"
    return found


def browser_required() -> bool:
    """CI sets PAPERVAULT_REQUIRE_BROWSER=1: then a missing browser fails instead of skipping."""
    return os.environ.get("PAPERVAULT_REQUIRE_BROWSER") == "1"


def _note(graph: nx.MultiDiGraph, path: str, title: str, **attributes: object) -> str:
    node = note_id(path)
    attributes = {"tags": [], "draft": False, "aliases": [], **attributes}
    graph.add_node(node, kind="note", path=path, title=title, **attributes)
    return node


def _edge(graph: nx.MultiDiGraph, source: str, target: str, kind: str, **attributes: object) -> None:
    graph.add_edge(source, target, key=kind, kind=kind, **attributes)


def sample_graph(owner_title: str = "Paper Summaries") -> nx.MultiDiGraph:
    """A small vault graph with every node kind (note, draft note, paper with and without a
    note in both schemes, tag, unresolved target) and every edge kind, shaped as
    ``papervault.graph.build_graph`` makes it (a MultiDiGraph keyed by edge kind)."""
    g = nx.MultiDiGraph()
    owner = _note(g, "paper-summaries.md", owner_title, tags=["collection"])
    attention = _note(
        g, "papers/attention.md", "Attention Is All You Need", tags=["ml/NLP"], aliases=["Transformer paper"]
    )
    bert = _note(g, "papers/bert.md", "BERT", tags=["ml/nlp"])
    draft = _note(g, "ideas/draft.md", "Half-baked idea", draft=True)
    orphan = _note(g, "orphan.md", "Orphan note")
    transformer = paper_id("arxiv", "1706.03762")
    bert_paper = paper_id("arxiv", "1810.04805")
    openreview = paper_id("openreview", "SkT5Yg-RZ")
    lonely_paper = paper_id("arxiv", "2504.19162")
    for paper, scheme, note, count in [
        (transformer, "arxiv", "papers/attention.md", 2),
        (bert_paper, "arxiv", "papers/bert.md", 1),
        (openreview, "openreview", None, 1),
        (lonely_paper, "arxiv", None, 1),
    ]:
        g.add_node(paper, kind="paper", scheme=scheme, versions=[], note=note, count=count, ids=[paper])
    g.nodes[transformer]["versions"] = ["v5", "v7"]
    collection, nlp = tag_id("collection"), tag_id("ml/nlp")
    g.add_node(collection, kind="tag", label="collection", count=1)
    g.add_node(nlp, kind="tag", label="ml/NLP", count=2)
    missing = unresolved_id("Missing Note")
    g.add_node(missing, kind="unresolved", target="Missing Note")

    _edge(g, owner, transformer, "cites", count=1, lines=[5])
    _edge(g, owner, bert_paper, "cites", count=1, lines=[6])
    _edge(g, owner, openreview, "cites", count=1, lines=[7])
    _edge(g, draft, transformer, "cites", count=1, lines=[3])
    _edge(g, attention, lonely_paper, "cites", count=1, lines=[12])
    _edge(g, attention, transformer, "describes", count=1, lines=[2])
    _edge(g, bert, bert_paper, "describes", count=1, lines=[2])
    _edge(g, owner, bert, "links", count=2, lines=[9, 14], syntax="wikilink")
    _edge(g, owner, bert, "embeds", count=1, lines=[20])
    _edge(g, bert, attention, "links", count=1, lines=[4], syntax="markdown")
    _edge(g, attention, missing, "links", count=1, lines=[8], syntax="wikilink")
    _edge(g, draft, owner, "links", count=1, lines=[1], syntax="mixed")
    _edge(g, owner, collection, "tagged", count=1, lines=[3])
    _edge(g, attention, nlp, "tagged", count=1, lines=[3])
    _edge(g, bert, nlp, "tagged", count=1, lines=[3])
    assert orphan in g
    return g


def node_link(graph: nx.MultiDiGraph) -> dict:
    return nx.node_link_data(graph, edges="edges")


# --------------------------------------------------------------------------- expected panels
# The side panel's sections computed straight from the networkx graph, by the definitions
# in issue 5 (backlinks = notes linking or embedding, plus notes citing a described paper).


def _sources(graph: nx.MultiDiGraph, node: str, kinds: set[str]) -> set[str]:
    return {u for u, _, kind in graph.in_edges(node, keys=True) if kind in kinds and u != node}


def _targets(graph: nx.MultiDiGraph, node: str, kinds: set[str]) -> set[str]:
    return {v for _, v, kind in graph.out_edges(node, keys=True) if kind in kinds and v != node}


def expected_sections(graph: nx.MultiDiGraph, node: str) -> dict[str, set[str]]:
    kind = graph.nodes[node]["kind"]
    notes = {n for n, data in graph.nodes(data=True) if data["kind"] == "note"}
    if kind == "note":
        described = _targets(graph, node, {"describes"})
        cited_by = set().union(*(_sources(graph, p, {"cites"}) for p in described)) & notes
        sections = {
            "backlinks": (_sources(graph, node, {"links", "embeds"}) & notes) | (cited_by - {node}),
            "cites": _targets(graph, node, {"cites"}),
            "links": _targets(graph, node, {"links", "embeds"}),
        }
        if described:
            sections["describes"] = described
            sections["cited-by"] = cited_by
        return sections
    if kind == "paper":
        return {
            "described-by": _sources(graph, node, {"describes"}),
            "cited-by": _sources(graph, node, {"cites"}),
        }
    if kind == "tag":
        return {"tagged": _sources(graph, node, {"tagged"})}
    return {"linked-from": {u for u, _ in graph.in_edges(node)}}


# --------------------------------------------------------------------------- PNG


@dataclass(frozen=True)
class Image:
    width: int
    height: int
    channels: int
    pixels: bytes  # rows of width × channels bytes, filters undone

    def rgb(self, x: int, y: int) -> tuple[int, int, int]:
        at = (y * self.width + x) * self.channels
        return (self.pixels[at], self.pixels[at + 1], self.pixels[at + 2])

    def colours(self) -> dict[tuple[int, int, int], int]:
        counts: dict[tuple[int, int, int], int] = {}
        step = self.channels
        data = self.pixels
        for at in range(0, len(data), step):
            key = (data[at], data[at + 1], data[at + 2])
            counts[key] = counts.get(key, 0) + 1
        return counts


def decode_png(data: bytes) -> Image:
    """Decode an 8-bit, non-interlaced greyscale, RGB or RGBA PNG (what Chromium writes)."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    position = 8
    chunks: list[bytes] = []
    width = height = depth = colour = interlace = 0
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        body = data[position + 8 : position + 8 + length]
        position += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            chunks.append(body)
        elif kind == b"IEND":
            break
    channels = {0: 1, 2: 3, 4: 2, 6: 4}.get(colour)
    if depth != 8 or interlace or channels is None:
        raise ValueError(f"unsupported PNG: depth {depth}, colour type {colour}, interlace {interlace}")
    raw = zlib.decompress(b"".join(chunks))
    stride = width * channels
    out = bytearray(height * stride)
    previous = bytearray(stride)
    for row in range(height):
        start = row * (stride + 1)
        kind = raw[start]
        line = bytearray(raw[start + 1 : start + 1 + stride])
        _unfilter(kind, line, previous, channels)
        out[row * stride : (row + 1) * stride] = line
        previous = line
    return Image(width, height, channels, bytes(out))


def _unfilter(kind: int, line: bytearray, previous: bytearray, bpp: int) -> None:
    n = len(line)
    if kind == 0:
        return
    if kind == 1:
        for i in range(bpp, n):
            line[i] = (line[i] + line[i - bpp]) & 0xFF
    elif kind == 2:
        for i in range(n):
            line[i] = (line[i] + previous[i]) & 0xFF
    elif kind == 3:
        for i in range(n):
            left = line[i - bpp] if i >= bpp else 0
            line[i] = (line[i] + ((left + previous[i]) >> 1)) & 0xFF
    elif kind == 4:
        for i in range(n):
            a = line[i - bpp] if i >= bpp else 0
            b = previous[i]
            c = previous[i - bpp] if i >= bpp else 0
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            predictor = a if pa <= pb and pa <= pc else b if pb <= pc else c
            line[i] = (line[i] + predictor) & 0xFF
    else:
        raise ValueError(f"bad PNG filter type {kind}")


def hex_rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return (int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16))
