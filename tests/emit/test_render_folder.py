"""`glossary render --out DIR`: a plain MkDocs project that stock `mkdocs build --strict` builds."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def glossary(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args], cwd=cwd, env=ENV, capture_output=True, text=True, timeout=300
    )


def stock_mkdocs(folder: Path) -> subprocess.CompletedProcess[str]:
    """MkDocs alone, run from elsewhere: nothing of the glossary's own on its path but the folder."""
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(folder / "mkdocs.yml")],
        cwd=folder.parent,
        env=ENV,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("render") / "plain"
    done = glossary("render", "--out", str(out))
    assert done.returncode == 0, done.stderr
    return out


def test_the_folder_is_a_plain_mkdocs_project(rendered: Path) -> None:
    config = (rendered / "mkdocs.yml").read_text(encoding="utf-8")
    assert "plugins: []" in config and "- glossary" not in config and not re.search(r"^watch:", config, re.M)
    assert "docs_dir: docs" in config and "custom_dir: overrides" in config
    assert "markdown_extensions:" in config and "nav:" in config and "name: material" in config
    page = (rendered / "docs" / "term" / "liquidation-price.md").read_text(encoding="utf-8")
    assert page.startswith('---\ntitle: "Liquidation Price"')
    assert '<div class="gl-summary" markdown="1">' in page  # its summary is Markdown inside the fragment
    assert (rendered / "docs" / "about.md").is_file() and (rendered / "docs" / "assets" / "vendor" / "katex").is_dir()
    assert (rendered / "docs" / "api").is_dir() and (rendered / "docs" / "graph.json").is_file()
    assert not (rendered / "overrides" / "partials" / "nav.html").exists()
    for template in (rendered / "overrides").rglob("*.html"):  # the plugin's template globals are not there
        assert 'glossary_cached("' not in template.read_text(encoding="utf-8"), template


def test_stock_mkdocs_builds_it_strictly(rendered: Path) -> None:
    built = stock_mkdocs(rendered)
    assert built.returncode == 0, built.stdout + built.stderr
    page = (rendered / "site" / "term" / "liquidation-price" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<div class="gl-summary">\s*<p>The mark price at which a leveraged position', page)
    assert 'id="formula-mark-basis-linear-long"' in page and "Cite this entry" in page
    assert (rendered / "site" / "api").is_dir() and (rendered / "site" / "search" / "glossary-index.json").is_file()


_EDIT_BUTTON = re.compile(r'<a href="([^"]*)"[^>]*rel="edit"[^>]*>.*?</a>', re.S)  # the theme's, not the page's
# The phone "On this page" list: the theme's too (templates/overrides/main.html), put in after
# the output allowlist, the same both ways.
_PHONE_TOC = re.compile(r'<details class="gl-toc-phone">.*?</details>', re.S)


# An entry page's stylesheets, linked by the theme after the article's lead (main.html)
_STYLESHEETS = re.compile(r'<link rel="stylesheet" href="[^"]+">')


def _article(html: str, finish=str) -> str:
    match = re.search(r'<article class="md-content__inner md-typeset">(.*?)</article>', html, re.S)
    assert match
    article = _STYLESHEETS.sub("", _PHONE_TOC.sub("", _EDIT_BUTTON.sub("", match.group(1))))
    return re.sub(r">\s+<", "><", finish(article)).strip()


def _edit_link(html: str) -> str | None:
    found = _EDIT_BUTTON.search(html)
    return found.group(1) if found else None


def test_its_pages_say_what_the_plugins_pages_say(glossary_dir: Path, tmp_path: Path) -> None:
    """Each page's article as `glossary build` makes it, but for what only the plugin does: the
    output allowlist's serialisation (applied here to compare) and the space between tags."""
    from generator.emit import allowlist

    assert glossary("build", "--terms", str(glossary_dir), "--site-dir", str(tmp_path / "site")).returncode == 0
    assert glossary("render", "--terms", str(glossary_dir), "--out", str(tmp_path / "plain")).returncode == 0
    assert stock_mkdocs(tmp_path / "plain").returncode == 0
    site, plain = tmp_path / "site", tmp_path / "plain" / "site"
    pages = sorted(
        str(p.relative_to(site)) for p in site.rglob("index.html") if not str(p).startswith(str(site / "rev"))
    )
    assert len(pages) > 10
    for page in pages:
        built = (site / page).read_text("utf-8")
        ours = _article(built)
        theirs = (plain / page).read_text("utf-8")
        assert ours in (_article(theirs), _article(theirs, allowlist.clean)), page
        # "Edit this page": an entry's YAML file both ways, a hand-written page's own file,
        # never a Markdown file the build generated
        link = _edit_link(built)
        assert link == _edit_link(theirs), page
        if link and not link.endswith(".yaml"):
            assert (ROOT / link.split("/edit/main/", 1)[1]).is_file(), page


def test_it_never_replaces_a_folder_it_did_not_make(rendered: Path, tmp_path: Path) -> None:
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me", encoding="utf-8")
    refused = glossary("render", "--out", str(foreign), "--force")
    assert refused.returncode == 2 and "--out" in refused.stderr and (foreign / "notes.txt").is_file()
    assert glossary("render", "--out", str(ROOT)).returncode == 2  # the project itself
    again = glossary("render", "--out", str(rendered))
    assert again.returncode == 2 and "--force" in again.stderr
