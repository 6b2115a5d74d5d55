"""Paper identity (issue 4): one paper per paper, whatever form cites it, connected to the
note that describes it. On the example vault, on small vaults made for each rule, and as
properties over random vaults."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from papervault import load_config, load_vault
from papervault.ids import kind_of, note_id
from papervault.model import Vault
from papervault.papers import PaperIndex, index_papers
from papervault.pipeline import Analysis
from tests.conftest import EXAMPLE_VAULT, write_vault


def analyse(root: Path) -> Analysis:
    config = load_config(vault=root, overrides={"cache": False})
    return Analysis(config, load_vault(config=config, use_cache=False))


def small_vault(tmp_path: Path, files: dict[str, str]) -> tuple[Vault, PaperIndex]:
    vault = load_vault(write_vault(tmp_path, files), use_cache=False)
    return vault, index_papers(vault)


# -- the example vault -----------------------------------------------------------------------

SUMMARIES = "paper-summaries.md"


@pytest.fixture(scope="module")
def example() -> Analysis:
    return analyse(EXAMPLE_VAULT)


def test_every_paper_the_owners_note_cites_is_exactly_one_paper_node(example: Analysis) -> None:
    cited = {c.id for c in example.vault.notes[SUMMARIES].citations}
    assert cited == {"arxiv:2504.19162", "openreview:O4cHTxW9BS", "openreview:SkT5Yg-RZ"}
    graph = example.graph
    paper_nodes = {node: data for node, data in graph.nodes(data=True) if data["kind"] == "paper"}
    for paper_id in cited:
        holders = [node for node, data in paper_nodes.items() if paper_id in data["ids"]]
        assert len(holders) == 1, (paper_id, holders)
        assert graph.has_edge(note_id(SUMMARIES), holders[0], "cites")
    # no paper node is an alias of another: every id belongs to one node
    all_ids = [i for data in paper_nodes.values() for i in data["ids"]]
    assert len(all_ids) == len(set(all_ids))
    assert all(kind_of(node) == "paper" for node in paper_nodes)


def test_a_cited_paper_with_a_paper_note_is_connected_to_it(example: Analysis) -> None:
    ued = "papers/Unsupervised environment design (SkT5Yg-RZ).md"
    graph = example.graph
    assert graph.has_edge(note_id(ued), "openreview:SkT5Yg-RZ", "describes")
    assert graph.nodes["openreview:SkT5Yg-RZ"]["note"] == ued
    assert graph.nodes["openreview:SkT5Yg-RZ"]["count"] == 1
    # the two papers without a note are the reading list, and nothing describes them
    missing = [p.id for p in example.papers.missing()]
    assert missing == ["arxiv:2504.19162", "openreview:O4cHTxW9BS"]
    for paper_id in missing:
        assert not [u for u, _, kind in graph.in_edges(paper_id, keys=True) if kind == "describes"]


def test_a_note_naming_both_ids_makes_one_paper(example: Analysis) -> None:
    note = "papers/Procedural Knowledge in Pretraining.md"
    by_arxiv = example.papers.get("arxiv:2411.12580")
    by_openreview = example.papers.get("openreview:1hQKHHUsMx")
    assert by_arxiv is by_openreview is not None
    assert by_arxiv.ids == ["arxiv:2411.12580", "openreview:1hQKHHUsMx"]
    assert by_arxiv.described_by == [note]
    assert "openreview:1hQKHHUsMx" not in example.graph
    assert example.graph.has_edge(note_id(note), "arxiv:2411.12580", "describes")


def test_the_example_vault_has_no_paper_findings(example: Analysis) -> None:
    assert example.papers.diagnostics == []


# -- one paper per paper ---------------------------------------------------------------------

# the same paper in every form a note may cite it (identifiers.md §1.3)
ARXIV_FORMS = [
    "https://arxiv.org/abs/2504.19162",
    "https://arxiv.org/pdf/2504.19162v2",
    "https://arxiv.org/pdf/2504.19162v2.pdf",
    "http://export.arxiv.org/abs/2504.19162",
    "https://arxiv.org/html/2504.19162v1/x1.png",
    "arXiv:2504.19162",
    "arxiv: 2504.19162v3",
    "https://doi.org/10.48550/arXiv.2504.19162",
    "doi: 10.48550/arXiv.2504.19162",
    "https://ar5iv.labs.arxiv.org/html/2504.19162",
    "https://huggingface.co/papers/2504.19162",
    "https://www.alphaxiv.org/abs/2504.19162",
    "[the paper](https://arxiv.org/abs/2504.19162?context=cs.LG#S3)",
]
OPENREVIEW_FORMS = [
    "https://openreview.net/forum?id=SkT5Yg-RZ",
    "https://openreview.net/forum?id=SkT5Yg-RZ&noteId=abcdefghij",
    "https://openreview.net/pdf?id=SkT5Yg-RZ",
    "<https://openreview.net/forum?id=SkT5Yg-RZ>",
]


@pytest.mark.parametrize(
    ("forms", "paper_id"), [(ARXIV_FORMS, "arxiv:2504.19162"), (OPENREVIEW_FORMS, "openreview:SkT5Yg-RZ")]
)
def test_every_form_in_a_different_note_is_one_paper(tmp_path: Path, forms: list[str], paper_id: str) -> None:
    files = {f"note{i}.md": f"See {form} for details.\n" for i, form in enumerate(forms)}
    _, index = small_vault(tmp_path, files)
    assert list(index.papers) == [paper_id]
    paper = index.papers[paper_id]
    assert sorted(paper.cited_by) == sorted(files)
    assert paper.count == len(forms)
    assert index.missing() == [paper]


def test_abs_pdf_text_and_doi_in_four_notes_are_one_paper(tmp_path: Path) -> None:
    files = {
        "a.md": "[abs](https://arxiv.org/abs/2504.19162)",
        "b.md": "pdf: https://arxiv.org/pdf/2504.19162v2.pdf.",
        "c.md": "As shown in arXiv:2504.19162, self-play works.",
        "d.md": "doi:10.48550/arXiv.2504.19162",
    }
    analysis = analyse(write_vault(tmp_path, files))
    paper_nodes = [n for n, kind in analysis.graph.nodes(data="kind") if kind == "paper"]
    assert paper_nodes == ["arxiv:2504.19162"]
    assert analysis.graph.nodes["arxiv:2504.19162"]["count"] == 4
    assert analysis.graph.nodes["arxiv:2504.19162"]["versions"] == ["v2"]
    cites = sorted(
        u for u, _, kind in analysis.graph.in_edges("arxiv:2504.19162", keys=True) if kind == "cites"
    )
    assert cites == [note_id(name) for name in sorted(files)]


def test_versions_seen_are_collected_on_one_paper(tmp_path: Path) -> None:
    _, index = small_vault(
        tmp_path,
        {
            "a.md": "https://arxiv.org/abs/2504.19162v2",
            "b.md": "https://arxiv.org/abs/2504.19162",
        },
    )
    assert list(index.papers) == ["arxiv:2504.19162"]
    assert index.papers["arxiv:2504.19162"].versions == {"v2"}
    assert index.papers["arxiv:2504.19162"].count == 2


def test_versions_from_frontmatter_and_text_are_merged(tmp_path: Path) -> None:
    _, index = small_vault(
        tmp_path,
        {
            "paper.md": '---\narxiv: "2504.19162v1"\n---\nThe paper.',
            "a.md": "https://arxiv.org/pdf/2504.19162v3",
        },
    )
    assert index.papers["arxiv:2504.19162"].versions == {"v1", "v3"}


def test_ids_named_together_merge_even_when_cited_apart(tmp_path: Path) -> None:
    _, index = small_vault(
        tmp_path,
        {
            "papers/Procedural.md": '---\narxiv: "2411.12580"\nopenreview: 1hQKHHUsMx\n---\nNotes.',
            "a.md": "The ICLR version: https://openreview.net/forum?id=1hQKHHUsMx",
            "b.md": "The preprint: https://arxiv.org/abs/2411.12580v2",
        },
    )
    assert list(index.papers) == ["arxiv:2411.12580"]
    paper = index.papers["arxiv:2411.12580"]
    assert paper.note == "papers/Procedural.md"
    assert sorted(paper.cited_by) == ["a.md", "b.md"]
    assert index.get("openreview:1hQKHHUsMx") is paper
    assert index.missing() == []


def test_ids_are_never_merged_without_a_note_naming_both(tmp_path: Path) -> None:
    _, index = small_vault(
        tmp_path,
        {"a.md": "https://arxiv.org/abs/2411.12580 and https://openreview.net/forum?id=1hQKHHUsMx"},
    )
    assert sorted(index.papers) == ["arxiv:2411.12580", "openreview:1hQKHHUsMx"]


def test_openreview_ids_keep_case_and_a_trailing_hyphen(tmp_path: Path) -> None:
    _, index = small_vault(
        tmp_path,
        {
            "a.md": "https://openreview.net/forum?id=SkT5Yg-RZ-",
            "b.md": "https://openreview.net/forum?id=skt5yg-rz-",
        },
    )
    assert sorted(index.papers) == ["openreview:SkT5Yg-RZ-", "openreview:skt5yg-rz-"]


# -- paper notes ---------------------------------------------------------------------------

DESCRIBING_FRONTMATTER = [
    'arxiv: "2504.19162"',
    "arxiv: 2504.19162",  # an unquoted number still gives the right id
    "arxiv_id: arXiv:2504.19162v2",
    "doi: 10.48550/arXiv.2504.19162",
    "eprint: 2504.19162\neprinttype: arxiv",
    "eprint: 2504.19162\narchiveprefix: arXiv",
    "url: https://arxiv.org/abs/2504.19162",
    "pdf: https://arxiv.org/pdf/2504.19162v1.pdf",
    "link: https://huggingface.co/papers/2504.19162",
]


@pytest.mark.parametrize("frontmatter", DESCRIBING_FRONTMATTER)
def test_a_note_describes_the_paper_its_frontmatter_names(tmp_path: Path, frontmatter: str) -> None:
    _, index = small_vault(
        tmp_path,
        {
            "papers/Paper.md": f"---\n{frontmatter}\n---\nMy notes.",
            "citing.md": "Read https://arxiv.org/abs/2504.19162 next.",
        },
    )
    paper = index.papers["arxiv:2504.19162"]
    assert paper.described_by == ["papers/Paper.md"]
    assert list(paper.cited_by) == ["citing.md"]
    assert index.described_by("papers/Paper.md") == [paper]
    assert index.cited_in("citing.md") == [paper]


def test_citing_your_own_paper_is_not_a_citation(tmp_path: Path) -> None:
    analysis = analyse(
        write_vault(
            tmp_path,
            {
                "papers/Absolute Zero.md": (
                    '---\narxiv: "2505.03335"\nopenreview: O4cHTxW9BS\n---\n'
                    "Paper: https://arxiv.org/abs/2505.03335v2, forum https://openreview.net/forum?id=O4cHTxW9BS\n"
                ),
                "reader.md": "I read https://arxiv.org/pdf/2505.03335\n",
            },
        )
    )
    paper = analysis.papers.papers["arxiv:2505.03335"]
    assert list(paper.cited_by) == ["reader.md"]
    assert paper.versions == {"v2"}  # the version it names is still seen
    assert analysis.papers.cited_in("papers/Absolute Zero.md") == []
    graph = analysis.graph
    assert not graph.has_edge(note_id("papers/Absolute Zero.md"), "arxiv:2505.03335", "cites")
    assert graph.has_edge(note_id("papers/Absolute Zero.md"), "arxiv:2505.03335", "describes")
    assert graph.nodes["arxiv:2505.03335"]["count"] == 1


def test_a_paper_note_citing_another_paper_is_a_citation(tmp_path: Path) -> None:
    _, index = small_vault(
        tmp_path,
        {"papers/A.md": '---\narxiv: "2505.03335"\n---\nBuilds on arXiv:2504.19162.'},
    )
    assert list(index.papers["arxiv:2504.19162"].cited_by) == ["papers/A.md"]


def test_duplicate_paper_notes_give_pv304(tmp_path: Path) -> None:
    analysis = analyse(
        write_vault(
            tmp_path,
            {
                "papers/Absolute Zero.md": '---\ntitle: Absolute Zero\narxiv: "2505.03335"\n---\n',
                "inbox/AZR.md": "---\ntitle: AZR\ntags: [paper]\nurl: https://arxiv.org/pdf/2505.03335v1\n---\n",
                "other.md": "arXiv:2505.03335",
            },
        )
    )
    paper = analysis.papers.papers["arxiv:2505.03335"]
    assert paper.described_by == ["inbox/AZR.md", "papers/Absolute Zero.md"]
    assert paper.note == "inbox/AZR.md"
    findings = [d for d in analysis.diagnostics() if d.code == "PV304"]
    assert len(findings) == 1
    finding = findings[0]
    assert (finding.path, finding.line) == ("papers/Absolute Zero.md", 3)
    assert "inbox/AZR.md" in finding.message and "arxiv:2505.03335" in finding.message
    # both notes describe the paper in the graph; only one is its note
    graph = analysis.graph
    assert graph.has_edge(note_id("inbox/AZR.md"), "arxiv:2505.03335", "describes")
    assert graph.has_edge(note_id("papers/Absolute Zero.md"), "arxiv:2505.03335", "describes")


def test_duplicates_through_a_merged_id_give_pv304(tmp_path: Path) -> None:
    # one note names both ids; another names only the OpenReview one: the same paper
    analysis = analyse(
        write_vault(
            tmp_path,
            {
                "a.md": '---\narxiv: "2411.12580"\nopenreview: 1hQKHHUsMx\n---\n',
                "b.md": "---\nopenreview: 1hQKHHUsMx\n---\n",
            },
        )
    )
    assert [d.path for d in analysis.papers.diagnostics if d.code == "PV304"] == ["b.md"]


def test_code_and_comments_cite_nothing(tmp_path: Path) -> None:
    _, index = small_vault(
        tmp_path,
        {
            "a.md": (
                "`https://arxiv.org/abs/2504.19162`\n\n```\narXiv:2505.03335\n```\n\n"
                "    https://openreview.net/forum?id=SkT5Yg-RZ\n\n%%arXiv:2411.12580%%\n"
            )
        },
    )
    assert index.papers == {}


def test_missing_is_most_cited_first(tmp_path: Path) -> None:
    _, index = small_vault(
        tmp_path,
        {
            "a.md": "arXiv:2504.19162 arXiv:1706.03762 arXiv:1412.6980",
            "b.md": "arXiv:1706.03762 arXiv:1412.6980",
            "c.md": "arXiv:1706.03762",
            "papers/Adam.md": '---\narxiv: "1412.6980"\n---\n',
        },
    )
    assert [(p.id, p.count) for p in index.missing()] == [("arxiv:1706.03762", 3), ("arxiv:2504.19162", 1)]


# -- properties ------------------------------------------------------------------------------

POOL = ["2504.19162", "1706.03762", "hep-th/9711200", "1412.6980"]
OPENREVIEW_POOL = ["SkT5Yg-RZ", "O4cHTxW9BS", "1hQKHHUsMx"]
TEMPLATES = [
    "https://arxiv.org/abs/{}",
    "https://arxiv.org/pdf/{}v2.pdf",
    "arXiv:{}",
    "https://doi.org/10.48550/arXiv.{}",
    "https://huggingface.co/papers/{}",
]
cite = st.one_of(
    st.tuples(st.sampled_from(TEMPLATES), st.sampled_from(POOL)).map(
        lambda t: ("arxiv:" + t[1], t[0].format(t[1]))
    ),
    st.tuples(
        st.sampled_from(["https://openreview.net/forum?id={}", "https://openreview.net/pdf?id={}"]),
        st.sampled_from(OPENREVIEW_POOL),
    ).map(lambda t: ("openreview:" + t[1], t[0].format(t[1]))),
)
note_spec = st.tuples(
    st.lists(
        st.sampled_from(["arxiv:" + p for p in POOL] + ["openreview:" + p for p in OPENREVIEW_POOL]),
        max_size=2,
    ),
    st.lists(cite, max_size=4),
)


def _frontmatter(ids: list[str]) -> str:
    lines = []
    for key in ("arxiv", "openreview"):
        values = [i.split(":", 1)[1] for i in ids if i.startswith(key + ":")]
        if values:
            lines.append(f"{key}: " + "[" + ", ".join(f'"{v}"' for v in values) + "]")
    return "---\n" + "\n".join(lines) + "\n---\n" if lines else ""


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(notes=st.lists(note_spec, min_size=1, max_size=6))
def test_every_id_is_one_paper_and_counts_are_citing_notes(tmp_path_factory, notes) -> None:
    root = tmp_path_factory.mktemp("vault")
    files = {
        f"n{i}.md": _frontmatter(described) + " ".join(text for _, text in cited) + "\n"
        for i, (described, cited) in enumerate(notes)
    }
    vault = load_vault(write_vault(root, files), use_cache=False)
    index = index_papers(vault)

    # ids partition into papers: every id named anywhere maps to exactly one paper
    named = {c.id for n in vault.notes.values() for c in n.citations} | {
        r.id for n in vault.notes.values() for r in n.papers
    }
    assert set(index.canonical) == named
    assert sorted(i for p in index.papers.values() for i in p.ids) == sorted(named)
    # two ids share a paper exactly when a chain of notes names them together
    for paper in index.papers.values():
        for path, citations in paper.cited_by.items():
            assert citations and all(index.canonical[c.id] == paper.id for c in citations)
            assert paper.id not in {index.canonical[r.id] for r in vault.notes[path].papers}
        expected = {
            path
            for path, note in vault.notes.items()
            if any(index.canonical[c.id] == paper.id for c in note.citations)
            and paper.id not in {index.canonical[r.id] for r in note.papers}
        }
        assert set(paper.cited_by) == expected
        assert paper.count == len(expected)
        assert set(paper.described_by) == {
            path
            for path, note in vault.notes.items()
            if any(index.canonical[r.id] == paper.id for r in note.papers)
        }
    missing = index.missing()
    assert [p.count for p in missing] == sorted((p.count for p in missing), reverse=True)
    assert all(p.count and not p.described_by for p in missing)
