"""Calculator budgets, measured in Debian's chromium on a built site.

    python bench/calculators.py [--site DIR] [--keystrokes 60]

Budgets: at most 30 KB gzipped of added JavaScript (the calc-*.js files glossary.js loads),
loaded only on pages with a calculator or a formula; a result on screen within 50 ms of a
keystroke; no layout shift while results update. Without --site the shipped glossary is
built into a temporary folder first. Results go to bench/out/calculators-<time>.json.
"""

from __future__ import annotations

import argparse
import gzip
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser.pagecheck import serve  # noqa: E402  (the tests' static server)

SCRIPTS = ("calc-numbers.js", "calc-evaluate.js", "calc-engine.js", "calc-form.js", "calc-ui.js")
BUDGET_KB = 30.0
BUDGET_MS = 50.0

# Types `values` into one field the way a keystroke does (input event), timing each from
# the event to the results drawn and laid out; and sums every layout shift meanwhile.
TYPE_AND_TIME = """async ([selector, values]) => {
  const shifts = [];
  new PerformanceObserver((list) => list.getEntries().forEach((e) => shifts.push(e.value)))
    .observe({type: 'layout-shift', buffered: false});
  const field = document.querySelector(selector);
  const times = [];
  for (const value of values) {
    const start = performance.now();
    field.value = value;
    field.dispatchEvent(new Event('input', {bubbles: true}));
    document.body.offsetHeight;  // layout, as the frame would
    await new Promise((done) => requestAnimationFrame(() => done()));
    times.push(performance.now() - start);
  }
  await new Promise((done) => setTimeout(done, 200));
  return {times, shift: shifts.reduce((a, b) => a + b, 0)};
}"""


def _gzip_kb(path: Path) -> float:
    return len(gzip.compress(path.read_bytes(), 9)) / 1024


def _build(site: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "generator", "build", "--site-dir", str(site)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )


def _keystrokes(count: int) -> list[str]:
    """Typing 50000, deleting it and typing 60000, and so on: each prefix is a keystroke."""
    out: list[str] = []
    number = 50000
    while len(out) < count:
        text = str(number)
        out += [text[:i] for i in range(1, len(text) + 1)]
        number += 1234
    return out[:count]


def measure(site: Path, keystrokes: int) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    js = site / "assets" / "javascripts"
    sizes = {name: round(_gzip_kb(js / name), 2) for name in SCRIPTS}
    data_kb = round(_gzip_kb(site / "calculators.json"), 2)
    pages = {
        "calculators": ("calculators/", '.gl-calc[data-calc="liquidation_price"] input[name="entry"]'),
        "entry": (
            "term/liquidation-price/?formula=mark-basis-linear-long&qty=1&entry=60000&margin=3000&cum=0&mmr=0.004"
            "&fee_rate=0",
            '.gl-vars__try input[name="entry"]',
        ),
    }
    result: dict[str, Any] = {"gzip_kb": sizes, "added_js_kb": round(sum(sizes.values()), 2), "data_kb": data_kb}
    with serve(site) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), headless=True)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        loaded: list[str] = []
        page.on("request", lambda request: loaded.append(request.url))
        page.goto(base + "about/")
        page.wait_for_load_state("networkidle")
        result["loaded_on_a_page_without_formulas"] = [u for u in loaded if any(s in u for s in SCRIPTS)]
        for name, (path, selector) in pages.items():
            page.goto(base + path)
            page.wait_for_selector(selector, timeout=15_000)
            timing = page.evaluate(TYPE_AND_TIME, [selector, _keystrokes(keystrokes)])
            times = sorted(timing["times"])
            result[name] = {
                "keystrokes": len(times),
                "median_ms": round(statistics.median(times), 2),
                "p95_ms": round(times[int(0.95 * (len(times) - 1))], 2),
                "max_ms": round(times[-1], 2),
                "layout_shift": round(timing["shift"], 4),
            }
        browser.close()
    worst = max(result[name]["max_ms"] for name in pages)
    result["budgets"] = {
        "added_js_kb <= 30": result["added_js_kb"] <= BUDGET_KB,
        "keystroke max_ms <= 50": worst <= BUDGET_MS,
        "no layout shift": all(result[name]["layout_shift"] == 0 for name in pages),
        "not loaded without formulas": not result["loaded_on_a_page_without_formulas"],
    }
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--site", type=Path, help="a built site (default: build the shipped glossary)")
    parser.add_argument("--keystrokes", type=int, default=60)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        site = args.site
        if site is None:
            site = Path(tmp) / "site"
            _build(site)
        result = measure(site, args.keystrokes)
    print(json.dumps(result, indent=2))
    out = ROOT / "bench" / "out" / f"calculators-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0 if all(result["budgets"].values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
