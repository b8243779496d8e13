"""The output boundary: every generated page's content passes an HTML allowlist.

Author text reaches a page through Markdown conversion, templates and the finished HTML
fragments the renderer keeps apart. Whatever the converters made of it, the page content
is parsed as a browser would (html5ever, through nh3/ammonia) and only the elements and
attributes below survive: exactly what the site's own templates and Markdown extensions
emit. No `<script>`, `<style>`, frames, forms, `<base>` or `<meta>`; no `style`, event
handlers or `srcset`; link targets only http(s), mailto, relative or `#`; images only from
the site. This is the security boundary; the Markdown-side escaping in `sanitize` only
keeps raw HTML visible as text for readers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

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
    "code": frozenset(),
    "pre": frozenset({"data-style"}),
    "span": frozenset({"data-style"}),
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
    "svg": frozenset({"xmlns", "viewBox", "width", "height", "preserveAspectRatio"}) | _SVG_PRESENTATION,
    "g": _SVG_PRESENTATION,
    "title": frozenset(),
    "desc": frozenset(),
    "line": frozenset({"x1", "y1", "x2", "y2"}) | _SVG_PRESENTATION,
    "polyline": frozenset({"points"}) | _SVG_PRESENTATION,
    "circle": frozenset({"cx", "cy", "r"}) | _SVG_PRESENTATION,
    "rect": frozenset({"x", "y", "width", "height", "rx", "ry"}) | _SVG_PRESENTATION,
    "text": frozenset({"x", "y", "dx", "dy"}) | _SVG_PRESENTATION,
}

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


def _filter(element: str, attribute: str, value: str) -> str | None:
    if attribute == "class" and "md-" in value:
        kept = [name for name in value.split() if not name.startswith("md-") or name in _THEME_CLASSES]
        return " ".join(kept) or None
    if attribute == "id" and value.startswith("__") and not _THEME_ID.fullmatch(value):
        return None
    return _local_only(element, attribute, value)


def clean(html: str) -> str:
    """`html` with everything outside the allowlist removed (script and style elements with
    their content, every other unknown element unwrapped to its text)."""
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes=set(URL_SCHEMES),
        link_rel=None,  # the templates set rel themselves; no rewriting of links
        strip_comments=True,
        attribute_filter=_filter,
    )
