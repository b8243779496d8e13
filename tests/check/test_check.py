"""The validator: one small broken input per rule, and the message its author sees."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.model import Severity
from generator.pipeline import load_glossary
from tests.conftest import body_text, entry_yaml


def problems(terms: Path, filename: str | None = None):
    glossary = load_glossary(terms, use_cache=False)
    found = [p for p in glossary.problems if filename is None or p.path.endswith("/" + filename)]
    return found


def single(terms: Path, filename: str, code: str):
    found = [p for p in problems(terms, filename) if p.code == code]
    assert len(found) == 1, [p.format() for p in problems(terms)]
    return found[0]


def test_clean_glossary_has_no_problems(glossary_dir: Path) -> None:
    glossary = load_glossary(glossary_dir, use_cache=False)
    assert [p.format() for p in glossary.problems] == []
    assert set(glossary.entries) == {"test-area", "margin-call", "liquidation", "margin"}
    assert glossary.entries["liquidation"].url_path == "term/liquidation/"


def add(terms: Path, name: str, text: str) -> None:
    (terms / name).write_text(text, encoding="utf-8")


def linked(relations: str = "relations: {related: [margin]}") -> str:
    return relations


def test_missing_required_field(glossary_dir: Path) -> None:
    text = entry_yaml("Funding Rate", relations=linked()).replace(
        "summary: A short precise definition used in tests.\n", ""
    )
    add(glossary_dir, "funding-rate.yaml", text)
    problem = single(glossary_dir, "funding-rate.yaml", "MISSING_FIELD")
    assert (problem.mark.line, problem.mark.column) == (1, 1)
    assert "missing required field 'summary'" in problem.message


def test_wrong_type(glossary_dir: Path) -> None:
    add(glossary_dir, "funding-rate.yaml", entry_yaml("Funding Rate", relations=linked(), extra="aliases: funding"))
    problem = single(glossary_dir, "funding-rate.yaml", "WRONG_TYPE")
    assert problem.mark.line == 6
    assert problem.message == "aliases must be a list, not text"


def test_unknown_field_suggests_the_nearest(glossary_dir: Path) -> None:
    add(glossary_dir, "funding-rate.yaml", entry_yaml("Funding Rate", relations=linked(), extra="abbreviation: [FR]"))
    problem = single(glossary_dir, "funding-rate.yaml", "UNKNOWN_FIELD")
    assert (problem.mark.line, problem.mark.column) == (6, 1)
    assert problem.message == "unknown field 'abbreviation' in the entry"
    assert problem.hint == "did you mean 'abbreviations'?"


def test_bad_kind_suggests(glossary_dir: Path) -> None:
    add(glossary_dir, "funding-rate.yaml", entry_yaml("Funding Rate", kind="defintion", relations=linked()))
    problem = single(glossary_dir, "funding-rate.yaml", "BAD_VALUE")
    assert problem.mark.line == 2
    assert problem.hint == "did you mean 'definition'?"


def test_file_name_must_be_a_slug(glossary_dir: Path) -> None:
    add(glossary_dir, "Funding_Rate.yaml", entry_yaml("Funding Rate", relations=linked()))
    problem = single(glossary_dir, "Funding_Rate.yaml", "BAD_SLUG")
    assert "file name 'Funding_Rate' is not a valid slug" in problem.message
    assert "funding-rate.yaml" in problem.hint


@pytest.mark.parametrize("other", ["MARGIN.yaml", "\uff4dargin.yaml"])  # upper case; full-width m
def test_slug_collision_after_case_folding_and_nfkc(glossary_dir: Path, other: str) -> None:
    add(glossary_dir, other, entry_yaml("Margin Two", relations=linked()))
    collisions = [p for p in problems(glossary_dir) if p.code == "SLUG_COLLISION"]
    assert len(collisions) == 1
    assert "collides with" in collisions[0].message


def test_summary_rules(glossary_dir: Path) -> None:
    long = "Leverage is borrowed exposure. " * 12
    add(glossary_dir, "funding-rate.yaml", entry_yaml("Funding Rate", relations=linked(), summary=long.strip()))
    found = [p for p in problems(glossary_dir, "funding-rate.yaml") if p.code == "SUMMARY"]
    assert {p.mark.line for p in found} == {3}
    assert any("characters; the limit is 300" in p.message for p in found)
    assert any("12 sentences; at most 2" in p.message for p in found)


def test_body_too_short_for_a_definition(glossary_dir: Path) -> None:
    add(glossary_dir, "funding-rate.yaml", entry_yaml("Funding Rate", relations=linked(), body=body_text(20)))
    problem = single(glossary_dir, "funding-rate.yaml", "BODY_TOO_SHORT")
    assert problem.message == "body has 20 words; a definition needs at least 80"


def test_term_needs_sections(glossary_dir: Path) -> None:
    add(
        glossary_dir,
        "funding-rate.yaml",
        entry_yaml("Funding Rate", kind="term", relations=linked(), body=body_text(320)),
    )
    problem = single(glossary_dir, "funding-rate.yaml", "BODY_TOO_SHORT")
    assert "needs at least 2 `##` sections" in problem.message


def test_area_needs_faq(glossary_dir: Path) -> None:
    text = entry_yaml("Other Area", kind="area", relations="relations: {related: [test-area]}")
    text = text.split("faq:")[0] + "faq: []\n" + "relations:" + text.split("relations:")[1]
    add(glossary_dir, "other-area.yaml", text)
    problem = single(glossary_dir, "other-area.yaml", "FAQ_MISSING")
    assert problem.mark.line == 4


def test_dangling_relation_suggests_nearest_slug(glossary_dir: Path) -> None:
    add(glossary_dir, "funding-rate.yaml", entry_yaml("Funding Rate", relations="relations: {related: [margin-cal]}"))
    problem = single(glossary_dir, "funding-rate.yaml", "DANGLING_LINK")
    assert problem.mark.line == 5
    assert problem.message == "relations.related target 'margin-cal' does not exist"
    assert problem.hint == "did you mean 'margin-call'?"


def test_dangling_body_link_points_into_the_body(glossary_dir: Path) -> None:
    body = "First line.\n\nSee [[liquidaton]] for the forced close. " + body_text(90)
    add(glossary_dir, "funding-rate.yaml", entry_yaml("Funding Rate", relations=linked(), body=body))
    problem = single(glossary_dir, "funding-rate.yaml", "DANGLING_LINK")
    text = (glossary_dir / "funding-rate.yaml").read_text().splitlines()
    assert text[problem.mark.line - 1][problem.mark.column - 1 :].startswith("[[liquidaton]]")
    assert problem.hint == "did you mean 'liquidation'?"


def test_path_in_a_link_is_refused(glossary_dir: Path) -> None:
    body = "Read [[../../etc/passwd|this]] now. " + body_text(90)
    add(
        glossary_dir,
        "funding-rate.yaml",
        entry_yaml("Funding Rate", relations="relations: {related: [margin, ../margin]}", body=body),
    )
    found = [p for p in problems(glossary_dir, "funding-rate.yaml") if p.code == "BAD_SLUG"]
    assert len(found) == 2
    assert all("contains a path" in p.message for p in found)


def test_self_link(glossary_dir: Path) -> None:
    add(
        glossary_dir,
        "funding-rate.yaml",
        entry_yaml("Funding Rate", relations="relations: {related: [funding-rate, margin]}"),
    )
    problem = single(glossary_dir, "funding-rate.yaml", "SELF_LINK")
    assert problem.mark.line == 5


def test_broader_and_narrower_must_agree(glossary_dir: Path) -> None:
    add(glossary_dir, "funding-rate.yaml", entry_yaml("Funding Rate", relations="relations: {broader: [margin]}"))
    add(
        glossary_dir,
        "margin.yaml",
        entry_yaml("Margin", relations="relations: {related: [liquidation], broader: [funding-rate]}"),
    )
    found = [p for p in problems(glossary_dir) if p.code == "RELATION_CONFLICT"]
    assert len(found) == 1
    assert (
        "'funding-rate' states broader 'margin'" in found[0].message
        or "'margin' states broader 'funding-rate'" in found[0].message
    )


def test_alias_may_not_be_another_entrys_title(glossary_dir: Path) -> None:
    add(
        glossary_dir,
        "funding-rate.yaml",
        entry_yaml("Funding Rate", relations=linked(), extra="aliases: [Margin Call]"),
    )
    problem = single(glossary_dir, "funding-rate.yaml", "NAME_CLASH")
    assert problem.mark.line == 6
    assert "'margin call' is used as alias here and as title of 'margin-call'" == problem.message


def test_near_duplicate_title_warns(glossary_dir: Path) -> None:
    add(glossary_dir, "margin-calls.yaml", entry_yaml("Margin Calls", relations=linked()))
    problem = single(glossary_dir, "margin-calls.yaml", "NEAR_DUPLICATE")
    assert problem.severity is Severity.WARNING


def test_orphan_warns(glossary_dir: Path) -> None:
    add(glossary_dir, "funding-rate.yaml", entry_yaml("Funding Rate", relations=linked()))
    problem = single(glossary_dir, "funding-rate.yaml", "ORPHAN")
    assert problem.severity is Severity.WARNING
    assert "[[funding-rate]]" in problem.hint


def test_dates(glossary_dir: Path) -> None:
    text = entry_yaml("Funding Rate", relations=linked()).replace("published: 2026-03-14", "published: 2026-13-01")
    add(glossary_dir, "funding-rate.yaml", text)
    add(
        glossary_dir,
        "basis.yaml",
        entry_yaml("Basis", relations="relations: {related: [funding-rate]}").replace(
            "modified: 2026-11-20", "modified: 2026-01-01"
        ),
    )
    bad = single(glossary_dir, "funding-rate.yaml", "BAD_DATE")
    assert bad.message == "published '2026-13-01' is not an ISO date"
    order = single(glossary_dir, "basis.yaml", "BAD_DATE")
    assert "earlier than published" in order.message


FORMULA = """formulas:
  - id: lev
    title: Leverage
    latex: 'L = N / E'
    expr: '{expr}'
    result: {{name: leverage, symbol: L, unit: x}}
    variables:
      notional: {{symbol: N, meaning: position notional, unit: USD}}
      equity: {{symbol: E, meaning: trader equity, unit: USD}}"""


@pytest.mark.parametrize(
    "expr, message",
    [
        ("notional / equty", "expression uses 'equty', which is not declared"),
        ('__import__("os")', "expression does not parse"),
        ("notional.__class__", "expression does not parse"),
    ],
)
def test_formula_language(glossary_dir: Path, expr: str, message: str) -> None:
    add(
        glossary_dir,
        "funding-rate.yaml",
        entry_yaml("Funding Rate", relations=linked(), extra=FORMULA.format(expr=expr)),
    )
    problem = single(glossary_dir, "funding-rate.yaml", "FORMULA")
    assert problem.mark.line == 10
    assert message in problem.message


def test_worked_example_mismatch_shows_expected_and_computed(glossary_dir: Path) -> None:
    example = """
