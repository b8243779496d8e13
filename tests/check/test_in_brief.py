"""The `in_brief` field: required for terms, bounded, refused on areas; and what uses it
(the page's primary example, the schema, the skeleton, version fingerprints, old revisions)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import jsonschema
import pytest

from generator.model import Entry, Example, Formula, FormulaResult, Severity
from generator.pipeline import load_glossary
from tests.conftest import IN_BRIEF, ROOT, body_text, entry_yaml

LINKED = "relations: {related: [margin]}"


def _problems(terms: Path, name: str) -> list:
    glossary = load_glossary(terms, use_cache=False)
    return [p for p in glossary.problems if p.path.endswith("/" + name)]


def _add(terms: Path, name: str, text: str) -> int:
    """Write the entry; the line its `in_brief` is on (the last line) when it has one."""
    (terms / name).write_text(text, encoding="utf-8")
    return len(text.splitlines())


def test_a_term_without_in_brief_is_missing_a_field(glossary_dir: Path) -> None:
    _add(glossary_dir, "funding-rate.yaml", entry_yaml("Funding Rate", kind="term", relations=LINKED, in_brief=""))
    found = [p for p in _problems(glossary_dir, "funding-rate.yaml") if p.severity is Severity.ERROR]
    assert [(p.code, p.mark.line, p.mark.column) for p in found] == [("MISSING_FIELD", 1, 1)]
    assert "missing required field 'in_brief'" in found[0].message
    assert found[0].hint.startswith("add `in_brief:`")


def test_a_definition_may_have_one_or_not(glossary_dir: Path) -> None:
    _add(glossary_dir, "funding-rate.yaml", entry_yaml("Funding Rate", relations=LINKED, in_brief=IN_BRIEF))
    _add(glossary_dir, "rate-two.yaml", entry_yaml("Rate Two", relations=LINKED))
    glossary = load_glossary(glossary_dir, use_cache=False)
    assert [p.format() for p in glossary.errors] == []
    assert glossary.entries["funding-rate"].in_brief == IN_BRIEF
    assert glossary.entries["rate-two"].in_brief == ""
    assert glossary.entries["liquidation"].in_brief == IN_BRIEF  # the fixture's term


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Too short to say anything useful.", "in_brief has 6 words; it needs at least 25"),
        (" ".join(["word"] * 91), "in_brief has more than 90 words"),
        ("'- a list item " + body_text(30) + "'", "must be one plain paragraph"),
        ("'## A heading " + body_text(30) + "'", "must be one plain paragraph"),
        ('"One paragraph.\\n\\nAnd a second one. ' + body_text(30) + '"', "must be one plain paragraph"),
    ],
)
def test_in_brief_bounds_point_at_the_text(glossary_dir: Path, text: str, message: str) -> None:
    line = _add(
        glossary_dir, "funding-rate.yaml", entry_yaml("Funding Rate", kind="term", relations=LINKED, in_brief=text)
    )
    found = [p for p in _problems(glossary_dir, "funding-rate.yaml") if p.code == "IN_BRIEF"]
    assert len(found) == 1, [p.format() for p in _problems(glossary_dir, "funding-rate.yaml")]
    problem = found[0]
    assert (problem.mark.line, problem.mark.column) == (line, 11)
    assert message in problem.message
    assert problem.hint
    assert problem.format().startswith(f"{problem.path}:{line}:11: IN_BRIEF ")


def test_an_area_has_no_in_brief(glossary_dir: Path) -> None:
    text = (
        entry_yaml("Other Area", kind="area", relations="relations: {related: [test-area]}") + f"in_brief: {IN_BRIEF}\n"
    )
    line = _add(glossary_dir, "other-area.yaml", text)
    found = [p for p in _problems(glossary_dir, "other-area.yaml") if p.severity is Severity.ERROR]
    assert [(p.code, p.mark.line, p.mark.column) for p in found] == [("BAD_VALUE", line, 1)]
    assert "an area has no 'In brief'" in found[0].message
    assert load_glossary(glossary_dir, use_cache=False).entries["other-area"].in_brief == ""


def test_a_placeholder_is_reported_as_such_only(glossary_dir: Path) -> None:
    text = entry_yaml("Funding Rate", kind="term", relations=LINKED, in_brief="'TODO: two to four plain lines.'")
    _add(glossary_dir, "funding-rate.yaml", text)
    codes = [p.code for p in _problems(glossary_dir, "funding-rate.yaml") if p.severity is Severity.ERROR]
    assert codes == ["PLACEHOLDER"]


def test_wrong_type_is_reported_not_raised(glossary_dir: Path) -> None:
    text = entry_yaml("Funding Rate", kind="term", relations=LINKED, in_brief="[a, list]")
    line = _add(glossary_dir, "funding-rate.yaml", text)
    found = [p for p in _problems(glossary_dir, "funding-rate.yaml") if p.severity is Severity.ERROR]
    assert [(p.code, p.mark.line) for p in found] == [("WRONG_TYPE", line)]


def test_the_term_skeleton_asks_for_it_and_the_schema_agrees(tmp_path: Path) -> None:
    from generator.cli.new import skeleton
    from generator.load.document import load_bytes

    def parsed(text: str) -> dict:
        doc, problems = load_bytes(text.encode(), "x.yaml")
        assert doc is not None and problems == []
        return dict(doc.data)

    schema = json.loads((ROOT / "schema" / "entry.schema.json").read_text())
    term = parsed(skeleton("Funding Rate", "term", ["margin"], "2026-11-20"))
    assert term["in_brief"].startswith("TODO")
    jsonschema.validate(term, schema)
    definition = parsed(skeleton("Funding", "definition", ["margin"], "2026-11-20"))
    assert "in_brief" not in definition
    jsonschema.validate(definition, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({k: v for k, v in term.items() if k != "in_brief"}, schema)
    area = parsed(skeleton("Funding Area", "area", [], "2026-11-20"))
    jsonschema.validate(area, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**area, "in_brief": IN_BRIEF}, schema)


def test_fingerprint_is_unchanged_for_entries_without_it() -> None:
    """Cited version addresses stay put: an entry without `in_brief` hashes as before the field."""
    import hashlib

    from generator.cite import record

    entry = Entry(slug="x", path="x.yaml", title="X", kind="definition", summary="S.", body="B")
    old_fields = {
        f.name: getattr(entry, f.name) for f in dataclasses.fields(Entry) if f.name not in ("path", "in_brief")
    }
    canonical = json.dumps(old_fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    assert record.fingerprint(entry) == hashlib.sha256(canonical.encode()).hexdigest()[:12]
    assert record.fingerprint(dataclasses.replace(entry, in_brief=IN_BRIEF)) != record.fingerprint(entry)


def test_an_old_revision_without_it_is_still_published() -> None:
    from generator.history.revisions import _read_blob

    old = entry_yaml("Funding Rate", kind="term", relations=LINKED, in_brief="")
    entry, why = _read_blob(old.encode(), "terms/funding-rate.yaml")
    assert why == "" and entry is not None and entry.in_brief == ""


def _formula(fid: str, result: str) -> Formula:
    return Formula(fid, fid, "x", "a", FormulaResult(result, "x", ""), ())


def _example(*, formula: str | None = None, calculator: str | None = None) -> Example:
    return Example("t", calculator, formula, {}, {}, {}, None)


def test_the_primary_example_follows_the_primary_formula() -> None:
    from generator.render.entry_pages import primary_example

    base = Entry(slug="x", path="x.yaml", title="X", kind="term", summary="S.", body="B")
    lp = dataclasses.replace(base, formulas=(_formula("long", "liquidation_price"), _formula("short", "other")))
    by_formula = [_example(formula="short"), _example(formula="long")]
    assert primary_example(lp, by_formula) == 1
    by_calculator = [_example(formula="short"), _example(calculator="liquidation_price")]
    assert primary_example(lp, by_calculator) == 1
    assert primary_example(lp, [_example(formula="short"), _example(calculator="no_such")]) is None
    assert primary_example(base, [_example(calculator="no_such")]) == 0  # no formula: the first
    assert primary_example(base, []) is None


# -- the entry page --------------------------------------------------------------------------


def _page_with_variants(in_brief: str) -> str:
    from tests.render.test_render import RATIO, fixture_entries, render

    entries = fixture_entries()
    term = entries["liquidation"]
    inverse = dataclasses.replace(RATIO, id="inverse", title="Inverse ratio", expr="equity / notional")
    inverse = dataclasses.replace(inverse, result=FormulaResult("margin_share", "s", "ratio"))
    other = dataclasses.replace(RATIO, id="other", title="Other ratio")
    first = term.examples[0]
    examples = (
        dataclasses.replace(first, title="Inverse first", formula="inverse", expect={"margin_share": 0.1}),
        dataclasses.replace(first, title="Ratio second"),
        dataclasses.replace(first, title="Other third", formula="other"),
    )
    entries["liquidation"] = dataclasses.replace(
        term, in_brief=in_brief, formulas=(RATIO, inverse, other), examples=examples
    )
    return render(entries).source("term/liquidation.md")


def test_the_page_reads_in_brief_then_the_primary_formula_then_the_body() -> None:
    text = _page_with_variants(IN_BRIEF)
    order = [
        '<div class="gl-summary">',
        '<div class="gl-brief">',
        IN_BRIEF,
        "## Formula {: #formulas }",
        '<details class="gl-formula" id="formula-ratio" open="open">',
        '<details class="gl-worked" id="worked-examples">',  # the first example using `ratio`
        "<summary>Ratio second",
        "## How it works",
        "## More formulas and worked examples {: .gl-more-heading }",
        "<summary>More formulas (2)</summary>",
        '<details class="gl-formula" id="formula-inverse">',
        '<details class="gl-formula" id="formula-other">',
        "<summary>More worked examples (2)</summary>",
        "<summary>Inverse first",
        "<summary>Other third",
        "## Related entries",
    ]
    positions = [text.index(marker) for marker in order]
    assert positions == sorted(positions)
    assert text.count('open="open"') == 1  # only the primary formula
    assert text.count('id="formula-ratio"') == text.count('id="worked-examples"') == 1
    # each folded block keeps a one-line summary: title, then what it gives
    assert '<summary>Inverse ratio <span class="gl-sumline">→ margin share (ratio)</span></summary>' in text
    assert '<summary>Inverse first <span class="gl-sumline">→ margin share 0.1 ratio</span></summary>' in text


def test_in_brief_goes_through_the_same_markdown_path_as_the_summary() -> None:
    hostile = "Plain <script>alert(1)</script> words {: onclick=alert(2) } and [[margin]] for " + body_text(20)
    text = _page_with_variants(hostile)
    brief = text.split('<div class="gl-brief">', 1)[1].split("</div>", 1)[0]
    assert "<script>" not in brief and "&lt;script>" in brief
    assert "{:" not in brief and "&#123;: onclick" in brief
    assert "[Margin](../definition/margin.md)" in brief or "margin.md" in brief  # a wikilink, resolved


def test_no_in_brief_no_block() -> None:
    assert "gl-brief" not in _page_with_variants("")


def test_examples_without_a_formula_or_a_match_keep_their_anchor() -> None:
    from tests.render.test_render import RATIO, fixture_entries, render

    entries = fixture_entries()
    term = entries["liquidation"]
    example = dataclasses.replace(term.examples[0], formula=None, calculator="leverage", expect={"leverage": 10})
    two = (example, dataclasses.replace(example, title="Again"))
    entries["liquidation"] = dataclasses.replace(term, formulas=(), examples=two)
    text = render(entries).source("term/liquidation.md")
    assert "## Worked example {: #worked-examples }" in text  # the heading holds the anchor, once
    assert 'id="worked-examples"' not in text
    assert "<summary>More worked examples (1)</summary>" in text
    assert text.index("<summary>Ten times") < text.index("## How it works") < text.index("<summary>Again")

    other = dataclasses.replace(RATIO, id="other", result=FormulaResult("other", "o", ""))
    entries["liquidation"] = dataclasses.replace(term, formulas=(other,), examples=(term.examples[0],))
    text = render(entries).source("term/liquidation.md")  # the example uses no formula shown first
    assert '<details class="gl-more gl-more--examples" id="worked-example">' in text
