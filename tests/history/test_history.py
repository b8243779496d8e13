"""Revision history from git: collected in one pass, skipping what no longer loads,
published at permanent addresses, and never required (no checkout, no git: still builds)."""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from generator.cite import record as cite
from generator.cite import styles as cite_styles
from generator.history import revisions as history
from generator.pipeline import load_glossary
from generator.render import revisions

DAY = date(2026, 11, 24)
SITE = "https://g.test/"
GIT = shutil.which("git")
needs_git = pytest.mark.skipif(GIT is None, reason="git is not installed")


def git(repo: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.org",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.org",
    }
    result = subprocess.run(
        ["git", "-c", "commit.gpgsign=false", *args], cwd=repo, env=env, capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def commit(repo: Path, message: str) -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new))


SUMMARY = "summary: A short precise definition used in tests."


@pytest.fixture
def repo(glossary_dir: Path) -> dict[str, object]:
    """A checkout whose margin-call has three contents, one comment-only change and one broken commit."""
    root = glossary_dir.parent
    git(root, "init", "-q", "-b", "main")
    call = glossary_dir / "margin-call.yaml"
    first = commit(root, "first")
    edit(call, SUMMARY, "summary: The second wording of the definition used in tests.")
    second = commit(root, "second")
    call.write_text("# a comment only: same content, same version\n" + call.read_text())
    commit(root, "comment")
    good = call.read_text()
    call.write_text("title: [unclosed\n")
    commit(root, "broken")
    call.write_text(good.replace("The second wording", "The third wording"))
    third = commit(root, "third")
    return {"terms": glossary_dir, "root": root, "commits": (first, second, third)}


# -- collecting ----------------------------------------------------------------------------------


@needs_git
def test_distinct_contents_become_revisions_newest_first(repo) -> None:
    found = history.collect_history(repo["terms"])
    assert found.available and found.reason == ""
    revisions = found.of("margin-call")
    first, second, third = repo["commits"]
    assert [r.commit for r in revisions] == [third, second, first]  # broken skipped, comment-only merged
    assert [r.message for r in revisions] == ["third", "second", "first"]  # each commit's subject
    assert "third wording" in revisions[0].entry.summary
    assert "second wording" in revisions[1].entry.summary
    for rev in revisions:
        assert rev.fingerprint == cite.fingerprint(rev.entry)
        assert rev.version == f"2026-11-20-{rev.fingerprint}"
        assert rev.committed[:4].isdigit() and "T" in rev.committed
        assert rev.url_path == f"rev/margin-call/{rev.fingerprint}/"
    assert [r.commit for r in found.of("margin")] == [first]


@needs_git
def test_earlier_leaves_out_the_current_version(repo) -> None:
    entries = load_glossary(repo["terms"], use_cache=False).entries
    found = history.collect_history(repo["terms"])
    earlier = found.earlier(entries["margin-call"])
    assert [r.commit for r in earlier] == list(reversed(repo["commits"][:2]))
    assert found.earlier(entries["margin"]) == ()


@needs_git
def test_uncommitted_edits_make_every_committed_version_earlier(repo) -> None:
    edit(repo["terms"] / "margin.yaml", SUMMARY, "summary: Edited in the working tree, not committed yet.")
    entries = load_glossary(repo["terms"], use_cache=False).entries
    found = history.collect_history(repo["terms"])
    assert len(found.earlier(entries["margin"])) == 1


@needs_git
def test_revisions_per_entry_are_capped(repo) -> None:
    found = history.collect_history(repo["terms"], max_per_entry=2)
    # the two newest blobs are the third and the broken one; only the third loads
    assert [r.commit for r in found.of("margin-call")] == [repo["commits"][2]]


