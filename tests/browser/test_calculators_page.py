"""The interactive calculators as a reader meets them on /calculators/: a shared address
opens its calculator filled in and computed, typing updates the results, the derivation and
the address, and a bad value is explained next to its field without computing from it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from generator.calc.calculators import CALCULATORS, run
from generator.cli.calc import share_url
from tests.browser.conftest import wait_for

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]


def published_examples() -> dict[str, tuple[str, dict[str, Any], dict[str, Any], Any]]:
    """Per calculator, the first worked example in terms/ that states published values
    (with the tolerances the author gave for a source's rounding)."""
    found: dict[str, tuple[str, dict[str, Any], dict[str, Any], Any]] = {}
    for path in sorted((ROOT / "terms").glob("*.yaml")):
        entry = yaml.safe_load(path.read_text(encoding="utf-8"))
        for example in entry.get("examples") or []:
            name = example.get("calculator")
            if name and example.get("expect") and name not in found:
                found[name] = (path.stem, example["inputs"], example["expect"], example.get("tolerance") or {})
    return found


EXAMPLES = published_examples()


def test_every_calculator_has_a_published_example() -> None:
    assert sorted(EXAMPLES) == sorted(CALCULATORS)


def _number(text: str) -> float:
    match = re.match(r"-?[\d,]*\.?\d+(?:e[+-]?\d+)?", text.strip())
    assert match, f"no number in {text!r}"
    return float(match.group(0).replace(",", ""))


def _decimals(value: float) -> int:
    text = repr(float(value))
    return len(text.split(".")[1].rstrip("0")) if "." in text and "e" not in text else 0


def results(page: Any, name: str) -> dict[str, str]:
    holder = page.locator(f'.gl-calc[data-calc="{name}"]')
    terms = holder.locator(".gl-calc__outputs dt").all_inner_texts()
    values = holder.locator(".gl-calc__outputs dd .gl-calc__value").all_inner_texts()
    return dict(zip(terms, values))


def open_calculation(page: Any, built_site: Any, name: str, inputs: dict[str, Any]) -> None:
    address = share_url(run(name, inputs), inputs)
    page.goto(built_site.url(urlsplit(address).path.lstrip("/") + "?" + urlsplit(address).query))
    wait_for(page, "document.documentElement.getAttribute('data-gl-calc') === 'ready'")


def test_the_issue_address_shows_the_liquidation_price_at_once(page: Any, built_site: Any, page_log: Any) -> None:
    page.goto(built_site.url("calculators/?calc=liquidation_price&side=long&entry=60000&leverage=20&mmr=0.004"))
    wait_for(page, "document.documentElement.getAttribute('data-gl-calc') === 'ready'")
    shown = results(page, "liquidation_price")
    assert shown["liquidation_price"] == "57,228.92 quote"
    steps = page.locator('.gl-calc[data-calc="liquidation_price"] .gl-calc__steps li').all_inner_texts()
    assert any("Liquidation price" in s and "57228.91566" in s for s in steps)
    assert not page_log.problems()


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_a_shared_address_opens_the_published_example(page: Any, built_site: Any, page_log: Any, name: str) -> None:
    slug, inputs, expect, tolerances = EXAMPLES[name]
    open_calculation(page, built_site, name, inputs)
    shown = results(page, name)
    for key, value in expect.items():
        if isinstance(value, bool):
            assert shown[key] == ("true" if value else "false"), f"{slug}: {key}"
        elif isinstance(value, (int, float)):
            stated = tolerances.get(key) if isinstance(tolerances, dict) else tolerances
            tolerance = stated or max(10.0 ** -_decimals(value), 1e-6 * abs(value))
            assert abs(_number(shown[key]) - value) <= tolerance, f"{slug}: {key} shows {shown[key]}, published {value}"
    assert page.locator(f'.gl-calc[data-calc="{name}"] .gl-calc__steps li').count() >= 1
    assert not page_log.problems()


def test_typing_updates_results_address_and_explains_bad_values(page: Any, built_site: Any) -> None:
    page.goto(built_site.url("calculators/#liquidation_price"))
    wait_for(page, "document.documentElement.getAttribute('data-gl-calc') === 'ready'")
    form = page.locator('.gl-calc[data-calc="liquidation_price"]')
    entry = form.get_by_label("entry")
    entry.fill("60000")
    form.get_by_label("leverage").fill("20")
    form.get_by_label("mmr").fill("0.004")
    assert results(page, "liquidation_price")["liquidation_price"] == "57,228.92 quote"
    query = urlsplit(page.url).query
    assert "calc=liquidation_price" in query and "entry=60000" in query and "leverage=20" in query

    # A half-typed number is not computed from: the last result stays, marked stale, and
    # the field says what `glossary calc` would say once typing pauses.
    entry.fill("6e")
    assert results(page, "liquidation_price")["liquidation_price"] == "57,228.92 quote"
    error_id = entry.get_attribute("id") + "-error"
    wait_for(page, "(id) => document.getElementById(id).textContent !== ''", arg=error_id)
    error = page.locator(f"#{error_id}").inner_text()
    assert error == "liquidation_price: 'entry' must be a number > 0, got \"6e\""
    assert entry.get_attribute("aria-invalid") == "true"
    entry.fill("-5")
    entry.press("Tab")  # leaving the field reports at once
    assert page.locator(f"#{error_id}").inner_text() == "liquidation_price: 'entry' must be a number > 0, got -5"
    entry.fill("50000")
    form.get_by_label("leverage").fill("10")
    form.get_by_label("mmr").fill("0.005")
    assert results(page, "liquidation_price")["liquidation_price"] == "45,226.13 quote"
    assert page.locator(f"#{error_id}").inner_text() == ""
    assert entry.get_attribute("aria-invalid") is None


def test_an_error_is_shown_beside_the_input_it_is_about(page: Any, built_site: Any) -> None:
    """The engine's input checks name the input (error.param); "exactly one of" shows beside
    the first input it names, and a program's own check (two lists' lengths) under the results."""
    page.goto(built_site.url("calculators/"))
    wait_for(page, "document.documentElement.getAttribute('data-gl-calc') === 'ready'")
    form = page.locator('.gl-calc[data-calc="liquidation_price"]')
    margin = form.locator('input[name="margin"]')
    margin.fill("5000")  # beside leverage, already given
    margin.press("Tab")
    leverage = form.locator('input[name="leverage"]')
    assert leverage.get_attribute("aria-invalid") == "true"
    error = page.locator(f"#{leverage.get_attribute('id')}-error").inner_text()
    assert error == "liquidation_price: give exactly one of 'leverage' or 'margin'"

    form = page.locator('.gl-calc[data-calc="health_factor"]')
    form.locator('input[name="liquidation_threshold"]').fill("0.8, 0.7, 0.6")
    form.locator('input[name="collateral"]').fill("100, 200")
    form.locator('input[name="collateral"]').press("Tab")
    message = form.locator(".gl-calc__message").inner_text()
    assert message.startswith("health_factor: 'liquidation_threshold' has 3 values but 'collateral' has 2;")
    assert form.locator("[aria-invalid]").count() == 0


def test_the_forms_work_from_the_keyboard(page: Any, built_site: Any) -> None:
    page.goto(built_site.url("calculators/?calc=funding_payment&side=long&notional=20&rate=0.0025"))
    wait_for(page, "document.documentElement.getAttribute('data-gl-calc') === 'ready'")
    form = page.locator('.gl-calc[data-calc="funding_payment"]')
    form.get_by_label("side").focus()
    page.keyboard.press("ArrowDown")  # long -> short
    assert results(page, "funding_payment")["payment"] == "-0.05 quote"
    page.keyboard.press("Tab")
    page.keyboard.type("100")  # into notional (focus moves by Tab; typing appends)
    assert page.evaluate("document.activeElement.name") == "notional"
    labels = page.evaluate(
        "Array.from(document.querySelectorAll('.gl-calc input, .gl-calc select'))"
        ".every(c => c.labels.length === 1 && c.getAttribute('aria-describedby'))"
    )
    assert labels


def test_the_forms_fit_a_360_px_phone_with_finger_sized_fields(browser: Any, built_site: Any) -> None:
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True, service_workers="block"
    )
    try:
        page = context.new_page()
        for path in (
            "calculators/?calc=liquidation_cascade",
            "term/liquidation-price/?formula=mark-basis-linear-long&qty=1&entry=60000&margin=3000&cum=0&mmr=0.004"
            "&fee_rate=0",
        ):
            page.goto(built_site.url(path), wait_until="load")
            wait_for(page, "document.documentElement.getAttribute('data-gl-calc') === 'ready'")
            assert page.evaluate("document.documentElement.scrollWidth") <= 360, path
            heights = page.evaluate(
                "Array.from(document.querySelectorAll('.gl-calc__input'))"
                ".filter(e => e.offsetParent).map(e => e.getBoundingClientRect().height)"
            )
            assert heights and min(heights) >= 44, (path, min(heights))
        # the formula opened from the address shows its result in its own table
        assert (
            page.locator("details.gl-formula[open] .gl-vars__result-value")
            .first.inner_text()
            .startswith("57,228.92 USDT")
        )
    finally:
        context.close()


