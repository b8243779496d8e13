"""Which process ran which stage of a build, and when: the main process and every forked worker.

    python -m bench profile --n 1000 --what build --timeline

A serial CPU profile adds up the work; it cannot show a stage that competes with another
for the two cores, a worker that starts late, or a core left idle while one process works
alone. This records every call of the stages below, in whichever process makes it (forked
workers inherit the wrappers and the open log), with its start, end and CPU time, and
prints them by process in order of start, then how many cores the build kept busy on
average. A build that wastes no core keeps about two busy; the gap says how much wall time
better scheduling could win, before any work is made cheaper.
"""

from __future__ import annotations

import functools
import importlib
import os
import resource
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

# Stages named where they are looked up when called (a name a module imported is patched in
# that module); names that do not exist are skipped, so the list survives reorganising.
STAGES: dict[str, tuple[str, ...]] = {
    "generator.pipeline": ("load_all", "_work"),
    "generator.check.cross_entry": ("check_across",),
    "generator.compute.site_data": ("collect_site_data",),
    "generator.render.site": ("render_site", "_render_entries"),
    "generator.export.formats": ("write_site_files",),
    "generator.search": ("write_site_index",),
    "mkdocs.commands.build": ("_populate_page",),
    "generator.emit.mkdocs.theme_render": ("start", "_render", "render_page"),
    "generator.emit.csp": ("write_headers",),
}


class Timeline:
    """Wraps the stages; each call appends `pid name start end cpu` to one log (O_APPEND, so
    lines from several processes never mix)."""

    def __init__(self) -> None:
        handle, name = tempfile.mkstemp(prefix="bench-timeline-", suffix=".log")
        os.close(handle)
        self.path = Path(name)
        self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND)
        self.started = time.time()
        self.cpu_before = _tree_cpu()

    def wrap(self, name: str, func: Callable[..., Any]) -> Callable[..., Any]:
        fd = self._fd

        @functools.wraps(func)
        def timed(*args: Any, **kwargs: Any) -> Any:
            start, cpu = time.time(), time.process_time()
            try:
                return func(*args, **kwargs)
            finally:
                line = f"{os.getpid()} {name} {start:.4f} {time.time():.4f} {time.process_time() - cpu:.4f}\n"
                os.write(fd, line.encode())

        return timed

    def install(self) -> None:
        for module_name, names in STAGES.items():
            try:
                module = importlib.import_module(module_name)
            except ImportError:
                continue
            for name in names:
                func = getattr(module, name, None)
                if callable(func):
                    setattr(module, name, self.wrap(name, func))

    def report(self, wall: float) -> str:
        """The stages by process, in order of start; then the cores kept busy."""
        os.close(self._fd)
        calls: dict[tuple[int, str], list[float]] = defaultdict(lambda: [0, 1e18, 0.0, 0.0])  # n, start, end, cpu
        for line in self.path.read_text().splitlines():
            fields = line.split()
            row = calls[(int(fields[0]), fields[1])]
            row[0] += 1
            row[1] = min(row[1], float(fields[2]) - self.started)
            row[2] = max(row[2], float(fields[3]) - self.started)
            row[3] += float(fields[4])
        self.path.unlink()
        first: dict[int, float] = {}
        for (pid, _), row in calls.items():
            first[pid] = min(first.get(pid, 1e18), row[1])
        me = os.getpid()
        lines = [f"{'process':>12} {'stage':<20} {'calls':>6} {'from':>7} {'to':>7} {'cpu':>7}"]
        for (pid, name), (n, start, end, cpu) in sorted(calls.items(), key=lambda kv: (first[kv[0][0]], kv[1][1])):
            who = "main" if pid == me else f"worker {pid}"
            lines.append(f"{who:>12} {name:<20} {n:6.0f} {start:6.2f}s {end:6.2f}s {cpu:6.2f}s")
        used = _tree_cpu() - self.cpu_before
        lines.append(f"CPU {used:.2f} s (this process and its workers) in {wall:.2f} s: {used / wall:.2f} cores busy")
        return "\n".join(lines)


def _tree_cpu() -> float:
    """User and system time of this process and of its children that have ended."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