@needs_git
def test_only_wanted_slugs_and_deleted_files_are_left_out(repo) -> None:
    (repo["terms"] / "margin.yaml").unlink()
    commit(repo["root"], "delete margin")
    found = history.collect_history(repo["terms"], slugs=["margin-call"])
    assert set(found.revisions) == {"margin-call"}
    everything = history.collect_history(repo["terms"])
    assert "margin" in everything.revisions  # its earlier content is still history


@needs_git
def test_a_merged_branch_counts_once_at_its_merge(repo) -> None:
    root = repo["root"]
    git(root, "checkout", "-q", "-b", "side")
    edit(repo["terms"] / "margin.yaml", SUMMARY, "summary: Wording from a branch.")
    commit(root, "on a branch")
    git(root, "checkout", "-q", "main")
    git(root, "merge", "-q", "--no-ff", "-m", "merge side", "side")
    merge = git(root, "rev-parse", "HEAD")
    revisions = history.collect_history(repo["terms"]).of("margin")
    assert [r.commit for r in revisions] == [merge, repo["commits"][0]]


def test_outside_a_checkout_there_is_no_history(glossary_dir: Path) -> None:
    found = history.collect_history(glossary_dir)
    assert not found.available and "not in a git checkout" in found.reason
    assert found.of("margin") == () and "no revision history" in found.note
    assert str(glossary_dir) not in found.public_note


def test_without_git_there_is_no_history(glossary_dir: Path, tmp_path: Path, monkeypatch) -> None:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    found = history.collect_history(glossary_dir)
    assert not found.available and found.reason == "git is not installed"


# -- pages -----------------------------------------------------------------------------------------


def _render_revisions(terms: Path, found: history.History) -> dict[str, str]:
    from generator.render.autolink import NameIndex
    from generator.render.environment import make_environment

    entries = load_glossary(terms, use_cache=False).entries
    return revisions.revision_pages(
        make_environment(),
        entries=entries,
        history=found,
        names=NameIndex.build(entries.values()),
        titles={s: e.title for s, e in entries.items()},
        site_url=SITE,
        site_name="Leverage Glossary",
        day=DAY,
    )


@needs_git
def test_old_revisions_get_pages_marked_old_that_link_to_the_current_one(repo) -> None:
    found = history.collect_history(repo["terms"])
    pages = _render_revisions(repo["terms"], found)
    _, second, first = found.of("margin-call")[0], *found.of("margin-call")[1:]
    assert set(pages) == {second.page_path, first.page_path}
    page = pages[second.page_path]
    assert '!!! warning "Old revision"' in page
    assert "[Read the current version](../../definition/margin-call.md)" in page
    assert f"version `{second.version}`" in page and f"commit `{second.commit[:10]}`" in page
    assert "second wording" in page
    # the commit's message as the change summary, and a word-level diff against the current entry
    assert "**Change summary:** second" in page
    assert "## Changes since this version {: #changes-since-this-version }" in page
    assert "The <del>second</del><ins>third</ins> wording of the definition" in page
    assert '<h3 class="gl-diff__part">Body</h3>\n<p class="gl-diff__same">Unchanged.</p>' in page
    assert f"[Older revision]({first.fingerprint}.md)" in page
    assert f"[Newer revision]({second.fingerprint}.md)" in pages[first.page_path]
    record = cite.CitationRecord.from_entry(second.entry, site_url=SITE).for_version()
    assert record.url == SITE + second.url_path
    assert record.format("apa", DAY).split("Retrieved")[0] in page.replace("&#39;", "'")
    assert '<meta name=\\"robots\\" content=\\"noindex\\">' in page
    assert f'citation_public_url\\" content=\\"{record.url}' in page


@needs_git
def test_old_text_loses_links_that_may_point_nowhere(repo) -> None:
    call = repo["terms"] / "margin-call.yaml"
    edit(
        call,
        "body: |\n",
        "body: |\n  See [a page](other.md), [an anchor](#gone), [a site](https://example.org/) and [[margin]].\n\n",
    )
    commit(repo["root"], "links")
    edit(call, "The third wording", "The fourth wording")
    commit(repo["root"], "fourth")
    found = history.collect_history(repo["terms"])
    page = _render_revisions(repo["terms"], found)[found.of("margin-call")[1].page_path]
    assert "See a page, an anchor, [a site](https://example.org/) and [Margin](../../definition/margin.md)" in page
    assert "other.md" not in page and "#gone" not in page


