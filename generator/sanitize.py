"""Make author Markdown safe to publish: no raw HTML, no script URLs, no off-site images.

Entries are data, not trusted code. Bodies may use Markdown, code and math, but any
`<` outside code becomes text, link targets must be http(s), mailto or relative, and
images may only come from the site itself (an off-site image would be a request that
leaves the site). The Markdown is cut into segments first so that code and math keep
their characters: Python-Markdown escapes code itself, and KaTeX gets `\\lt` for `<`.

`neutralise_html_urls` is the second line of defence, applied to the finished HTML of
generated pages: whatever slipped past the Markdown pass, an unsafe href or src
becomes `#` and an event-handler attribute (`onclick=...`) is removed.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import Literal

SegmentKind = Literal["text", "code", "math", "link", "refdef"]

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
_CONTROL = re.compile(r"[\x00-\x20\x7f-\x9f]+")

# Fenced code as superfences reads it: an opening fence at column 0-3 and a closing
# fence of the same character, at least as long. Unclosed fences stay text (safe side).
_FENCE_OPEN = re.compile(r"^( {0,3})(`{3,}|~{3,})[^\n]*$")
_FENCE_CLOSE = re.compile(r"^ {0,3}(`+|~+)[ \t]*$")  # closes a fence of its character up to its length

# Inline constructs. At each position they are tried in this order and the first that
# matches wins; the text is scanned left to right, each match resuming the scan where it
# ends. Inline math uses arithmatex's own patterns so that what we treat as math is what
# KaTeX will receive.
_DISPLAY = re.compile(r"(?<!\\)\$\$(?:\\.|[^\\$])+?\$\$")  # $$ ... $$
_BRACKET = re.compile(r"(?<!\\)\\\[(?:\\[^\]]|[^\\])+?\\\]")  # \[ ... \]
_ENV = re.compile(r"\\begin\{(?P<envname>[a-z]+\*?)\}(?:\\.|[^\\])+?\\end\{(?P=envname)\}")
_CODE = re.compile(r"(?<![\\`])(?P<ticks>`+)(?!`)[\s\S]+?(?<!`)(?P=ticks)(?!`)")  # whole runs only
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

    def may_close(self, p: int) -> bool:
        """Whether the math or code opener at `p` has a closer its pattern can reach."""
        text = self.text
        if text.startswith("\\[", p):
            if self._bracket is None:
                self._bracket = max((m.start(1) for m in _BRACKET_CLOSE.finditer(text)), default=-1)
            return self._bracket >= p + 3  # a bracket body stops only at the end of the text
        if text.startswith("\\(", p):
            if self._paren is None:
                self._paren = ([m.start(1) for m in _PAREN_CLOSE.finditer(text)],
                               [m.start(1) for m in _PAREN_STOP.finditer(text)])
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
            same = self._ticks[_run_end(text, p) - p]
            return bisect_right(same, p) < len(same)  # a later run exactly as long
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
    if "```" not in markdown and "~~~" not in markdown:  # no fence can open
        return [("text", markdown, 0)] if markdown else []
    lines = markdown.splitlines(keepends=True)
    closing: list[tuple[str, int]] = []  # per line, the fence it would close; ("", 0) if none
    for line in lines:
        close = _FENCE_CLOSE.match(line.rstrip("\n"))
        closing.append((close.group(1)[0], len(close.group(1))) if close else ("", 0))
    # The longest closing fence of each character after each line: an opening fence longer
    # than that has no closer, known at once (scanning for it made many unclosed fences quadratic).
    longest_after: list[dict[str, int]] = []
    longest = {"`": 0, "~": 0, "": 0}
    for char, length in reversed(closing):
        longest_after.append(longest)
        if length > longest[char]:
            longest = {**longest, char: length}
    longest_after.reverse()
    parts: list[tuple[str, str, int]] = []
    buffer: list[str] = []
    buffer_start = offset = 0
    i = 0
    while i < len(lines):
        opening = _FENCE_OPEN.match(lines[i].rstrip("\n"))
        close_at = None
        if opening:
            fence = (opening.group(2)[0], len(opening.group(2)))
            if longest_after[i][fence[0]] >= fence[1]:
                close_at = next(j for j in range(i + 1, len(lines))
                                if closing[j][0] == fence[0] and closing[j][1] >= fence[1])
        if close_at is None:
            if not buffer:
                buffer_start = offset
            buffer.append(lines[i])
            offset += len(lines[i])
            i += 1
            continue
        if buffer:
            parts.append(("text", "".join(buffer), buffer_start))
            buffer = []
        block = "".join(lines[i : close_at + 1])
        parts.append(("code", block, offset))
        offset += len(block)
        i = close_at + 1
    if buffer:
        parts.append(("text", "".join(buffer), buffer_start))
    return parts


def escape_text(text: str) -> str:
    """Raw HTML in prose becomes visible text: `<` can no longer open a tag, and `{` can no
    longer open a Markdown attribute list (`{: #id .class style=... }`), which would let an
    author set ids, classes or styles on the page's elements. Both still display as typed."""
    return text.replace("<", "&lt;").replace("{", "&#123;")


