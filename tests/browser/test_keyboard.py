"""The site with the keyboard alone: Tab never lands on something hidden (a closed drawer,
a closed search panel), the header search closes and stops dimming the page once focus
leaves it, and on phones the menu button opens and closes the navigation drawer."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser.conftest import wait_for
from tests.browser.site_pages import DESKTOP, PHONES, settle

pytestmark = pytest.mark.browser

ENTRY = "term/liquidation-price/"
SEARCH_ROOT = '[data-md-component="glossary-search"]'

# Where focus is, and whether a reader could see it there.
FOCUS = """() => {
    const e = document.activeElement;
    const drawerOpen = document.getElementById('__drawer').checked;
    const searchOpen = document.getElementById('__search').checked;
    let shown = e.getClientRects().length > 0;
    for (let n = e; n && n !== document.body && shown; n = n.parentElement) {
        const style = getComputedStyle(n);
        if (style.visibility === 'hidden' || style.display === 'none') shown = false;
    }
    // a visually hidden radio (Material's colour scheme toggle) shows focus on its label
    if (!shown && e.matches('input[type=radio], input[type=checkbox]') && e.id) {
        const label = document.querySelector(`label[for="${e.id}"]`);
        shown = Boolean(label && label.getClientRects().length && getComputedStyle(label).visibility !== 'hidden');
    }
    return {
        tag: e.tagName.toLowerCase(),
        text: (e.getAttribute('aria-label') || e.textContent || e.value || '').trim().slice(0, 40),
        inDrawer: Boolean(e.closest('.md-sidebar--primary')),
        inSearch: Boolean(e.closest('[data-md-component="glossary-search"]')),
        inContent: Boolean(e.closest('.md-content')),
        inToc: Boolean(e.closest('.md-sidebar--secondary')),
        drawerOpen, searchOpen, shown,
    };
}"""


def overlay_dims(page) -> bool:
    """Whether the search overlay covers and dims the page."""
    return page.evaluate(
        """() => {
            const o = document.querySelector('.md-search__overlay');
            const style = getComputedStyle(o), box = o.getBoundingClientRect();
            return parseFloat(style.opacity) > 0.01 && box.width > 0 && box.height > 0;
        }"""
    )


@pytest.fixture(params=["desktop", "phone"])
def keyboard_page(request, browser, built_site) -> Iterator[object]:
    options: dict[str, object] = {"viewport": DESKTOP}
    if request.param == "phone":
        options = {"viewport": PHONES["390"], "is_mobile": True, "has_touch": True}
    context = browser.new_context(service_workers="block", **options)
    context.route("**/*", lambda route: route.continue_() if "127.0.0.1" in route.request.url else route.abort())
    page = context.new_page()
    page.goto(built_site.url(ENTRY))
    settle(page)
    try:
        yield page
    finally:
        context.close()


def tab(page, key: str = "Tab") -> dict[str, object]:
    page.keyboard.press(key)
    page.wait_for_timeout(40)  # search-ui.js closes on the task after focusout
    return page.evaluate(FOCUS)


def test_tab_walk_lands_only_on_what_is_shown(keyboard_page) -> None:
    """80 Tab presses from the top of an entry: every stop is visible, none is in the closed
    drawer, the search panel is open exactly while focus is in it, and the content is
    reached within a few stops of the header (and the desktop's table of contents)."""
    page = keyboard_page
    stops = [tab(page) for _ in range(80)]
    hidden = [s for s in stops if not s["shown"]]
    assert not hidden, f"focus went where nothing is shown: {hidden}"
    in_closed_drawer = [s for s in stops if s["inDrawer"] and not s["drawerOpen"]]
    assert not in_closed_drawer, f"tab stops in the closed menu: {in_closed_drawer}"
    assert all(s["searchOpen"] == s["inSearch"] for s in stops), [
        (s["text"], s["inSearch"], s["searchOpen"]) for s in stops if s["searchOpen"] != s["inSearch"]
    ]
    first_content = next(i for i, s in enumerate(stops) if s["inContent"])
    before = [s["text"] for s in stops[:first_content] if not s["inToc"]]  # the desktop's contents come first
    assert len(before) <= 15, f"{len(before)} tab stops before the content: {before}"


def test_search_closes_and_stops_dimming_when_focus_leaves_it(keyboard_page) -> None:
    page = keyboard_page
    for _ in range(12):
        if tab(page)["inSearch"]:
            break
    else:
        raise AssertionError("Tab never reached the header search")
    assert page.evaluate("document.getElementById('__search').checked")
    page.keyboard.type("margin")
    wait_for(page, f"document.querySelector('{SEARCH_ROOT}').dataset.glState === 'results'")
    page.wait_for_timeout(300)
    assert overlay_dims(page)
    for _ in range(6):  # the results are moved through with the arrows; Tab leaves the panel
        if not tab(page)["inSearch"]:
            break
    else:
        raise AssertionError("Tab never left the search panel")
    assert not page.evaluate("document.getElementById('__search').checked")
    page.wait_for_timeout(400)  # the overlay fades out
    assert not overlay_dims(page)
    # and Shift+Tab back into the box opens it again, with the results still there
    for _ in range(6):
        if tab(page, "Shift+Tab")["inSearch"]:
            break
    assert page.evaluate("document.getElementById('__search').checked")
    assert page.locator("#gl-search-results a").count() >= 3


def test_phone_menu_opens_and_closes_with_the_keyboard(browser, built_site) -> None:
    context = browser.new_context(viewport=PHONES["390"], is_mobile=True, has_touch=True, service_workers="block")
    try:
        page = context.new_page()
        page.goto(built_site.url(ENTRY))
        settle(page)
        button = page.locator('label.md-header__button[for="__drawer"]')
        for _ in range(6):
            tab(page)
            if page.evaluate("document.activeElement.matches('label[for=\"__drawer\"]')"):
                break
        else:
            raise AssertionError("Tab never reached the menu button")
        assert button.get_attribute("aria-expanded") == "false"
        page.keyboard.press("Enter")
        page.wait_for_timeout(350)  # the drawer slides in
        assert page.evaluate("document.getElementById('__drawer').checked")
        assert button.get_attribute("aria-expanded") == "true"
        stops = [page.evaluate(FOCUS)] + [tab(page) for _ in range(5)]
        assert all(s["inDrawer"] and s["shown"] for s in stops), stops
        page.keyboard.press("Escape")
        page.wait_for_timeout(350)  # the drawer slides out, then leaves the tab order
        assert not page.evaluate("document.getElementById('__drawer').checked")
        assert page.evaluate("document.activeElement.matches('label[for=\"__drawer\"]')")
        assert button.get_attribute("aria-expanded") == "false"
        assert not any(tab(page)["inDrawer"] for _ in range(10))
    finally:
        context.close()
