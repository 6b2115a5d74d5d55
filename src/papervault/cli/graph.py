"""``vault graph``: inspect and export the note and citation graph.

One command with three shapes, told apart by its arguments: none (the whole graph), one
(a note), or ``path A B`` (a link path). ``path`` is a keyword only when two more
arguments follow it, so a note named "path" is still ``vault graph path`` (or
``vault graph path.md``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .session import Session, errors_to_exit_codes, vault_options

if TYPE_CHECKING:
    import networkx as nx

    from ..pipeline import Analysis
    from ..query import GraphFilter

# The choices are spelled out here so that `vault --help` never imports the library.
FORMATS = ("text", "json", "graphml", "gexf", "dot", "mermaid", "html")
NODE_KINDS = ("note", "paper", "tag", "unresolved")


@click.command(context_settings={"max_content_width": 100})
@click.argument("args", nargs=-1, metavar="[NOTE | path A B]")
@click.option("--paper", metavar="ID", help="A paper by any id or URL: its note and the notes citing it.")
@click.option(
    "--depth",
    type=click.IntRange(min=0),
    metavar="N",
    help="With NOTE or --paper: the neighbourhood within N hops (graph formats: default 1).",
)
@click.option(
    "--format", "fmt", type=click.Choice(FORMATS), help="Output format (default: from -o, else text)."
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=str), help="Write to FILE.")
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    type=click.Choice(NODE_KINDS),
    help="Keep only this node kind (repeatable).",
)
@click.option("--no-tags", is_flag=True, help="Leave tag nodes out.")
@click.option("--papers", "papers_only", is_flag=True, help="Only notes and papers: the citation graph.")
@click.option("--include-drafts", is_flag=True, help="Include unpublished notes (left out by default).")
@click.option(
    "--top",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    metavar="N",
    help="Entries per summary list.",
)
@click.option("--undirected", is_flag=True, help="path: also walk links backwards.")
@vault_options
@click.pass_obj
def graph(
    session: Session,
    args: tuple[str, ...],
    paper: str | None,
    depth: int | None,
    fmt: str | None,
    output: str | None,
    kinds: tuple[str, ...],
    no_tags: bool,
    papers_only: bool,
    include_drafts: bool,
    top: int,
    undirected: bool,
) -> None:
    """Inspect and export the note and citation graph.

    \b
    vault graph                  summary: counts, most-cited papers, most-linked
                                 notes, orphans, unresolved targets, components
    vault graph NOTE             a note (path, name or alias): links, backlinks with
                                 line and section, papers cited, notes citing its paper
    vault graph --paper ID       a paper (arxiv:2504.19162, 2504.19162v2, any arXiv or
                                 OpenReview URL): its note and the notes citing it
    vault graph path A B         the shortest link path from note A to note B
    vault graph tag:NAME         a tag and the notes that carry it

    With --format json|graphml|gexf|dot|mermaid|html the whole graph, the neighbourhood
    of NOTE or --paper (--depth, default 1), or the path is written instead of the
    report. Unpublished notes (drafts) are left out unless --include-drafts is given.
    """
    with errors_to_exit_codes():
        from ..export import SUFFIXES
        from ..pipeline import Analysis
        from ..query import GraphFilter, graph_view

        mode, targets = _shape(args, paper, depth, undirected)
        fmt = fmt or (SUFFIXES.get(Path(output).suffix.lower(), "text") if output else "text")
        view = GraphFilter.from_options(
            kinds, no_tags=no_tags, papers=papers_only, include_drafts=include_drafts
        )
        analysis = Analysis(session.config, session.load())
        shown = graph_view(analysis, view)
        if mode == "summary":
            _summary(analysis, shown, view, fmt, output, top)
        elif mode == "path":
            _path(analysis, shown, view, targets, fmt, output, undirected)
        else:
            _centered(analysis, shown, view, mode, targets[0], depth, fmt, output)


def _shape(
    args: tuple[str, ...], paper: str | None, depth: int | None, undirected: bool
) -> tuple[str, list[str]]:
    if paper is not None:
        if args:
            raise click.UsageError("give either NOTE or --paper ID, not both")
        return "paper", [paper]
    if len(args) == 3 and args[0] == "path":
        if depth is not None:
            raise click.UsageError("--depth does not apply to a path")
        return "path", list(args[1:])
    if undirected:
        raise click.UsageError("--undirected applies only to `vault graph path A B`")
    if len(args) == 1:
        return "note", list(args)
    if not args:
        if depth is not None:
            raise click.UsageError("--depth needs a NOTE or --paper ID to start from")
        return "summary", []
    raise click.UsageError("expected no argument, one NOTE, or `path A B`")


def _summary(
    analysis: Analysis, shown: nx.MultiDiGraph, view: GraphFilter, fmt: str, output: str | None, top: int
) -> None:
    from ..export import summary_text
    from ..query import summarize, tag_pages, unpublished_notes

    if fmt != "text":
        _emit_graph(shown, fmt, output, title=f"papervault: {Path(analysis.vault.root).name}")
        return
    drafts = 0 if view.include_drafts else len(unpublished_notes(analysis))
    pages = len(tag_pages(analysis.vault))
    _emit(summary_text(summarize(shown), top=top, drafts=drafts, tag_pages=pages), output)


def _centered(
    analysis: Analysis,
    shown: nx.MultiDiGraph,
    view: GraphFilter,
    mode: str,
    query: str,
    depth: int | None,
    fmt: str,
    output: str | None,
) -> None:
    from ..export import neighbourhood_text, note_text, paper_text
    from ..ids import kind_of, path_of
    from ..query import distances, find_node, find_paper, induced, note_report, paper_report, require_node

    if mode == "paper":
        center = find_paper(analysis.papers, query).id
    else:
        center = find_node(analysis, shown, query, cwd=os.getcwd())
    require_node(shown, center, view, analysis)
    kind = kind_of(center)
    title = analysis.vault.notes[path_of(center)].title if kind == "note" else center
    if fmt != "text":
        near = distances(shown, center, 1 if depth is None else depth)
        _emit_graph(induced(shown, near), fmt, output, title)
        return
    if kind == "note":
        report = note_text(note_report(analysis, shown, path_of(center), view))
    elif kind == "paper":
        report = paper_text(paper_report(analysis, shown, analysis.papers.papers[center], view))
    else:  # a tag or an unresolved target: its neighbourhood is the report
        report, depth = "", 1 if depth is None else depth
    if depth is not None:
        near = distances(shown, center, depth)
        report += ("\n" if report else "") + neighbourhood_text(induced(shown, near), near, depth)
    _emit(report, output)


def _path(
    analysis: Analysis,
    shown: nx.MultiDiGraph,
    view: GraphFilter,
    queries: list[str],
    fmt: str,
    output: str | None,
    undirected: bool,
) -> None:
    from ..export import path_text
    from ..ids import note_id
    from ..query import find_note, link_path, path_graph, require_node

    start, end = (note_id(find_note(analysis.vault, q, cwd=os.getcwd())) for q in queries)
    for node in (start, end):
        require_node(shown, node, view, analysis)
    directed, fallback = not undirected, False
    hops = link_path(shown, start, end, directed=directed)
    if hops is None and directed:
        # no path along the links: say how the notes connect at all
        directed, fallback = False, True
        hops = link_path(shown, start, end, directed=False)
    if fmt == "text":
        _emit(path_text(start, end, hops, directed=directed, fallback=fallback), output)
    elif hops is not None:
        if fallback:
            click.echo("note: no path along the links; this one ignores their direction", err=True)
        _emit_graph(path_graph(shown, hops, start), fmt, output, title=f"{queries[0]} -> {queries[1]}")
    else:
        click.echo(path_text(start, end, None, directed=False), err=True, nl=False)
    if hops is None:
        raise SystemExit(1)


def _emit_graph(graph: nx.MultiDiGraph, fmt: str, output: str | None, title: str) -> None:
    from ..export import MERMAID_MAX_EDGES, export

    if fmt == "mermaid" and graph.number_of_edges() > MERMAID_MAX_EDGES:
        click.echo(
            f"warning: {graph.number_of_edges()} edges; Mermaid draws at most {MERMAID_MAX_EDGES} by default"
            " (narrow it with NOTE --depth, --papers or --no-tags)",
            err=True,
        )
    text = export(graph, fmt, title=title)
    _emit(text, output, f"{graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges")


def _emit(text: str, output: str | None, what: str = "") -> None:
    if output is None or output == "-":
        click.echo(text, nl=False)
        return
    target = Path(output)
    try:
        target.write_text(text, encoding="utf-8", newline="")
    except OSError as error:
        raise click.FileError(output, hint=error.strerror or str(error)) from error
    click.echo(f"wrote {output}" + (f" ({what})" if what else ""), err=True)
