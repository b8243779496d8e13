"""Earlier revisions as pages: each at its permanent address, and the entry page's
"Cite this version" block that links to them.

Pure: the `History` collected from git (`generator.history.revisions`) and today's entries
in, `{path: text}` out. Old text links to today's pages, through the same autolinking
and Markdown escaping as a current entry; its own relative links are dropped, since they
may point nowhere now.
"""

from __future__ import annotations

import logging
import posixpath
import re
import weakref
from collections.abc import Collection, Mapping
from datetime import date
from typing import Any

from markupsafe import Markup, escape

from generator.cite import box as cite_box
from generator.cite import record as cite
from generator.history.diff import changes_html
from generator.history.revisions import History, Revision
from generator.model import Entry
from generator.render import math
from generator.render.autolink import link_text, render_markdown
from generator.render.context import front_matter
from generator.render.environment import RELATION_LABELS
from generator.render.fragments import Fragments
from generator.render.metadata import head_html
from generator.render.paths import page_path, relative, relative_url
from generator.segments import segments

log = logging.getLogger("mkdocs.plugins.glossary.history")


def _day(text: str) -> str:
    try:
        return cite.parse_day(text).strftime("%-d %B %Y")
    except ValueError:
        return text


_LINK = re.compile(r"^(!?)\[(.*)\]\(\s*<?([^\s>)]*)", re.DOTALL)
_ABSOLUTE = re.compile(r"^(?:https?:|mailto:)", re.IGNORECASE)


def _without_local_links(markdown: str) -> str:
    """Old text: relative links and anchors become plain text (they may point nowhere now)."""
    parts: list[str] = []
    for segment in segments(markdown):
        if segment.kind == "link":
            match = _LINK.match(segment.text)
            if match and not _ABSOLUTE.match(match.group(3)):
                parts.append(match.group(2))
                continue
        elif segment.kind == "refdef":
            url = segment.text.split(":", 1)[1].strip().split()[0] if ":" in segment.text else ""
            if not _ABSOLUTE.match(url.strip("<>")):
                continue
        parts.append(segment.text)
    return "".join(parts)


class _RevisionPage:
    """What the macros and the template need from a page: links from it and Markdown."""

    def __init__(self, path: str, entries: Mapping[str, Entry], names: Any, titles: Mapping[str, str]) -> None:
        self.path = path
        self.entries = entries
        self.names = names
        self.titles = titles
        self.linked: set[str] = set()

    def href(self, slug: str) -> str:
        return relative(self.path, page_path(self.entries[slug]))

    def to(self, target: str) -> str:
        return relative(self.path, target)

    def md(self, text: str, *, self_slug: str | None = None, autolink: bool = True) -> Markup:
        return Markup(
            render_markdown(
                _without_local_links(text),
                self_slug=self_slug,
                index=self.names,
                titles=self.titles,
                href_for=self.href,
                linked=self.linked,
                autolink=autolink,
                math=math.segment_marker,
            )
        )

    def entry_link(self, slug: str) -> Markup:
        return Markup("[{}]({})").format(Markup(link_text(self.entries[slug].title)), self.href(slug))


