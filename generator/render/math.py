"""Math drawn at build time: every formula as KaTeX HTML+MathML, one Node.js process per build.

Readers get finished math in the page, with JavaScript off too, and load no KaTeX script.
Templates (the `math` global behind `_macros.md.j2`'s math_block and math_inline) and
author Markdown (each math segment `sanitize_markdown` finds, the same segments the
validator checked) leave a marker holding the LaTeX. When a page is sealed, `place` turns
each marker into a placeholder word (`{prefix}M{n}Z`, which no Markdown rule touches and
no heading id can contain, ids being lower-case) and lists the page's math. `render_site`
gathers the math of every page and `draw` has the site's own KaTeX (the file the validator
runs, with the same limits, trust off) draw each distinct piece once, in one node process;
`Fragments.restore` puts slots for the drawings in after conversion, and
`Fragments.draw` the drawings, each through the output allowlist, into the allowlisted page.
Drawings are cached by the LaTeX in the process (`glossary serve` rebuilds) and, sealed,
on disk beside the validator's caches, so an unchanged glossary never starts node.
Without Node.js the LaTeX is shown as text, with one warning.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import secrets
import subprocess
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

from markupsafe import Markup, escape

from generator import settings
from generator.check import katex
from generator.check import math as katex_check

log = logging.getLogger("mkdocs.plugins.glossary.math")

MathKey = tuple[str, bool]  # (LaTeX, display): what KaTeX draws, as the validator checks it

# A marker: NUL, a token drawn afresh for each process that renders, M, 0 or 1 (display),
# the LaTeX, NUL. Entries cannot hold NUL, so author text can neither forge nor end one.
_TOKEN = secrets.token_hex(8)
_MARKER = re.compile(rf"\x00{_TOKEN}M([01])([^\x00]*)\x00")
_MARK = f"\x00{_TOKEN}M"

# The drawing script: JSON {katex, items: [[tex, display], ...]} on stdin -> one HTML string
# (or null where KaTeX gave up) per item on stdout. The options are the page script's of old.
_SCRIPT = r"""
const chunks = [];
process.stdin.on("data", (chunk) => chunks.push(chunk));
process.stdin.on("end", () => {
  const request = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  const katex = require(request.katex);
  const drawn = request.items.map(([tex, display]) => {
    try {
      return katex.renderToString(tex, {
        displayMode: display, throwOnError: false, trust: false, strict: "ignore",
        maxExpand: request.maxExpand, maxSize: request.maxSize, output: "htmlAndMathml",
      });
    } catch (error) {
      return null;
    }
  });
  process.stdout.write(JSON.stringify(drawn));
});
"""


def marker(tex: str, display: bool) -> Markup:
    """The mark a template or Markdown leaves for one piece of math."""
    return Markup(f"{_MARK}{int(display)}{str(tex).replace(chr(0), '')}\x00")


def segment_marker(segment: str) -> str:
    """The mark for one math segment of author Markdown (delimiters included), read as the
    validator reads it (`check.math.strip_delimiters`), so the math drawn is the math checked."""
    tex, display = katex_check.strip_delimiters(segment)
    return marker(tex, display)


def has_math(text: str) -> bool:
    return _MARK in text


def place(prefix: str, text: str, parts: Sequence[str]) -> tuple[str, list[str], tuple[MathKey, ...]]:
    """`text` and `parts` with every marker replaced by `{prefix}M{n}Z`, and the math, n -> key."""
    index: dict[MathKey, int] = {}

    def word(match: re.Match[str]) -> str:
        key = (match.group(2), match.group(1) == "1")
        n = index.setdefault(key, len(index))
        return f"{prefix}M{n}Z"

    text = _MARKER.sub(word, text) if _MARK in text else text
    parts = [_MARKER.sub(word, part) if _MARK in part else part for part in parts]
    return text, parts, tuple(index)


def unused_prefix(texts: Iterable[str], base: str = "glhtml") -> str:
    """A placeholder prefix that none of `texts` holds."""
    texts = list(texts)
    prefix, n = base, 0
    while any(prefix in text for text in texts):
        n += 1
        prefix = f"{base}{n}x"
    return prefix


def convert_around(markdown_text: str, convert: Callable[[str], str]) -> str:
    """`convert(markdown_text)` with its markers kept out of the conversion and put back after."""
    if _MARK not in markdown_text:
        return convert(markdown_text)
    prefix = unused_prefix([markdown_text], "glmath")
    text, _, keys = place(prefix, markdown_text, ())
    html = convert(text)
    return re.sub(rf"{prefix}M(\d+)Z", lambda m: marker(*keys[int(m.group(1))]), html)


def restore(markdown_text: str, prefix: str, keys: Sequence[MathKey], drawn: Mapping[MathKey, str]) -> str:
    """Markdown with each placeholder replaced by its drawing; display math on a line of its
    own becomes a block of its own, which scrolls sideways inside its box."""
    # The placeholder alone is searched for (a literal, found fast) and what stands around
    # it is looked at after: a pattern opening with an optional line break is tried at
    # every character of the page.
    out: list[str] = []
    done = 0
    for match in re.finditer(rf"{prefix}M(\d+)Z", markdown_text):
        start, end = match.span()
        key = keys[int(match.group(1))]
        drawing = drawn.get(key) or fallback(key)
        if key[1] and markdown_text[start - 1 : start] in ("", "\n") and markdown_text[end : end + 1] in ("", "\n"):
            drawing = f'<div class="gl-math">{drawing}</div>'
        out += (markdown_text[done:start], drawing)
        done = end
    out.append(markdown_text[done:])
    return "".join(out)


def slots(html: str, prefix: str) -> str:
    """The converted page with each placeholder turned into an empty element, its slot, for
    the output allowlist to see. Where the placeholder stood as text the slot is an element,
    and the allowlist writes it back as `<span id="...">`; inside an attribute value (a
    link's title, an image's text) it stays text: unquoted, it cannot end the value, and the
    allowlist escapes its angle brackets."""
    return re.sub(rf"{prefix}M(\d+)Z", rf"<span id={prefix}-m\1></span>", html)


def fill(
    html: str, prefix: str, keys: Sequence[MathKey], drawn: Mapping[MathKey, str], clean: Callable[[str], str]
) -> str:
    """The allowlisted page with each slot replaced by its drawing, through the same
    allowlist (`clean`, which may remember a drawing it has seen: the site's math is a few
    hundred drawings repeated on thousands of pages). The element a slot became can only
    come from the allowlist's output, in text, where the clean drawing goes in as it would
    have if the page had been cleaned whole. Display math alone in a paragraph becomes a
    block of its own; a slot left as text in an attribute value becomes the LaTeX."""
    out: list[str] = []
    done = 0
    for match in re.finditer(rf'<span id="{prefix}-m(\d+)"></span>', html):
        start, end = match.span()
        key = keys[int(match.group(1))]
        drawing = clean(drawn.get(key) or fallback(key))
        if key[1] and html.endswith("<p>", 0, start) and html.startswith("</p>", end):
            start, end = start - len("<p>"), end + len("</p>")
            drawing = f'<div class="gl-math">{drawing}</div>'
        out += (html[done:start], drawing)
        done = end
    out.append(html[done:])
    html = "".join(out)
    if f"&lt;span id={prefix}-m" not in html:
        return html
    return re.sub(
        rf"&lt;span id={prefix}-m(\d+)&gt;&lt;/span&gt;", lambda m: str(escape(keys[int(m.group(1))][0])), html
    )


PAGE_FLAG = "glossary_math"  # front matter: the page holds math (templates/overrides/main.html)


def flag_page(page: str) -> str:
    """A page's Markdown with `glossary_math: true` in its front matter."""
    end = page.find("\n---\n", 3) if page.startswith("---\n") else -1
    if end < 0:
        return page
    return f"{page[:end]}\n{PAGE_FLAG}: true{page[end:]}"


