"""Math drawn at build time, as readers get it: in the served HTML (HTML+MathML), readable with
JavaScript off, no KaTeX script requested anywhere, KaTeX's stylesheet and fonts only where
there is math, and display math scrolling inside its own box on a phone.

And the stylesheets around it, arranged for the first paint (templates/overrides/main.html):
an entry page carries a small critical stylesheet in <head> and links no stylesheet there, so
its first screen is drawn without waiting for one; that first screen looks the same as it
does once the full stylesheets have come; the whole page, once they have, looks exactly as
with every stylesheet linked from <head>; other pages link them from <head>."""

from __future__ import annotations

import contextlib
import gzip
import os
import re
from collections.abc import Iterator

import pytest

from generator.emit.mkdocs import critical_css

pytestmark = pytest.mark.browser

MATH_PAGES = ("term/liquidation-price/", "calculators/")
ENTRY_PAGES = ("term/liquidation-price/", "definition/margin-call/", "area/margin-and-liquidation/")


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
        markup = re.sub(r"<style>.*?</style>", "", served, flags=re.DOTALL)  # stylesheets may name arithmatex
        assert "katex.min.js" not in markup and "arithmatex" not in markup, path
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


# -- the first paint -------------------------------------------------------------------------


def _served(built_site, path: str) -> str:  # type: ignore[no-untyped-def]
    return (built_site.root / path / "index.html").read_text(encoding="utf-8")


def _head(html: str) -> str:
    return html[: html.index("</head>")]


def _stylesheets(html: str) -> list[str]:
    """The file names of the stylesheets `html` links, in order."""
    return [href.rsplit("/", 1)[-1] for href in re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)]


def _entry_without_math(root) -> str:  # type: ignore[no-untyped-def]
    for page in critical_css.entry_pages(root):
        if 'class="katex"' not in page.read_text(encoding="utf-8"):
            return str(page.parent.relative_to(root)) + "/"
    pytest.skip("every entry page of this build has math")


def test_an_entry_pages_head_carries_a_small_critical_stylesheet_and_links_none(built_site) -> None:  # type: ignore[no-untyped-def]
    """What holds the first paint of an entry page: nothing but the page itself. Its <head>
    links no stylesheet (preloads start them early, but wait for nothing), carries the
    critical stylesheet within its budget, and the page links the full stylesheets after
    the lead of the article (title, summary, "In brief"), before its first section."""
    for path in (*ENTRY_PAGES, _entry_without_math(built_site.root)):
        served = _served(built_site, path)
        head = _head(served)
        assert not _stylesheets(head), f"/{path}: <head> links {_stylesheets(head)}: they would hold the first paint"
        styles = re.findall(r"<style>(.*?)</style>", head, re.DOTALL)
        assert len(styles) == 1, f"/{path}: {len(styles)} <style> in <head>"
        raw = styles[0].encode("utf-8")
        assert len(raw) <= critical_css.BUDGET_RAW, f"/{path}: critical stylesheet {len(raw)} bytes"
        assert len(gzip.compress(raw, 9)) <= critical_css.BUDGET_GZIP, f"/{path}: critical stylesheet, gzipped"
        math = 'class="katex"' in served
        linked = _stylesheets(served)
        expected = [name for name in linked if name.startswith(("main.", "palette."))]
        expected += ["katex.min.css"] * math + ["glossary.css"]
        assert linked == expected and len(expected) == 3 + math, (path, linked)
        first_link = served.index('<link rel="stylesheet"')
        lead = served[served.index('<article class="md-content__inner') : first_link]
        assert "<h1" in lead and 'class="gl-summary"' in lead and "<h2" not in lead, path
        if path.startswith("term/"):
            assert 'class="gl-brief"' in lead, path
        preloaded = re.findall(r'<link rel="preload" as="style" href="[^"]*/([^/"]+)"', head)
        assert preloaded == linked, (path, preloaded)
    for page in critical_css.entry_pages(built_site.root):  # every entry: no math drawn before KaTeX's stylesheet
        served = page.read_text(encoding="utf-8")
        first_screen = critical_css.first_screen(served)
        assert first_screen is not None and not _stylesheets(_head(served)), page
        assert 'class="katex' not in first_screen[first_screen.index("<body") :], page


