"""``vault graph`` through click's CliRunner, on copies of the example vault and of the real
vaults: every shape (summary, NOTE, --paper, path A B), every format, every filter, -o,
and the errors. Expected graphs come from the library (query.py), so the CLI is checked
to apply each filter identically to every format."""

from __future__ import annotations

import json
import re
import shlex
import shutil
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner, Result

from papervault import load_config, load_vault
from papervault.cli import main
from papervault.ids import note_id
from papervault.pipeline import Analysis
from papervault.query import GraphFilter, distances, graph_view, link_path, path_graph, summarize
from tests.conftest import REPO, VAULT_NAMES, shared_vault, write_vault
from tests.test_export import parse_mermaid, read_dot, read_gexf, read_graphml

SUMMARIES = "paper-summaries.md"
UED = "papers/Unsupervised environment design (SkT5Yg-RZ).md"
AZR = "papers/Absolute Zero.md"
DRAFT = "drafts/Self-play reading plan.md"
OWNER_CITES = ("arxiv:2504.19162", "openreview:O4cHTxW9BS", "openreview:SkT5Yg-RZ")


def run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["-C", str(root), "graph", *args])


def ok(root: Path, *args: str) -> Result:
    result = run(root, *args)
    assert result.exit_code == 0, (result.output, result.stderr)
    assert "Traceback" not in result.output and "internal error" not in result.stderr
    return result


def analyse(root: Path) -> Analysis:
    config = load_config(vault=root, overrides={"cache": False})
    return Analysis(config, load_vault(config=config, use_cache=False))


