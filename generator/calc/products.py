"""Calculators for leveraged products: a daily-reset leveraged fund against its index."""

from __future__ import annotations

from typing import Any

from generator.calc.definition import Calculator, Output, Param, Step, make_step, positive_param
from generator.calc.numbers import format_number as fmt


def leveraged_etf_path(
    leverage: float, index_returns: list[float], start: float
) -> tuple[dict[str, Any], tuple[Step, ...]]:
    """A daily-rebalanced leveraged fund: each period it earns leverage x the index return.

    Financing costs and fees are ignored. A period loss of 100% or more wipes the fund out
    (its value stays at zero), as the fund cannot go below zero.
    """
    fund, index = start, start
    fund_path, index_path = [start], [start]
    steps: list[Step] = []
    for period, r in enumerate(index_returns, start=1):
        new_index = index * (1 + r)
        new_fund = max(0.0, fund * (1 + leverage * r))
        steps.append(
            make_step(
                f"Period {period}",
                "fund = fund * (1 + leverage * r); index = index * (1 + r)",
                r"V_t = V_{t-1}(1 + L r_t),\; I_t = I_{t-1}(1 + r_t)",
                f"{fmt(fund)} * (1 + {fmt(leverage)} * {fmt(r)}); {fmt(index)} * (1 + {fmt(r)})",
                {"fund": new_fund, "index": new_index},
                "quote",
            )
        )
        fund, index = new_fund, new_index
        fund_path.append(fund)
        index_path.append(index)
    fund_return = fund / start - 1
    index_return = index / start - 1
    steps.append(
        make_step(
            "Fund return",
            "fund_return = final_fund / start - 1",
            r"R_V = \frac{V_T}{V_0} - 1",
            f"{fmt(fund)} / {fmt(start)} - 1",
            fund_return,
            "ratio",
        )
    )
    steps.append(
        make_step(
            "Index return",
            "index_return = final_index / start - 1",
            r"R_I = \frac{I_T}{I_0} - 1",
            f"{fmt(index)} / {fmt(start)} - 1",
            index_return,
            "ratio",
        )
    )
    steps.append(
        make_step(
            "Leverage times the index return",
            "naive = leverage * index_return",
            r"L \cdot R_I",
            f"{fmt(leverage)} * {fmt(index_return)}",
            leverage * index_return,
            "ratio",
        )
    )
    return {
        "final_fund": fund,
        "final_index": index,
        "fund_return": fund_return,
        "index_return": index_return,
        "fund_path": fund_path,
        "index_path": index_path,
    }, tuple(steps)


CALCULATORS: tuple[Calculator, ...] = (
    Calculator(
        "leveraged_etf_path",
        "Leveraged ETF path",
        "A daily-reset leveraged fund against its index, period by period.",
        (
            Param(
                "leverage",
                "number",
                "x",
                "daily leverage multiple (negative for inverse funds)",
                minimum=-10,
                maximum=10,
            ),
            Param("index_returns", "list", "ratio", "index return for each period", minimum=-1),
            positive_param("start", "quote", "starting value of fund and index", 100.0),
        ),
        (
            Output("final_fund", "quote", "fund value at the end"),
            Output("final_index", "quote", "index value at the end"),
            Output("fund_return", "ratio", "fund's total return"),
            Output("index_return", "ratio", "index's total return"),
            Output("fund_path", "quote", "fund value after each period, start first"),
            Output("index_path", "quote", "index value after each period, start first"),
        ),
        (
            "Nasdaq Listing Center FAQ 1539, 'Are there additional risks associated with investing in Leveraged "
            "and Inverse ETPs?'",
            "SEC/FINRA Investor Alert, 'Leveraged and Inverse ETFs: Specialized Products with Extra Risks'",
        ),
        leveraged_etf_path,
        example={"leverage": -1, "index_returns": [-0.1, 0.2, -0.2, 0.2]},
    ),
)
