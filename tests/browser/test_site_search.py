"""Site search in a real browser: quality, parity with the CLI, and the search box's behaviour.

The quality suite is typed key by key into the header search box (press_sequentially, as a
reader types) and the results on screen are read back; the floor is the CLI's, top-3 at
least 95%. The parity test runs the same queries through the JavaScript engine and
through generator/search and requires identical rankings.
"""

from __future__ import annotations

import gzip
import statistics
from pathlib import Path

import pytest
import yaml

from generator.pipeline import load_glossary
from generator.search import build_index, search, suggest
from generator.search.site import INDEX_PATH
from tests.browser.conftest import wait_for

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
QUERIES = yaml.safe_load((ROOT / "tests" / "search" / "queries.yaml").read_text(encoding="utf-8"))
QUESTIONS = yaml.safe_load((ROOT / "tests" / "search" / "questions.yaml").read_text(encoding="utf-8"))
HELDOUT = yaml.safe_load((ROOT / "tests" / "search" / "questions_heldout.yaml").read_text(encoding="utf-8"))
TOP3_FLOOR = 0.99  # issue 18: the typo suite keeps top-3 >= 99%
BOX = '[data-md-component="glossary-search"]'
INPUT = "[data-gl-search-input]"
EXTRA = ["liquid", "lev", "a", "what is", "xyzzy", "liquidashun", "the the", "Δ delta", "USDⓈ-M", "stop-loss"]
EXTRA += [
    "my long got closed",
    "how close am I",
    "Loans owed",
    "perpetual futures",
    "perpetuals and futures",
]  # synonyms


@pytest.fixture(scope="module")
def python_index():
    from generator.search.sections import documents

    return build_index(documents(load_glossary(ROOT / "terms").entries.values()))  # entries and site pages, as the site


def open_search(page, built_site) -> None:
    page.goto(built_site.url(""))
    page.locator(INPUT).click()
    wait_for(page, "window.GlossarySearch && window.GlossarySearch.index !== null")


def type_query(page, query: str) -> dict:
    """Type `query` key by key; wait until the box shows results for exactly that text."""
    box = page.locator(INPUT)
    box.fill("")
    box.press_sequentially(query)
    wait_for(
        page, "q => document.querySelector('[data-md-component=\"glossary-search\"]').dataset.glQuery === q", arg=query
    )
    return page.evaluate(
        """() => {
            const root = document.querySelector('[data-md-component="glossary-search"]');
            const links = [...root.querySelectorAll('#gl-search-results a')];
            return {state: root.dataset.glState, slugs: links.map(a => a.dataset.slug),
                    texts: links.map(a => a.textContent), meta: root.querySelector('[data-gl-search-meta]').textContent};
        }"""
    )


def test_site_search_quality(page, built_site, page_log, capsys) -> None:
    open_search(page, built_site)
    top1 = top3 = 0
    misses = []
    for item in QUERIES:
        shown = type_query(page, item["q"])
        found = shown["slugs"][:3] if shown["state"] == "results" else []
        top1 += found[:1] == [item["expect"]]
        top3 += item["expect"] in found
        if item["expect"] not in found:
            misses.append(f"{item['q']!r} -> {item['expect']} (got {found})")
    rate1, rate3 = top1 / len(QUERIES), top3 / len(QUERIES)
    with capsys.disabled():
        print(f"\nsearch quality (site, {len(QUERIES)} queries typed): top-1 {rate1:.1%}, top-3 {rate3:.1%}")
    assert rate3 >= TOP3_FLOOR, f"top-3 {rate3:.1%} below {TOP3_FLOOR:.0%}; misses:\n" + "\n".join(misses)
    assert not page_log.problems()


def test_site_and_cli_rank_alike(page, built_site, python_index) -> None:
    """Same normalisation, same constants, same order: the JS port must not drift."""
    open_search(page, built_site)
    queries = [item["q"] for item in QUERIES + QUESTIONS + HELDOUT] + EXTRA
    browser = page.evaluate(
        """qs => qs.map(q => [GlossarySearch.index.search(q, 10), GlossarySearch.index.suggest(q, 5)])""", queries
    )
    drift = []
    for query, (js_hits, js_suggest) in zip(queries, browser):
        py = [(h.slug, h.score, h.matched, h.anchor) for h in search(python_index, query, 10)]
        js = [(h["slug"], h["score"], h["matched"], h["anchor"]) for h in js_hits]
        py_s = [h.slug for h in suggest(python_index, query, 5)]
        js_s = [h["slug"] for h in js_suggest]
        if py != js or py_s != js_s:
            drift.append(f"{query!r}:\n  python {py} {py_s}\n  site   {js} {js_s}")
    assert not drift, "site and CLI rank differently:\n" + "\n".join(drift)