def section(text: str, title: str) -> list[str]:
    """The indented lines under the heading line that starts with ``title``."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(title))
    body = []
    for line in lines[start + 1 :]:
        if not line.startswith("  "):
            break
        body.append(line.strip())
    return body


def line_of(root: Path, path: str, text: str) -> int:
    lines = (root / path).read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if text in line)


@pytest.fixture
def vault(example_copy: Path) -> Path:
    return example_copy


# -- the summary ---------------------------------------------------------------------------


def test_summary_lists_the_papers_the_owners_note_cites(vault: Path) -> None:
    result = ok(vault)
    papers = section(result.stdout, "most-cited papers")
    assert papers[0].split() == ["notes", "paper", "described", "by"]
    rows = {row.split()[1]: row for row in papers[1:]}
    assert set(OWNER_CITES) <= set(rows)
    assert rows["openreview:SkT5Yg-RZ"].endswith(UED)
    assert rows["arxiv:2504.19162"].endswith("(no note)")
    assert rows["openreview:O4cHTxW9BS"].endswith("(no note)")
    # the cache was written into the copy, never into the repository's vault
    assert (vault / ".papervault").is_dir()


def test_summary_sections_in_order_and_stable(vault: Path) -> None:
    first = ok(vault).stdout
    assert ok(vault).stdout == first  # warm cache, same text
    titles = [line for line in first.splitlines() if line and not line.startswith((" ", "left out"))]
    assert [t.split(" (")[0] for t in titles[2:]] == [
        "most-cited papers",
        "most-linked notes",
        "orphans: no links in or out",
        "unresolved targets",
        "connected components",
    ]
    summary = summarize(graph_view(analyse(vault)))
    assert first.startswith(f"nodes  {sum(summary.nodes.values()):>6}   note {summary.nodes['note']}")
    assert "left out: 1 unpublished note (--include-drafts shows them)" in first
    assert "left out: 1 unpublished note" not in ok(vault, "--include-drafts").stdout


def test_summary_shows_orphans_unresolved_and_components(tmp_path: Path) -> None:
    root = write_vault(
        tmp_path,
        {"a.md": "[[b]] [[ghost]]\n", "b.md": "x\n", "lonely.md": "#tag\n", "c.md": "[[ghost]] [[ghost]]\n"},
    )
    text = ok(root).stdout
    assert section(text, "orphans") == ["c.md", "lonely.md"]  # a broken link connects nothing
    assert section(text, "unresolved targets") == [
        "notes  target  linked from",
        "2      ghost   a.md:1, c.md:1,1",
    ]
    assert section(text, "connected components") == ["2 nodes  a.md, b.md", "2 isolated nodes"]


def test_top_limits_every_list(tmp_path: Path) -> None:
    root = write_vault(tmp_path, {f"n{i}.md": f"[[m{i}]] arXiv:2504.1916{i}\n" for i in range(5)})
    text = ok(root, "--top", "2").stdout
    assert len(section(text, "most-cited papers")) == 1 + 2 + 1  # header, 2 rows, "... and 3 more"
    assert section(text, "most-cited papers")[-1] == "... and 3 more papers (--top N shows more)"
    assert len(section(text, "unresolved targets")) == 4
    assert len(section(ok(root, "--top", "10").stdout, "most-cited papers")) == 6


# -- vault graph NOTE ----------------------------------------------------------------------


def test_the_paper_note_shows_the_owners_note_citing_it(vault: Path) -> None:
    text = ok(vault, UED).stdout
    assert text.splitlines()[0] == UED
    cited = section(text, "backlinks: cited by")
    line = line_of(vault, SUMMARIES, "openreview.net/forum?id=SkT5Yg-RZ")
    assert len(cited) == 1
    assert cited[0].startswith(f"{SUMMARIES}:{line}  § Absolute Zero: Reinforced Self-play")
    assert cited[0].endswith("https://openreview.net/forum?id=SkT5Yg-RZ")
    linked = section(text, "backlinks: linked from")
    azr_line = line_of(vault, AZR, "[[Unsupervised environment design (SkT5Yg-RZ)|")
    assert f"{AZR}:{azr_line}  § Learnability reward" in linked
    assert not any(DRAFT in row for row in linked)  # drafts stay out by default
    assert any(
        DRAFT in row for row in section(ok(vault, UED, "--include-drafts").stdout, "backlinks: linked")
    )
    assert "describes  openreview:SkT5Yg-RZ" in text


def test_the_owners_note_lists_its_links_and_citations(vault: Path) -> None:
    text = ok(vault, "paper-summaries").stdout
    cites = section(text, "cites")
    assert [row.split()[2] for row in cites] == sorted(
        OWNER_CITES, key=lambda p: (int(cites_line(cites, p)), p)
    )
    assert any(row.endswith(UED) for row in cites)
    assert section(text, "links to") == ["none"]


def cites_line(rows: list[str], paper: str) -> str:
    return next(row.split()[1] for row in rows if paper in row)


@pytest.mark.parametrize(
    "query",
    [
        UED,
        UED.removesuffix(".md"),
        "Unsupervised environment design (SkT5Yg-RZ)",
        "unsupervised ENVIRONMENT design (skt5yg-rz)",
        "Unsupervised environment design (OpenReview SkT5Yg-RZ)",  # the title
    ],
)
def test_note_by_path_name_or_title(vault: Path, query: str) -> None:
    assert ok(vault, query).stdout.splitlines()[0] == UED


def test_note_by_alias_and_file_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_vault(
        tmp_path / "v", {"deep/Attention.md": "---\naliases: [AIAYN]\n---\n[[b]]\n", "b.md": "x\n"}
    )
    assert ok(root, "aiayn").stdout.startswith("deep/Attention.md\n")
    monkeypatch.chdir(tmp_path)
    assert ok(root, "v/deep/Attention.md").stdout.startswith("deep/Attention.md\n")


def test_ambiguous_note_is_exit_2_with_candidates(tmp_path: Path) -> None:
    root = write_vault(tmp_path, {"a/Overview.md": "x\n", "b/Overview.md": "y\n"})
    result = run(root, "Overview")
    assert result.exit_code == 2
    assert "'Overview' is ambiguous: 2 notes have this name" in result.stderr
    assert "  a/Overview.md" in result.stderr and "  b/Overview.md" in result.stderr
    assert ok(root, "a/Overview").stdout.startswith("a/Overview.md\n")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["Absolut"], "no note is named 'Absolut'; did you mean: papers/Absolute Zero.md"),
        ([DRAFT], "is not published (a draft); add --include-drafts"),
        (["tags/paper.md"], "is a tag page written by vault sync; see `vault graph tag:paper`"),
        (["--kind", "paper", UED], "filters leave note nodes out"),
        (["--paper", "2101.00001"], "arxiv:2101.00001: no note cites or describes this paper"),
        (["--paper", "hello"], "'hello' is not an arXiv or OpenReview id or paper URL"),
        (["--kind", "tag", "--papers"], "these filters leave no node kind to show"),
    ],
)
def test_not_found_and_filtered_out_are_exit_2(vault: Path, args: list[str], message: str) -> None:
    result = run(vault, *args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["a", "b"], "expected no argument, one NOTE, or `path A B`"),
        (["path", "a", "b", "c"], "expected no argument"),
        (["index", "--paper", "2504.19162"], "either NOTE or --paper"),
        (["--depth", "2"], "--depth needs a NOTE or --paper"),
        (["path", "index", SUMMARIES, "--depth", "1"], "--depth does not apply to a path"),
        (["index", "--undirected"], "--undirected applies only"),
        (["index", "--depth", "-1"], "-1 is not in the range"),
        (["--format", "svg"], "'svg' is not one of"),
        (["--kind", "notes"], "'notes' is not one of"),
    ],
)
def test_usage_errors_are_exit_2(vault: Path, args: list[str], message: str) -> None:
    result = run(vault, *args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_depth_adds_the_neighbourhood(vault: Path) -> None:
    text = ok(vault, "index", "--depth", "2").stdout
    rows = section(text, "neighbourhood, depth 2")
    expected = distances(graph_view(analyse(vault)), note_id("index.md"), 2)
    assert len(rows) == len(expected)
    assert rows[0].split()[:3] == ["0", "note", "index.md"]
    assert [int(row.split()[0]) for row in rows] == sorted(expected.values())
    assert "neighbourhood" not in ok(vault, "index").stdout


def test_a_tag_or_paper_as_note_argument(vault: Path) -> None:
    rows = section(ok(vault, "tag:paper").stdout, "neighbourhood, depth 1")
    assert rows[0].split() == ["0", "tag", "tag:paper"]
    tagged = {note for note in (AZR, UED, "papers/Procedural Knowledge in Pretraining.md")}
    assert {row.split("  ")[2] for row in rows[1:]} == tagged
    assert ok(vault, "2504.19162").stdout.startswith("arxiv:2504.19162\n")


# -- vault graph --paper ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "form",
    [
        "openreview:SkT5Yg-RZ",
        "SkT5Yg-RZ",
        "https://openreview.net/forum?id=SkT5Yg-RZ",
        "https://openreview.net/forum?id=SkT5Yg-RZ&noteId=abcdefghij",
        "https://openreview.net/pdf?id=SkT5Yg-RZ",
        "openreview.net/forum?id=SkT5Yg-RZ",
    ],
)
def test_paper_by_any_openreview_form(vault: Path, form: str) -> None:
    text = ok(vault, "--paper", form).stdout
    assert text.splitlines()[0] == "openreview:SkT5Yg-RZ"
    assert section(text, "described by") == [UED]
    line = line_of(vault, SUMMARIES, "openreview.net/forum?id=SkT5Yg-RZ")
    cited = section(text, "cited by")
    assert len(cited) == 1 and cited[0].startswith(f"{SUMMARIES}:{line}  § Absolute Zero")


@pytest.mark.parametrize(
    "form",
    [
        "arxiv:2504.19162",
        "arXiv:2504.19162",
        "2504.19162v2",
        "https://arxiv.org/abs/2504.19162",
        "https://arxiv.org/pdf/2504.19162v2",
        "arxiv.org/abs/2504.19162v1",
        "https://doi.org/10.48550/arXiv.2504.19162",
        "https://huggingface.co/papers/2504.19162",
    ],
)
def test_paper_by_any_arxiv_form(vault: Path, form: str) -> None:
    text = ok(vault, "--paper", form).stdout
    assert text.splitlines()[0] == "arxiv:2504.19162"
    assert section(text, "described by") == ["no note (a missing paper note)"]
    assert [row.split()[0].split(":")[0] for row in section(text, "cited by")] == [SUMMARIES]


def test_paper_merged_ids_and_no_citations(vault: Path) -> None:
    text = ok(vault, "--paper", "openreview:1hQKHHUsMx").stdout
    assert text.splitlines()[:2] == ["arxiv:2411.12580", "  also   openreview:1hQKHHUsMx"]
    assert "cited by (0 notes, 0 citations)" in text


# -- vault graph path A B --------------------------------------------------------------------


def test_path_through_a_citation(vault: Path) -> None:
    result = ok(vault, "path", "paper-summaries", "Unsupervised environment design (SkT5Yg-RZ)")
    lines = result.stdout.splitlines()
    assert lines[0] == f"{SUMMARIES} -> {UED}: 2 steps"
    assert lines[1].split() == ["0", SUMMARIES]
    assert lines[2].split()[:3] == ["1", "openreview:SkT5Yg-RZ", "cites"]
    assert lines[3].startswith(f"  2  {UED}") and "is described by" in lines[3]


def test_path_falls_back_to_ignoring_direction(vault: Path) -> None:
    lines = ok(vault, "path", SUMMARIES, "index").stdout.splitlines()
    assert lines[0] == f"no path along the links from {SUMMARIES} to index.md"
    assert lines[1] == f"{SUMMARIES} -> index.md: 1 step (ignoring link direction)"
    assert "is linked from (index.md:" in lines[3]
    assert (
        ok(vault, "path", SUMMARIES, "index", "--undirected")
        .stdout.splitlines()[0]
        .endswith("(ignoring link direction)")
    )
    exported = ok(vault, "path", SUMMARIES, "index", "--format", "json")
    assert "no path along the links; this one ignores their direction" in exported.stderr
    assert {n["id"] for n in json.loads(exported.stdout)["nodes"]} == {
        note_id(SUMMARIES),
        note_id("index.md"),
    }


def test_no_path_is_exit_1(tmp_path: Path) -> None:
    root = write_vault(tmp_path, {"a.md": "[[b]]\n", "b.md": "x\n", "c.md": "alone\n"})
    result = run(root, "path", "a", "c")
    assert result.exit_code == 1
    assert result.stdout == "no path along the links from a.md to c.md (nor ignoring their direction)\n"
    result = run(root, "path", "a", "c", "--format", "json")
    assert result.exit_code == 1 and result.stdout == "" and "no path" in result.stderr


def test_a_note_named_path_is_still_reachable(tmp_path: Path) -> None:
    root = write_vault(tmp_path, {"path.md": "[[a]]\n", "a.md": "[[b]]\n", "b.md": "x\n"})
    assert ok(root, "path").stdout.startswith("path.md\n")  # one argument: a note
    assert ok(root, "path.md").stdout.startswith("path.md\n")
    assert ok(root, "path", "path", "b").stdout.splitlines()[0] == "path.md -> b.md: 2 steps"


# -- formats ---------------------------------------------------------------------------------


def read_back(fmt: str, text: str) -> set[str]:
    """The node ids a written graph holds, read back with the format's reader."""
    if fmt == "json":
        return set(nx.node_link_graph(json.loads(text), edges="edges"))
    if fmt == "graphml":
        return set(read_graphml(text))
    if fmt == "gexf":
        return set(read_gexf(text))
    if fmt == "dot":
        return {name.replace("\\\\", "\\") for name in read_dot(text)}
    if fmt == "html":  # the graph data embedded in the page, which the page draws
        blocks = re.findall(r'<script type="application/json" id="pv-data">(.*?)</script>', text, re.S)
        assert len(blocks) == 1
        return {node["id"] for node in json.loads(blocks[0])["nodes"]}
    assert fmt == "mermaid"
    nodes, _, _ = parse_mermaid(text)
    return {f"#{i}" for i in nodes}  # Mermaid ids are numbers: compared by count


