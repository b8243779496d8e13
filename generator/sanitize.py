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
from dataclasses import dataclass
from typing import Literal

SegmentKind = Literal["text", "code", "math", "link", "refdef"]

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
_CONTROL = re.compile(r"[\x00-\x20\x7f-\x9f]+")

# Fenced code as superfences reads it: an opening fence at column 0-3 and a closing
# fence of the same character, at least as long. Unclosed fences stay text (safe side).
_FENCE_OPEN = re.compile(r"^( {0,3})(`{3,}|~{3,})[^\n]*$")

# Inline constructs, leftmost first. Inline math uses arithmatex's own patterns so that
# what we treat as math is what KaTeX will receive.
_INLINE = re.compile(
    r"""
    (?P<display>(?<!\\)\$\$(?:\\.|[^\\$])+?\$\$)                     # $$ ... $$
  | (?P<bracket>(?<!\\)\\\[(?:\\[^\]]|[^\\])+?\\\])                # \[ ... \]
  | (?P<env>\\begin\{(?P<envname>[a-z]+\*?)\}(?:\\.|[^\\])+?\\end\{(?P=envname)\})
  | (?P<code>(?<![\\`])(?P<ticks>`+)(?!`)[\s\S]+?(?<!`)(?P=ticks)(?!`))  # `code`: whole runs only (linear)
  | (?P<dollar>(?<!\\)\$(?!\s)(?:\\.|[^\\$\x02\x03])+?(?<!\s)\$)   # $ ... $
  | (?P<paren>(?<!\\)\\\((?:\\[^)]|[^\\\x02\x03])+?\\\))           # \( ... \)
  | (?P<link>!?\[(?:[^\[\]\n]|\[[^\[\]\n]*\])*\]
        \(\s*(?:<[^<>\n]*>|(?:[^\s()]|\([^\s()]*\))*)(?:\s+(?:"[^"\n]*"|'[^'\n]*'|\([^()\n]*\)))?\s*\))
  | (?P<refdef>^[ ]{0,3}\[[^\[\]\n]+\]:[ \t]*\S+[^\n]*$)
    """,
    re.VERBOSE | re.MULTILINE,
)


@dataclass(frozen=True, slots=True)
class Segment:
    """A slice of Markdown. `start` is its offset in the original text."""

    kind: SegmentKind
    text: str
    start: int


def segments(markdown: str) -> list[Segment]:
    """Cut Markdown into text, code, math, link and reference-definition segments."""
    out: list[Segment] = []
    for kind, text, start in _split_fences(markdown):
        if kind == "code":
            out.append(Segment("code", text, start))
            continue
        pos = 0
        for match in _INLINE.finditer(text):
            if match.start() > pos:
                out.append(Segment("text", text[pos : match.start()], start + pos))
            group = match.lastgroup
            if group in ("display", "bracket", "env", "dollar", "paren"):
                seg_kind: SegmentKind = "math"
            elif group in ("code", "ticks"):
                seg_kind = "code"
            elif group == "link":
                seg_kind = "link"
            else:
                seg_kind = "refdef"
            out.append(Segment(seg_kind, match.group(0), start + match.start()))
            pos = match.end()
        if pos < len(text):
            out.append(Segment("text", text[pos:], start + pos))
    return out


def _split_fences(markdown: str) -> list[tuple[str, str, int]]:
    lines = markdown.splitlines(keepends=True)
    parts: list[tuple[str, str, int]] = []
    buffer: list[str] = []
    buffer_start = offset = 0
    i = 0
    while i < len(lines):
        opening = _FENCE_OPEN.match(lines[i].rstrip("\n"))
        close_at = _closing_fence(lines, i, opening.group(2)) if opening else None
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


def _closing_fence(lines: list[str], opening: int, fence: str) -> int | None:
    closing = re.compile(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
    for j in range(opening + 1, len(lines)):
        if closing.match(lines[j].rstrip("\n")):
            return j
    return None


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


# One start tag, attribute by attribute (quoted values may hold `>`), and an event handler
# in it. Markdown attribute lists (`*text*{: onclick=...}`, `# Title {: onclick=...}`)
# are one way author text could add such an attribute to an element of its own.
_START_TAG = re.compile(
    r"""<[A-Za-z][^\s/>]*(?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?|\s*/)*\s*>""")
_EVENT_HANDLER = re.compile(
    r"""\s+on[A-Za-z0-9_-]*(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?(?=[\s/>])""", re.IGNORECASE)


def drop_event_handlers(markup: str) -> str:
    """Remove every `on...=` attribute from the start tags of finished HTML."""
    if "on" not in markup.lower():
        return markup
    return _START_TAG.sub(lambda tag: _EVENT_HANDLER.sub("", tag.group(0)), markup)


def neutralise_html_urls(markup: str) -> str:
    """Last line of defence on finished HTML: unsafe link targets and off-site sources -> `#`,
    and event-handler attributes removed (see `drop_event_handlers`)."""
    markup = drop_event_handlers(markup)

    def fix(match: re.Match[str]) -> str:
        name, value = match.group("name").lower(), match.group("value")
        if name in ("href", "xlink:href", "action", "formaction"):
            safe = safe_href(value)
        else:
            safe = value if is_local_src(value) else "#"
        if safe == value:
            return match.group(0)
        return f"{match.group('pre')}{match.group('q')}{safe}{match.group('q')}"

    return _URL_ATTR.sub(fix, markup)
