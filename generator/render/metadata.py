"""Metadata for machines: schema.org JSON-LD and the `<head>` tags of each page.

Everything is built from the entry's `CitationRecord` (see `cite`), so the JSON-LD,
the Highwire tags and the visible cite box cannot disagree. The head HTML is produced
here, escaped, and carried to the theme in the page's front matter.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from markupsafe import escape

from generator.cite.record import CitationRecord
from generator.model import Entry
from generator.render.escape import json_for_script


def breadcrumb_list(crumbs: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """schema.org BreadcrumbList from (name, absolute URL) pairs, home first."""
    return {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": i, "name": name, "item": url}
            for i, (name, url) in enumerate(crumbs, start=1)
        ],
    }


def defined_term_set(site_url: str, site_name: str) -> dict[str, Any]:
    return {"@type": "DefinedTermSet", "@id": site_url, "name": site_name, "url": site_url}


def entry_jsonld(
    entry: Entry,
    record: CitationRecord,
    *,
    site_url: str,
    crumbs: Sequence[tuple[str, str]],
    members: Sequence[tuple[str, str]] = (),
) -> dict[str, Any]:
    """A DefinedTerm and a BreadcrumbList; areas add a CollectionPage and a FAQPage."""
    term: dict[str, Any] = {
        "@type": "DefinedTerm",
        "@id": record.url + "#term",
        "name": record.title,
        "description": record.summary,
        "url": record.url,
        "termCode": entry.slug,
        "inDefinedTermSet": defined_term_set(site_url, record.container),
        "datePublished": record.published.isoformat(),
        "dateModified": record.issued.isoformat(),
        "version": record.version,
    }
    names = [*entry.aliases, *entry.abbreviations]
    if names:
        term["alternateName"] = names
    graph: list[dict[str, Any]] = [term, breadcrumb_list(crumbs)]
    if entry.kind == "area":
        graph.append(
            {
                "@type": "CollectionPage",
                "@id": record.url,
                "name": record.title,
                "description": record.summary,
                "url": record.url,
                "isPartOf": {"@type": "WebSite", "@id": site_url, "name": record.container, "url": site_url},
                "hasPart": [{"@type": "DefinedTerm", "name": name, "url": url} for name, url in members],
            }
        )
        if entry.faq:
            graph.append(
                {
                    "@type": "FAQPage",
                    "@id": record.url + "#faq",
                    "mainEntity": [
                        {
                            "@type": "Question",
                            "name": item.question,
                            "about": item.facet,
                            "acceptedAnswer": {"@type": "Answer", "text": item.answer},
                        }
                        for item in entry.faq
                    ],
                }
            )
    return {"@context": "https://schema.org", "@graph": graph}


def head_html(
    *,
    record: CitationRecord | None,
    site_name: str,
    title: str,
    description: str,
    url: str,
    jsonld: Mapping[str, Any] | None,
) -> str:
    """The extra `<head>` of one page: Open Graph, Highwire tags and JSON-LD.

    (No `<link rel=alternate>` for the Markdown copy: Material treats every alternate
    link as a language version and fetches a sitemap beside it.)
    """
    tags: list[str] = [
        '<meta property="og:type" content="website">',
        f'<meta property="og:site_name" content="{escape(site_name)}">',
        f'<meta property="og:title" content="{escape(title)}">',
        f'<meta property="og:description" content="{escape(description)}">',
        f'<meta property="og:url" content="{escape(url)}">',
    ]
    if record is not None:
        tags += [f'<meta name="{escape(name)}" content="{escape(value)}">' for name, value in record.highwire()]
    if jsonld is not None:
        tags.append(f'<script type="application/ld+json">{json_for_script(jsonld)}</script>')
    return "\n".join(tags)
