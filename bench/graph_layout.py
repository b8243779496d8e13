"""Graph benchmark: how fast the /graph/ page settles and how smoothly it draws, in chromium.

    python bench/graph_layout.py [--site DIR] [--nodes 1000] [--runs 3]

Builds the shipped glossary (or reads an already built `--site`), serves it on 127.0.0.1
and opens /graph/ in Debian's chromium, twice over: with the shipped graph.json, and with a
synthetic graph of `--nodes` nodes served in its place. For each it reports

- settle: from navigation start to the moment the layout has stopped and the view is fitted
  (`data-settled` on the graph), and the layout alone (`data-settle-ms`, from the data
  arriving to settled);
- frames while settling: the longest gap between animation frames and the long tasks
  (over 50 ms) from navigation start to settled;
- frames while in use: two seconds of zooming, panning and highlighting a node a frame
  (what hovering and the list of nodes do), as frame-time median, p95 and maximum;
- labels: how many nodes carry a label at the default zoom (no two labels overlap).

Targets (issue 19): settled under 1 s at the shipped size; at 1,000 nodes no frame while in
use over 50 ms and no long task over 200 ms while settling.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

# Recorded in the page from its first script on: frame gaps, long tasks, the settle moment.
PROBE = """
window.__frames = []; window.__longTasks = []; window.__settledAt = null;
(function () {
  var last = performance.now();
  function frame(now) { window.__frames.push(now - last); last = now; requestAnimationFrame(frame); }
  requestAnimationFrame(frame);
  try {
    new PerformanceObserver(function (list) {
      list.getEntries().forEach(function (e) { window.__longTasks.push(e.duration); });
    }).observe({ type: "longtask", buffered: true });
  } catch (e) {}
  new MutationObserver(function () {
    var g = document.querySelector(".gl-graph--global");
    if (g && g.getAttribute("data-settled") === "true" && window.__settledAt === null) {
      window.__settledAt = performance.now();
      window.__settleFrames = window.__frames.slice();
    }
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ["data-settled"] });
})();
"""

# Two seconds of use: each frame zooms and pans a little and highlights another node.
EXERCISE = """() => new Promise(resolve => {
  const view = window.glossaryGraphView, g = window.glossaryGraph, nodes = g.graphData().nodes;
  const start = performance.now(), k0 = g.zoom(), times = [];
  let last = start, i = 0;
  function step(now) {
    times.push(now - last); last = now;
    const t = (now - start) / 1000;
    g.zoom(k0 * (1 + 0.6 * Math.sin(t * 3)), 0);
    const n = nodes[(i++ * 7) % nodes.length];
    view.setFocus(n.id);
    if (now - start < 2000) requestAnimationFrame(step);
    else { view.setFocus(null); resolve(times.slice(1)); }
  }
  requestAnimationFrame(step);
})"""


def synthetic_graph(count: int, seed: int = 19) -> dict[str, Any]:
    """`count` nodes in 8 areas, about three links each, a few hubs (preferential attachment)."""
    rng = random.Random(seed)
    kinds = ("term", "definition", "definition", "definition")
    links: list[dict[str, str]] = []
    ends: list[int] = []
    degree = [0] * count
    for i in range(1, count):
        for _ in range(min(i, rng.choice((1, 2, 3, 3, 4)))):
            j = rng.choice(ends) if ends and rng.random() < 0.7 else rng.randrange(i)
            if j == i:
                continue
            links.append({"source": f"n{i}", "target": f"n{j}", "type": "related"})
            ends += [i, j]
            degree[i] += 1
            degree[j] += 1
    total = sum(degree) or 1
    nodes = [
        {
            "id": f"n{i}",
            "title": f"{rng.choice(('Cross', 'Isolated', 'Net', 'Gross', 'Implied'))} Node {i}",
            "kind": kinds[i % 4],
            "url": f"definition/n{i}/",
            "areas": [f"a{i % 8}"],
            "degree": degree[i],
            "centrality": round(degree[i] / total, 6),
        }
        for i in range(count)
    ]
    return {"nodes": nodes, "links": links, "areas": [{"id": f"a{i}", "title": f"Area {i}"} for i in range(8)]}


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[int(q * (len(ordered) - 1))] if ordered else 0.0


def measure(page: Any, url: str, graph: str | None) -> dict[str, float]:
    """One load of /graph/ (with `graph` served as graph.json when given)."""
    page.unroute("**/graph.json")
    if graph is not None:
        page.route(
            "**/graph.json", lambda route: route.fulfill(status=200, content_type="application/json", body=graph)
        )
    page.goto(url)
    page.wait_for_selector('.gl-graph--global[data-settled="true"]', timeout=60_000)
    page.wait_for_function("() => window.__settledAt !== null")
    result = page.evaluate(
        """() => ({
            settled: window.__settledAt,
            layout: Number(document.querySelector('.gl-graph--global').getAttribute('data-settle-ms')),
            labels: Number(document.querySelector('.gl-graph--global').getAttribute('data-labels')),
            nodes: window.glossaryGraph.graphData().nodes.length,
            worstFrame: Math.max(0, ...window.__settleFrames.slice(1)),
            longTasks: window.__longTasks.slice(),
        })"""
    )
    frames = page.evaluate(EXERCISE)
    return {
        "nodes": result["nodes"],
        "settled_ms": result["settled"],
        "layout_ms": result["layout"],
        "labels": result["labels"],
        "worst_frame_settling_ms": result["worstFrame"],
        "longest_task_ms": max(result["longTasks"], default=0.0),
        "frame_median_ms": statistics.median(frames),
        "frame_p95_ms": _quantile(frames, 0.95),
        "frame_max_ms": max(frames),
    }


def _serve(site: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/graph/"


def run(site: Path, count: int, runs: int) -> list[tuple[str, dict[str, float]]]:
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium")
    if chromium is None:
        raise SystemExit("chromium is not installed (apt-get install chromium)")
    synthetic = json.dumps(synthetic_graph(count))
    server, url = _serve(site)
    rows: list[tuple[str, dict[str, float]]] = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=["--headless", "--no-sandbox"])
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.add_init_script(PROBE)
            for label, graph in (("shipped", None), (f"{count} synthetic", synthetic)):
                samples = [measure(page, url, graph) for _ in range(runs)]
                best = min(samples, key=lambda s: s["settled_ms"])
                median = {key: statistics.median(s[key] for s in samples) for key in best}
                rows.append((label, median))
            browser.close()
    finally:
        server.shutdown()
    return rows


def table(rows: list[tuple[str, dict[str, float]]], runs: int) -> str:
    head = (
        f"| graph (median of {runs}) | nodes | settled (from navigation) | layout | labels at default zoom "
        "| longest frame gap while settling | longest task | frames in use: median / p95 / max |\n"
        "|---|---|---|---|---|---|---|---|"
    )
    lines = [head]
    for label, r in rows:
        lines.append(
            f"| {label} | {r['nodes']:.0f} | {r['settled_ms']:.0f} ms | {r['layout_ms']:.0f} ms | {r['labels']:.0f} "
            f"| {r['worst_frame_settling_ms']:.0f} ms | {r['longest_task_ms']:.0f} ms "
            f"| {r['frame_median_ms']:.1f} / {r['frame_p95_ms']:.1f} / {r['frame_max_ms']:.1f} ms |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--site", type=Path, help="an already built site (default: build terms/ now)")
    parser.add_argument("--nodes", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="glossary-graph-bench-") as tmp:
        site = args.site
        if site is None:
            site = Path(tmp) / "site"
            build = subprocess.run(
                [sys.executable, "-m", "generator", "build", "--site-dir", str(site)],
                cwd=ROOT,
                env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
                capture_output=True,
                text=True,
            )
            if build.returncode != 0:
                raise SystemExit(build.stdout + build.stderr)
        print(table(run(site, args.nodes, args.runs), args.runs))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
