"""Caches that cannot vouch for input, builds that write only where they should, nothing lost.

Each test says what a person running the command sees: the exit code, the message, and
which files are untouched afterwards.

- A planted verdict or check cache, however valid it looks, never makes a broken folder
  pass: caches carry an HMAC under a key of the user's own, outside the project.
- The build writes nothing outside its staging folder, whatever a path says.
- `build --site-dir` refuses the terms folder, the project, a folder holding them, a file,
  and a folder of files the build did not make; `export --out` replaces only a regular file.
- CSV cells a spreadsheet would run as formulas are neutralised; other exports are exact.
- `index` and the site's other own names are refused for entries, areas and tags.
- A killed `glossary build` takes MkDocs with it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import marshal
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator import pipeline, safe_paths, site_paths
from generator import signed_cache as sealed
from tests.conftest import entry_yaml, write_clean_glossary

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str, cache: Path, timeout: float = 300, **extra_env: str) -> subprocess.CompletedProcess[str]:
    """`python -m generator ARGS` with its own user cache folder (so its own cache key)."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "XDG_CACHE_HOME": str(cache), **extra_env}
    return subprocess.run(
        [sys.executable, "-m", "generator", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    """A glossary with one error: margin's relation leads nowhere."""
    terms = write_clean_glossary(tmp_path / "terms")
    margin = terms / "margin.yaml"
    margin.write_text(margin.read_text().replace("[liquidation]", "[nowhere]"))
    return terms


# -- 6. caches cannot vouch for input -------------------------------------------------------------


def _forge(path: Path, magic: bytes, fingerprint: bytes, data: object, key: bytes) -> None:
    """A cache file as sealed.write makes it, under `key`."""
    payload = marshal.dumps(data)
    mac = hmac.new(key, digestmod=hashlib.sha256)
    mac.update(len(magic).to_bytes(4, "big") + magic + len(fingerprint).to_bytes(4, "big") + fingerprint)
    mac.update(payload)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(magic + fingerprint + mac.digest() + payload)


def test_a_planted_verdict_cache_does_not_make_a_broken_folder_pass(broken: Path, tmp_path: Path) -> None:
    verdict = pipeline._cache_path(broken).with_suffix(".verdict")
    key = pipeline._verdict_key(broken)
    assert key is not None
    # the old format (an unkeyed checksum anyone can compute), and the new one under a guessed key
    payload = marshal.dumps((4, []))
    old_style = pipeline._VERDICT_MAGIC + key + hashlib.blake2b(payload, digest_size=16).digest() + payload
    for plant in ("unkeyed", "guessed-key"):
        if plant == "unkeyed":
            verdict.parent.mkdir(parents=True, exist_ok=True)
            verdict.write_bytes(old_style)
        else:
            _forge(verdict, pipeline._VERDICT_MAGIC, key, (4, []), os.urandom(32))
        result = run("validate", "--terms", str(broken), cache=tmp_path / "user-cache")
        assert result.returncode == 1, (plant, result.stdout)
        assert "DANGLING_LINK" in result.stdout and "no problems" not in result.stdout, plant


def test_the_same_plant_under_the_users_own_key_is_what_a_cache_hit_looks_like(broken: Path, tmp_path: Path) -> None:
    """The control for the test above: it plants at the right place in the right shape, so only the key stops it."""
    user_cache = tmp_path / "user-cache"
    assert run("validate", "--terms", str(broken), cache=user_cache).returncode == 1  # makes the key
    own_key = (user_cache / "leverage-glossary" / "key").read_bytes()
    verdict = pipeline._cache_path(broken).with_suffix(".verdict")
    _forge(verdict, pipeline._VERDICT_MAGIC, pipeline._verdict_key(broken), (4, []), own_key)
    result = run("validate", "--terms", str(broken), cache=user_cache)
    assert result.returncode == 0 and "no problems" in result.stdout


def test_a_planted_check_cache_does_not_hide_a_files_problems(
    broken: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A per-file result forged for margin.yaml (no problems, a tag that climbs out of the site) is ignored."""
    from generator.check.codec import to_plain

    clean = pipeline.check_bytes(
        str(broken / "margin.yaml"), (broken / "margin.yaml").read_bytes().replace(b"[nowhere]", b"[liquidation]")
    )
    forged = to_plain(
        dataclasses.replace(clean, problems=(), entry=dataclasses.replace(clean.entry, tags=("../../escape",)))
    )
    data = (broken / "margin.yaml").read_bytes()
    entries = {(str(broken / "margin.yaml"), hashlib.blake2b(data, digest_size=16).digest()): forged}
    monkeypatch.setattr(sealed, "secret_key", lambda: os.urandom(32))  # the attacker's key, not the user's
    pipeline._write_cache(pipeline._cache_path(broken), entries)
    monkeypatch.undo()
    result = run("validate", "--no-cache", "--terms", str(broken), cache=tmp_path / "user-cache")
    cached = run("validate", "--terms", str(broken), cache=tmp_path / "user-cache")
    assert cached.returncode == 1 and cached.stdout == result.stdout
    assert "DANGLING_LINK" in cached.stdout


def test_the_cache_key_is_private_and_made_once(tmp_path: Path) -> None:
    terms = write_clean_glossary(tmp_path / "terms")
    user_cache = tmp_path / "user-cache"
    assert run("validate", "--terms", str(terms), cache=user_cache).returncode == 0
    key_file = user_cache / "leverage-glossary" / "key"
    info = key_file.stat()
    assert stat.S_IMODE(info.st_mode) == 0o600 and info.st_size == 32
    first = key_file.read_bytes()
    assert run("validate", "--terms", str(terms), cache=user_cache).returncode == 0
    assert key_file.read_bytes() == first
    assert list((tmp_path / ".glossary-cache").glob("*.verdict"))


def test_without_a_key_the_tools_run_without_caches(broken: Path, tmp_path: Path) -> None:
    """A cache folder that cannot be made (a file stands there): validate still works, caches nothing."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the user cache would go\n")
    for _ in range(2):
        result = run("validate", "--terms", str(broken), cache=blocker)
        assert result.returncode == 1 and "DANGLING_LINK" in result.stdout and result.stderr == ""
    assert not (tmp_path / ".glossary-cache").exists() or not any((tmp_path / ".glossary-cache").iterdir())


def test_a_key_others_can_read_is_not_used(tmp_path: Path) -> None:
    key_file = tmp_path / "leverage-glossary" / "key"
    key_file.parent.mkdir()
    key_file.write_bytes(os.urandom(32))
    key_file.chmod(0o644)
    assert sealed._read_key(key_file) is None
    key_file.chmod(0o600)
    assert sealed._read_key(key_file) == key_file.read_bytes()


@pytest.mark.parametrize(
    "bad",
    [
        "../outside.html",
        "tags/../../outside.html",
        "/etc/outside",
        "a//b.html",
        "./a.html",
        "a\\..\\b.html",
        "",
        "tags/x\x00.html",
        "tags/..",
    ],
)
def test_the_build_writes_nothing_outside_its_folder(tmp_path: Path, bad: str) -> None:
    """The one check every written path passes, whatever a cache or an entry said."""
    from mkdocs.exceptions import Abort

    from generator.emit.mkdocs import site_output
    from generator.export import formats as export

    site = tmp_path / "staging"
    site.mkdir()
    with pytest.raises(safe_paths.UnsafePath):
        safe_paths.inside(str(site), bad)
    with pytest.raises(Abort, match="nothing is written outside the site folder"):
        site_output.writer(site)(bad, "<html>x</html>")
    with pytest.raises(safe_paths.UnsafePath), export.directory_opener(site)(bad) as out:
        out.write("x")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["staging"] and not any(site.iterdir())


def test_ordinary_site_paths_pass_the_write_check(tmp_path: Path) -> None:
    for good in ("index.html", "tags/margin.md", "term/liquidation-price/index.md", "api/entries/x.json"):
        assert safe_paths.inside(str(tmp_path), good) == str(tmp_path / good)


# -- 7. nothing lost: --site-dir, --out, CSV, reserved names ----------------------------------------


@pytest.mark.parametrize("where", ["terms", "project", "above-project", "file", "notes", "inside-terms"])
def test_build_refuses_a_site_dir_that_would_lose_files(tmp_path: Path, where: str) -> None:
    project = tmp_path / "project"
    terms = write_clean_glossary(project / "terms")
    (project / "notes").mkdir()
    (project / "notes" / "ideas.md").write_text("an author's notes\n")
    (project / "page.html").write_text("<p>someone's page</p>\n")
    site = {
        "terms": terms,
        "project": project,
        "above-project": tmp_path,
        "file": project / "page.html",
        "notes": project / "notes",
        "inside-terms": terms / "site",
    }[where]
    before = snapshot(tmp_path)
    result = run("build", "--terms", str(terms), "--site-dir", str(site), cache=tmp_path.parent / "user-cache")
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and "hint:" in result.stderr
    assert snapshot(tmp_path) == before  # every entry, note and page as it was
    assert not [p for p in project.iterdir() if p.name.startswith((".building-", ".replaced-"))]


def test_build_refuses_an_old_unmarked_site_with_a_hint(tmp_path: Path) -> None:
    terms = write_clean_glossary(tmp_path / "terms")
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<html>built by an older version</html>")
    (site / "sitemap.xml").write_text("<urlset/>")
    result = run("build", "--terms", str(terms), "--site-dir", str(site), cache=tmp_path / "user-cache")
    assert result.returncode == 2
    assert "older glossary build" in result.stderr and "rm -r" in result.stderr
    assert (site / "index.html").read_text() == "<html>built by an older version</html>"


def test_build_into_an_empty_folder_marks_its_site_and_replaces_it_next_time(tmp_path: Path) -> None:
    terms = write_clean_glossary(tmp_path / "terms")
    site = tmp_path / "site"
    site.mkdir()
    for _ in range(2):
        result = run("build", "--terms", str(terms), "--site-dir", str(site), cache=tmp_path / "user-cache")
        assert result.returncode == 0, result.stdout + result.stderr
        assert (site / safe_paths.SITE_MARKER).is_file() and (site / "index.html").is_file()


@pytest.mark.parametrize("kind", ["device", "fifo", "folder", "link-to-file", "link-to-device"])
def test_export_out_replaces_only_a_regular_file_even_with_force(glossary_dir: Path, tmp_path: Path, kind: str) -> None:
    target = tmp_path / "out"
    if kind == "device":
        target = Path("/dev/null")
    elif kind == "fifo":
        os.mkfifo(target)
    elif kind == "folder":
        target.mkdir()
    elif kind == "link-to-file":
        (tmp_path / "real.json").write_text("someone's file\n")
        target.symlink_to(tmp_path / "real.json")
    else:
        target.symlink_to("/dev/null")
    before = os.lstat(target)
    result = run(
        "export",
        "json",
        "--terms",
        str(glossary_dir),
        "--no-history",
        "--out",
        str(target),
        "--force",
        cache=tmp_path / "user-cache",
        timeout=60,
    )
    assert result.returncode == 2, result.stderr
    assert "is never replaced" in result.stderr and "Traceback" not in result.stderr
    after = os.lstat(target)
    assert (after.st_mode, after.st_ino) == (before.st_mode, before.st_ino)
    if kind == "link-to-file":
        assert (tmp_path / "real.json").read_text() == "someone's file\n"


def test_export_out_still_replaces_a_regular_file_with_force(glossary_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "glossary.json"
    out.write_text("an earlier export\n")
    result = run(
        "export",
        "json",
        "--terms",
        str(glossary_dir),
        "--no-history",
        "--out",
        str(out),
        "--force",
        cache=tmp_path / "user-cache",
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert out.read_text().lstrip().startswith("{")


def test_csv_export_neutralises_formula_cells_and_only_the_csv(glossary_dir: Path, tmp_path: Path) -> None:
    margin = glossary_dir / "margin.yaml"
    margin.write_text(
        margin.read_text().replace("title: Margin", "title: Margin\naliases: ['=1+1', '@SUM(A1)', '-2+3']")
    )
    csv_out = run("export", "csv", "--terms", str(glossary_dir), "--no-history", cache=tmp_path / "user-cache")
    assert csv_out.returncode == 0, csv_out.stderr
    row = next(line for line in csv_out.stdout.splitlines() if line.startswith("margin,"))
    assert "'=1+1|@SUM(A1)|-2+3" in row  # the cell starts with '=': quoted once, as a whole
    json_out = run("export", "json", "--terms", str(glossary_dir), "--no-history", cache=tmp_path / "user-cache")
    assert '"=1+1"' in json_out.stdout and "'=1+1" not in json_out.stdout


@pytest.mark.parametrize(
    "text, shown",
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@A1", "'@A1"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Margin", "Margin"),
        ("", ""),
        ("1=1", "1=1"),
    ],
)
def test_csv_cell(text: str, shown: str) -> None:
    from generator.export.csv_export import csv_cell

    assert csv_cell(text) == shown


@pytest.mark.parametrize("where", ["entry", "tag", "area"])
def test_reserved_names_are_refused_for_entries_tags_and_areas(glossary_dir: Path, tmp_path: Path, where: str) -> None:
    related = "relations: {related: [margin]}"
    if where == "entry":
        (glossary_dir / "index.yaml").write_text(entry_yaml("Index Entry", relations=related))
        expected = "index.yaml:1:1: RESERVED_SLUG 'index' is an address the site keeps for its own pages"
    elif where == "tag":
        (glossary_dir / "tagged.yaml").write_text(
            entry_yaml("Tagged", relations=related, extra="tags: [margin, index]")
        )
        expected = "tagged.yaml:6:16: RESERVED_SLUG 'index' in tags"
    else:
        (glossary_dir / "in-api.yaml").write_text(entry_yaml("In Api", relations=related, areas="[test-area, api]"))
        expected = "in-api.yaml:4:20: RESERVED_SLUG 'api' in areas"
    result = run("validate", "--terms", str(glossary_dir), cache=tmp_path / "user-cache")
    assert result.returncode == 1
    assert any(expected in line for line in result.stdout.splitlines()), result.stdout
    assert "    hint: " in result.stdout


def test_new_refuses_a_reserved_slug(glossary_dir: Path, tmp_path: Path) -> None:
    result = run("new", "Index", "--terms", str(glossary_dir), cache=tmp_path / "user-cache")
    assert result.returncode == 2 and "keeps for its own pages" in result.stderr
    assert not (glossary_dir / "index.yaml").exists()


def test_every_top_level_name_a_build_writes_is_reserved(tmp_path: Path) -> None:
    """site_paths.RESERVED cannot fall behind the site: a real build's top-level names are all in it."""
    terms = write_clean_glossary(tmp_path / "terms")
    site = tmp_path / "site"
    result = run("build", "--terms", str(terms), "--site-dir", str(site), cache=tmp_path / "user-cache")
    assert result.returncode == 0, result.stdout + result.stderr
    sections = {"definition", "term", "area"}  # entries live one folder down, under their kind
    names = {path.name.split(".", 1)[0] for path in site.iterdir() if not path.name.startswith((".", "_"))}
    assert names - sections <= site_paths.RESERVED, names - sections - site_paths.RESERVED
    shipped = {path.name.split(".", 1)[0] for path in (ROOT / "site_src").iterdir()}
    assert shipped <= site_paths.RESERVED


# -- 10. a killed build takes MkDocs with it -------------------------------------------------------


def _children(pid: int) -> list[int]:
    try:
        return [int(word) for word in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _running(pid: int) -> bool:
    try:
        return "\nState:\tZ" not in Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_killing_glossary_build_kills_its_mkdocs(tmp_path: Path) -> None:
    terms = write_clean_glossary(tmp_path / "terms")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "XDG_CACHE_HOME": str(tmp_path / "user-cache")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator", "build", "--terms", str(terms), "--site-dir", str(tmp_path / "site")],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    children: list[int] = []
    deadline = time.monotonic() + 60
    while not children and proc.poll() is None and time.monotonic() < deadline:
        children = _children(proc.pid)
        time.sleep(0.005)
    if not children:
        proc.wait(timeout=60)
        pytest.skip("the build finished before MkDocs could be seen")
    os.kill(proc.pid, signal.SIGKILL)  # the glossary process only, as an OOM killer or a CI timeout would
    proc.wait(timeout=30)
    deadline = time.monotonic() + 5
    while any(_running(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not any(_running(pid) for pid in children), "MkDocs outlived the glossary process"
    assert not (tmp_path / "site").exists()


def test_a_build_that_runs_out_of_disk_says_so_without_mkdocs_traceback() -> None:
    """What `glossary build` prints when MkDocs died writing (disk full, read-only, quota)."""
    from generator.cli.build import _write_failure

    traceback = (
        'Traceback (most recent call last):\n  File "x.py", line 1\n'
        "OSError: [Errno 28] No space left on device: '/site/.building-site-1-x/index.html'\n"
    )
    assert _write_failure(traceback) == "No space left on device"
    assert _write_failure("OSError: [Errno 30] Read-only file system: '/x'") == "Read-only file system"
    assert _write_failure("ERROR - Config value 'nav': a page is missing") is None