def escape_math(tex: str) -> str:
    """`<` in math becomes `\\lt`, so math stays safe even if no math renderer claims it."""
    return re.sub(r"<", r"\\lt ", tex)


def safe_href(url: str) -> str:
    """The URL if it is http(s), mailto or relative; otherwise `#` (javascript:, data:, ...)."""
    probe = _CONTROL.sub("", html.unescape(url.strip().strip("<>"))).lower()
    match = _SCHEME.match(probe)
    if match and match.group(1) not in SAFE_SCHEMES:
        return "#"
    return url


def is_local_src(url: str) -> bool:
    """An image source that stays on the site: no scheme and not protocol-relative."""
    probe = _CONTROL.sub("", html.unescape(url.strip().strip("<>"))).lower()
    return not (_SCHEME.match(probe) or probe.startswith("//") or probe.startswith("\\\\"))


_LINK_PARTS = re.compile(r"^(!?)\[(.*)\]\(\s*(<[^<>\n]*>|(?:[^\s()]|\([^\s()]*\))*)(.*)\)$", re.DOTALL)


def sanitize_link(link: str) -> str:
    """A Markdown link or image with its target made safe; off-site images become links."""
    match = _LINK_PARTS.match(link)
    if not match:
        return escape_text(link)
    bang, text, url, rest = match.groups()
    text = escape_text(text)
    rest = escape_text(rest)
    if bang and not is_local_src(url):
        return f"[{text}]({safe_href(url)}{rest})"
    return f"{bang}[{text}]({safe_href(url)}{rest})"


_REFDEF_PARTS = re.compile(r"^([ ]{0,3}\[[^\[\]\n]+\]:[ \t]*)(\S+)(.*)$", re.DOTALL)


def sanitize_refdef(line: str) -> str:
    match = _REFDEF_PARTS.match(line)
    if not match:
        return escape_text(line)
    head, url, rest = match.groups()
    return f"{escape_text(head)}{safe_href(url)}{escape_text(rest)}"


def is_display_block(markdown: str, segment: Segment) -> bool:
    """Display math standing on its own lines at column 0 (arithmatex wants it as a block)."""
    if segment.kind != "math" or not segment.text.startswith(("$$", "\\[", "\\begin")):
        return False
    end = segment.start + len(segment.text)
    before_ok = segment.start == 0 or markdown[segment.start - 1] == "\n"
    after_ok = end == len(markdown) or markdown[end:].split("\n", 1)[0].strip() == ""
    return before_ok and after_ok


def pad_block(text: str) -> str:
    """Blank lines around display math so it is a block of its own, as arithmatex expects."""
    return f"\n\n{text}\n\n"


