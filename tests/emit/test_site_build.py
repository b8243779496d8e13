"""`glossary build`: strict MkDocs build of a glossary, swapped in only when it succeeds.

Uses the shared `glossary_dir` fixture (tests/conftest.py): one area and three linked
entries that validate cleanly.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.emit.mkdocs.site_build import build_site
from generator.safe_paths import SITE_MARKER, mark_site

ROOT = Path(__file__).resolve().parents[2]


def glossary(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [sys.executable, "-m", "generator", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def staging_folders(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.startswith((".building-", ".replaced-"))]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str], Path]:
    from tests.conftest import write_clean_glossary

    base = tmp_path_factory.mktemp("built")
    terms = write_clean_glossary(base / "terms")
    site = base / "site"
    return terms, glossary("build", "--terms", str(terms), "--site-dir", str(site)), site


def test_build_succeeds_with_zero_warnings(built) -> None:
    _, proc, _ = built
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "WARNING" not in proc.stdout + proc.stderr
    assert "4 entries" in proc.stdout


def test_every_entry_has_its_page_and_markdown_copy(built) -> None:
    _, _, site = built
    for address in ("area/test-area", "definition/margin-call", "definition/margin", "term/liquidation"):
        page = site / address / "index.html"
        assert page.is_file(), address
        assert (site / address / "index.md").is_file(), address
    html = (site / "definition/margin-call/index.html").read_text()
    assert '<link rel="canonical" href="https://leverage-glossary.org/definition/margin-call/">' in html
    assert '<meta name="citation_title" content="Margin Call">' in html
    assert '"@type":"DefinedTerm"' in html
    assert 'href="index.md"' in html


def test_site_level_pages_and_post_build_files(built) -> None:
    _, _, site = built
    for page in (
        "index.html",
        "a-z/index.html",
        "area/index.html",
        "tags/index.html",
        "graph/index.html",
        "calculators/index.html",
        "about/index.html",
        "how-to-cite/index.html",
        "404.html",
    ):
        assert (site / page).is_file(), page
    assert {n["id"] for n in json.loads((site / "graph.json").read_text())["nodes"]} == {
        "test-area",
        "margin-call",
        "liquidation",
        "margin",
    }
    assert json.loads((site / "previews.json").read_text())["margin"]["title"] == "Margin"
    assert (site / "assets/vendor/katex/katex.min.js").is_file()
    assert (site / "assets/vendor/force-graph/force-graph.min.js").is_file()


def test_entry_pages_stay_out_of_the_nav(built) -> None:
    _, _, site = built
    nav = (site / "index.html").read_text().split('<nav class="md-tabs"', 1)[1].split("</nav>", 1)[0]
    assert "A–Z" in nav and "Graph" in nav
    assert "margin-call" not in nav and "liquidation" not in nav


def test_no_page_requests_another_host(built) -> None:
    """Fonts off, no CDN: every script, stylesheet and font the site loads is its own."""
    _, _, site = built
    import re

    for page in site.rglob("*.html"):
        html = page.read_text()
        for url in re.findall(r'<(?:script|link|img)\b[^>]*?(?:src|href)="([^"]+)"', html):
            if 'rel="canonical"' in url:
                continue
            assert not url.startswith(("http://", "https://", "//")) or url.startswith(
                "https://leverage-glossary.org/"
            ), (page, url)


def test_validation_error_stops_the_build_and_keeps_the_old_site(built, tmp_path: Path) -> None:
    terms, _, _ = built
    broken = tmp_path / "terms"
    broken.mkdir()
    for path in terms.iterdir():
        (broken / path.name).write_text(path.read_text())
    (broken / "margin.yaml").write_text((terms / "margin.yaml").read_text().replace("[liquidation]", "[nowhere]"))
    site = tmp_path / "site"
    site.mkdir()
    mark_site(site)  # a site an earlier build made
    (site / "marker.txt").write_text("previous site")
    proc = glossary("build", "--terms", str(broken), "--site-dir", str(site))
    assert proc.returncode == 1
    assert "DANGLING_LINK" in proc.stderr and "margin.yaml" in proc.stderr
    assert sorted(p.name for p in site.iterdir()) == [SITE_MARKER, "marker.txt"]


def test_failed_mkdocs_build_keeps_the_old_site_and_cleans_up(built, tmp_path: Path) -> None:
    """A body link MkDocs cannot resolve fails the strict build; nothing is swapped in."""
    terms, _, _ = built
    bad = tmp_path / "terms"
    bad.mkdir()
    for path in terms.iterdir():
        (bad / path.name).write_text(path.read_text())
    text = (terms / "margin.yaml").read_text()
    (bad / "margin.yaml").write_text(text.replace("body: |\n", "body: |\n  See [the missing page](missing.md).\n"))
    site = tmp_path / "site"
    site.mkdir()
    mark_site(site)  # a site an earlier build made
    (site / "marker.txt").write_text("previous site")
    result = build_site(site, bad)
    assert not result.ok
    assert "missing.md" in result.output
    assert sorted(p.name for p in site.iterdir()) == [SITE_MARKER, "marker.txt"]
    assert not staging_folders(tmp_path)


def test_successful_build_replaces_the_site_and_removes_leftovers(built, tmp_path: Path) -> None:
    terms, _, _ = built
    site = tmp_path / "site"
    site.mkdir()
    mark_site(site)
    (site / "stale.html").write_text("old")
    leftover = tmp_path / ".building-site-999999999-abc"  # a killed build's folder (no such process)
    leftover.mkdir()
    result = build_site(site, terms)
    assert result.ok, result.output
    assert not (site / "stale.html").exists() and (site / "index.html").is_file()
    assert not leftover.exists()
    assert not staging_folders(tmp_path)


def assert_same_site(expected: Path, actual: Path) -> None:
    """Both folders hold the same files, byte for byte; and they are a site (over ten pages)."""
    files = sorted(p.relative_to(expected) for p in expected.rglob("*") if p.is_file())
    assert sum(1 for file in files if file.suffix == ".html") > 10
    assert files == sorted(p.relative_to(actual) for p in actual.rglob("*") if p.is_file())
    for file in files:
        assert (actual / file).read_bytes() == (expected / file).read_bytes(), file


_BUILD = """
import sys
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import load_config

