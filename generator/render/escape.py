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


def escape_markdown_prose(text: str) -> str:
    """Raw HTML in prose becomes visible text: `<` can no longer open a tag, and `{` can no
    longer open a Markdown attribute list (`{: #id .class style=... }`), which would let an
    author set ids, classes or styles on the page's elements. Both still display as typed."""
    return text.replace("<", "&lt;").replace("{", "&#123;")


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
