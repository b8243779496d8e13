"""Cite boxes as HTML: each style's text with the access date in a span the page script
rewrites with the reader's day."""

from __future__ import annotations

from datetime import date
from typing import Any

from markupsafe import Markup, escape

from generator.cite.record import CitationRecord
from generator.cite.styles import ACCESSED, STYLE_LABELS, STYLES, format_accessed


def html_views(record: CitationRecord, day: date, *, modifier: str = "") -> list[dict[str, Any]]:
    """Each style's text as HTML for a cite box: the access date sits in a span the page
    script rewrites with the reader's day (`day` is what readers without script see).
    `modifier` adds a `gl-accessed--<modifier>` class (e.g. `version` for the second box)."""
    css = escape("gl-accessed" + (f" gl-accessed--{modifier}" if modifier else ""))
    views = []
    for style in STYLES:
        before, _, after = record.template(style).partition(ACCESSED)
        accessed = f'<span class="{css}" data-style="{escape(style)}">{escape(format_accessed(style, day))}</span>'
        views.append(
            {"style": style, "label": STYLE_LABELS[style], "html": Markup(f"{escape(before)}{accessed}{escape(after)}")}
        )
    return views


_CHECKED = 'checked="checked" '


def cite_box_html(views: list[dict[str, Any]], record: CitationRecord, *, box_id: str) -> Markup:
    """A second cite box with its own ids (the page's main box comes from the templates).

    Same structure and classes as `templates/_macros.md.j2`'s `cite_box`, so the page
    script's copy button and access-date filling work on it unchanged.
    """
    name = escape("__" + box_id.replace("-", "_"))
    inputs = "".join(
        f'<input {_CHECKED if i == 1 else ""}id="{name}_{i}" name="{name}" type="radio">'
        for i in range(1, len(views) + 1)
    )
    labels = "".join(
        f'<label for="{name}_{i}">{escape(view["label"])}</label>' for i, view in enumerate(views, start=1)
    )
    blocks = "\n".join(
        f'<div class="tabbed-block"><pre class="gl-cite__text" data-style="{escape(view["style"])}"><code>'
        f"{escape(view['html'])}</code></pre></div>"
        for view in views
    )
    box = escape(box_id)
    return Markup(
        f'<div class="gl-cite" id="{box}" data-version="{escape(record.version)}">\n'
        f'<div class="tabbed-set tabbed-alternate" data-tabs="{box}:{len(views)}">\n{inputs}\n'
        f'<div class="tabbed-labels">{labels}</div>\n'
        f'<div class="tabbed-content">\n{blocks}\n</div>\n</div>\n'
        '<p class="gl-cite__actions"><button type="button" class="md-button md-button--primary gl-cite__copy">'
        'Copy citation</button> <span class="gl-cite__status" role="status" aria-live="polite"></span></p>\n'
        "</div>"
    )