examples:
  - title: Ten times
    formula: lev
    inputs: {notional: 50000, equity: 5000}
    expect: {leverage: 11.0}
    source: src"""
    add(
        glossary_dir,
        "funding-rate.yaml",
        entry_yaml("Funding Rate", relations=linked(), extra=FORMULA.format(expr="notional / equity") + example),
    )
    problem = single(glossary_dir, "funding-rate.yaml", "EXAMPLE_MISMATCH")
    assert problem.mark.line == 19  # the `expect:` line of the example
    assert "leverage expected 11.0, computed 10" in problem.message


def test_worked_example_compared_at_written_precision(glossary_dir: Path) -> None:
    example = """
examples:
  - title: Three times, rounded
    formula: lev
    inputs: {notional: 10000, equity: 3000}
    expect: {leverage: 3.33}
    source: src"""
    add(
        glossary_dir,
        "funding-rate.yaml",
        entry_yaml("Funding Rate", relations=linked(), extra=FORMULA.format(expr="notional / equity") + example),
    )
    assert [p for p in problems(glossary_dir, "funding-rate.yaml") if p.severity is Severity.ERROR] == []


def test_every_problem_is_reported_in_one_run(glossary_dir: Path) -> None:
    add(
        glossary_dir,
        "a-one.yaml",
        entry_yaml("A One", relations="relations: {related: [nowhere]}", extra="colour: red"),
    )
    add(
        glossary_dir,
        "b-two.yaml",
        entry_yaml("B Two", relations=linked()).replace("kind: definition", "kind: definition\nkind: term"),
    )
    codes = sorted(p.code for p in problems(glossary_dir) if p.severity is Severity.ERROR)
    assert codes == ["DANGLING_LINK", "DUPLICATE_KEY", "UNKNOWN_FIELD"]


def test_every_problem_code_is_documented_for_authors() -> None:
    """A new code the validator can emit must be explained in the entry-format reference."""
    import re

    root = Path(__file__).resolve().parents[2]
    not_codes = {"GLOSSARY_NODE", "NFKC", "NFKD", "TODO"}
    emitted: set[str] = set()
    for module in ("pipeline.py", "load/*.py", "check/*.py"):
        for path in (root / "generator").glob(module):
            source = path.read_text()
            emitted |= set(re.findall(r'"([A-Z][A-Z_]{3,})"', source)) - not_codes
    reference = (root / "site_src" / "reference" / "entry-format.md").read_text()
    missing = sorted(code for code in emitted if f"| `{code}` |" not in reference)
    assert missing == []


def test_checking_in_worker_processes_finds_the_same(glossary_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Large glossaries are checked file by file in worker processes; the verdict must not change."""
    from generator import pipeline

    add(
        glossary_dir,
        "funding-rate.yaml",
        entry_yaml("Funding Rate", relations=linked(), body="See [[liquidaton]]. " + body_text(90)),
    )
    add(glossary_dir, "broken.yaml", "title: [unclosed\n")
    serial = load_glossary(glossary_dir, use_cache=False)
    monkeypatch.setattr(pipeline, "_PARALLEL_THRESHOLD", 1)
    monkeypatch.setattr(pipeline, "_CHUNK", 1)
    parallel = load_glossary(glossary_dir, use_cache=False)
    assert [p.format() for p in parallel.problems] == [p.format() for p in serial.problems]
    assert {"DANGLING_LINK", "YAML_SYNTAX"} <= {p.code for p in parallel.problems}
    assert parallel.entries == serial.entries