from generator.emit.mkdocs import page_convert
from generator.render import site as render
from generator.emit.mkdocs import theme_render
from generator.emit.mkdocs.site_build import CONFIG_FILE, TERMS_ENV
from generator.workers import can_fork

def build_site(terms, site_dir, parallel, theme=None):
    import os
    os.environ[TERMS_ENV] = str(terms)
    page_convert.PARALLEL_PAGES = 1 if parallel else 10**9
    render._PARALLEL_ENTRIES = 1 if parallel else 10**9
    theme_render.PARALLEL_PAGES = 1 if (parallel if theme is None else theme) else 10**9
    build(load_config(str(CONFIG_FILE), strict=True, site_dir=str(site_dir)))

assert can_fork(), "this test needs a POSIX system with fork"
terms, out = Path(sys.argv[1]), Path(sys.argv[2])
"""


def test_pages_converted_by_worker_processes_are_the_same(glossary_dir: Path, tmp_path: Path) -> None:
    """A large glossary's pages are converted in forked workers; the site must not change."""
    from tests.conftest import run_fresh

    run_fresh(
        _BUILD
        + """
build_site(terms, out / "serial", parallel=False)
build_site(terms, out / "parallel", parallel=True)
""",
        str(glossary_dir),
        str(tmp_path),
    )
    assert_same_site(tmp_path / "serial", tmp_path / "parallel")


