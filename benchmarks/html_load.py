"""Measure the HTML graph view at scale: time to ready and frames per second while panning.

Generates a graph of papervault's shape (notes, papers, tags, unresolved targets; links,
embeds, cites, describes, tagged edges), renders it with ``papervault.html.render_html``,
opens the page from file:// in headless Chromium (driven by playwright) and reports:

- the Python render time and page size;
- the page's own timings: JSON parsed, initial layout done, first frame ready, layout settled;
- frames per second and per-frame script time while panning with real mouse drags,
  and while zooming with the wheel;
- the cost of one full scene redraw (forced, outside any interaction).

    python benchmarks/html_load.py                      # 10,000 nodes, 100,000 edges
    python benchmarks/html_load.py --nodes 2000 --edges 10000 --model uniform
    python benchmarks/html_load.py --page graph.html      # a page `vault graph` wrote

Not a test: it prints numbers and asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx
from playwright.sync_api import sync_playwright

from papervault.html import render_html
from papervault.ids import note_id, paper_id, tag_id, unresolved_id

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from html_support import CHROMIUM_ARGS, chromium_executable  # the tests' launcher


def vault_graph(nodes: int, edges: int, model: str, seed: int) -> nx.DiGraph:
    """A random graph with papervault's node and edge kinds.

    ``uniform``: every edge joins two random nodes (the worst case for a layout: nothing
    is local). ``vault``: notes fall into topics of about 60 and mostly link, cite and tag
    within their topic, which is closer to what real vaults look like.
    """
    rng = random.Random(seed)
    n_tags = max(1, nodes // 50)
    n_unresolved = max(1, nodes // 20)
    n_papers = nodes * 3 // 10
    n_notes = nodes - n_tags - n_unresolved - n_papers
    topics = max(1, n_notes // 60)
    graph = nx.DiGraph()
    notes, papers, tags, unresolved = [], [], [], []
    for i in range(n_notes):
        path = f"topic{i % topics}/note-{i}.md"
        graph.add_node(
            note_id(path),
            kind="note",
            path=path,
            title=f"Note {i} on topic {i % topics}",
            tags=[],
            draft=rng.random() < 0.05,
            aliases=[f"n{i}"] if rng.random() < 0.1 else [],
        )
        notes.append(note_id(path))
    for i in range(n_papers):
        pid = paper_id("arxiv", f"{2300 + i // 10000}.{i % 100000:05d}")
        described = rng.random() < 0.3
        note = notes[rng.randrange(n_notes)] if described else None
        graph.add_node(
            pid,
            kind="paper",
            scheme="arxiv",
            versions=[],
            note=note.split(":", 1)[1] if note else None,
            count=0,
        )
        if note:
            graph.add_edge(note, pid, kind="describes")
        papers.append(pid)
    for i in range(n_tags):
        graph.add_node(tag_id(f"tag{i}"), kind="tag", label=f"tag{i}")
        tags.append(tag_id(f"tag{i}"))
    for i in range(n_unresolved):
        graph.add_node(unresolved_id(f"Missing {i}"), kind="unresolved")
        unresolved.append(unresolved_id(f"Missing {i}"))

    def pick(pool: list[str], topic: int) -> str:
        """Mostly a member of the same topic (index = topic mod the topic count)."""
        if model == "uniform" or len(pool) < topics or rng.random() < 0.15:
            return pool[rng.randrange(len(pool))]
        return pool[topic + topics * rng.randrange(len(pool) // topics)]

    added = graph.number_of_edges()  # number_of_edges() is O(nodes): count instead
    while added < edges:
        a = rng.randrange(n_notes)
        roll = rng.random()
        if roll < 0.55:
            target, kind = pick(notes, a % topics), rng.choice(["links"] * 9 + ["embeds"])
        elif roll < 0.85:
            target, kind = pick(papers, a % topics), "cites"
        elif roll < 0.95:
            target, kind = pick(tags, a % topics), "tagged"
        else:
            target, kind = pick(unresolved, a % topics), "links"
        source = notes[a]
        if source == target or graph.has_edge(source, target):
            continue
        attrs: dict[str, object] = {"kind": kind}
        if kind in ("links", "embeds", "cites"):
            attrs.update(count=1, lines=[rng.randrange(1, 200)])
        if kind == "links":
            attrs["syntax"] = rng.choice(["wikilink", "markdown"])
        graph.add_edge(source, target, **attrs)
        added += 1
    return graph


def measure(page_path: Path, pan_seconds: float) -> dict[str, object]:
    results: dict[str, object] = {}
    with sync_playwright() as p, tempfile.TemporaryDirectory() as profile:
        context = p.chromium.launch_persistent_context(
            profile,
            executable_path=chromium_executable(),
            args=CHROMIUM_ARGS,
            headless=True,
            viewport={"width": 1280, "height": 800},
        )
        page = context.pages[0] if context.pages else context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        started = time.perf_counter()
        page.goto(page_path.as_uri())
        page.wait_for_function("() => document.body.dataset.ready === '1'", timeout=120_000)
        results["wall_ready_s"] = time.perf_counter() - started
        page.wait_for_function("() => !papervaultGraph.stats().running", timeout=300_000, polling=200)
        results["wall_settled_s"] = time.perf_counter() - started
        results["page_timings_ms"] = page.evaluate("papervaultGraph.timings")
        results["stats"] = page.evaluate("papervaultGraph.stats()")

        # One forced full redraw, several times (the cost of a frame without the cache).
        redraws = []
        for _ in range(5):
            t = time.perf_counter()
            page.evaluate("papervaultGraph.whenDrawn()")
            redraws.append((time.perf_counter() - t) * 1000)
        results["full_redraw_ms_median"] = statistics.median(redraws)

        box = page.locator("#pv-canvas").bounding_box()
        assert box is not None
        start = empty_point(page, box)
        results["pan"] = interact(page, pan_seconds, lambda: pan(page, start, pan_seconds))
        cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        results["zoom"] = interact(page, pan_seconds, lambda: zoom(page, cx, cy, pan_seconds))
        results["errors"] = errors
        context.close()
    # Other processes on the machine slow every number here: record how busy it was.
    results["load_average_1min"] = os.getloadavg()[0]
    results["cpus"] = os.cpu_count()
    return results


def empty_point(page, box) -> tuple[float, float]:
    """A point over the canvas where no node is, so a drag pans rather than moves a node."""
    for fx in (0.1, 0.9, 0.5, 0.2, 0.8):
        for fy in (0.15, 0.85, 0.5):
            point = (box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)
            if page.evaluate("([x, y]) => papervaultGraph.nodeAt(x, y)", list(point)) is None:
                return point
    return (box["x"] + 5, box["y"] + 5)


def pan(page, start: tuple[float, float], seconds: float) -> None:
    x, y = start
    page.mouse.move(x, y)
    page.mouse.down()
    deadline = time.perf_counter() + seconds
    step = 0
    while time.perf_counter() < deadline:
        step += 1
        dx = 150 * ((step // 60) % 2 * -2 + 1)  # back and forth
        page.mouse.move(x + dx * (step % 60) / 60, y + 40 * ((step % 60) / 60))
    page.mouse.up()


def zoom(page, x: float, y: float, seconds: float) -> None:
    page.mouse.move(x, y)
    deadline = time.perf_counter() + seconds
    step = 0
    while time.perf_counter() < deadline:
        step += 1
        page.mouse.wheel(0, -40 if (step // 20) % 2 == 0 else 40)


def interact(page, seconds: float, action) -> dict[str, float]:
    before = page.evaluate("papervaultGraph.stats()")
    page.evaluate("papervaultGraph.frameTimes()")
    t = time.perf_counter()
    action()
    elapsed = time.perf_counter() - t
    after = page.evaluate("papervaultGraph.stats()")
    frame_ms = page.evaluate("papervaultGraph.frameTimes()")
    page.evaluate("papervaultGraph.whenDrawn()")  # let the idle redraw finish
    return {
        "seconds": round(elapsed, 2),
        "fps": round((after["frames"] - before["frames"]) / elapsed, 1),
        "scene_redraws": after["sceneRenders"] - before["sceneRenders"],
        "frame_script_ms_median": round(statistics.median(frame_ms), 2) if frame_ms else 0.0,
        "frame_script_ms_p95": round(sorted(frame_ms)[int(len(frame_ms) * 0.95)], 2) if frame_ms else 0.0,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nodes", type=int, default=10_000)
    parser.add_argument("--edges", type=int, default=100_000)
    parser.add_argument("--model", choices=["vault", "uniform"], default="vault")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pan-seconds", type=float, default=3.0)
    parser.add_argument("--keep", type=Path, help="also write the page here")
    parser.add_argument(
        "--page",
        type=Path,
        help="measure this page instead of a generated one (e.g. from `vault graph --format html -o`)",
    )
    args = parser.parse_args()
    if args.page:
        page_text = args.page.read_text(encoding="utf-8")
        report = {"page": str(args.page), "page_mb": round(len(page_text.encode()) / 1e6, 2)}
        report.update(measure(args.page.resolve(), args.pan_seconds))
        json.dump(report, sys.stdout, indent=2, default=str)
        print()
        return 0

    t = time.perf_counter()
    graph = vault_graph(args.nodes, args.edges, args.model, args.seed)
    built = time.perf_counter() - t
    data = nx.node_link_data(graph, edges="edges")
    t = time.perf_counter()
    page = render_html(data, title=f"benchmark {args.model} {args.nodes}/{args.edges}")
    rendered = time.perf_counter() - t
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(args.keep or Path(tmp) / "graph.html").resolve()
        path.write_text(page, encoding="utf-8")
        results = measure(path, args.pan_seconds)
    report = {
        "graph": {
            "model": args.model,
            "nodes": graph.number_of_nodes(),
            "edges": graph.number_of_edges(),
            "build_s": round(built, 2),
        },
        "render_html_s": round(rendered, 2),
        "page_mb": round(len(page.encode()) / 1e6, 2),
        **results,
    }
    json.dump(report, sys.stdout, indent=2, default=str)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
