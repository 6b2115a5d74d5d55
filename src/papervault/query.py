"""Questions asked of the graph: views, summary, neighbourhoods, lookups and link paths.

Everything here works on the graph of :mod:`papervault.graph` (a ``MultiDiGraph`` keyed by
edge kind) and returns plain dataclasses, so the CLI, the exports and the tests share one
answer to each question.

- :class:`GraphFilter` and :func:`graph_view`: the graph a command looks at. Unpublished
  notes (drafts, or everything without ``publish: true`` in ``explicit`` mode) are left out
  unless asked for, because what ``vault graph`` exports usually ends up next to the Quartz
  site, and a draft's title must not leak there. The tag pages ``vault sync`` generates are
  left out too: their lists are papervault's own output (the parser does not count them as
  links), so they would show as orphans, and the ``tag:`` node already stands for them.
  Node-kind filters are applied last, identically for every output format.
- :func:`summarize`: counts, most-cited papers, most-linked notes, orphans, unresolved
  targets and connected components.
- :func:`find_note` (path, name, alias or title) and :func:`find_paper` (any id or URL).
- :func:`note_report`, :func:`paper_report`: what ``vault graph NOTE`` / ``--paper`` show.
- :func:`neighbourhood`: the nodes within ``depth`` hops, in either direction.
- :func:`link_path`: the shortest chain of links (and citations) from one note to another.
"""

from __future__ import annotations

import difflib
import os
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .backlinks import Backlink
from .citations import match_url, parse_arxiv_id, parse_openreview_id, scan_text
from .errors import ConfigError, NotFoundError
from .graph import NODE_KINDS, build_graph
from .ids import kind_of, note_id, path_of, tag_id
from .model import Vault, is_published
from .papers import Paper, PaperIndex
from .render import TAG_INDEX_REGION
from .resolve import VaultIndex

if TYPE_CHECKING:
    import networkx as nx

    from .pipeline import Analysis

#: edges that connect notes and papers; ``tagged`` edges would glue every note with a
#: common tag into one component, and a broken link connects a note to nothing
LINK_KINDS = ("links", "embeds")
STRUCTURE_KINDS = ("links", "embeds", "cites", "describes")


class AmbiguousNoteError(NotFoundError):
    """A note name or alias that several notes share; ``candidates`` lists their paths."""

    def __init__(self, query: str, how: str, candidates: Iterable[str]):
        self.candidates = tuple(sorted(candidates))
        listing = "".join(f"\n  {path}" for path in self.candidates)
        super().__init__(f"{query!r} is ambiguous: {len(self.candidates)} notes have this {how}:{listing}")


# --------------------------------------------------------------------------- views


@dataclass(frozen=True, slots=True)
class GraphFilter:
    """Which part of the graph a command looks at.

    ``kinds`` are the node kinds kept (edges whose ends are both kept stay).
    ``include_drafts`` keeps unpublished notes, and with them their links, citations and
    tags; otherwise a paper only a draft cites, or a tag only drafts carry, is gone too.
    """

    kinds: frozenset[str] = frozenset(NODE_KINDS)
    include_drafts: bool = False

    @classmethod
    def from_options(
        cls,
        kinds: Iterable[str] = (),
        *,
        no_tags: bool = False,
        papers: bool = False,
        include_drafts: bool = False,
    ) -> GraphFilter:
        """The filter for ``--kind`` (repeatable), ``--no-tags``, ``--papers`` and
        ``--include-drafts``; they narrow each other (``--kind tag --papers`` keeps nothing,
        which is an error)."""
        chosen = set(kinds) or set(NODE_KINDS)
        unknown = chosen - set(NODE_KINDS)
        if unknown:
            raise ConfigError(
                f"unknown node kind {sorted(unknown)[0]!r}; choose from {', '.join(NODE_KINDS)}"
            )
        if no_tags:
            chosen.discard("tag")
        if papers:
            chosen &= {"note", "paper"}
        if not chosen:
            raise ConfigError("these filters leave no node kind to show")
        return cls(frozenset(chosen), include_drafts)


