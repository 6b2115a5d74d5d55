"""The graph as one self-contained, interactive HTML page (``vault graph --format html``).

``render_html`` takes networkx node-link data (``node_link_data(G, edges="edges")``) of the
papervault graph and returns a page that needs no network when viewed: the data, the
stylesheet and the renderer (``graph.js``, a force layout on a canvas written for
papervault) are all inlined, and a Content-Security-Policy forbids every fetch.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from collections.abc import Iterable, Mapping
from functools import cache
from importlib import resources
from typing import Any

__all__ = ["EDGE_KINDS", "LINK_SYNTAXES", "page_data", "render_html"]

# Known kinds come first, so their indexes in the page are stable; unknown kinds follow.
EDGE_KINDS = ("links", "embeds", "cites", "describes", "tagged")
LINK_SYNTAXES = ("wikilink", "markdown", "mixed")

_PLACEHOLDER = re.compile(r"<!--PV:(\w+)-->")
# The characters that could end a <script> element or open an HTML comment inside it.
_SCRIPT_UNSAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def render_html(data: Mapping[str, Any], *, title: str = "papervault graph") -> str:
    """The page for ``data``, networkx node-link data with its edges under ``edges``.

    Raises ``ValueError`` when an edge names a node that is not in ``data["nodes"]``.
    """
    script = _asset("graph.js")
    style = _asset("graph.css")
    values = {
        "title": html.escape(title),
        "csp": html.escape(_content_security_policy(script, style)),
        "style": style,
        "data": embed_json(page_data(data)),
        "script": script,
    }
    # One pass, so text substituted for one placeholder is never scanned for another.
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], _asset("template.html"))


def page_data(data: Mapping[str, Any]) -> dict[str, Any]:
    """The compact form the page reads: node attribute dicts as given, and each edge as
    ``[source index, target index, kind index, syntax index or -1, count, lines or null]``.

    Indexes keep a 100,000-edge page a few megabytes instead of tens, and let the browser
    load the edges straight into typed arrays.
    """
    nodes = [dict(node) for node in data.get("nodes", ())]
    index: dict[Any, int] = {}
    for position, node in enumerate(nodes):
        if "id" not in node:
            raise ValueError(f"graph node {position} has no id")
        index[node["id"]] = position
    edge_kinds = list(EDGE_KINDS)
    syntaxes = list(LINK_SYNTAXES)
    edges: list[list[Any]] = []
    raw_edges = data["edges"] if "edges" in data else data.get("links", ())
    for edge in raw_edges:
        source, target = edge["source"], edge["target"]
        for end in (source, target):
            if end not in index:
                raise ValueError(f"graph edge {source!r} -> {target!r} names unknown node {end!r}")
        syntax = edge.get("syntax")
        lines = edge.get("lines")
        edges.append(
            [
                index[source],
                index[target],
                _index_in(edge_kinds, str(edge.get("kind", ""))),
                -1 if syntax is None else _index_in(syntaxes, str(syntax)),
                int(edge.get("count") or 1),
                None if lines is None else [int(line) for line in _as_list(lines)],
            ]
        )
    return {
        "directed": bool(data.get("directed", True)),
        "nodes": nodes,
        "edges": edges,
        "edgeKinds": edge_kinds,
        "syntaxes": syntaxes,
    }


def embed_json(value: Any) -> str:
    """JSON that is safe as the text of a ``<script>`` element: no ``<``, ``>`` or ``&``
    survives unescaped, so a title containing ``</script>`` cannot end the element."""
    text = json.dumps(value, ensure_ascii=True, separators=(",", ":"), default=_jsonable)
    return text.translate(_SCRIPT_UNSAFE)


def _index_in(values: list[str], value: str) -> int:
    if value not in values:
        values.append(value)
    return values.index(value)


def _as_list(value: Any) -> list[Any]:
    if isinstance(value, str):  # a flattened export ("3,7") rather than a list
        return [part for part in value.replace(";", ",").split(",") if part.strip()]
    return list(value) if isinstance(value, Iterable) else [value]


def _jsonable(value: Any) -> Any:
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    if isinstance(value, tuple):
        return list(value)
    return str(value)


def _content_security_policy(script: str, style: str) -> str:
    """Nothing may be fetched; only our own inline script and stylesheet may run."""
    return "; ".join(
        [
            "default-src 'none'",
            f"script-src '{_sha256(script)}'",
            f"style-src '{_sha256(style)}'",
            "img-src data:",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )


def _sha256(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


@cache
def _asset(name: str) -> str:
    text = resources.files(__name__).joinpath(name).read_text(encoding="utf-8")
    # Our own assets are inlined verbatim, so they must not end their own element early.
    closing = {"graph.js": "</script", "graph.css": "</style"}.get(name)
    if closing and closing in text.lower():
        raise RuntimeError(f"{name} contains {closing!r} and cannot be inlined")
    return text
