"""What readers expect of a Material site (issue 19, item 7), on the built shipped glossary:
"Edit this page" at the entry's YAML file, the sitemap's lastmod from `modified`, the Atom
feed and "Recent changes" linked from every page, the licence footer, the updated date under
an entry's title, the A–Z filter, one name per kind, and hover previews with the primary
formula that a first tap opens on a touch screen."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from urllib.parse import urljoin

import pytest
import yaml

from generator.cite import record as cite
from generator.model import KIND_LABELS
from tests.browser.conftest import ROOT, wait_for

pytestmark = pytest.mark.browser

ENTRY = "term/liquidation-price/"
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def _modified(slug: str) -> str:
    """An entry's `modified` day, as written in its file."""
    data = yaml.safe_load((ROOT / "terms" / f"{slug}.yaml").read_text(encoding="utf-8"))
    return str(data["modified"])[:10]


def _edit_links(page) -> list[str]:
    return page.eval_on_selector_all('.md-content a[rel="edit"]', "links => links.map(a => a.href)")


# -- edit links, sitemap, feed, footer (the served files) -----------------------------------


def test_edit_link_opens_the_entrys_yaml_file_and_hand_written_pages_their_own(page, built_site, page_log) -> None:
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    repo = re.search(r"^repo_url: (\S+)$", config, re.MULTILINE).group(1).rstrip("/")
    page.goto(built_site.url(ENTRY))
    assert _edit_links(page) == [f"{repo}/edit/main/terms/liquidation-price.yaml"]
    page.goto(built_site.url("definition/bankruptcy-price/"))
    assert _edit_links(page) == [f"{repo}/edit/main/terms/bankruptcy-price.yaml"]
    page.goto(built_site.url("about/"))
    assert _edit_links(page) == [f"{repo}/edit/main/site_src/about.md"]
    for generated in ("a-z/", "recent/", "tags/"):  # lists the build makes: nothing to edit
        page.goto(built_site.url(generated))
        assert _edit_links(page) == [], generated
    old_revisions = (p for p in (built_site.root / "rev").glob("*/*/index.html") if "md-content" in p.read_text())
    revision = next(old_revisions, None)  # not a current version's forwarding stub
    if revision is not None:
        page.goto(built_site.url(revision.parent.relative_to(built_site.root).as_posix() + "/"))
        assert _edit_links(page) == []
    # the repository link in the header is a plain link: no request to the forge's API
    assert not page_log.external_requests
    assert not page_log.problems(), page_log.problems()


def test_sitemap_lastmod_is_each_entrys_modified_day(built_site) -> None:
    urls = {
        node.findtext(f"{SITEMAP}loc"): node.findtext(f"{SITEMAP}lastmod")
        for node in ET.parse(built_site.root / "sitemap.xml").getroot()
    }
    base = "https://leverage-glossary.org/"
    entries = sorted((ROOT / "terms").glob("*.yaml"))
    checked = 0
    for path in entries:
        slug = path.stem
        found = [url for url in urls if re.fullmatch(rf"{base}(term|definition|area)/{slug}/", url)]
        assert len(found) == 1, slug
        assert urls[found[0]] == _modified(slug), slug
        checked += 1
    assert checked == len(entries) > 100
    assert not [url for url in urls if "/rev/" in url]  # old revisions stay out
    newest = max(_modified(path.stem) for path in entries)
    assert urls[base + "recent/"] == urls[base + "a-z/"] == newest


def test_feed_is_linked_from_every_page_and_is_valid_atom(page, built_site, page_log) -> None:
    for path in ("", ENTRY, "a-z/", "about/", "recent/"):
        page.goto(built_site.url(path))
        href = page.get_attribute('head link[rel="alternate"][type="application/atom+xml"]', "href")
        assert href and urljoin(page.url, href) == built_site.url("feed.xml"), path
    feed = ET.parse(built_site.root / "feed.xml").getroot()
    items = feed.findall(f"{ATOM}entry")
    assert 0 < len(items) <= 50
    updated = [item.findtext(f"{ATOM}updated") for item in items]
    assert updated == sorted(updated, reverse=True)
    for item in items:
        assert item.findtext(f"{ATOM}title") and item.findtext(f"{ATOM}summary")
        assert item.find(f"{ATOM}link").get("href").startswith("https://leverage-glossary.org/")
    assert not page_log.problems(), page_log.problems()


