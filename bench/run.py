"""Measure every contender side by side, in one run, and print times, ratios and peak memory.

    python -m bench run [--n 1000,10000] [--reps 3] [--only floor,validate_cold,...]
                        [--timeout 1800] [--slow 300] [--write-docs]

Each measurement runs in a fresh subprocess, so imports are counted and peak memory is
that process tree's `ru_maxrss` (from `wait4`: the largest single process, workers
included). Every contender reads the same files. Repetitions are interleaved - one
round of every contender, then the next round - so a burst of noise on a shared machine
hits all of them alike, and the best of the rounds is reported. A contender whose first
round takes longer than `--slow` seconds is not repeated (its one sample is marked).

Contenders (lettered as the performance targets name them):
  a  floor          bare libyaml: yaml.load(..., CSafeLoader) of every file, nothing else
  b  validate_cold  glossary validate --no-cache
     validate_warm  glossary validate, nothing changed since the last run (caches warm)
     validate_edit  glossary validate after one entry changed (caches warm)
  c  render         generator to Markdown without MkDocs (bench/render_pages.py)
  d  build          glossary build --site-dir DIR (every cache cleared first)
  e  mkdocs_plain   mkdocs build of one plain Markdown page per entry (bench/peers/mkdocs_plain.py)
  f  sphinx         sphinx-build of one `glossary` page per entry (bench/peers/sphinx_project.py)
  g  search         glossary search, warm index (one untimed run first)
  h  serve          glossary serve: time from editing one entry until its page serves the edit
                    (median of SERVE_EDITS edits)

Raw results: bench/out/results-<time>.json and bench/out/latest.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import CORPUS_VERSION, SEED

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
OUT = BENCH / "out"
DOCS_PAGE = ROOT / "site_src" / "reference" / "performance.md"
PY = sys.executable
DEFAULT_NS = (1000, 10000)
SEARCH_QUERY = "maintenence margin"  # a typo on purpose: the fuzzy path, not an exact hit

TABLE_START, TABLE_END = "<!-- bench:table:start -->", "<!-- bench:table:end -->"


# -- measuring one process ------------------------------------------------------------------


@dataclass
class Sample:
    wall: float  # seconds
    cpu: float  # user + system seconds of the whole process tree
    peak_mb: float  # ru_maxrss of the largest process in the tree
    ok: bool
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    others: float | None = None  # cores other processes kept busy meanwhile (see launcher.py)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["NO_MKDOCS_2_WARNING"] = "1"
    env.setdefault("PYTHONHASHSEED", "0")
    env.pop("GLOSSARY_TERMS", None)
    return env


class Launcher:
    """The small process (bench/launcher.py) that forks, execs and reaps every measured command."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [PY, "-S", "-E", str(BENCH / "launcher.py")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )

    def ask(self, request: dict[str, Any]) -> dict[str, Any]:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        reply = json.loads(self.proc.stdout.readline())
        if "error" in reply:
            raise RuntimeError(f"launcher: {reply['error']}")
        return reply

    def close(self) -> None:
        """Ask the launcher to quit (it kills anything it still runs) and reap it."""
        if self.proc.poll() is None and self.proc.stdin:
            try:
                self.proc.stdin.write(json.dumps({"op": "quit"}) + "\n")
                self.proc.stdin.close()
            except OSError:
                pass
            self.proc.wait(timeout=30)


_launcher: Launcher | None = None


def launcher() -> Launcher:
    global _launcher
    if _launcher is None:
        _launcher = Launcher()
    return _launcher


def _request(cmd: list[str], log: Path, env: dict[str, str] | None, cwd: Path) -> dict[str, Any]:
    log.parent.mkdir(parents=True, exist_ok=True)
    return {"cmd": cmd, "cwd": str(cwd), "env": env or _env(), "log": str(log)}


def _sample(reply: dict[str, Any]) -> Sample:
    ok = reply["exit"] == 0 and not reply["timed_out"]
    note = ""
    if reply["timed_out"]:
        note = "timed out"
    elif reply["exit"] is None:
        note = f"killed by signal {reply['signal']}"
    elif reply["exit"] != 0:
        note = f"exit {reply['exit']}"
    return Sample(
        wall=reply["wall"],
        cpu=reply["cpu"],
        peak_mb=reply["maxrss_kb"] / 1024,
        ok=ok,
        note=note,
        others=reply.get("others"),
    )