_REVISION_TEMPLATE = """\
{% import "_macros.md.j2" as m %}
# {{ old.title }}

!!! warning "Old revision"
    This is an old revision of {{ page.entry_link(entry.slug) }}: version `{{ rev.version }}`, last modified {{ modified }}{% if rev.commit %}, first published in commit `{{ rev.short_commit }}` on {{ committed }}{% endif %}. It may differ a lot from the current version.
{% if rev.message %}

    **Change summary:** {{ rev.message|plain }}
{% endif %}

    [Read the current version]({{ current_href }}) · [What changed since](#changes-since-this-version){{ " · [Newer revision](%s)"|format(newer) if newer else "" }}{{ " · [Older revision](%s)"|format(older) if older else "" }}

## Changes since this version {: #changes-since-this-version }

{{ changes }}


<div class="gl-summary" markdown>
{{ summary }}
</div>

{% if old.aliases or old.abbreviations %}
<div class="gl-names" markdown>
{% if old.abbreviations %}**Abbreviations:** {{ old.abbreviations|join(", ") }}{% if old.aliases %} · {% endif %}{% endif %}{% if old.aliases %}**Also called:** {{ old.aliases|join(", ") }}{% endif %}

</div>

{% endif %}
{% if in_brief %}
<div class="gl-brief" markdown>
<p class="gl-brief__label">In brief</p>

{{ in_brief }}

</div>

{% endif %}
{% for f in old.formulas %}
{% if loop.first %}
## {{ "Formulas" if old.formulas|length > 1 else "Formula" }}

{% endif %}
### {{ f.title }}

{{ m.math_block(f.latex) }}

<table class="gl-vars">
<thead><tr><th>Symbol</th><th>Meaning</th><th>Unit</th><th>Name</th></tr></thead>
<tbody>
<tr class="gl-vars__result"><td>{{ m.math_inline(f.result.symbol) }}</td><td><strong>Result:</strong> {{ f.result.name|replace("_", " ") }}</td><td>{{ f.result.unit }}</td><td><code>{{ f.result.name }}</code></td></tr>
{% for v in f.variables %}
<tr><td>{{ m.math_inline(v.symbol) }}</td><td>{{ v.meaning }}</td><td>{{ v.unit }}</td><td><code>{{ v.name }}</code></td></tr>
{% endfor %}
</tbody>
</table>

{% endfor %}
{% for x in old.examples %}
{% if loop.first %}
## {{ "Worked examples" if old.examples|length > 1 else "Worked example" }} (as stated then)

{% endif %}
<p class="gl-revision-example"><strong>{{ x.title }}</strong>: {% for name, value in x.inputs.items() %}<code>{{ name }}</code> = {{ value|num }}{% if not loop.last %}, {% endif %}{% endfor %} → {% for name, value in x.expect.items() %}<code>{{ name }}</code> = {{ value|num }}{% if not loop.last %}, {% endif %}{% endfor %}</p>

{% endfor %}
{{ body }}

{% if relations %}
## Related entries

<div class="gl-relations" markdown>
{% for label, slugs in relations %}
**{{ label }}:** {% for slug in slugs %}{% if slug in page.entries %}{{ page.entry_link(slug) }}{% else %}{{ slug }}{% endif %}{% if not loop.last %} · {% endif %}{% endfor %}

{% endfor %}
</div>

{% endif %}
{% if sources %}
## Sources

{{ m.sources_list(sources) }}

{% endif %}
## Cite this version

{{ m.cite_box(cite, record) }}

<p class="gl-dates">Published {{ published }} · Last modified {{ modified }} · Version <code>{{ rev.version }}</code> · Permanent address <a href="{{ record.url }}">{{ record.url }}</a></p>
"""


_COMPILED: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()


def _revision_template(env: Any) -> Any:
    """The revision page's template in `env`, compiled once per environment (`glossary serve`
    keeps one environment for its patches)."""
    found = _COMPILED.get(env)
    if found is None:
        found = _COMPILED[env] = env.from_string(_REVISION_TEMPLATE)
    return found


def revision_pages(
    env: Any,
    *,
    entries: Mapping[str, Entry],
    history: History,
    names: Any,
    titles: Mapping[str, str],
    site_url: str,
    site_name: str,
    day: date,
    fragments: dict[str, Fragments] | None = None,
    only: Collection[str] | None = None,
) -> dict[str, str]:
    """Docs path -> Markdown for every earlier revision of every current entry (or of the
    entries `only`).

    `env` is the site's Jinja environment (for the shared macros and filters), `names`
    and `titles` the autolink index of today's entries: old text links to today's pages.
    A revision that fails to render is skipped and logged, never fatal. Its math, drawn at
    build time like the current pages', goes into `fragments` (page path -> `Fragments`).
    """
    template = _revision_template(env)
    pages: dict[str, str] = {}
    for slug in sorted(entries if only is None else set(only) & entries.keys()):
        current = entries[slug]
        earlier = history.earlier(current)
        for index, rev in enumerate(earlier):
            path = rev.page_path
            try:
                old = rev.entry
                record = cite.CitationRecord.from_entry(old, site_url=site_url, site_name=site_name).for_version()
                page = _RevisionPage(path, entries, names, titles)
                newer = relative(path, earlier[index - 1].page_path) if index > 0 else None
                older = relative(path, earlier[index + 1].page_path) if index + 1 < len(earlier) else None
                relations = [
                    (RELATION_LABELS.get(kind, kind), list(targets))
                    for kind, targets in old.relations.items()
                    if targets
                ]
                sources = [
                    {
                        "source": s,
                        "number": i,
                        "anchor": f"source-{i}",
                        "url": s.url if s.url.lower().startswith(("https://", "http://")) else None,
                    }
                    for i, s in enumerate(old.sources, start=1)
                ]
                text = template.render(
                    page=page,
                    entry=current,
                    old=old,
                    rev=rev,
                    record=record,
                    summary=page.md(old.summary, self_slug=slug, autolink=False),
                    # revisions from before `in_brief` existed have none, and show none
                    in_brief=page.md(old.in_brief, self_slug=slug, autolink=False) if old.in_brief else "",
                    body=page.md(old.body, self_slug=slug),
                    relations=relations,
                    sources=sources,
                    cite=cite_box.html_views(record, day),
                    current_href=page.href(slug),
                    newer=newer,
                    older=older,
                    modified=_day(old.modified or old.published),
                    published=_day(old.published),
                    committed=_day(rev.committed),
                    changes=changes_html(old, current, _without_local_links),
                )
                head = head_html(
                    record=record,
                    site_name=site_name,
                    title=old.title,
                    description=old.summary,
                    url=record.url,
                    jsonld=None,
                )
                head += '\n<meta name="robots" content="noindex">'
                title = f"{old.title} (old revision {rev.version})"
                prefix = math.unused_prefix([text])
                text, _, keys = math.place(prefix, text, ())
                if keys and fragments is not None:
                    fragments[path] = Fragments.of(prefix, (), keys)
                pages[path] = front_matter(title, old.summary, head) + text
            except Exception as error:  # noqa: BLE001 - history must never break the build
                log.info("glossary: skipped old revision %s of %s: %s", rev.fingerprint, slug, error)
    return pages