def fallback(key: MathKey) -> str:
    """Math that was not drawn (no Node.js, or KaTeX gave up) as its LaTeX, readable."""
    return f'<span class="gl-math-raw">{escape(key[0])}</span>'


# Characters Python-Markdown reads in inline text; written as character references where
# drawn math goes into a Markdown document (`glossary render --out`), it stays as drawn.
_MARKDOWN_SYNTAX = {ord(char): f"&#{ord(char)};" for char in "\\`*_{}[]$!|~^=#"}
_TEXT_BETWEEN_TAGS = re.compile(r">([^<]+)<")
_REFERENCE_OR_TEXT = re.compile(r"(&#?[0-9a-zA-Z]+;)|([^&]+|&)")  # KaTeX writes `'` as &#x27;


def inert_in_markdown(html: str) -> str:
    def text(match: re.Match[str]) -> str:
        parts = _REFERENCE_OR_TEXT.finditer(match.group(1))
        return ">" + "".join(p.group(1) or p.group(2).translate(_MARKDOWN_SYNTAX) for p in parts) + "<"

    return _TEXT_BETWEEN_TAGS.sub(text, html)


# -- drawing, one node process ------------------------------------------------------------------

_drawn: dict[MathKey, str] = {}  # this process's drawings, across `glossary serve` rebuilds