def test_current_version_address_forwards_to_the_entry(glossary_dir: Path) -> None:
    entries = load_glossary(glossary_dir, use_cache=False).entries
    stubs = revisions.current_version_stubs(entries, site_url=SITE)
    record = cite.CitationRecord.from_entry(entries["liquidation"], site_url=SITE)
    stub = stubs[f"rev/liquidation/{record.fingerprint}/index.html"]
    assert 'content="0; url=../../../term/liquidation/"' in stub
    assert f'<link rel="canonical" href="{SITE}term/liquidation/">' in stub
    assert len(stubs) == len(entries)


def test_version_block_offers_cite_this_version(glossary_dir: Path) -> None:
    entries = load_glossary(glossary_dir, use_cache=False).entries
    record = cite.CitationRecord.from_entry(entries["margin"], site_url=SITE)
    block = revisions.version_block(
        entries["margin"], record, history.no_history("not a git checkout"), page_path="definition/margin.md", day=DAY
    )
    assert "<summary>Cite this version</summary>" in block
    assert block.count('class="gl-accessed gl-accessed--version"') == len(cite_styles.STYLES)
    assert record.version_url in block and 'id="cite-version-box"' in block
    assert "Earlier versions: not published by this build (not a git checkout)." in block


@needs_git
def test_version_block_lists_earlier_versions(repo) -> None:
    entries = load_glossary(repo["terms"], use_cache=False).entries
    found = history.collect_history(repo["terms"])
    record = cite.CitationRecord.from_entry(entries["margin-call"], site_url=SITE)
    block = revisions.version_block(
        entries["margin-call"], record, found, page_path="definition/margin-call.md", day=DAY
    )
    current, *earlier = found.of("margin-call")
    assert earlier == list(found.earlier(entries["margin-call"]))
    # finished HTML beside the cite box: this version first, then each earlier one linked
    # to its page, each with its commit's message as the change summary
    assert block.index("Versions") < block.index("<summary>Cite this version</summary>")
    assert f"<strong>This version</strong>, 20 November 2026 (<code>{current.fingerprint}</code>)" in block
    for rev in earlier:
        link = (
            f'<a href="../../rev/margin-call/{rev.fingerprint}/">20 November 2026 (<code>{rev.fingerprint}</code>)</a>'
        )
        assert f'{link} — <span class="gl-revisions__message">{rev.message}</span>' in block
    assert ".md" not in block


# -- the whole build --------------------------------------------------------------------------------


@needs_git
def test_site_build_publishes_old_revisions_and_the_api(repo, tmp_path: Path) -> None:
    """`mkdocs build --strict` from a checkout: revision pages, forwarding stubs, /api/, cite this version."""
    import json

    from generator.emit.mkdocs.site_build import build_site

    site = tmp_path / "site"
    result = build_site(site, repo["terms"])
    assert result.ok, result.output[-3000:]
    entries = load_glossary(repo["terms"], use_cache=False).entries
    found = history.collect_history(repo["terms"])
    for rev in found.earlier(entries["margin-call"]):
        page = (site / rev.url_path / "index.html").read_text()
        assert "Old revision" in page and "Read the current version" in page
        assert rev.fingerprint in page
    record = cite.CitationRecord.from_entry(entries["margin-call"], site_url="https://leverage-glossary.org/")
    assert (
        "url=../../../definition/margin-call/"
        in (site / f"rev/margin-call/{record.fingerprint}/index.html").read_text()
    )
    entry_page = (site / "definition/margin-call/index.html").read_text()
    assert "Cite this version" in entry_page and record.version_url in entry_page
    api = json.loads((site / "api/entries/margin-call.json").read_text())
    assert api["entry"]["version"]["id"] == record.version
    assert [r["commit"] for r in api["entry"]["revisions"]] == [r.commit for r in found.earlier(entries["margin-call"])]
    assert (site / "api/glossary.ttl").is_file() and (site / "api/export.schema.json").is_file()
    sitemap = (site / "sitemap.xml").read_text()
    assert "/definition/margin-call/</loc>" in sitemap
    assert "/rev/" not in sitemap  # old revisions stay citable but are not offered to crawlers