def sanitize_markdown(markdown: str) -> str:
    """Author Markdown with raw HTML neutralised and link targets made safe (no auto-links)."""
    parts: list[str] = []
    for segment in segments(markdown):
        if segment.kind == "code":
            parts.append(segment.text)
        elif segment.kind == "math":
            math = escape_math(segment.text)
            parts.append(pad_block(math) if is_display_block(markdown, segment) else math)
        elif segment.kind == "link":
            parts.append(sanitize_link(segment.text))
        elif segment.kind == "refdef":
            parts.append(sanitize_refdef(segment.text))
        else:
            parts.append(escape_text(segment.text))
    return "".join(parts)


_URL_ATTR = re.compile(
    r"""(?P<pre>\s(?P<name>href|src|xlink:href|action|formaction|poster|srcset)\s*=\s*)(?P<q>["'])(?P<value>.*?)(?P=q)""",
    re.IGNORECASE | re.DOTALL,
)
_LINK_ATTRS = frozenset({"href", "xlink:href", "action", "formaction"})  # the others load a resource
_SRC_START = re.compile(r"[\s<>\x00-\x20\x7f-\x9f]*/")  # what may become `//` (off-site) in `is_local_src`

# A start tag as browsers read it (HTML's tokenizer): the name, then attributes, each
# separated from the next by whitespace or `/` (or nothing, after a quoted value); a name
# is any run of characters but whitespace, `/`, `>` (and `=` after its first character);
# a value is quoted, or runs to whitespace or `>`. Possessive throughout: one way to read
# each tag, so a tag that does not close fails in one pass.
_ATTR_NAME = r"[^\s/>][^\s/>=]*+"
_ATTR_VALUE = r"""\s*+=\s*+(?:"[^"]*+"|'[^']*+'|[^\s>]++)"""
_START_TAG = re.compile(rf"(<[A-Za-z][^\s/>]*+)((?:[\s/]++|{_ATTR_NAME}(?:{_ATTR_VALUE})?+)*+)>")
_ATTRIBUTES = re.compile(rf"([\s/]*+)({_ATTR_NAME})({_ATTR_VALUE})?+")  # separator, name, value
# An event handler with a value can only be in a page that holds this (its name follows
# whitespace, `/` or a quote); a handler without a value runs nothing.
_HANDLER_HINT = re.compile(r"""[\s/"']on[^\s/>=]*\s*=""", re.IGNORECASE)


def _without_handlers(tag: re.Match[str]) -> str:
    attributes = tag.group(2)
    if "on" not in attributes.lower():
        return tag.group(0)
    kept = _ATTRIBUTES.sub(lambda a: "" if a.group(2)[:2].lower() == "on" else a.group(0), attributes)
    return f"{tag.group(1)}{kept}>"


def drop_event_handlers(markup: str) -> str:
    """Remove every `on...` attribute from the start tags of finished HTML, reading each tag
    attribute by attribute as a browser does, so that text and attribute values (an
    `aria-label` that says "Return on equity") are left as they are."""
    if _HANDLER_HINT.search(markup) is None:
        return markup
    return _START_TAG.sub(_without_handlers, markup)


def _url_is_safe(name: str, value: str) -> bool:
    """What `safe_href` or `is_local_src` would say of `value`, answered cheaply when it can be."""
    if name in _LINK_ATTRS:
        if ":" not in value and "&" not in value:
            return True  # no scheme can be spelled without a colon (or an entity for one)
        return value.startswith(("https://", "http://")) or safe_href(value) == value
    if ":" not in value and "&" not in value and "\\" not in value and not _SRC_START.match(value):
        return True  # relative, and cannot start with // once cleaned
    return is_local_src(value)


def neutralise_html_urls(markup: str) -> str:
    """Last line of defence on finished HTML: unsafe link targets and off-site sources -> `#`,
    and event-handler attributes removed (see `drop_event_handlers`)."""
    markup = drop_event_handlers(markup)

    def fix(match: re.Match[str]) -> str:
        name, value = match.group("name").lower(), match.group("value")
        if _url_is_safe(name, value):
            return match.group(0)
        return f"{match.group('pre')}{match.group('q')}#{match.group('q')}"

    return _URL_ATTR.sub(fix, markup)