def test_a_warning_met_in_a_worker_still_fails_the_strict_build(glossary_dir: Path, tmp_path: Path) -> None:
    from tests.conftest import body_text, entry_yaml, run_fresh

    (glossary_dir / "funding-rate.yaml").write_text(
        entry_yaml(
            "Funding Rate",
            relations="relations: {related: [margin]}",
            body="See [the missing page](missing-page.md). " + body_text(90),
        ),
        encoding="utf-8",
    )
    printed = run_fresh(
        _BUILD
        + """
from mkdocs.exceptions import Abort
try:
    build_site(terms, out / "site", parallel=True)
except Abort as error:
    print("aborted:", error)
""",
        str(glossary_dir),
        str(tmp_path),
    )
    assert printed.startswith("aborted:") and "strict" in printed


@pytest.mark.parametrize("theme", [False, True], ids=["converted-apart", "converted-with-theme"])
def test_a_link_to_a_missing_anchor_fails_the_strict_build_in_workers(
    glossary_dir: Path, tmp_path: Path, theme: bool
) -> None:
    """MkDocs checks anchors after its loop: what the workers found must reach it either way."""
    from tests.conftest import body_text, entry_yaml, run_fresh

    (glossary_dir / "funding-rate.yaml").write_text(
        entry_yaml(
            "Funding Rate",
            relations="relations: {related: [margin]}",
            body="See [its sources](margin.md#sources) and [nowhere](margin.md#no-such-part). " + body_text(90),
        ),
        encoding="utf-8",
    )
    printed = run_fresh(
        _BUILD
        + f"""
import logging
from mkdocs.exceptions import Abort
warnings = []
class Keep(logging.Handler):
    def emit(self, record):
        if record.levelno >= logging.WARNING:
            warnings.append(record.getMessage())
logging.getLogger("mkdocs").addHandler(Keep())
try:
    build_site(terms, out / "site", parallel=True, theme={theme})
except Abort as error:
    print("aborted:", error)
print(warnings)
""",
        str(glossary_dir),
        str(tmp_path),
    )
    assert printed.startswith("aborted:") and "strict" in printed
    assert "no-such-part" in printed and "#sources'" not in printed


@pytest.mark.parametrize(
    "parallel, theme",
    [(False, False), (True, False), (True, True)],
    ids=["one-process", "converted-apart", "converted-with-theme"],
)
def test_a_link_to_an_anchor_in_generated_html_passes_the_strict_build(
    glossary_dir: Path, tmp_path: Path, parallel: bool, theme: bool
) -> None:
    """A source, the cite box: ids the templates write as finished HTML are anchors of the
    page like its headings, and an author may link to them."""
    from tests.conftest import body_text, entry_yaml, run_fresh

    (glossary_dir / "funding-rate.yaml").write_text(
        entry_yaml(
            "Funding Rate",
            relations="relations: {related: [margin]}",
            body="See [its first source](margin.md#source-1) and [how to cite it](margin.md#cite-box). "
            + body_text(90),
        ),
        encoding="utf-8",
    )
    printed = run_fresh(
        _BUILD
        + f"""
from mkdocs.exceptions import Abort
try:
    build_site(terms, out / "site", parallel={parallel}, theme={theme})
    print("built")
except Abort as error:
    print("aborted:", error)
""",
        str(glossary_dir),
        str(tmp_path),
    )
    assert printed.strip() == "built", printed
    page = (tmp_path / "site" / "definition" / "funding-rate" / "index.html").read_text(encoding="utf-8")
    assert 'href="../margin/#source-1"' in page


def test_pages_left_for_theme_workers_that_cannot_start_are_converted_in_the_parent(
    glossary_dir: Path, tmp_path: Path
) -> None:
    """If forking is possible when MkDocs builds the nav but not later, nothing is lost."""
    from tests.conftest import run_fresh

    run_fresh(
        _BUILD
        + """
answers = iter([True, False])  # at on_nav (pages left unconverted), then at on_env
theme_render.possible = lambda *args: next(answers)
build_site(terms, out / "fallback", parallel=True)
theme_render.possible = lambda *args: False
build_site(terms, out / "serial", parallel=True)
""",
        str(glossary_dir),
        str(tmp_path),
    )
    assert_same_site(tmp_path / "serial", tmp_path / "fallback")


