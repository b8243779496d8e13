"""An entry page's reading order in a real browser: "In brief" and the body's first section
within two desktop screens, the further formulas and examples folded in groups that open by
keyboard, and a link to a folded formula opening it (under the site's strict CSP)."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import ROOT, wait_for

pytestmark = pytest.mark.browser

ENTRY = "term/liquidation-price/"
TWO_SCREENS = 1600  # px: two 800 px desktop screens


def _first_body_heading() -> str:
    """The first `##` heading of Liquidation Price's body, as written in its file."""
    text = (ROOT / "terms" / "liquidation-price.yaml").read_text(encoding="utf-8")
    body = text.split("\nbody: |", 1)[1]
    found = re.search(r"^\s+## (.+?)\s*$", body, re.MULTILINE)
    assert found, "the body has no ## heading"
    return found.group(1)


def _top(page, selector: str) -> float:
    return page.eval_on_selector(selector, "el => el.getBoundingClientRect().top + window.scrollY")


@pytest.fixture
def desktop(browser, built_site, page_log):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, service_workers="block")
    page = context.new_page()
    page.on("pageerror", lambda error: page_log.page_errors.append(str(error)))
    page.on("console", lambda m: page_log.console_errors.append(m.text) if m.type == "error" else None)
    try:
        yield page
    finally:
        context.close()


def test_in_brief_and_the_body_start_within_two_screens(desktop, built_site, page_log) -> None:
    page = desktop
    page.goto(built_site.url(ENTRY), wait_until="load")
    wait_for(page, "document.querySelector('.gl-formula .katex')")  # math drawn: final heights
    heading = _first_body_heading()
    body_h2 = page.locator(".md-content h2", has_text=re.compile(rf"^{re.escape(heading)}")).first
    brief = page.locator(".gl-brief")
    assert "In brief" in brief.text_content() and len(brief.inner_text().split()) > 25
    brief_top = _top(page, ".gl-brief")
    body_top = body_h2.evaluate("el => el.getBoundingClientRect().top + window.scrollY")
    assert brief_top < TWO_SCREENS, brief_top
    assert body_top < TWO_SCREENS, f"'{heading}' starts at {body_top:.0f} px"
    # summary, In brief, the primary formula (open) and its example, then the body
    summary_top = _top(page, ".gl-summary")
    formula_top = _top(page, "details.gl-formula[open]")
    example_top = _top(page, "details.gl-worked")
    assert summary_top < brief_top < formula_top < example_top < body_top
    assert page.locator("details.gl-formula[open]").count() == 1
    primary = page.locator("details.gl-worked").first
    assert "45226.13" in primary.locator(":scope > summary").inner_text()  # its stated result, even folded
    assert not page_log.problems(), page_log.problems()


def test_folded_groups_open_by_keyboard(desktop, built_site, page_log) -> None:
    page = desktop
    page.goto(built_site.url(ENTRY), wait_until="load")
    for group, key in (("details.gl-more--formulas", "Enter"), ("details.gl-more--examples", " ")):
        summary = page.locator(f"{group} > summary")
        text = summary.inner_text()
        count = int(re.search(r"\((\d+)\)", text).group(1))
        assert count == page.locator(f"{group} > details").count() >= 1
        assert not page.eval_on_selector(group, "el => el.open")
        assert not page.locator(f"{group} > details > summary").first.is_visible()
        summary.focus()
        page.keyboard.press(key)
        wait_for(page, f"document.querySelector('{group}').open")
        inner = page.locator(f"{group} > details > summary")
        assert all(item.is_visible() and item.inner_text().strip() for item in inner.all())  # one line each
        inner.first.focus()
        page.keyboard.press("Enter")
        wait_for(page, f"document.querySelector('{group} > details').open")
    assert not page_log.problems(), page_log.problems()


def test_a_link_to_a_folded_formula_opens_it(desktop, built_site, page_log) -> None:
    page = desktop
    ids = page.context.new_page()
    ids.goto(built_site.url(ENTRY), wait_until="load")
    folded = ids.eval_on_selector_all(".gl-more--formulas > details.gl-formula", "els => els.map((e) => e.id)")
    ids.close()
    assert len(folded) >= 2
    page.goto(built_site.url(ENTRY) + "#" + folded[-1], wait_until="load")
    wait_for(page, f"document.getElementById('{folded[-1]}').open")
    assert page.eval_on_selector(".gl-more--formulas", "el => el.open")
    wait_for(
        page,
        f"(() => {{ const r = document.getElementById('{folded[-1]}').getBoundingClientRect(); return r.top >= 0 && r.top < innerHeight; }})()",
    )
    # the same page, another formula: a hash change opens it too
    page.evaluate("(id) => { location.hash = '#' + id; }", folded[0])
    wait_for(page, f"document.getElementById('{folded[0]}').open")
    assert not page_log.problems(), page_log.problems()
