"""Math drawn at build time, as readers get it: in the served HTML (HTML+MathML), readable with
JavaScript off, no KaTeX script requested anywhere, KaTeX's stylesheet and fonts only where
there is math, and display math scrolling inside its own box on a phone."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

pytestmark = pytest.mark.browser

MATH_PAGES = ("term/liquidation-price/", "calculators/")


def _old_revision_with_math(root) -> str:  # type: ignore[no-untyped-def]
    for page in sorted((root / "rev").glob("*/*/index.html")):
        if 'class="katex"' in page.read_text(encoding="utf-8"):
            return str(page.parent.relative_to(root)) + "/"
    pytest.skip("this build published no old revision with math")


@pytest.fixture
def math_pages(built_site) -> Iterator[tuple[str, ...]]:  # type: ignore[no-untyped-def]
    yield (*MATH_PAGES, _old_revision_with_math(built_site.root))


def _requests(browser, url: str, *, javascript: bool = True, width: int = 1280) -> tuple[object, list[str]]:  # type: ignore[no-untyped-def]
    context = browser.new_context(
        viewport={"width": width, "height": 900}, java_script_enabled=javascript, service_workers="block"
    )
    page = context.new_page()
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url))
    page.goto(url, wait_until="load")
    page.wait_for_timeout(300)
    return page, seen


def test_math_is_in_the_served_html_and_no_katex_script_is_requested(browser, built_site, math_pages) -> None:  # type: ignore[no-untyped-def]
    for path in math_pages:
        served = (built_site.root / path / "index.html").read_text(encoding="utf-8")
        assert served.count('class="katex"') >= 3, path
        assert "<math" in served and 'encoding="application/x-tex"' in served, path  # MathML beside the HTML
        assert "katex.min.js" not in served and "arithmatex" not in served, path
        page, seen = _requests(browser, built_site.url(path))
        try:
            assert not [url for url in seen if url.endswith(".js") and "katex" in url], path
            assert any(url.endswith("katex.min.css") for url in seen), path
            assert page.evaluate("typeof window.katex") == "undefined"
            assert page.locator(".katex-error").count() == 0, path
        finally:
            page.context.close()


def test_math_is_readable_with_javascript_off(browser, built_site) -> None:  # type: ignore[no-untyped-def]
    page, _ = _requests(browser, built_site.url(MATH_PAGES[0]), javascript=False)
    try:
        formula = page.locator(".gl-formula .katex-display .katex-html").first
        box = formula.bounding_box()
        assert box is not None and box["width"] > 50 and box["height"] > 20
        assert "liq" in formula.inner_text()  # drawn, not LaTeX source
        assert "\\frac" not in page.locator(".gl-formula").first.inner_text()
    finally:
        page.context.close()


@pytest.mark.parametrize("path", ["a-z/", "", "tags/", "graph/"])
def test_a_page_without_math_loads_no_katex_at_all(browser, built_site, path: str) -> None:  # type: ignore[no-untyped-def]
    served = (built_site.root / path / "index.html").read_text(encoding="utf-8")
    if 'class="katex"' in served:
        pytest.skip(f"/{path} holds math in this build")
    page, seen = _requests(browser, built_site.url(path))
    try:
        assert not [url for url in seen if "katex" in url.lower()], seen
    finally:
        page.context.close()


def test_display_math_scrolls_inside_its_own_box_on_a_phone(browser, built_site) -> None:  # type: ignore[no-untyped-def]
    page, _ = _requests(browser, built_site.url(MATH_PAGES[0]), width=390)
    try:
        page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })")
        found = page.evaluate(
            """() => [...document.querySelectorAll('.katex-display')].map((el) => {
                 const box = el.getBoundingClientRect();
                 return {right: box.right, overflow: getComputedStyle(el).overflowX,
                         wide: el.scrollWidth > el.clientWidth + 1};
               })"""
        )
        assert found
        assert all(item["right"] <= 390 + 1 for item in found), found
        assert all(item["overflow"] == "auto" for item in found if item["wide"]), found
    finally:
        page.context.close()


def test_the_build_log_reports_no_math_left_undrawn(built_site) -> None:  # type: ignore[no-untyped-def]
    assert not re.search(r"math shown as LaTeX", built_site.build_output), built_site.build_output
