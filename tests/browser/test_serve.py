"""`glossary serve` as an author uses it: an edit that breaks an entry is shown in the
browser over the last good page, and the edit that fixes it is shown without a restart."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser.conftest import ROOT
from tests.conftest import write_clean_glossary

pytestmark = pytest.mark.browser

PAGE = "definition/margin/"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _served(url: str, deadline: float) -> bool:
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return True
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    return False


def _wait_through_reloads(page: object, expression: str, timeout: float, log: Path) -> None:
    """Until `expression` is true in the page, which the server reloads when a build ends
    (a check that meets the reload is asked again of the new page). Every wait is bounded:
    a page held back by a stalled server fails the test, with the server's log."""
    from playwright.sync_api import Error

    def stalled() -> NoReturn:
        pytest.fail(f"still false after {timeout} s: {expression}\nserver log:\n{_tail(log)}", pytrace=False)

    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            stalled()
        try:
            page.wait_for_function(f"() => Boolean({expression})", timeout=left * 1000, polling=100)
            return
        except PlaywrightTimeout:
            stalled()
        except Error as error:
            if "context was destroyed" not in str(error) and "navigat" not in str(error):
                raise
        time.sleep(0.1)


def _tail(log: Path, lines: int = 60) -> str:
    return "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path, Path]]:
    """(base URL, terms folder, the server's log): `glossary serve` on a small glossary."""
    terms = write_clean_glossary(tmp_path / "terms")
    log = tmp_path / "serve.log"
    port = _free_port()
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "generator", "serve", "--terms", str(terms), "--dev-addr", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}/"
    try:
        if not _served(base + PAGE, time.monotonic() + 180):
            pytest.fail(f"glossary serve did not serve {PAGE}:\n{log.read_text()}", pytrace=False)
        yield base, terms, log
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_a_broken_edit_is_shown_over_the_last_good_page_and_fixing_it_recovers(
    browser: object, server: tuple[str, Path, Path]
) -> None:
    base, terms, log = server
    entry = terms / "margin.yaml"
    good = entry.read_text(encoding="utf-8")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    try:
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.goto(base + PAGE)
        assert page.locator("h1").first.inner_text().strip().startswith("Margin")
        assert page.locator(".gl-serve-error").count() == 0  # a good build: no banner

        # a required field removed: the build stops, the server reloads the page, which is
        # still the last good build, with the errors over it
        entry.write_text(good.replace("kind: definition\n", ""), encoding="utf-8")
        _wait_through_reloads(page, "document.querySelector('.gl-serve-error')", timeout=120, log=log)
        banner = page.locator(".gl-serve-error")
        assert banner.get_attribute("role") == "alert"
        text = banner.inner_text()
        assert "not built" in text and "margin.yaml" in text and "kind" in text
        assert page.locator("h1").first.inner_text().strip().startswith("Margin")
        assert "margin.yaml" in log.read_text(encoding="utf-8")  # the terminal says it too

        # the fix, with a new summary: shown once built, and the banner is gone
        entry.write_text(good.replace("A short precise definition", "A freshly edited definition"), encoding="utf-8")
        _wait_through_reloads(
            page,
            "document.body && document.body.innerText.includes('A freshly edited definition')",
            timeout=120,
            log=log,
        )
        assert page.locator(".gl-serve-error").count() == 0
    finally:
        context.close()


def test_an_edit_reloads_the_pages_it_changed_and_no_others(browser: object, server: tuple[str, Path, Path]) -> None:
    base, terms, log = server
    entry = terms / "margin.yaml"
    good = entry.read_text(encoding="utf-8")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    try:
        edited, other = context.new_page(), context.new_page()
        for page, url in ((edited, PAGE), (other, "about/")):
            page.set_default_timeout(30_000)
            page.goto(base + url)
            page.evaluate("() => { window.glossaryTestMark = 1; }")  # gone if the page reloads
            # a hidden page waits for the server's news only once shown again (as MkDocs' own does)
            assert page.evaluate("document.visibilityState") == "visible", f"{url} opened hidden"

        # a word of the body, which only Margin's own page shows
        lines = good.splitlines(keepends=True)
        first = next(i for i, line in enumerate(lines) if line.startswith("body:")) + 1
        lines[first] = lines[first].replace("  ", "  Freshly ", 1)
        entry.write_text("".join(lines), encoding="utf-8")
        _wait_through_reloads(
            edited, "document.body && document.body.innerText.includes('Freshly')", timeout=120, log=log
        )
        edited.wait_for_function("() => window.glossaryTestMark === undefined", timeout=5_000)  # reloaded
        other.wait_for_timeout(2000)  # time enough for a reload that should not come
        try:
            other.wait_for_function("() => window.glossaryTestMark === 1", timeout=5_000)
        except PlaywrightTimeout:
            pytest.fail("a page the edit did not change was reloaded", pytrace=False)

        # a new entry: a full build, after which every page reloads
        (terms / "collateral.yaml").write_text(good.replace("title: Margin", "title: Collateral"), encoding="utf-8")
        _wait_through_reloads(other, "window.glossaryTestMark === undefined", timeout=180, log=log)
    finally:
        context.close()
