"""The built site in a real browser: navigation, previews, math, citing, graphs, 404.

Every test runs against the shipped glossary built once by `built_site`; the `page`
fixture aborts and records any request that tries to leave 127.0.0.1 and fails the
test if one did.
"""

from __future__ import annotations

import json
import re
import time
from datetime import date

import pytest

from generator.cite import styles as cite_styles

pytestmark = pytest.mark.browser

FLAGSHIP_AREA = "margin-and-liquidation"
FLAGSHIP_ENTRY = "term/liquidation-price/"


def title(page) -> str:
    """The page's H1 without the permalink sign."""
    return page.locator("h1").inner_text().rstrip("¶").strip()


def test_home_to_area_to_entry(page, built_site, page_log) -> None:
    page.goto(built_site.url())
    assert title(page) == "Leverage Glossary"
    page.locator(f'.gl-cards a[href="area/{FLAGSHIP_AREA}/"]').click()
    page.wait_for_url(re.compile(f"/area/{FLAGSHIP_AREA}/$"))
    assert title(page) == "Margin and Liquidation"
    assert page.locator("#area-members li").count() >= 10
    page.locator('#area-members a[href="../../term/liquidation-price/"]').click()
    page.wait_for_url(re.compile("/term/liquidation-price/$"))
    assert title(page) == "Liquidation Price"
    summary = page.locator(".gl-summary").inner_text()
    assert summary.startswith("The mark price at which")
    assert not page_log.problems(), page_log.problems()


def test_hover_preview_shows_title_and_summary(page, built_site, page_log) -> None:
    page.goto(built_site.url(FLAGSHIP_ENTRY))
    link = page.locator('.md-content a[href="../../definition/bankruptcy-price/"]').first
    link.scroll_into_view_if_needed()
    link.hover()
    preview = page.locator(".gl-preview")
    preview.wait_for(state="visible")
    previews = json.loads((built_site.root / "previews.json").read_text())
    assert preview.locator(".gl-preview__title").inner_text() == "Bankruptcy Price"
    assert preview.locator(".gl-preview__summary").inner_text() == previews["bankruptcy-price"]["summary"]
    page.mouse.move(5, 5)
    preview.wait_for(state="hidden")
    assert not page_log.problems(), page_log.problems()


def test_formulas_are_rendered_by_katex(page, built_site, page_log) -> None:
    page.goto(built_site.url(FLAGSHIP_ENTRY))
    page.wait_for_selector(".gl-formula .katex-display")
    assert page.locator(".katex").count() > 20
    assert page.locator(".katex-error").count() == 0
    assert page.locator('.arithmatex:not([data-katex="done"])').count() == 0
    assert not page_log.problems(), page_log.problems()


def test_cite_box_fills_todays_date_and_copies(browser, built_site) -> None:
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    external: list[str] = []
    context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if "127.0.0.1" in route.request.url
            else (external.append(route.request.url), route.abort())
        ),
    )
    page = context.new_page()
    try:
        page.goto(built_site.url(FLAGSHIP_ENTRY))
        page.get_by_role("link", name="Cite this entry").click()
        box = page.locator("#cite-box")  # the entry's main cite box
        today = date.today()
        for style in cite_styles.STYLES:
            accessed = box.locator(f'.gl-accessed[data-style="{style}"]')
            assert accessed.text_content() == cite_styles.format_accessed(style, today)
        box.locator("label", has_text="BibTeX").click()
        box.locator(".gl-cite__copy").click()
        box.locator(".gl-cite__status", has_text="Copied.").wait_for()
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied.startswith("@") and "{leverage-glossary-liquidation-price," in copied
        assert f"urldate = {{{today.isoformat()}}}" in copied
        assert "url = {https://leverage-glossary.org/term/liquidation-price/}" in copied
    finally:
        context.close()
    assert not external