def graph_view(analysis: Analysis, view: GraphFilter = GraphFilter()) -> nx.MultiDiGraph:
    """A new graph with ``view`` applied: drafts at build time, then generated tag pages
    and node kinds are removed (in place: a subgraph copy of 160,000 edges costs seconds)."""
    graph = build_graph(
        analysis.vault,
        analysis.resolved,
        analysis.papers,
        include_drafts=view.include_drafts,
        publish_mode=analysis.config.publish,
    )
    graph.remove_nodes_from([note_id(path) for path in tag_pages(analysis.vault)])
    graph.remove_nodes_from([node for node, kind in graph.nodes(data="kind") if kind not in view.kinds])
    return graph


def induced(graph: nx.MultiDiGraph, nodes: Iterable[str]) -> nx.MultiDiGraph:
    """A new graph of ``nodes`` and the edges between them. Its cost grows with the edges
    of ``nodes`` only, unlike ``graph.subgraph(nodes).copy()``."""
    import networkx as nx

    keep = set(nodes)
    found = nx.MultiDiGraph()
    found.add_nodes_from((node, graph.nodes[node]) for node in graph if node in keep)
    found.add_edges_from(
        (u, v, key, data)
        for u in found
        for _, v, key, data in graph.out_edges(u, keys=True, data=True)
        if v in keep
    )
    return found


def tag_pages(vault: Vault) -> list[str]:
    """The tag pages ``vault sync`` wrote (notes holding a tag-index region), by path."""
    return [path for path, note in vault.notes.items() if note.region(TAG_INDEX_REGION)]


def unpublished_notes(analysis: Analysis) -> list[str]:
    """Notes a view without ``--include-drafts`` leaves out, by path."""
    mode = analysis.config.publish
    return [path for path, note in analysis.vault.notes.items() if not is_published(note, mode)]


# --------------------------------------------------------------------------- summary


@dataclass(frozen=True, slots=True)
class PaperRank:
    """A cited paper: its describing note (or ``None``) and the notes citing it."""

    id: str
    title: str
    note: str | None
    citers: tuple[str, ...]

    @property
    def count(self) -> int:
        return len(self.citers)


@dataclass(frozen=True, slots=True)
class NoteRank:
    """A note with backlinks: the notes linking to or embedding it, and the notes citing a
    paper it describes. ``count`` counts each backlinking note once."""

    path: str
    title: str
    linked_from: tuple[str, ...]
    cited_by: tuple[str, ...]

    @property
    def count(self) -> int:
        return len(set(self.linked_from) | set(self.cited_by))


@dataclass(frozen=True, slots=True)
class UnresolvedTarget:
    """A link target that names no note, with each linking note and its lines."""

    target: str
    sources: tuple[tuple[str, tuple[int, ...]], ...]

    @property
    def count(self) -> int:
        return len(self.sources)


@dataclass(frozen=True, slots=True)
class Summary:
    """The whole graph at a glance. Every list is complete and in a fixed order."""

    nodes: dict[str, int]
    edges: dict[str, int]
    #: papers cited at least once, most-cited first, then by id
    papers: tuple[PaperRank, ...]
    #: notes with at least one backlink, most backlinks first, then by path
    notes: tuple[NoteRank, ...]
    #: notes with no link, embed or citation in or out (tags and broken links do not count)
    orphans: tuple[str, ...]
    #: broken link targets, most-linked first, then by target
    unresolved: tuple[UnresolvedTarget, ...]
    #: weakly connected components of notes and papers (tags ignored), largest first;
    #: each component's node ids sorted
    components: tuple[tuple[str, ...], ...]


