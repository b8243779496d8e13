"""The pages that list entries: home, areas, A-Z, tags, graph and calculators, and the
JSON the browser reads for the graph and for hover previews."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import jinja2
from markupsafe import Markup

from generator.render.context import Page, Site, front_matter, plain_head
from generator.render.entry_pages import example_view
from generator.render.fragments import Fragments
from generator.render.metadata import defined_term_set

CENTRAL_ON_HOME = 12


def _render(
    env: jinja2.Environment, template: str, front: str, *, page: Page, **context: Any
) -> tuple[str, Fragments | None]:
    text, fragments = page.seal(env.get_template(template).render(page=page, **context))
    return front + text, fragments


def home_page(env: jinja2.Environment, site: Site) -> tuple[str, Fragments | None]:
    path = "index.md"
    page = Page(site, path)
    ranked = [s for s in site.graph.ranked() if site.entries[s].kind != "area"][:CENTRAL_ON_HOME]
    description = (
        "An open, citable glossary of leverage in crypto and derivatives markets: "
        "definitions, formulas, worked examples and how the ideas connect."
    )
    jsonld = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebSite", "@id": site.config.base, "name": site.config.site_name, "url": site.config.base},
            {
                **defined_term_set(site.config.base, site.config.site_name),
                "hasDefinedTerm": [
                    {"@type": "DefinedTerm", "name": e.title, "url": site.records[s].url}
                    for s, e in sorted(site.entries.items())
                ],
            },
        ],
    }
    counts: defaultdict[str, int] = defaultdict(int)
    for entry in site.entries.values():
        counts[entry.kind] += 1
    return _render(
        env,
        "home.md.j2",
        front_matter(
            site.config.site_name,
            description,
            plain_head(site, path, site.config.site_name, description, jsonld),
            hide=["navigation", "toc"],
        ),
        page=page,
        site=site,
        central=ranked,
        areas=[a.slug for a in site.areas],
        counts=counts,
        calculators=len(site.data.calculators),
    )


def areas_page(env: jinja2.Environment, site: Site) -> tuple[str, Fragments | None]:
    path = "area/index.md"
    page = Page(site, path)
    description = "The areas of the Leverage Glossary, each with its scope, questions and member entries."
    return _render(
        env,
        "areas.md.j2",
        front_matter("Areas", description, plain_head(site, path, "Areas", description, None)),
        page=page,
        site=site,
        areas=[a.slug for a in site.areas],
    )


def a_to_z_page(env: jinja2.Environment, site: Site) -> tuple[str, Fragments | None]:
    path = "a-z.md"
    page = Page(site, path)
    items: list[dict[str, Any]] = []
    for slug, entry in site.entries.items():
        items.append({"sort": entry.title.casefold(), "name": entry.title, "slug": slug, "see": None})
        for name in (*entry.aliases, *entry.abbreviations):
            items.append({"sort": name.casefold(), "name": name, "slug": slug, "see": entry.title})
    items.sort(key=lambda item: (item["sort"], item["see"] is not None))
    letters: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for item in items:
        first = item["sort"][:1].upper()
        letters[first if first.isalpha() else "0–9"].append(item)
    description = "Every entry of the Leverage Glossary from A to Z, with other names pointing to the entry."
    return _render(
        env,
        "a-z.md.j2",
        front_matter("A–Z", description, plain_head(site, path, "A–Z", description, None)),
        page=page,
        site=site,
        letters=sorted(letters.items()),
    )


def tags_page(env: jinja2.Environment, site: Site) -> tuple[str, Fragments | None]:
    path = "tags/index.md"
    page = Page(site, path)
    description = "Entries of the Leverage Glossary by tag."
    return _render(
        env,
        "tags.md.j2",
        front_matter("Tags", description, plain_head(site, path, "Tags", description, None)),
        page=page,
        site=site,
        tags=site.tags,
    )


def tag_page(env: jinja2.Environment, site: Site, tag: str) -> tuple[str, Fragments | None]:
    path = f"tags/{tag}.md"
    page = Page(site, path)
    title = f"Tag: {tag}"
    description = f"Entries of the Leverage Glossary tagged {tag}."
    return _render(
        env,
        "tag.md.j2",
        front_matter(title, description, plain_head(site, path, title, description, None)),
        page=page,
        site=site,
        tag=tag,
        slugs=site.tags[tag],
    )


def graph_page(env: jinja2.Environment, site: Site) -> tuple[str, Fragments | None]:
    path = "graph.md"
    description = "The cross-reference graph of the Leverage Glossary: every entry and how it relates to the others."
    return _render(
        env,
        "graph.md.j2",
        front_matter(
            "Graph", description, plain_head(site, path, "Graph", description, None), hide=["navigation", "toc"]
        ),
        page=Page(site, path),
        site=site,
        areas=[a.slug for a in site.areas],
    )


def calculators_page(env: jinja2.Environment, site: Site) -> tuple[str, Fragments | None]:
    path = "calculators.md"
    page = Page(site, path)
    views = []
    for doc in site.data.calculators:
        worked = doc.example
        entry = site.entries.get(worked.entry) if worked else None
        views.append(
            {
                "doc": doc,
                "calculator": doc.calculator,
                "example": example_view(Page(site, path), entry, worked) if worked and entry else None,
                "entry": entry,
                "run_steps": tuple(doc.run.steps) if doc.run is not None else (),
                "run_inputs": dict(doc.run.inputs) if doc.run is not None else {},
                "run_outputs": dict(doc.run.outputs) if doc.run is not None else {},
                "chart": Markup(doc.chart) if doc.chart else None,
                "used_by": [s for s in doc.used_by if s in site.entries],
            }
        )
    description = "Every leverage calculator of the glossary: inputs, outputs, units, formulas and a worked example."
    return _render(
        env,
        "calculators.md.j2",
        front_matter("Calculators", description, plain_head(site, path, "Calculators", description, None)),
        page=page,
        site=site,
        calculators=views,
    )


def graph_json(site: Site) -> dict[str, Any]:
    data = site.graph.to_json()
    data["areas"] = [{"id": a.slug, "title": a.title} for a in site.areas]
    return data


def previews_json(site: Site) -> dict[str, Any]:
    """Title and summary per entry for hover previews, the 404 page and quick find."""
    return {
        slug: {
            "title": entry.title,
            "summary": " ".join(entry.summary.split()),
            "kind": entry.kind,
            "url": entry.url_path,
            "names": [*entry.aliases, *entry.abbreviations],
        }
        for slug, entry in sorted(site.entries.items())
    }