FORMATS = ["json", "graphml", "gexf", "dot", "mermaid", "html"]


def expected_nodes(root: Path, view: GraphFilter, center: str | None = None, depth: int = 1) -> set[str]:
    shown = graph_view(analyse(root), view)
    return set(distances(shown, center, depth)) if center else set(shown)


def check_nodes(fmt: str, text: str, expected: set[str]) -> None:
    found = read_back(fmt, text)
    if fmt == "mermaid":
        assert len(found) == len(expected)
    else:
        assert found == expected


@pytest.mark.parametrize("fmt", FORMATS)
def test_whole_graph_in_every_format(vault: Path, fmt: str) -> None:
    check_nodes(fmt, ok(vault, "--format", fmt).stdout, expected_nodes(vault, GraphFilter()))


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("depth", [None, "0", "2"])
def test_neighbourhood_in_every_format(vault: Path, fmt: str, depth: str | None) -> None:
    args = [UED, "--format", fmt] + (["--depth", depth] if depth else [])
    expected = expected_nodes(vault, GraphFilter(), note_id(UED), int(depth or 1))
    check_nodes(fmt, ok(vault, *args).stdout, expected)


@pytest.mark.parametrize("fmt", FORMATS)
def test_paper_neighbourhood_and_path_in_every_format(vault: Path, fmt: str) -> None:
    text = ok(vault, "--paper", "https://openreview.net/forum?id=SkT5Yg-RZ", "--format", fmt).stdout
    check_nodes(fmt, text, expected_nodes(vault, GraphFilter(), "openreview:SkT5Yg-RZ"))
    shown = graph_view(analyse(vault))
    hops = link_path(shown, note_id(SUMMARIES), note_id(UED))
    assert hops is not None
    expected = set(path_graph(shown, hops, note_id(SUMMARIES)))
    check_nodes(fmt, ok(vault, "path", SUMMARIES, UED, "--format", fmt).stdout, expected)