def summarize(graph: nx.MultiDiGraph) -> Summary:
    """The summary, from one pass over the nodes and one over the edges."""
    from .graph import EDGE_KINDS

    node_counts = dict.fromkeys(NODE_KINDS, 0)
    for _, kind in graph.nodes(data="kind"):
        node_counts[kind] = node_counts.get(kind, 0) + 1
    edge_counts = dict.fromkeys(EDGE_KINDS, 0)
    citers: dict[str, set[str]] = defaultdict(set)  # paper -> citing note ids
    linkers: dict[str, set[str]] = defaultdict(set)  # note -> linking or embedding note ids
    described: dict[str, list[str]] = defaultdict(list)  # note -> the papers it describes
    broken: dict[str, dict[str, list[int]]] = defaultdict(dict)  # unresolved -> note -> lines
    linking: set[str] = set()  # notes that link to, embed or cite another note or paper
    for u, v, kind, data in graph.edges(keys=True, data=True):
        edge_counts[kind] = edge_counts.get(kind, 0) + 1
        target = kind_of(v)
        if kind == "cites":
            citers[v].add(u)
            linking.add(u)
        elif kind == "describes":
            described[u].append(v)
        elif kind in LINK_KINDS and target == "note" and u != v:
            linkers[v].add(u)
            linking.add(u)
        elif kind in LINK_KINDS and target == "unresolved":
            broken[v].setdefault(path_of(u), []).extend(data.get("lines", ()))

    papers: list[PaperRank] = []
    notes: list[NoteRank] = []
    orphans: list[str] = []
    unresolved: list[UnresolvedTarget] = []
    for node, data in graph.nodes(data=True):
        kind = data["kind"]
        if kind == "paper" and citers[node]:
            cited = tuple(sorted(path_of(u) for u in citers[node]))
            papers.append(PaperRank(node, data.get("title", node), data.get("note"), cited))
        elif kind == "note":
            linked_from = tuple(sorted(path_of(u) for u in linkers[node]))
            cited_by = {path_of(u) for paper in described[node] for u in citers[paper] if u != node}
            rank = NoteRank(data["path"], data["title"], linked_from, tuple(sorted(cited_by)))
            if rank.count:
                notes.append(rank)
            elif node not in linking:
                orphans.append(data["path"])
        elif kind == "unresolved":
            sources = tuple((path, tuple(sorted(lines))) for path, lines in sorted(broken[node].items()))
            unresolved.append(UnresolvedTarget(data["target"], sources))
    papers.sort(key=lambda p: (-p.count, p.id))
    notes.sort(key=lambda n: (-n.count, n.path))
    unresolved.sort(key=lambda u: (-u.count, u.target))

    return Summary(
        nodes=node_counts,
        edges=edge_counts,
        papers=tuple(papers),
        notes=tuple(notes),
        orphans=tuple(sorted(orphans)),
        unresolved=tuple(unresolved),
        components=tuple(components(graph)),
    )


def components(graph: nx.MultiDiGraph) -> list[tuple[str, ...]]:
    """Weakly connected components over notes and papers and the edges between them."""
    import networkx as nx

    structure = nx.Graph()
    structure.add_nodes_from(node for node, kind in graph.nodes(data="kind") if kind in ("note", "paper"))
    structure.add_edges_from(
        (u, v)
        for u, v, kind in graph.edges(keys=True)
        if kind in STRUCTURE_KINDS and u in structure and v in structure
    )
    found = [tuple(sorted(component)) for component in nx.connected_components(structure)]
    return sorted(found, key=lambda c: (-len(c), c[0]))


# --------------------------------------------------------------------------- lookups


def find_note(vault: Vault, query: str, *, cwd: str | None = None) -> str:
    """The path of the note ``query`` names.

    Tried in order, the first step with any match deciding: the vault path (``.md``
    optional); a file path from ``cwd`` into the vault; the vault path ignoring case; the
    file name; an alias; the title (names, aliases and titles ignore case). Several matches
    in one step raise :class:`AmbiguousNoteError`; none at all, :class:`NotFoundError`
    with the closest names.
    """
    text = query.strip()
    for candidate in (text, text + ".md"):
        if candidate in vault.notes:
            return candidate
    in_vault = _vault_relative(vault.root, text, cwd)
    if in_vault is not None:
        for candidate in (in_vault, in_vault + ".md"):
            if candidate in vault.notes:
                return candidate

    index = VaultIndex(vault)
    key = text.removesuffix(".md").lower()
    steps = (
        ("path", index.by_key.get(key, [])),
        ("name", index.by_name.get(key, [])),
        ("alias", index.by_alias.get(text.lower(), [])),
        ("title", index.by_title.get(text.lower(), [])),
    )
    for how, paths in steps:
        notes = sorted({path for path in paths if path in vault.notes})
        if len(notes) == 1:
            return notes[0]
        if notes:
            raise AmbiguousNoteError(query, how, notes)
    raise NotFoundError(f"no note is named {query!r}{_suggestions(vault, text)}")


