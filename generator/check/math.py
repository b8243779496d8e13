"""Check LaTeX with the KaTeX the site ships: one Node.js process per run, results cached.

The build draws every formula with the vendored `katex.min.js` (trust off, bounded macro
expansion; generator/render/math.py). LaTeX that KaTeX rejects would reach readers as red
error text, so the validator runs that same file under Node.js with the same limits, plus
`throwOnError`, and reports each rejection at the field that holds it. All formulas of
a run go to one `node` process as JSON on stdin; verdicts are cached by formula text,
in the process (so `glossary serve` rebuilds only ask about formulas that changed) and,
when the pipeline passes a cache file, on disk (so a warm `glossary validate` or the
second validation inside `glossary build` never starts node at all).

Checked: each formula's `latex` (display math), result and variable `symbol`s (inline
math), and the math inside Markdown fields (summary, body, FAQ answers, notes). Without
Node.js the check is skipped with one warning, never an error.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from generator import settings
from generator.check.formulas import _braces_balance
from generator.check.prose import markdown_fields, markup_limit
from generator.check.reader import _EntryReader
from generator.model import Document, Mark, NodePath, Problem, Severity
from generator.segments import segments  # how the site itself finds math in Markdown

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


@dataclass(frozen=True, slots=True)
class Math:
    """One piece of math in an entry: the text KaTeX receives and where it came from."""

    tex: str
    display: bool
    file: str  # the entry file, as reported
    path: NodePath
    what: str
    needle: str | None = None  # for math inside Markdown: text to look for after the field
    nth: int = 0
    shown: str = ""  # the math as the author wrote it, on one line


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


# -- which math an entry holds ----------------------------------------------------------------


def collect(doc: Document) -> Iterator[Math]:
    """Every piece of math in one parsed document, whatever else is wrong with it."""
    data = doc.data if isinstance(doc.data, dict) else {}
    formulas = data.get("formulas")
    for index, formula in enumerate(formulas if isinstance(formulas, list) else ()):
        if not isinstance(formula, dict):
            continue
        path: NodePath = ("formulas", index)
        latex = formula.get("latex")
        if isinstance(latex, str) and latex.strip():
            yield Math(latex.strip(), True, doc.path, (*path, "latex"), "latex")
        result = formula.get("result")
        if isinstance(result, dict) and isinstance(result.get("symbol"), str) and result["symbol"].strip():
            yield Math(result["symbol"].strip(), False, doc.path, (*path, "result", "symbol"), "result symbol")
        variables = formula.get("variables")
        for name, spec in variables.items() if isinstance(variables, dict) else ():
            if isinstance(spec, dict) and isinstance(spec.get("symbol"), str) and spec["symbol"].strip():
                yield Math(
                    spec["symbol"].strip(), False, doc.path, (*path, "variables", name, "symbol"), f"symbol of '{name}'"
                )
    for path, text in markdown_fields(data):
        yield from _markdown_math(doc, path, text)


def _markdown_math(doc: Document, path: NodePath, text: str) -> Iterator[Math]:
    if "$" not in text and "\\" not in text:
        return  # no math delimiter at all: the common case, and cheap to see
    if markup_limit(text):
        return  # reported as MARKUP_LIMIT; scanning it for math could take minutes
    seen: dict[str, int] = {}
    for segment in segments(text):
        if segment.kind != "math":
            continue
        tex, display = strip_delimiters(segment.text)
        if not tex.strip():
            continue
        needle = segment.text.split("\n", 1)[0]
        yield Math(tex, display, doc.path, path, "math", needle, seen.get(needle, 0), " ".join(segment.text.split()))
        seen[needle] = seen.get(needle, 0) + 1


def strip_delimiters(math: str) -> tuple[str, bool]:
    """The text KaTeX receives for one math segment, and whether it is display math."""
    for opening, closing, display in (
        ("$$", "$$", True),
        ("\\[", "\\]", True),
        ("\\(", "\\)", False),
        ("$", "$", False),
    ):
        if math.startswith(opening) and math.endswith(closing) and len(math) >= len(opening) + len(closing):
            return math[len(opening) : len(math) - len(closing)], display
    return math, True  # \begin{env} ... \end{env} goes to KaTeX whole


# -- problems for the author -------------------------------------------------------------------

_UNTRUSTED_HINT = "the site renders math with trust off: links, images and HTML inside math are not allowed"


MathKey = tuple[str, bool]  # (tex, display): what KaTeX is asked about


def keys(doc: Document) -> tuple[MathKey, ...]:
    """The distinct math in one document that KaTeX must judge, in order of appearance.

    This, not every `Math` with its position, is what the per-file stage hands on: most
    math is fine, and where some is not, `check_keys` finds it in the file again.
    """
    return tuple(dict.fromkeys((m.tex, m.display) for m in collect(doc) if _for_katex(m)))


def _for_katex(math: Math) -> bool:

    # unbalanced braces in `latex` are already reported, with a clearer message, by check.py
    return not (math.what == "latex" and not _braces_balance(math.tex))


def check_keys(
    found: Sequence[tuple[str, Sequence[MathKey]]], locate: Callable[[str], Document], cache_file: Path | None = None
) -> list[Problem]:
    """FORMULA problems for math KaTeX rejects; one warning if the check could not run.

    `found` is (file, `keys` of that file) per file; `locate(file)` parses a file again,
    only to point at math that KaTeX rejected.
    """
    wanted = list(dict.fromkeys(key for _, file_keys in found for key in file_keys))
    if not wanted:
        return []
    if cache_file is not None:
        _read_disk_cache(cache_file)
    missing = any(key not in _cache for key in wanted)
    verdicts, failure = check_math(wanted)
    if cache_file is not None and missing and failure is None:
        _write_disk_cache(cache_file, verdicts)
    bad = {
        key
        for key in wanted
        if (verdict := verdicts.get(key)) is not None and (verdict.error or verdict.untrusted or verdict.warnings)
    }
    problems: list[Problem] = []
    for file, file_keys in found:
        if not bad.intersection(file_keys):
            continue  # the usual case: nothing to report, so no need to find where it is
        doc = locate(file)
        reported: set[tuple[NodePath, str, int]] = set()
        for math in collect(doc):
            key = (math.tex, math.display)
            where = (math.path, math.needle or "", math.nth)
            if key in bad and _for_katex(math) and where not in reported:
                reported.add(where)
                problems.extend(_problems_for(math, verdicts[key], doc))
    if failure is not None:
        file = next(file for file, file_keys in found if file_keys)
        doc = locate(file)
        first = next((m for m in collect(doc) if _for_katex(m)), None)  # None: the file changed meanwhile
        problems.append(
            Problem(
                file,
                _mark(first, doc, None) if first else Mark(1, 1),
                "LATEX_UNCHECKED",
                f"LaTeX was not checked with KaTeX: {failure}",
                "install Node.js (Debian: apt-get install nodejs) so formulas are checked before readers see them",
                Severity.WARNING,
            )
        )
    return problems


def _problems_for(math: Math, verdict: Verdict, doc: Document) -> list[Problem]:
    where = _describe(math)
    problems = []
    if verdict.error:
        problems.append(
            Problem(
                math.file,
                _mark(math, doc, verdict.position),
                "FORMULA",
                f"KaTeX cannot render {where}: {_clean(verdict.error)}",
                "fix the LaTeX (KaTeX supports most of LaTeX math; see katex.org/docs/supported)",
            )
        )
    for command in verdict.untrusted:
        problems.append(
            Problem(
                math.file, _mark(math, doc, None), "FORMULA", f"{command} in {where} is not allowed", _UNTRUSTED_HINT
            )
        )
    for warning in () if problems else verdict.warnings:  # an error already says what to fix
        problems.append(
            Problem(
                math.file,
                _mark(math, doc, None),
                "FORMULA",
                f"KaTeX warns about {where}: {_clean(warning)}",
                "write it the way LaTeX expects; KaTeX renders it, but not everywhere the same",
                Severity.WARNING,
            )
        )
    return problems


def _describe(math: Math) -> str:
    if math.what == "math":
        shown = math.shown if len(math.shown) <= 40 else math.shown[:37] + "..."
        return f"the math {shown}"
    return f"the {math.what}"


_POSITION_SUFFIX = re.compile(r"\s+at (?:position \d+|end of input)?:.*$", re.DOTALL)


def _clean(message: str) -> str:
    """KaTeX's message without its underlined excerpt (combining characters), on one line."""
    text = message.removeprefix("KaTeX parse error: ")
    text = _POSITION_SUFFIX.sub("", text)
    text = "".join(ch for ch in text if not 0x300 <= ord(ch) <= 0x36F)
    return " ".join(text.split())[:300]


def _mark(math: Math, doc: Document, position: int | None) -> Mark:
    """Where to point: the error inside a one-line field when possible, else the field."""
    if math.needle is not None:
        return _find(doc, math.path, math.needle, math.nth)
    base = doc.mark(math.path)
    if position is None or "\n" in math.tex:
        return base
    lines = doc.text.splitlines()
    if not 0 < base.line <= len(lines):
        return base
    line = lines[base.line - 1]
    start = base.column - 1
    if line[start : start + 1] in ("'", '"'):
        start += 1
    if line[start : start + len(math.tex)] != math.tex:
        return base  # escapes or folding: the text in the file differs from the value
    return Mark(base.line, start + 1 + max(0, min(position, len(math.tex))))


def _find(doc: Document, path: NodePath, needle: str, nth: int) -> Mark:

    return _EntryReader(doc).find_mark(path, needle, nth)


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