def draw(keys: Iterable[MathKey], cache_file: Path | None = None) -> dict[MathKey, str]:
    """Each key's KaTeX HTML+MathML; keys KaTeX could not draw are left out (see `fallback`).

    Everything not drawn before goes to one node process; a failure to run it is logged
    once and leaves that math as text.
    """
    wanted = list(dict.fromkeys(keys))
    if cache_file is not None and any(key not in _drawn for key in wanted):
        _read_disk_cache(cache_file)
    todo = [key for key in wanted if key not in _drawn and len(key[0]) <= katex.MAX_TEX_CHARS]
    if todo:
        found, failure = _run_node(todo)
        if failure is not None:
            log.info("glossary: warning: math shown as LaTeX, not drawn: %s", failure)
        _drawn.update(found)
        if cache_file is not None and found:
            _write_disk_cache(cache_file, wanted)
    return {key: _drawn[key] for key in wanted if key in _drawn}


def _run_node(items: Sequence[MathKey]) -> tuple[dict[MathKey, str], str | None]:
    node = katex.node_binary()
    if node is None:
        return {}, "Node.js (`node`) is not installed"
    script = katex.KATEX_JS
    if not script.is_file():
        return {}, f"KaTeX is missing at {script}"
    request = json.dumps(
        {"katex": str(script), "items": items, "maxExpand": katex.MAX_EXPAND, "maxSize": katex.MAX_SIZE}
    )
    try:
        proc = subprocess.run(
            [node, f"--max-old-space-size={katex.MEMORY_MB}", "-e", _SCRIPT],
            input=request.encode("utf-8"),
            capture_output=True,
            timeout=katex.TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return {}, f"KaTeX did not finish within {katex.TIMEOUT_SECONDS} seconds"
    except OSError as error:
        return {}, f"cannot run {node}: {error.strerror or error}"
    if proc.returncode != 0:
        lines = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        return {}, f"node exited with status {proc.returncode} ({(lines or ['no message'])[-1][:200]})"
    try:
        drawn = json.loads(proc.stdout.decode("utf-8"))
        if not isinstance(drawn, list) or len(drawn) != len(items):
            raise ValueError("wrong number of drawings")
    except ValueError:
        return {}, "KaTeX gave an answer that could not be read"
    return {key: html for key, html in zip(items, drawn) if isinstance(html, str)}, None


# -- the disk cache: sealed (generator/signed_cache.py), so a planted file cannot put markup in pages --

_DISK_MAGIC = b"glossary-katex-html\n"


def cache_path() -> Path:
    return settings.PROJECT_ROOT / ".glossary-cache" / "katex-html.marshal"


def _fingerprint() -> bytes:
    """Drawings hold for one KaTeX file, one set of limits and one drawing script."""
    digest = hashlib.blake2b(digest_size=12)
    try:
        digest.update(katex.KATEX_JS.read_bytes())
    except OSError:
        return b""
    digest.update(f"{katex.MAX_EXPAND}/{katex.MAX_SIZE}/{katex.MAX_TEX_CHARS}".encode())
    digest.update(_SCRIPT.encode())
    return digest.hexdigest().encode()


def _read_disk_cache(cache_file: Path) -> None:
    from generator import signed_cache as sealed

    stored = sealed.read(cache_file, _DISK_MAGIC, _fingerprint())
    try:
        for tex, display, html in stored or ():
            _drawn.setdefault((str(tex), bool(display)), str(html))
    except (ValueError, TypeError):
        return  # a cache of the wrong shape only costs one node run


def _write_disk_cache(cache_file: Path, keys: Sequence[MathKey]) -> None:
    """Atomic (see signed_cache.py); only this build's math is kept."""
    from generator import signed_cache as sealed

    sealed.write(cache_file, _DISK_MAGIC, _fingerprint(), [(t, d, _drawn[(t, d)]) for t, d in keys if (t, d) in _drawn])