def test_recent_changes_page_lists_entries_newest_first_and_links_the_feed(page, built_site, page_log) -> None:
    page.goto(built_site.url(""))
    page.locator(".md-footer a", has_text="Recent changes").click()
    page.wait_for_url("**/recent/")
    days = page.eval_on_selector_all(".gl-recent time", "times => times.map(t => t.getAttribute('datetime'))")
    assert len(days) == len(list((ROOT / "terms").glob("*.yaml")))
    assert days == sorted(days, reverse=True)
    feed = page.locator("a.gl-feed-link")
    assert feed.get_attribute("type") == "application/atom+xml"
    assert urljoin(page.url, feed.get_attribute("href")) == built_site.url("feed.xml")
    assert not page_log.problems(), page_log.problems()


def test_footer_states_the_content_licence(page, built_site, page_log) -> None:
    for path in ("", ENTRY, "404.html"):
        page.goto(built_site.url(path))
        licence = page.locator('.md-footer a[rel="license"]')
        assert licence.inner_text() == cite.LICENSE_NAME
        assert licence.get_attribute("href") == cite.LICENSE_URL
        assert licence.is_visible()


# -- the entry page ------------------------------------------------------------------------------


def test_the_updated_date_sits_on_the_line_under_the_title(page, built_site, page_log) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(built_site.url(ENTRY))
    updated = page.locator(".gl-meta .gl-updated time")
    assert updated.get_attribute("datetime") == _modified("liquidation-price")
    title_top = page.eval_on_selector(".md-content h1", "el => el.getBoundingClientRect().top")
    date_top = updated.evaluate("el => el.getBoundingClientRect().top")
    brief_top = page.eval_on_selector(".gl-brief", "el => el.getBoundingClientRect().top")
    assert title_top < date_top < brief_top
    assert not page_log.problems(), page_log.problems()


# -- A–Z filter ------------------------------------------------------------------------------------


def test_a_to_z_filter_narrows_the_list_and_hides_empty_letters(page, built_site, page_log) -> None:
    page.goto(built_site.url("a-z/"))
    bar = page.locator(".gl-filter")
    bar.wait_for(state="visible")
    total = page.locator("#a-z-entries li").count()
    page.fill(".gl-filter__input", "liquidation price")
    wait_for(page, "document.querySelector('.gl-filter__count').textContent.includes(' of ')")
    shown = page.eval_on_selector_all("#a-z-entries li:not([hidden])", "items => items.map(li => li.innerText)")
    assert shown and len(shown) < total
    assert all("liquidation price" in re.sub(r"[^a-z0-9]+", " ", text.lower()) for text in shown)
    assert page.locator(".gl-filter__count").inner_text() == f"{len(shown)} of {total} shown"
    visible_letters = page.eval_on_selector_all("#a-z-entries h2:not([hidden])", "hs => hs.map(h => h.id)")
    assert "letter-l" in visible_letters and "letter-x" not in visible_letters
    assert page.locator('.gl-letters a[href="#letter-l"]').get_attribute("class") in (None, "")
    # kinds: only areas left
    page.fill(".gl-filter__input", "")
    for kind in ("term", "definition"):
        page.uncheck(f'.gl-filter__kind[value="{kind}"]')
    kinds = page.eval_on_selector_all(
        "#a-z-entries li:not([hidden]) .gl-kind", "badges => [...new Set(badges.map(b => b.className))]"
    )
    assert kinds == ["gl-kind gl-kind--area"]
    # cleared: everything back, no count
    for kind in ("term", "definition"):
        page.check(f'.gl-filter__kind[value="{kind}"]')
    assert page.locator("#a-z-entries li[hidden]").count() == 0
    assert page.locator(".gl-filter__count").inner_text() == ""
    assert not page_log.problems(), page_log.problems()


# -- one name for each kind ---------------------------------------------------------------------------


