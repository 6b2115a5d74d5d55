"""The graph in other tools' formats: JSON, GraphML, GEXF, DOT, Mermaid and HTML.

Every writer takes the papervault graph (or a filtered view, a neighbourhood or a path of
it) and returns text, the same for the same graph: nodes in id order, edges in
``(source, target, kind)`` order.

- **json**: ``networkx.node_link_data(G, edges="edges")``, nodes and edges sorted, keys
  sorted, indented, so that two runs diff line by line. ``node_link_graph(data,
  edges="edges")`` gives the graph back.
- **graphml**, **gexf** (Gephi, Cytoscape, yEd): both formats allow only scalar attribute
  values, so :func:`flatten_graph` writes lists as JSON arrays (``["paper", "to-read"]``;
  lossless, unlike a join, since an alias may hold any character) and leaves ``None`` out
  (a missing value is how both formats say "none"). Every node gets a ``label`` (the title
  Gephi shows) and every edge a ``weight`` (its ``count``, which Gephi draws as thickness).
  GEXF's ``lastmodifieddate`` is left out, so the file does not change from day to day.
- **dot** (Graphviz): a small writer; every id and value is a quoted string with ``"``
  and ``\\`` escaped, so ids with ``:``, ``/``, spaces and quotes are safe. Node shapes and
  edge styles show kinds; all attributes are written too (Graphviz ignores unknown ones).
- **mermaid**: a ``flowchart``; nodes get safe ids (``n0``, ``n1``, ... in node id order)
  and quoted labels in which every character that Mermaid's lexer or its preprocessing
  could read as syntax is written as an entity code (``#quot;``, ``#35;``).
- **html**: the interactive page of :mod:`papervault.html`.

The text reports of ``vault graph`` are here too (:func:`summary_text` and friends).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from .errors import PapervaultError
from .ids import kind_of

if TYPE_CHECKING:
    import networkx as nx

    from .query import Hop, NoteReport, PaperReport, Summary

#: the formats a graph can be written in; ``text`` is the human report
GRAPH_FORMATS = ("json", "graphml", "gexf", "dot", "mermaid", "html")
FORMATS = ("text", *GRAPH_FORMATS)
#: file suffix -> format, to infer ``--format`` from ``-o FILE``
SUFFIXES = {
    ".txt": "text",
    ".json": "json",
    ".graphml": "graphml",
    ".gexf": "gexf",
    ".dot": "dot",
    ".gv": "dot",
    ".mmd": "mermaid",
    ".mermaid": "mermaid",
    ".html": "html",
    ".htm": "html",
}
#: GitHub and mermaid-cli refuse to draw more edges than this (Mermaid's ``maxEdges``)
MERMAID_MAX_EDGES = 500


def export(graph: nx.MultiDiGraph, fmt: str, *, title: str = "papervault graph") -> str:
    """``graph`` written in ``fmt`` (one of :data:`GRAPH_FORMATS`)."""
    writers = {
        "json": to_json,
        "graphml": to_graphml,
        "gexf": to_gexf,
        "dot": to_dot,
        "mermaid": to_mermaid,
    }
    if fmt == "html":
        return to_html(graph, title=title)
    if fmt not in writers:
        raise ValueError(f"unknown graph format {fmt!r}")
    return writers[fmt](graph)


def node_label(node: str, data: Mapping[str, Any]) -> str:
    """What a picture of the graph writes on a node: a note's title, a paper's id,
    ``#tag``, or the unresolved target as written."""
    kind = data.get("kind", kind_of(node))
    body = node.split(":", 1)[-1]
    if kind == "note":
        return str(data.get("title") or data.get("path") or body)
    if kind == "tag":
        return "#" + str(data.get("label") or body)
    if kind == "unresolved":
        return str(data.get("target") or body)
    return node


def _sorted_edges(graph: nx.MultiDiGraph) -> list[tuple[str, str, str, dict[str, Any]]]:
    return sorted(graph.edges(keys=True, data=True), key=itemgetter(0, 1, 2))