def test_site_decodes_the_full_text_the_cli_ranks_with(page, built_site, python_index) -> None:
    """search-index.js rebuilds every term's BM25 impacts from the packed index (counts for
    tf, IDF from the entries' df, the top and title boosts as rules): all must equal the CLI's."""
    open_search(page, built_site)
    decoded = page.evaluate(
        """() => {
            const out = {};
            GlossarySearch.index.textTerms.forEach((v, term) => { out[term] = [v[0], v[1], v[2]]; });
            return out;
        }"""
    )
    assert sorted(decoded) == list(python_index.text_terms)
    wrong = []
    for term in python_index.text_terms:
        sections, impacts, largest = python_index.text_postings(term)
        if decoded[term] != [list(sections), list(impacts), largest]:
            wrong.append(term)
    assert not wrong, f"{len(wrong)} terms decode differently, e.g. {wrong[:10]}"
    docs = page.evaluate("() => GlossarySearch.index.docs.map(d => [d.slug, d.sections])")
    python_docs = [python_index.doc(i).slug for i in range(len(python_index))]
    assert [slug for slug, _ in docs] == python_docs
    first = [python_index.first_section(i) for i in range(len(python_index))]
    for doc_id, (_, sections) in enumerate(docs):
        for number, (heading, anchor) in enumerate(sections):
            section = python_index.section(first[doc_id] + number)
            assert (heading, anchor) == (section.title, section.anchor)


def test_typo_examples_from_the_issue(page, built_site) -> None:
    open_search(page, built_site)
    for query, slug in [("liqudation price", "liquidation-price"), ("maintenence margin", "maintenance-margin")]:
        assert slug in type_query(page, query)["slugs"][:3]
    for query, slug in [("LTV", "loan-to-value-ratio"), ("MMR", "maintenance-margin-rate"), ("perp", "perpetual-swap")]:
        assert type_query(page, query)["slugs"][0] == slug


def wait_for_snippets(page, container: str) -> None:
    """Wait until every result's snippet in `container` comes from its best section's text."""
    wait_for(
        page,
        "s => [...document.querySelectorAll(s + ' [data-gl-snippet]')].every(n => n.dataset.glSnippet === 'done')",
        arg=container,
    )


def test_results_show_kind_summary_and_matched_alias(page, built_site) -> None:
    open_search(page, built_site)
    shown = type_query(page, "liq price")
    first = page.locator("#gl-search-results li").first
    assert shown["slugs"][0] == "liquidation-price"
    assert first.locator(".gl-search__title").inner_text().startswith("Liquidation Price")
    assert first.locator(".gl-search__kind").text_content() == "Article"  # as the entry page names it
    assert first.locator(".gl-search__matched").inner_text() == "also called liq price"
    wait_for_snippets(page, "#gl-search-results")
    assert len(first.locator(".gl-search__snippet").inner_text()) > 40
    assert "1 result" in shown["meta"] or "results" in shown["meta"]


def test_kind_labels_are_the_pages_own(page, built_site) -> None:
    """Article, Definition, Area, Page: the badge each page carries (render.KIND_LABELS)."""
    open_search(page, built_site)
    expected = {"term": "Article", "definition": "Definition", "area": "Area", "page": "Page"}
    seen = {}
    for query in ["liquidation", "margin and liquidation", "how to cite", "calculator", "liquidator"]:
        type_query(page, query)
        for kind, label in page.evaluate(
            """() => [...document.querySelectorAll('#gl-search-results a')]
                   .map(a => [a.dataset.kind, a.querySelector('.gl-search__kind').textContent])"""
        ):
            seen[kind] = label
    assert seen == expected


def test_question_shows_section_snippet_with_marks_and_anchor(page, built_site, python_index) -> None:
    open_search(page, built_site)
    query = "what happens when I get liquidated"
    shown = type_query(page, query)
    py = search(python_index, query, 10)
    assert shown["slugs"] == [h.slug for h in py]
    deep = next(i for i, h in enumerate(py) if h.anchor)
    wait_for_snippets(page, "#gl-search-results")
    link = page.locator("#gl-search-results a").nth(deep)
    assert link.get_attribute("href").endswith(f"{py[deep].url}#{py[deep].anchor}")
    assert link.locator(".gl-search__section").inner_text() == py[deep].section
    marks = link.locator(".gl-search__snippet mark").all_inner_texts()
    assert marks and all(m.lower().startswith("liquidat") for m in marks), marks
    # The snippet is text and <mark> only, exactly the CLI's (same text, same highlights).
    html = link.locator(".gl-search__snippet").inner_html()
    assert html.replace("<mark>", "").replace("</mark>", "").count("<") == 0
    text = link.locator(".gl-search__snippet").text_content()
    assert text == py[deep].snippet
    assert [text[a:b] for a, b in py[deep].highlights] == marks
    link.click()
    page.wait_for_url(f"**{py[deep].url}#{py[deep].anchor}")
    assert page.locator(f"[id='{py[deep].anchor}']").count() == 1


