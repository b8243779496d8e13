"""Browser fixtures: build the shipped glossary once, serve it on localhost, drive chromium.

Shared by every browser test (site pages, search UI). The site is built with the real
`glossary build --site-dir` so the tests see exactly what would be deployed. Every
request that is not for 127.0.0.1 is aborted and recorded: the site must work offline
and must never call out, so a test fails at teardown if anything tried.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.browser.pagecheck import serve

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _chromium() -> str | None:
    return shutil.which("chromium")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip browser tests with a clear reason when Debian's chromium is absent (CI installs it)."""
    if _chromium():
        return
    skip = pytest.mark.skip(reason="chromium is not installed (apt-get install chromium); browser tests need it")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@dataclass(frozen=True)
class BuiltSite:
    """The shipped glossary built into `root` and served at `base_url` (ends with `/`)."""

    root: Path
    base_url: str
    build_output: str

    def url(self, path: str = "") -> str:
        return self.base_url + path.lstrip("/")


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BuiltSite]:
    """Build terms/ once with `glossary build --site-dir` and serve it on 127.0.0.1.

    GLOSSARY_BROWSER_TERMS names another folder to build instead (a stable copy of terms/
    while writers are in the middle of an edit); unset, it is the shipped terms/.
    """
    site_dir = tmp_path_factory.mktemp("browser-site") / "site"
    terms = Path(os.environ.get("GLOSSARY_BROWSER_TERMS") or ROOT / "terms")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "GLOSSARY_SITE_URL": "https://leverage-glossary.org/"}
    proc = subprocess.run(
        [sys.executable, "-m", "generator", "build", "--terms", str(terms), "--site-dir", str(site_dir)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = proc.stdout + proc.stderr
    if proc.returncode != 0:
        pytest.fail(f"glossary build failed (exit {proc.returncode}):\n{output}", pytrace=False)
    with serve(site_dir) as base_url:
        yield BuiltSite(site_dir, base_url, output)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One headless Debian chromium for the session (Playwright never downloads a browser)."""
    executable = _chromium()
    if executable is None:
        pytest.skip("chromium is not installed (apt-get install chromium); browser tests need it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()


@dataclass
class PageLog:
    """What a page did that a test may want to assert on."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        return [*self.console_errors, *self.page_errors]


@pytest.fixture
def page_log() -> PageLog:
    return PageLog()


@pytest.fixture
def page(browser: object, built_site: BuiltSite, page_log: PageLog) -> Iterator[object]:
    """A fresh page; off-site requests are aborted and recorded, console errors captured.

    Teardown fails the test if any request tried to leave 127.0.0.1: the site is
    offline and private by design. Console errors are left to each test to assert
    (`assert not page_log.problems()`), so a test can check an expected 404 first.
    """
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")

    def guard(route: object) -> None:
        request = route.request
        host = urlsplit(request.url).hostname
        if request.url.startswith(("data:", "blob:", "about:")) or host == "127.0.0.1":
            route.continue_()
        else:
            page_log.external_requests.append(request.url)
            route.abort()

    context.route("**/*", guard)
    new_page = context.new_page()
    new_page.on(
        "console",
        lambda message: (
            page_log.console_errors.append(f"{message.type}: {message.text} @ {message.location}")
            if message.type == "error"
            else None
        ),
    )
    new_page.on("pageerror", lambda error: page_log.page_errors.append(f"pageerror: {error}"))
    new_page.set_default_timeout(15_000)
    try:
        yield new_page
    finally:
        context.close()
    assert not page_log.external_requests, f"requests left the site: {page_log.external_requests}"


def wait_for(page: object, expression: str, timeout: float = 15.0, arg: object = None) -> None:
    """Wait until a JavaScript expression (or, with `arg`, a function of it) is true in the page.

    Playwright's `wait_for_function` runs its predicate through `new Function` inside the
    page, which the site's Content-Security-Policy (no 'unsafe-eval') rightly refuses; this
    asks from outside instead, as `page.evaluate` does, every 50 ms.
    """
    import time

    deadline = time.monotonic() + timeout
    probe = f"() => Boolean({expression})" if arg is None else f"(a) => Boolean(({expression})(a))"
    while not page.evaluate(probe, arg):
        if time.monotonic() > deadline:
            raise TimeoutError(f"still false after {timeout} s: {expression}")
        page.wait_for_timeout(50)


@pytest.fixture
def watched(browser: object) -> Iterator[tuple[object, object]]:
    """(page, Watch): a fresh page that records dialogs (dismissed), off-site requests
    (aborted), page errors and CSP violations (tests/browser/pagecheck.py)."""
    from tests.browser.pagecheck import watch

    with watch(browser) as found:
        yield found


@pytest.fixture
def watched_no_csp(browser: object) -> Iterator[tuple[object, object]]:
    """As `watched`, with the pages' Content-Security-Policy switched off: what is tested is
    the output allowlist alone, so a payload it let through would run."""
    from tests.browser.pagecheck import watch

    with watch(browser, bypass_csp=True) as found:
        yield found