def test_graph_page_filters_and_opens_an_entry(page, built_site, page_log) -> None:
    page.goto(built_site.url("graph/"))
    page.wait_for_selector('.gl-graph--global[data-ready="true"] canvas')
    total = len(json.loads((built_site.root / "graph.json").read_text())["nodes"])
    status = page.locator(".gl-graph-status")
    assert status.inner_text().startswith(f"{total} entries")
    page.locator('.gl-graph-kind[value="definition"]').uncheck()
    shown = int(status.inner_text().split()[0])
    assert 0 < shown < total
    page.locator('.gl-graph-kind[value="definition"]').check()
    page.select_option(".gl-graph-area", FLAGSHIP_AREA)
    assert int(status.inner_text().split()[0]) < total
    page.wait_for_selector('.gl-graph--global[data-settled="true"]', timeout=20_000)
    page.locator(".gl-graph--global canvas").scroll_into_view_if_needed()
    # move the node clear of its neighbours and centre on it, so the click cannot land on another node
    page.evaluate(
        """() => {
            const g = window.glossaryGraph;
            const nodes = g.graphData().nodes;
            const node = nodes.find((n) => n.id === 'liquidation-price');
            const right = Math.max(...nodes.map((n) => n.x)) + 200;
            node.x = node.fx = right;
            node.y = node.fy = 0;
            g.centerAt(right, 0, 0);
            g.zoom(2, 0);
        }"""
    )
    page.wait_for_timeout(300)  # one frame or more, so the hit-test canvas matches the view
    point = page.evaluate(
        """() => {
            const g = window.glossaryGraph;
            const node = g.graphData().nodes.find((n) => n.id === 'liquidation-price');
            const box = document.querySelector('.gl-graph--global canvas').getBoundingClientRect();
            const p = g.graph2ScreenCoords(node.x, node.y);
            return {x: box.left + p.x, y: box.top + p.y};
        }"""
    )
    # force-graph hit-tests against a shadow canvas it refreshes only every few hundred ms, so
    # right after the view moved the pixel under the pointer may still name another node.
    # Hover until the tooltip names the node we mean, as a person would, then click.
    tooltip = page.locator(".float-tooltip-kap")
    for attempt in range(40):
        page.mouse.move(point["x"] + attempt % 2, point["y"])  # a 1-pixel jiggle re-runs the hit test
        page.wait_for_timeout(250)
        if tooltip.count() and tooltip.first.inner_text().strip() == "Liquidation Price":
            break
    else:
        raise AssertionError("hovering the node never showed its tooltip")
    page.mouse.click(point["x"] + attempt % 2, point["y"])
    page.wait_for_url(re.compile("/term/liquidation-price/$"))
    assert not page_log.problems(), page_log.problems()


def synthetic_graph(nodes: int = 1000, links_per_node: int = 3) -> dict[str, object]:
    kinds = ("term", "definition", "definition", "definition")
    node_list = [
        {
            "id": f"n{i}",
            "title": f"Node {i}",
            "kind": kinds[i % 4],
            "url": f"definition/n{i}/",
            "areas": [f"a{i % 8}"],
            "degree": links_per_node,
            "centrality": 1 / nodes,
        }
        for i in range(nodes)
    ]
    links = [
        {"source": f"n{i}", "target": f"n{(i * 7 + k * 13 + 1) % nodes}", "type": "related"}
        for i in range(nodes)
        for k in range(links_per_node)
        if (i * 7 + k * 13 + 1) % nodes != i
    ]
    return {"nodes": node_list, "links": links, "areas": [{"id": f"a{i}", "title": f"Area {i}"} for i in range(8)]}


def test_graph_stays_responsive_with_1000_nodes(page, built_site, page_log) -> None:
    body = json.dumps(synthetic_graph())
    page.route("**/graph.json", lambda route: route.fulfill(status=200, content_type="application/json", body=body))
    page.goto(built_site.url("graph/"))
    page.wait_for_selector('.gl-graph--global[data-ready="true"] canvas')
    assert page.evaluate("window.glossaryGraph.graphData().nodes.length") == 1000
    slowest = 0.0
    deadline = time.monotonic() + 4
    while time.monotonic() < deadline:  # while the simulation runs
        started = time.monotonic()
        page.evaluate("1 + 1")
        slowest = max(slowest, time.monotonic() - started)
        page.wait_for_timeout(100)
    assert slowest < 1.0, f"page blocked for {slowest:.2f} s"
    page.wait_for_selector('.gl-graph--global[data-settled="true"]', timeout=20_000)  # simulation stops
    assert not page_log.problems(), page_log.problems()


def test_local_graph_on_entry_page(page, built_site, page_log) -> None:
    page.goto(built_site.url(FLAGSHIP_ENTRY))
    holder = page.locator(".gl-graph--local")
    holder.scroll_into_view_if_needed()
    page.wait_for_selector(".gl-graph--local canvas")
    page.wait_for_selector('.gl-graph--local[data-settled="true"]', timeout=20_000)
    assert not page_log.problems(), page_log.problems()