FILTERS = [
    ([], GraphFilter()),
    (["--include-drafts"], GraphFilter(include_drafts=True)),
    (["--no-tags"], GraphFilter.from_options(no_tags=True)),
    (["--papers"], GraphFilter.from_options(papers=True)),
    (["--kind", "note"], GraphFilter.from_options(["note"])),
    (["--kind", "paper", "--kind", "tag"], GraphFilter.from_options(["paper", "tag"])),
    (["--papers", "--include-drafts"], GraphFilter.from_options(papers=True, include_drafts=True)),
]


@pytest.mark.parametrize(("args", "view"), FILTERS, ids=lambda v: " ".join(v) if isinstance(v, list) else "")
@pytest.mark.parametrize("fmt", FORMATS)
def test_filters_apply_identically_to_every_format(
    vault: Path, args: list[str], view: GraphFilter, fmt: str
) -> None:
    check_nodes(fmt, ok(vault, *args, "--format", fmt).stdout, expected_nodes(vault, view))


@pytest.mark.parametrize(("args", "view"), FILTERS, ids=lambda v: " ".join(v) if isinstance(v, list) else "")
def test_filters_apply_to_the_summary_and_to_neighbourhoods(
    vault: Path, args: list[str], view: GraphFilter
) -> None:
    counts = summarize(graph_view(analyse(vault), view)).nodes
    first = ok(vault, *args).stdout.splitlines()[0]
    assert first.endswith("  ".join(f"{k} {n}" for k, n in counts.items()))
    if "note" in view.kinds:
        data = json.loads(ok(vault, *args, "index", "--depth", "1", "--format", "json").stdout)
        assert {n["id"] for n in data["nodes"]} == expected_nodes(vault, view, note_id("index.md"))


