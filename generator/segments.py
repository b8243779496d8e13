"""Entry Markdown cut into text, code, math, link and reference-definition segments.

The checker (which math KaTeX must judge), the history pages (which links to drop) and
render (what to escape) all read Markdown through this one cutter, so each sees the same
code, math and links the site's parser will. Fenced code is found by the one rule in
`generator.markup`. Nothing here imports Python-Markdown: `glossary search` loads entries
without loading the site's Markdown machinery.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import Literal

from generator.markup import fenced_code

SegmentKind = Literal["text", "code", "math", "link", "refdef"]

# Python-Markdown's block-level tag names (`markdown.util.BLOCK_LEVEL_ELEMENTS`), copied so
# that cutting Markdown does not load Python-Markdown; a test holds the copy to the original.
BLOCK_LEVEL_ELEMENTS = (
    "address",
    "article",
    "aside",
    "blockquote",
    "details",
    "div",
    "dl",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "ul",
    "canvas",
    "colgroup",
    "dd",
    "body",
    "dt",
    "group",
    "html",
    "iframe",
    "li",
    "legend",
    "math",
    "map",
    "noscript",
    "output",
    "object",
    "option",
    "progress",
    "script",
    "style",
    "summary",
    "tbody",
    "td",
    "textarea",
    "tfoot",
    "th",
    "thead",
    "tr",
    "video",
    "center",
)

# Inline constructs. At each position they are tried in this order and the first that
# matches wins; the text is scanned left to right, each match resuming the scan where it
# ends. Inline math uses arithmatex's own patterns so that what we treat as math is what
# KaTeX will receive.
_DISPLAY = re.compile(r"(?<!\\)\$\$(?:\\.|[^\\$])+?\$\$")  # $$ ... $$
_BRACKET = re.compile(r"(?<!\\)\\\[(?:\\[^\]]|[^\\])+?\\\]")  # \[ ... \]
_ENV = re.compile(r"\\begin\{(?P<envname>[a-z]+\*?)\}(?:\\.|[^\\])+?\\end\{(?P=envname)\}")
# Where a code span must stop, as Python-Markdown reads the text: a blank line ends the
# paragraph, and a line opening with a block-level tag starts a raw HTML block (taken out
# before any inline rule runs). The tag names are Python-Markdown's own list.
_BLOCK_TAG = "|".join(sorted(BLOCK_LEVEL_ELEMENTS, key=len, reverse=True))
_SPAN_STOP_AFTER_NEWLINE = rf"[ \t]*\n| {{0,3}}<(?:{_BLOCK_TAG})(?![\w-])"
_SPAN_STOP = re.compile(rf"\n(?:{_SPAN_STOP_AFTER_NEWLINE})", re.IGNORECASE)
# A code span: whole backtick runs, with no stop in between.
_CODE = re.compile(
    rf"(?<![\\`])(?P<ticks>`+)(?!`)(?:[^\n]|\n(?!{_SPAN_STOP_AFTER_NEWLINE}))+?(?<!`)(?P=ticks)(?!`)", re.IGNORECASE
)
_DOLLAR = re.compile(r"(?<!\\)\$(?!\s)(?:\\.|[^\\$\x02\x03])+?(?<!\s)\$")  # $ ... $
_PAREN = re.compile(r"(?<!\\)\\\((?:\\[^)]|[^\\\x02\x03])+?\\\)")  # \( ... \)
# [text](url "title"). The whitespace after `(` is taken whole (atomic) and the case where
# it is followed directly by a title is a branch of its own: the plain `\(\s*url(\s+title)?`
# gave back that whitespace one character at a time, quadratic in its length, for the
# same result.
_LINK = re.compile(
    r"""
    !?\[(?:[^\[\]\n]|\[[^\[\]\n]*\])*\]\(
    (?: (?>\s*) (?:<[^<>\n]*>|(?:[^\s()]|\([^\s()]*\))*) (?:\s+(?:"[^"\n]*"|'[^'\n]*'|\([^()\n]*\)))? \s*\)
      | (?>\s+) (?: (?:"[^"\n]*"|'[^'\n]*'|\([^()\n]*\)) \s*\) | \) )
    )
    """,
    re.VERBOSE,
)
_REFDEF = re.compile(r"^[ ]{0,3}\[[^\[\]\n]+\]:[ \t]*\S+[^\n]*$", re.MULTILINE)

# Where a construct can start: the first character of every pattern above, except
# reference definitions indented by 1-3 spaces, which are found apart (they are rare).
_OPENER = re.compile(r"[$\\`!\[]")
_OPENER_NO_LINK = re.compile(r"[$\\`]")
_INDENTED_REFDEF = re.compile(r"^ {1,3}(?=\[)", re.MULTILINE)
_TICKS = re.compile(r"`+")
_AFTER_BACKSLASH = {"[": _BRACKET, "b": _ENV, "(": _PAREN}
_BEGIN = re.compile(r"\\begin\{([a-z]+\*?)\}")

# Math bodies read `\x` as one unit. Each body starts after a character that is not a
# backslash, so in every body a backslash run pairs up from its start: these patterns
# find the closers and stops a body can reach, whichever opener it started from.
_UNESCAPED = r"(?<!\\)(?:\\\\)*"
_BRACKET_CLOSE = re.compile(_UNESCAPED + r"(\\\])")
_PAREN_CLOSE = re.compile(_UNESCAPED + r"(\\\))")
_PAREN_STOP = re.compile(_UNESCAPED + r"([\x02\x03])")
_ENV_CLOSE = re.compile(_UNESCAPED + r"(\\end\{([a-z]+\*?)\})")
_ENV_STOP = re.compile(_UNESCAPED + r"(\\)(?:\n|\Z)")  # `.` never matches a newline


class _Closers:
    """Where the closers of one text are, found once on first need. A pattern scans from its
    opener to the closer, so each unclosed `\\(`, `\\[`, `\\begin{x}` or backtick run scanned
    to the end of the text: quadratic for many. `may_close` is True whenever the pattern
    would match; when it is False the pattern is not tried. It may be True for a pattern
    that still fails, but then at once (its lookbehind, or a closer right after the opener)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._bracket: int | None = None
        self._paren: tuple[list[int], list[int]] | None = None
        self._env: tuple[dict[str, list[int]], list[int]] | None = None
        self._ticks: dict[int, list[int]] | None = None
        self._stops: list[int] | None = None  # where a code span must stop (`_SPAN_STOP`)

    def may_close(self, p: int) -> bool:
        """Whether the math or code opener at `p` has a closer its pattern can reach."""
        text = self.text
        if text.startswith("\\[", p):
            if self._bracket is None:
                self._bracket = max((m.start(1) for m in _BRACKET_CLOSE.finditer(text)), default=-1)
            return self._bracket >= p + 3  # a bracket body stops only at the end of the text
        if text.startswith("\\(", p):
            if self._paren is None:
                self._paren = (
                    [m.start(1) for m in _PAREN_CLOSE.finditer(text)],
                    [m.start(1) for m in _PAREN_STOP.finditer(text)],
                )
            return _before(*self._paren, p + 3, p + 2)
        if text.startswith("\\begin{", p):
            begin = _BEGIN.match(text, p)
            if begin is None:
                return False
            if self._env is None:
                ends: dict[str, list[int]] = {}
                for m in _ENV_CLOSE.finditer(text):
                    ends.setdefault(m.group(2), []).append(m.start(1))
                self._env = ends, [m.start(1) for m in _ENV_STOP.finditer(text)]
            ends, stops = self._env
            return _before(ends.get(begin.group(1), []), stops, begin.end() + 1, begin.end())
        if text.startswith("`", p):
            if p and text[p - 1] in "\\`":
                return False
            if self._ticks is None:
                self._ticks = {}
                for m in _TICKS.finditer(text):
                    self._ticks.setdefault(m.end() - m.start(), []).append(m.start())
            if self._stops is None:
                self._stops = [m.start() for m in _SPAN_STOP.finditer(text)]
            same = self._ticks[_run_end(text, p) - p]
            later = bisect_right(same, p)  # the next run exactly as long ...
            if later == len(same):
                return False
            stop = bisect_right(self._stops, p)  # ... before the span must stop
            return stop == len(self._stops) or same[later] < self._stops[stop]
        return False


def _run_end(text: str, p: int) -> int:
    """Where the run of backticks starting at `p` ends."""
    run = _TICKS.match(text, p)
    return run.end() if run else p + 1


def _before(closers: list[int], stops: list[int], first: int, body: int) -> bool:
    """Whether a closer at or after `first` comes before the first stop at or after `body`."""
    i = bisect_left(closers, first)
    if i == len(closers):
        return False
    j = bisect_left(stops, body)
    return j == len(stops) or closers[i] < stops[j]


@dataclass(frozen=True, slots=True)
class Segment:
    """A slice of Markdown. `start` is its offset in the original text."""

    kind: SegmentKind
    text: str
    start: int


def segments(markdown: str) -> list[Segment]:
    """Cut Markdown into text, code, math, link and reference-definition segments.

    Linear in the length of the text, whatever it holds: the scan jumps from one possible
    opener to the next, and `_Closers` fails openers that have no closer at once."""
    out: list[Segment] = []
    for kind, text, start in _split_fences(markdown):
        if kind == "code":
            out.append(Segment("code", text, start))
        else:
            _cut_inline(text, start, out)
    return out


def _cut_inline(text: str, start: int, out: list[Segment]) -> None:
    links, refdefs = "](" in text, "]:" in text  # no link or definition can match without
    opener = _OPENER if links or refdefs else _OPENER_NO_LINK
    indented = [m.start() for m in _INDENTED_REFDEF.finditer(text)] if refdefs else []
    closers: _Closers | None = None
    pos = i = k = 0  # end of the last segment, where to look next, next indented definition
    while True:
        found = opener.search(text, i)
        p = found.start() if found else len(text)
        while k < len(indented) and indented[k] < i:
            k += 1
        match: re.Match[str] | None = None
        seg_kind: SegmentKind = "math"
        if k < len(indented) and indented[k] < p:
            p = indented[k]
            match, seg_kind = _REFDEF.match(text, p), "refdef"
        elif found is None:
            break
        else:
            char = text[p]
            if char == "$":
                match = _DISPLAY.match(text, p) or _DOLLAR.match(text, p)
            elif char == "\\":
                pattern = _AFTER_BACKSLASH.get(text[p + 1 : p + 2])
                closers = closers or _Closers(text)
                if pattern and closers.may_close(p):
                    match = pattern.match(text, p)
            elif char == "`":
                closers, seg_kind = closers or _Closers(text), "code"
                match = _CODE.match(text, p) if closers.may_close(p) else None
                if match is None:  # no opener inside a run of backticks
                    p = _run_end(text, p) - 1
            else:  # "!" or "["
                match, seg_kind = (_LINK.match(text, p) if links else None), "link"
                if match is None and char == "[" and refdefs:
                    match, seg_kind = _REFDEF.match(text, p), "refdef"
        if match is None:
            i = p + 1
            continue
        if p > pos:
            out.append(Segment("text", text[pos:p], start + pos))
        out.append(Segment(seg_kind, match.group(0), start + p))
        pos = i = match.end()
    if pos < len(text):
        out.append(Segment("text", text[pos:], start + pos))


def _split_fences(markdown: str) -> list[tuple[str, str, int]]:
    """The text cut at its fenced code blocks, found by the one rule (`markup.fenced_code`)."""
    parts: list[tuple[str, str, int]] = []
    pos = 0
    for start, end in fenced_code(markdown):
        if start > pos:
            parts.append(("text", markdown[pos:start], pos))
        parts.append(("code", markdown[start:end], start))
        pos = end
    if pos < len(markdown):
        parts.append(("text", markdown[pos:], pos))
    return parts
