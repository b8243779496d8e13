"""The compute stage: worked examples recomputed, compared at their stated precision, never raising."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from generator.calc.worked_examples import Comparison, ExampleResult, compute_entry, compute_example, values_match
from generator.model import Entry, Example, Formula, FormulaResult, Variable

ROOT = Path(__file__).resolve().parents[2]

FORMULA = Formula(
    id="isolated-linear-long",
    title="Isolated margin, linear contract, long",
    latex=r"P_{liq} = \frac{P_0 - M/Q}{1 - m}",
    expr="(entry - margin / qty) / (1 - mmr)",
    result=FormulaResult(name="liquidation_price", symbol="P_{liq}", unit="USDT"),
    variables=(
        Variable("entry", "P_0", "entry price", "USDT"),
        Variable("margin", "M", "margin", "USDT"),
        Variable("qty", "Q", "position size", "BTC"),
        Variable("mmr", "m", "maintenance margin rate", "ratio"),
    ),
)


def example(**changes: Any) -> Example:
    base = Example(
        title="A 10x long on BTC",
        calculator="liquidation_price",
        formula=None,
        inputs={"side": "long", "entry": 50000, "qty": 1, "leverage": 10, "mmr": 0.005},
        expect={"liquidation_price": 45226.13},
        tolerance={"liquidation_price": 0.005},
        source=None,
    )
    return replace(base, **changes)


ENTRY = Entry(
    slug="liquidation-price",
    path="terms/liquidation-price.yaml",
    title="Liquidation Price",
    kind="term",
    summary="A price.",
    body="",
    formulas=(FORMULA,),
)


def test_calculator_example_matches_at_stated_precision() -> None:
    result = compute_example(ENTRY, example())
    assert result.ok and result.error is None
    (comparison,) = result.comparisons
    assert comparison == Comparison("liquidation_price", 45226.13, pytest.approx(45226.1306532), 0.005, True)
    assert result.steps and result.steps[-1].unit == "quote"


def test_calculator_example_mismatch_is_reported_with_both_values() -> None:
    result = compute_example(
        ENTRY, example(expect={"liquidation_price": 45300.0}, tolerance={"liquidation_price": 0.05})
    )
    assert not result.ok and result.error is None
    (comparison,) = result.mismatches
    assert comparison.expected == 45300.0 and comparison.computed == pytest.approx(45226.13065)


def test_formula_example_steps_show_formula_substitution_and_unit() -> None:
    worked = example(
        calculator=None, formula="isolated-linear-long", inputs={"entry": 50000, "margin": 5000, "qty": 1, "mmr": 0.005}
    )
    result = compute_example(ENTRY, worked)
    assert result.ok
    (step,) = result.steps
    assert step.formula == "liquidation_price = (entry - margin / qty) / (1 - mmr)"
    assert step.substituted == "(50000 - 5000 / 1) / (1 - 0.005)"
    assert step.unit == "USDT" and step.latex == FORMULA.latex
    assert result.outputs == {"liquidation_price": pytest.approx(45226.1306532)}


def test_default_tolerance_is_relative_1e_9() -> None:
    exact = 50000 - 5000  # bankruptcy price
    close = compute_example(ENTRY, example(expect={"bankruptcy_price": exact * (1 + 5e-10)}, tolerance={}))
    far = compute_example(ENTRY, example(expect={"bankruptcy_price": exact * (1 + 5e-9)}, tolerance={}))
    assert close.ok and not far.ok
    assert far.comparisons[0].tolerance == pytest.approx(exact * 1e-9, rel=1e-6)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"calculator": "liquidation_prise"}, "did you mean 'liquidation_price'"),
        ({"inputs": {"side": "long", "entry": 50000, "leverage": 0, "mmr": 0.005}}, "'leverage' must be a number > 0"),
        ({"inputs": {"side": "long", "entry": 50000, "leverage": 10}}, "missing input 'mmr'"),
        ({"expect": {"liq_price": 1.0}}, "does not produce"),
        ({"calculator": None}, "needs 'calculator'"),
        ({"formula": "isolated-linear-long"}, "not both"),
        ({"calculator": None, "formula": "nope"}, "no formula 'nope'"),
        (
            {
                "calculator": None,
                "formula": "isolated-linear-long",
                "inputs": {"entry": 1, "margin": 1, "qty": 0, "mmr": 0},
            },
            "division by zero",
        ),
        (
            {"calculator": None, "formula": "isolated-linear-long", "inputs": {"entry": 1, "margin": 1, "qty": 1}},
            "missing input 'mmr'",
        ),
        (
            {
                "calculator": None,
                "formula": "isolated-linear-long",
                "inputs": {"entry": 1, "margin": 1, "qty": 1, "mmr": 0, "fee": 1},
            },
            "'fee' is not a variable",
        ),
        (
            {
                "calculator": None,
                "formula": "isolated-linear-long",
                "inputs": {"entry": "lots", "margin": 1, "qty": 1, "mmr": 0},
            },
            "'entry' must be a number",
        ),
    ],
)
def test_bad_author_input_becomes_an_error_not_an_exception(changes: dict[str, Any], message: str) -> None:
    result = compute_example(ENTRY, example(**changes))
    assert isinstance(result, ExampleResult) and not result.ok
    assert result.error is not None and message in result.error


def test_broken_formula_text_is_an_error() -> None:
    broken = replace(FORMULA, expr="entry ^ 2")
    entry = replace(ENTRY, formulas=(broken,))
    result = compute_example(
        entry,
        example(calculator=None, formula="isolated-linear-long", inputs={"entry": 1, "margin": 1, "qty": 1, "mmr": 0}),
    )
    assert result.error is not None and "use ** for powers" in result.error


def test_booleans_lists_and_strings_compare_exactly() -> None:
    assert values_match(True, True, None) and not values_match(True, 1, None) and not values_match(1, True, 0.5)
    assert values_match("long", "long", None) and not values_match("long", "short", None)
    assert values_match([1.0, 2.0], [1.0, 2.0 + 1e-12], None) and not values_match([1.0, 2.0], [1.0], None)
    assert values_match([1.0, 2.0], [1.04, 2.04], 0.05) and not values_match([1.0, 2.0], [1.1, 2.0], 0.05)
    assert values_match({"price": 95, "round": 0}, {"price": 95.0, "round": 0, "extra": 1}, None)
    assert not values_match(1.0, None, 0.1) and not values_match(1.0, float("nan"), 1.0)


def test_list_outputs_and_booleans_from_calculators() -> None:
    etf = example(
        calculator="leveraged_etf_path",
        inputs={"leverage": -1, "index_returns": [-0.1, 0.2, -0.2, 0.2]},
        expect={"fund_path": [100, 110, 88, 105.6, 84.48], "final_index": 103.68},
        tolerance={"fund_path": 0.005, "final_index": 0.005},
    )
    hf = example(
        calculator="health_factor",
        inputs={"collateral": 10000, "liquidation_threshold": 0.8, "debt": 6000},
        expect={"health_factor": 1.333, "liquidatable": False},
        tolerance={"health_factor": 0.0005},
    )
    wrong = replace(hf, expect={"liquidatable": True}, tolerance={})
    results = compute_entry(replace(ENTRY, examples=(etf, hf, wrong)))
    assert [r.ok for r in results] == [True, True, False]
    assert results[2].mismatches[0].computed is False


def test_an_entry_parses_each_formula_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Examples of one entry share the parse of a formula; a shared parse changes no result."""
    from generator.calc import worked_examples as compute

    inputs = {"entry": 50000, "margin": 5000, "qty": 1, "mmr": 0.005}
    narrow = replace(FORMULA, id="narrow", variables=FORMULA.variables[:3])  # same text, 'mmr' undeclared
    entry = replace(
        ENTRY,
        formulas=(FORMULA, narrow),
        examples=(
            example(
                calculator=None, formula="isolated-linear-long", inputs=inputs, expect={"liquidation_price": 45226.13}
            ),
            example(calculator=None, formula="isolated-linear-long", inputs=inputs, expect={"liquidation_price": 1.0}),
            example(calculator=None, formula="narrow", inputs=inputs, expect={"liquidation_price": 45226.13}),
        ),
    )
    alone = tuple(compute_example(entry, item) for item in entry.examples)
    calls: list[str] = []
    real_parse = compute.parse
    monkeypatch.setattr(
        compute, "parse", lambda text, variables=None: calls.append(text) or real_parse(text, variables)
    )
    assert compute_entry(entry) == alone
    assert calls == [FORMULA.expr]
    assert [r.ok for r in alone] == [True, False, False]
    assert alone[2].error == "unknown name 'mmr' (declared: entry, margin, qty) (column 31)"


