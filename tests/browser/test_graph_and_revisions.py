"""The graph page (search box, list of nodes, labels, hover) and old revisions (word-level
diff, change summary, the versions list beside the cite box), in chromium."""

from __future__ import annotations

import json
import re

import pytest

pytestmark = pytest.mark.browser

SETTLED = '.gl-graph--global[data-settled="true"]'

# Every placed label's box on screen, as graph-view.js places them; [] when two overlap.
LABEL_BOXES = """() => {
  const view = window.glossaryGraphView, g = window.glossaryGraph, k = g.zoom();
  const boxes = Object.keys(view.labelled).map((id) => {
    const n = view.byId[id], p = g.graph2ScreenCoords(n.x, n.y);
    return {id, x: p.x - n.glW / 2, y: p.y + n.glR * k + 1, w: n.glW, h: 14};
  });
  for (const a of boxes) for (const b of boxes)
    if (a !== b && a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h) return [];
  return boxes.map((b) => b.id);
}"""


def test_graph_settles_fast_and_labels_its_most_central_nodes_without_overlap(page, built_site, page_log) -> None:
    page.goto(built_site.url("graph/"))
    page.wait_for_selector(SETTLED, timeout=20_000)
    holder = page.locator(".gl-graph--global")
    # bench/graph_layout.py holds the 1 s target on a quiet machine; here, on a loaded CI
    # runner, twice that still catches a return of the old 6 s settle
    assert int(holder.get_attribute("data-settle-ms")) < 2000
    labelled = page.evaluate(LABEL_BOXES)
    assert 10 <= len(labelled) <= 40, labelled
    nodes = json.loads((built_site.root / "graph.json").read_text())["nodes"]
    central = max(nodes, key=lambda n: n["centrality"])["id"]
    assert central in labelled
    assert not page_log.problems(), page_log.problems()


def test_graph_search_finds_and_centres_a_node_and_the_list_works_by_keyboard(page, built_site, page_log) -> None:
    page.goto(built_site.url("graph/"))
    page.wait_for_selector(SETTLED, timeout=20_000)
    items = page.locator("#gl-graph-list li:not([hidden]) a")
    assert items.count() == len(json.loads((built_site.root / "graph.json").read_text())["nodes"])
    search = page.locator("#gl-graph-search")
    search.fill("ltv")  # an abbreviation: the site's ranker knows it, a title match would not
    page.wait_for_selector('#gl-graph-list[data-query="ltv"]')
    assert items.first.inner_text() == "Loan-to-Value Ratio"
    search.press("Enter")
    holder = page.locator(".gl-graph--global")
    assert holder.get_attribute("data-highlight") == "loan-to-value-ratio"
    assert "Centred on Loan-to-Value Ratio" in page.locator(".gl-graph-status").inner_text()
    page.wait_for_timeout(600)  # the 400 ms pan and zoom
    offset = page.evaluate(
        """() => {
            const g = window.glossaryGraph, n = window.glossaryGraphView.byId['loan-to-value-ratio'];
            const p = g.graph2ScreenCoords(n.x, n.y), box = document.querySelector('.gl-graph--global');
            return Math.hypot(p.x - box.clientWidth / 2, p.y - box.clientHeight / 2);
        }"""
    )
    assert offset < 5
    # the keyboard: down from the box into the list, one tab stop, focus highlights the node
    search.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    second = items.nth(1)
    assert page.evaluate("document.activeElement.textContent") == second.inner_text()
    slug = second.evaluate("a => a.closest('li').id.slice('gl-node-'.length)")
    assert holder.get_attribute("data-highlight") == slug
    assert page.locator("#gl-graph-list a[tabindex='0']").count() == 1
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.id") == "gl-graph-search"
    search.fill("")
    page.wait_for_function(
        "() => document.querySelector('#gl-graph-list').dataset.count === String(document.querySelectorAll('#gl-graph-list li').length)"
    )
    search.fill("liquidation price")
    page.wait_for_selector('#gl-graph-list[data-query="liquidation price"]')
    search.press("ArrowDown")
    page.keyboard.press("Enter")  # each item is a link to its entry
    page.wait_for_url(re.compile("/term/liquidation-price/$"))
    assert not page_log.problems(), page_log.problems()


def test_hovering_a_node_highlights_its_neighbours(page, built_site, page_log) -> None:
    page.goto(built_site.url("graph/"))
    page.wait_for_selector(SETTLED, timeout=20_000)
    data = json.loads((built_site.root / "graph.json").read_text())
    target = "liquidation-price"
    neighbours = {target}
    for link in data["links"]:
        if target in (link["source"], link["target"]):
            neighbours |= {link["source"], link["target"]}
    point = page.evaluate(
        """(id) => {
            const g = window.glossaryGraph, n = window.glossaryGraphView.byId[id];
            g.centerAt(n.x, n.y, 0); g.zoom(6, 0);
            const box = document.querySelector('.gl-graph--global canvas').getBoundingClientRect();
            return {x: box.left + box.width / 2, y: box.top + box.height / 2};
        }""",
        target,
    )
    holder = page.locator(".gl-graph--global")
    for attempt in range(40):  # the hit-test canvas is refreshed every few hundred ms
        page.mouse.move(point["x"] + attempt % 2, point["y"])
        page.wait_for_timeout(150)
        if holder.get_attribute("data-highlight") == target:
            break
    else:
        raise AssertionError("hovering the node never highlighted it")
    highlighted = page.evaluate("Object.keys(window.glossaryGraphView.highlight)")
    assert set(highlighted) == neighbours
    faded = page.evaluate(
        "(ids) => window.glossaryGraph.graphData().nodes.filter((n) => !ids.includes(n.id))"
        ".every((n) => window.glossaryGraph.nodeColor()(n).startsWith('rgba(128'))",
        sorted(neighbours),
    )
    assert faded
    assert not page_log.problems(), page_log.problems()


def test_old_revision_shows_a_word_diff_and_its_change_summary(page, built_site, page_log) -> None:
    entry = built_site.url("term/liquidation-price/")
    page.goto(entry)
    versions = page.locator(".gl-revisions")
    # the versions list sits right after the cite box, before "Cite this version"
    order = page.evaluate(
        """() => {
            const all = [...document.querySelectorAll('#cite-box, .gl-revisions, .gl-cite-version')];
            return all.map((el) => el.id || el.className);
        }"""
    )
    assert order == ["cite-box", "versions", "gl-cite-version"]
    assert versions.locator("li").first.inner_text().startswith("This version")
    earlier = versions.locator("li a")
    if not earlier.count():
        pytest.skip("this checkout has no earlier versions of the entry")
    earlier.last.click()
    page.wait_for_url(re.compile("/rev/liquidation-price/[0-9a-f]{12}/$"))
    assert page.locator(".admonition.warning").inner_text().count("Change summary:") == 1
    diff = page.locator(".gl-diff")
    assert diff.locator("ins, del").count() > 0
    styles = page.evaluate(
        """() => ['ins', 'del'].map((t) => getComputedStyle(document.querySelector('.gl-diff ' + t)).textDecorationLine)"""
    )
    assert styles == ["underline", "line-through"]  # readable without colour
    assert not page_log.problems(), page_log.problems()
