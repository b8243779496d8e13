"""`glossary calc` as a person runs it: listing, derivations, JSON, and exit code 2 on bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator.calc.calculators import CALCULATORS

ROOT = Path(__file__).resolve().parents[2]


def calc(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [sys.executable, "-m", "generator", "calc", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
    )


def test_list_names_every_calculator_with_inputs() -> None:
    result = calc("--list")
    assert result.returncode == 0, result.stderr
    for name in CALCULATORS:
        assert f"\n{name} - " in "\n" + result.stdout
    assert "mm_basis: mark: maintenance margin at the liquidation price" in result.stdout
    assert "ltv (ratio): loan-to-value used on each loop; a number >= 0 and < 1" in result.stdout


def test_step_by_step_derivation_with_units() -> None:
    result = calc(
        "liquidation_price", "--set", "side=long", "--set", "entry=50000", "--set", "leverage=10", "--set", "mmr=0.005"
    )
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert "entry = 50000 quote" in text
    assert "margin = qty * entry / leverage" in text and "= 1 * 50000 / 10" in text and "= 5000 quote" in text
    assert "= (1 * 50000 - 5000 - 0) / (1 * (1 - 0.005 - 0))" in text
    assert "liquidation_price = 45226.13065 quote" in text


def test_json_output_shape_and_values() -> None:
    result = calc("loop_leverage", "--set", "initial_collateral=100", "--set", "ltv=0.7", "--set", "loops=6", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["calculator"] == "loop_leverage"
    assert data["inputs"] == {"initial_collateral": 100.0, "ltv": 0.7, "loops": 6}
    assert data["outputs"]["leverage"] == pytest.approx(3.05882, abs=5e-6)
    assert data["steps"][0]["label"] == "Total collateral position"


def test_values_parse_as_json_else_text() -> None:
    result = calc(
        "health_factor",
        "--set",
        "collateral=[6000, 4000]",
        "--set",
        "liquidation_threshold=0.8",
        "--set",
        "debt=6000",
        "--json",
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["inputs"]["collateral"] == [6000.0, 4000.0]
    assert data["outputs"] == {"health_factor": pytest.approx(8000 / 6000), "liquidatable": False}


def test_never_liquidated_is_null_in_json() -> None:
    result = calc(
        "liquidation_price",
        "--set",
        "side=long",
        "--set",
        "entry=100",
        "--set",
        "leverage=1",
        "--set",
        "mmr=0.005",
        "--json",
    )
    assert result.returncode == 0
    assert json.loads(result.stdout)["outputs"]["liquidation_price"] is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("liquidation_price", "--set", "side=long", "--set", "entry=50000", "--set", "leverage=10"),
            "missing input 'mmr'",
        ),
        (
            (
                "liquidation_price",
                "--set",
                "side=long",
                "--set",
                "entry=-5",
                "--set",
                "leverage=10",
                "--set",
                "mmr=0.01",
            ),
            "'entry' must be a number > 0, got -5",
        ),
        (
            (
                "liquidation_price",
                "--set",
                "side=long",
                "--set",
                "entry=50000",
                "--set",
                "leverage=0",
                "--set",
                "mmr=0.01",
            ),
            "'leverage' must be a number > 0, got 0",
        ),
        (
            ("loop_leverage", "--set", "initial_collateral=1", "--set", "ltv=1", "--set", "loops=3"),
            "'ltv' must be a number >= 0 and < 1, got 1",
        ),
        (("liquidation_prize",), "unknown calculator 'liquidation_prize'; did you mean 'liquidation_price'"),
        (("pnl", "--set", "side"), "--set expects KEY=VALUE"),
        (("pnl", "--set", "side=long", "--set", "side=short"), "--set side given twice"),
        (
            ("pnl", "--set", "side=long", "--set", "qty=1", "--set", "entry=NaN", "--set", "exit=2"),
            "'entry' must be a number",
        ),
        (
            (
                "funding_payment",
                "--set",
                "side=long",
                "--set",
                "notional=1",
                "--set",
                "rate=0.1",
                "--set",
                "colour=red",
            ),
            "unknown input 'colour'",
        ),
        ((), "name a calculator"),
    ],
)
def test_bad_input_exits_2_with_a_clear_message(args: tuple[str, ...], message: str) -> None:
    result = calc(*args)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert message in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_url_prints_the_address_that_opens_the_calculation() -> None:
    result = calc(
        "liquidation_price",
        "--set",
        "side=long",
        "--set",
        "entry=60000",
        "--set",
        "leverage=20",
        "--set",
        "mmr=0.004",
        "--url",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "https://leverage-glossary.org/calculators/?calc=liquidation_price&side=long&entry=60000&leverage=20&mmr=0.004\n"
    )
    lists = calc("leveraged_etf_path", "--set", "leverage=2", "--set", "index_returns=[0.1,-0.1]", "--url")
    assert lists.stdout.strip().endswith("calc=leveraged_etf_path&leverage=2&index_returns=0.1,-0.1")
    refused = calc(
        "liquidation_price", "--set", "side=up", "--set", "entry=1", "--set", "leverage=2", "--set", "mmr=0", "--url"
    )
    assert refused.returncode == 2 and "'side' must be one of long, short" in refused.stderr and not refused.stdout