def test_pages_put_in_the_theme_by_worker_processes_are_the_same(glossary_dir: Path, tmp_path: Path) -> None:
    """A large glossary's pages go through the theme in forked workers; not a byte may change."""
    from tests.conftest import run_fresh

    printed = run_fresh(
        _BUILD
        + """
import mkdocs.commands.build as mkdocs_build

built, taken = [], []
build_page, take = mkdocs_build._build_page, theme_render.Prebuilt.take
mkdocs_build._build_page = lambda page, *args, **kwargs: (
    built.append(page.file.src_uri) or build_page(page, *args, **kwargs))
theme_render.Prebuilt.take = lambda self, page: taken.append(page.file.src_uri) or take(self, page)
theme_render._CHUNK = 3  # several chunks, handed back in order
import logging
logged = []
class Keep(logging.Handler):
    def emit(self, record):
        logged.append(record.getMessage())
logging.getLogger("mkdocs").addHandler(Keep())
logging.getLogger("mkdocs").setLevel(logging.INFO)
build_site(terms, out / "serial", parallel=True, theme=False)
assert not taken
built.clear()
build_site(terms, out / "parallel", parallel=True, theme=True)
assert taken == built, (taken, built)  # every page MkDocs built came from a worker
print(len(taken))
print([message for message in logged if "skipped" in message])
""",
        str(glossary_dir),
        str(tmp_path),
    )
    count, skipped = printed.splitlines()
    assert int(count) > 10
    assert skipped == "[]"  # MkDocs' loop wrote nothing itself, but no page was skipped
    assert_same_site(tmp_path / "serial", tmp_path / "parallel")


_THEME_TROUBLE = """
import logging, os
import jinja2

parent = os.getpid()
render_template = jinja2.Template.render

def troubled_render(self, *args, **kwargs):
    page = (args[0] if args else kwargs).get("page")
    if self.name == "main.html" and page is not None and page.file.src_uri == "about.md":
        if TROUBLE == "warning":
            logging.getLogger("mkdocs.test").warning("theme trouble, in a worker: %s", os.getpid() != parent)
        else:
            raise ValueError(f"theme trouble, in a worker: {os.getpid() != parent}")
    return render_template(self, *args, **kwargs)

jinja2.Template.render = troubled_render

class Show(logging.Handler):
    def emit(self, record):
        print("logged:", record.levelname, record.getMessage())

logging.getLogger("mkdocs").addHandler(Show())
"""


@pytest.mark.parametrize("trouble", ["warning", "error"])
def test_trouble_met_in_the_theme_in_a_worker_fails_the_build(glossary_dir: Path, tmp_path: Path, trouble: str) -> None:
    """A warning logged while a worker puts a page in the theme fails the strict build; an error
    fails the build at that page, as MkDocs would."""
    from tests.conftest import run_fresh

    printed = run_fresh(
        _BUILD
        + f"TROUBLE = {trouble!r}\n"
        + _THEME_TROUBLE
        + """
import multiprocessing, time
from mkdocs.exceptions import Abort
from generator.export import formats as export
write_site_files = export.write_site_files
if TROUBLE == "error":  # the page fails while /api/ is still being written
    export.write_site_files = lambda *args: time.sleep(10) or write_site_files(*args)
try:
    build_site(terms, out / "site", parallel=True)
except Abort as error:
    print("aborted:", error)
except ValueError as error:
    print("raised:", error)
print("processes left:", len(multiprocessing.active_children()))
""",
        str(glossary_dir),
        str(tmp_path),
    )
    assert "processes left: 0" in printed  # no worker, and no /api/ writer, outlives the build
    if trouble == "warning":
        assert "logged: WARNING theme trouble, in a worker: True" in printed
        assert "in a worker: False" not in printed
        assert "aborted: Aborted with 1 warnings in strict mode!" in printed
    else:
        assert "logged: ERROR Error building page 'about.md': theme trouble, in a worker: True" in printed
        assert "raised: theme trouble, in a worker: True" in printed
        assert "in a worker: False" not in printed