def test_a_build_computes_each_worked_example_once_and_the_cache_holds_the_results(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The checker's run of each example is the one the pages and charts show: loading the
    shipped terms and collecting the site's data runs each example exactly once, and a
    second load answers from the per-file cache without running any."""
    from datetime import date

    from generator.calc import worked_examples
    from generator.compute.site_data import SiteConfig, collect_site_data
    from generator.pipeline import load_all

    terms = tmp_path / "terms"
    shutil.copytree(ROOT / "terms", terms)
    calls: list[str] = []
    real = worked_examples.compute_example

    def counted(entry: Entry, example: Example, parsed: Any = None) -> ExampleResult:
        calls.append(f"{entry.slug}/{example.title}")
        return real(entry, example, parsed)

    monkeypatch.setattr(worked_examples, "compute_example", counted)
    config = SiteConfig(site_url="https://example.org/", site_name="Test", build_day=date(2026, 12, 1))
    loaded = load_all(terms)
    data = collect_site_data(loaded.glossary.entries, loaded.graph, config, loaded.examples)
    examples = [f"{e.slug}/{x.title}" for e in loaded.glossary.entries.values() for x in e.examples]
    assert len(examples) > 30
    assert sorted(calls) == sorted(examples)
    assert sum(len(worked) for worked in data.examples.values()) == len(examples)

    calls.clear()
    again = load_all(terms)
    assert calls == []
    assert again.examples == loaded.examples  # read back from the cache, equal to the run
