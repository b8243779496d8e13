"""One entry's pages: its page (an area's page lists its members and questions) and the
Markdown copy beside it. Each depends only on the shared indexes (`context.Site`), so
`generator.render.site` may render them in worker processes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import jinja2
from markupsafe import Markup

from generator.cite import box as cite_box
from generator.cite import record as cite
from generator.compute.site_data import WorkedExample
from generator.model import RELATION_TYPES, Entry, Example
from generator.render import revisions
from generator.render.autolink import render_markdown
from generator.render.context import Page, Site, front_matter, site_history
from generator.render.environment import KIND_PLURALS, RELATION_LABELS
from generator.render.escape import unmark_markdown
from generator.render.fragments import Fragments
from generator.render.metadata import entry_jsonld, head_html
from generator.render.paths import page_path
from generator.render.try_forms import example_try, formula_try

FACET_ORDER = ("Capital", "Calculation", "Consequence")
CENTRAL_IN_AREA = 6


def _crumbs(site: Site, entry: Entry) -> list[tuple[str, str]]:
    """(name, docs path) from home to the entry: Home > first area > entry, or Home > Areas > area."""
    crumbs = [("Home", "index.md")]
    if entry.kind == "area":
        crumbs.append(("Areas", "area/index.md"))
    else:
        area = next((a for a in entry.areas if a in site.entries), None)
        if area:
            crumbs.append((site.entries[area].title, page_path(site.entries[area])))
    crumbs.append((entry.title, page_path(entry)))
    return crumbs


def entry_page(env: jinja2.Environment, site: Site, entry: Entry, path: str) -> tuple[str, Fragments | None]:
    page = Page(site, path)
    record = site.records[entry.slug]
    crumbs = _crumbs(site, entry)
    members = site.graph.members(entry.slug) if entry.kind == "area" else ()
    jsonld = entry_jsonld(
        entry,
        record,
        site_url=site.config.base,
        crumbs=[(name, site.url(p)) for name, p in crumbs],
        members=[(site.entries[m].title, record_url) for m in members for record_url in [site.records[m].url]],
    )
    head = head_html(
        record=record,
        site_name=site.config.site_name,
        title=entry.title,
        description=entry.summary,
        url=record.url,
        jsonld=jsonld,
    )
    summary = page.md(entry.summary, self_slug=entry.slug, autolink=False)
    in_brief = page.md(entry.in_brief, self_slug=entry.slug, autolink=False) if entry.in_brief else ""
    body = page.md(entry.body, self_slug=entry.slug)
    formulas = [_formula_view(page, entry, f) for f in entry.formulas]
    worked = site.data.examples.get(entry.slug, ())
    examples = [example_view(page, entry, w) for w in worked]
    first = primary_example(entry, [w.example for w in worked])
    context = {
        "entry": entry,
        "page": page,
        "crumbs": [(name, page.url(p)) for name, p in crumbs[:-1]],
        "summary": summary,
        "in_brief": in_brief,
        "body": body,
        "areas": [a for a in entry.areas if a in site.entries],
        "tags": [(tag, page.url(f"tags/{tag}.md")) for tag in entry.tags],
        "formulas": formulas,
        "examples": examples,
        # the reading order (templates/entry.md.j2): the primary formula and its example open
        "primary_formula": formulas[0] if formulas else None,
        "primary_example": examples[first] if first is not None else None,
        "more_formulas": formulas[1:],
        "more_examples": [x for i, x in enumerate(examples) if i != first],
        "examples_anchor": "worked-examples" if len(examples) > 1 else "worked-example",
        "relations": _relations(site, entry.slug),
        "backlinks": [s for s in site.graph.backlinks(entry.slug) if s in site.entries],
        "local_graph": _local_graph(site, entry.slug),
        "sources": [_source_view(s, i) for i, s in enumerate(entry.sources, start=1)],
        "cite": cite_box.html_views(record, site.config.build_day),
        "record": record,
        "published": cite.parse_day(entry.published),
        "modified": cite.parse_day(entry.modified or entry.published),
        # the versions list and "Cite this version", beside the cite box (_entry_footer.md.j2)
        "versions_block": Markup(_version_block(site, entry, record, path)),
    }
    if entry.kind == "area":
        context.update(_area_context(site, page, entry))
        template = "area.md.j2"
    else:
        template = "entry.md.j2"
    text = env.get_template(template).render(**context)
    text, fragments = page.seal(text)
    return front_matter(entry.title, entry.summary, head, meta=entry_meta(entry)) + text, fragments


def entry_meta(entry: Entry) -> dict[str, str]:
    """What the theme reads of an entry page besides its head: the day it was last modified
    (the sitemap's lastmod) and its file in the terms folder (the "edit this page" link)."""
    return {"glossary_modified": (entry.modified or entry.published)[:10], "glossary_source": f"{entry.slug}.yaml"}


def primary_example(entry: Entry, examples: Sequence[Example]) -> int | None:
    """Which worked example the page shows open under the primary (first) formula: the first
    that uses that formula (`formula: <its id>`) or a calculator with an output named like
    the formula's result (`liquidation_price`); with no formula, the first example. None when
    no example matches: then every example waits in the folded group."""
    if not entry.formulas:
        return 0 if examples else None
    primary = entry.formulas[0]
    from generator.calc import calculators as leverage

    for index, example in enumerate(examples):
        if example.formula == primary.id:
            return index
        calculator = leverage.CALCULATORS.get(example.calculator or "")
        if calculator and any(o.name == primary.result.name for o in calculator.outputs):
            return index
    return None


def _formula_view(page: Page, entry: Entry, formula: Any) -> dict[str, Any]:
    return {
        "formula": formula,
        "try": formula_try(entry, formula),
        "anchor": f"formula-{formula.id}",
        "note": page.md(formula.note, self_slug=entry.slug, autolink=False) if formula.note else "",
    }


def example_view(page: Page, entry: Entry, worked: WorkedExample) -> dict[str, Any]:
    example = worked.example
    result = worked.result
    source = next((s for s in entry.sources if example.source and s.id == example.source), None)
    source_number = entry.sources.index(source) + 1 if source else None
    units = _input_units(entry, example)
    return {
        "example": example,
        "try": example_try(entry, example),
        "result": result,
        "inputs": [(name, value, units.get(name, "")) for name, value in example.inputs.items()],
        "checks": _checks(entry, result),
        "steps": tuple(result.steps),
        "chart": Markup(chart) if (chart := worked.chart) else None,  # drawn on first ask
        "source": source,
        "source_href": _source_href(page, entry, source_number),
        "source_number": source_number,
        "note": page.md(example.note, self_slug=entry.slug, autolink=False) if example.note else "",
    }


def _source_href(page: Page, entry: Entry, number: int | None) -> str | None:
    """The example's source in the entry's source list, from whichever page shows it."""
    if number is None:
        return None
    here = page.path == page_path(entry)
    return f"#source-{number}" if here else f"{page.url(page_path(entry))}#source-{number}"


def _input_units(entry: Entry, example: Any) -> dict[str, str]:
    """Units of an example's inputs, from its formula's variables or its calculator's params."""
    if example.formula:
        formula = next((f for f in entry.formulas if f.id == example.formula), None)
        return {v.name: v.unit for v in formula.variables} if formula else {}
    if example.calculator:
        from generator.calc import calculators as leverage

        calculator = leverage.CALCULATORS.get(example.calculator)
        return {p.name: p.unit for p in calculator.params} if calculator else {}
    return {}


def _output_units(entry: Entry, example: Any) -> dict[str, str]:
    if example.formula:
        formula = next((f for f in entry.formulas if f.id == example.formula), None)
        return {formula.result.name: formula.result.unit} if formula else {}
    if example.calculator:
        from generator.calc import calculators as leverage

        calculator = leverage.CALCULATORS.get(example.calculator)
        return {o.name: o.unit for o in calculator.outputs} if calculator else {}
    return {}


def _checks(entry: Entry, result: Any) -> list[dict[str, Any]]:
    """Stated vs computed for each expected output, in a shape the template can show."""
    units = _output_units(entry, result.example)
    return [
        {"name": c.name, "stated": c.expected, "computed": c.computed, "unit": units.get(c.name, ""), "ok": c.ok}
        for c in result.comparisons
    ]


def _relations(site: Site, slug: str) -> list[tuple[str, list[str]]]:
    relations = site.graph.relations(slug)
    return [
        (RELATION_LABELS[kind], [s for s in relations[kind] if s in site.entries])
        for kind in RELATION_TYPES
        if relations.get(kind)
    ]


def _local_graph(site: Site, slug: str) -> dict[str, Any]:
    data = site.graph.neighbourhood_json(slug, depth=1)
    data["focus"] = slug
    return data


def _source_view(source: Any, number: int) -> dict[str, Any]:
    url = source.url if source.url.lower().startswith(("https://", "http://")) else None
    return {"source": source, "number": number, "anchor": f"source-{number}", "url": url}


def _area_context(site: Site, page: Page, area: Entry) -> dict[str, Any]:
    members = [m for m in site.graph.members(area.slug) if m in site.entries]
    central = sorted(members, key=lambda s: -site.graph.centrality.get(s, 0.0))[:CENTRAL_IN_AREA]
    facets: dict[str, list[Any]] = defaultdict(list)
    for item in area.faq:
        facets[item.facet].append({"question": item.question, "answer": page.md(item.answer, self_slug=area.slug)})
    ordered = [f for f in FACET_ORDER if f in facets] + sorted(f for f in facets if f not in FACET_ORDER)
    counts: defaultdict[str, int] = defaultdict(int)
    for slug in members:
        counts[site.entries[slug].kind] += 1
    return {
        "members": site.by_title(members),
        "central": central,
        "faq": [(facet, facets[facet]) for facet in ordered],
        "member_counts": [(KIND_PLURALS[k], counts[k]) for k in ("term", "definition") if counts[k]],
        "other_areas": [a.slug for a in site.areas if a.slug != area.slug],
    }


def raw_entry(env: jinja2.Environment, site: Site, entry: Entry) -> str:
    """The Markdown copy beside the page: readable as text, links absolute, no front matter."""
    linked: set[str] = set()

    def absolute(slug: str) -> str:
        return site.records[slug].url

    def md(text: str) -> str:
        return render_markdown(
            text,
            self_slug=entry.slug,
            index=site.names,
            titles=site.titles,
            href_for=absolute,
            linked=linked,
            autolink=False,
        )

    text = env.get_template("entry.raw.md.j2").render(
        entry=entry,
        record=site.records[entry.slug],
        summary=Markup(md(entry.summary)),
        in_brief=Markup(md(entry.in_brief)) if entry.in_brief else "",
        body=Markup(md(entry.body)),
        sources=[_source_view(s, i) for i, s in enumerate(entry.sources, start=1)],
        relations=_relations(site, entry.slug),
        titles=site.titles,
        urls=site.urls,
        apa=site.records[entry.slug].format("apa", site.config.build_day),
    )
    return unmark_markdown(text)  # a file to read and reuse, not converted here


def _version_block(site: Site, entry: Entry, record: cite.CitationRecord, path: str) -> str:
    return revisions.version_block(entry, record, site_history(site), page_path=path, day=site.config.build_day)