def test_papers_filter_is_the_citation_graph(vault: Path) -> None:
    data = json.loads(ok(vault, "--papers", "--format", "json").stdout)
    assert {n["kind"] for n in data["nodes"]} == {"note", "paper"}
    assert {e["kind"] for e in data["edges"]} <= {"links", "embeds", "cites", "describes"}
    cited = {e["target"] for e in data["edges"] if e["source"] == note_id(SUMMARIES) and e["kind"] == "cites"}
    assert cited == set(OWNER_CITES)


def test_json_output_is_stable_and_sorted(vault: Path) -> None:
    first = ok(vault, "--format", "json").stdout
    assert ok(vault, "--format", "json").stdout == first
    data = json.loads(first)
    assert first == json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    assert [n["id"] for n in data["nodes"]] == sorted(n["id"] for n in data["nodes"])


def test_html_format(vault: Path) -> None:
    pytest.importorskip("papervault.html")
    text = ok(vault, "--format", "html").stdout
    assert text.lstrip().lower().startswith("<!doctype html")
    assert "Paper Summaries" in text


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("graph.json", "json"),
        ("graph.graphml", "graphml"),
        ("graph.gexf", "gexf"),
        ("graph.dot", "dot"),
        ("graph.gv", "dot"),
        ("graph.mmd", "mermaid"),
        ("graph.txt", "text"),
    ],
)
def test_output_file_and_format_from_its_suffix(vault: Path, tmp_path: Path, name: str, fmt: str) -> None:
    target = tmp_path / name
    result = ok(vault, "-o", str(target))
    assert result.stdout == ""
    written = target.read_text(encoding="utf-8")
    if fmt == "text":
        assert written == ok(vault).stdout
        assert result.stderr.strip() == f"wrote {target}"
    else:
        assert written == ok(vault, "--format", fmt).stdout
        nodes = len(expected_nodes(vault, GraphFilter()))
        assert f"wrote {target} ({nodes} nodes," in result.stderr


def test_explicit_format_wins_over_the_suffix(vault: Path, tmp_path: Path) -> None:
    target = tmp_path / "graph.txt"
    ok(vault, "--format", "json", "-o", str(target))
    json.loads(target.read_text(encoding="utf-8"))


