"""`python -m bench boundary --n 1000` - what the output boundary costs a build.

Builds the synthetic glossary once with `glossary build`, then runs the two output-boundary
steps again, alone, over what that build wrote: the HTML allowlist (nh3) over every page's
content and the Content-Security-Policy hashing over every finished page. Reports the CPU
seconds of each against the build's wall time and its CPU time, measured in the same run,
so the share holds on a busy machine too (a build spreads its pages over the cores; the
boundary's share of the build's CPU is the figure that does not depend on how many).
"""

from __future__ import annotations

import argparse
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.corpus import write_corpus

_CONTENT = re.compile(r'<article class="md-content__inner md-typeset">(.*)</article>', re.DOTALL)
_META = re.compile(r'<meta http-equiv="Content-Security-Policy" content="[^"]*">')


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(n: int, work: Path) -> dict[str, float]:
    from generator.emit.allowlist import clean
    from generator.emit.csp import add_policy

    terms, site = work / "terms", work / "site"
    write_corpus(n, terms)
    cpu_before, started = _children_cpu(), time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "generator", "build", "--terms", str(terms), "--site-dir", str(site)],
        check=True,
        capture_output=True,
    )
    build_wall, build_cpu = time.perf_counter() - started, _children_cpu() - cpu_before
    pages = [path.read_text(encoding="utf-8") for path in site.rglob("*.html")]
    contents = [found.group(1) for page in pages if (found := _CONTENT.search(page))]
    unpolicied = [_META.sub("", page, count=1) for page in pages]
    started = time.process_time()
    for content in contents:
        clean(content)
    allowlist_cpu = time.process_time() - started
    started = time.process_time()
    for page in unpolicied:
        add_policy(page)
    csp_cpu = time.process_time() - started
    return {
        "entries": n,
        "pages": len(pages),
        "content_mb": sum(map(len, contents)) / 1e6,
        "build_wall": build_wall,
        "build_cpu": build_cpu,
        "allowlist_cpu": allowlist_cpu,
        "csp_cpu": csp_cpu,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench boundary", description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="entries in the synthetic glossary (default 1000)")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="bench-boundary-"))
    try:
        found = measure(args.n, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    share = (found["allowlist_cpu"] + found["csp_cpu"]) / found["build_cpu"]
    print(f"{found['entries']} entries, {found['pages']} pages, {found['content_mb']:.1f} MB of page content")
    print(f"build: {found['build_wall']:.2f} s wall, {found['build_cpu']:.2f} s CPU")
    print(f"allowlist: {found['allowlist_cpu']:.2f} s CPU; policy hashing: {found['csp_cpu']:.2f} s CPU")
    print(f"output boundary: {share:.1%} of the build's CPU")
    return 0
