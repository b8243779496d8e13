"""The shipped knowledge base: the counts and rules the content issue promises readers."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from generator.markup import headings, word_count
from generator.pipeline import load_all

ROOT = Path(__file__).resolve().parent.parent
SEED = json.loads((Path(__file__).parent / "data" / "seed-facts.json").read_text())
AREAS = {
    "asset-class-leverage",
    "margin-and-liquidation",
    "perpetuals-and-futures",
    "defi-leverage",
    "risk-measurement",
    "leveraged-products",
    "systemic-leverage",
    "leverage-regulation",
}


@pytest.fixture(scope="module")
def loaded():
    return load_all(ROOT / "terms", use_cache=False)


@pytest.fixture(scope="module")
def entries(loaded):
    return loaded.glossary.entries


def test_validates_with_zero_errors_and_zero_warnings(loaded) -> None:
    assert [p.format() for p in loaded.glossary.problems] == []


def test_counts(entries) -> None:
    assert len(entries) >= 110
    assert {s for s, e in entries.items() if e.kind == "area"} == AREAS
    assert sum(1 for e in entries.values() if e.formulas) >= 25
    assert sum(1 for e in entries.values() if e.examples) >= 20


def test_seed_entries_keep_their_slugs_titles_kinds_and_dates(entries) -> None:
    for fact in SEED["entries"]:
        entry = entries[fact["slug"]]
        assert (entry.title, entry.kind, entry.published) == (fact["title"], fact["kind"], fact["published"])
        assert "asset-class-leverage" in entry.areas


def test_every_area_answers_capital_calculation_and_consequence(entries) -> None:
    for slug in AREAS:
        facets = {item.facet for item in entries[slug].faq}
        assert {"Capital", "Calculation", "Consequence"} <= facets, slug


def test_every_entry_is_linked_tagged_sourced_and_long_enough(entries) -> None:
    for slug, entry in entries.items():
        stated = sum(len(targets) for targets in entry.relations.values())
        assert stated >= 3, f"{slug}: {stated} relations"
        assert entry.tags, slug
        assert entry.sources, slug
        if entry.kind != "area":
            assert entry.areas, slug
        if entry.kind == "definition":
            assert word_count(entry.body) >= 80, slug
        if entry.kind == "term":
            assert word_count(entry.body) >= 300, slug
            titles = [
                entry.body[offset:].split("\n", 1)[0].lower() for level, offset in headings(entry.body) if level == 2
            ]
            for section in ("how it works", "example", "risks"):
                assert any(section in title for title in titles), f"{slug}: no '{section}' section"


def test_worked_examples_cite_a_source_with_an_address(entries) -> None:
    for slug, entry in entries.items():
        ids = {source.id: source for source in entry.sources if source.id}
        for example in entry.examples:
            assert example.source in ids, (slug, example.title)
            assert ids[example.source].url.startswith(("https://", "http://")), (slug, example.title)


@pytest.mark.parametrize(
    "name, slug",
    [
        ("LTV", "loan-to-value-ratio"),
        ("MMR", "maintenance-margin-rate"),
        ("ADL", "auto-deleveraging"),
        ("perp", "perpetual-swap"),
        ("HF", "health-factor"),
        ("VaR", "value-at-risk"),
        ("ES", "expected-shortfall"),
        ("CVaR", "expected-shortfall"),
        ("LETF", "leveraged-etf"),
        ("ROE", "return-on-equity"),
        ("PnL", "profit-and-loss"),
        ("recursive borrowing", "recursive-leverage-dynamics"),
        ("liquidation cascade", "leverage-cascade-dynamics"),
    ],
)
def test_the_names_people_type_lead_to_one_entry(entries, name: str, slug: str) -> None:
    entry = entries[slug]
    assert name.casefold() in {n.casefold() for n in entry.names}


def test_near_duplicate_families_explain_how_they_differ(entries) -> None:
    families = [
        ["leverage-cascade-dynamics", "leverage-deleveraging-loops", "leverage-traps", "recursive-leverage-unwinding"],
        ["asset-class-relationships", "asset-class-interdependence", "asset-class-correlations"],
    ]
    for family in families:
        for slug in family:
            text = entries[slug].body
            linked = set(re.findall(r"\[\[([a-z0-9-]+)", text)) | {
                t for targets in entries[slug].relations.values() for t in targets
            }
            siblings = set(family) - {slug}
            assert siblings <= linked, f"{slug} does not link to {siblings - linked}"
            assert re.search(r"differ|unlike|distinct|whereas|narrower than|broader than", text, re.I), slug


def test_every_source_says_whether_it_is_primary_and_every_venue_claim_is_dated(entries) -> None:
    for slug, entry in entries.items():
        for source in entry.sources:
            assert source.type in ("primary", "secondary"), (slug, source.title)
        ids = {source.id: source for source in entry.sources if source.id}
        for item in (*entry.formulas, *entry.examples):
            if item.venue:
                assert item.as_of, (slug, item.title)
                assert item.source in ids, (slug, item.title)
            else:
                assert not item.as_of, (slug, item.title)


def test_no_venue_claim_is_older_than_twelve_months() -> None:
    """What `glossary stale` promises readers; fails once a claim goes unchecked for a year."""
    from datetime import date

    from generator.check.venue_claims import collect, is_stale

    today = date.today()
    stale = [(c.slug, c.label, c.as_of.isoformat()) for c in collect(ROOT / "terms") if is_stale(c.as_of, today)]
    assert stale == []
