"""Backlinks: who links to, embeds, or cites the paper of each note. No networkx needed.

The backlinks of a note are the notes that link to it or embed it, plus the notes that
cite (by URL or id) a paper it describes. A note is never its own backlink. Used by the
write-back (``vault sync``) and by ``vault graph NOTE``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Literal, NamedTuple

from .incremental import EdgeFact
from .papers import PaperIndex

BacklinkKind = Literal["links", "embeds", "cites"]


class Backlink(NamedTuple):  # plain data built 100,000 times a run: a named tuple is cheapest
    """One place in ``source`` that points at a note: its line and section heading.

    The fields are in sort order: a note's backlinks sort by source, line and kind (then
    section and paper) as plain tuples. New fields go last.
    """

    source: str
    line: int
    kind: BacklinkKind
    section: str
    #: for ``cites``: the node id of the cited paper
    paper: str | None = None


def backlinks(edges: Mapping[str, Iterable[EdgeFact]], papers: PaperIndex) -> dict[str, list[Backlink]]:
    """Every note's backlinks, sorted by source note and line.

    ``edges`` are each note's resolved links to other notes (see
    :func:`papervault.incremental.edge_facts`).
    """
    found: dict[str, list[Backlink]] = {}
    for source, facts in edges.items():
        for target, embed, line, section in facts:
            kind: BacklinkKind = "embeds" if embed else "links"
            found.setdefault(target, []).append(Backlink(source, line, kind, section))
    for paper in papers.papers.values():
        for describer in paper.described_by:
            for citer, citations in paper.cited_by.items():
                if citer != describer:
                    first = citations[0]
                    entry = Backlink(citer, first.line, "cites", first.section, paper.id)
                    found.setdefault(describer, []).append(entry)
    for entries in found.values():
        entries.sort()  # by source, line, kind (then section, paper): the fields' order
    return found
