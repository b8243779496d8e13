"""axe-core on every page template, light and dark, desktop and phone: no serious or
critical violation (contrast, links told apart from text by more than colour, ARIA use,
scrolling boxes reachable by keyboard, ...).

axe-core is vendored (tests/browser/vendor/, version and checksum in VERSIONS.txt).
"""

from __future__ import annotations

import hashlib
import re

import pytest

from tests.browser.site_pages import AXE, DESKTOP, PHONES, VENDOR, describe, run_axe, settle, template_pages

pytestmark = pytest.mark.browser


def test_vendored_axe_is_the_recorded_version() -> None:
    recorded = (VENDOR / "VERSIONS.txt").read_text(encoding="utf-8")
    match = re.search(r"^axe-core (\S+)", recorded, re.MULTILINE)
    assert match, "vendor/VERSIONS.txt names no axe-core version"
    source = AXE.read_bytes()
    assert source.startswith(f"/*! axe v{match.group(1)}".encode())
    assert hashlib.sha256(source).hexdigest() in recorded
    assert (AXE.parent / "LICENSE").is_file()


@pytest.mark.parametrize("view", ["desktop", "phone"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_axe_violation_on_any_template(browser, built_site, scheme: str, view: str) -> None:
    options: dict[str, object] = {"viewport": DESKTOP}
    if view == "phone":
        options = {"viewport": PHONES["390"], "is_mobile": True, "has_touch": True}
    context = browser.new_context(color_scheme=scheme, service_workers="block", **options)
    context.route(
        "**/*",
        lambda route: route.continue_() if "127.0.0.1" in route.request.url else route.abort(),
    )
    found = {}
    try:
        page = context.new_page()
        for name, path in template_pages(built_site.root).items():
            page.goto(built_site.url(path))
            settle(page)
            expected = "slate" if scheme == "dark" else "default"
            assert page.evaluate("document.body.dataset.mdColorScheme") == expected
            violations = run_axe(page)
            if violations:
                found[f"{name} ({path})"] = describe(violations)
    finally:
        context.close()
    assert not found, f"axe-core, {scheme} scheme, {view}:\n" + "\n".join(f"{k}:\n{v}" for k, v in found.items())
