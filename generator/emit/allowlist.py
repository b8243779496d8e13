"""The output boundary: every generated page's content passes an HTML allowlist.

Author text reaches a page through Markdown conversion, templates and the finished HTML
fragments the renderer keeps apart. Whatever the converters made of it, the page content
is parsed as a browser would (html5ever, through nh3/ammonia) and only the elements and
attributes below survive: exactly what the site's own templates and Markdown extensions
emit. No `<script>`, `<style>`, frames, forms, `<base>` or `<meta>`; no event handlers or
`srcset`, and `style` only as KaTeX writes it (em lengths, colours) on the math it draws;
link targets only http(s), mailto, relative or `#`; images only from the site. This is the
security boundary; the Markdown-side escaping in `sanitize` only keeps raw HTML visible
as text for readers.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from html import unescape

import nh3

# Attributes any allowed element may carry.
_COMMON = frozenset(
    {
        "class",
        "id",
        "title",
        "role",
        "lang",
        "dir",
        "hidden",
        "aria-label",
        "aria-labelledby",
        "aria-describedby",
        "aria-live",
        "aria-hidden",
        "aria-expanded",
        "aria-controls",
        "aria-current",
    }
)

_SVG_PRESENTATION = frozenset(
    {
        "fill",
        "fill-opacity",
        "stroke",
        "stroke-width",
        "stroke-opacity",
        "stroke-dasharray",
        "stroke-linejoin",
        "stroke-linecap",
        "font-size",
        "font-family",
        "text-anchor",
        "transform",
        "opacity",
        "dominant-baseline",
    }
)

# Element -> its own attributes (beside `_COMMON`). The data-* attributes are those the
# site's scripts read; nothing else of that family gets through.
ELEMENTS: Mapping[str, frozenset[str]] = {
    **{
        tag: frozenset()
        for tag in (
            "p",
            "br",
            "hr",
            "em",
            "strong",
            "blockquote",
            "ul",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "thead",
            "tbody",
            "tr",
            "figure",
            "summary",
        )
    },
    "a": frozenset({"href", "rel", "type", "hreflang"}),
    "abbr": frozenset(),
    # An old revision's word-level differences from the current entry (generator/history/diff.py).
    "ins": frozenset(),
    "del": frozenset(),
    "code": frozenset(),
    "pre": frozenset({"data-style"}),
    "span": frozenset({"data-style", "style"}),
    "div": frozenset(
        {
            "data-results",
            "data-src",
            "data-target",
            "data-version",
            "data-tabs",
            "data-focus",
            "data-graph",
            "data-calc",
            "data-try",
        }
    ),
    "ol": frozenset({"start", "reversed"}),
    "li": frozenset({"value"}),
    "table": frozenset(),
    "td": frozenset({"align", "colspan", "rowspan"}),
    "th": frozenset({"align", "colspan", "rowspan", "scope"}),
    "time": frozenset({"datetime"}),
    "details": frozenset({"open"}),
    "img": frozenset({"src", "alt", "width", "height", "loading"}),
    # The cite box's style tabs (pymdownx.tabbed) and the calculators' controls: no form
    # element exists to submit them anywhere.
    "input": frozenset(
        {
            "type",
            "name",
            "checked",
            "value",
            "placeholder",
            "autocomplete",
            "spellcheck",
            "inputmode",
            "min",
            "max",
            "step",
            "disabled",
            "readonly",
        }
    ),
    "label": frozenset({"for"}),
    "select": frozenset({"name"}),
    "option": frozenset({"value", "selected"}),
    "button": frozenset({"type", "disabled"}),
    "output": frozenset({"for"}),
    # Static charts.
    "svg": frozenset({"xmlns", "viewBox", "width", "height", "preserveAspectRatio", "style"}) | _SVG_PRESENTATION,
    "g": _SVG_PRESENTATION,
    "title": frozenset(),
    "desc": frozenset(),
    "line": frozenset({"x1", "y1", "x2", "y2"}) | _SVG_PRESENTATION,
    "polyline": frozenset({"points"}) | _SVG_PRESENTATION,
    "circle": frozenset({"cx", "cy", "r"}) | _SVG_PRESENTATION,
    "rect": frozenset({"x", "y", "width", "height", "rx", "ry"}) | _SVG_PRESENTATION,
    "text": frozenset({"x", "y", "dx", "dy"}) | _SVG_PRESENTATION,
    # Math, drawn by KaTeX at build time (generator/render/math.py): its spans carry layout in
    # `style` (em lengths only, `_katex_style`), stretchy delimiters are an svg path, and the
    # MathML beside them has only presentation attributes (no href, no annotation-xml, no mglyph).
    "path": frozenset({"d"}),
    "math": frozenset({"xmlns", "display"}),
    "semantics": frozenset(),
    "annotation": frozenset({"encoding"}),
    **{tag: frozenset() for tag in ("mrow", "msub", "msup", "msubsup", "msqrt", "mroot", "mphantom", "mtr")},
    **{tag: frozenset({"mathvariant"}) for tag in ("mi", "mn", "mtext")},
    "mo": frozenset(
        {"mathvariant", "fence", "separator", "stretchy", "symmetric", "lspace", "rspace", "minsize", "maxsize"}
        | {"movablelimits", "largeop"}
    ),
    "mspace": frozenset({"width", "height", "depth", "linebreak", "mathbackground"}),
    "mstyle": frozenset({"displaystyle", "scriptlevel", "mathcolor", "mathsize"}),
    "mfrac": frozenset({"linethickness"}),
    "mover": frozenset({"accent"}),
    "munder": frozenset({"accentunder"}),
    "munderover": frozenset({"accent", "accentunder"}),
    "mtable": frozenset({"columnalign", "rowalign", "columnspacing", "rowspacing", "columnlines", "rowlines"})
    | frozenset({"width", "frame"}),
    "mtd": frozenset({"width", "columnalign"}),
    "mpadded": frozenset({"width", "height", "depth", "lspace", "voffset", "mathbackground", "style"}),
    "menclose": frozenset({"notation", "mathcolor"}),
}
_ELEMENT_STYLE = ("span", "svg", "mpadded")  # the elements KaTeX gives a `style`

URL_SCHEMES = frozenset({"http", "https", "mailto"})

_TAGS = set(ELEMENTS)
_ATTRIBUTES = {tag: set(own) for tag, own in ELEMENTS.items()} | {"*": set(_COMMON)}


def _local_only(element: str, attribute: str, value: str) -> str | None:
    """Images load only from the site: a source with a scheme or `//` would leave it."""
    if element == "img" and attribute == "src":
        probe = "".join(value.split()).lower()
        if ":" in probe.split("/", 1)[0] or probe.startswith(("//", "\\\\", "/\\", "\\/")):
            return None
    return value


# The theme's own names. Authors reach `class` and `id` through admonition types
# (`!!! md-dialog md-dialog--active`) and attribute lists, and could borrow them: Material's
# `md-dialog md-dialog--active` pins a box over the page, and an element `id="__config"`
# before the theme's replaces its configuration (its base URL, features and search worker:
# the page then asks another site for its sitemap) or, not being JSON, stops every script
# of the theme on the page. Only the `md-` classes and `__` ids the site's own templates and
# extensions emit get through.
_THEME_CLASSES = frozenset({"md-button", "md-button--primary"})
_THEME_ID = re.compile(r"__(?:cite|cite_version_box|tabbed)_[0-9_]+")


# KaTeX's inline layout, declaration by declaration: lengths in em (or 0), its border and
# position keywords, colours by name or hex. Anything else (url(), fixed positions, other
# units, expressions) is dropped; a `style` left empty is dropped whole.
_LENGTH = r"(?:-?(?:\d{1,4}(?:\.\d*)?|\.\d+)em|0)"
_COLOUR = r"(?:\#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,20})"  # `\#`: not a comment in re.VERBOSE
_BORDER_STYLE = r"(?:solid|dashed|dotted)"
_KATEX_DECLARATION = re.compile(
    rf"""
    (?:height|width|min-width|top|bottom|left|vertical-align|margin-left|margin-right|padding-left
      |border-width|border-top-width|border-bottom-width|border-right-width)\s*:\s*{_LENGTH}
    | margin\s*:\s*{_LENGTH}(?:\s+{_LENGTH}){{0,3}}
    | (?:border-style|border-right-style)\s*:\s*{_BORDER_STYLE}
    | border\s*:\s*{_LENGTH}\s+{_BORDER_STYLE}\s+{_COLOUR}
    | position\s*:\s*relative
    | (?:color|background-color|border-color)\s*:\s*{_COLOUR}
    """,
    re.VERBOSE,
)
_MATH_COLOUR = re.compile(_COLOUR)


def _katex_style(value: str) -> str | None:
    kept = [part.strip() for part in value.split(";") if _KATEX_DECLARATION.fullmatch(part.strip())]
    return ";".join(kept) + ";" if kept else None


def _filter(element: str, attribute: str, value: str) -> str | None:
    if attribute == "style":
        return _katex_style(value) if element in _ELEMENT_STYLE else None
    if attribute in ("mathcolor", "mathbackground"):
        return value if _MATH_COLOUR.fullmatch(value) else None
    if attribute == "class" and "md-" in value:
        kept = [name for name in value.split() if not name.startswith("md-") or name in _THEME_CLASSES]
        return " ".join(kept) or None
    if attribute == "id" and value.startswith("__") and not _THEME_ID.fullmatch(value):
        return None
    return _local_only(element, attribute, value)


def _cleaner(attribute_filter: Callable[[str, str, str], str | None] | None = None) -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes=set(URL_SCHEMES),
        link_rel=None,  # the templates set rel themselves; no rewriting of links
        strip_comments=True,
        attribute_filter=attribute_filter,
    )


# Built once: nh3.clean would convert the allowlist afresh for every page.
_CLEANER = _cleaner(attribute_filter=_filter)
_UNFILTERED = _cleaner()
# In what nh3 writes, every attribute `_filter` may change: a `style`, a math colour, an id
# starting `__` other than the theme's, an image (for its `src`), a class with `md-` (group 1:
# the filter keeps the theme's own). nh3 writes each attribute as ` name="value"` (names in
# lower case, `&` and `"` in values escaped), so none can be missed.
_MAY_CHANGE = re.compile(
    rf' (?:style|mathcolor|mathbackground)="| id="(?!{_THEME_ID.pattern}")__|<img[\s/>]| class="([^"]*md-[^"]*)"'
)


def clean(html: str) -> str:
    """`html` with everything outside the allowlist removed (script and style elements with
    their content, every other unknown element unwrapped to its text).

    `_filter` is Python, called from nh3 for every attribute (a fifth of the time on a
    page), and leaves almost all of them as they are. So the allowlist is applied without it
    first; if the result holds an attribute the filter would change, it is applied again,
    from `html`, with the filter."""
    unfiltered = _UNFILTERED.clean(html)
    for found in _MAY_CHANGE.finditer(unfiltered):
        classes = unescape(found.group(1)) if found.group(1) is not None else None
        if classes is None or _filter("", "class", classes) != classes:
            return _CLEANER.clean(html)
    return unfiltered


@functools.lru_cache(maxsize=4096)
def clean_part(html: str) -> str:
    """`clean`, remembered: for a part that recurs on many pages (a formula's drawing, whose
    layout is in `style` attributes: the filter is needed, and applied at once)."""
    return _CLEANER.clean(html)
