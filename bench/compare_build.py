"""A full build of this tree against the same build at an earlier commit, in one run.

    python -m bench compare_build --before-ref REF [--n 1000] [--reps 5]

Each side builds the same synthetic corpus (bench/corpus.py) with every cache cleared
first, the two alternating round by round so that a burst of noise on a shared machine
hits both alike. The earlier commit runs from a git worktree in a temporary folder
(removed afterwards), with this tree's virtual environment. Fields that the earlier
commit does not know yet (its validator reports them as unknown) are removed from its copy
of the corpus, so each side builds what it can read: the later side does no less work.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.corpus import write_corpus
from bench.worktree import ROOT, worktree

_UNKNOWN = re.compile(r"UNKNOWN_FIELD unknown field '([a-z_]+)'")


def _glossary(tree: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(tree)}
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=tree, env=env, text=True, capture_output=True)


def _strip_unknown(tree: Path, terms: Path) -> list[str]:
    """Remove from `terms` the top-level fields the tree at `tree` does not know; returns them."""
    found = sorted(set(_UNKNOWN.findall(_glossary(tree, "validate", "--no-cache", "--terms", str(terms)).stdout)))
    if found:
        field = re.compile(rf"^(?:{'|'.join(found)}):.*\n(?:[ \t].*\n|\n)*", re.MULTILINE)
        for path in terms.glob("*.yaml"):
            text = path.read_text(encoding="utf-8")
            kept = field.sub("", text)
            if kept != text:
                path.write_text(kept, encoding="utf-8")
    return found


def _build(tree: Path, work: Path) -> float:
    shutil.rmtree(work / ".glossary-cache", ignore_errors=True)
    shutil.rmtree(work / "site", ignore_errors=True)
    start = time.perf_counter()
    done = _glossary(tree, "build", "--terms", str(work / "terms"), "--site-dir", str(work / "site"))
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"build failed in {tree}:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench compare_build", description=__doc__)
    parser.add_argument("--before-ref", required=True, help="the earlier commit (any git revision)")
    parser.add_argument("--n", type=int, default=1000, help="entries in the corpus")
    parser.add_argument("--reps", type=int, default=5, help="alternating rounds")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="glossary-compare-") as tmp_name, worktree(args.before_ref) as before_tree:
        tmp = Path(tmp_name)
        sides = {"before": (before_tree, tmp / "before"), "after": (ROOT, tmp / "after")}
        for _, work in sides.values():
            write_corpus(args.n, work / "terms")
        stripped = _strip_unknown(before_tree, sides["before"][1] / "terms")
        if stripped:
            print(f"fields the earlier commit does not know, left out of its copy: {', '.join(stripped)}")
        times: dict[str, list[float]] = {"before": [], "after": []}
        for round_number in range(1, args.reps + 1):
            for name, (tree, work) in sides.items():
                times[name].append(_build(tree, work))
                load = os.getloadavg()[0]
                print(f"  round {round_number}  {name:6}  {times[name][-1]:.2f} s  (load {load:.1f})", flush=True)
    best = {name: min(values) for name, values in times.items()}
    middle = {name: statistics.median(values) for name, values in times.items()}
    print(f"\nfull build, {args.n} entries, {args.reps} alternating rounds ({args.before_ref} against this tree)")
    for name in times:
        print(f"  {name:6}  best {best[name]:.2f} s  median {middle[name]:.2f} s")
    print(
        f"  after / before: best {best['after'] / best['before']:.3f}, median {middle['after'] / middle['before']:.3f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
