"""The critical stylesheet of entry pages: the rules of the site's real stylesheets that can
style what a reader sees first, selected by code from those stylesheets and the built pages.

An entry page (term, definition, area) prints this stylesheet in a `<style>` in its <head>
and links the full stylesheets (Material's, KaTeX's where there is math, glossary.css) in its
body, right after the lead of the article: the title, the summary and "In brief"
(templates/overrides/main.html). The browser paints everything before those links with
this stylesheet alone, without waiting for a stylesheet's round trip, and the rest of the
page once the full stylesheets have come. Every rule here comes again, unchanged and in
the same order, in the full stylesheets that follow it, so the page looks exactly the same
once they have come (site_src/reference/performance.md, "Math at build time").

Which rules: those of the stylesheets a built entry page links, in their order, that can
match an element before the links on some entry page of the built site. Selectors are
matched against those elements from the subject leftwards, combinators included, so a rule
for `.md-nav--secondary .md-nav__link` is kept because the table of contents is there, and
one for `[dir=rtl] .md-nav__link` is not. What the markup alone cannot settle counts as a
match: `:not()`, `:has()`, `:first-child` and the other structural pseudo-classes (the
markup is cut short); `<body>` carries every palette's colours (Material's inline script
puts a saved palette there before the first paint). What cannot match before the reader
acts is dropped: `:hover`, `:focus`, `:active`, `:target`, and `:checked` on a box not
checked in the markup (the drawer, search and section toggles; a radio button counts as
checkable). Also dropped: `@media print`, custom properties no kept declaration reads,
`@keyframes` no kept rule runs, declarations that only animate a change or answer the
reader (`transition`, `cursor`, `touch-action`, ...: nothing changes, and nobody has acted,
before the full stylesheets come with them), comments and spare whitespace. A selector list
with a vendor prefix in it is kept whole (a browser drops a list with one selector it does
not know; halved, it could start to apply). KaTeX's stylesheet takes part only if a first
screen holds drawn math (none does today: summaries and "In brief" are plain text).

The result is a template partial, `templates/overrides/partials/critical-css.html`, written
by

    python -m generator.emit.mkdocs.critical_css SITE_DIR

from a site built from this tree (`glossary build --site-dir SITE_DIR`), and checked
against a fresh build by tests/browser/test_math_static.py: change a stylesheet, the first
screen's markup or Material, and that test says to run the command again. Only the
standard library: the build's dependencies stay what they are.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from generator.emit.mkdocs.critical_css.css import Rule, parse, serialize, split_top, walk
from generator.emit.mkdocs.critical_css.markup import Markup
from generator.emit.mkdocs.critical_css.selectors import Matcher, Names

PROJECT = Path(__file__).resolve().parents[4]
PARTIAL = PROJECT / "templates" / "overrides" / "partials" / "critical-css.html"
ENTRY_KINDS = ("term", "definition", "area")
# KaTeX's stylesheet: linked by pages with math, needed by a first screen only with math in it.
KATEX_SHEET = "katex"
BUDGET_RAW = 25_000  # bytes; the page carries it on every cold load and in memory while served
BUDGET_GZIP = 7_000


# -- selecting ---------------------------------------------------------------------------------

_VENDOR = re.compile(r"::?-[a-z]")
# Declarations that say only how the page answers the reader or animates a change: nothing
# changes, and nobody has acted, before the full stylesheet has come with them.
_REACTIVE = re.compile(
    r"^\s*(?:-webkit-)?(?:transition(?:-[a-z-]+)?|will-change|cursor|user-select|touch-action|tap-highlight-color"
    r"|scroll-snap-[a-z-]+|outline-color|outline-offset)\s*:",
    re.IGNORECASE,
)
_CUSTOM = re.compile(r"^\s*(--[-_a-zA-Z0-9]+)\s*:")
_VAR = re.compile(r"var\(\s*(--[-_a-zA-Z0-9]+)")


def _keep_selectors(prelude: str, matcher: Matcher) -> str | None:
    selectors = [s.strip() for s in split_top(prelude, ",")]
    kept = [s for s in selectors if matcher.possible(s)]
    if not kept:
        return None
    if _VENDOR.search(prelude):
        return ",".join(selectors)
    return ",".join(kept)


def _select(rules: Iterable[Rule], matcher: Matcher) -> list[Rule]:
    out: list[Rule] = []
    for rule in rules:
        head = rule.prelude.lower()
        if rule.children is not None:
            if head.startswith("@media") and _print_only(head):
                continue
            children = _select(rule.children, matcher)
            if children:
                out.append(Rule(rule.prelude, children=children))
        elif head.startswith("@"):
            if head.startswith(("@keyframes", "@-webkit-keyframes", "@font-face", "@property", "@counter-style")):
                out.append(rule)  # kept for now: pruned below by what the kept rules use
            # @charset, @import, @page, @namespace: nothing for the first screen
        else:
            kept = _keep_selectors(rule.prelude, matcher)
            if kept is not None:
                out.append(Rule(kept, body=rule.body))
    return out


def _print_only(media: str) -> bool:
    query = media[len("@media") :].strip()
    return all(part.strip().startswith("print") for part in query.split(","))


def _declarations(body: str) -> list[str]:
    return [d.strip() for d in split_top(body, ";") if d.strip()]


def _style_rules(rules: Iterable[Rule]) -> Iterator[Rule]:
    return (r for r in walk(rules) if r.children is None and r.body is not None and not r.prelude.startswith("@"))


def _prune(rules: list[Rule]) -> list[Rule]:
    """Custom properties no kept declaration reads (directly or through another that is
    read), and @keyframes / @font-face no kept declaration names, dropped."""
    defined: dict[str, list[str]] = {}
    used: set[str] = set()
    for rule in _style_rules(rules):
        for decl in _declarations(rule.body or ""):
            custom = _CUSTOM.match(decl)
            if custom:
                defined.setdefault(custom.group(1), []).append(decl)
            else:
                used.update(_VAR.findall(decl))
    queue = list(used)
    while queue:
        name = queue.pop()
        for decl in defined.get(name, ()):
            for inner in _VAR.findall(decl):
                if inner not in used:
                    used.add(inner)
                    queue.append(inner)
    words = " ".join(
        d for rule in _style_rules(rules) for d in _declarations(rule.body or "") if not _CUSTOM.match(d)
    ) + " ".join(d for name in used for d in defined.get(name, ()))
    return _prune_rules(rules, used, words)


def _prune_rules(rules: list[Rule], used: set[str], words: str) -> list[Rule]:
    out: list[Rule] = []
    for rule in rules:
        head = rule.prelude.lower()
        if rule.children is not None:
            children = _prune_rules(rule.children, used, words)
            if children:
                out.append(Rule(rule.prelude, children=children))
        elif head.startswith(("@keyframes", "@-webkit-keyframes")):
            name = rule.prelude.split(None, 1)[1].strip() if " " in rule.prelude else ""
            if name and re.search(rf"(?<![-\w]){re.escape(name)}(?![-\w])", words):
                out.append(rule)
        elif head.startswith("@font-face"):
            family = re.search(r"font-family\s*:\s*([^;]+)", rule.body or "")
            if family and family.group(1).strip().strip("\"'") in words:
                out.append(rule)
        elif head.startswith("@"):
            out.append(rule)
        else:
            kept = [d for d in _declarations(rule.body or "") if _needed(d, used)]
            if kept:
                out.append(Rule(rule.prelude, body=";".join(kept)))
    return out


def _needed(declaration: str, used: set[str]) -> bool:
    custom = _CUSTOM.match(declaration)
    if custom is not None:
        return custom.group(1) in used
    return not _REACTIVE.match(declaration)


def critical(sheets: Iterable[str], screens: Iterable[str]) -> str:
    """The rules of `sheets` (CSS texts, in the order pages link them) that can style an
    element of `screens` (the HTML of first screens), as one minified stylesheet."""
    parsed = [parse(css) for css in sheets]
    selectors = [rule.prelude for rules in parsed for rule in walk(rules) if rule.children is None]
    markup = Markup(Names.of(selectors))
    for screen in screens:
        markup.add_html(screen)
    matcher = Matcher(markup)
    selected: list[Rule] = []
    for rules in parsed:
        selected.extend(_select(rules, matcher))
    return serialize(_prune(selected))


# -- from a built site --------------------------------------------------------------------------

_BODY_LINK = re.compile(r'<link rel="stylesheet" href="([^"]+)"')
_STYLE = re.compile(r"<style>.*?</style>", re.DOTALL)


def first_screen(page_html: str) -> str | None:
    """An entry page up to its full stylesheets' links in the body (what the browser paints
    with the critical stylesheet alone); None if its body links none."""
    body = page_html.find("<body")
    if body < 0:
        return None
    link = page_html.find('<link rel="stylesheet"', body)
    return None if link < 0 else page_html[:link]


def entry_pages(site: Path) -> list[Path]:
    return sorted(page for kind in ENTRY_KINDS for page in (site / kind).glob("*/index.html"))


def from_site(site: Path) -> str:
    """The critical stylesheet for `site`, a site built from this tree."""
    pages = entry_pages(site)
    if not pages:
        raise SystemExit(f"{site}: no entry pages (term/, definition/, area/): not a built glossary")
    screens: list[str] = []
    linked: list[str] = []  # the stylesheets, as the page linking the most of them links them
    math = False
    for page in pages:
        text = page.read_text(encoding="utf-8")
        screen = first_screen(text)
        if screen is None:
            raise SystemExit(f"{page}: links no stylesheet in its body: built before main.html placed them there?")
        screen = _STYLE.sub("", screen)
        screens.append(screen)
        math = math or 'class="katex' in screen[screen.find("<body") :]
        hrefs = [
            urlsplit(urljoin(page.relative_to(site).as_posix(), href)).path
            for href in _BODY_LINK.findall(text[text.find("<body") :])
        ]
        if len(hrefs) > len(linked):
            linked = hrefs
    sheets = [(site / path).read_text(encoding="utf-8") for path in linked if math or KATEX_SHEET not in path]
    return critical(sheets, screens)


HEADER = (
    "{#- Generated by `python -m generator.emit.mkdocs.critical_css SITE_DIR` from a built site: the\n"
    "    rules of the stylesheets an entry page links that can style its first screen. Do not\n"
    "    edit; tests/browser/test_math_static.py checks it against a fresh build. -#}\n"
)


def partial(css: str) -> str:
    """The template partial main.html includes: the stylesheet in a <style>, untouched by Jinja."""
    if "</style" in css.lower() or "{% endraw" in css:
        raise ValueError("the critical stylesheet would end its <style> or its raw block early")
    return HEADER + "{% raw %}<style>" + css + "</style>{% endraw %}\n"


def main(argv: list[str] | None = None) -> int:
    import gzip

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("site", type=Path, help="a site built from this tree (glossary build --site-dir SITE)")
    parser.add_argument("--out", type=Path, default=PARTIAL)
    parser.add_argument("--check", action="store_true", help="only say whether --out is up to date (exit 1 if not)")
    args = parser.parse_args(argv)
    css = from_site(args.site)
    raw, packed = len(css.encode("utf-8")), len(gzip.compress(css.encode("utf-8"), 9))
    print(f"critical stylesheet: {raw} bytes, {packed} gzipped (budget {BUDGET_RAW} and {BUDGET_GZIP})")
    if raw > BUDGET_RAW or packed > BUDGET_GZIP:
        print("over budget: not written", file=sys.stderr)
        return 1
    text = partial(css)
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if current != text:
            print(f"{args.out} is out of date", file=sys.stderr)
            return 1
        return 0
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out}")
    return 0