def test_keyboard_navigation_opens_the_chosen_entry(page, built_site) -> None:
    open_search(page, built_site)
    shown = type_query(page, "margin")
    assert len(shown["slugs"]) >= 3
    box = page.locator(INPUT)
    box.press("ArrowDown")
    box.press("ArrowDown")
    box.press("ArrowDown")
    box.press("ArrowUp")
    active = page.locator("#gl-search-results a.gl-search--active")
    assert active.count() == 1 and active.get_attribute("data-slug") == shown["slugs"][1]
    assert box.get_attribute("aria-activedescendant") == active.get_attribute("id")
    target = active.get_attribute("href")  # its best section: the page, with #anchor when deep
    assert f"/{shown['slugs'][1]}/" in target
    box.press("Enter")
    page.wait_for_url(target)


def test_enter_opens_the_first_result(page, built_site) -> None:
    open_search(page, built_site)
    type_query(page, "what is ltv")
    page.locator(INPUT).press("Enter")
    page.wait_for_url("**/term/loan-to-value-ratio/")


def test_did_you_mean_when_nothing_matches(page, built_site) -> None:
    open_search(page, built_site)
    shown = type_query(page, "liquidashun")
    assert shown["state"] == "suggest"
    assert "Did you mean" in shown["meta"]
    assert "liquidation" in shown["slugs"]
    shown = type_query(page, "zqxjv")
    assert shown["state"] == "none" and shown["slugs"] == []


def test_shortcut_escape_and_shared_query(page, built_site) -> None:
    page.goto(built_site.url("a-z/"))
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.matches('[data-gl-search-input]')")
    assert page.evaluate("document.getElementById('__search').checked")
    page.keyboard.press("Escape")
    assert not page.evaluate("document.getElementById('__search').checked")
    page.goto(built_site.url("?q=gearing"))
    wait_for(page, "document.querySelector('[data-md-component=\"glossary-search\"]').dataset.glQuery === 'gearing'")
    assert page.locator("#gl-search-results a").first.get_attribute("data-slug") == "leverage"


def test_panel_closes_when_focus_leaves_it(page, built_site) -> None:
    open_search(page, built_site)
    type_query(page, "margin")
    assert page.evaluate("document.getElementById('__search').checked")
    page.evaluate("document.querySelector('.md-content a[href]').focus()")
    wait_for(page, "!document.getElementById('__search').checked")
    page.locator(INPUT).click()  # focus brings it back, results still there
    wait_for(page, "document.getElementById('__search').checked")
    assert page.locator("#gl-search-results a").count() >= 3


def test_index_loads_only_when_a_search_box_is_used(page, built_site) -> None:
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(built_site.url(""))
    page.wait_for_load_state("networkidle")
    assert not [u for u in requested if INDEX_PATH in u]
    assert page.evaluate("GlossarySearch.index === null")
    page.locator(".gl-quickfind__input").focus()
    wait_for(page, "GlossarySearch.index !== null")
    assert [u for u in requested if INDEX_PATH in u]


def quick_find(page, query: str) -> list[str]:
    box = page.locator(".gl-quickfind__input")
    box.fill(query)
    wait_for(page, "q => document.querySelector('.gl-quickfind').dataset.glQuery === q", arg=query)
    return page.evaluate(
        "() => [...document.querySelectorAll('.gl-quickfind__results li[data-slug]')].map(li => li.dataset.slug)"
    )


QUICK_QUERIES = [
    "ltv",
    "liq price",
    "maintenence margin",
    "funding rate",
    "what happens when I get liquidated",
    "how to cite",
]


def test_one_ranker_header_quick_find_and_404(page, built_site) -> None:
    """The home quick find and the 404 suggestions rank with the header search's engine."""
    open_search(page, built_site)
    header = {q: type_query(page, q)["slugs"] for q in QUICK_QUERIES}
    page.goto(built_site.url(""))
    quick = {q: quick_find(page, q) for q in QUICK_QUERIES}
    not_found = {}
    for query in QUICK_QUERIES:
        response = page.goto(built_site.url("wiki/" + query.replace(" ", "-") + "/"))
        assert response is not None and response.status == 404
        holder = page.locator(".gl-404-suggest")
        wait_for(page, "document.querySelector('.gl-404-suggest').dataset.glQuery !== undefined")
        assert holder.get_attribute("data-gl-query") == query
        not_found[query] = page.evaluate(
            "() => [...document.querySelectorAll('.gl-404-list li')].map(li => li.dataset.slug)"
        )
    for query in QUICK_QUERIES:
        assert header[query], query
        assert quick[query][:1] == header[query][:1], (query, quick[query], header[query])
        assert not_found[query][:1] == header[query][:1], (query, not_found[query], header[query])
    assert header["ltv"][0] == "loan-to-value-ratio" and header["liq price"][0] == "liquidation-price"