def _vault_relative(root: str, text: str, cwd: str | None) -> str | None:
    """``text`` as a vault path when it is a file path (from ``cwd``) inside the vault."""
    if cwd is None:
        return None
    absolute = os.path.normpath(os.path.join(cwd, text))
    relative = os.path.relpath(absolute, os.path.abspath(root))
    if relative.startswith(os.pardir) or os.path.isabs(relative):
        return None
    return relative.replace(os.sep, "/")


def _suggestions(vault: Vault, text: str) -> str:
    names: dict[str, list[str]] = {}
    for path, note in vault.notes.items():
        for name in dict.fromkeys(n.lower() for n in (note.stem, note.title, *note.aliases)):
            names.setdefault(name, []).append(path)
    close = difflib.get_close_matches(text.lower(), list(names), n=5, cutoff=0.6)
    paths = list(dict.fromkeys(path for name in close for path in names[name]))[:5]
    return "; did you mean: " + ", ".join(paths) if paths else ""


def parse_paper(query: str) -> str | None:
    """The canonical paper id that ``query`` names in any form: ``arxiv:2504.19162``,
    ``2504.19162v2``, ``openreview:SkT5Yg-RZ``, an arXiv DOI, or any arXiv, OpenReview,
    ar5iv, Hugging Face ... URL (with or without ``https://``). ``None`` if it names none."""
    text = query.strip()
    scheme, _, rest = text.partition(":")
    if scheme.lower() == "openreview" and not rest.startswith("//"):
        found = parse_openreview_id(rest.strip())
        return found[0] if found else None
    found = parse_arxiv_id(text)
    if found:
        return found[0]
    ids = dict.fromkeys(paper for paper, _ in match_url(text))
    if not ids:
        ids = dict.fromkeys(paper for _, _, paper, _ in scan_text(text))
    return next(iter(ids)) if len(ids) == 1 else None


def find_paper(papers: PaperIndex, query: str) -> Paper:
    """The paper ``query`` names (see :func:`parse_paper`); a bare OpenReview id works
    when the vault knows it."""
    paper_id = parse_paper(query)
    if paper_id is None:
        bare = parse_openreview_id(query.strip())
        if bare and papers.get(bare[0]):
            paper_id = bare[0]
    if paper_id is None:
        raise NotFoundError(f"{query!r} is not an arXiv or OpenReview id or paper URL")
    paper = papers.get(paper_id)
    if paper is None:
        raise NotFoundError(f"{paper_id}: no note cites or describes this paper")
    return paper


def find_node(analysis: Analysis, graph: nx.MultiDiGraph, query: str, *, cwd: str | None = None) -> str:
    """The node id ``query`` names: a note (as :func:`find_note`), else a ``tag:``,
    ``unresolved:`` or ``note:`` node id in ``graph``, else a paper in any form (as
    :func:`find_paper`)."""
    try:
        return note_id(find_note(analysis.vault, query, cwd=cwd))
    except AmbiguousNoteError:
        raise
    except NotFoundError as not_a_note:
        prefix = query.split(":", 1)[0]
        if prefix in ("tag", "unresolved", "note"):
            node = tag_id(query.split(":", 1)[1]) if prefix == "tag" else query
            if node in graph:
                return node
            raise NotFoundError(f"{query} is not in the graph") from None
        if parse_paper(query) is not None:
            return find_paper(analysis.papers, query).id
        raise not_a_note from None


# --------------------------------------------------------------------------- reports


@dataclass(frozen=True, slots=True)
class OutLink:
    """An outgoing ``links`` or ``embeds`` edge: target node id, lines, syntax."""

    target: str
    kind: str
    lines: tuple[int, ...]
    syntax: str | None


@dataclass(frozen=True, slots=True)
class Citing:
    """One citation of a paper: the citing note, the line, its section and the text."""

    source: str
    paper: str
    line: int
    section: str
    text: str


@dataclass(frozen=True, slots=True)
class CitedPaper:
    id: str
    title: str
    note: str | None
    lines: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class NoteReport:
    """What ``vault graph NOTE`` shows. Sources outside the view (drafts) are left out."""

    path: str
    title: str
    tags: tuple[str, ...]
    aliases: tuple[str, ...]
    draft: bool
    links: tuple[OutLink, ...]
    #: the notes linking to or embedding this one (backlinks of kind links/embeds)
    linked_from: tuple[Backlink, ...]
    cites: tuple[CitedPaper, ...]
    #: the papers this note describes (node ids)
    describes: tuple[str, ...]
    #: every citation, by another note, of a paper this note describes
    cited_by: tuple[Citing, ...]