def test_unwritable_output_is_reported(vault: Path, tmp_path: Path) -> None:
    result = run(vault, "-o", str(tmp_path / "missing" / "graph.json"))
    assert result.exit_code == 1
    assert "Could not open file" in result.stderr and "Traceback" not in result.output


def test_mermaid_warns_when_too_big_to_draw(tmp_path: Path) -> None:
    root = write_vault(tmp_path, {f"n{i}.md": "".join(f"[[m{j}]]\n" for j in range(30)) for i in range(20)})
    result = ok(root, "--format", "mermaid")
    assert "warning: 600 edges; Mermaid draws at most 500" in result.stderr
    assert "warning" not in ok(root, "n1", "--format", "mermaid").stderr


# -- the real vaults -------------------------------------------------------------------------


@pytest.fixture(params=VAULT_NAMES)
def real_copy(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    return Path(shutil.copytree(shared_vault(request.param), tmp_path / request.param))


def test_every_shape_on_the_real_vaults(real_copy: Path) -> None:
    analysis = analyse(real_copy)
    shown = graph_view(analysis)
    summary = summarize(shown)
    text = ok(real_copy).stdout
    rows = section(text, "most-linked notes")
    if summary.notes:
        assert rows[1].split()[1] == summary.notes[0].path.split()[0]
    for fmt in ("json", "mermaid"):  # every format's round trip on these vaults: test_export.py
        check_nodes(
            fmt,
            ok(real_copy, "--format", fmt, "--include-drafts").stdout,
            set(analysis.graph) - tag_pages_of(analysis),
        )
    top = summary.notes[0].path
    note = ok(real_copy, top).stdout
    assert note.startswith(top + "\n")
    linked = section(note, "backlinks: linked from")
    assert len(linked) == len(summary.notes[0].linked_from) or linked != ["none"]
    data = json.loads(ok(real_copy, top, "--depth", "2", "--format", "json", "--no-tags").stdout)
    assert {n["id"] for n in data["nodes"]} == expected_nodes(
        real_copy, GraphFilter.from_options(no_tags=True), note_id(top), 2
    )
    if summary.papers:
        paper = summary.papers[0]
        text = ok(real_copy, "--paper", paper.id).stdout
        assert {row.split(":")[0] for row in section(text, "cited by")} == set(paper.citers)
    # a path between the two most-linked notes, whichever way it goes
    if len(summary.notes) > 1:
        result = run(real_copy, "path", summary.notes[1].path, top)
        assert result.exit_code in (0, 1) and "Traceback" not in result.output


def tag_pages_of(analysis: Analysis) -> set[str]:
    from papervault.query import tag_pages

    return {note_id(p) for p in tag_pages(analysis.vault)}


def test_help_shows_every_shape() -> None:
    result = CliRunner().invoke(main, ["graph", "--help"])
    assert result.exit_code == 0
    for shape in ("vault graph NOTE", "vault graph --paper ID", "vault graph path A B", "--include-drafts"):
        assert shape in result.output


# -- the documentation -----------------------------------------------------------------------

DOCS = (REPO / "docs" / "graph.md", REPO / "README.md")


def documented_runs(text: str) -> list[tuple[str, str]]:
    """(command, output) for each `$ vault graph ...` line of a console block (pipes are
    left out) and each block marked ``<!-- the output of: COMMAND -->``."""
    runs: list[tuple[str, str]] = []
    for block in re.findall(r"```console\n(.*?)```", text, re.S):
        for command, output in re.findall(r"^\$ (vault graph[^\n]*)\n((?:(?!\$ )[^\n]*\n)*)", block, re.M):
            if "|" not in command:
                runs.append((command, output))
    for command, output in re.findall(r"<!-- the output of: (.*?) -->\n```\w+\n(.*?)```", text, re.S):
        runs.append((command, output))
    return runs


def test_every_example_in_the_docs_is_a_real_run(example_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The outputs in docs/graph.md and the README are what the commands print on the example vault, run
    at the repository root (where the configuration names the example vault)."""
    runs = [run for doc in DOCS for run in documented_runs(doc.read_text(encoding="utf-8"))]
    assert len(runs) >= 15
    (example_copy.parent / "papervault.toml").write_text('vault = "vault"\n', encoding="utf-8")
    monkeypatch.chdir(example_copy.parent)
    for command, output in runs:
        result = CliRunner().invoke(main, shlex.split(command)[1:])
        assert result.stdout + result.stderr == output, command