def test_not_found_page_suggests_the_nearest_entries(page, built_site, page_log) -> None:
    response = page.goto(built_site.url("term/liquidaton-price/"))
    assert response is not None and response.status == 404
    suggestions = page.locator(".gl-404-list a")
    suggestions.first.wait_for()
    assert suggestions.first.inner_text() == "Liquidation Price"
    suggestions.first.click()
    page.wait_for_url(re.compile("/term/liquidation-price/$"))
    unexpected = [p for p in page_log.problems() if "404" not in p]
    assert not unexpected, unexpected


def test_quick_find_on_home(page, built_site, page_log) -> None:
    page.goto(built_site.url())
    page.fill(".gl-quickfind__input", "LTV")
    first = page.locator(".gl-quickfind__results a").first
    first.wait_for()
    assert first.inner_text() == "Loan-to-Value Ratio"
    page.press(".gl-quickfind__input", "Enter")
    page.wait_for_url(re.compile("/term/loan-to-value-ratio/$"))
    assert not page_log.problems(), page_log.problems()


def test_area_filter_narrows_the_member_list(page, built_site, page_log) -> None:
    page.goto(built_site.url(f"area/{FLAGSHIP_AREA}/"))
    items = page.locator("#area-members li")
    total = items.count()
    page.fill(".gl-filter__input", "liquidation price")
    visible = page.locator("#area-members li:not([hidden])")
    assert 0 < visible.count() < total
    page.fill(".gl-filter__input", "")
    page.locator('.gl-filter__kind[value="term"]').uncheck()
    assert page.locator("#area-members li:not([hidden]) .gl-kind--term").count() == 0
    assert not page_log.problems(), page_log.problems()


@pytest.mark.parametrize(
    "path",
    [
        "",
        "a-z/",
        "tags/",
        "area/",
        "calculators/",
        "about/",
        "how-to-cite/",
        "reference/entry-format/",
        "definition/margin/",
    ],
)
def test_pages_load_cleanly(page, built_site, page_log, path: str) -> None:
    page.goto(built_site.url(path))
    page.wait_for_load_state("load")
    assert page.locator("h1").count() == 1
    assert page.locator(".katex-error").count() == 0
    assert not page_log.problems(), page_log.problems()


PHONE_PAGES = (
    "",
    "area/margin-and-liquidation/",
    "term/liquidation-price/",
    "definition/margin-call/",
    "calculators/",
    "a-z/",
    "tags/",
    "graph/",
)


def test_no_page_scrolls_sideways_on_a_phone(browser, built_site) -> None:
    """At 390 px wide tables and display math scroll inside their own box; the page does not.
    An old revision (the widest formulas, rendered by the same stylesheet) is checked too."""
    revisions = sorted((built_site.root / "rev" / "liquidation-price").glob("*/index.html"))
    paths = [*PHONE_PAGES, *(str(p.parent.relative_to(built_site.root)) + "/" for p in revisions[:1])]
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, service_workers="block"
    )
    try:
        page = context.new_page()
        wide = {}
        for path in paths:
            page.goto(built_site.url(path), wait_until="load")
            page.wait_for_timeout(300)  # KaTeX has drawn the math
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 390:
                wide[path] = width
        assert wide == {}, f"pages wider than the phone: {wide}"
    finally:
        context.close()


def test_an_entry_prints_on_at_most_four_pages_with_one_citation(browser, built_site) -> None:
    """Printed, Liquidation Price keeps its title, summary, primary formula, body, sources and
    the selected citation with its permanent address, and drops variants, examples and buttons."""
    import re

    context = browser.new_context(service_workers="block")
    try:
        page = context.new_page()
        page.goto(built_site.url("term/liquidation-price/"), wait_until="load")
        page.wait_for_timeout(500)  # KaTeX has drawn the math
        page.emulate_media(media="print")
        shown = page.locator(".md-content").inner_text()
        assert "How it works" in shown and "Sources" in shown
        assert "Copy citation" not in shown
        citations = [el for el in page.locator(".gl-cite__text").all() if el.is_visible()]
        assert len(citations) == 1 and "https://" in citations[0].inner_text()
        assert sum(1 for el in page.locator("details.gl-formula").all() if el.is_visible()) == 1
        assert sum(1 for el in page.locator("details.gl-worked").all() if el.is_visible()) == 0
        pdf = page.pdf(format="A4")
        pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
        assert 1 <= pages <= 4, f"{pages} A4 pages"
    finally:
        context.close()