@dataclass(frozen=True, slots=True)
class PaperReport:
    """What ``vault graph --paper ID`` shows."""

    id: str
    ids: tuple[str, ...]
    versions: tuple[str, ...]
    title: str
    note: str | None
    #: every note whose frontmatter names the paper (more than one is a PV304 finding)
    described_by: tuple[str, ...]
    cited_by: tuple[Citing, ...]


def require_node(
    graph: nx.MultiDiGraph, node: str, view: GraphFilter | None = None, analysis: Analysis | None = None
) -> None:
    """Raise a :class:`NotFoundError` that says why ``node`` is not in the viewed graph."""
    if node in graph:
        return
    kind = kind_of(node)
    if view is not None and kind not in view.kinds:
        raise NotFoundError(f"{node} is a {kind}, and the filters leave {kind} nodes out")
    note = analysis.vault.notes.get(path_of(node)) if analysis is not None and kind == "note" else None
    if note is not None and analysis is not None:
        if note.region(TAG_INDEX_REGION):
            # vault sync titles a tag page with its tag
            raise NotFoundError(
                f"{note.path} is a tag page written by vault sync; see `vault graph {tag_id(note.title)}`"
            )
        if not is_published(note, analysis.config.publish):
            raise NotFoundError(f"{note.path} is not published (a draft); add --include-drafts to see it")
    if kind == "paper" and (view is None or not view.include_drafts):
        raise NotFoundError(f"{node} is cited only by unpublished notes; add --include-drafts to see it")
    raise NotFoundError(f"{node} is not in this view of the graph")


def note_report(
    analysis: Analysis, graph: nx.MultiDiGraph, path: str, view: GraphFilter | None = None
) -> NoteReport:
    node = note_id(path)
    require_node(graph, node, view, analysis)
    note = analysis.vault.notes[path]
    links = [
        OutLink(v, kind, tuple(data.get("lines", ())), data.get("syntax"))
        for _, v, kind, data in graph.out_edges(node, keys=True, data=True)
        if kind in LINK_KINDS
    ]
    linked_from = [
        b for b in analysis.backlinks.get(path, ()) if b.kind in LINK_KINDS and note_id(b.source) in graph
    ]
    cites = [
        CitedPaper(
            v, graph.nodes[v].get("title", v), graph.nodes[v].get("note"), tuple(data.get("lines", ()))
        )
        for _, v, kind, data in graph.out_edges(node, keys=True, data=True)
        if kind == "cites"
    ]
    describes = sorted(v for _, v, kind in graph.out_edges(node, keys=True) if kind == "describes")
    cited_by = [c for paper in describes for c in _citations(analysis.papers.papers[paper], graph)]
    return NoteReport(
        path=path,
        title=note.title,
        tags=tuple(dict.fromkeys(tag.name for tag in note.tags)),
        aliases=note.aliases,
        draft=not is_published(note, analysis.config.publish),
        links=tuple(sorted(links, key=lambda link: (min(link.lines, default=0), link.target))),
        linked_from=tuple(linked_from),
        cites=tuple(sorted(cites, key=lambda c: (min(c.lines, default=0), c.id))),
        describes=tuple(describes),
        cited_by=tuple(sorted(cited_by, key=lambda c: (c.source, c.line, c.paper))),
    )


def paper_report(
    analysis: Analysis, graph: nx.MultiDiGraph, paper: Paper, view: GraphFilter | None = None
) -> PaperReport:
    require_node(graph, paper.id, view, analysis)
    data = graph.nodes[paper.id]
    described_by = tuple(p for p in paper.described_by if note_id(p) in graph)
    return PaperReport(
        id=paper.id,
        ids=tuple(paper.ids),
        versions=tuple(sorted(paper.versions)),
        title=data.get("title", paper.id),
        note=data.get("note"),
        described_by=described_by,
        cited_by=tuple(_citations(paper, graph)),
    )


