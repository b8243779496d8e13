"""Red team: a glossary of attacks, built into a site and opened in Debian's chromium.

tests/hostile/redteam/ is a small glossary that passes `glossary validate`, yet every field
an author controls carries attacks (every route by which author text reaches a page, and the classic XSS, mXSS and
exfiltration tricks): title, summary, aliases, abbreviations, tags, body, FAQ facet,
question and answer, formula title, LaTeX, note, symbol, variable meaning and unit,
example title and note, source title, publisher, URL and note, area title and summary.
Every payload names its case: it calls alert('<case>') or asks http://evil.test/<case>,
so whatever gets through says where it came from. `CASES` lists them (read from the files
and from the old revisions the fixture commits); attacks the validator already refuses
are in tests/check/test_redteam_rejected.py.

The site is built once per module, inside a throwaway git checkout whose history holds a
poisoned revision (fails today's checks, 24,000 `[`) and an old revision that passes them
with payloads of its own, so `/rev/` pages are attacked too. Every page the build wrote is
then opened twice in one reused browser: once as a reader gets it (the
Content-Security-Policy on), once with the policy switched off, so that the output
allowlist is tested alone. On each page the test hovers and clicks everything (links are
not followed), types into the search box on the home page, sweeps the graphs' canvases,
and asserts: no dialog, no request leaving 127.0.0.1, no on* attribute, no
javascript:/vbscript:/data:text/html URL, no srcset/srcdoc, no url() in a style
attribute, no script/iframe/frame/object/embed/form/style/base/meta/link (or other
injected element) in the content, no <base> or foreign refresh anywhere, no inline script
but the theme's own, no script from elsewhere, no element of the content pinned over the
page (position: fixed), the theme's #__config is its own, no page error, no link out of
KaTeX, and - with the policy on - no CSP violation.

Separate tests check that payloads in plain-text fields are shown as the text the author
typed (and code as typed), that no local file content reached a page, that old revisions
are held to today's checks, and the policy itself: on every page of the red-team and the
shipped site it is present, strict, allows the theme's inline scripts and nothing else,
and the HTML holds nothing it would refuse; `_headers` carries the same policy plus
frame-ancestors; a page tampered with after the build has its scripts refused; and the
shipped site's pages load in the browser without a violation (the largest pages of each
kind; every page with GLOSSARY_CSP_ALL_PAGES=1, about two minutes).
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

import pytest

from tests.browser.conftest import BuiltSite
from tests.browser.pagecheck import (
    FIND_LIVE_SCRIPT,
    POKE_EVERYTHING,
    build_glossary,
    csp_violations,
    serve,
    site_pages,
    theme_inline_scripts,
    watch,
)

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
REDTEAM = ROOT / "tests" / "hostile" / "redteam"
GIT = shutil.which("git")

# Old revisions of rt-target.yaml that the fixture commits before the current files. The
# poisoned one fails today's checks (a source without `type`, 24,000 `[`): it must be
# skipped, quickly, with a warning naming its commit. The old one passes them and is
# published under /rev/, through the same renderer and allowlist as the current pages.
REV_POISONED = (
    "title: \"RT Target <script>alert('rev-poisoned')</script>\"\n"
    "kind: definition\nsummary: A poisoned old revision.\nareas: [rt-area]\n"
    "sources:\n  - {id: src, title: A Source, publisher: Example Press, url: 'https://example.org/a', accessed: 2026-11-01}\n"
    "published: 2026-03-14\nmodified: 2026-11-20\nbody: |\n  " + "[" * 24_000 + "\n"
)
REV_OLD_BODY = (
    " Old text <script>alert('rev-old-script')</script> <img src=x onerror=alert('rev-old-img')>"
    " [x](javascript:alert('rev-old-link')) `tick\n\n  <svg onload=alert('rev-old-code-span')>\n\n  end`."
)

_CASE = re.compile(r"alert\(''?([a-z0-9-]+)''?\)|evil\.test/([a-z0-9-]+)")
# Cases whose payload calls nothing: text that must stay text.
TEXT_CASES = {
    "template-jinja": '{{ 7*7 }} {% include "mkdocs.yml" %} {{ config.site_name }}',
    "alias-template": "{{ 7*7 }} {% include 'mkdocs.yml' %}",
    "snippet-include": '--8<-- "/etc/passwd"',
    "fragment-placeholder": "Placeholders glhtml0 and glhtml1x0 stand as text.",
    "heading-theme-id": "__config",
    "md-data-base64": "data:text/html;base64",
    "md-img-svg-base64": "data:image/svg+xml;base64",
    "md-vbscript": "vbscript:msgbox",
    "md-img-file": "file:///etc/passwd",
    "source-url-entity": "&#34;onmouseover=",
    "admonition-class": "!!! md-dialog md-dialog--active",
}


def case_ids() -> set[str]:
    text = "\n".join(path.read_text(encoding="utf-8") for path in sorted(REDTEAM.glob("*.yaml")))
    found = {a or b for a, b in _CASE.findall(text + REV_POISONED + REV_OLD_BODY)}
    return found | set(TEXT_CASES)


CASES = frozenset(case_ids())


def test_the_red_team_has_at_least_60_cases() -> None:
    assert len(CASES) >= 60, sorted(CASES)
    assert "rev-old-script" in CASES and "title-script" in CASES
    text = "\n".join(path.read_text(encoding="utf-8") for path in REDTEAM.glob("*.yaml"))
    assert [case for case, payload in TEXT_CASES.items() if payload not in text] == []


# -- the site --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RedTeamSite:
    root: Path
    base_url: str
    output: str
    build_seconds: float
    poisoned_commit: str
    theme_scripts: list[str]
    pages: list[str]

    def url(self, path: str = "") -> str:
        return self.base_url + path.lstrip("/")


def _git(repo: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_AUTHOR_NAME": "Red Team",
        "GIT_AUTHOR_EMAIL": "red@example.org",
        "GIT_COMMITTER_NAME": "Red Team",
        "GIT_COMMITTER_EMAIL": "red@example.org",
    }
    result = subprocess.run(
        ["git", "-c", "commit.gpgsign=false", *args], cwd=repo, env=env, capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def _with_history(repo: Path) -> str:
    """terms/ in a fresh checkout: a poisoned and an old revision of rt-target committed,
    the current red-team files on top, uncommitted. Returns the poisoned commit."""
    terms = repo / "terms"
    shutil.copytree(REDTEAM, terms)
    target = terms / "rt-target.yaml"
    current = target.read_text(encoding="utf-8")
    if GIT is None:
        return ""
    _git(repo, "init", "-q", "-b", "main")
    target.write_text(REV_POISONED, encoding="utf-8")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "poisoned")
    poisoned = _git(repo, "rev-parse", "HEAD")
    target.write_text(current.rstrip("\n") + REV_OLD_BODY + "\n", encoding="utf-8")
    _git(repo, "commit", "-q", "-am", "old")
    target.write_text(current, encoding="utf-8")
    return poisoned


@pytest.fixture(scope="module")
def redteam_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedTeamSite]:
    work = tmp_path_factory.mktemp("redteam")
    poisoned = _with_history(work / "checkout")
    site = work / "site"
    started = time.monotonic()
    proc = build_glossary(work / "checkout" / "terms", site)
    seconds = time.monotonic() - started
    output = proc.stdout + proc.stderr
    if proc.returncode != 0:
        pytest.fail(f"the red-team glossary did not build (exit {proc.returncode}):\n{output}", pytrace=False)
    with serve(site) as base_url:
        yield RedTeamSite(site, base_url, output, seconds, poisoned, theme_inline_scripts(site), site_pages(site))


# -- every page, every payload ----------------------------------------------------------------

# Pages the red-team build must write; the test opens every page it wrote, these included.
EXPECTED_PAGES = (
    "",
    "a-z/",
    "area/",
    "area/rt-area/",
    "tags/",
    "tags/red-team/",
    "tags/hostile/",
    "graph/",
    "calculators/",
    "404.html",
    "term/rt-fields/",
    "term/rt-body/",
    "term/rt-tricks/",
    "definition/rt-target/",
    "definition/rt-hole/",
)

HAND_WRITTEN = {"about", "how-to-cite", "reference"}

# Move the mouse over a canvas (the graphs draw their nodes there) so tooltips with titles open.
_CANVASES = "() => [...document.querySelectorAll('canvas')].map(c => { const r = c.getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; }).filter(r => r[2] > 0 && r[3] > 0)"


def _sweep_canvases(page: object) -> None:
    for x, y, width, height in page.evaluate(_CANVASES)[:2]:
        for i in range(1, 8):
            for j in range(1, 6):
                page.mouse.move(x + width * i / 8, y + height * j / 6)


def _check_page(page: object, seen: object, site: RedTeamSite, path: str, *, csp: bool) -> list[str]:
    """Open one page, poke everything, and say what came alive (empty: nothing)."""
    seen.dialogs.clear(), seen.requests.clear(), seen.errors.clear()
    page.goto(site.url(path), wait_until="load")  # after every image has loaded or failed (onerror)
    page.wait_for_timeout(50)  # deferred scripts settle
    problems = list(page.evaluate(FIND_LIVE_SCRIPT, site.theme_scripts))
    assert page.evaluate(POKE_EVERYTHING) > 30
    _sweep_canvases(page)
    if path == "":
        box = page.locator("[data-gl-search-input]")
        if box.count():
            box.first.fill("RT")
            page.wait_for_timeout(300)
    page.wait_for_timeout(50)
    problems += page.evaluate(FIND_LIVE_SCRIPT, site.theme_scripts)  # again, after the page's scripts ran
    problems += [f"dialog {d}" for d in seen.dialogs]
    problems += [f"request left the site: {r}" for r in seen.requests]
    problems += [f"page error: {e}" for e in seen.errors]
    if csp:
        problems += [f"CSP violation: {v}" for v in csp_violations(page)]
    # Poking marks elements (focus-visible): report each finding once.
    problems = [re.sub(r' ?(class="focus-visible"|focus-visible|data-focus-visible-added="")', "", p) for p in problems]
    return [f"{path or '/'}: {p}" for p in dict.fromkeys(problems)]


@pytest.mark.parametrize("csp", [True, False], ids=["as-served", "allowlist-alone"])
def test_no_payload_comes_alive_on_any_page(browser, redteam_site: RedTeamSite, csp: bool) -> None:
    missing = [p for p in EXPECTED_PAGES if p not in redteam_site.pages]
    assert not missing, f"the build did not write {missing}"
    # Pages that only forward to another are opened through it; with the policy off, the
    # hand-written pages (no author text) are left out.
    pages = [p for p in site_pages(redteam_site.root, forwards=False) if csp or p.split("/")[0] not in HAND_WRITTEN]
    problems: list[str] = []
    with watch(browser, bypass_csp=not csp) as (page, seen):
        for path in [*pages, "no-such-page/"]:  # the last: the 404 page as a host serves it
            problems += _check_page(page, seen, redteam_site, path, csp=csp)
    assert not problems, f"{len(problems)} problem(s) on the red-team site:\n" + "\n".join(problems)


# -- readers see what the author typed --------------------------------------------------------

# (page, CSS selector, text that must appear in it exactly as typed)
SHOWN_AS_TEXT = [
    (
        "term/rt-fields/",
        "h1",
        "RT Fields <script>alert('title-script')</script> { style=background:url(//evil.test/title-attr) }",
    ),
    ("term/rt-fields/", ".gl-names", "<svg onload=alert('alias-svg')>"),
    ("term/rt-fields/", ".gl-names", "zz{: onclick=alert('alias-attr') }"),
    ("term/rt-fields/", ".gl-names", "yy](javascript:alert('alias-link-break')) ["),
    ("term/rt-fields/", ".gl-names", "\"><script>alert('abbr-quote')</script>"),
    ("term/rt-fields/", ".gl-names", "<b onmouseover=alert('abbr-b')>AB</b>"),
    (
        "term/rt-fields/",
        ".gl-formula summary",
        "Formula <iframe srcdoc=\"<script>alert('formula-title')</script>\"></iframe> { onclick=alert('formula-title-attr') }",
    ),
    (
        "term/rt-fields/",
        ".gl-vars",
        "meaning <img src=x onerror=alert('meaning')> $\\href{javascript:alert('meaning-katex')}{m}$ {: onclick=alert('meaning-attr') }",
    ),
    (
        "term/rt-fields/",
        ".gl-vars",
        "<b onclick=alert('unit')>USDT</b> { style=background:url(//evil.test/unit-attr) }",
    ),
    ("term/rt-fields/", ".gl-vars", "<script>alert('result-unit')</script>"),
    (
        "term/rt-fields/",
        ".gl-worked summary",
        "Example <object data=\"javascript:alert('example-title')\"></object> { style=background:url(//evil.test/example-title-attr);position:fixed;inset:0 }",
    ),
    (
        "term/rt-fields/",
        ".gl-sources",
        "Source <embed src=\"javascript:alert('source-title')\"> $\\href{javascript:alert('source-title-katex')}{s}$ { style=background:url(//evil.test/source-title-attr) }",
    ),
    (
        "term/rt-fields/",
        ".gl-sources",
        "Press <img src=x onerror=alert('source-publisher')> [p](javascript:alert('source-publisher-link'))",
    ),
    (
        "term/rt-fields/",
        ".gl-sources",
        "<svg onload=alert('source-note')> [sn](javascript:alert('source-note-link')) { onclick=alert('source-note-attr') }",
    ),
    ("term/rt-fields/", ".gl-summary", "<img src=x onerror=alert('summary-img')>"),
    ("term/rt-fields/", ".gl-brief", "<img src=x onerror=alert('brief-img')> {: onclick=alert('brief-attr') }"),
    ("term/rt-fields/", ".gl-brief", "<script>alert('brief-script')</script>"),
    ("term/rt-fields/", ".gl-note", "Note <img src=x onerror=alert('formula-note-img')>"),
    ("term/rt-body/", "h1", "RT Body \"><svg onload=alert('body-title-quote')> ' onmouseover='alert(1)"),
    ("term/rt-body/", ".gl-names", "{{ 7*7 }} {% include 'mkdocs.yml' %}"),
    (
        "term/rt-body/",
        ".md-content",
        "Raw <script>alert('raw-script')</script> and <img src=x onerror=alert('raw-img')> and <svg onload=alert('raw-svg')>.",
    ),
    ("term/rt-body/", ".md-content", "<math><mtext><table><mglyph><style><img src=x onerror=alert('mathml-mglyph')>"),
    (
        "term/rt-body/",
        ".md-content",
        "<noscript><p title=\"</noscript><img src=x onerror=alert('noscript-mxss')>\"></noscript>",
    ),
    (
        "term/rt-body/",
        ".md-content",
        '<base href="//evil.test/raw-base/"> <meta http-equiv="refresh" content="0;url=javascript:alert(\'raw-meta-refresh\')">',
    ),
    (
        "term/rt-body/",
        ".md-content",
        'Template injection {{ 7*7 }} {% include "mkdocs.yml" %} {{ config.site_name }} and a snippet:',
    ),
    ("term/rt-body/", ".md-content", '--8<-- "/etc/passwd"'),
    ("term/rt-body/", ".md-content", "Placeholders glhtml0 and glhtml1x0 stand as text."),
    ("term/rt-body/", ".md-content", "<img src=x onerror=alert('admonition-title')>"),
    ("term/rt-body/", ".md-content", "<script>alert('tab-title')</script>"),
    ("term/rt-body/", ".md-content", "head <img src=x onerror=alert('table-head')>"),
    ("term/rt-body/", "h2", "Heading <img src=x onerror=alert('heading-raw')>"),
    (
        "term/rt-tricks/",
        "h1",
        "RT Tricks &lt;svg onload=alert('title-entity')&gt; &#x3C;img src=x onerror=alert('title-hex')&#x3E;",
    ),
    ("definition/rt-hole/", ".md-content", "and closes` here. The text after the hole is still the page's."),
    (
        "area/rt-area/",
        "h1",
        "RTArea <img src=x onerror=alert('area-title')> { style=background:url(//evil.test/area-title-attr) }",
    ),
    (
        "area/rt-area/",
        ".md-content",
        "How much {: onclick=alert('faq-question-attr') } <script>alert('faq-question-script')</script> $\\href{javascript:alert('faq-question-katex')}{y}$",
    ),
    (
        "area/rt-area/",
        ".md-content",
        "Facet <style>*{background:url(//evil.test/faq-facet-style)}</style> { style=background:url(//evil.test/faq-facet-attr);position:fixed;inset:0 }",
    ),
    ("area/rt-area/", ".md-content", "Enough <img src=x onerror=alert('faq-answer-img')>"),
    ("a-z/", ".md-content", "RT Fields <script>alert('title-script')</script>"),
    ("a-z/", ".md-content", "RT Body \"><svg onload=alert('body-title-quote')>"),
    ("tags/hostile/", ".md-content", "RT Fields <script>alert('title-script')</script>"),
    ("area/", ".md-content", "RTArea <img src=x onerror=alert('area-title')>"),
    ("", ".md-content", "RTArea <img src=x onerror=alert('area-title')>"),
]


def test_payloads_in_text_fields_are_shown_as_typed(watched, redteam_site: RedTeamSite) -> None:
    """Escaped, not dropped: a reader sees the characters the author typed, and nothing runs."""
    page, seen = watched
    missing: list[str] = []
    loaded = None
    for path, selector, text in SHOWN_AS_TEXT:
        if path != loaded:
            page.goto(redteam_site.url(path), wait_until="load")
            loaded = path
        shown = "\n".join(page.locator(selector).all_inner_texts())
        if text not in shown:
            missing.append(f"{path} {selector}: {text!r}")
    assert not missing, "not shown as typed:\n" + "\n".join(missing)
    page.goto(redteam_site.url("term/rt-fields/"), wait_until="load")
    assert "RT Fields <script>alert('title-script')</script>" in page.title()  # <title>, from the front matter
    assert seen.dialogs == []


# Text that Python-Markdown reads as code although the Markdown-side lexer did not (or the
# other way round): a code span across paragraphs, a fence superfences does not accept
# (```!), one closed by a longer fence, one indented two spaces. The reader should still
# see what the author typed, neither escaped twice (`&lt;script>`) nor dropped by the
# allowlist as raw HTML: an author's `<` reaches the parser as a character it never reads
# as syntax, and becomes `<` again after conversion, code or not (generator/render/escape.py).
CODE_SHOWN_AS_TYPED = [
    ("term/rt-body/", "<script>alert('code-span-paragraphs')</script><img src=x onerror=alert('code-span-img')>"),
    ("term/rt-body/", '<img src="x" onerror="alert(\'summary-code-span\')">'),
    ("term/rt-body/", "<script>alert('fence-bang')</script><img src=x onerror=alert('fence-bang-img')>"),
    ("term/rt-body/", "<script>alert('fence-closed-longer')</script>"),
    ("term/rt-body/", "<script>alert('fence-two-space')</script><img src=x onerror=alert('fence-two-space-img')>"),
]


def test_code_shows_what_the_author_typed(watched, redteam_site: RedTeamSite) -> None:
    """Not a hole (the allowlist keeps all of it inert) but the other half of keeping author
    text inert: what the real parser reads as code shows what the author typed, whatever the
    Markdown-side lexer made of it."""
    page, _seen = watched
    missing: list[str] = []
    for path, text in CODE_SHOWN_AS_TYPED:
        page.goto(redteam_site.url(path), wait_until="load")
        if text not in page.locator(".md-content").inner_text():
            missing.append(f"{path}: {text}")
    assert not missing, "not shown as typed:\n" + "\n".join(missing)


def test_the_stand_ins_for_angle_brackets_and_braces_never_reach_a_file(redteam_site: RedTeamSite) -> None:
    """The control characters that stand for an author's `<` and `{` while Python-Markdown
    reads a page (generator/render/escape.py) are all turned back, in every text file the
    build wrote. (A control character an author wrote as an entity, `&#1;`, is text.)"""
    control = re.compile(r"[\x0e-\x11]")
    text_files = [
        path
        for path in sorted(redteam_site.root.rglob("*"))
        if path.is_file() and path.suffix in {".html", ".json", ".md", ".xml", ".csv", ".ttl", ".bib", ".jsonld"}
    ]
    assert len(text_files) > 50
    for path in text_files:
        found = control.search(path.read_text(encoding="utf-8", errors="replace"))
        assert found is None, f"{path.relative_to(redteam_site.root)}: {found.group(0)!r} at {found.start()}"


def test_no_local_file_content_reaches_a_page(redteam_site: RedTeamSite) -> None:
    """Template syntax, snippet includes, file: URLs and \\includegraphics read no file."""
    passwd = Path("/etc/passwd").read_text(encoding="utf-8", errors="replace").splitlines()[:1]
    config_line = "site_name: Leverage Glossary"
    for path in sorted(redteam_site.root.rglob("*")):
        if not path.is_file() or path.suffix not in {
            ".html",
            ".json",
            ".md",
            ".xml",
            ".csv",
            ".ttl",
            ".bib",
            ".jsonld",
        }:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for secret in [*passwd, "root:x:0:0", config_line]:
            assert secret not in text, f"{path.relative_to(redteam_site.root)} holds {secret!r}"
        assert "49 {%" not in text and "Leverage Glossary and a snippet" not in text, (
            path
        )  # {{ 7*7 }}, {{ config.site_name }}


def test_math_the_validator_never_read_is_never_drawn(watched, redteam_site: RedTeamSite) -> None:
    """Text the validator never reads as math (an admonition of type `arithmatex`) once reached
    KaTeX in the browser. Math is drawn at build time now, only what the validator checked,
    and no page loads KaTeX: \\href and \\url give no link, \\includegraphics loads nothing,
    the endless macro is never expanded; the text stays text."""
    page, seen = watched
    page.goto(redteam_site.url("term/rt-tricks/"), wait_until="load")
    assert page.evaluate("typeof window.katex") == "undefined"
    assert page.locator(".md-content .arithmatex").count() >= 2
    assert page.locator(".md-content .arithmatex .katex").count() == 0
    assert (
        page.locator(".md-content .arithmatex a, .md-content .arithmatex img, .md-content .arithmatex [href]").count()
        == 0
    )
    assert seen.requests == [] and seen.dialogs == []


def test_revisions_are_held_to_todays_checks(redteam_site: RedTeamSite) -> None:
    """The poisoned revision is left out with a warning naming its commit, without slowing
    the build; the old revision that passes today's checks is published (and attacked above)."""
    if not redteam_site.poisoned_commit:
        pytest.skip("git is not installed: no history to attack")
    assert f"old revision of rt-target at commit {redteam_site.poisoned_commit[:12]}" in redteam_site.output
    assert "fails today's checks" in redteam_site.output
    assert redteam_site.build_seconds < 60, f"the build took {redteam_site.build_seconds:.0f} s"
    revisions = [p for p in redteam_site.pages if p.startswith("rev/rt-target/")]
    assert len(revisions) >= 2, revisions  # the current version's permanent address and the old revision
    old = [
        p for p in revisions if "rev-old-script" in (redteam_site.root / p / "index.html").read_text(encoding="utf-8")
    ]
    assert old, "the old revision's page was not published"
    assert "rev-poisoned" not in "".join(
        (redteam_site.root / p / "index.html").read_text(encoding="utf-8") for p in revisions
    )


