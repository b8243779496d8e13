"""Page-weight and first-paint budgets of a term page, before and after, in Debian's chromium.

    python bench/page_weight.py [--before-ref HEAD] [--before-site DIR] [--after-site DIR]
                                [--also NAME=DIR ...] [--reps 5] [--keep DIR]

Builds the glossary at `--before-ref` (a git worktree in /tmp, removed afterwards; never a
checkout in this tree) and as the tree is now, serves each site gzipped and cacheable for
ten minutes (as GitHub Pages does), and loads the term page cold (a fresh browser context)
on a throttled phone profile over the Chrome DevTools Protocol: 4x CPU slowdown, 1.6 Mbps
down, 750 kbps up, 150 ms latency, a 390x844 phone viewport. For each side: the bytes
transferred on that cold load (what the network carried, gzipped, every request), the
requests, first and largest contentful paint and cumulative layout shift (medians of
`--reps` visits; the sides interleaved, one visit of each per round, the order alternating,
the machine's load average noted each round), when each render-blocking stylesheet arrived
(first visit); then, in the same visit, the next entry page's bytes and first paint (what
the cache saves). `--also` adds sites built elsewhere (another approach) to the same rounds.
Budgets: after <= 250 KB transferred, and FCP at least 30% sooner than before. Results go
to bench/out/page-weight-<time>.json and a Markdown table is printed.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gzip
import http.server
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.worktree import worktree

ROOT = Path(__file__).resolve().parent.parent
PAGE = "term/liquidation-price/"
NEXT_PAGE = "definition/margin-call/"  # the entry a reader opens next, in the same visit
CACHE_SECONDS = 600  # what GitHub Pages tells browsers for every file
BUDGET_KB = 250.0
FCP_GAIN = 0.30
PHONE = {
    "cpu": 4,  # CPU slowdown
    "down_bps": 1_600_000 / 8,  # bytes per second
    "up_bps": 750_000 / 8,
    "latency_ms": 150,
    "viewport": {"width": 390, "height": 844},
}
_COMPRESSIBLE = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".md")


class _GzipHandler(http.server.SimpleHTTPRequestHandler):
    """A static host: text compressed with gzip when the browser asks for it, every file
    cacheable for a while; quiet."""

    def log_message(self, *args: Any) -> None:
        pass

    def end_headers(self) -> None:
        self.send_header("Cache-Control", f"max-age={CACHE_SECONDS}")
        super().end_headers()

    def send_head(self):  # type: ignore[no-untyped-def]
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if (
            not path.is_file()
            or not path.name.endswith(_COMPRESSIBLE)
            or "gzip" not in self.headers.get("Accept-Encoding", "")
        ):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        import io

        return io.BytesIO(body)


@contextlib.contextmanager
def _serve(site: Path) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_GzipHandler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def _build(source: Path, site: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "generator", "build", "--site-dir", str(site)],
        cwd=source,
        check=True,
        capture_output=True,
    )


# What the first paint waited on: when each resource the browser held rendering for
# (renderBlockingStatus) had arrived. Largest contentful paint beside it says when the
# content came, not only the first pixels (on this page, the header's title); layout shift,
# whether anything on screen moved as the rest of the page and its stylesheets came.
_TIMING = """async () => {
  const paint = performance.getEntriesByName('first-contentful-paint')[0];
  const blocking = performance.getEntriesByType('resource')
    .filter((entry) => entry.renderBlockingStatus === 'blocking' && entry.initiatorType === 'link')
    .map((entry) => [entry.name.split('/').pop(), Math.round(entry.responseEnd)]);
  const observed = (type) => new Promise((resolve) => {
    const seen = [];
    new PerformanceObserver((list) => seen.push(...list.getEntries())).observe({type, buffered: true});
    setTimeout(() => resolve(seen), 300);
  });
  const [largest, shifts] = await Promise.all([observed('largest-contentful-paint'), observed('layout-shift')]);
  const last = largest.at(-1);
  const navigation = performance.getEntriesByType('navigation')[0];
  const loaded = navigation && navigation.loadEventEnd ? navigation.loadEventEnd : Infinity;
  const counted = shifts.filter((shift) => !shift.hadRecentInput);
  return {
    fcp_ms: paint ? paint.startTime : null,
    lcp_ms: last ? last.startTime : null,
    lcp_element: last && last.element ? last.element.tagName.toLowerCase() + (last.element.className ? '.' + last.element.className : '') : null,
    cls: counted.reduce((sum, shift) => sum + shift.value, 0),
    cls_until_load: counted.filter((shift) => shift.startTime <= loaded).reduce((sum, shift) => sum + shift.value, 0),
    shifts: counted.map((shift) => [Math.round(shift.startTime), Math.round(shift.value * 1e4) / 1e4,
      shift.sources.map((source) => source.node ? source.node.nodeName.toLowerCase() + (source.node.className ? '.' + String(source.node.className).split(' ')[0] : '') : '?').join(' ')]),
    render_blocking: blocking,
  };
}"""


def _load(browser: Any, base: str) -> dict[str, Any]:
    """One visit on the phone profile: the term page cold (a fresh browser context: nothing
    cached), bytes on the wire per request and its paints; then the next entry page the
    reader opens, with what the first left in the cache."""
    context = browser.new_context(viewport=PHONE["viewport"], is_mobile=True, has_touch=True)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": PHONE["latency_ms"],
            "downloadThroughput": PHONE["down_bps"],
            "uploadThroughput": PHONE["up_bps"],
        },
    )
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": PHONE["cpu"]})
    urls: dict[str, str] = {}
    wire: dict[str, float] = {}
    cdp.on("Network.requestWillBeSent", lambda e: urls.__setitem__(e["requestId"], e["request"]["url"]))
    cdp.on("Network.loadingFinished", lambda e: wire.__setitem__(e["requestId"], e["encodedDataLength"]))
    page.goto(base + PAGE, wait_until="load", timeout=120_000)
    page.wait_for_timeout(1500)  # late requests (fonts, deferred scripts, JSON) finish
    timing = page.evaluate(_TIMING)
    cold = dict(wire)
    page.goto(base + NEXT_PAGE, wait_until="load", timeout=120_000)
    page.wait_for_timeout(1500)
    following = page.evaluate(_TIMING)
    context.close()
    by_url = {urls.get(rid, rid): size for rid, size in cold.items()}
    next_bytes = sum(size for rid, size in wire.items() if rid not in cold)
    return (
        {"bytes": sum(by_url.values()), "requests": by_url, "next_bytes": next_bytes}
        | timing
        | {"next_fcp_ms": following["fcp_ms"]}
    )


def _summary(loads: list[dict[str, Any]]) -> dict[str, Any]:
    first = loads[0]
    return {
        "transferred_kb": round(first["bytes"] / 1024, 1),
        "requests": len(first["requests"]),
        "katex_requests": sorted(u.rsplit("/", 1)[-1] for u in first["requests"] if "katex" in u),
        "fcp_ms": [round(load["fcp_ms"]) for load in loads],
        "fcp_median_ms": round(statistics.median(load["fcp_ms"] for load in loads)),
        "lcp_ms": [round(load["lcp_ms"]) for load in loads],
        "lcp_median_ms": round(statistics.median(load["lcp_ms"] for load in loads)),
        "lcp_element": first["lcp_element"],
        "cls": [round(load["cls"], 4) for load in loads],
        "cls_median": round(statistics.median(load["cls"] for load in loads), 4),
        "cls_until_load": [round(load["cls_until_load"], 4) for load in loads],
        "cls_until_load_median": round(statistics.median(load["cls_until_load"] for load in loads), 4),
        "shifts": first["shifts"],
        "next_transferred_kb": round(first["next_bytes"] / 1024, 1),
        "next_fcp_ms": [round(load["next_fcp_ms"]) for load in loads],
        "next_fcp_median_ms": round(statistics.median(load["next_fcp_ms"] for load in loads)),
        "render_blocking": first["render_blocking"],
        "largest": sorted(((round(v / 1024, 1), k.rsplit("/", 2)[-1]) for k, v in first["requests"].items()))[-6:],
    }


def measure(sites: dict[str, Path], reps: int) -> tuple[dict[str, dict[str, Any]], list[float]]:
    """Each site's loads, interleaved (one load of each per round, the order alternating), so
    that a busy spell on a shared machine falls on all sides alike; and the machine's load
    average (one minute) at the start of each round."""
    from playwright.sync_api import sync_playwright

    loads: dict[str, list[dict[str, Any]]] = {name: [] for name in sites}
    load_average: list[float] = []
    with contextlib.ExitStack() as stack, sync_playwright() as playwright:
        bases = {name: stack.enter_context(_serve(site)) for name, site in sites.items()}
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), headless=True)
        try:
            for base in bases.values():
                _load(browser, base)  # warm the server and the disk, not the browser (each visit starts cold)
            names = list(sites)
            for rep in range(reps):
                load_average.append(round(os.getloadavg()[0], 2))
                for name in names if rep % 2 == 0 else names[::-1]:
                    loads[name].append(_load(browser, bases[name]))
        finally:
            browser.close()
    return {name: _summary(runs) for name, runs in loads.items()}, load_average


def _worktree_site(ref: str, tmp: Path) -> Path:
    """The site as built at `ref`, from a git worktree outside this tree (removed after)."""
    with worktree(ref) as tree:
        site = tmp / "before"
        _build(tree, site)
        return site


def table(sides: dict[str, dict[str, Any]], ref: str) -> str:
    before = sides["before"]
    names = list(sides)
    heads = [f"before ({ref})" if name == "before" else name for name in names]

    def sooner(key: str, name: str) -> str:
        value = sides[name][key]
        return f"{value} ms" if name == "before" else f"{value} ms ({1 - value / before[key]:.0%} sooner)"

    def row(label: str, cells: list[str], budget: str = "") -> str:
        return "| " + " | ".join([label, *cells, budget]) + " |"

    rows = [
        row("term page (`/term/liquidation-price/`), cold load", heads, "budget"),
        "|" + "---|" * (len(names) + 2),
        row("transferred, gzipped", [f"{sides[n]['transferred_kb']} KB" for n in names], f"≤ {BUDGET_KB:.0f} KB"),
        row("requests", [str(sides[n]["requests"]) for n in names]),
        row("KaTeX files requested", [", ".join(sides[n]["katex_requests"]) or "none" for n in names], "no script"),
        row(
            "first contentful paint, phone profile (median)",
            [sooner("fcp_median_ms", n) for n in names],
            f"≥ {FCP_GAIN:.0%} sooner",
        ),
        row("largest contentful paint, phone profile (median)", [sooner("lcp_median_ms", n) for n in names]),
        row("layout shift until the load event (median)", [str(sides[n]["cls_until_load_median"]) for n in names]),
        row("cumulative layout shift, whole visit (median)", [str(sides[n]["cls_median"]) for n in names]),
        row(
            f"then `/{NEXT_PAGE}` in the same visit: transferred",
            [f"{sides[n]['next_transferred_kb']} KB" for n in names],
        ),
        row(
            f"then `/{NEXT_PAGE}`: first contentful paint (median)",
            [f"{sides[n]['next_fcp_median_ms']} ms" for n in names],
        ),
    ]
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before-ref", default="HEAD", help="the commit to compare with (default: HEAD)")
    parser.add_argument("--before-site", type=Path, help="a site already built at --before-ref")
    parser.add_argument("--after-site", type=Path, help="a site already built from this tree")
    parser.add_argument("--also", action="append", default=[], metavar="NAME=DIR", help="another built site to load")
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="copy the sites this run built to DIR/before and DIR/after")
    args = parser.parse_args(argv)
    also = {name: Path(path) for name, _, path in (item.partition("=") for item in args.also)}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        before_site = args.before_site or _worktree_site(args.before_ref, tmp)
        after_site = args.after_site
        if after_site is None:
            after_site = tmp / "after"
            _build(ROOT, after_site)
        if args.keep is not None:
            for name, site in (("before", before_site), ("after", after_site)):
                if site.parent == tmp:
                    shutil.rmtree(args.keep / name, ignore_errors=True)
                    shutil.copytree(site, args.keep / name)
        sides, load_average = measure({"before": before_site, "after": after_site, **also}, args.reps)
    before, after = sides["before"], sides["after"]
    result: dict[str, Any] = {"page": PAGE, "profile": PHONE, "reps": args.reps, "before_ref": args.before_ref}
    result |= {"load_average_1min": load_average, "cpus": os.cpu_count()}
    result |= sides
    result["budgets"] = {
        f"after transferred_kb <= {BUDGET_KB:.0f}": after["transferred_kb"] <= BUDGET_KB,
        f"fcp at least {FCP_GAIN:.0%} sooner": after["fcp_median_ms"] <= (1 - FCP_GAIN) * before["fcp_median_ms"],
        "lcp not later": after["lcp_median_ms"] <= before["lcp_median_ms"],
        "no KaTeX script": not [name for name in after["katex_requests"] if name.endswith(".js")],
    }
    print(json.dumps(result, indent=2))
    print(table(sides, args.before_ref))
    print(f"load average (1 min) per round: {load_average} on {os.cpu_count()} CPUs")
    out = ROOT / "bench" / "out" / f"page-weight-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0 if all(result["budgets"].values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
