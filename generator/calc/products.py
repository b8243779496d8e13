"""Calculators for leveraged products: a daily-reset leveraged fund against its index."""

from __future__ import annotations

from generator.calc.definition import Calculator, Output, Param, positive_param
from generator.calc.program import let

LEVERAGED_ETF_PATH = (
    let(
        "factors",
        "max(0, 1 + leverage * index_returns)",
        "Fund growth factor each period",
        r"g_t = \max(0, 1 + L r_t)",
        "x",
    ),
    let("fund_path", "path(start, factors)", "Fund value after each period", r"V_t = V_{t-1} g_t", "quote"),
    let(
        "index_path",
        "path(start, 1 + index_returns)",
        "Index value after each period",
        r"I_t = I_{t-1}(1 + r_t)",
        "quote",
    ),
    let("final_fund", "last(fund_path)"),
    let("final_index", "last(index_path)"),
    let("fund_return", "final_fund / start - 1", "Fund return", r"R_V = \frac{V_T}{V_0} - 1", "ratio"),
    let("index_return", "final_index / start - 1", "Index return", r"R_I = \frac{I_T}{I_0} - 1", "ratio"),
    let("naive", "leverage * index_return", "Leverage times the index return", r"L \cdot R_I", "ratio"),
)

DESCRIPTION = """A daily-rebalanced leveraged fund: each period it earns leverage x the index return.

Financing costs and fees are ignored. A period loss of 100% or more wipes the fund out
(its value stays at zero), as the fund cannot go below zero."""


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
        LEVERAGED_ETF_PATH,
        example={"leverage": -1, "index_returns": [-0.1, 0.2, -0.2, 0.2]},
        description=DESCRIPTION,
    ),
)