# -- the Content-Security-Policy ---------------------------------------------------------------

_META = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">')
REQUIRED = (
    "default-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-src 'none'",
)


def _directives(policy: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


def _sha256(text: str) -> str:
    return f"'sha256-{base64.b64encode(hashlib.sha256(text.encode('utf-8')).digest()).decode('ascii')}'"


def _theme_hashes(theme_scripts: list[str], html: str) -> set[str]:
    """The sha256 sources of the theme's inline scripts as they stand in this page."""
    scope = re.search(r'__md_scope=new URL\("[^"]*",location\)', html)
    return {
        _sha256(script.replace('__md_scope=new URL("",location)', scope.group(0)) if scope else script)
        for script in theme_scripts
    }


class _PageReader(HTMLParser):
    """What a browser would hold against a page's policy before any script runs: its
    inline scripts, event-handler attributes, script URLs, and what it loads from elsewhere."""

    LOADS: ClassVar[set[tuple[str, str]]] = {
        ("script", "src"),
        ("img", "src"),
        ("iframe", "src"),
        ("embed", "src"),
        ("object", "data"),
        ("source", "src"),
        ("video", "poster"),
        ("audio", "src"),
        ("input", "src"),
    }

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[str] = []
        self.findings: list[str] = []
        self._script: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.findings.append(f"<{tag} {name}=...>: an event handler")
            if name in {"href", "src", "action", "formaction", "data"} and re.sub(
                r"[\x00-\x20]", "", value
            ).lower().startswith(("javascript:", "vbscript:")):
                self.findings.append(f"<{tag} {name}={value[:60]}>")
            if (tag, name) in self.LOADS or (
                tag == "link"
                and name == "href"
                and re.search(r"stylesheet|icon|preload|prefetch|manifest", values.get("rel") or "")
            ):
                if re.match(r"(?i)\s*([a-z][a-z0-9+.-]*:|//)", value) and not value.startswith("data:image/"):
                    self.findings.append(f"<{tag} {name}={value[:80]}>: loads from elsewhere")
        if (
            tag == "script"
            and "src" not in values
            and (values.get("type") or "").lower() in {"", "text/javascript", "application/javascript", "module"}
        ):
            self._script = []

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.scripts.append("".join(self._script))
            self._script = None


def _check_policies(root: Path, theme_scripts: list[str]) -> list[str]:
    """Every page carries the policy, first in <head> after the charset, strict for scripts,
    allowing the theme's inline scripts and no other; and holds nothing the browser would
    refuse under it (an inline script it does not allow, an event handler, a javascript:
    URL, a script, style or image from elsewhere) - a violation known before loading."""
    problems = []
    for path in sorted(root.rglob("*.html")):
        html = path.read_text(encoding="utf-8")
        rel = path.relative_to(root).as_posix()
        found = _META.findall(html)
        if len(found) != 1:
            problems.append(f"{rel}: {len(found)} CSP meta tags")
            continue
        head = html[html.find("<head>") : html.find(_META.pattern[:30])] if "<head>" in html else ""
        if "<script" in head or "<link" in head:
            problems.append(f"{rel}: something loads before the policy")
        policy = _directives(found[0])
        script_src = policy.get("script-src", [])
        if script_src[:1] != ["'self'"] or {"'unsafe-inline'", "'unsafe-eval'", "*", "data:"} & set(script_src):
            problems.append(f"{rel}: script-src {' '.join(script_src)}")
        allowed = {h for h in script_src if h.startswith("'sha256-")}
        extra = allowed - _theme_hashes(theme_scripts, html)
        if extra:
            problems.append(f"{rel}: the policy allows inline scripts that are not the theme's: {sorted(extra)}")
        for directive in REQUIRED:
            name, *values = directive.split()
            if policy.get(name) != values:
                problems.append(f"{rel}: {name} is {policy.get(name)}, not {values}")
        reader = _PageReader()
        reader.feed(html)
        refused = [script[:60] for script in reader.scripts if _sha256(script) not in allowed]
        problems += [f"{rel}: inline script the policy refuses: {script!r}" for script in refused]
        problems += [f"{rel}: {finding}" for finding in reader.findings]
    return problems


def test_every_red_team_page_has_a_strict_policy(redteam_site: RedTeamSite) -> None:
    problems = _check_policies(redteam_site.root, redteam_site.theme_scripts)
    assert not problems, "\n".join(problems)


def _check_headers_file(root: Path) -> None:
    headers = (root / "_headers").read_text(encoding="utf-8")
    assert headers.startswith("/*\n"), headers
    line = next(line for line in headers.splitlines() if line.strip().startswith("Content-Security-Policy:"))
    header = _directives(line.split(":", 1)[1])
    assert header.get("frame-ancestors") == ["'none'"], line
    assert "X-Content-Type-Options: nosniff" in headers
    page_hashes: set[str] = set()
    for path in root.rglob("*.html"):
        found = _META.search(path.read_text(encoding="utf-8"))
        if found is None:
            continue  # a page without the policy: test_every_*_has_a_strict_policy names it
        meta = _directives(found.group(1))
        assert {k: v for k, v in meta.items() if k != "script-src"} == {
            k: v for k, v in header.items() if k not in {"script-src", "frame-ancestors"}
        }, path
        page_hashes |= set(meta["script-src"][1:])
    assert header["script-src"][0] == "'self'" and set(header["script-src"][1:]) == page_hashes, line


def test_headers_file_carries_the_same_policy_and_frame_ancestors(redteam_site: RedTeamSite) -> None:
    _check_headers_file(redteam_site.root)


def test_an_injected_script_is_refused_by_the_policy(watched, redteam_site: RedTeamSite) -> None:
    """A built page tampered with after the build (an extra inline script, an event handler,
    a javascript: link, a script from elsewhere), and script inserted while it runs: the
    browser refuses them all, and the theme's own scripts still run."""
    original = redteam_site.root / "definition" / "rt-target" / "index.html"
    tampered = redteam_site.root / "definition" / "csp-injected" / "index.html"
    tampered.parent.mkdir(exist_ok=True)
    injected = (
        "<script>window.__pwned = 1</script>"
        '<img src="x" onerror="window.__pwnedImg = 1">'
        '<a id="pwn-link" href="javascript:window.__pwnedLink = 1">x</a>'
        '<script src="https://evil.test/csp-injected.js"></script>'
    )
    tampered.write_text(original.read_text(encoding="utf-8").replace("</body>", injected + "</body>"), encoding="utf-8")
    page, seen = watched
    try:
        page.goto(redteam_site.url("definition/csp-injected/"), wait_until="load")
        page.wait_for_timeout(200)
        page.locator("#pwn-link").click()
        page.evaluate("""() => {
            document.body.insertAdjacentHTML("beforeend", '<img src="y" onerror="window.__pwnedRuntime = 1">');
            const s = document.createElement("script");
            s.textContent = "window.__pwnedScript = 1";
            document.body.append(s);
        }""")
        page.wait_for_timeout(300)
        ran = page.evaluate(
            "() => ['__pwned', '__pwnedImg', '__pwnedLink', '__pwnedRuntime', '__pwnedScript']"
            ".filter(name => window[name] !== undefined)"
        )
        assert ran == [], f"the policy let these run: {ran}"
        violations = csp_violations(page)
        assert any(v.startswith("script-src-elem blocked inline") for v in violations), violations
        assert any(v.startswith("script-src-attr blocked inline") for v in violations), violations
        assert any("evil.test" in v for v in violations), violations
        assert sum("inline" in v for v in violations) >= 4, violations  # script, onerror, javascript:, runtime x2
        assert seen.requests == [], seen.requests  # refused before any request was made
        assert page.evaluate("() => typeof window.__md_get === 'function' && !!document.querySelector('.md-header')")
    finally:
        shutil.rmtree(tampered.parent)


def test_every_shipped_page_has_a_strict_policy(built_site: BuiltSite) -> None:
    """Every page of the shipped site carries the policy, strict for scripts, allowing the
    theme's inline scripts and no other, and holds nothing the browser would refuse under
    it."""
    problems = _check_policies(built_site.root, theme_inline_scripts(built_site.root))
    assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(problems[:40])


def test_shipped_headers_file_carries_the_same_policy(built_site: BuiltSite) -> None:
    _check_headers_file(built_site.root)


ALL_PAGES_ENV = "GLOSSARY_CSP_ALL_PAGES"
PER_KIND = 4


def _pages_to_open(root: Path) -> list[str]:
    """Every page, with GLOSSARY_CSP_ALL_PAGES=1. Otherwise the largest few of each kind
    (entries, definitions, areas, tags, old revisions, reference pages, ...: the pages
    with the most formulas, charts, lists and links) and every page that is one of a kind."""
    pages = site_pages(root, forwards=False)
    if os.environ.get(ALL_PAGES_ENV):
        return pages
    kinds: dict[str, list[str]] = {}
    for path in pages:
        kinds.setdefault(path.split("/")[0] if "/" in path.rstrip("/") else path, []).append(path)

    def size(path: str) -> int:
        return (root / (path if path.endswith(".html") else path + "index.html")).stat().st_size

    return [path for group in kinds.values() for path in sorted(group, key=size, reverse=True)[:PER_KIND]]


def test_shipped_pages_load_without_a_csp_violation(browser, built_site: BuiltSite) -> None:
    """The shipped glossary as readers get it, in the browser: no violation, no page error,
    nothing leaving the site, with the theme, KaTeX, the graphs, charts, hover previews
    and search running under the policy. What a page's HTML alone would violate is
    checked on every page above; what scripts do when they run depends on the kind of page,
    so the largest pages of each kind are opened (all of them with GLOSSARY_CSP_ALL_PAGES=1),
    and the largest of each kind hovered and clicked."""
    pages = _pages_to_open(built_site.root)
    poke = {pages[i] for i in range(len(pages)) if i == 0 or pages[i].split("/")[0] != pages[i - 1].split("/")[0]}
    problems: list[str] = []
    with watch(browser) as (page, seen):  # one tab: Chromium throttles tabs in the background
        for path in pages:
            page.goto(built_site.url(path), wait_until="load")
            if path in poke:
                page.evaluate(POKE_EVERYTHING)
                _sweep_canvases(page)
            problems += [f"{path}: {v}" for v in csp_violations(page)]
            problems += [f"{path}: page error: {e}" for e in seen.errors]
            problems += [f"{path}: request left the site: {r}" for r in seen.requests]
            seen.errors.clear(), seen.requests.clear()
    assert len(pages) >= 30, pages
    assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(problems[:50])
