"""The Content-Security-Policy every page carries, and the `_headers` file for hosts that read one.

Scripts run only from the site itself and, inline, only those the theme put there: each
page's policy lists the sha256 of its own inline scripts (Material's few, which differ by
the page's depth), so a script that got into a page any other way is refused by the
browser. No `'unsafe-inline'` and no `'unsafe-eval'` for scripts; nothing is loaded from
or sent to another site; no plugins, no `<base>`, no form submissions.

`glossary serve` is the one exception: MkDocs' live reload injects an inline script that
differs on every request, so the local preview server allows inline scripts (the
environment variable `GLOSSARY_SERVE`, set by `glossary serve`).
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from collections.abc import Iterable
from pathlib import Path

SERVE_ENV = "GLOSSARY_SERVE"
HEADERS_FILE = "_headers"

# Directives besides script-src, the same on every page.
_OTHER = (
    "default-src 'self'",
    "style-src 'self' 'unsafe-inline'",  # Material and the charts set inline styles; styles run no code
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self'",
    "manifest-src 'self'",
    "frame-src 'none'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
)
# Only the header can forbid framing (a <meta> policy may not say frame-ancestors).
_HEADER_ONLY = ("frame-ancestors 'none'",)

_SCRIPT = re.compile(r"<script(?P<attrs>(?:\s[^>]*)?)>(?P<body>.*?)</script\s*>", re.DOTALL | re.IGNORECASE)
_SRC = re.compile(r"\ssrc\s*=", re.IGNORECASE)
_TYPE = re.compile(r"""\stype\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)
_JS_TYPES = frozenset({"", "text/javascript", "application/javascript", "module"})
_CHARSET = re.compile(r"<meta charset=[^>]*>", re.IGNORECASE)
_META = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">')


# The page's content (author text, after the allowlist) sits in this element; the allowlist
# admits neither <article> nor <script>, so content can neither close it early nor hold a
# script. A script found inside it anyway is not the theme's and gets no hash.
_CONTENT_START = '<article class="md-content__inner'
_CONTENT_END = "</article>"


def _outside_content(html: str) -> str:
    start = html.find(_CONTENT_START)
    if start < 0:
        return html
    end = html.find(_CONTENT_END, start)
    return html[:start] + (html[end:] if end >= 0 else "")


def script_hashes(html: str) -> list[str]:
    """`'sha256-...'` for each inline script of the theme (outside the page's content) that the
    browser would run, in page order, once each."""
    found: dict[str, None] = {}
    for match in _SCRIPT.finditer(_outside_content(html)):
        attrs = match.group("attrs")
        if _SRC.search(attrs):
            continue
        kind = _TYPE.search(attrs)
        if kind and kind.group(1).lower() not in _JS_TYPES:
            continue  # a data block (JSON, JSON-LD): never run, so nothing to allow
        digest = hashlib.sha256(match.group("body").encode("utf-8")).digest()
        found[f"'sha256-{base64.b64encode(digest).decode('ascii')}'"] = None
    return list(found)


def policy(hashes: Iterable[str], *, header: bool = False) -> str:
    """The policy allowing the site's scripts and the inline scripts with these hashes."""
    if os.environ.get(SERVE_ENV):
        scripts = "script-src 'self' 'unsafe-inline'"
    else:
        scripts = " ".join(["script-src 'self'", *hashes])
    return "; ".join([scripts, *_OTHER, *(_HEADER_ONLY if header else ())])


def add_policy(html: str) -> str:
    """The page with its policy as the first thing in <head> after the charset (a policy
    given by <meta> covers only what follows it)."""
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy(script_hashes(html))}">'
    found = _CHARSET.search(html)
    if found is None:
        head = html.find("<head>")
        if head < 0:
            return html  # not a page (a fragment or a feed): nothing runs in it
        return f"{html[: head + 6]}{meta}{html[head + 6 :]}"
    return f"{html[: found.end()]}{meta}{html[found.end() :]}"


def write_headers(site_dir: Path) -> None:
    """`_headers` (Netlify, Cloudflare Pages and the like): one policy for every path, allowing
    the inline scripts any page carries (read from the policy each page was given)."""
    hashes: dict[str, None] = {}
    for page in sorted(site_dir.rglob("*.html")):
        with page.open("rb") as handle:
            head = handle.read(8192).decode("utf-8", errors="replace")
        found = _META.search(head)
        if found:
            for word in found.group(1).split(";")[0].split():
                if word.startswith("'sha256-"):
                    hashes[word] = None
    lines = [
        "/*",
        f"  Content-Security-Policy: {policy(sorted(hashes), header=True)}",
        "  X-Content-Type-Options: nosniff",
        "  Referrer-Policy: strict-origin-when-cross-origin",
        "",
    ]
    (site_dir / HEADERS_FILE).write_text("\n".join(lines), encoding="utf-8")