# -- dated venue claims and source types: rules stated as of a day, sources by kind -----------

VENUE_EXAMPLE = """
examples:
  - title: Ten times
    formula: lev
    inputs: {{notional: 50000, equity: 5000}}
    expect: {{leverage: 10}}
    source: src{claim}"""


def venue_entry(formula_claim: str = "", example_claim: str = "", source_type: str = "primary") -> str:
    """Funding Rate with one formula and one example; `*_claim` are extra lines for each."""
    extra = FORMULA.format(expr="notional / equity") + formula_claim + VENUE_EXAMPLE.format(claim=example_claim)
    return entry_yaml("Funding Rate", relations=linked(), extra=extra).replace(
        "type: primary}", f"type: {source_type}}}"
    )


def claim(venue: str | None = "Binance", as_of: str | None = "2026-11-20", source: str | None = None) -> str:
    lines = [
        f"{key}: {value}"
        for key, value in (("venue", venue), ("as_of", as_of), ("source", source))
        if value is not None
    ]
    return "".join("\n    " + line for line in lines)


def test_venue_claims_and_source_types_are_read(glossary_dir: Path) -> None:
    add(glossary_dir, "funding-rate.yaml", venue_entry(claim(source="src"), claim("Aave V3", "2026-10-01")))
    assert [p.format() for p in problems(glossary_dir, "funding-rate.yaml") if p.code != "ORPHAN"] == []
    entry = load_glossary(glossary_dir, use_cache=False).entries["funding-rate"]
    formula, example, source = entry.formulas[0], entry.examples[0], entry.sources[0]
    assert (formula.venue, formula.as_of, formula.source) == ("Binance", "2026-11-20", "src")
    assert (example.venue, example.as_of, example.source) == ("Aave V3", "2026-10-01", "src")
    assert source.type == "primary"
    plain = load_glossary(glossary_dir, use_cache=False).entries["margin"]
    assert plain.sources[0].type == "primary"