def test_quick_find_results_keyboard_and_escape(page, built_site) -> None:
    page.goto(built_site.url(""))
    slugs = quick_find(page, "Binance cum")
    assert len(slugs) >= 2
    wait_for_snippets(page, ".gl-quickfind__results")
    first = page.locator(".gl-quickfind__results li").first
    assert first.locator(".gl-kind").text_content() in {"Article", "Definition", "Area", "Page"}
    assert first.locator(".gl-result__snippet mark").count() >= 1
    html = first.locator(".gl-result__snippet").inner_html()
    assert html.replace("<mark>", "").replace("</mark>", "").count("<") == 0
    box = page.locator(".gl-quickfind__input")
    box.press("Escape")
    assert page.locator(".gl-quickfind__results").is_hidden()
    box.press("ArrowDown")
    box.press("ArrowDown")
    active = page.locator(".gl-quickfind__results li.gl-result--active")
    assert active.count() == 1 and active.get_attribute("data-slug") == slugs[1]
    assert box.get_attribute("aria-activedescendant") == active.get_attribute("id")
    target = active.locator("a").get_attribute("href")
    box.press("Enter")
    page.wait_for_url(target)


def test_suggest_api_for_the_404_page(page, built_site) -> None:
    page.goto(built_site.url(""))
    slugs = page.evaluate("GlossarySearch.suggest('/term/liquidaton-price/', 3).then(hits => hits.map(h => h.slug))")
    assert slugs[0] == "liquidation-price"
    href = page.evaluate("GlossarySearch.suggest('maintenence-margin', 1).then(hits => GlossarySearch.href(hits[0]))")
    assert href.startswith(built_site.url("term/maintenance-margin/"))  # with the best section's #anchor


def test_keystroke_to_results_latency_is_reported(page, built_site, capsys) -> None:
    """Measured, not asserted: the benchmark (bench/search_latency.py site) owns the 1,000-entry figure."""
    open_search(page, built_site)
    page.evaluate(
        """() => {
            window.__latency = [];
            const input = document.querySelector('[data-gl-search-input]');
            const root = document.querySelector('[data-md-component="glossary-search"]');
            input.addEventListener('keydown', () => { window.__lastKey = performance.now(); }, true);
            root.addEventListener('glossary-search:rendered', event => {
                if (event.detail.state === 'idle') return;  // the box being cleared, not typed
                const key = window.__lastKey;
                requestAnimationFrame(() => window.__latency.push(performance.now() - key));
            });
        }"""
    )
    typed = QUERIES[:30]
    for item in typed:
        type_query(page, item["q"])
    samples = page.evaluate("window.__latency")
    assert len(samples) >= len(typed)
    with capsys.disabled():
        print(
            f"\nsite search, {len(samples)} keystrokes over {len(typed)} queries: "
            f"median {statistics.median(samples):.1f} ms, max {max(samples):.1f} ms to the next frame"
        )


def test_index_is_served_from_the_site_and_small(built_site) -> None:
    index = built_site.root / INDEX_PATH
    assert index.is_file()
    size = len(gzip.compress(index.read_bytes()))
    assert size < 400 * 1024  # 400 KB is the budget for 1,000 entries; this corpus is far smaller


def test_issue_examples_in_the_browser(page, built_site, python_index) -> None:
    """The issue's examples rank in chromium exactly as in the CLI (positions reported by test_search)."""
    from tests.search.test_search import ISSUE_EXAMPLES

    open_search(page, built_site)
    for query, slug, in_top3 in ISSUE_EXAMPLES:
        js = page.evaluate("q => GlossarySearch.index.search(q, 10).map(h => h.slug)", query)
        assert js == [h.slug for h in search(python_index, query, 10)]
        if in_top3:
            assert slug in js[:3], (query, js)


def test_result_anchors_exist_in_the_built_pages(built_site, python_index) -> None:
    """Every section anchor a result can link to is an element id on its built page."""
    import re

    from generator.search.sections import documents

    missing = []
    for doc in documents(load_glossary(ROOT / "terms").entries.values()):
        anchors = [s.anchor for s in doc.sections if s.anchor]
        if not anchors:
            continue
        page_file = built_site.root / doc.url.strip("/") / "index.html"
        if not page_file.is_file():
            missing.append(f"{doc.url}: no page")
            continue
        ids = set(re.findall(r"""\sid=["']?([^"'\s>]+)""", page_file.read_text(encoding="utf-8")))
        missing.extend(f"{doc.url}#{a}" for a in anchors if a not in ids)
    assert not missing, f"{len(missing)} anchors not on their pages:\n" + "\n".join(missing[:40])