# --------------------------------------------------------------------------- JSON


def node_link(graph: nx.MultiDiGraph) -> dict[str, Any]:
    """``node_link_data(graph, edges="edges")`` with nodes and edges in a fixed order."""
    import networkx as nx

    data = nx.node_link_data(graph, edges="edges")
    data["nodes"].sort(key=lambda node: node["id"])
    data["edges"].sort(key=lambda edge: (edge["source"], edge["target"], str(edge.get("key", ""))))
    return data


def to_json(graph: nx.MultiDiGraph) -> str:
    return json.dumps(node_link(graph), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


# --------------------------------------------------------------------------- GraphML, GEXF


def flatten_graph(graph: nx.MultiDiGraph, *, xml: bool = False) -> nx.MultiDiGraph:
    """A copy with only scalar attributes (lists as JSON arrays, ``None`` left out), a
    ``label`` on every node and a ``weight`` on every edge, in sorted order. ``xml``
    replaces the characters XML 1.0 cannot hold (control characters) with U+FFFD, and
    writes line ends as ``\n`` (an XML reader would turn ``\r\n`` into ``\n`` anyway)."""
    import networkx as nx

    clean = _xml_safe if xml else _same
    flat = nx.MultiDiGraph()
    for node in sorted(graph):
        data = graph.nodes[node]
        attributes = _flat(data)
        attributes.setdefault("label", node_label(node, data))
        flat.add_node(clean(node), **{name: clean(value) for name, value in attributes.items()})
    for u, v, key, data in _sorted_edges(graph):
        attributes = _flat(data)
        attributes.setdefault("weight", int(data.get("count") or 1))
        cleaned = {name: clean(value) for name, value in attributes.items()}
        flat.add_edge(clean(u), clean(v), clean(key), **cleaned)
    return flat


# one encoder for every list: json.dumps with options builds a new encoder per call
_JSON_LIST = json.JSONEncoder(ensure_ascii=False).encode


def _flat(attributes: Mapping[str, Any]) -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for name, value in attributes.items():
        if value is None:
            continue
        if isinstance(value, list | tuple | set | frozenset):
            value = _JSON_LIST(sorted(value) if isinstance(value, set | frozenset) else list(value))
        flat[name] = value
    return flat


_XML_INVALID = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_safe(value: Any) -> Any:
    if type(value) is not str or value.isprintable():  # the common case, checked in C
        return value
    return _XML_INVALID.sub("\ufffd", value.replace("\r\n", "\n").replace("\r", "\n"))


def _same(value: Any) -> Any:
    return value


def to_graphml(graph: nx.MultiDiGraph) -> str:
    import networkx as nx

    return "\n".join(nx.generate_graphml(flatten_graph(graph, xml=True))) + "\n"


_GEXF_DATE = re.compile(r' lastmodifieddate="[^"]*"')


def to_gexf(graph: nx.MultiDiGraph) -> str:
    import networkx as nx

    lines = nx.generate_gexf(flatten_graph(graph, xml=True))
    return "\n".join(_GEXF_DATE.sub("", line, count=1) for line in lines) + "\n"


# --------------------------------------------------------------------------- DOT

_DOT_NODE_STYLE = {
    "note": {"shape": "box", "style": "rounded,filled", "fillcolor": "#e8f0fe", "color": "#4a6fa5"},
    "paper": {"shape": "ellipse", "style": "filled", "fillcolor": "#fde2c4", "color": "#c26d1a"},
    "paper-missing": {
        "shape": "ellipse",
        "style": "filled,dashed",
        "fillcolor": "#ffffff",
        "color": "#c26d1a",
    },
    "tag": {"shape": "plaintext", "fontcolor": "#2e7d32"},
    "unresolved": {"shape": "box", "style": "dashed", "color": "#b00020", "fontcolor": "#b00020"},
    "draft": {"shape": "box", "style": "rounded,dashed", "color": "#9e9e9e", "fontcolor": "#616161"},
}
_DOT_EDGE_STYLE = {
    "links": {},
    "embeds": {"style": "bold"},
    "cites": {"style": "dashed", "color": "#c26d1a"},
    "describes": {"style": "dotted", "color": "#c26d1a", "arrowhead": "odot"},
    "tagged": {"color": "#9e9e9e", "arrowhead": "none"},
}


def dot_quote(text: str) -> str:
    """``text`` as a DOT quoted string. Graphviz unescapes only ``\\"``; ``\\\\`` stays two
    backslashes in ids (and is one backslash in labels), so a trailing backslash can never
    swallow the closing quote."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "").replace("\n", "\\n")
    return f'"{escaped}"'


def _dot_value(value: Any) -> str:
    if isinstance(value, bool):
        return dot_quote("true" if value else "false")
    return dot_quote(str(value))


def _dot_attributes(attributes: Mapping[str, Any]) -> str:
    return ", ".join(f"{dot_quote(name)}={_dot_value(value)}" for name, value in attributes.items())


def to_dot(graph: nx.MultiDiGraph, *, name: str = "papervault") -> str:
    lines = [
        f"digraph {dot_quote(name)} {{",
        '  graph [rankdir="LR", overlap="false", fontname="Helvetica"];',
        '  node [fontname="Helvetica", fontsize="10"];',
        '  edge [fontname="Helvetica", fontsize="8"];',
    ]
    for node in sorted(graph):
        data = graph.nodes[node]
        kind = data.get("kind", kind_of(node))
        look = "paper-missing" if kind == "paper" and not data.get("note") else kind
        look = "draft" if kind == "note" and data.get("draft") else look
        style = _DOT_NODE_STYLE.get(look, {})
        attributes = {**_flat(data), "label": node_label(node, data), "tooltip": node, **style}
        lines.append(f"  {dot_quote(node)} [{_dot_attributes(attributes)}];")
    for u, v, key, data in _sorted_edges(graph):
        attributes = {**_flat(data), "key": key, **_DOT_EDGE_STYLE.get(str(data.get("kind", key)), {})}
        lines.append(f"  {dot_quote(u)} -> {dot_quote(v)} [{_dot_attributes(attributes)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- Mermaid

#: node shape (opening, closing) by kind: rectangle, stadium, hexagon, flag
_MERMAID_SHAPES = {
    "note": ("[", "]"),
    "paper": ("([", "])"),
    "tag": ("{{", "}}"),
    "unresolved": (">", "]"),
}
_MERMAID_ARROWS = {"links": "-->", "embeds": "==>", "cites": "-.->", "describes": "--o", "tagged": "---"}
_MERMAID_CLASSES = {
    "note": "fill:#e8f0fe,stroke:#4a6fa5",
    "paper": "fill:#fde2c4,stroke:#c26d1a",
    "paperMissing": "fill:#ffffff,stroke:#c26d1a,stroke-dasharray:4 3",
    "tag": "fill:#e8f5e9,stroke:#2e7d32",
    "unresolved": "fill:#ffffff,stroke:#b00020,stroke-dasharray:4 3",
    "draft": "fill:#f5f5f5,stroke:#9e9e9e,stroke-dasharray:2 2",
}
# Characters written as entity codes: the quote ends the label; '#' starts an entity
# code; '<', '>' and '&' would be HTML; a backtick starts a markdown string; '%' could
# open a '%%{...}%%' directive, which Mermaid looks for anywhere in the text.
_MERMAID_ENTITIES = {
    '"': "#quot;",
    "#": "#35;",
    "<": "#lt;",
    ">": "#gt;",
    "&": "#amp;",
    "`": "#96;",
    "%": "#37;",
}
_MERMAID_UNSAFE = re.compile("[" + re.escape("".join(_MERMAID_ENTITIES)) + "]")
# Mermaid's preprocessing drops the last ';' of a line matching this (meant for 'style'
# statements): in such a label, ':' is an entity code too.
_MERMAID_STYLE_LINE = re.compile(r"style|classDef")


def mermaid_label(text: str) -> str:
    """``text`` as a quoted Mermaid label, on one line, nothing in it read as syntax."""
    one_line = " ".join(text.split()) if any(c in text for c in "\r\n\t\v\f\x85\u2028\u2029") else text
    escaped = _MERMAID_UNSAFE.sub(lambda m: _MERMAID_ENTITIES[m.group()], one_line)
    if _MERMAID_STYLE_LINE.search(escaped):
        escaped = escaped.replace(":", "#58;")
    return f'"{escaped}"'


def to_mermaid(graph: nx.MultiDiGraph, *, direction: str = "LR") -> str:
    nodes = sorted(graph)
    ids = {node: f"n{index}" for index, node in enumerate(nodes)}
    lines = [f"flowchart {direction}"]
    classes: dict[str, list[str]] = {name: [] for name in _MERMAID_CLASSES}
    for node in nodes:
        data = graph.nodes[node]
        kind = data.get("kind", kind_of(node))
        opening, closing = _MERMAID_SHAPES.get(kind, ("[", "]"))
        lines.append(f"  {ids[node]}{opening}{mermaid_label(node_label(node, data))}{closing}")
        css = "paperMissing" if kind == "paper" and not data.get("note") else kind
        css = "draft" if kind == "note" and data.get("draft") else css
        classes.setdefault(css, []).append(ids[node])
    for u, v, key, data in _sorted_edges(graph):
        arrow = _MERMAID_ARROWS.get(str(data.get("kind", key)), "-->")
        lines.append(f"  {ids[u]} {arrow} {ids[v]}")
    for name, style in _MERMAID_CLASSES.items():
        if classes[name]:
            lines.append(f"  classDef {name} {style}")
            lines.append(f"  class {','.join(classes[name])} {name}")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- HTML


def to_html(graph: nx.MultiDiGraph, *, title: str = "papervault graph") -> str:
    try:
        from .html import render_html
    except ImportError as error:  # the page is built separately; say so instead of a traceback
        raise PapervaultError(f"the html format is not available in this installation ({error})") from error
    return render_html(node_link(graph), title=title)


# --------------------------------------------------------------------------- text reports


def _table(rows: Iterable[Iterable[str]], indent: str = "  ") -> list[str]:
    """Rows as left-aligned columns (the last column is not padded)."""
    rows = [list(row) for row in rows]
    if not rows:
        return []
    widths = [max(len(row[i]) for row in rows if i < len(row)) for i in range(max(map(len, rows)))]
    out = []
    for row in rows:
        cells = [cell.ljust(widths[i]) for i, cell in enumerate(row[:-1])] + row[-1:]
        out.append((indent + "  ".join(cells)).rstrip())
    return out


def _more(shown: int, total: int, what: str) -> list[str]:
    return [f"  ... and {total - shown} more {what} (--top N shows more)"] if total > shown else []


def _section(title: str, count: int | None = None) -> str:
    return f"{title} ({count})" if count is not None else title


def summary_text(summary: Summary, *, top: int = 10, drafts: int = 0, tag_pages: int = 0) -> str:
    """The ``vault graph`` report: fixed order, lists cut to ``top`` entries. ``drafts``
    and ``tag_pages`` say how many notes the view left out."""
    lines: list[str] = []
    node_total = sum(summary.nodes.values())
    edge_total = sum(summary.edges.values())
    lines.append(f"nodes  {node_total:>6}   " + "  ".join(f"{k} {n}" for k, n in summary.nodes.items()))
    lines.append(f"edges  {edge_total:>6}   " + "  ".join(f"{k} {n}" for k, n in summary.edges.items()))
    if drafts:
        lines.append(f"left out: {_count(drafts, 'unpublished note')} (--include-drafts shows them)")
    if tag_pages:
        lines.append(
            f"left out: {_count(tag_pages, 'tag page')} written by vault sync (tag nodes stand for them)"
        )

    lines += ["", _section("most-cited papers", len(summary.papers))]
    rows = [(str(p.count), p.id, p.note if p.note else "(no note)") for p in summary.papers[:top]]
    lines += _table([("notes", "paper", "described by"), *rows]) if rows else ["  none"]
    lines += _more(min(top, len(summary.papers)), len(summary.papers), "papers")

    lines += ["", _section("most-linked notes", len(summary.notes))]
    rows = [(str(n.count), n.path, n.title) for n in summary.notes[:top]]
    lines += _table([("backlinks", "note", "title"), *rows]) if rows else ["  none"]
    lines += _more(min(top, len(summary.notes)), len(summary.notes), "notes")

    lines += ["", _section("orphans: no links in or out", len(summary.orphans))]
    lines += [f"  {path}" for path in summary.orphans[:top]] or ["  none"]
    lines += _more(min(top, len(summary.orphans)), len(summary.orphans), "orphans")

    lines += ["", _section("unresolved targets", len(summary.unresolved))]
    rows = []
    for target in summary.unresolved[:top]:
        where = ", ".join(f"{path}:{','.join(map(str, found))}" for path, found in target.sources[:3])
        where += f", +{len(target.sources) - 3} more" if len(target.sources) > 3 else ""
        rows.append((str(target.count), target.target, where))
    lines += _table([("notes", "target", "linked from"), *rows]) if rows else ["  none"]
    lines += _more(min(top, len(summary.unresolved)), len(summary.unresolved), "targets")

    sizes = [len(c) for c in summary.components]
    lines += ["", _section("connected components (notes and papers, tags ignored)", len(sizes))]
    rows = []
    for component in summary.components[:top]:
        if len(component) == 1:
            break
        # notes first: a path says more than a paper id
        members = sorted(component, key=lambda node: (kind_of(node) != "note", node))
        shown = ", ".join(_short(node) for node in members[:3])
        rows.append((f"{len(component)} nodes", shown + (", ..." if len(component) > 3 else "")))
    lines += _table(rows)
    singles = sizes.count(1)
    if singles:
        lines.append(f"  {singles} isolated {'node' if singles == 1 else 'nodes'}")
    elif not sizes:
        lines.append("  none")
    return "\n".join(lines) + "\n"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _short(node: str) -> str:
    return node.split(":", 1)[1] if kind_of(node) == "note" else node


def _lines(lines: Iterable[int]) -> str:
    return ",".join(map(str, lines))


def _where(source: str, line: int, section: str) -> tuple[str, str]:
    return f"{source}:{line}", f"§ {section}" if section else ""


def note_text(report: NoteReport) -> str:
    """The ``vault graph NOTE`` report."""
    lines = [report.path]
    facts = [("title", report.title)]
    if report.aliases:
        facts.append(("aliases", ", ".join(report.aliases)))
    if report.tags:
        facts.append(("tags", " ".join(f"#{tag}" for tag in report.tags)))
    if report.draft:
        facts.append(("draft", "yes (not published)"))
    if report.describes:
        facts.append(("describes", ", ".join(report.describes)))
    lines += _table(facts)

    lines += ["", _section("links to", len(report.links))]
    rows = [
        (f"line {_lines(link.lines)}", _short(link.target), link.kind if link.kind != "links" else "")
        for link in report.links
    ]
    lines += _table(rows) or ["  none"]

    lines += ["", _section("backlinks: linked from", len(report.linked_from))]
    rows = [
        (*_where(b.source, b.line, b.section), b.kind if b.kind != "links" else "")
        for b in report.linked_from
    ]
    lines += _table(_drop_empty_last(rows)) or ["  none"]

    lines += ["", _section("cites", len(report.cites))]
    rows = [(f"line {_lines(c.lines)}", c.id, c.note if c.note else "(no note)") for c in report.cites]
    lines += _table(rows) or ["  none"]

    if report.describes:
        papers = ", ".join(report.describes)
        lines += ["", _section(f"backlinks: cited by (notes citing {papers})", len(report.cited_by))]
        lines += _table(_drop_empty_last(_citing_rows(report.cited_by))) or ["  none"]
    return "\n".join(lines) + "\n"


def _drop_empty_last(rows: Iterable[tuple[str, ...]]) -> list[tuple[str, ...]]:
    return [tuple(row[:-1]) + ((row[-1],) if row[-1] else ()) for row in rows]


def _citing_rows(citations: Iterable[Any]) -> list[tuple[str, ...]]:
    return [(*_where(c.source, c.line, c.section), c.text) for c in citations]


def paper_text(report: PaperReport) -> str:
    """The ``vault graph --paper ID`` report."""
    lines = [report.id]
    facts = []
    if len(report.ids) > 1:
        facts.append(("also", ", ".join(i for i in report.ids if i != report.id)))
    if report.versions:
        facts.append(("versions", ", ".join(report.versions)))
    if report.note:
        facts.append(("title", report.title))
    lines += _table(facts)
    lines += ["", _section("described by", len(report.described_by))]
    lines += [f"  {path}" for path in report.described_by] or ["  no note (a missing paper note)"]
    sources = len({c.source for c in report.cited_by})
    lines += ["", f"cited by ({_count(sources, 'note')}, {_count(len(report.cited_by), 'citation')})"]
    lines += _table(_citing_rows(report.cited_by)) or ["  none"]
    return "\n".join(lines) + "\n"


_HOP_WORDS = {
    ("links", True): "links to",
    ("links", False): "is linked from",
    ("embeds", True): "embeds",
    ("embeds", False): "is embedded in",
    ("cites", True): "cites",
    ("cites", False): "is cited by",
    ("describes", True): "describes",
    ("describes", False): "is described by",
}


def path_text(
    start: str, end: str, hops: list[Hop] | None, *, directed: bool = True, fallback: bool = False
) -> str:
    """A link path as numbered steps, each with the file and line its link is written on.
    ``fallback``: no directed path exists, and ``hops`` ignores link direction."""
    a, b = _short(start), _short(end)
    lines = [f"no path along the links from {a} to {b}"] if fallback or hops is None else []
    if hops is None:
        return "\n".join(lines) + ("\n" if directed else " (nor ignoring their direction)\n")
    how = "" if directed else " (ignoring link direction)"
    lines.append(f"{a} -> {b}: {_count(len(hops), 'step')}{how}")
    rows = [("0", a, "")]
    for number, hop in enumerate(hops, 1):
        at = f"{_short(hop.edge[0])}:{_lines(hop.lines)}" if kind_of(hop.edge[0]) == "note" else ""
        words = _HOP_WORDS.get((hop.kind, hop.forward), hop.kind)
        rows.append((str(number), _short(hop.target), f"{words}{f' ({at})' if at else ''}"))
    lines += _table(_drop_empty_last(rows))
    return "\n".join(lines) + "\n"


def neighbourhood_text(graph: nx.MultiDiGraph, found: Mapping[str, int], depth: int) -> str:
    """The nodes within ``depth`` hops, by distance, kind and id."""
    edges = graph.number_of_edges()
    lines = [f"neighbourhood, depth {depth} ({len(found)} nodes, {edges} edges)"]
    rows = [
        (
            str(hops),
            graph.nodes[node].get("kind", kind_of(node)),
            _short(node),
            _extra(node, graph.nodes[node]),
        )
        for node, hops in sorted(found.items(), key=lambda item: (item[1], kind_of(item[0]), item[0]))
    ]
    lines += _table(_drop_empty_last(rows))
    return "\n".join(lines) + "\n"


def _extra(node: str, data: Mapping[str, Any]) -> str:
    kind = data.get("kind")
    if kind == "note":
        stem = node.split(":", 1)[1].removesuffix(".md").rsplit("/", 1)[-1]
        title = str(data.get("title", ""))
        return " ".join(
            part for part in (title if title != stem else "", "(draft)" if data.get("draft") else "") if part
        )
    if kind == "paper":
        return str(data["note"]) if data.get("note") else "(no note)"
    return ""
