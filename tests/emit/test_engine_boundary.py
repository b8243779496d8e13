"""The engine boundary: MkDocs' and Material's private internals behind one version check.

On an MkDocs or Material version outside the tested ranges the build takes MkDocs' plain
path (its own `Page.render` and theme loop, Material's partials for every page) and says
so in one line; the pages come out the same.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.emit.mkdocs import internals

ROOT = Path(__file__).resolve().parents[2]


def test_installed_engine_is_tested_and_pyproject_pins_the_same_ranges() -> None:
    assert internals.untested() == []
    assert internals.fast_paths()
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    for name, (low, high) in internals.TESTED.items():
        pin = f'"{name}>={".".join(map(str, low))},<{".".join(map(str, high))}"'
        assert pin in pyproject, pin


@pytest.mark.parametrize(
    "version, tested",
    [
        ("1.6.1", True),
        ("1.6.9", True),
        ("1.6.0", False),
        ("1.7.0", False),
        ("1.7.0rc1", False),
        ("2.0", False),
        ("1.6.1.post1", True),
    ],
)
def test_version_ranges(monkeypatch: pytest.MonkeyPatch, version: str, tested: bool) -> None:
    real = internals.installed_version
    monkeypatch.setattr(internals, "installed_version", lambda name: version if name == "mkdocs" else real(name))
    internals.forget()
    try:
        assert (internals.untested() == []) is tested
        assert internals.fast_paths() is tested
        if not tested:
            assert f"mkdocs {version} not among the tested versions" in internals.explain()
    finally:
        monkeypatch.undo()
        internals.forget()


def test_no_module_but_internals_names_a_private_engine_internal() -> None:
    private = re.compile(
        r"_RawHTMLPreprocessor|_ExtractAnchorsTreeprocessor|_RelativePathTreeprocessor|"
        r"_ExtractTitleTreeprocessor|\._register\b|\._title_from_render|\._current_page|"
        r"commands\.build import|\bget_context\(nav"
    )
    found = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "generator").rglob("*.py")
        if path.name != "internals.py" and private.search(path.read_text(encoding="utf-8"))
    ]
    assert found == []


_BUILDS = """
import logging, os, sys
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import load_config

from generator.emit.mkdocs import internals, page_convert, theme_render
from generator.emit.mkdocs.site_build import CONFIG_FILE, TERMS_ENV
from generator.workers import can_fork

terms, out = Path(sys.argv[1]), Path(sys.argv[2])
os.environ[TERMS_ENV] = str(terms)
logged = []
class Keep(logging.Handler):
    def emit(self, record):
        logged.append(record.getMessage())
logging.getLogger("mkdocs").addHandler(Keep())
logging.getLogger("mkdocs").setLevel(logging.INFO)

assert can_fork(), "this test needs a POSIX system with fork"
page_convert.PARALLEL_PAGES = theme_render.PARALLEL_PAGES = 1  # every fast path, even for a few pages
used = []
start = theme_render.start
theme_render.start = lambda *args: used.append(result := start(*args)) or result
build(load_config(str(CONFIG_FILE), strict=True, site_dir=str(out / "fast")))
assert used and used[0] is not None, "the fast build did not use the theme workers"
print(sum("not among the tested versions" in message for message in logged))

real = internals.installed_version
internals.installed_version = lambda name: "9.99.0" if name == "mkdocs-material" else real(name)
internals.forget()
used.clear()
build(load_config(str(CONFIG_FILE), strict=True, site_dir=str(out / "plain")))
assert used == [None], "the plain build still used the theme workers"
print(sum("not among the tested versions" in message for message in logged))
print([message for message in logged if "not among" in message][0])
"""


def _article(html: str) -> str:
    match = re.search(r"<article\b.*?</article>", html, re.S)
    assert match, html[:300]
    return match.group(0)


def test_an_untested_engine_builds_the_same_pages_on_the_plain_path(glossary_dir: Path, tmp_path: Path) -> None:
    from tests.conftest import run_fresh

    fast_count, plain_count, line = run_fresh(_BUILDS, str(glossary_dir), str(tmp_path)).splitlines()
    assert (fast_count, plain_count) == ("0", "1")  # one line, and only on the untested engine
    assert "mkdocs-material 9.99.0" in line and "plain" in line
    fast, plain = tmp_path / "fast", tmp_path / "plain"
    pages = sorted(str(p.relative_to(fast)) for p in fast.rglob("*.html"))
    assert len(pages) > 10
    assert pages == sorted(str(p.relative_to(plain)) for p in plain.rglob("*.html"))
    for page in (
        "index.html",
        "a-z/index.html",
        "about/index.html",
        *[p for p in pages if p.startswith("term/") or p.startswith("definition/")][:3],
    ):
        assert _article((plain / page).read_text("utf-8")) == _article((fast / page).read_text("utf-8")), page
    # the whole page too: the theme's own rendering of the nav is what the cache kept
    for page in pages:
        assert (plain / page).read_bytes() == (fast / page).read_bytes(), page