def _citations(paper: Paper, graph: nx.MultiDiGraph) -> Iterator[Citing]:
    for source, citations in sorted(paper.cited_by.items()):
        if note_id(source) in graph:
            for citation in citations:
                yield Citing(source, paper.id, citation.line, citation.section, citation.text)


# --------------------------------------------------------------------------- neighbourhoods


def distances(graph: nx.MultiDiGraph, center: str, depth: int) -> dict[str, int]:
    """Each node within ``depth`` hops of ``center`` (edges in either direction) -> hops."""
    if depth < 0:
        raise ConfigError("--depth must be 0 or more")
    found = {center: 0}
    frontier = [center]
    for hop in range(1, depth + 1):
        reached: list[str] = []
        for node in frontier:
            for other in (*graph.successors(node), *graph.predecessors(node)):
                if other not in found:
                    found[other] = hop
                    reached.append(other)
        frontier = reached
    return found


def neighbourhood(graph: nx.MultiDiGraph, center: str, depth: int = 1) -> nx.MultiDiGraph:
    """The subgraph induced by the nodes within ``depth`` hops of ``center``."""
    return induced(graph, distances(graph, center, depth))


# --------------------------------------------------------------------------- link paths


@dataclass(frozen=True, slots=True)
class Hop:
    """One step of a link path: from ``source`` to ``target`` along the edge
    ``(edge_source, edge_target, kind)``; ``forward`` is false when the step walks the
    edge backwards (``describes`` is always walked backwards in a directed path: a note
    that cites a paper reaches the note describing it)."""

    source: str
    target: str
    kind: str
    lines: tuple[int, ...]
    forward: bool

    @property
    def edge(self) -> tuple[str, str, str]:
        return (
            (self.source, self.target, self.kind) if self.forward else (self.target, self.source, self.kind)
        )


def link_path(graph: nx.MultiDiGraph, start: str, end: str, *, directed: bool = True) -> list[Hop] | None:
    """The shortest path of links from note ``start`` to note ``end`` (node ids).

    A path follows links and embeds between notes, and may pass through a paper: a note
    citing it reaches the note describing it. Tags and broken links are never steps.
    ``directed=False`` also walks links backwards. Among equally short paths the one
    through the smallest node ids is taken, so the answer is stable. ``[]`` when ``start``
    is ``end``; ``None`` when no path exists.
    """
    for node in (start, end):
        if node not in graph:
            raise NotFoundError(f"{node} is not in the graph")
    previous: dict[str, Hop | None] = {start: None}
    frontier = [start]
    while frontier and end not in previous:
        reached: list[str] = []
        for node in frontier:
            for hop in sorted(_steps(graph, node, directed), key=lambda h: (h.target, h.kind, not h.forward)):
                if hop.target not in previous:
                    previous[hop.target] = hop
                    reached.append(hop.target)
        frontier = sorted(reached)
    if end not in previous:
        return None
    hops: list[Hop] = []
    node = end
    while (hop := previous[node]) is not None:
        hops.append(hop)
        node = hop.source
    return hops[::-1]


def _steps(graph: nx.MultiDiGraph, node: str, directed: bool) -> Iterator[Hop]:
    walkable = ("note", "paper")
    for _, v, kind, data in graph.out_edges(node, keys=True, data=True):
        if kind_of(v) not in walkable:
            continue
        lines = tuple(data.get("lines", ()))
        if kind in (*LINK_KINDS, "cites") or (kind == "describes" and not directed):
            yield Hop(node, v, kind, lines, True)
    for u, _, kind, data in graph.in_edges(node, keys=True, data=True):
        if kind_of(u) not in walkable:
            continue
        lines = tuple(data.get("lines", ()))
        if kind == "describes" or (not directed and kind in (*LINK_KINDS, "cites")):
            yield Hop(node, u, kind, lines, False)


def path_graph(graph: nx.MultiDiGraph, hops: list[Hop], start: str) -> nx.MultiDiGraph:
    """The path as a graph: its nodes and only the edges it walks."""
    import networkx as nx

    found = nx.MultiDiGraph()
    nodes = [start, *(hop.target for hop in hops)]
    found.add_nodes_from((node, graph.nodes[node]) for node in nodes)
    for hop in hops:
        u, v, kind = hop.edge
        found.add_edge(u, v, kind, **graph.edges[u, v, kind])
    return found
