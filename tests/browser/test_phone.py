"""Phones: no page scrolls sideways at 360 or 390 px, entry pages offer their table of
contents (Material hides its sidebar below 60em), and the site's own controls are at
least 44 px square to tap."""

from __future__ import annotations

import re

import pytest

from tests.browser.site_pages import DESKTOP, PHONES, settle, template_pages

pytestmark = pytest.mark.browser


def phone_context(browser, width: str):
    return browser.new_context(viewport=PHONES[width], is_mobile=True, has_touch=True, service_workers="block")


@pytest.mark.parametrize("width", sorted(PHONES))
def test_no_page_is_wider_than_the_phone(browser, built_site, width: str) -> None:
    context = phone_context(browser, width)
    wide = {}
    try:
        page = context.new_page()
        for name, path in template_pages(built_site.root).items():
            page.goto(built_site.url(path))
            settle(page)
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            if scroll_width > PHONES[width]["width"]:
                culprits = page.evaluate(
                    """(w) => [...document.querySelectorAll('.md-content *')]
                        .filter((e) => e.getBoundingClientRect().right > w + 1)
                        .filter((e) => !e.parentElement.closest('[data-gl-scroll], .md-typeset__scrollwrap'))
                        .slice(0, 5).map((e) => e.tagName.toLowerCase() + '.' + [...e.classList].join('.'))""",
                    PHONES[width]["width"],
                )
                wide[name] = (scroll_width, culprits)
    finally:
        context.close()
    assert not wide, f"pages wider than {width} px: {wide}"


ENTRY_PAGES = ["term/liquidation-price/", "definition/margin-call/", "area/margin-and-liquidation/"]


@pytest.mark.parametrize("path", ENTRY_PAGES)
def test_entry_pages_offer_their_contents_on_phones(browser, built_site, path: str) -> None:
    context = phone_context(browser, "390")
    try:
        page = context.new_page()
        page.goto(built_site.url(path))
        settle(page)
        toc = page.locator("details.gl-toc-phone")
        assert toc.is_visible()
        assert toc.bounding_box()["y"] < PHONES["390"]["height"], "the contents are not on the first screen"
        links = toc.locator("a")
        sidebar = page.locator(
            '.md-sidebar--secondary [data-md-component="toc"] > .md-nav__item > .md-nav__link'
        )  # its top level
        assert links.count() == sidebar.count() >= 3
        toc.locator("summary").click()
        last = links.nth(links.count() - 1)
        target = last.get_attribute("href")
        assert target and target.startswith("#")
        last.click()
        page.wait_for_url(re.compile(re.escape(target) + "$"))
        heading = page.locator(f"[id='{target[1:]}']")
        box = heading.bounding_box()
        assert box is not None and 0 <= box["y"] < PHONES["390"]["height"] / 2
    finally:
        context.close()


def test_desktop_keeps_the_sidebar_contents_only(page, built_site) -> None:
    page.set_viewport_size(DESKTOP)
    page.goto(built_site.url(ENTRY_PAGES[0]))
    assert page.locator(".md-sidebar--secondary .md-nav__link").first.is_visible()
    assert page.locator("details.gl-toc-phone").is_hidden()


# The site's own controls, as a finger meets them: buttons, fields, folds, the labels of
# check boxes and tabs, the A-Z letters, the graph's list of entries. Material's own small
# widgets (the code block's copy button, the tab strip's scroll arrows, back-to-top) are left
# out; a visually hidden label names a field that is measured itself.
SMALL_TARGETS = """(min) => {
    const controls = 'button, input, select, textarea, summary, label, .gl-letters a, .gl-toc-phone a, .gl-graph-list a, .md-header__button';
    const skip = '.md-code__button, .tabbed-button, .md-top, .gl-visually-hidden, .md-search *, .md-sidebar *';
    const small = [];
    for (const e of document.querySelectorAll(controls)) {
        if (e.matches(skip)) continue;
        if (e.matches('input[type=checkbox], input[type=radio]')) continue;  // the label is the target
        // a label is the target of a check box or a radio (tabs); other labels name a field measured itself
        if (e.matches('label') && !(e.control && e.control.matches('input[type=checkbox], input[type=radio]'))) continue;
        const box = e.getBoundingClientRect();
        if (!box.width || !box.height || getComputedStyle(e).visibility === 'hidden') continue;
        if (box.width < min - 0.5 || box.height < min - 0.5) {
            small.push(`${e.tagName.toLowerCase()}.${[...e.classList].join('.')} "${(e.textContent || e.value || '').trim().slice(0, 24)}" ${Math.round(box.width)}x${Math.round(box.height)}`);
        }
    }
    return small;
}"""

TAP_PAGES = [
    "",
    "area/margin-and-liquidation/",
    "term/liquidation-price/",
    "definition/margin-call/",
    "a-z/",
    "calculators/",
    "graph/",
]


def test_tap_targets_are_at_least_44_px(browser, built_site) -> None:
    context = phone_context(browser, "390")
    small = {}
    try:
        page = context.new_page()
        for path in TAP_PAGES:
            page.goto(built_site.url(path))
            settle(page)
            page.evaluate("document.querySelectorAll('details.gl-toc-phone').forEach((d) => { d.open = true; })")
            found = page.evaluate(SMALL_TARGETS, 44)
            if found:
                small[path or "home"] = sorted(set(found))[:8]
    finally:
        context.close()
    assert not small, f"controls smaller than 44 px: {small}"
