"""The graph page in a real browser: headless Chromium driven by playwright.

Every test opens a page rendered by ``papervault.html.render_html`` from file:// and asserts
on real state: what the page drew (through its read-only ``window.papervaultGraph`` hook),
what the side panel shows, what a screenshot contains. They skip when Chromium or
playwright is missing, unless PAPERVAULT_REQUIRE_BROWSER=1 (CI), where they fail.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from html_support import (
    CHROMIUM_ARGS,
    HOSTILE_TITLE,
    browser_required,
    chromium_executable,
    decode_png,
    expected_sections,
    hex_rgb,
    node_link,
    sample_graph,
)
from papervault.html import render_html

pytestmark = pytest.mark.browser

VIEWPORT = {"width": 1000, "height": 700}


def _unavailable(reason: str) -> None:
    if browser_required():
        pytest.fail(f"PAPERVAULT_REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install -e '.[test]')")
    executable = chromium_executable()
    if executable is None:
        _unavailable("Chromium is not installed (apt-get install chromium)")
    with sync_playwright() as playwright:
        # launch() gives every run a fresh temporary profile (--user-data-dir).
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@dataclass
class GraphPage:
    page: Any
    url: str
    problems: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def hook(self, expression: str, arg: Any = None) -> Any:
        """Evaluate ``window.papervaultGraph.<expression>``; ``arg`` is available as ``arg``."""
        return self.page.evaluate(f"(arg) => window.papervaultGraph.{expression}", arg)

    def drawn(self) -> dict[str, Any]:
        """Stats after a frame showing the current state has been drawn."""
        return self.page.evaluate("() => window.papervaultGraph.whenDrawn()")

    def click_node(self, node: str) -> None:
        position = self.hook("screenPosition(arg)", node)
        assert position is not None, f"{node} is not drawn"
        self.page.mouse.click(position["x"], position["y"])


def _open(context: Any, path: Path, data: dict, title: str) -> GraphPage:
    path.write_text(render_html(data, title=title), encoding="utf-8")
    page = context.new_page()
    result = GraphPage(page, path.as_uri())
    page.on("console", lambda m: m.type in ("error", "warning") and result.problems.append(m.text))
    page.on("pageerror", lambda e: result.problems.append(f"uncaught: {e}"))
    page.on("request", lambda r: result.requests.append(r.url))
    page.goto(result.url)
    page.wait_for_function("() => document.body.dataset.ready === '1'", timeout=20_000)
    return result


@pytest.fixture
def open_graph(browser: Any, tmp_path: Path) -> Iterator[Callable[..., GraphPage]]:
    """Opens a fresh page (in its own browser context) for a graph or node-link data."""
    contexts = []

    def open_page(graph: nx.MultiDiGraph | dict, *, title: str = "test graph") -> GraphPage:
        context = browser.new_context(viewport=VIEWPORT, device_scale_factor=1)
        contexts.append(context)
        data = graph if isinstance(graph, dict) else node_link(graph)
        return _open(context, tmp_path / f"graph{len(contexts)}.html", data, title)

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture(scope="module")
def _sample_page(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphPage]:
    context = browser.new_context(viewport=VIEWPORT, device_scale_factor=1)
    yield _open(context, tmp_path_factory.mktemp("html") / "sample.html", node_link(sample_graph()), "sample")
    context.close()


@pytest.fixture
def sample_view(_sample_page: GraphPage) -> GraphPage:
    """The sample graph's page, shared by tests that neither drag, pan nor zoom: reset to
    no selection, every toggle on, an empty search box and the fitted view."""
    view = _sample_page
    view.hook("select(null)")
    for box in view.page.locator("#pv-toggles input[type=checkbox]").all():
        box.check()
    view.page.fill("#pv-search", "")
    view.page.click("#pv-fit")
    view.page.locator("#pv-search").blur()
    view.drawn()
    view.problems.clear()
    return view


def kinds(graph: nx.MultiDiGraph) -> dict[str, str]:
    return {node: data["kind"] for node, data in graph.nodes(data=True)}


# --------------------------------------------------------------------------- rendering


def test_page_renders_every_node_and_edge_without_errors_or_network(open_graph):
    graph = sample_graph()
    view = open_graph(graph, title="Sample <vault>")
    stats = view.drawn()
    assert view.problems == []
    assert view.requests == [view.url]  # the page itself, nothing fetched
    assert view.page.title() == "Sample <vault>"
    assert stats["nodes"] == graph.number_of_nodes()
    assert stats["drawnNodes"] == graph.number_of_nodes()
    assert stats["drawnEdges"] == graph.number_of_edges()
    assert sorted(view.hook("visibleIds()")) == sorted(graph.nodes)
    assert view.page.locator("#pv-stats").inner_text().startswith(f"{graph.number_of_nodes()} nodes")


TOGGLES = {
    "tags": lambda data: data["kind"] == "tag",
    "papers": lambda data: data["kind"] == "paper",
    "unresolved": lambda data: data["kind"] == "unresolved",
    "drafts": lambda data: data["kind"] == "note" and data["draft"],
}


@pytest.mark.parametrize("toggle", sorted(TOGGLES))
def test_a_toggle_hides_exactly_its_nodes_and_brings_them_back(sample_view, toggle):
    graph = sample_graph()
    view = sample_view
    hidden = {node for node, data in graph.nodes(data=True) if TOGGLES[toggle](data)}
    assert hidden, "the sample graph must have nodes of every toggle"
    kept = set(graph.nodes) - hidden
    kept_edges = sum(1 for u, v in graph.edges() if u in kept and v in kept)

    view.page.click(f"#pv-toggle-{toggle}")
    stats = view.drawn()
    assert stats["drawnNodes"] == len(kept)
    assert stats["drawnEdges"] == kept_edges
    assert set(view.hook("visibleIds()")) == kept

    view.page.click(f"#pv-toggle-{toggle}")
    assert view.drawn()["drawnNodes"] == graph.number_of_nodes()
    assert view.problems == []


def test_all_toggles_off_leaves_the_published_notes(sample_view):
    graph = sample_graph()
    view = sample_view
    for toggle in TOGGLES:
        view.page.click(f"#pv-toggle-{toggle}")
    notes = {n for n, d in graph.nodes(data=True) if d["kind"] == "note" and not d["draft"]}
    assert view.drawn()["drawnNodes"] == len(notes)
    assert set(view.hook("visibleIds()")) == notes


def test_empty_graph_renders(open_graph):
    view = open_graph(nx.MultiDiGraph())
    assert view.drawn()["drawnNodes"] == 0
    assert view.page.locator("#pv-empty").is_visible()
    assert view.problems == []


def _odd_graph(case: str) -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    if case == "one note":
        graph.add_node("note:a.md", kind="note", path="a.md", title="A", tags=[], draft=False, aliases=[])
    elif case == "self link":
        graph.add_node("note:a.md", kind="note", path="a.md", title="A", tags=[], draft=False, aliases=[])
        graph.add_edge("note:a.md", "note:a.md", key="links", kind="links", count=3, lines=[1, 2, 3])
    elif case == "unknown kinds":
        graph.add_node("note:a.md", kind="note", path="a.md", title="A", tags=[], draft=False, aliases=[])
        graph.add_node("mystery:x", kind="mystery")
        graph.add_edge("note:a.md", "mystery:x", key="mentions", kind="mentions")
    return graph


@pytest.mark.parametrize("case", ["one note", "self link", "unknown kinds"])
def test_odd_graphs_render(open_graph, case):
    graph = _odd_graph(case)
    view = open_graph(graph)
    stats = view.drawn()
    assert stats["drawnNodes"] == graph.number_of_nodes()
    view.click_node("note:a.md")
    assert view.hook("panel()")["id"] == "note:a.md"
    assert view.problems == []


# --------------------------------------------------------------------------- search


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Attention Is All You Need", "note:papers/attention.md"),  # title
        ("transformer PAPER", "note:papers/attention.md"),  # alias, any case
        ("papers/bert", "note:papers/bert.md"),  # path without .md
        ("ideas/draft.md", "note:ideas/draft.md"),  # full path of a draft
        ("1706.03762", "arxiv:1706.03762"),  # bare arXiv id
        ("openreview:SkT5Yg-RZ", "openreview:SkT5Yg-RZ"),  # full node id
        ("Missing", "unresolved:Missing Note"),
        ("half", "note:ideas/draft.md"),  # a title prefix
    ],
)
def test_search_box_selects_the_right_node(sample_view, query, expected):
    view = sample_view
    view.page.fill("#pv-search", query)
    assert view.page.locator("#pv-results button").first.get_attribute("data-id") == expected
    view.page.press("#pv-search", "Enter")
    assert view.hook("selected") == expected
    assert view.hook("panel()")["id"] == expected
    assert view.drawn()["selected"] == expected


def test_search_hook_matches_the_box_and_ranks_exact_matches_first(sample_view):
    view = sample_view
    assert view.hook("search(arg)", "bert")[0] == "note:papers/bert.md"
    assert view.hook("selected") == "note:papers/bert.md"
    assert view.hook("search(arg)", "no such thing anywhere") == []
    assert view.hook("selected") == "note:papers/bert.md"  # a miss keeps the selection


def test_search_ignores_hidden_nodes(sample_view):
    view = sample_view
    view.page.click("#pv-toggle-papers")
    assert view.hook("search(arg)", "1706.03762") == []


# --------------------------------------------------------------------------- click and panel


@pytest.mark.parametrize(
    "node",
    [
        "note:paper-summaries.md",  # cites three papers, links to and embeds a paper note
        "note:papers/bert.md",  # a paper note: backlinks include the notes citing its paper
        "note:papers/attention.md",  # cited by a draft, links to an unresolved target
        "arxiv:1706.03762",  # a paper with a note
        "openreview:SkT5Yg-RZ",  # a paper without one
        "tag:ml/nlp",
        "unresolved:Missing Note",
    ],
)
def test_clicking_a_node_shows_its_neighbourhood(sample_view, node):
    graph = sample_graph()
    view = sample_view
    view.click_node(node)
    assert view.hook("selected") == node
    panel = view.hook("panel()")
    assert panel["id"] == node
    sections = {key: set(ids) for key, ids in panel["sections"].items()}
    assert sections == expected_sections(graph, node)
    data = graph.nodes[node]
    if data["kind"] == "note":
        assert panel["title"] == data["title"]
        assert panel["path"] == data["path"]
        assert panel["tags"] == data["tags"]
        assert panel["draft"] is data["draft"]
    assert view.page.locator("#pv-panel").is_visible()
    assert view.problems == []


def test_owner_note_panel_lists_cited_papers_with_their_notes(sample_view):
    view = sample_view
    view.click_node("note:paper-summaries.md")
    cites = view.page.locator('#pv-panel section[data-section="cites"] li')
    assert sorted(cites.all_inner_texts()) == [
        "arxiv:1706.03762",
        "arxiv:1810.04805",
        "openreview:SkT5Yg-RZ\nno note",
    ]
    backlinks = view.page.locator('#pv-panel section[data-section="backlinks"] li')
    assert backlinks.all_inner_texts() == ["Half-baked idea\ndraft\nline 1"]


def test_panel_link_navigates_and_empty_click_clears(sample_view):
    view = sample_view
    view.click_node("note:papers/bert.md")
    view.page.click('#pv-panel section[data-section="describes"] button[data-id="arxiv:1810.04805"]')
    assert view.hook("selected") == "arxiv:1810.04805"
    box = view.page.locator("#pv-canvas").bounding_box()
    corner = (box["x"] + 3, box["y"] + 3)
    assert view.hook("nodeAt(arg[0], arg[1])", corner) is None
    view.page.mouse.click(*corner)
    assert view.hook("selected") is None
    assert view.hook("panel()") is None
    assert view.page.locator("#pv-panel").is_hidden()


def test_following_a_panel_link_to_a_hidden_node_shows_it_again(sample_view):
    view = sample_view
    view.page.click("#pv-toggle-papers")
    view.hook("select(arg)", "note:paper-summaries.md")
    papers = {n for n, d in sample_graph().nodes(data=True) if d["kind"] == "paper"}
    assert view.drawn()["drawnNodes"] == sample_graph().number_of_nodes() - len(papers)
    view.page.click('#pv-panel section[data-section="cites"] button[data-id="arxiv:1810.04805"]')
    assert view.page.is_checked("#pv-toggle-papers")
    assert view.hook("selected") == "arxiv:1810.04805"
    assert view.drawn()["drawnNodes"] == sample_graph().number_of_nodes()


def test_tag_chip_selects_the_tag_node(sample_view):
    view = sample_view
    view.hook("select(arg)", "note:papers/attention.md")
    view.page.click('#pv-panel .pv-chip[data-tag="ml/NLP"]')
    assert view.hook("selected") == "tag:ml/nlp"


# --------------------------------------------------------------------------- pan, zoom, drag


def test_dragging_empty_space_pans_and_the_wheel_zooms(open_graph):
    view = open_graph(sample_graph())
    node = "note:paper-summaries.md"
    before = view.hook("screenPosition(arg)", node)
    box = view.page.locator("#pv-canvas").bounding_box()
    start = (box["x"] + 5, box["y"] + box["height"] - 150)
    assert view.hook("nodeAt(arg[0], arg[1])", start) is None
    view.page.mouse.move(*start)
    view.page.mouse.down()
    view.page.mouse.move(start[0] + 60, start[1] - 40, steps=5)
    view.page.mouse.up()
    after = view.hook("screenPosition(arg)", node)
    assert (after["x"] - before["x"], after["y"] - before["y"]) == pytest.approx((60, -40), abs=0.5)
    assert view.hook("selected") is None  # a pan is not a click

    zoom = view.drawn()["zoom"]
    view.page.mouse.move(after["x"], after["y"])
    view.page.mouse.wheel(0, -300)
    view.page.wait_for_timeout(50)
    assert view.drawn()["zoom"] > zoom * 1.3
    fixed = view.hook("screenPosition(arg)", node)  # zooming keeps the point under the cursor
    assert (fixed["x"], fixed["y"]) == pytest.approx((after["x"], after["y"]), abs=0.5)


def test_dragging_a_node_moves_it(open_graph):
    view = open_graph(sample_graph())
    node = "note:orphan.md"
    start = view.hook("screenPosition(arg)", node)
    view.page.mouse.move(start["x"], start["y"])
    view.page.mouse.down()
    view.page.mouse.move(start["x"] + 70, start["y"] + 50, steps=6)
    during = view.hook("screenPosition(arg)", node)
    view.page.mouse.up()
    assert (during["x"], during["y"]) == pytest.approx((start["x"] + 70, start["y"] + 50), abs=0.5)
    assert view.hook("selected") is None  # a drag is not a click
    assert view.problems == []


# --------------------------------------------------------------------------- pixels


def test_screenshot_shows_every_kind_in_its_colour(open_graph):
    graph = sample_graph()
    view = open_graph(graph)
    view.drawn()
    palette = {key: hex_rgb(colour) for key, colour in view.hook("palette").items()}
    image = decode_png(view.page.screenshot())
    assert (image.width, image.height) == (VIEWPORT["width"], VIEWPORT["height"])

    canvas = view.page.locator("#pv-canvas").bounding_box()
    background = hex_rgb(view.hook("background"))
    region = [
        image.rgb(x, y)
        for y in range(int(canvas["y"]), int(canvas["y"] + canvas["height"]), 2)
        for x in range(int(canvas["x"]), int(canvas["x"] + canvas["width"]), 2)
    ]
    drawn = sum(1 for colour in region if colour != background)
    assert drawn > 0.01 * len(region), "the canvas is (nearly) blank"
    assert len(set(region)) > 20

    def category(node: str, data: dict) -> str:
        if data["kind"] == "note":
            return "draft" if data["draft"] else "note"
        if data["kind"] == "paper":
            return "paper-note" if data["note"] else "paper"
        return data["kind"]

    for node, data in graph.nodes(data=True):
        position = view.hook("screenPosition(arg)", node)
        centre = image.rgb(round(position["x"]), round(position["y"]))
        if category(node, data) == "draft":  # hollow: the ring is the note colour, the inside blank
            ring = image.rgb(round(position["x"] + position["radius"]), round(position["y"]))
            assert centre == background, node
            assert max(abs(a - b) for a, b in zip(ring, palette["draft"], strict=True)) < 60, node
        else:
            assert centre == palette[category(node, data)], node


def test_legend_matches_the_palette(sample_view):
    view = sample_view
    palette = view.hook("palette")
    items = view.page.locator("#pv-legend li[data-category]")
    shown = {}
    for index in range(items.count()):
        item = items.nth(index)
        swatch = item.locator(".pv-swatch")
        shown[item.get_attribute("data-category")] = swatch.evaluate("e => getComputedStyle(e).borderColor")
    assert set(shown) == {"note", "paper-note", "paper", "tag", "unresolved", "draft"}
    for key, css in shown.items():
        assert css == "rgb({}, {}, {})".format(*hex_rgb(palette[key]))
    edges = view.page.locator("#pv-legend li[data-edge-kind]").evaluate_all(
        "els => els.map(e => e.dataset.edgeKind)"
    )
    assert sorted(edges) == ["cites", "describes", "embeds", "links", "tagged"]


# --------------------------------------------------------------------------- hostile text


def test_a_title_containing_script_tags_stays_text(open_graph):
    graph = sample_graph(owner_title=HOSTILE_TITLE)
    graph.add_node("unresolved:</script><img src=x onerror=alert(1)>", kind="unresolved")
    view = open_graph(graph, title=HOSTILE_TITLE)
    assert view.page.evaluate("() => window.pwned") is None
    assert view.page.title() == HOSTILE_TITLE
    assert view.drawn()["drawnNodes"] == graph.number_of_nodes()
    assert view.hook("search(arg)", "window.pwned")[0] == "note:paper-summaries.md"
    assert view.hook("panel()")["title"] == HOSTILE_TITLE
    assert view.page.locator("#pv-panel img").count() == 0
    assert view.problems == []
    assert view.requests == [view.url]


# --------------------------------------------------------------------------- the example vault

SCREENSHOT = Path(__file__).resolve().parent.parent / "docs" / "images" / "example-vault-graph.png"


def test_example_vault_page_connects_the_owner_note_to_its_papers(open_graph, tmp_path):
    """The example vault through the real pipeline, as `vault graph --format html` draws it.
    Writes the README's screenshot when PAPERVAULT_UPDATE_SCREENSHOT=1."""
    import os

    from papervault.config import load_config
    from papervault.export import node_link as export_node_link
    from papervault.pipeline import Analysis
    from papervault.query import graph_view
    from papervault.vault import load_vault

    example = Path(__file__).resolve().parent.parent / "vault"
    config = load_config(vault=example, overrides={"cache": False})
    graph = graph_view(Analysis(config, load_vault(config=config)))
    view = open_graph(export_node_link(graph), title="papervault: example vault")
    stats = view.drawn()
    assert stats["drawnNodes"] == graph.number_of_nodes()
    assert view.problems == [] and view.requests == [view.url]

    view.click_node("note:paper-summaries.md")
    panel = view.hook("panel()")
    assert set(panel["sections"]["cites"]) == {
        "arxiv:2504.19162",
        "openreview:O4cHTxW9BS",
        "openreview:SkT5Yg-RZ",
    }
    view.click_node("openreview:SkT5Yg-RZ")
    paper = {key: set(ids) for key, ids in view.hook("panel()")["sections"].items()}
    assert "note:papers/Unsupervised environment design (SkT5Yg-RZ).md" in set().union(*paper.values())
    assert "note:paper-summaries.md" in set().union(*paper.values())

    view.hook("select(null)")
    view.page.click("#pv-fit")
    view.page.mouse.move(VIEWPORT["width"] - 5, VIEWPORT["height"] - 5)  # no hover label
    view.drawn()
    shot = tmp_path / "example.png"
    view.page.screenshot(path=str(shot))
    image = decode_png(shot.read_bytes())
    assert len(image.colours()) > 20, "the screenshot is not blank"
    if os.environ.get("PAPERVAULT_UPDATE_SCREENSHOT"):
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        SCREENSHOT.write_bytes(shot.read_bytes())