def test_other_pages_link_the_stylesheets_from_their_head(built_site) -> None:  # type: ignore[no-untyped-def]
    """Pages readers reach from within the site (their stylesheets already cached): as
    Material makes them, KaTeX's only where there is math, the site's own last."""
    for path in ("", "a-z/", "calculators/"):
        served = _served(built_site, path)
        head = _head(served)
        linked = _stylesheets(head)
        math = ["katex.min.css"] if 'class="katex"' in served else []
        assert linked[2:] == [*math, "glossary.css"] and linked[0].startswith("main."), (path, linked)
        assert linked == _stylesheets(served), f"/{path} links a stylesheet outside <head>"
        assert "<style>html{" not in head, f"/{path} carries the critical stylesheet"


def test_the_critical_stylesheet_is_the_one_the_stylesheets_make(built_site) -> None:  # type: ignore[no-untyped-def]
    """templates/overrides/partials/critical-css.html is what generator/emit/mkdocs/critical_css/
    selects from this build's stylesheets and entry pages: a changed stylesheet, first
    screen or Material makes it out of date."""
    if os.environ.get("GLOSSARY_BROWSER_TERMS"):
        pytest.skip("the critical stylesheet is made from the shipped terms/, not GLOSSARY_BROWSER_TERMS")
    expected = critical_css.partial(critical_css.from_site(built_site.root))
    assert critical_css.PARTIAL.read_text(encoding="utf-8") == expected, (
        "the critical stylesheet is out of date: run `.venv/bin/glossary build --site-dir /tmp/site && "
        ".venv/bin/python -m generator.emit.mkdocs.critical_css /tmp/site`, then build again"
    )


# Computed styles of elements, for comparing two ways of loading a page. Properties that
# only say how the page answers the reader or animates a change (the critical stylesheet
# leaves them to the full ones, critical_css._REACTIVE) and custom properties (what they
# hold shows in the properties that read them) are left out. `first_screen`: only the
# elements before the body's first stylesheet link, and, for the elements that hold it,
# nothing that depends on the size of what follows it.
_STYLES = """([first_screen, reactive]) => {
  const skip = new RegExp(reactive);
  const link = document.querySelector('body link[rel=stylesheet]');
  const sized = /^(height|block-size|min-block-size|perspective-origin|transform-origin)$/;
  const names = [...getComputedStyle(document.body)].filter((name) => !name.startsWith('--') && !skip.test(name));
  const hash = (text) => {  // FNV-1a: the page's styles stay in the page, only their hashes come back
    let h = 2166136261;
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
    return (h >>> 0).toString(16);
  };
  window.__styles = [];
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    if (first_screen && link && (link.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING)) break;
    if (['SCRIPT', 'STYLE', 'LINK'].includes(el.tagName)) continue;
    const holds = first_screen && link && el.contains(link);
    for (const pseudo of [null, '::before', '::after']) {
      const style = getComputedStyle(el, pseudo);
      const text = names.filter((name) => !(holds && sized.test(name)))
        .map((name) => name + ':' + style.getPropertyValue(name)).join(';');
      window.__styles.push(text);
      out.push([el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ')[0] : '') + (pseudo || ''), hash(text)]);
    }
  }
  return out;
}"""
_REACTIVE = r"^(-webkit-)?(transition|will-change|cursor|user-select|touch-action|tap-highlight-color|scroll-snap|outline-color|outline-offset)"
# A saved dark palette, as Material's palette switch stores it: the theme's inline script puts
# it on <body> before the first paint.
_DARK = (
    'localStorage.setItem("/.__palette", JSON.stringify({index: 1, color: {media: "(prefers-color-scheme: dark)",'
    ' scheme: "slate", primary: "indigo", accent: "indigo"}}))'
)


