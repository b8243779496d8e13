"""Search benchmarks: warm CLI latency on a synthetic 10,000-entry corpus, and the size of
the site search index for 1,000 entries.

    python bench/search_latency.py cli  [--entries 10000] [--runs 12] [--compare DIR] [--pyc]
    python bench/search_latency.py size [--entries 1000]
    python bench/search_latency.py site [--entries 1000]   (needs Debian's chromium)

The synthetic corpus is the real terms/ folder plus generated entries: each copies a real
entry's shape and body, with a new title ("Tiered Cross Margin"), invented aliases and
two invented words in its summary, so the vocabulary grows as a real glossary's would.
Targets, so that search feels instant in a terminal and as one types on the site: a warm
`python -m generator search` under 150 ms wall time per process on 10,000 entries; on a
1,000-entry site, results on screen within 50 ms of the last keystroke, from an index of
at most 400 KB gzipped (the site's own pages included).

`cli --compare DIR` times another checkout of the project (an older commit, say) on a
copy of the same corpus, run for run alternately with this one, so that both see the
same machine load. `--pyc` lets Python keep compiled bytecode (in a temporary folder,
PYTHONPYCACHEPREFIX) where the environment forbids it (PYTHONDONTWRITEBYTECODE): an
installed package has its bytecode, a process that must compile every module does not.
`size` prints the index with and without the site's pages; `site` measures the real one.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MODIFIERS = """Tiered Adjusted Effective Net Gross Dynamic Static Rolling Annualized Implied
Realized Cross-Venue Isolated Portfolio Synthetic Nested Fractional Weighted Marginal
Incremental Conditional Notional Forward Spot Intraday Overnight Stressed Hedged Unhedged
Residual Systemic Regional Protocol-Level Vault Pooled Segregated Delta-Neutral Inverse
Linear Quanto Perpetual Dated Onchain Offchain Retail Institutional Stablecoin Tokenized
Collateralized Undercollateralized Levered Delevered Funded Unfunded Secured Unsecured""".split()
QUERIES = ["liquidation price", "what is ltv", "maintenence margin", "liq price", "perp", "funding rate"]


def _syllables(rng: random.Random) -> str:
    parts = ["zor", "vex", "tal", "qui", "dra", "mon", "pel", "sik", "rux", "bel", "ton", "gra", "fen", "lo"]
    return "".join(rng.choice(parts) for _ in range(rng.randint(2, 4)))


def make_corpus(target: Path, count: int, seed: int = 6) -> int:
    """Write `count` entries into `target` (real ones first); returns how many were written."""
    rng = random.Random(seed)
    real = sorted((ROOT / "terms").glob("*.yaml"))
    written = 0
    for path in real[:count]:
        (target / path.name).write_bytes(path.read_bytes())
        written += 1
    templates = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in real]
    templates = [t for t in templates if t.get("kind") != "area"]
    titles: set[str] = {t["title"] for t in templates}
    aliases: set[str] = set()
    while written < count:
        base = rng.choice(templates)
        mods = rng.sample(MODIFIERS, rng.choice((1, 1, 2)))
        title = " ".join([*mods, base["title"]])
        slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
        if title in titles or (target / f"{slug}.yaml").exists():
            continue
        titles.add(title)
        entry = {k: v for k, v in base.items() if k not in ("formulas", "examples", "relations", "abbreviations")}
        entry["title"] = title
        invented = [_syllables(rng) for _ in range(2)]
        alias = f"{mods[0].lower()} {invented[0]}"
        if alias in aliases:
            continue
        aliases.add(alias)
        suffix = f" ({invented[0]} {invented[1]})."
        text = " ".join(base["summary"].split()).rstrip(".")
        if len(text) + len(suffix) > 300:  # the checker's limit for a summary
            text = text[: 300 - len(suffix)].rsplit(" ", 1)[0].rstrip(",;:")
        entry["summary"] = text + suffix
        entry["aliases"] = [alias]
        (target / f"{slug}.yaml").write_text(
            yaml.safe_dump(entry, sort_keys=False, allow_unicode=True), encoding="utf-8"
        )
        written += 1
    return written


def _environment(pyc: bool, cache: Path) -> dict[str, str]:
    env = dict(os.environ)
    if pyc:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(cache)
    return env


def _children_cpu() -> float:
    """User and system seconds of every child process waited for so far (a shared machine's
    load stretches wall time far more than CPU time)."""
    import resource

    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def bench_cli(count: int, runs: int, compare: Path | None = None, pyc: bool = False) -> None:
    trees = [ROOT] if compare is None else [ROOT, compare.resolve()]
    with tempfile.TemporaryDirectory(prefix="glossary-bench-") as tmp:
        env = _environment(pyc, Path(tmp) / "pycache")
        corpora: list[Path] = []
        for number, tree in enumerate(trees):
            terms = Path(tmp) / str(number) / "terms"  # one copy each: their caches sit beside it
            if number == 0:
                terms.parent.mkdir()
                terms.mkdir()
                make_corpus(terms, count)
            else:
                shutil.copytree(corpora[0], terms)
            corpora.append(terms)
            started = time.perf_counter()
            cold = subprocess.run(
                [sys.executable, "-m", "generator", "search", "--terms", str(terms), "warm up"],
                cwd=tree,
                env=env,
                capture_output=True,
                text=True,
            )
            print(f"{tree}: cold build of the index for {count} entries: {time.perf_counter() - started:.2f} s")
            if cold.returncode != 0:
                raise SystemExit(cold.stderr)
        time.sleep(3.5)  # past the cache's racy-timestamp window, as for any file not just edited
        times: dict[Path, list[float]] = {tree: [] for tree in trees}
        cpu: dict[Path, list[float]] = {tree: [] for tree in trees}
        for tree, terms in zip(trees, corpora):
            subprocess.run(
                [sys.executable, "-m", "generator", "search", "--terms", str(terms), "warm up"],
                cwd=tree,
                env=env,
                capture_output=True,
                check=True,
            )
        for i in range(runs):
            query = QUERIES[i % len(QUERIES)]
            for tree, terms in zip(trees, corpora):
                command = [sys.executable, "-m", "generator", "search", "--terms", str(terms), "--limit", "10", query]
                used, started = _children_cpu(), time.perf_counter()
                subprocess.run(command, cwd=tree, env=env, capture_output=True, check=True)
                times[tree].append((time.perf_counter() - started) * 1000)
                cpu[tree].append((_children_cpu() - used) * 1000)
        bytecode = "with" if pyc or not os.environ.get("PYTHONDONTWRITEBYTECODE") else "without"
        for tree, spent in times.items():
            spent.sort()
            print(
                f"{tree}: warm `python -m generator search` on {count} entries, {runs} runs ({bytecode} bytecode "
                f"cache): median {statistics.median(spent):.0f} ms, max {spent[-1]:.0f} ms (target < 150 ms); "
                f"CPU median {statistics.median(cpu[tree]):.0f} ms"
            )
        # Where the time goes: the interpreter's start, and the modules a search imports.
        for label, code in (
            ("python start-up", "pass"),
            (
                "python start-up and a search's imports",
                "from generator.cli import build_parser; build_parser('search'); "
                "import generator.cli.search, generator.search.cache, generator.search.rank",
            ),
        ):
            spent = []
            for _ in range(runs):
                started = time.perf_counter()
                subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True)
                spent.append((time.perf_counter() - started) * 1000)
            print(f"  of which {label}: median {statistics.median(spent):.0f} ms")


def bench_size(count: int) -> None:
    from generator.pipeline import load_glossary
    from generator.search.sections import documents
    from generator.search.site import site_index_data

    with tempfile.TemporaryDirectory(prefix="glossary-bench-") as tmp:
        terms = Path(tmp) / "terms"
        terms.mkdir()
        make_corpus(terms, count)
        glossary = load_glossary(terms, use_cache=False)
        entries = list(glossary.entries.values())
        for label, items in (("entries only", entries), ("entries and the site's pages", documents(entries))):
            data = json.dumps(site_index_data(items), ensure_ascii=False, separators=(",", ":"))
            raw = data.encode("utf-8")
            packed = gzip.compress(raw, compresslevel=9)
            print(
                f"site index for {len(entries)} entries, {label}: {len(raw) / 1024:.0f} KB, "
                f"{len(packed) / 1024:.0f} KB gzipped (limit 400 KB with the pages)"
            )


SITE_PROBE = """() => {
    window.__latency = [];
    const input = document.querySelector('[data-gl-search-input]');
    const root = document.querySelector('[data-md-component="glossary-search"]');
    input.addEventListener('keydown', () => { window.__lastKey = performance.now(); }, true);
    root.addEventListener('glossary-search:rendered', event => {
        if (event.detail.state === 'idle') return;
        const key = window.__lastKey;
        requestAnimationFrame(() => window.__latency.push(performance.now() - key));
    });
}"""


def _wait(page: Any, predicate: str, arg: object = None, timeout: float = 30.0) -> None:
    """Poll `predicate` (a function of `arg`) from outside the page until it is true.

    Playwright's wait_for_function evaluates it with `new Function` inside the page, which
    the site's Content-Security-Policy refuses (tests/browser/conftest.wait_for)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(f"(a) => Boolean(({predicate})(a))", arg):
        if time.monotonic() > deadline:
            raise TimeoutError(f"still false after {timeout} s: {predicate}")
        page.wait_for_timeout(5)


