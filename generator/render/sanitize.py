"""Author Markdown as readers should see it: raw HTML shown as text, link targets tidied.

This is not the security boundary: that is the output allowlist (`generator.emit.allowlist`),
which every generated page passes after conversion, whatever this module made of its
Markdown. Here, raw HTML becomes visible text (a reader sees what the author typed), link
targets that are not http(s), mailto or relative become `#`, and images that would load
from another site become links. The Markdown is cut into segments first
(`generator.segments`) to find link targets and math (KaTeX gets `\\lt` for `<`). An
author's `<` and `{`, in prose and code alike, become characters the parser never reads as
syntax and that come back after conversion (`escape.unmark_html`): whatever Python-Markdown
reads as code shows what the author typed, even where the segments said prose.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from generator.render.escape import escape_markdown_code, escape_markdown_prose, escape_math
from generator.segments import Segment, segments

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
_CONTROL = re.compile(r"[\x00-\x20\x7f-\x9f]+")


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
        return escape_markdown_prose(link)
    bang, text, url, rest = match.groups()
    text = escape_markdown_prose(text)
    rest = escape_markdown_prose(rest)
    if bang and not is_local_src(url):
        return f"[{text}]({safe_href(url)}{rest})"
    return f"{bang}[{text}]({safe_href(url)}{rest})"


_REFDEF_PARTS = re.compile(r"^([ ]{0,3}\[[^\[\]\n]+\]:[ \t]*)(\S+)(.*)$", re.DOTALL)


def sanitize_refdef(line: str) -> str:
    match = _REFDEF_PARTS.match(line)
    if not match:
        return escape_markdown_prose(line)
    head, url, rest = match.groups()
    return f"{escape_markdown_prose(head)}{safe_href(url)}{escape_markdown_prose(rest)}"


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


def sanitize_markdown(
    markdown: str, prose: Callable[[Segment], str] | None = None, math_mark: Callable[[str], str] | None = None
) -> str:
    """Author Markdown with raw HTML neutralised and link targets made safe. Prose segments
    go through `prose` (the autolinker passes its own), else they are only escaped. Math
    segments become `math_mark(segment)` (pages: math drawn at build time), else stay as
    LaTeX (the raw Markdown copies)."""
    parts: list[str] = []
    for segment in segments(markdown):
        if segment.kind == "code":
            parts.append(escape_markdown_code(segment.text))
        elif segment.kind == "math":
            math = math_mark(segment.text) if math_mark else escape_math(segment.text)
            parts.append(pad_block(math) if is_display_block(markdown, segment) else math)
        elif segment.kind == "link":
            parts.append(sanitize_link(segment.text))
        elif segment.kind == "refdef":
            parts.append(sanitize_refdef(segment.text))
        else:
            parts.append(prose(segment) if prose else escape_markdown_prose(segment.text))
    return "".join(parts)
