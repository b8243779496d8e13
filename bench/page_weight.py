"""Page-weight and first-paint budgets of a term page, before and after, in Debian's chromium.

    python bench/page_weight.py [--before-ref HEAD] [--before-site DIR] [--after-site DIR] [--reps 5]

Builds the glossary at `--before-ref` (a git worktree in /tmp, removed afterwards; never a
checkout in this tree) and as the tree is now, serves each site gzipped (as any static
host does), and loads the term page cold (a fresh browser context) on a throttled phone
profile over the Chrome DevTools Protocol: 4x CPU slowdown, 1.6 Mbps down, 750 kbps up,
150 ms latency, a 390x844 phone viewport. For each side: the bytes transferred on that
cold load (what the network carried, gzipped, every request), the requests, and first
contentful paint (median of `--reps` loads). Budgets: after <= 250 KB transferred, and
FCP at least 30% sooner than before. Results go to bench/out/page-weight-<time>.json and
a Markdown table is printed.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gzip
import http.server
import json
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

ROOT = Path(__file__).resolve().parent.parent
PAGE = "term/liquidation-price/"
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
    """A static host: text compressed with gzip when the browser asks for it; quiet."""

    def log_message(self, *args: Any) -> None:
        pass

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


def _load(browser: Any, url: str) -> dict[str, Any]:
    """One cold load on the phone profile: bytes on the wire per request, and FCP."""
    context = browser.new_context(viewport=PHONE["viewport"], is_mobile=True, has_touch=True)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
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
    page.goto(url, wait_until="load", timeout=120_000)
    page.wait_for_timeout(1500)  # late requests (fonts, deferred scripts, JSON) finish
    fcp = page.evaluate(
        "() => (performance.getEntriesByName('first-contentful-paint')[0] || {startTime: null}).startTime"
    )
    context.close()
    by_url = {urls.get(rid, rid): size for rid, size in wire.items()}
    return {"fcp_ms": fcp, "bytes": sum(by_url.values()), "requests": by_url}


def measure(site: Path, reps: int) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    with _serve(site) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), headless=True)
        try:
            _load(browser, base + PAGE)  # warm the server and the disk, not the browser (each load is cold)
            loads = [_load(browser, base + PAGE) for _ in range(reps)]
        finally:
            browser.close()
    first = loads[0]
    return {
        "transferred_kb": round(first["bytes"] / 1024, 1),
        "requests": len(first["requests"]),
        "katex_requests": sorted(u.rsplit("/", 1)[-1] for u in first["requests"] if "katex" in u),
        "fcp_ms": [round(load["fcp_ms"]) for load in loads],
        "fcp_median_ms": round(statistics.median(load["fcp_ms"] for load in loads)),
        "largest": sorted(((round(v / 1024, 1), k.rsplit("/", 2)[-1]) for k, v in first["requests"].items()))[-6:],
    }


def _worktree_site(ref: str, tmp: Path) -> Path:
    """The site as built at `ref`, from a git worktree outside this tree (removed after)."""
    tree = Path(tempfile.mkdtemp(prefix="wt-page-weight-", dir="/tmp"))
    tree.rmdir()
    subprocess.run(["git", "worktree", "add", "--detach", str(tree), ref], cwd=ROOT, check=True, capture_output=True)
    try:
        site = tmp / "before"
        _build(tree, site)
        return site
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, check=False, capture_output=True)


def table(before: dict[str, Any], after: dict[str, Any], ref: str) -> str:
    gain = 1 - after["fcp_median_ms"] / before["fcp_median_ms"]
    rows = [
        "| term page (`/term/liquidation-price/`), cold load | before (" + ref + ") | after | budget |",
        "|---|---|---|---|",
        f"| transferred, gzipped | {before['transferred_kb']} KB | {after['transferred_kb']} KB | ≤ {BUDGET_KB:.0f} KB |",
        f"| requests | {before['requests']} | {after['requests']} | |",
        f"| KaTeX files requested | {', '.join(before['katex_requests']) or 'none'} "
        f"| {', '.join(after['katex_requests']) or 'none'} | no script |",
        f"| first contentful paint, phone profile (median) | {before['fcp_median_ms']} ms "
        f"| {after['fcp_median_ms']} ms ({gain:.0%} sooner) | ≥ {FCP_GAIN:.0%} sooner |",
    ]
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before-ref", default="HEAD", help="the commit to compare with (default: HEAD)")
    parser.add_argument("--before-site", type=Path, help="a site already built at --before-ref")
    parser.add_argument("--after-site", type=Path, help="a site already built from this tree")
    parser.add_argument("--reps", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        before_site = args.before_site or _worktree_site(args.before_ref, tmp)
        after_site = args.after_site
        if after_site is None:
            after_site = tmp / "after"
            _build(ROOT, after_site)
        before, after = measure(before_site, args.reps), measure(after_site, args.reps)
    result = {"page": PAGE, "profile": PHONE, "reps": args.reps, "before_ref": args.before_ref}
    result |= {"before": before, "after": after}
    result["budgets"] = {
        f"after transferred_kb <= {BUDGET_KB:.0f}": after["transferred_kb"] <= BUDGET_KB,
        f"fcp at least {FCP_GAIN:.0%} sooner": after["fcp_median_ms"] <= (1 - FCP_GAIN) * before["fcp_median_ms"],
        "no KaTeX script": not [name for name in after["katex_requests"] if name.endswith(".js")],
    }
    print(json.dumps(result, indent=2))
    print(table(before, after, args.before_ref))
    out = ROOT / "bench" / "out" / f"page-weight-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0 if all(result["budgets"].values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
