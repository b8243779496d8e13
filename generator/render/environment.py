"""The Jinja environment every page is rendered in: its filters, globals and labels."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from generator import settings
from generator.calc.numbers import format_number
from generator.model import KIND_LABELS, KIND_PLURALS
from generator.render.autolink import link_text
from generator.render.escape import escape_markdown_prose, escape_math, plain_markdown
from generator.render.math import marker as math_mark
from generator.render.sanitize import safe_href

TEMPLATES_DIR = settings.TEMPLATES_DIR
RELATION_LABELS: dict[str, str] = {
    "broader": "Broader",
    "narrower": "Narrower",
    "related": "Related",
    "contrasts": "Contrasts with",
    "uses": "Uses",
    "used_by": "Used by",
}


@functools.cache
def kind_badge(kind: str) -> Markup:
    """The small label that says whether an entry is a definition, an article or an area."""
    return Markup('<span class="gl-kind gl-kind--{}">{}</span>').format(kind, KIND_LABELS[kind])


class _Environment(jinja2.Environment):
    """Jinja reads `view.key` of a dict only after `getattr` fails, and the pages' views
    (sources, formulas, examples, citation styles) are dicts read a hundred times a page:
    their keys are looked up first here, with the same result."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        try:
            return getattr(obj, attribute)
        except AttributeError:
            return super().getattr(obj, attribute)  # items of other mappings, or undefined


_DICT_ATTRIBUTES = frozenset(dir(dict))  # `d.items` is the method, as in Jinja


def make_environment(templates_dir: Path = TEMPLATES_DIR) -> jinja2.Environment:
    """Autoescaping on: entry text reaches the page as text unless a filter says otherwise.

    Templates are read once: each build makes its own environment, and without
    `auto_reload` Jinja does not look at the files' times at every include and import.
    """
    env = _Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir)),
        auto_reload=False,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["num"] = _number
    env.filters["times"] = lambda text: str(text).replace(" ** ", "^").replace(" * ", " × ")
    env.filters["safe_href"] = safe_href
    env.filters["link_text"] = lambda text: Markup(link_text(str(text)))
    env.filters["plain"] = lambda text: Markup(plain_markdown(str(text)))
    env.filters["t"] = lambda text: escape_markdown_prose(str(text))
    env.filters["tex"] = lambda text: escape_math(str(text))
    env.filters["html"] = _stash
    env.filters["checked"] = checked_note
    env.globals["KIND_LABELS"] = KIND_LABELS
    env.globals["KIND_PLURALS"] = KIND_PLURALS
    env.globals["kind_badge"] = kind_badge
    env.globals["math_mark"] = math_mark  # math drawn at build time (_macros.md.j2)
    return env


def checked_note(item: Any) -> str:
    """`Binance rule as checked 2026-11-20` for a formula or example stating a venue's rule, else "".

    Plain text: templates escape it like any other field, it never goes through Markdown.
    """
    venue, as_of = getattr(item, "venue", ""), getattr(item, "as_of", "")
    return f"{venue} rule as checked {as_of}" if venue and as_of else ""


@jinja2.pass_context
def _stash(context: jinja2.runtime.Context, html: str) -> Markup:
    """`{% filter html %}...{% endfilter %}`: finished HTML, kept out of the page's Markdown."""
    return context["page"].stash(html)


def _number(value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return format_number(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None:
        return "none"
    if isinstance(value, (list, tuple)):
        return ", ".join(_number(v) for v in value)
    return str(value)