def test_a_source_without_a_type_is_an_error(glossary_dir: Path) -> None:
    add(
        glossary_dir,
        "funding-rate.yaml",
        entry_yaml("Funding Rate", relations=linked()).replace(", type: primary}", "}"),
    )
    problem = single(glossary_dir, "funding-rate.yaml", "MISSING_FIELD")
    assert problem.message == "source 1 is missing required field 'type'"
    assert "`type: primary`" in problem.hint and "`type: secondary`" in problem.hint


def test_a_source_type_is_primary_or_secondary(glossary_dir: Path) -> None:
    add(
        glossary_dir,
        "funding-rate.yaml",
        entry_yaml("Funding Rate", relations=linked()).replace("type: primary}", "type: primery}"),
    )
    problem = single(glossary_dir, "funding-rate.yaml", "BAD_VALUE")
    assert problem.message == "source type 'primery' is not primary or secondary"
    assert problem.hint == "did you mean 'primary'?"


@pytest.mark.parametrize(
    "formula_claim, example_claim, code, message",
    [
        (claim(as_of=None, source="src"), "", "MISSING_FIELD", "formula 'lev' names a venue but has no 'as_of'"),
        ("", claim(as_of=None), "MISSING_FIELD", "example 'Ten times' names a venue but has no 'as_of'"),
        (claim(venue=None, source="src"), "", "BAD_VALUE", "formula 'lev' has 'as_of' but no 'venue'"),
        ("", claim(venue=None), "BAD_VALUE", "example 'Ten times' has 'as_of' but no 'venue'"),
        (claim(), "", "MISSING_FIELD", "formula 'lev' names a venue but no 'source'"),
        (claim(source="binance"), "", "DANGLING_LINK", "formula cites source 'binance', which is not among"),
        (claim(as_of="2026-11", source="src"), "", "BAD_DATE", "as_of '2026-11' is not an ISO date"),
        (claim(venue="''", source="src"), "", "BAD_VALUE", "venue is empty"),
    ],
)
def test_venue_claim_rules(glossary_dir: Path, formula_claim: str, example_claim: str, code: str, message: str) -> None:
    add(glossary_dir, "funding-rate.yaml", venue_entry(formula_claim, example_claim))
    problem = single(glossary_dir, "funding-rate.yaml", code)
    assert message in problem.message
    assert problem.hint and problem.severity is Severity.ERROR