def test_each_kind_has_one_name_on_badges_previews_and_search(page, built_site, page_log) -> None:
    page.goto(built_site.url("a-z/"))
    badges = page.eval_on_selector_all(
        "#a-z-entries .gl-kind", "bs => [...new Set(bs.map(b => b.className.split('--')[1] + '=' + b.textContent))]"
    )
    assert sorted(badges) == sorted(f"{kind}={label}" for kind, label in KIND_LABELS.items())
    previews = json.loads((built_site.root / "previews.json").read_text())
    assert {item["kind_label"] for item in previews.values()} == set(KIND_LABELS.values())
    assert all(item["kind_label"] == KIND_LABELS[item["kind"]] for item in previews.values())
    index = json.loads((built_site.root / "search" / "glossary-index.json").read_text())
    labels = dict(zip(index["kinds"], index["kind_labels"], strict=True))
    assert {kind: labels[kind] for kind in KIND_LABELS} == KIND_LABELS
    assert not page_log.problems(), page_log.problems()


# -- previews -----------------------------------------------------------------------------------------


def test_hover_preview_shows_the_primary_formula(page, built_site, page_log) -> None:
    previews = json.loads((built_site.root / "previews.json").read_text())
    page.goto(built_site.url("a-z/"))
    link = page.locator('#a-z-entries li > a[href$="term/liquidation-price/"]').first
    link.scroll_into_view_if_needed()
    link.hover()
    preview = page.locator(".gl-preview")
    preview.wait_for(state="visible")
    assert preview.locator(".gl-preview__kind").inner_text().lower() == "article"
    formula = previews["liquidation-price"]["formula"]
    assert preview.locator(".gl-preview__formula-title").inner_text() == formula["title"]
    assert preview.locator("code.gl-preview__latex").inner_text() == formula["latex"]
    assert preview.locator(".gl-preview__hint").count() == 0  # a mouse needs no second tap
    assert not page_log.problems(), page_log.problems()


@pytest.fixture
def phone(browser, built_site, page_log):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True, service_workers="block"
    )
    page = context.new_page()
    page.on("pageerror", lambda error: page_log.page_errors.append(str(error)))
    page.on("console", lambda m: page_log.console_errors.append(m.text) if m.type == "error" else None)
    page.set_default_timeout(15_000)
    try:
        yield page
    finally:
        context.close()


def test_first_tap_opens_the_preview_and_the_second_follows_the_link(phone, built_site, page_log) -> None:
    page = phone
    page.goto(built_site.url(ENTRY), wait_until="networkidle")  # previews.json is fetched at once on touch screens
    link = page.locator('.md-content a[href$="/maintenance-margin/"]').first
    link.scroll_into_view_if_needed()
    link.tap()
    preview = page.locator(".gl-preview")
    preview.wait_for(state="visible")
    assert page.url == built_site.url(ENTRY)  # the first tap stays on the page
    assert preview.locator(".gl-preview__title").inner_text() == "Maintenance Margin"
    assert preview.locator(".gl-preview__hint").is_visible()
    link.tap()
    page.wait_for_url("**/maintenance-margin/")
    assert not page_log.problems(), page_log.problems()


# -- accessibility of what this adds ---------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_recent_changes_filtered_a_to_z_and_preview_have_no_serious_axe_violation(browser, built_site, scheme) -> None:
    from tests.browser.site_pages import DESKTOP, describe, run_axe, settle

    context = browser.new_context(viewport=DESKTOP, color_scheme=scheme, service_workers="block")
    context.route("**/*", lambda route: route.continue_() if "127.0.0.1" in route.request.url else route.abort())
    found = {}
    try:
        page = context.new_page()
        page.goto(built_site.url("recent/"))
        settle(page)
        found["recent"] = run_axe(page)
        page.goto(built_site.url("a-z/"))
        settle(page)
        page.fill(".gl-filter__input", "margin")
        page.uncheck('.gl-filter__kind[value="area"]')
        link = page.locator('#a-z-entries li:not([hidden]) > a[href$="term/liquidation-price/"]').first
        link.scroll_into_view_if_needed()
        page.wait_for_timeout(300)  # scrolled: a scroll event closes previews
        link.dispatch_event("mouseover")  # the preview, without the theme's :hover colour on the link
        page.locator(".gl-preview").wait_for(state="visible")
        found["a-z, filtered, a preview open"] = run_axe(page)
    finally:
        context.close()
    problems = {name: describe(violations) for name, violations in found.items() if violations}
    assert not problems, problems