def test_an_example_try_shows_the_published_value_until_the_inputs_change(page: Any, built_site: Any) -> None:
    page.goto(built_site.url("term/liquidation-price/"))
    wait_for(page, "document.documentElement.getAttribute('data-gl-calc') === 'ready'")
    example = page.locator("details.gl-worked").first
    example.locator(":scope > summary").click()
    form = example.locator(".gl-try")
    value = form.locator(".gl-calc__outputs dd").first
    assert value.locator(".gl-calc__value").inner_text() == "45,226.13 quote"
    assert value.locator(".gl-calc__published").inner_text() == "published: 45,226.13"
    form.get_by_label("entry").fill("60000")
    assert value.locator(".gl-calc__value").inner_text() == "54,271.36 quote"
    assert value.locator(".gl-calc__published").count() == 0
    assert "?" not in page.url  # an example's form leaves the address alone
    form.get_by_label("entry").fill("50000")
    assert value.locator(".gl-calc__published").inner_text() == "published: 45,226.13"


def test_charts_are_drawn_at_the_column_width(page: Any, built_site: Any) -> None:
    """A chart's SVG has only a viewBox; in Material's shrink-to-fit figure it once drew at 0x0."""
    for path in ("calculators/", "term/leveraged-etf/"):
        page.goto(built_site.url(path))
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        sizes = page.evaluate(
            "Array.from(document.querySelectorAll('figure.gl-chart svg'))"
            ".map(s => [s.getBoundingClientRect().width, s.getBoundingClientRect().height])"
        )
        assert sizes, path
        assert all(width > 300 and height > 150 for width, height in sizes), (path, sizes)