def run_measured(
    cmd: list[str], log: Path, *, timeout: float, env: dict[str, str] | None = None, cwd: Path = ROOT
) -> tuple[Sample, str]:
    """Run `cmd` to completion through the launcher; wall time, CPU time and peak RSS come from wait4."""
    reply = launcher().ask({"op": "run", "timeout": timeout, **_request(cmd, log, env, cwd)})
    sample = _sample(reply)
    if reply["timed_out"]:
        sample.note = f"timed out after {timeout:.0f} s"
    return sample, log.read_text(encoding="utf-8", errors="replace")


def _run_quiet(cmd: list[str], *, timeout: float, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=ROOT, env=env or _env(), capture_output=True, text=True, timeout=timeout)


# -- the corpus and the reference projects, per size ------------------------------------------


@dataclass
class Setup:
    n: int
    base: Path  # bench/out/n<N>/
    terms: Path
    plain: Path
    sphinx: Path
    work: Path


def prepare(n: int, seed: int, *, need_peers: bool) -> Setup:
    """The corpus and the peer projects for size `n`, written once and reused while unchanged.

    The writing happens in child processes: this process must stay small, because a child's
    `ru_maxrss` can never be less than the parent's peak RSS when it was forked.
    """
    # what `./dev.sh setup` does: the generator's bytecode written, so that no contender
    # compiles its modules from source (a machine with PYTHONDONTWRITEBYTECODE would)
    subprocess.run([PY, "-m", "compileall", "-q", str(ROOT / "generator")], check=True, capture_output=True)
    base = OUT / f"n{n}"
    setup = Setup(n, base, base / "terms", base / "mkdocs-plain", base / "sphinx", base / "work")
    stamp_file = base / "corpus.json"
    stamp = {"n": n, "seed": seed, "version": CORPUS_VERSION}
    current = json.loads(stamp_file.read_text()) if stamp_file.exists() else None
    if current is None or current.get("stamp") != stamp or not setup.terms.is_dir():
        print(f"  writing a corpus of {n} entries ...", flush=True)
        if base.exists():
            shutil.rmtree(base)
        done = subprocess.run(
            [PY, "-m", "bench", "corpus", "--n", str(n), "--seed", str(seed), "--out", str(setup.terms)],
            cwd=ROOT,
            env=_env(),
            capture_output=True,
            text=True,
            check=True,
        )
        summary = json.loads(done.stdout.strip().splitlines()[-1])
        stamp_file.write_text(json.dumps({"stamp": stamp, "summary": summary}, indent=2))
    if need_peers and not ((setup.plain / "mkdocs.yml").exists() and (setup.sphinx / "conf.py").exists()):
        print(f"  writing the MkDocs and Sphinx projects for {n} entries ...", flush=True)
        subprocess.run(
            [
                PY,
                "-m",
                "bench",
                "peers",
                "--terms",
                str(setup.terms),
                "--plain",
                str(setup.plain),
                "--sphinx",
                str(setup.sphinx),
            ],
            cwd=ROOT,
            env=_env(),
            check=True,
        )
    setup.work.mkdir(parents=True, exist_ok=True)
    return setup


# -- contenders --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Contender:
    key: str
    letter: str
    label: str
    measure: Callable[[Setup, Path, float], Sample]
    glossary: bool = True  # one of ours (peak-memory and linear-growth floors apply)


def _clean(*paths: Path) -> None:
    for path in paths:
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()


def _simple(
    cmd_for: Callable[[Setup], list[str]],
    check: Callable[[Setup, str], str | None],
    before: Callable[[Setup, float], None] | None = None,
) -> Callable[[Setup, Path, float], Sample]:
    def measure(setup: Setup, log: Path, timeout: float) -> Sample:
        if before:
            before(setup, timeout)
        sample, text = run_measured(cmd_for(setup), log, timeout=timeout)
        if sample.ok:
            problem = check(setup, text)
            if problem:
                sample.ok, sample.note = False, problem
        if sample.ok and text.strip().startswith("{"):
            try:
                sample.extra = json.loads(text.strip().splitlines()[-1])
            except ValueError:
                pass
        return sample

    return measure


def _floor_check(setup: Setup, text: str) -> str | None:
    return None if text.strip() == str(setup.n) else f"parsed {text.strip()!r} files, expected {setup.n}"


