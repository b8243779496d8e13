"""Build-time SVG charts: accessible, themable, deterministic, and faithful to the numbers."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from itertools import pairwise

import pytest

from generator.calc.calculators import run
from generator.compute import charts
from generator.compute.charts import chart_for, nice_ticks

SVG = "{http://www.w3.org/2000/svg}"

CASES = {
    "loop_leverage": {"initial_collateral": 100, "ltv": 0.75, "loops": 3},
    "leveraged_etf_path": {"leverage": -1, "index_returns": [-0.1, 0.2, -0.2, 0.2]},
    "liquidation_price": {"side": "long", "entry": 50000, "leverage": 10, "mmr": 0.005},
    "liquidation_cascade": {
        "price": 100,
        "initial_shock": 0.05,
        "depth": 1_000_000,
        "liquidation_prices": [96, 94, 92, 85],
        "notionals": [1e6, 2e6, 1.5e6, 3e6],
    },
}


def svg_for(name: str, **changes: object) -> ET.Element:
    text = chart_for(run(name, {**CASES[name], **changes}))
    assert text is not None
    return ET.fromstring(text)


@pytest.mark.parametrize("name", sorted(CASES))
def test_chart_is_accessible_static_and_themable(name: str) -> None:
    text = chart_for(run(name, CASES[name]))
    assert text is not None
    root = ET.fromstring(text)  # well-formed XML
    assert root.get("role") == "img" and re.fullmatch(r"0 0 640 \d+(\.\d+)?", root.get("viewBox", ""))
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and title.text and desc is not None and desc.text
    assert root.get("aria-labelledby") == title.get("id") and root.get("aria-describedby") == desc.get("id")
    assert "width" not in root.attrib  # scales with the column
    assert "<script" not in text.lower() and not re.search(r"\son\w+=", text)
    assert not re.search(r"#[0-9a-fA-F]{3,6}\b|rgb\(", text)  # colours come from currentColor and CSS
    axis_labels = [t.text for t in root.iter(f"{SVG}text") if "chart-axis-label" in (t.get("class") or "")]
    assert len(axis_labels) >= 2 and all(axis_labels)
    assert chart_for(run(name, CASES[name])) == text  # deterministic


def test_other_calculators_have_no_chart() -> None:
    assert chart_for(run("funding_payment", {"side": "long", "notional": 1, "rate": 0.01})) is None
    assert chart_for(run("kelly_leverage", {"mean_return": 0.1, "risk_free": 0.02, "volatility": 0.2})) is None


def test_loop_chart_shows_series_limit_and_the_example() -> None:
    root = svg_for("loop_leverage")
    (line,) = [p for p in root.iter(f"{SVG}polyline") if p.get("class") == "chart-series-a"]
    assert len(line.get("points", "").split()) == 11  # loops 0..10
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "limit 1/(1 - ltv) = 4x" in texts and "3 loops: 2.7344x" in texts
    assert "2.7344x" in (root.find(f"{SVG}desc").text or "")


def test_etf_chart_draws_fund_and_index() -> None:
    root = svg_for("leveraged_etf_path")
    lines = {p.get("class"): p.get("points", "").split() for p in root.iter(f"{SVG}polyline")}
    assert len(lines["chart-series-a"]) == len(lines["chart-series-b"]) == 5
    assert "84.48" in (root.find(f"{SVG}desc").text or "")


def test_liquidation_chart_rises_with_leverage_for_a_long() -> None:
    root = svg_for("liquidation_price")
    (line,) = [p for p in root.iter(f"{SVG}polyline") if p.get("class") == "chart-series-a"]
    ys = [float(point.split(",")[1]) for point in line.get("points", "").split()]
    assert all(b <= a for a, b in pairwise(ys))  # SVG y grows downwards: prices rise
    assert "10x: 45226.13" in [t.text for t in root.iter(f"{SVG}text")]
    short = svg_for("liquidation_price", side="short")
    (line,) = [p for p in short.iter(f"{SVG}polyline") if p.get("class") == "chart-series-a"]
    ys = [float(point.split(",")[1]) for point in line.get("points", "").split()]
    assert all(b >= a for a, b in pairwise(ys))


def test_cascade_chart_has_a_bar_per_liquidating_round() -> None:
    root = svg_for("liquidation_cascade")
    assert len([r for r in root.iter(f"{SVG}rect") if r.get("class") == "chart-bar"]) == 3
    assert len([c for c in root.iter(f"{SVG}circle") if c.get("class") == "chart-point"]) == 4
    assert "2,000,000" in [t.text for t in root.iter(f"{SVG}text")]


def test_text_is_escaped() -> None:
    assert charts._text(0, 0, 'a<b & "c">', "x").endswith('>a&lt;b &amp; "c"&gt;</text>')


def test_nice_ticks_cover_the_range() -> None:
    assert nice_ticks(0, 4.32) == [0, 2, 4, 6]
    ticks = nice_ticks(84.48, 110)
    assert ticks[0] <= 84.48 and ticks[-1] >= 110 and len(ticks) <= 8
