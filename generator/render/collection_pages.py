"""The pages that list entries: home, areas, A-Z, tags, graph and calculators, and the
JSON the browser reads for the graph and for hover previews."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import jinja2
from markupsafe import Markup

from generator.model import KIND_LABELS, Entry
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


def _listing(
    env: jinja2.Environment,
    site: Site,
    path: str,
    template: str,
    title: str,
    description: str,
    hide: tuple[str, ...] = (),
    listed: Iterable[str] | None = None,
    **context: Any,
) -> tuple[str, Fragments | None]:
    """A page of the site's own (no entry behind it): its front matter and plain head, then the template.

    `listed`: the entries the page shows (all of them when None); the page's sitemap date
    is the newest of their modified dates.
    """
    meta = {"glossary_modified": newest_modified(site, listed)}
    front = front_matter(title, description, plain_head(site, path, title, description, None), hide=hide, meta=meta)
    return _render(env, template, front, page=Page(site, path), site=site, **context)


def newest_modified(site: Site, slugs: Iterable[str] | None = None) -> str:
    """The newest modified day (`YYYY-MM-DD`) of some entries (all when None): a list page's lastmod."""
    entries = site.entries.values() if slugs is None else [site.entries[s] for s in slugs if s in site.entries]
    return max(((e.modified or e.published)[:10] for e in entries), default=site.config.build_day.isoformat())


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
            meta={"glossary_modified": newest_modified(site)},
        ),
        page=page,
        site=site,
        central=ranked,
        areas=[a.slug for a in site.areas],
        counts=counts,
        calculators=len(site.data.calculators),
    )


def areas_page(env: jinja2.Environment, site: Site) -> tuple[str, Fragments | None]:
    description = "The areas of the Leverage Glossary, each with its scope, questions and member entries."
    areas = [a.slug for a in site.areas]
    return _listing(env, site, "area/index.md", "areas.md.j2", "Areas", description, listed=areas, areas=areas)


def a_to_z_page(env: jinja2.Environment, site: Site) -> tuple[str, Fragments | None]:
    items: list[dict[str, Any]] = []
    for slug, entry in site.entries.items():
        items.append(
            {"sort": entry.title.casefold(), "name": entry.title, "slug": slug, "see": None, "kind": entry.kind}
        )
        for name in (*entry.aliases, *entry.abbreviations):
            items.append({"sort": name.casefold(), "name": name, "slug": slug, "see": entry.title, "kind": entry.kind})
    items.sort(key=lambda item: (item["sort"], item["see"] is not None))
    letters: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for item in items:
        first = item["sort"][:1].upper()
        letters[first if first.isalpha() else "0–9"].append(item)
    description = "Every entry of the Leverage Glossary from A to Z, with other names pointing to the entry."
    return _listing(env, site, "a-z.md", "a-z.md.j2", "A–Z", description, letters=sorted(letters.items()))


def tags_page(env: jinja2.Environment, site: Site) -> tuple[str, Fragments | None]:
    description = "Entries of the Leverage Glossary by tag."
    listed = {slug for slugs in site.tags.values() for slug in slugs}
    return _listing(env, site, "tags/index.md", "tags.md.j2", "Tags", description, listed=listed, tags=site.tags)


def tag_page(env: jinja2.Environment, site: Site, tag: str) -> tuple[str, Fragments | None]:
    description = f"Entries of the Leverage Glossary tagged {tag}."
    slugs = site.tags[tag]
    return _listing(
        env, site, f"tags/{tag}.md", "tag.md.j2", f"Tag: {tag}", description, listed=slugs, tag=tag, slugs=slugs
    )


def graph_page(env: jinja2.Environment, site: Site) -> tuple[str, Fragments | None]:
    description = "The cross-reference graph of the Leverage Glossary: every entry and how it relates to the others."
    return _listing(
        env,
        site,
        "graph.md",
        "graph.md.j2",
        "Graph",
        description,
        hide=("navigation", "toc"),
        areas=[a.slug for a in site.areas],
    )


def calculators_page(env: jinja2.Environment, site: Site) -> tuple[str, Fragments | None]:
    path = "calculators.md"
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
                "chart": Markup(chart) if (chart := doc.chart) else None,
                "used_by": [s for s in doc.used_by if s in site.entries],
            }
        )
    description = "Every leverage calculator of the glossary: inputs, outputs, units, formulas and a worked example."
    # the calculators are code, not entries: the page's date is the build's (listed=())
    return _listing(env, site, path, "calculators.md.j2", "Calculators", description, listed=(), calculators=views)


def graph_json(site: Site) -> dict[str, Any]:
    """Every entry as a node (with its PageRank, `centrality`, which orders the graph's
    labels) and every drawn link, for /graph/."""
    data = site.graph.to_json()
    data["areas"] = [{"id": a.slug, "title": a.title} for a in site.areas]
    return data


def previews_json(site: Site) -> dict[str, Any]:
    """Title, kind, summary and primary formula per entry for hover previews, the 404 page
    and quick find. The formula is its title and LaTeX source, shown as text."""
    return {slug: _preview(entry) for slug, entry in sorted(site.entries.items())}


def _preview(entry: Entry) -> dict[str, Any]:
    item: dict[str, Any] = {
        "title": entry.title,
        "summary": " ".join(entry.summary.split()),
        "kind": entry.kind,
        "kind_label": KIND_LABELS[entry.kind],
        "url": entry.url_path,
        "names": [*entry.aliases, *entry.abbreviations],
    }
    if entry.formulas:
        primary = entry.formulas[0]
        item["formula"] = {"title": primary.title, "latex": " ".join(primary.latex.split())}
    return item
