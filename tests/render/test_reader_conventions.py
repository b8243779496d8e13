"""What readers expect of a Material site (issue 19, item 7), without a browser: the edit
link's settings, each page's date for the sitemap, the Atom feed and "Recent changes", the
footer's licence, the updated date under an entry's title, the A–Z filter bar, one name
for each kind, and the primary formula in hover previews."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest
import yaml

from generator import site_paths
from generator.cite import record as cite
from generator.model import KIND_LABELS, KIND_PLURALS, KINDS
from generator.render import changes
from generator.render.context import Site
from generator.render.environment import kind_badge
from generator.render.site import render_site
from generator.search.rank import KIND_LABELS as SEARCH_KIND_LABELS
from tests.render.test_render import CONFIG, RATIO, entry, fixture_entries, front_matter, render, site_data

ROOT = Path(__file__).resolve().parents[2]
ATOM = "{http://www.w3.org/2005/Atom}"


class _Loader(yaml.SafeLoader):
    """mkdocs.yml as data: its `!ENV [NAME, default]` tags read as the default."""


_Loader.add_constructor("!ENV", lambda loader, node: loader.construct_sequence(node)[-1])


def _mkdocs() -> dict[str, object]:
    return yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506 - a SafeLoader


@pytest.fixture(scope="module")
def site():
    return render(fixture_entries())


def _dated() -> dict[str, object]:
    """Entries changed on different days (one with a time and offset), for ordering."""
    return {
        **fixture_entries(),
        "margin": entry("margin", "Margin", relations={"related": ("liquidation",)}, modified="2026-12-01"),
        "margin-call": entry(
            "margin-call",
            "Margin Call",
            relations={"broader": ("margin",)},
            published="2026-12-01T08:00:00+02:00",
            modified="2026-12-01T08:00:00+02:00",
        ),
        "new-one": entry("new-one", "A <b>New</b> & Odd One", published="2026-10-02", modified="2026-10-02"),
    }


# -- settings ------------------------------------------------------------------------------


def test_mkdocs_names_the_repository_and_where_entries_are_edited() -> None:
    config = _mkdocs()
    assert str(config["repo_url"]).startswith("https://")
    assert config["edit_uri"] == "edit/main/site_src/"  # hand-written pages: their file in docs_dir
    extra = config["extra"]
    assert isinstance(extra, dict)
    assert extra["entry_edit_uri"] == "edit/main/terms/"  # entries: their YAML file, not generated Markdown
    assert "content.action.edit" in config["theme"]["features"]  # type: ignore[index]


def test_the_footers_licence_is_the_one_exports_and_citations_state() -> None:
    licence = _mkdocs()["extra"]["licence"]  # type: ignore[index]
    assert licence == {"name": cite.LICENSE_NAME, "url": cite.LICENSE_URL}
    footer = (ROOT / "templates/overrides/partials/footer.html").read_text(encoding="utf-8")
    assert 'rel="license"' in footer and "config.extra.licence" in footer
    assert "'recent/' | url" in footer and "'feed.xml' | url" in footer


def test_feed_and_recent_changes_are_reserved_addresses() -> None:
    assert {"recent", "feed"} <= site_paths.RESERVED
    assert site_paths.RECENT == "recent.md" and site_paths.FEED == "feed.xml"


def test_head_links_the_feed_and_the_sitemap_reads_each_pages_date() -> None:
    main = (ROOT / "templates/overrides/main.html").read_text(encoding="utf-8")
    assert 'rel="alternate" type="application/atom+xml"' in main and "'feed.xml' | url" in main
    sitemap = (ROOT / "templates/overrides/sitemap.xml").read_text(encoding="utf-8")
    assert "glossary_modified" in sitemap and "startswith('rev/')" in sitemap


# -- each page's date and source -------------------------------------------------------------


def test_entry_pages_carry_their_modified_day_and_their_file(site) -> None:
    for slug, e in fixture_entries().items():
        path = e.url_path.rstrip("/") + ".md"
        meta = front_matter(site.pages[path])
        assert meta["glossary_modified"] == e.modified[:10], slug
        assert meta["glossary_source"] == f"{slug}.yaml", slug


def test_list_pages_are_dated_by_their_newest_entry() -> None:
    rendered = render(_dated())
    newest = "2026-12-01"
    for path in ("index.md", "a-z.md", "area/index.md", "tags/index.md", "graph.md", "recent.md"):
        assert front_matter(rendered.pages[path])["glossary_modified"] >= "2026-11-20", path
    assert front_matter(rendered.pages["a-z.md"])["glossary_modified"] == newest
    assert front_matter(rendered.pages["recent.md"])["glossary_modified"] == newest
    # a tag's page: the newest of its own entries (liquidation, 2026-11-20; margin has no tag now)
    assert front_matter(rendered.pages["tags/margin.md"])["glossary_modified"] == "2026-11-20"
    # the calculators are code: the build's day
    assert front_matter(rendered.pages["calculators.md"])["glossary_modified"] == "2026-11-24"


def test_entry_page_shows_the_updated_day_on_its_meta_line(site) -> None:
    page = site.source("term/liquidation.md")
    meta_line = next(line for line in page.splitlines() if line.startswith("<p>") and "Cite this entry" in line)
    assert '<span class="gl-updated">Updated <time datetime="2026-11-20">20 November 2026</time></span>' in meta_line
    # under the title, before In brief and the body
    assert page.index("# Liquidation") < page.index("gl-updated") < page.index("## How it works")


# -- feed and Recent changes ----------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2026-11-20", "2026-11-20T00:00:00Z"),
        ("2026-03-14T05:16:17+00:00", "2026-03-14T05:16:17Z"),
        ("2026-03-14T05:16:17+02:00", "2026-03-14T05:16:17+02:00"),
    ],
)
def test_rfc3339(value: str, expected: str) -> None:
    assert changes.rfc3339(value) == expected


def test_feed_is_atom_newest_first_with_title_summary_link_and_updated() -> None:
    rendered = render(_dated())
    feed = ET.fromstring(rendered.files[site_paths.FEED])
    assert feed.tag == f"{ATOM}feed"
    items = feed.findall(f"{ATOM}entry")
    titles = [item.findtext(f"{ATOM}title") for item in items]
    # 2026-12-01T08:00+02:00 (06:00 UTC) is after 2026-12-01 (midnight UTC); then 11-20 by title; 10-02 last
    assert titles == ["Margin Call", "Margin", "Liquidation", "Margin Area", "A <b>New</b> & Odd One"]
    stamps = [datetime.fromisoformat(item.findtext(f"{ATOM}updated").replace("Z", "+00:00")) for item in items]
    assert stamps == sorted(stamps, reverse=True)
    assert feed.findtext(f"{ATOM}updated") == items[0].findtext(f"{ATOM}updated") == "2026-12-01T08:00:00+02:00"
    for item in items:
        link = item.find(f"{ATOM}link")
        assert link is not None and link.get("rel") == "alternate"
        assert re.fullmatch(r"https://glossary\.test/(term|definition|area)/[a-z0-9-]+/", link.get("href", ""))
        assert item.findtext(f"{ATOM}id", "").startswith("https://glossary.test/rev/")  # one item per version
        assert item.findtext(f"{ATOM}summary", "").endswith("is a fixture entry used in tests.")
        category = item.find(f"{ATOM}category")
        assert category is not None and category.get("label") == KIND_LABELS[category.get("term", "")]
    links = {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}
    assert links == {"self": "https://glossary.test/feed.xml", "alternate": "https://glossary.test/recent/"}
    assert cite.LICENSE_NAME in feed.findtext(f"{ATOM}rights", "")


def test_feed_holds_the_newest_entries_only_and_plain_summaries(site) -> None:
    entries = {
        f"entry-{n:02d}": entry(f"entry-{n:02d}", f"Entry {n:02d}", modified=f"2026-11-{n:02d}", areas=())
        for n in range(1, 21)
    }
    entries["linked"] = entry("linked", "Linked", summary="Uses [[entry-01]] and [[entry-02|the second]] with *care*.")
    data = site_data(entries)
    feed = ET.fromstring(changes.atom_feed(Site(data), size=5))
    items = feed.findall(f"{ATOM}entry")
    assert [item.findtext(f"{ATOM}title") for item in items] == [
        "Entry 20",
        "Linked",
        "Entry 19",
        "Entry 18",
        "Entry 17",
    ]
    assert items[1].findtext(f"{ATOM}summary") == "Uses Entry 01 and the second with care."


def test_feed_does_not_change_with_the_build_day(site) -> None:
    entries = fixture_entries()
    later = replace(CONFIG, build_day=CONFIG.build_day.replace(year=2027))
    again = render_site(site_data(entries, later))
    assert again.files[site_paths.FEED] == site.files[site_paths.FEED]


def test_recent_changes_lists_every_entry_by_month_and_links_the_feed() -> None:
    rendered = render(_dated())
    page = rendered.source("recent.md")
    assert "# Recent changes" in page
    assert '<a href="../feed.xml" type="application/atom+xml"' in page
    headings = re.findall(r"^## (.+?) \{ #(month-\d{4}-\d\d) \}$", page, re.MULTILINE)
    assert headings == [
        ("December 2026", "month-2026-12"),
        ("November 2026", "month-2026-11"),
        ("October 2026", "month-2026-10"),
    ]
    order = re.findall(r'<time datetime="([\d-]+)">[^<]+</time> <a href="[^"]+">([^<]+)</a>', page)
    assert [title for _, title in order] == [
        "Margin Call",
        "Margin",
        "Liquidation",
        "Margin Area",
        "A &lt;b&gt;New&lt;/b&gt; &amp; Odd One",
    ]
    assert [day for day, _ in order] == sorted((day for day, _ in order), reverse=True)
    assert page.count('class="gl-recent__added"') == 2  # published the day it was last modified
    assert "<b>New</b>" not in page  # a title is text


# -- one name for each kind ---------------------------------------------------------------------


def test_one_set_of_kind_labels_everywhere(site) -> None:
    assert set(KIND_LABELS) == set(KINDS) == set(KIND_PLURALS)
    assert {k: v for k, v in SEARCH_KIND_LABELS.items() if k in KINDS} == KIND_LABELS  # the search index's labels
    for kind, label in KIND_LABELS.items():
        assert f">{label}</span>" in kind_badge(kind)
    previews = json.loads(site.files[site_paths.PREVIEWS_JSON])
    for slug, e in fixture_entries().items():
        assert previews[slug]["kind_label"] == KIND_LABELS[e.kind]
    area = site.source("a-z.md")
    for kind in KINDS:
        assert f"> {KIND_PLURALS[kind]}</label>" in area  # the A–Z filter's kind boxes
    js = (ROOT / "site_src/assets/javascripts/glossary.js").read_text(encoding="utf-8")
    assert '"Article"' not in js and "kind_label" in js  # previews take the label from previews.json


# -- previews --------------------------------------------------------------------------------


def test_previews_carry_the_primary_formula(site) -> None:
    previews = json.loads(site.files[site_paths.PREVIEWS_JSON])
    assert previews["liquidation"]["formula"] == {"title": RATIO.title, "latex": RATIO.latex}
    assert "formula" not in previews["margin"]  # no formula, no key
    assert previews["liquidation"]["summary"] == "Liquidation is a fixture entry used in tests."


# -- A–Z filter ----------------------------------------------------------------------------------


def test_a_to_z_has_the_area_pages_filter_over_every_letter(site) -> None:
    page = site.source("a-z.md")
    assert '<div class="gl-filter" data-target="a-z-entries" hidden>' in page
    assert 'class="gl-filter__input"' in page and 'class="gl-filter__count" role="status"' in page
    start = page.index('<div class="gl-az-entries" id="a-z-entries">')
    assert start < page.index("## C { #letter-c }") < page.index("## M { #letter-m }") < page.rindex("</div>")
    assert page.count('<div class="gl-az gl-filter__group">') == 3  # C, L, M
    # other names carry their entry's kind, so the kind boxes filter them too
    assert '<li class="gl-az__see gl-kind-of--definition">MC → see' in page


def test_the_export_schema_names_the_kinds_as_the_site_does() -> None:
    schema = json.loads((ROOT / "schema" / "export.schema.json").read_text(encoding="utf-8"))
    found = [
        node
        for node in _walk(schema)
        if isinstance(node, dict) and node.get("enum") == ["definition", "term", "area"] and "description" in node
    ]
    assert found and all(label in found[0]["description"] for label in KIND_LABELS.values())


def _walk(node: object) -> list[object]:
    nodes = [node]
    children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
    for child in children:
        nodes += _walk(child)
    return nodes
