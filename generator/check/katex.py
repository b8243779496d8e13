"""KaTeX under Node.js: the vendored katex.min.js judges LaTeX, one process per run, cached.

The build draws every formula with the vendored `katex.min.js` (trust off, bounded macro
expansion; generator/render/math.py, which takes its limits from here). The checker runs
that same file with the same limits, plus `throwOnError`: all the math of a run goes to one
`node` process as JSON on stdin, and each verdict is cached by formula text, in the process
(so `glossary serve` rebuilds ask only about formulas that changed) and, when the caller
passes a cache file, on disk (so a warm `glossary validate` or the second validation inside
`glossary build` never starts node at all). Where the verdicts point in an entry is
`check/math.py`'s job.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from generator import settings

KATEX_JS = settings.KATEX_JS
NODE_ENV = "GLOSSARY_NODE"  # path of the node binary; empty means "do not use node"
MAX_EXPAND = 1000  # the same limits as the build draws math with (generator/render/math.py)
MAX_SIZE = 20
TIMEOUT_SECONDS = 60
MAX_TEX_CHARS = 20_000  # longer math is refused before it reaches KaTeX
MEMORY_MB = 512  # V8 heap limit for the checker process

# The checker: JSON [[tex, display], ...] on stdin -> one verdict per item on stdout.
# `trust` and `strict` are functions only so that what they refuse can be reported;
# they answer exactly as `trust: false` and `strict: "warn"` would.
_SCRIPT = r"""
const chunks = [];
process.stdin.on("data", (chunk) => chunks.push(chunk));
process.stdin.on("end", () => {
  const request = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  const katex = require(request.katex);
  const verdicts = request.items.map(([tex, display]) => {
    const warnings = [];
    const untrusted = [];
    try {
      katex.renderToString(tex, {
        displayMode: display,
        throwOnError: true,
        trust: (context) => { untrusted.push(context.command); return false; },
        strict: (code, message) => { warnings.push(message); return "ignore"; },
        maxExpand: request.maxExpand,
        maxSize: request.maxSize,
        output: "mathml",  // the parser and a builder run; half the time of HTML output
      });
      return { warnings, untrusted };
    } catch (error) {
      const overflow = error instanceof RangeError;
      return {
        error: overflow ? "the math is nested too deeply" : String((error && (error.rawMessage || error.message)) || error),
        position: error && typeof error.position === "number" ? error.position : null,
        warnings,
        untrusted,
      };
    }
  });
  process.stdout.write(JSON.stringify(verdicts));
});
"""


@dataclass(frozen=True, slots=True)
class Verdict:
    """What KaTeX made of one piece of math."""

    error: str | None = None
    position: int | None = None  # 0-based offset of the error in the math, when KaTeX says
    warnings: tuple[str, ...] = ()
    untrusted: tuple[str, ...] = ()


_cache: dict[tuple[str, bool], Verdict] = {}


def node_binary() -> str | None:
    configured = os.environ.get(NODE_ENV)
    if configured is not None:
        return configured or None
    return shutil.which("node") or shutil.which("nodejs")


def check_math(items: Iterable[tuple[str, bool]]) -> tuple[dict[tuple[str, bool], Verdict], str | None]:
    """Verdicts for (tex, display) pairs, and why the check could not run (None when it ran)."""
    wanted = list(dict.fromkeys(items))
    results: dict[tuple[str, bool], Verdict] = {}
    todo: list[tuple[str, bool]] = []
    for item in wanted:
        if len(item[0]) > MAX_TEX_CHARS:
            results[item] = Verdict(f"the math is {len(item[0]):,} characters long; the limit is {MAX_TEX_CHARS:,}")
        elif item in _cache:
            results[item] = _cache[item]
        else:
            todo.append(item)
    if not todo:
        return results, None
    verdicts, failure = _run_katex(todo)
    if failure is not None:
        return results, failure
    for item, verdict in zip(todo, verdicts):
        _cache[item] = results[item] = verdict
    return results, None


def _run_katex(items: Sequence[tuple[str, bool]]) -> tuple[list[Verdict], str | None]:
    node = node_binary()
    if node is None:
        return [], "Node.js (`node`) is not installed"
    if not KATEX_JS.is_file():
        return [], f"KaTeX is missing at {KATEX_JS}"
    request = json.dumps({"katex": str(KATEX_JS), "items": items, "maxExpand": MAX_EXPAND, "maxSize": MAX_SIZE})
    try:
        proc = subprocess.run(
            [node, f"--max-old-space-size={MEMORY_MB}", "-e", _SCRIPT],
            input=request.encode("utf-8"),
            capture_output=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return [], f"KaTeX did not finish within {TIMEOUT_SECONDS} seconds"
    except OSError as error:
        return [], f"cannot run {node}: {error.strerror or error}"
    if proc.returncode != 0:
        lines = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        detail = next((line for line in reversed(lines) if line.strip()), "no message")
        return [], f"node exited with status {proc.returncode} ({detail[:200]})"
    try:
        raw = json.loads(proc.stdout.decode("utf-8"))
        if not isinstance(raw, list) or len(raw) != len(items):
            raise ValueError("wrong number of verdicts")
        verdicts = [
            Verdict(
                error=item.get("error"),
                position=item.get("position"),
                warnings=tuple(dict.fromkeys(item.get("warnings", ()))),
                untrusted=tuple(dict.fromkeys(item.get("untrusted", ()))),
            )
            for item in raw
        ]
    except (ValueError, AttributeError, TypeError):
        return [], "the KaTeX checker gave an answer that could not be read"
    return verdicts, None


def judge(
    wanted: Sequence[tuple[str, bool]], cache_file: Path | None
) -> tuple[dict[tuple[str, bool], Verdict], str | None]:
    """`check_math`, with the verdicts kept in `cache_file` between runs when one is given."""
    if cache_file is not None:
        _read_disk_cache(cache_file)
    missing = any(key not in _cache for key in wanted)
    verdicts, failure = check_math(wanted)
    if cache_file is not None and missing and failure is None:
        _write_disk_cache(cache_file, verdicts)
    return verdicts, failure


# -- the disk cache: sealed (generator/signed_cache.py), so a planted file cannot pass bad math ----------

_DISK_FORMAT = 2
_DISK_MAGIC = b"glossary-katex-cache\n"


def _fingerprint() -> str:
    """Verdicts hold for one KaTeX file, one set of limits and one checker script."""
    digest = hashlib.blake2b(digest_size=12)
    try:
        digest.update(KATEX_JS.read_bytes())
    except OSError:
        return ""
    digest.update(f"{_DISK_FORMAT}/{MAX_EXPAND}/{MAX_SIZE}/{MAX_TEX_CHARS}".encode())
    digest.update(_SCRIPT.encode())
    return digest.hexdigest()


def _read_disk_cache(cache_file: Path) -> None:
    from generator import signed_cache as sealed

    stored = sealed.read(cache_file, _DISK_MAGIC, _fingerprint().encode())
    try:
        for tex, display, error, position, warnings, untrusted in stored or ():
            key = (str(tex), bool(display))
            _cache.setdefault(
                key,
                Verdict(
                    str(error) if error is not None else None,
                    int(position) if isinstance(position, int) else None,
                    tuple(str(w) for w in warnings),
                    tuple(str(u) for u in untrusted),
                ),
            )
    except (ValueError, TypeError):
        return  # a cache of the wrong shape only costs one node run


def _write_disk_cache(cache_file: Path, verdicts: Mapping[tuple[str, bool], Verdict]) -> None:
    """Atomic (see sealed.py); only this run's math is kept."""
    from generator import signed_cache as sealed

    rows = [
        (tex, display, v.error, v.position, tuple(v.warnings), tuple(v.untrusted))
        for (tex, display), v in verdicts.items()
    ]
    sealed.write(cache_file, _DISK_MAGIC, _fingerprint().encode(), rows)
