"""Exports: JSON against the published schema, CSV, SKOS through rdflib, BibTeX through
bibtexparser, the site's /api/ files, and `glossary export` writing safely."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import jsonschema
import pytest

from generator.cite import record as cite
from generator.cli import main
from generator.export import formats as export
from generator.pipeline import load_all

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")  # inside rdflib
SCHEMA = json.loads((ROOT / "schema" / "export.schema.json").read_text())
DAY = date(2026, 11, 24)
SITE = "https://g.test/"


@pytest.fixture
def loaded(glossary_dir: Path):
    # an alias and an abbreviation with characters Turtle, CSV and BibTeX must escape
    path = glossary_dir / "margin.yaml"
    path.write_text(
        path.read_text().replace(
            "areas: [test-area]", "areas: [test-area]\naliases: ['say \"margin\", \\ please']\nabbreviations: [M&M]"
        )
    )
    result = load_all(glossary_dir, use_cache=False)
    assert not result.glossary.errors, [p.format() for p in result.glossary.errors]
    return result


@pytest.fixture
def ctx() -> export.ExportContext:
    return export.ExportContext(site_url=SITE, site_name="Leverage Glossary", day=DAY)


def validator() -> jsonschema.Draft202012Validator:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    return jsonschema.Draft202012Validator(SCHEMA)


# -- JSON -----------------------------------------------------------------------------------------


def test_json_export_validates_against_the_published_schema(loaded, ctx) -> None:
    data = json.loads(export.export("json", loaded.glossary.entries, loaded.graph, ctx))
    validator().validate(data)
    assert data["count"] == len(data["entries"]) == 4
    assert data["version"] == "2026-11-24" and data["license"]["name"] == "CC BY 4.0"
    assert data["author"] == "Leverage Glossary contributors"
    assert data["$schema"] == SITE + "api/export.schema.json"


def test_json_entry_carries_content_links_version_and_citation(loaded, ctx) -> None:
    data = json.loads(export.export("json", loaded.glossary.entries, loaded.graph, ctx))
    entry = next(e for e in data["entries"] if e["slug"] == "margin-call")
    record = cite.CitationRecord.from_entry(loaded.glossary.entries["margin-call"], site_url=SITE)
    assert entry["url"] == SITE + "definition/margin-call/"
    assert entry["aliases"] == ["call"] and entry["abbreviations"] == ["MC"]
    assert entry["relations"]["broader"] == ["margin"] and entry["relations"]["related"] == ["liquidation"]
    assert entry["version"] == {
        "id": record.version,
        "fingerprint": record.fingerprint,
        "modified": "2026-11-20",
        "url": record.version_url,
    }
    assert entry["citation"] == record.csl_item()
    assert entry["sources"][0]["url"] == "https://example.org/a"
    margin = next(e for e in data["entries"] if e["slug"] == "margin")
    assert margin["relations"]["narrower"] == ["margin-call"]  # inferred from margin-call's broader


def test_every_site_api_json_validates(loaded, ctx) -> None:
    files = dict(export.site_files(loaded.glossary.entries, loaded.graph, ctx))
    check = validator()
    for slug in loaded.glossary.entries:
        document = json.loads(files[f"api/entries/{slug}.json"])
        check.validate(document)
        assert document["entry"]["slug"] == slug
        assert document["entry"]["api"] == f"{SITE}api/entries/{slug}.json"
    check.validate(json.loads(files["api/glossary.json"]))
    assert json.loads(files["api/export.schema.json"]) == SCHEMA
    assert set(export.SITE_FILES.values()) <= set(files)


def test_schema_rejects_what_it_should(loaded, ctx) -> None:
    data = json.loads(export.export("json", loaded.glossary.entries, loaded.graph, ctx))
    check = validator()
    broken = json.loads(json.dumps(data))
    del broken["entries"][0]["summary"]
    assert not check.is_valid(broken)
    broken = json.loads(json.dumps(data))
    broken["entries"][0]["version"]["id"] = "v1"
    assert not check.is_valid(broken)
    broken = json.loads(json.dumps(data))
    broken["entries"][0]["relations"]["sibling"] = ["margin"]
    assert not check.is_valid(broken)
    assert not check.is_valid({**data, "entry": data["entries"][0]})  # not both kinds of document at once


def test_export_is_deterministic(loaded, ctx) -> None:
    for fmt in export.FORMATS:
        first = export.export(fmt, loaded.glossary.entries, loaded.graph, ctx)
        assert first == export.export(fmt, loaded.glossary.entries, loaded.graph, ctx), fmt


# -- CSV -------------------------------------------------------------------------------------------


def test_csv_reads_back_one_row_per_entry(loaded, ctx) -> None:
    text = export.export("csv", loaded.glossary.entries, loaded.graph, ctx)
    assert text.endswith("\r\n")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [r["slug"] for r in rows] == sorted(loaded.glossary.entries)
    margin = next(r for r in rows if r["slug"] == "margin")
    assert margin["aliases"].split("|") == ['say "margin", \\ please']
    assert margin["abbreviations"] == "M&M"
    assert margin["narrower"] == "margin-call"
    assert margin["url"] == SITE + "definition/margin/"
    assert tuple(rows[0]) == export.CSV_COLUMNS


# -- SKOS -------------------------------------------------------------------------------------------


def _graphs(loaded, ctx):
    import rdflib

    turtle = rdflib.Graph().parse(
        data=export.export("skos-turtle", loaded.glossary.entries, loaded.graph, ctx), format="turtle"
    )
    jsonld = rdflib.Graph().parse(
        data=export.export("skos-jsonld", loaded.glossary.entries, loaded.graph, ctx), format="json-ld"
    )
    return turtle, jsonld


def test_skos_loads_in_rdflib_with_every_property(loaded, ctx) -> None:
    from rdflib import Literal, URIRef
    from rdflib.namespace import RDF, SKOS

    turtle, _ = _graphs(loaded, ctx)
    scheme = URIRef(SITE)
    call = URIRef(SITE + "definition/margin-call/")
    margin = URIRef(SITE + "definition/margin/")
    liquidation = URIRef(SITE + "term/liquidation/")
    assert (scheme, RDF.type, SKOS.ConceptScheme) in turtle
    concepts = set(turtle.subjects(RDF.type, SKOS.Concept))
    assert len(concepts) == 4
    assert all((c, SKOS.inScheme, scheme) in turtle for c in concepts)
    assert (call, SKOS.prefLabel, Literal("Margin Call", lang="en")) in turtle
    assert set(turtle.objects(call, SKOS.altLabel)) == {Literal("call", lang="en"), Literal("MC", lang="en")}
    assert (call, SKOS.definition, Literal("A short precise definition used in tests.", lang="en")) in turtle
    assert (call, SKOS.broader, margin) in turtle and (margin, SKOS.narrower, call) in turtle
    assert (call, SKOS.related, liquidation) in turtle and (liquidation, SKOS.related, call) in turtle
    assert Literal('say "margin", \\ please', lang="en") in set(turtle.objects(margin, SKOS.altLabel))


def test_skos_turtle_and_jsonld_hold_the_same_triples(loaded, ctx) -> None:
    from rdflib.compare import isomorphic

    turtle, jsonld = _graphs(loaded, ctx)
    assert len(turtle) > 30
    assert isomorphic(turtle, jsonld)


def test_skos_never_marks_a_hierarchical_pair_related(loaded, ctx) -> None:
    from rdflib.namespace import SKOS

    turtle, _ = _graphs(loaded, ctx)
    for a, b in turtle.subject_objects(SKOS.related):
        assert (a, SKOS.broader, b) not in turtle and (a, SKOS.narrower, b) not in turtle


# -- BibTeX ------------------------------------------------------------------------------------------


def test_bibtex_export_reads_back_one_entry_each(loaded, ctx) -> None:
    import bibtexparser

    text = export.export("bibtex", loaded.glossary.entries, loaded.graph, ctx)
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks
    assert sorted(e.key for e in library.entries) == sorted(f"leverage-glossary-{s}" for s in loaded.glossary.entries)
    for bib in library.entries:
        fields = {f.key: f.value for f in bib.fields}
        assert fields["urldate"] == "2026-11-24" and fields["url"].startswith(SITE)


# -- the site's /api/ ----------------------------------------------------------------------------------


def test_site_api_paths(loaded, ctx) -> None:
    files = dict(export.site_files(loaded.glossary.entries, loaded.graph, ctx))
    expected = {
        "api/glossary.json",
        "api/glossary.csv",
        "api/glossary.ttl",
        "api/glossary.jsonld",
        "api/glossary.bib",
        "api/export.schema.json",
        *(f"api/entries/{slug}.json" for slug in loaded.glossary.entries),
    }
    assert set(files) == expected


# -- writing ----------------------------------------------------------------------------------------------


def test_write_output_is_atomic_and_refuses_to_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    export.write_output(target, "one")
    assert target.read_text() == "one"
    with pytest.raises(FileExistsError):
        export.write_output(target, "two")
    assert target.read_text() == "one"
    export.write_output(target, "three", force=True)
    assert target.read_text() == "three"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]  # no temporary files left behind


def test_write_output_leaves_nothing_when_writing_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    def fail(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    monkeypatch.setattr(os, "link", fail)
    with pytest.raises(OSError):
        export.write_output(tmp_path / "out.csv", "data", force=True)
    assert list(tmp_path.iterdir()) == []


# -- the command ------------------------------------------------------------------------------------------


def test_cli_export_to_stdout(loaded, glossary_dir: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795478400")  # 2026-11-24
    assert main(["export", "json", "--terms", str(glossary_dir), "--site-url", SITE]) == 0
    data = json.loads(capsys.readouterr().out)
    validator().validate(data)
    assert data["generated"] == "2026-11-24" and data["url"] == SITE


def test_cli_export_every_format(glossary_dir: Path, capsys) -> None:
    for fmt in export.FORMATS:
        assert main(["export", fmt, "--terms", str(glossary_dir), "--no-history"]) == 0, fmt
        assert capsys.readouterr().out.strip(), fmt


def test_cli_export_out_never_overwrites_without_force(glossary_dir: Path, tmp_path: Path, capsys) -> None:
    target = tmp_path / "glossary.csv"
    assert main(["export", "csv", "--terms", str(glossary_dir), "--out", str(target)]) == 0
    assert target.read_text().startswith("slug,title,kind")
    target.write_text("my edits")
    assert main(["export", "csv", "--terms", str(glossary_dir), "--out", str(target)]) == 1
    assert "already exists; pass --force" in capsys.readouterr().err
    assert target.read_text() == "my edits"
    assert main(["export", "csv", "--terms", str(glossary_dir), "--out", str(target), "--force"]) == 0
    assert target.read_text().startswith("slug,title,kind")


def test_cli_export_usage_errors(glossary_dir: Path, tmp_path: Path) -> None:
    assert main(["export", "yaml", "--terms", str(glossary_dir)]) == 2
    assert main(["export", "json", "--terms", str(glossary_dir), "--out", str(tmp_path / "no" / "x.json")]) == 2
    assert main(["export", "json", "--terms", str(glossary_dir), "--out", str(tmp_path)]) == 2
    assert main(["export", "json", "--terms", str(tmp_path / "missing")]) == 2


def test_cli_export_refuses_a_glossary_with_errors(glossary_dir: Path, tmp_path: Path, capsys) -> None:
    (glossary_dir / "margin.yaml").write_text("title: [unclosed\n")
    target = tmp_path / "x.json"
    assert main(["export", "json", "--terms", str(glossary_dir), "--out", str(target)]) == 1
    assert "fix them first" in capsys.readouterr().err
    assert not target.exists()
