"""Row h on the shipped glossary: `glossary serve`, then five edits of one entry.

    python -m bench serve_edit [--terms terms] [--timeout 300]

The shipped terms are copied to bench/out/shipped/terms (the edits never touch terms/), the
server is started on them and `bench.run._serve` does exactly what row h does at 1,000 and
10,000 entries: five edits, each timed from saving it until the server returns the page
with it. Prints the median and each edit's time; the raw run goes to
bench/out/serve-shipped-<time>.json. Budget: a median of 0.5 s.
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
from pathlib import Path

from bench.run import OUT, ROOT, Setup, _serve

BUDGET_S = 0.5


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench serve_edit")
    parser.add_argument("--terms", type=Path, default=ROOT / "terms")
    parser.add_argument("--timeout", type=float, default=300.0)
    args = parser.parse_args(argv)
    base = OUT / "shipped"
    if base.exists():
        shutil.rmtree(base)
    shutil.copytree(args.terms, base / "terms")
    (base / "work").mkdir(parents=True)
    count = len(list((base / "terms").glob("*.yaml")))
    setup = Setup(count, base, base / "terms", base / "plain", base / "sphinx", base / "work")
    sample = _serve(setup, base / "work" / "serve.log", args.timeout)
    edits = sample.extra.get("edits", [])
    result = {
        "entries": count,
        "ok": sample.ok,
        "note": sample.note,
        "median_s": sample.wall if sample.ok else None,
        "edits_s": edits,
        "startup_s": sample.extra.get("startup"),
        "peak_mb": round(sample.peak_mb, 1),
        "budget_s": BUDGET_S,
    }
    out = OUT / f"serve-shipped-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    shown = ", ".join(f"{seconds:.3f}" for seconds in edits)
    verdict = "met" if sample.ok and sample.wall <= BUDGET_S else "not met"
    print(f"{count} entries: edit-to-page median {sample.wall:.3f} s ({shown}); budget {BUDGET_S} s: {verdict}")
    print(f"first build served after {result['startup_s']} s; peak {result['peak_mb']} MB; raw run: {out}")
    return 0 if sample.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
