"""Where validate, render and the build spend their time, on a synthetic corpus.

    python -m bench profile --n 10000 --what validate [--warm] [--cprofile] [--top 30]
    python -m bench profile --n 1000 --what render|build

Default mode times named stages with the wall clock (inclusive time and calls of each
wrapped function, measured in the main process; time spent in worker processes shows up
inside the caller that waits for them). `--cprofile` instead runs the same work under
cProfile and prints the functions with the most own time. `--timeline` shows which process
(the main one or a forked worker) ran each stage and when, and how many cores the work kept
busy (bench/timeline.py): what a serial profile cannot show. For a sampling profile of the
real command, including worker processes, use py-spy:

    py-spy record -s -r 200 -f raw -o out.txt -- python -m generator validate --no-cache --terms DIR

Corpora are the ones `python -m bench run` writes (bench/out/n<N>/terms), created if missing.
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import importlib
import io
import os
import pstats
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from bench.run import ROOT, prepare
from bench.timeline import Timeline

# module: functions (or Class.method) to time; names that do not exist are skipped, so the
# list survives the stages being reorganised.
STAGES: dict[str, tuple[str, ...]] = {
    "generator.pipeline": ("load_all", "read_entry_file", "_check_files", "check_bytes", "_read_cache", "_write_cache"),
    "generator.check.codec": ("to_plain", "from_plain"),
    "generator.check.fields": ("check_file", "read_entry"),
    "generator.check.examples": ("check_examples",),
    "generator.check.cross_entry": (
        "check_across",
        "_slug_collisions",
        "_name_clashes",
        "_links",
        "_near_duplicates",
        "orphan_warnings",
    ),
    "generator.check.math": ("check_keys", "keys", "collect", "check_math"),
    "generator.link.graph": ("build_graph", "find_orphans", "_pagerank", "_components", "Graph.neighbourhood_json"),
    "generator.compute.site_data": ("collect_site_data",),
    # a function is timed where it is called from: the page builders by the name site.py imports
    "generator.render.site": (
        "render_site",
        "entry_page",
        "raw_entry",
        "home_page",
        "areas_page",
        "a_to_z_page",
        "tags_page",
        "tag_page",
        "graph_page",
        "calculators_page",
        "graph_json",
        "previews_json",
    ),
    "generator.render.entry_pages": ("_local_graph",),
    "generator.render.context": ("Site.__init__",),
    "generator.render.autolink": ("render_markdown", "_mentions", "NameIndex.build"),
    "generator.cite.record": ("html_views",),
    "generator.render.metadata": ("entry_jsonld", "head_html"),
    "generator.emit.allowlist": ("clean",),
    "generator.emit.csp": ("add_policy",),
    "mkdocs.commands.build": (
        "build",
        "_populate_page",
        "_build_page",
        "_build_theme_template",
        "_build_extra_template",
    ),
    "mkdocs.structure.pages": ("Page.render",),
    "mkdocs.structure.files": ("get_files", "File.copy_file"),
}


class Timer:
    def __init__(self) -> None:
        self.total: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self.active: dict[str, int] = defaultdict(int)

    def wrap(self, name: str, func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        def timed(*args: Any, **kwargs: Any) -> Any:
            self.calls[name] += 1
            if self.active[name]:  # recursion: count the outermost call only
                return func(*args, **kwargs)
            self.active[name] += 1
            started = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                self.total[name] += time.perf_counter() - started
                self.active[name] -= 1

        return timed

    def install(self) -> None:
        for module_name, names in STAGES.items():
            try:
                module = importlib.import_module(module_name)
            except ImportError:
                continue
            for name in names:
                owner: Any = module
                attr = name
                if "." in name:
                    cls_name, attr = name.split(".", 1)
                    owner = getattr(module, cls_name, None)
                    if owner is None:
                        continue
                func = owner.__dict__.get(attr) if isinstance(owner, type) else getattr(owner, attr, None)
                if func is None:
                    continue
                if isinstance(func, classmethod):
                    setattr(owner, attr, classmethod(self.wrap(f"{module_name}.{name}", func.__func__)))
                elif callable(func):
                    setattr(owner, attr, self.wrap(f"{module_name}.{name}", func))

    def report(self, wall: float) -> str:
        lines = [
            f"{'inclusive':>10} {'share':>6} {'calls':>8}  stage",
            f"{wall:9.2f}s {100:5.0f}% {'':>8}  (whole run)",
        ]
        for name, seconds in sorted(self.total.items(), key=lambda kv: -kv[1]):
            lines.append(f"{seconds:9.2f}s {100 * seconds / wall:5.1f}% {self.calls[name]:8d}  {name}")
        return "\n".join(lines)


def _validate(terms: Path, warm: bool) -> Callable[[], Any]:
    from generator.pipeline import load_all

    if warm:
        load_all(terms, use_cache=True)  # make sure the cache is there
    return lambda: load_all(terms, use_cache=warm)


def _render(terms: Path) -> Callable[[], Any]:
    def work() -> Any:
        from generator.compute.site_data import SiteConfig, collect_site_data
        from generator.pipeline import load_all
        from generator.render.site import render_site

        loaded = load_all(terms, use_cache=False)
        config = SiteConfig(
            site_url="https://leverage-glossary.org/", site_name="Leverage Glossary", build_day=date(2026, 11, 24)
        )
        return render_site(collect_site_data(loaded.glossary.entries, loaded.graph, config, loaded.examples))

    return work


def _build(terms: Path, site_dir: Path) -> Callable[[], Any]:
    def work() -> Any:
        from mkdocs.commands import build as mkdocs_build
        from mkdocs.config import load_config

        os.environ["GLOSSARY_TERMS"] = str(terms.resolve())
        os.environ["NO_MKDOCS_2_WARNING"] = "1"
        config = load_config(config_file=str(ROOT / "mkdocs.yml"), site_dir=str(site_dir), strict=True)
        mkdocs_build.build(config)

    return work


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench profile", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=10000)
    parser.add_argument("--what", choices=("validate", "render", "build"), default="validate")
    parser.add_argument("--warm", action="store_true", help="validate with warm caches")
    parser.add_argument("--serial", action="store_true", help="parse in this process (no worker pool)")
    parser.add_argument("--cprofile", action="store_true", help="cProfile instead of stage timings")
    parser.add_argument("--timeline", action="store_true", help="stages by process and time (bench/timeline.py)")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--seed", type=int, default=9)
    args = parser.parse_args(argv)
    setup = prepare(args.n, args.seed, need_peers=False)
    os.chdir(ROOT)
    if args.serial:
        import generator.pipeline

        generator.pipeline._PARALLEL_THRESHOLD = 10**12
    if args.what == "validate":
        work = _validate(setup.terms, args.warm)  # a warm run primes the cache here, untimed
    elif args.what == "render":
        work = _render(setup.terms)
    else:
        work = _build(setup.terms, setup.work / "profile-site")
    timer = Timer()
    timeline = Timeline() if args.timeline else None
    if timeline:
        timeline.install()
    elif not args.cprofile:
        timer.install()
    profiler = cProfile.Profile() if args.cprofile else None
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    work()
    if profiler:
        profiler.disable()
    wall = time.perf_counter() - started
    print(f"{args.what} of {args.n} entries{' (warm)' if args.warm else ''}: {wall:.2f} s wall")
    if timeline:
        print(timeline.report(wall))
    elif profiler:
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("tottime").print_stats(args.top)
        print(out.getvalue())
    else:
        print(timer.report(wall))
    return 0


if __name__ == "__main__":
    sys.exit(main())