@contextlib.contextmanager
def _styles(
    browser, url: str, *, width: int, dark: bool, first_screen: bool, stylesheets: bool = True, html: str | None = None
):  # type: ignore[no-untyped-def]
    """The computed styles of the page at `url` with its script files blocked (what the
    stylesheets do, not the theme's script), with or without its stylesheet files, or with
    `html` served in its place: per element (and its ::before and ::after) its name and a
    hash of its style; and a function giving the styles themselves, by index."""
    context = browser.new_context(
        viewport={"width": width, "height": 900}, color_scheme="dark" if dark else "light", service_workers="block"
    )
    if dark:
        context.add_init_script(_DARK)
    page = context.new_page()
    try:
        page.route(re.compile(r".*\.js(\?.*)?$"), lambda route: route.abort())
        if not stylesheets:
            page.route(re.compile(r".*\.css(\?.*)?$"), lambda route: route.abort())
        if html is not None:
            page.route(url, lambda route: route.fulfill(body=html, content_type="text/html; charset=utf-8"))
        page.goto(url, wait_until="load")
        page.evaluate("() => Promise.all(document.getAnimations().map((animation) => animation.finished))")
        # the first screen leaves out what the critical stylesheet leaves to the full ones; the
        # whole page, nothing
        found = page.evaluate(_STYLES, [first_screen, _REACTIVE if first_screen else "(?!)"])
        yield found, lambda indexes: page.evaluate("(indexes) => indexes.map((i) => window.__styles[i])", indexes)
    finally:
        context.close()


def _differences(browser, url: str, expected: dict, got: dict) -> tuple[int, list[str]]:  # type: ignore[no-untyped-def, type-arg]
    """How many element styles the two loads of `url` compared, and those that differ
    (element: {property: (expected, got)}), the first ten."""
    with _styles(browser, url, **expected) as (want, want_text), _styles(browser, url, **got) as (have, have_text):
        assert [name for name, _ in want] == [name for name, _ in have]
        indexes = [i for i, ((_, a), (_, b)) in enumerate(zip(want, have, strict=True)) if a != b][:10]
        found = []
        for i, a, b in zip(indexes, want_text(indexes), have_text(indexes), strict=True):
            pairs = [dict(part.split(":", 1) for part in text.split(";") if ":" in part) for text in (a, b)]
            changed = {key: (value, pairs[1].get(key)) for key, value in pairs[0].items() if pairs[1].get(key) != value}
            found.append(f"{want[i][0]}: {dict(list(changed.items())[:3])}")
        return len(want), found


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_an_entry_pages_first_screen_looks_final_before_the_stylesheets_come(browser, built_site, width, dark) -> None:  # type: ignore[no-untyped-def]
    """Drawn with the critical stylesheet alone (every stylesheet file refused), the header,
    the tabs, the sidebars and the article's lead look as they do with all the stylesheets:
    nothing on the first screen changes or moves when they come."""
    for path in ENTRY_PAGES:
        view = {"width": width, "dark": dark, "first_screen": True}
        compared, found = _differences(browser, built_site.url(path), view, {**view, "stylesheets": False})
        assert compared > 300, path
        assert not found, (path, found)


def _stylesheets_in_head(served: str) -> str:
    """The page as it would be with its stylesheets linked from <head> as Material links them:
    no critical stylesheet, no preloads, the body's stylesheet links at the end of <head>."""
    links = re.findall(r'<link rel="stylesheet" href="[^"]+">', served)
    body = served.index("<body")
    page = served[:body] + re.sub(r'<link rel="stylesheet" href="[^"]+">', "", served[body:])
    page = re.sub(r'<link rel="preload" as="style" href="[^"]+">', "", page)
    page = re.sub(r"<style>html\{.*?</style>", "", page, count=1, flags=re.DOTALL)
    return page.replace("</head>", "".join(links) + "</head>", 1)


@pytest.mark.parametrize(
    ("path", "width", "dark"),
    [
        ("term/liquidation-price/", 1280, True),  # math: KaTeX's stylesheet between the theme's and the site's
        ("definition/margin-call/", 390, False),
        ("area/margin-and-liquidation/", 1280, False),
    ],
)
def test_an_entry_page_looks_as_with_its_stylesheets_in_head(browser, built_site, path, width, dark) -> None:  # type: ignore[no-untyped-def]
    """Once the stylesheets have come, every element of the page (not only the first screen)
    has the style it would have with all of them linked from <head> and no critical
    stylesheet: the arrangement changes when the page is drawn, not how it looks."""
    served = _served(built_site, path)
    assert "<style>html{" in served
    view = {"width": width, "dark": dark, "first_screen": False}
    compared, found = _differences(browser, built_site.url(path), {**view, "html": _stylesheets_in_head(served)}, view)
    assert compared > 1000, path
    assert not found, found