def current_version_stubs(
    entries: Mapping[str, Entry], *, site_url: str, records: Mapping[str, cite.CitationRecord] | None = None
) -> dict[str, str]:
    """Site path -> HTML: the current version's permanent address forwards to the entry page.

    When the entry changes, a build from git publishes the full old-revision page at the
    same address instead, so the address keeps showing the cited text. `records` (made
    for `site_url`) saves recomputing the pages' citation records.
    """
    known = records or {}
    return dict(
        version_stub(entry, known.get(slug) or cite.CitationRecord.from_entry(entry, site_url=site_url))
        for slug, entry in sorted(entries.items())
    )


def version_stub(entry: Entry, record: cite.CitationRecord) -> tuple[str, str]:
    """Site path and HTML of one entry's stub (see `current_version_stubs`)."""
    here = cite.revision_url_path(entry.slug, record.fingerprint)
    target = posixpath.relpath(entry.url_path, here) + "/"
    title = escape(f"{entry.title} (version {record.version})")
    return here + "index.html", (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n"
        f'<link rel="canonical" href="{escape(record.entry_url)}">\n'
        '<meta name="robots" content="noindex">\n'
        f'<meta http-equiv="refresh" content="0; url={escape(target)}">\n'
        "</head>\n<body>\n"
        f"<p>Version <code>{escape(record.version)}</code> is the current version of "
        f'<a href="{escape(target)}">{escape(entry.title)}</a>.</p>\n</body>\n</html>\n'
    )


def cite_version_block(record: cite.CitationRecord, *, day: date) -> Markup:
    """HTML for an entry page: the folded "Cite this version" box."""
    version = record.for_version()
    box = cite_box.cite_box_html(
        cite_box.html_views(version, day, modifier="version"), version, box_id="cite-version-box"
    )
    url = escape(version.url)
    return Markup(
        '<details class="gl-cite-version">\n<summary>Cite this version</summary>\n'
        f"<p>This citation points at the permanent address of version <code>{escape(version.version)}</code>, "
        f'which keeps showing this text after the entry changes: <a href="{url}">{url}</a></p>\n'
        f"{box}\n</details>"
    )


def _version_item(rev: Revision, link: str | None) -> str:
    day = escape(_day(rev.entry.modified or rev.entry.published))
    name = f"{day} (<code>{escape(rev.fingerprint)}</code>)"
    shown = f'<a href="{escape(link)}">{name}</a>' if link else f"<strong>This version</strong>, {name}"
    message = f' — <span class="gl-revisions__message">{escape(rev.message)}</span>' if rev.message else ""
    return f"<li>{shown}{message}</li>"


def versions_html(entry: Entry, record: cite.CitationRecord, history: History, *, page_path: str) -> Markup:
    """HTML for an entry page, beside its cite box: this version and every earlier one
    (newest first, each linked to its old-revision page), with each commit's change summary."""
    if not history.available:
        reason = escape(history.public_reason or "git history was not read")
        return Markup(f'<p class="gl-revisions">Earlier versions: not published by this build ({reason}).</p>')
    earlier = history.earlier(entry, record.fingerprint)
    if not earlier:
        return Markup('<p class="gl-revisions">Earlier versions: none.</p>')
    current = [r for r in history.of(entry.slug) if r.fingerprint == record.fingerprint]
    items = [_version_item(r, None) for r in current[:1]]
    items += [_version_item(r, relative_url(page_path, r.page_path)) for r in earlier]
    return Markup(
        '<div class="gl-revisions" id="versions">\n<p class="gl-revisions__title"><strong>Versions</strong> '
        f"(newest first; an earlier one shows what changed since)</p>\n<ul>\n{chr(10).join(items)}\n</ul>\n</div>"
    )


def version_block(entry: Entry, record: cite.CitationRecord, history: History, *, page_path: str, day: date) -> str:
    """HTML for the history part of an entry page: the versions list, then "Cite this version"."""
    return f"{versions_html(entry, record, history, page_path=page_path)}\n{cite_version_block(record, day=day)}\n"
