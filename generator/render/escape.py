"""Every escaping the site does, one function per context, each named for its job.

Which one applies depends on where the text lands: Markdown prose (raw HTML shown as text),
a single-line field in Markdown (nothing is syntax), math (for KaTeX), a front-matter field
the theme prints unescaped (HTML-escaped on one line), or JSON inside `<script>`. None of
them is the security boundary: every generated page passes the output allowlist
(`generator.emit.allowlist`) after conversion.
"""

from __future__ import annotations

import json
import re
from typing import Any

from markupsafe import escape

# An author's `<` and `{` as page Markdown holds them: characters no entry can contain (every
# field rejects C0 controls), which neither Python-Markdown nor its extensions read as syntax
# (no tag, no attribute list) and which come through conversion untouched, in prose, code
# and attributes alike. After conversion each becomes the character the author typed
# (`unmark_html`), whether the parser took its text for prose or for code: nothing depends
# on predicting which. Markdown that leaves for another engine (the raw copies, `glossary
# render --out`) gets entities in prose and the characters themselves in code
# (`unmark_markdown`), which that engine reads as typed where its reading agrees with ours.
_PROSE_LT, _PROSE_BRACE, _CODE_LT, _CODE_BRACE = "\x0e", "\x0f", "\x10", "\x11"
_PROSE = str.maketrans({"<": _PROSE_LT, "{": _PROSE_BRACE})
_CODE = str.maketrans({"<": _CODE_LT, "{": _CODE_BRACE})
_AS_HTML = ((_PROSE_LT, "&lt;"), (_CODE_LT, "&lt;"), (_PROSE_BRACE, "&#123;"), (_CODE_BRACE, "&#123;"))
_AS_MARKDOWN = ((_PROSE_LT, "&lt;"), (_PROSE_BRACE, "&#123;"), (_CODE_LT, "<"), (_CODE_BRACE, "{"))


def escape_markdown_prose(text: str) -> str:
    """Raw HTML in prose becomes visible text: `<` can no longer open a tag, and `{` can no
    longer open a Markdown attribute list (`{: #id .class style=... }`), which would let an
    author set ids, classes or styles on the page's elements. Both still display as typed."""
    return text.translate(_PROSE)


def escape_markdown_code(text: str) -> str:
    """Code as the lexer found it, its `<` and `{` kept from the parser all the same: if
    Python-Markdown reads it as prose after all, it is no tag or attribute list there either."""
    return text.translate(_CODE)


def unmark_html(html: str) -> str:
    """Converted HTML with each `<` and `{` of author text as the author typed it."""
    return _unmark(html, _AS_HTML)


def unmark_markdown(markdown: str) -> str:
    """Page Markdown for another engine: `&lt;` and `&#123;` in prose, `<` and `{` in code."""
    return _unmark(markdown, _AS_MARKDOWN)


def _unmark(text: str, replacements: tuple[tuple[str, str], ...]) -> str:
    for mark, replacement in replacements:  # str.replace: translate is slow when a character becomes several
        if mark in text:
            text = text.replace(mark, replacement)
    return text


# Every character that Markdown, its extensions (attribute lists, math, tables, emphasis,
# links, code) or HTML could read as syntax, written as a numeric character reference:
# Python-Markdown passes references through, and the browser shows the character.
_PLAIN = {ord(char): f"&#{ord(char)};" for char in "\\`*_{}[]<>&$!|~^=#\"'"}


def plain_markdown(text: str) -> str:
    """A single-line field (title, alias, question, ...) for a Markdown context: nothing in
    it is syntax, so it reaches the page as the very text the author typed."""
    return text.translate(_PLAIN)


def escape_math(tex: str) -> str:
    """`<` in math becomes `\\lt`, so math stays safe even if no math renderer claims it."""
    return re.sub(r"<", r"\\lt ", tex)


def escape_html_line(text: str) -> str:
    """A front-matter field the theme prints without escaping (title, description): on one
    line, whitespace runs collapsed, and HTML-escaped."""
    return str(escape(" ".join(text.split())))


def json_for_script(data: Any) -> str:
    """JSON that is safe inside `<script>`: `<`, `>` and `&` are written as \\u escapes."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )
