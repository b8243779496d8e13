"""Check LaTeX with the KaTeX the site ships, and point at the math it rejects.

LaTeX that KaTeX rejects would reach readers as red error text, so every piece of math in
an entry is found here (`collect`), judged by the vendored KaTeX under Node.js
(`check/katex.py`: one process per run, verdicts cached) and each rejection reported at
the field that holds it, at the column KaTeX names when the field allows.

Checked: each formula's `latex` (display math), result and variable `symbol`s (inline
math), and the math inside Markdown fields (summary, body, FAQ answers, notes). Without
Node.js the check is skipped with one warning, never an error.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from generator.check import katex
from generator.check.formulas import _braces_balance
from generator.check.prose import markdown_fields, markup_limit
from generator.check.reader import _EntryReader
from generator.model import Document, Mark, NodePath, Problem, Severity
from generator.segments import segments  # how the site itself finds math in Markdown


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
    verdicts, failure = katex.judge(wanted, cache_file)
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


def _problems_for(math: Math, verdict: katex.Verdict, doc: Document) -> list[Problem]:
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