def test_site_build_outside_a_checkout_says_it_has_no_history(glossary_dir: Path, tmp_path: Path) -> None:
    from generator.emit.mkdocs.site_build import build_site

    site = tmp_path / "site"
    result = build_site(site, glossary_dir)
    assert result.ok, result.output[-3000:]
    page = (site / "definition/margin/index.html").read_text()
    assert "not published by this build (the glossary was not read from a git checkout)" in page
    assert str(glossary_dir) not in page  # no local paths on public pages
    assert not any(p.name == "index.html" and "Old revision" in p.read_text() for p in (site / "rev").rglob("*.html"))


# -- old revisions are held to today's rules -----------------------------------------------------


@pytest.fixture
def poisoned(glossary_dir: Path) -> dict[str, object]:
    """A checkout whose margin-call once had a body today's checks refuse (24,000 `[`, a list
    nested 260 levels by indentation) and once a script in its body; then a clean current version."""
    root = glossary_dir.parent
    git(root, "init", "-q", "-b", "main")
    call = glossary_dir / "margin-call.yaml"
    good = call.read_text()
    first = commit(root, "first")
    call.write_text(good.replace("body: |\n", "body: |\n  " + "[" * 24_000 + "\n\n", 1))
    brackets = commit(root, "brackets")
    nested = "".join("  " + "  " * depth + "- x\n" for depth in range(260))
    call.write_text(good.replace("body: |\n", "body: |\n" + nested + "\n", 1))
    deep = commit(root, "deep")
    call.write_text(good.replace("body: |\n", "body: |\n  `tick\n\n  <script>alert(1)</script>\n\n  end`\n\n", 1))
    script = commit(root, "script")
    call.write_text(good.replace(SUMMARY, "summary: The current wording of the definition used in tests."))
    commit(root, "current")
    return {"terms": glossary_dir, "commits": {"first": first, "brackets": brackets, "deep": deep, "script": script}}


@needs_git
def test_revisions_that_fail_todays_checks_are_left_out_and_named(poisoned) -> None:
    found = history.collect_history(poisoned["terms"])
    commits = {rev.commit for rev in found.of("margin-call")}
    assert poisoned["commits"]["first"] in commits and poisoned["commits"]["script"] in commits
    assert poisoned["commits"]["brackets"] not in commits and poisoned["commits"]["deep"] not in commits
    skipped = "\n".join(found.skipped)
    for name in ("brackets", "deep"):
        assert poisoned["commits"][name][:12] in skipped
    assert "fails today's checks" in skipped


@needs_git
def test_a_poisoned_history_builds_quickly_and_its_script_never_reaches_a_page(poisoned, tmp_path: Path) -> None:
    import time

    from generator.emit.mkdocs.site_build import build_site

    site = tmp_path / "site"
    started = time.process_time()
    result = build_site(site, poisoned["terms"])
    assert result.ok, result.output[-3000:]
    assert time.process_time() - started < 30
    pages = [path.read_text() for path in (site / "rev" / "margin-call").rglob("index.html")]
    assert pages and all("<script>alert" not in page for page in pages)
    assert any("&lt;script&gt;alert(1)&lt;/script&gt;" in page or "alert(1)" not in page for page in pages)
    assert poisoned["commits"]["brackets"][:12] in result.output
