"""The benchmark corpus: valid by construction, with the field mix of the real entries."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `bench` is not installed; `python -m pytest` finds it, plain `pytest` may not
    sys.path.insert(0, str(ROOT))

from bench.corpus import CorpusError, number_text, write_corpus  # noqa: E402
from generator.check.values import precision_of  # noqa: E402


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    terms = tmp_path_factory.mktemp("bench") / "terms"
    write_corpus(60, terms)
    return terms


def _entries(terms: Path) -> list[dict]:
    return [yaml.safe_load(path.read_text(encoding="utf-8")) for path in sorted(terms.glob("*.yaml"))]


def test_validate_no_cache_reports_no_problems(corpus: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "generator", "validate", "--no-cache", "--terms", str(corpus)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().splitlines()[-1] == "60 entries checked: no problems."


def test_field_mix_matches_the_real_entries(corpus: Path) -> None:
    entries = _entries(corpus)
    assert len(entries) == 60
    kinds = Counter(e["kind"] for e in entries)
    assert set(kinds) == {"definition", "term", "area"}
    assert kinds["definition"] > kinds["term"] > kinds["area"] >= 3
    assert all(e["summary"] and e["body"] and e["sources"] for e in entries)
    assert sum(1 for e in entries if e.get("formulas")) >= 30
    examples = [x for e in entries for x in e.get("examples") or []]
    assert any("formula" in x for x in examples) and any("calculator" in x for x in examples)
    assert sum(1 for e in entries if e.get("relations")) >= 50
    assert sum(e["body"].count("[[") for e in entries) >= 5 * len(entries)
    areas = [e for e in entries if e["kind"] == "area"]
    assert areas and all({i["facet"] for i in e["faq"]} >= {"Capital", "Calculation", "Consequence"} for e in areas)
    assert any("##" in e["body"] for e in entries if e["kind"] == "term")
    sizes = [len((corpus / f).read_bytes()) for f in sorted(p.name for p in corpus.glob("*.yaml"))]
    assert 3_500 < sum(sizes) / len(sizes) < 7_500  # the real entries average about 5 KB


def test_links_stay_inside_the_corpus_and_names_are_unique(corpus: Path) -> None:
    entries = _entries(corpus)
    slugs = {p.stem for p in corpus.glob("*.yaml")}
    for entry in entries:
        for targets in (entry.get("relations") or {}).values():
            assert set(targets) <= slugs
        assert set(entry.get("areas") or []) <= slugs
    names = [
        n.casefold() for e in entries for n in [e["title"], *(e.get("aliases") or []), *(e.get("abbreviations") or [])]
    ]
    assert len(names) == len(set(names))


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    write_corpus(20, tmp_path / "a")
    write_corpus(20, tmp_path / "b")
    write_corpus(20, tmp_path / "c", seed=10)
    a = {p.name: p.read_bytes() for p in (tmp_path / "a").iterdir()}
    assert a == {p.name: p.read_bytes() for p in (tmp_path / "b").iterdir()}
    assert a != {p.name: p.read_bytes() for p in (tmp_path / "c").iterdir()}


def test_never_overwrites_a_non_empty_folder_without_force(tmp_path: Path) -> None:
    terms = tmp_path / "terms"
    terms.mkdir()
    (terms / "mine.yaml").write_text("title: Mine\n", encoding="utf-8")
    (terms / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(CorpusError):
        write_corpus(10, terms)
    assert (terms / "mine.yaml").read_text(encoding="utf-8") == "title: Mine\n"
    cli = subprocess.run(
        [sys.executable, "-m", "bench", "corpus", "--n", "10", "--out", str(terms)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert cli.returncode == 2 and "--force" in cli.stderr
    write_corpus(10, terms, force=True)
    assert not (terms / "mine.yaml").exists()
    assert (terms / "notes.txt").read_text(encoding="utf-8") == "keep me"
    assert len(list(terms.glob("*.yaml"))) == 10


@pytest.mark.parametrize("value", [45226.1349999, 0.1 + 0.2, -8.0, 1e-7, 123456789.987654321, 0.0])
def test_stated_numbers_are_within_the_checkers_precision(value: float) -> None:
    text = number_text(value)
    assert "e" not in text.lower()  # YAML 1.1 would read 1e-07 as text
    assert abs(float(text) - value) <= precision_of(text)