def bench_site(count: int) -> None:
    """Build a `count`-entry site, type the quality suite into its search box in chromium,
    and time each keystroke until the next frame after the results were drawn."""
    import functools
    import http.server
    import threading

    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium")
    if chromium is None:
        raise SystemExit("chromium is not installed (apt-get install chromium)")
    queries = [q["q"] for q in yaml.safe_load((ROOT / "tests" / "search" / "queries.yaml").read_text(encoding="utf-8"))]
    with tempfile.TemporaryDirectory(prefix="glossary-bench-") as tmp:
        terms, site = Path(tmp) / "terms", Path(tmp) / "site"
        terms.mkdir()
        make_corpus(terms, count)
        build = subprocess.run(
            [sys.executable, "-m", "generator", "build", "--terms", str(terms), "--site-dir", str(site)],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if build.returncode != 0:
            raise SystemExit(build.stdout + build.stderr)
        index = (site / "search" / "glossary-index.json").read_bytes()
        print(
            f"site index for {count} entries: {len(index) / 1024:.0f} KB, "
            f"{len(gzip.compress(index, 9)) / 1024:.0f} KB gzipped (limit 400 KB)"
        )

        class Quiet(http.server.SimpleHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
                pass

        handler = functools.partial(Quiet, directory=str(site))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=chromium, args=["--headless", "--no-sandbox"])
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.goto(f"http://127.0.0.1:{server.server_address[1]}/")
                started = time.perf_counter()
                page.locator("[data-gl-search-input]").click()
                _wait(page, "() => window.GlossarySearch.index !== null")
                print(f"index fetched and built in the page: {(time.perf_counter() - started) * 1000:.0f} ms")
                page.evaluate(SITE_PROBE)
                box = page.locator("[data-gl-search-input]")
                for query in queries:
                    box.fill("")
                    box.press_sequentially(query)
                    _wait(
                        page,
                        "q => document.querySelector('[data-md-component=\"glossary-search\"]').dataset.glQuery === q",
                        query,
                    )
                samples = sorted(page.evaluate("window.__latency"))
                browser.close()
        finally:
            server.shutdown()
    p95 = samples[int(0.95 * (len(samples) - 1))]
    print(
        f"site search on {count} entries, {len(samples)} keystrokes: median {statistics.median(samples):.1f} ms, "
        f"p95 {p95:.1f} ms, max {samples[-1]:.1f} ms from keystroke to the next frame (target < 50 ms)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=("cli", "size", "site"))
    parser.add_argument("--entries", type=int)
    parser.add_argument("--runs", type=int, default=12)
    parser.add_argument("--compare", type=Path, metavar="DIR", help="cli: also time this other checkout")
    parser.add_argument("--pyc", action="store_true", help="cli: let Python keep bytecode (in a temporary folder)")
    args = parser.parse_args()
    if args.what == "cli":
        bench_cli(args.entries or 10_000, args.runs, args.compare, args.pyc)
    elif args.what == "site":
        bench_site(args.entries or 1_000)
    else:
        bench_size(args.entries or 1_000)


if __name__ == "__main__":
    main()