def test_venue_claim_citing_a_secondary_source_warns(glossary_dir: Path) -> None:
    text = venue_entry(claim(source="src"), claim("Aave V3"), source_type="secondary")
    add(glossary_dir, "funding-rate.yaml", text)
    found = [p for p in problems(glossary_dir, "funding-rate.yaml") if p.code == "SECONDARY_VENUE_SOURCE"]
    cited_at = [number for number, line in enumerate(text.splitlines(), 1) if line.strip() == "source: src"]
    assert [(p.mark.line, p.severity) for p in found] == [(line, Severity.WARNING) for line in cited_at]
    assert len(found) == 2
    assert found[0].message == "formula 'lev' states a Binance rule but cites 'src', a secondary source"
    assert "type: primary" in found[0].hint
    add(glossary_dir, "funding-rate.yaml", venue_entry(source_type="secondary"))  # no venue: no warning
    assert [p.code for p in problems(glossary_dir, "funding-rate.yaml")] == ["ORPHAN"]


def test_staleness_is_counted_in_calendar_months() -> None:
    from datetime import date

    from generator.check.venue_claims import age_months, is_stale, months_before

    today = date(2026, 12, 6)
    assert months_before(today, 12) == date(2025, 12, 6)
    assert months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert not is_stale(date(2025, 12, 6), today) and is_stale(date(2025, 12, 5), today)
    assert is_stale(date(2026, 9, 1), today, months=3) and not is_stale(today, today, months=0)
    assert age_months(date(2025, 12, 5), today) == 12 and age_months(date(2026, 11, 7), today) == 0