def test_navigation_rendered_once_for_pages_outside_the_nav_is_materials_own(
    glossary_dir: Path, tmp_path: Path
) -> None:
    """The tabs and primary nav kept from one page for the next (generator/emit/mkdocs/theme_cache.py)
    are, byte for byte, what Material's own partials write on every page."""
    from tests.conftest import run_fresh

    overrides = tmp_path / "overrides"
    shutil.copytree(Path(__file__).resolve().parents[2] / "templates" / "overrides", overrides)
    for name in ("nav.html", "tabs.html"):
        (overrides / "partials" / name).unlink()  # Material's partials, included as they are
    run_fresh(
        _BUILD
        + f"""
build_site(terms, out / "cached", parallel=False)
from mkdocs.config import load_config
from mkdocs.commands.build import build
config = load_config(str(CONFIG_FILE), strict=True, site_dir=str(out / "material"))
config.theme.dirs[0] = {str(overrides)!r}
build(config)
""",
        str(glossary_dir),
        str(tmp_path),
    )
    assert_same_site(tmp_path / "cached", tmp_path / "material")


def test_frame_parts_kept_from_page_to_page_are_what_each_page_renders(glossary_dir: Path, tmp_path: Path) -> None:
    """The header, footer, stylesheet and script links and theme settings kept from one page
    outside the nav for the next (generator/emit/mkdocs/theme_cache.py) make the same site as
    rendering them for every page; and every one of them is taken from what was kept."""
    from tests.conftest import run_fresh

    printed = run_fresh(
        _BUILD
        + """
import jinja2
from generator.emit.mkdocs import theme_cache

install = theme_cache.install
hits = []

def counting(env, config, nav, *, cache=True):
    install(env, config, nav, cache=cache)
    cached = env.globals["glossary_cached"]

    def counted(context, name):
        found = cached(context, name)
        if found:
            hits.append(name)
        return found

    env.globals["glossary_cached"] = jinja2.pass_context(counted)

theme_cache.install = counting
build_site(terms, out / "kept", parallel=False)
print(" ".join(sorted(set(hits))))
theme_cache.install = lambda env, config, nav, *, cache=True: install(env, config, nav, cache=False)
build_site(terms, out / "rendered", parallel=False)
""",
        str(glossary_dir),
        str(tmp_path),
    )
    parts = {"libs", "fonts", "analytics", "footer", "config", "styles", "scripts", "header:start", "header:end"}
    assert set(printed.split()) == parts
    assert_same_site(tmp_path / "rendered", tmp_path / "kept")


def test_a_failure_writing_the_api_stops_the_build(glossary_dir: Path, tmp_path: Path) -> None:
    """/api/ is written by a separate process during the build; if it fails, so does the build."""
    from tests.conftest import run_fresh

    printed = run_fresh(
        _BUILD
        + """
from mkdocs.exceptions import Abort
from generator.export import formats as export

def broken(*args, **kwargs):
    raise OSError("disk full")

export.write_site_files = broken
try:
    build_site(terms, out / "site", parallel=True)
except Abort as error:
    print("aborted:", error)
""",
        str(glossary_dir),
        str(tmp_path),
    )
    assert printed.startswith("aborted:") and "/api/" in printed


def test_the_mkdocs_command_glossary_build_runs_says_what_mkdocs_says() -> None:
    """`glossary build` runs MkDocs through `mkdocs_command`, which ends the process without
    Python's teardown: what MkDocs prints still comes out (flushed first) and its exit status
    is the process's, for success and for a usage error alike."""
    import subprocess
    import sys

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "generator.emit.mkdocs.mkdocs_command", *args]
        return subprocess.run(command, capture_output=True, text=True, timeout=120)

    version = run("--version")
    assert version.returncode == 0 and "version" in version.stdout, version
    wrong = run("build", "--no-such-option")
    assert wrong.returncode == 2 and "No such option '--no-such-option'" in wrong.stderr, wrong