def _validate_check(setup: Setup, text: str) -> str | None:
    return None if f"{setup.n} entries checked: no problems." in text else "validate reported problems"


def _warm_cache(setup: Setup, timeout: float) -> None:
    """One untimed `glossary validate`, so every cache it keeps matches the files as they are."""
    _run_quiet([PY, "-m", "generator", "validate", "--terms", str(setup.terms)], timeout=timeout)


def _edited_entry(setup: Setup) -> Path:
    """The entry the edit contenders change: the middle one in slug order."""
    files = sorted(setup.terms.glob("*.yaml"))
    return files[len(files) // 2]


def _edit(path: Path, marker: str) -> bytes:
    """Add one sentence at the top of the entry's body (still valid); returns the original bytes."""
    original = path.read_bytes()
    text = original.decode("utf-8")
    path.write_text(text.replace("body: |\n", f"body: |\n  {marker} marks this edit.\n", 1), encoding="utf-8")
    return original


def _validate_after_edit(setup: Setup, log: Path, timeout: float) -> Sample:
    """`glossary validate` with warm caches after one entry changed: what an author waits for."""
    _warm_cache(setup, timeout)
    target = _edited_entry(setup)
    original = _edit(target, f"Zqxedit{time.time_ns() % 10**9}")
    try:
        sample, text = run_measured(
            [PY, "-m", "generator", "validate", "--terms", str(setup.terms)], log, timeout=timeout
        )
    finally:
        target.write_bytes(original)
    if sample.ok:
        problem = _validate_check(setup, text)
        if problem:
            sample.ok, sample.note = False, problem
    return sample


def _cold_build(setup: Setup, timeout: float) -> None:
    """A fresh checkout: no result, LaTeX or search cache, no previous site."""
    _clean(setup.terms.parent / ".glossary-cache", setup.work / "site")


def _prime_search(setup: Setup, timeout: float) -> None:
    """Build the index, then use it once after the cache's racy-timestamp window (3 s) has passed."""
    command = [PY, "-m", "generator", "search", "--terms", str(setup.terms), SEARCH_QUERY]
    _run_quiet(command, timeout=timeout)
    time.sleep(3.5)
    _run_quiet(command, timeout=timeout)


def _site_check(folder: str) -> Callable[[Setup, str], str | None]:
    def check(setup: Setup, text: str) -> str | None:
        site = setup.work / folder
        pages = sum(1 for _ in site.rglob("index.html")) if site.is_dir() else 0
        return None if pages >= setup.n else f"only {pages} pages in {site}"

    return check


def _render_check(setup: Setup, text: str) -> str | None:
    return None if '"pages"' in text else "render printed no summary"


SERVE_EDITS = 5


def _serve(setup: Setup, log: Path, timeout: float) -> Sample:
    """Start `glossary serve`, wait for one entry page, then edit that entry SERVE_EDITS times:
    the median time from saving an edit until the page serves it (each edit's time in `extra`)."""
    target = _edited_entry(setup)
    original = target.read_bytes()
    kind = next(line.split(":", 1)[1].strip() for line in original.decode().splitlines() if line.startswith("kind:"))
    url_path = f"/{kind}/{target.stem}/"
    port = _free_port()
    marker = f"Zqxbench{int(time.time() * 1000) % 10**9}"
    cmd = [PY, "-m", "generator", "serve", "--terms", str(setup.terms), "--dev-addr", f"127.0.0.1:{port}"]
    started = time.perf_counter()
    pid = launcher().ask({"op": "start", **_request(cmd, log, None, ROOT)})["pid"]
    note, startup, rebuild = "", None, None
    edits: list[float] = []
    try:
        deadline = started + timeout
        body = _wait_for(port, url_path, lambda page: target.stem in page or "<html" in page, deadline, log)
        if body is None:
            note = f"first build not served within {timeout:.0f} s"
        else:
            startup = time.perf_counter() - started
            for number in range(SERVE_EDITS):  # one sentence more each time, each with its own marker
                time.sleep(1.0)  # let the watcher (and the last edit's /api/ writer) settle
                edit_started = time.perf_counter()
                mark = f"{marker}n{number}"
                _edit(target, mark)
                body = _wait_for(port, url_path, lambda page, m=mark: m in page, edit_started + timeout, log)
                if body is None:
                    note = f"edit {number + 1} was never served"
                    break
                edits.append(time.perf_counter() - edit_started)
            else:
                rebuild = statistics.median(edits)
    finally:
        reply = launcher().ask({"op": "stop", "pid": pid, "signal": int(signal.SIGINT), "grace": 20})
        target.write_bytes(original)
    ok = rebuild is not None
    return Sample(
        wall=rebuild if ok else timeout,
        cpu=reply["cpu"],
        peak_mb=reply["maxrss_kb"] / 1024,
        ok=ok,
        note=note,
        extra={
            "startup": round(startup, 3) if startup else None,
            "page": url_path,
            "edits": [round(seconds, 3) for seconds in edits],
        },
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(port: int, path: str, ready: Callable[[str], bool], deadline: float, log: Path) -> str | None:
    """Poll the page until `ready(page)`; None at the deadline or when the server has given up."""
    while time.perf_counter() < deadline:
        status, page = _get(port, path, max(1.0, deadline - time.perf_counter()))
        if status == 200 and ready(page):
            return page
        if status is None and log.exists() and "Aborted" in log.read_text(encoding="utf-8", errors="replace"):
            return None
        time.sleep(0.02)
    return None


def _get(port: int, path: str, timeout: float) -> tuple[int | None, str]:
    """A bare HTTP/1.0 GET (http.client would grow this process for nothing)."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
            sock.sendall(f"GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".encode())
            chunks = []
            while chunk := sock.recv(65536):
                chunks.append(chunk)
    except OSError:
        return None, ""
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    try:
        status = int(head.split(b" ", 2)[1])
    except (IndexError, ValueError):
        return None, ""
    return status, body.decode("utf-8", "replace")


CONTENDERS: tuple[Contender, ...] = (
    Contender(
        "floor",
        "a",
        "floor: bare libyaml parse (CSafeLoader)",
        _simple(lambda s: [PY, str(BENCH / "floor.py"), str(s.terms)], _floor_check),
        glossary=False,
    ),
    Contender(
        "validate_cold",
        "b",
        "glossary validate --no-cache (cold)",
        _simple(lambda s: [PY, "-m", "generator", "validate", "--no-cache", "--terms", str(s.terms)], _validate_check),
    ),
    Contender(
        "validate_warm",
        "b",
        "glossary validate, unchanged input (warm)",
        _simple(lambda s: [PY, "-m", "generator", "validate", "--terms", str(s.terms)], _validate_check, _warm_cache),
    ),
    Contender("validate_edit", "b", "glossary validate after one entry changed", _validate_after_edit),
    Contender(
        "render",
        "c",
        "generator to Markdown, no MkDocs",
        _simple(
            lambda s: [PY, "-m", "bench.render_pages", str(s.terms), str(s.work / "markdown")],
            _render_check,
            lambda s, t: _clean(s.work / "markdown"),
        ),
    ),
    Contender(
        "build",
        "d",
        "glossary build (full site, cold cache)",
        _simple(
            lambda s: [PY, "-m", "generator", "build", "--terms", str(s.terms), "--site-dir", str(s.work / "site")],
            _site_check("site"),
            _cold_build,
        ),
    ),
    Contender(
        "mkdocs_plain",
        "e",
        "MkDocs, plain pages (engine floor)",
        _simple(
            lambda s: [
                PY,
                "-m",
                "mkdocs",
                "build",
                "-q",
                "--strict",
                "-f",
                str(s.plain / "mkdocs.yml"),
                "-d",
                str(s.work / "plain-site"),
            ],
            _site_check("plain-site"),
            lambda s, t: _clean(s.work / "plain-site"),
        ),
        glossary=False,
    ),
    Contender(
        "sphinx",
        "f",
        "Sphinx, glossary directives (peer)",
        _simple(
            lambda s: [PY, "-m", "sphinx", "-b", "html", "-q", "-E", str(s.sphinx), str(s.work / "sphinx-site")],
            lambda s, t: None,
            lambda s, t: _clean(s.work / "sphinx-site"),
        ),
        glossary=False,
    ),
    Contender(
        "search",
        "g",
        f"glossary search '{SEARCH_QUERY}' (warm)",
        _simple(
            lambda s: [PY, "-m", "generator", "search", "--terms", str(s.terms), "--limit", "10", SEARCH_QUERY],
            lambda s, t: None if " 1. " in t else "no results",
            _prime_search,
        ),
    ),
    Contender("serve", "h", "rebuild after one edit while serving", _serve),
)
BY_KEY = {c.key: c for c in CONTENDERS}


# -- the run -----------------------------------------------------------------------------------


def best(samples: list[Sample]) -> Sample | None:
    good = [s for s in samples if s.ok]
    return min(good, key=lambda s: s.wall) if good else None


def run(ns: list[int], keys: list[str], reps: int, timeout: float, slow: float, seed: int) -> dict[str, Any]:
    meta = _meta(seed, reps, timeout, slow)
    need_peers = any(k in keys for k in ("mkdocs_plain", "sphinx"))
    setups = {}
    for n in ns:
        print(f"preparing n={n}", flush=True)
        setups[n] = prepare(n, seed, need_peers=need_peers)
    samples: dict[int, dict[str, list[Sample]]] = {n: {k: [] for k in keys} for n in ns}
    for rep in range(1, reps + 1):
        for n in ns:
            for key in keys:
                done = samples[n][key]
                if rep > 1 and (not done or not done[0].ok or done[0].wall > slow or not all(s.ok for s in done)):
                    continue  # failed, or too slow to repeat
                log = setups[n].work / "logs" / f"{key}-{rep}.log"
                sample = BY_KEY[key].measure(setups[n], log, timeout)
                done.append(sample)
                status = f"{sample.wall:8.2f} s  {sample.peak_mb:7.0f} MB" if sample.ok else f"FAILED ({sample.note})"
                if sample.others is not None:  # a busy machine slows a two-core build more than MkDocs' one core
                    status += f"  (cpu {sample.cpu:.1f} s; other processes {sample.others:.1f} cores)"
                print(f"  round {rep}  n={n:<6} {key:<14} {status}", flush=True)
    if _launcher is not None:
        _launcher.close()
    meta["launcher_peak_mb"] = _launcher_peak()
    return {
        "meta": meta,
        "ns": ns,
        "keys": keys,
        "samples": {str(n): {k: [asdict(s) for s in v] for k, v in by.items()} for n, by in samples.items()},
        "corpus": {str(n): json.loads((setups[n].base / "corpus.json").read_text())["summary"] for n in ns},
    }


def _meta(seed: int, reps: int, timeout: float, slow: float) -> dict[str, Any]:
    versions = {}
    for name in ("mkdocs", "mkdocs-material", "sphinx", "pyyaml", "jinja2", "markdown", "pymdown-extensions"):
        try:
            from importlib.metadata import version

            versions[name] = version(name)
        except Exception:  # noqa: BLE001 - a missing peer is simply not listed
            pass
    cpu = ""
    try:
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        pass
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    return {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "versions": versions,
        "seed": seed,
        "reps": reps,
        "timeout": timeout,
        "slow": slow,
        "load_at_start": load,
    }


def _launcher_peak() -> float | None:
    """Peak RSS of the driver itself (the launcher, a separate small process, starts the commands)."""
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


# -- reporting ------------------------------------------------------------------------------------


def summarise(results: dict[str, Any]) -> dict[str, Any]:
    """Best time, peak memory and ratio to the floor for each (n, contender)."""
    table: dict[str, dict[str, Any]] = {}
    for n, by in results["samples"].items():
        table[n] = {}
        floor = best([Sample(**s) for s in by.get("floor", [])])
        for key, raw in by.items():
            samples = [Sample(**s) for s in raw]
            top = best(samples)
            stopped = [s for s in samples if not s.ok and ("timed out" in s.note or "not served within" in s.note)]
            at_least = max((s.wall for s in stopped), default=None) if top is None else None
            table[n][key] = {
                "time": top.wall if top else None,
                "at_least": at_least,  # a run stopped at the time limit: it needs at least this long
                "cpu": top.cpu if top else None,
                "peak_mb": max((s.peak_mb for s in samples if s.ok), default=None),
                "peak_at_least": max((s.peak_mb for s in stopped), default=None) if top is None else None,
                "ratio": (top.wall / floor.wall) if top and floor else None,
                "ratio_at_least": (at_least / floor.wall) if at_least and floor else None,
                "runs": len(samples),
                "ok": top is not None,
                "note": "; ".join(sorted({s.note for s in samples if s.note})),
                "extra": top.extra if top else {},
            }
    return table


def floors(table: dict[str, dict[str, Any]], ns: list[int]) -> list[dict[str, Any]]:
    """The performance targets (`floors` in site_src/reference/performance.md), each with what was measured.

    A contender stopped at the time limit gives a lower bound (`bound`: the true value is at
    least `value`); a lower bound above the limit is a miss, below it is undecided (None).
    """

    def get(n: int, key: str, what: str = "time") -> tuple[float | None, bool]:
        cell = table.get(str(n), {}).get(key, {})
        if cell.get(what) is not None:
            return cell[what], False
        partial = {"time": "at_least", "peak_mb": "peak_at_least"}.get(what)
        return (cell.get(partial), True) if partial and cell.get(partial) is not None else (None, False)

    def ratio(a: tuple[float | None, bool], b: tuple[float | None, bool]) -> tuple[float | None, bool]:
        if a[0] is None or not b[0] or b[1]:
            return None, False
        return a[0] / b[0], a[1]

    big, small = max(ns), min(ns)
    checks: list[dict[str, Any]] = []

    def add(name: str, measured: tuple[float | None, bool], limit: float, unit: str, below: bool = True) -> None:
        value, bound = measured
        if value is None:
            met = None
        elif bound:
            met = False if value > limit else None
        else:
            met = value <= limit if below else value < limit
        checks.append({"floor": name, "value": value, "bound": bound, "limit": limit, "unit": unit, "met": met})

    add(f"cold validate / parse floor, {big:,} entries", ratio(get(big, "validate_cold"), get(big, "floor")), 1.3, "x")
    add(f"warm validate / parse floor, {big:,} entries", ratio(get(big, "validate_warm"), get(big, "floor")), 0.3, "x")
    add(
        f"full build / MkDocs plain pages, {small:,} entries",
        ratio(get(small, "build"), get(small, "mkdocs_plain")),
        1.5,
        "x",
    )
    add(
        f"full build / Sphinx, {small:,} entries",
        ratio(get(small, "build"), get(small, "sphinx")),
        1.0,
        "x",
        below=False,
    )
    for n, limit in ((1000, 1.0), (10_000, 3.0)):  # edit-to-page while serving
        if "serve" in table.get(str(n), {}):
            add(f"rebuild after one edit while serving, {n:,} entries (median)", get(n, "serve"), limit, "s")
    for key in ("validate_cold", "validate_warm", "validate_edit", "render", "build", "serve"):
        if key in table.get(str(big), {}):
            add(f"peak memory, {BY_KEY[key].label}, {big:,} entries", get(big, key, "peak_mb"), 600, "MB")
    if big != small:
        for key in ("validate_cold", "validate_edit", "render", "build"):
            if key in table.get(str(big), {}):
                add(
                    f"{big // 1000}k / {small // 1000}k time, {BY_KEY[key].label}",
                    ratio(get(big, key), get(small, key)),
                    11 * big / small / 10,
                    "x",
                )
    return checks


def _fmt_time(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 100:
        return f"{seconds:.2f} s"
    return f"{seconds:.0f} s"


def _fmt(value: float | None, digits: int = 2, suffix: str = "") -> str:
    return "-" if value is None else f"{value:.{digits}f}{suffix}"


def markdown_table(results: dict[str, Any]) -> str:
    table = summarise(results)
    ns = [int(n) for n in results["ns"]]
    keys = results["keys"]
    head = "| | contender |" + "".join(f" {n:,}: time | ratio to floor | peak MB |" for n in ns)
    if len(ns) > 1:
        head += f" {ns[-1] // 1000}k / {ns[0] // 1000}k |"
    lines = [head, "|---|---|" + "---:|---:|---:|" * len(ns) + ("---:|" if len(ns) > 1 else "")]
    for key in keys:
        contender = BY_KEY[key]
        row = f"| {contender.letter} | {contender.label} |"
        for n in ns:
            cell = table[str(n)].get(key, {})
            time_text = _fmt_time(cell.get("time"))
            ratio_text = _fmt(cell.get("ratio"), 2, "x")
            peak_text = _fmt(cell.get("peak_mb"), 0)
            if cell and cell.get("at_least") is not None:
                time_text = f"> {_fmt_time(cell['at_least'])} (stopped)"
                ratio_text = f"> {_fmt(cell.get('ratio_at_least'), 0, 'x')}"
                peak_text = f"≥ {_fmt(cell.get('peak_at_least'), 0)}"
            elif cell and not cell.get("ok"):
                time_text = f"failed ({cell.get('note')})"
            elif cell.get("runs") == 1 and results["meta"]["reps"] > 1:
                time_text += " (1 run)"
            row += f" {time_text} | {ratio_text} | {peak_text} |"
        if len(ns) > 1:
            first, last = table[str(ns[0])].get(key, {}), table[str(ns[-1])].get(key, {})
            a, b = first.get("time"), last.get("time")
            growth = _fmt(b / a if a and b else None, 1)
            if a and b is None and last.get("at_least"):
                growth = f"> {last['at_least'] / a:.0f}"
            row += f" {growth} |"
        lines.append(row)
    lines += ["", "| floor to beat | measured | target | met |", "|---|---:|---:|:---:|"]
    for check in floors(table, ns):
        unit = check["unit"]
        value = _fmt(check["value"], 0 if unit == "MB" else 2, f" {unit}" if unit in ("MB", "s") else unit)
        if check["bound"]:
            value = ("≥ " if unit == "MB" else "> ") + value
        if unit in ("MB", "s"):
            limit = f"≤ {check['limit']:.0f} MB" if unit == "MB" else f"≤ {check['limit']:.1f} s"
        else:
            limit = f"< {check['limit']:.1f}x" if "Sphinx" in check["floor"] else f"≤ {check['limit']:.1f}x"
        met = "n/a" if check["met"] is None else ("yes" if check["met"] else "**no**")
        lines.append(f"| {check['floor']} | {value} | {limit} | {met} |")
    meta = results["meta"]
    lines += [
        "",
        f"Measured {meta['when'][:10]} on {meta['cpus']} CPUs ({meta['cpu'] or 'unknown CPU'}), "
        f"Python {meta['python']}, "
        + ", ".join(f"{k} {v}" for k, v in meta["versions"].items())
        + f"; best of {meta['reps']} interleaved rounds, each run limited to {meta['timeout']:.0f} s"
        + (" (stopped runs: the time limit is a lower bound, memory the peak until stopped)")
        + ".",
    ]
    return "\n".join(lines)


def write_docs(results: dict[str, Any], page: Path = DOCS_PAGE) -> None:
    text = page.read_text(encoding="utf-8")
    start, end = text.index(TABLE_START) + len(TABLE_START), text.index(TABLE_END)
    page.write_text(text[:start] + "\n" + markdown_table(results) + "\n" + text[end:], encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench run", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", default=",".join(map(str, DEFAULT_NS)), help="corpus sizes, comma-separated")
    parser.add_argument("--reps", type=int, default=3, help="interleaved rounds; the best is reported (default 3)")
    parser.add_argument("--only", help="comma-separated contenders: " + ",".join(BY_KEY))
    parser.add_argument("--skip", help="comma-separated contenders to leave out")
    parser.add_argument("--timeout", type=float, default=600, help="per-run limit in seconds (default 600)")
    parser.add_argument(
        "--slow",
        type=float,
        default=300,
        help="a contender whose first run takes longer is not repeated (default 300 s)",
    )
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--write-docs", action="store_true", help=f"write the table into {DOCS_PAGE.relative_to(ROOT)}")
    parser.add_argument("--from-json", type=Path, help="print (and with --write-docs, write) a saved result")
    args = parser.parse_args(argv)
    if args.from_json:
        results = json.loads(args.from_json.read_text())
    else:
        ns = sorted(int(x) for x in args.n.split(",") if x.strip())
        keys = [k.strip() for k in args.only.split(",")] if args.only else list(BY_KEY)
        keys = [k for k in keys if k not in {s.strip() for s in (args.skip or "").split(",")}]
        unknown = [k for k in keys if k not in BY_KEY]
        if unknown:
            parser.error(f"unknown contender(s) {', '.join(unknown)}; choose from {', '.join(BY_KEY)}")
        if "floor" not in keys:
            keys.insert(0, "floor")  # every ratio needs it
        keys = [k for k in BY_KEY if k in keys]
        results = run(ns, keys, args.reps, args.timeout, args.slow, args.seed)
        OUT.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        for path in (OUT / f"results-{stamp}.json", OUT / "latest.json"):
            path.write_text(json.dumps(results, indent=2))
        print(f"raw results: {OUT / f'results-{stamp}.json'}")
    print()
    print(markdown_table(results))
    if args.write_docs:
        write_docs(results)
        print(f"\nwrote the table into {DOCS_PAGE.relative_to(ROOT)}")
    return 0
