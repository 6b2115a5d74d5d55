"""Paper identity: every arXiv and OpenReview reference in the vault, one paper per paper.

A paper is known by one or more canonical ids (``arxiv:2411.12580``,
``openreview:1hQKHHUsMx``). Ids are merged into one paper only when a note's frontmatter
names them together (identifiers.md §3); nothing else links an arXiv id to an OpenReview
one. The paper's node id is its first arXiv id, else its first OpenReview id.

A note *describes* a paper when its frontmatter names it; it *cites* a paper when its text
does. Citing a paper you describe is not a citation of it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from .model import Citation, Diagnostic, Vault


@dataclass(slots=True)
class Paper:
    id: str
    ids: list[str] = field(default_factory=list)
    versions: set[str] = field(default_factory=set)
    #: notes whose frontmatter names the paper (more than one is a PV304 finding)
    described_by: list[str] = field(default_factory=list)
    #: citing note path -> its citations of this paper, in document order
    cited_by: dict[str, list[Citation]] = field(default_factory=dict)

    @property
    def scheme(self) -> str:
        return self.id.split(":", 1)[0]

    @property
    def note(self) -> str | None:
        """The describing note (the first, by path, when several claim the paper)."""
        return self.described_by[0] if self.described_by else None

    @property
    def count(self) -> int:
        """How many notes cite the paper."""
        return len(self.cited_by)


@dataclass(slots=True)
class PaperIndex:
    papers: dict[str, Paper] = field(default_factory=dict)
    #: any known id -> the paper's node id
    canonical: dict[str, str] = field(default_factory=dict)
    #: note path -> node ids of the papers it describes / cites
    by_describer: dict[str, list[str]] = field(default_factory=dict)
    by_citer: dict[str, list[str]] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def get(self, any_id: str) -> Paper | None:
        node = self.canonical.get(any_id)
        return self.papers.get(node) if node else None

    def described_by(self, note_path: str) -> list[Paper]:
        return [self.papers[i] for i in self.by_describer.get(note_path, ())]

    def cited_in(self, note_path: str) -> list[Paper]:
        return [self.papers[i] for i in self.by_citer.get(note_path, ())]

    def missing(self) -> list[Paper]:
        """Cited papers no note describes: the reading list, most cited first."""
        unread = [p for p in self.papers.values() if not p.described_by and p.cited_by]
        return sorted(unread, key=lambda p: (-p.count, p.id))


def index_papers(vault: Vault) -> PaperIndex:
    """Collect every paper named in frontmatter or cited in text, merging ids a note pairs."""
    # only ids a note pairs need merging; every other id is a paper of its own
    groups = _UnionFind()
    seen: dict[str, None] = {}
    for note in vault.notes.values():
        ids = [ref.id for ref in note.papers]
        seen.update(dict.fromkeys(ids))
        for other in ids[1:]:
            groups.add(ids[0])
            groups.add(other)
            groups.union(ids[0], other)
        seen.update(dict.fromkeys(c.id for c in note.citations))
    singles = [{paper_id} for paper_id in seen if paper_id not in groups.parent]

    index = PaperIndex()
    for members in [*groups.groups(), *singles]:
        ordered = sorted(members, key=lambda i: (not i.startswith("arxiv:"), i))
        paper = Paper(id=ordered[0], ids=ordered)
        index.papers[paper.id] = paper
        for member in ordered:
            index.canonical[member] = paper.id

    for path, note in vault.notes.items():
        described = {index.canonical[ref.id] for ref in note.papers}
        for ref in note.papers:
            paper = index.papers[index.canonical[ref.id]]
            if path not in paper.described_by:
                paper.described_by.append(path)
            if ref.version:
                paper.versions.add(ref.version)
        for citation in note.citations:
            paper = index.papers[index.canonical[citation.id]]
            if citation.version:
                paper.versions.add(citation.version)
            if paper.id not in described:
                paper.cited_by.setdefault(path, []).append(citation)

    index.papers = dict(sorted(index.papers.items()))
    for paper in index.papers.values():
        for path in paper.described_by:
            index.by_describer.setdefault(path, []).append(paper.id)
        for path in paper.cited_by:
            index.by_citer.setdefault(path, []).append(paper.id)
        if len(paper.described_by) > 1:
            index.diagnostics.extend(_duplicates(vault, paper))
    return index


def _duplicates(vault: Vault, paper: Paper) -> list[Diagnostic]:
    first, *others = paper.described_by
    found = []
    for path in others:
        ref = next(r for r in vault.notes[path].papers if r.id in paper.ids)
        message = f"{path} and {first} both describe {paper.id}; keep one paper note and link the other"
        found.append(Diagnostic(path, ref.line, 1, "PV304", message))
    return found


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def add(self, item: str) -> None:
        self.parent.setdefault(item, item)

    def find(self, item: str) -> str:
        root = item
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[item] != root:  # path compression
            self.parent[item], item = root, self.parent[item]
        return root

    def union(self, a: str, b: str) -> None:
        self.parent[self.find(a)] = self.find(b)

    def groups(self) -> list[set[str]]:
        found: dict[str, set[str]] = defaultdict(set)
        for item in self.parent:
            found[self.find(item)].add(item)
        return list(found.values())
