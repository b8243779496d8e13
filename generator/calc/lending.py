"""Calculators for collateralised lending (DeFi): looped leverage and the health factor."""

from __future__ import annotations

from typing import Any

from generator.calc.definition import Calculator, CalculatorError, Output, Param, Step, make_step, positive_param
from generator.calc.numbers import format_number as fmt


def loop_leverage(initial_collateral: float, ltv: float, loops: int) -> tuple[dict[str, Any], tuple[Step, ...]]:
    """Deposit, borrow ltv of it, redeposit, `loops` times: a geometric series toward 1/(1-ltv)."""
    c = initial_collateral
    position = c * (1 - ltv ** (loops + 1)) / (1 - ltv)
    borrowed = position - c
    lev = position / c
    max_lev = 1 / (1 - ltv)
    return {"position": position, "borrowed": borrowed, "leverage": lev, "max_leverage": max_lev}, (
        make_step(
            "Total collateral position",
            "position = initial_collateral * (1 - ltv ** (loops + 1)) / (1 - ltv)",
            r"X_n = C \frac{1 - \lambda^{n+1}}{1 - \lambda}",
            f"{fmt(c)} * (1 - {fmt(ltv)} ** ({loops} + 1)) / (1 - {fmt(ltv)})",
            position,
            "quote",
        ),
        make_step(
            "Borrowed",
            "borrowed = position - initial_collateral",
            r"D_n = X_n - C",
            f"{fmt(position)} - {fmt(c)}",
            borrowed,
            "quote",
        ),
        make_step(
            "Leverage",
            "leverage = position / initial_collateral",
            r"L_n = \frac{X_n}{C}",
            f"{fmt(position)} / {fmt(c)}",
            lev,
            "x",
        ),
        make_step(
            "Limit with endless loops",
            "max_leverage = 1 / (1 - ltv)",
            r"L_\infty = \frac{1}{1 - \lambda}",
            f"1 / (1 - {fmt(ltv)})",
            max_lev,
            "x",
        ),
    )


def _as_list(value: float | list[float]) -> list[float]:
    return list(value) if isinstance(value, list) else [value]


def health_factor(
    collateral: float | list[float], liquidation_threshold: float | list[float], debt: float
) -> tuple[dict[str, Any], tuple[Step, ...]]:
    """Aave-style health factor: threshold-weighted collateral over debt; below 1 is liquidatable."""
    values = _as_list(collateral)
    thresholds = _as_list(liquidation_threshold)
    if len(thresholds) == 1 and len(values) > 1:
        thresholds = thresholds * len(values)
    if len(thresholds) != len(values):
        raise CalculatorError(
            f"health_factor: 'liquidation_threshold' has {len(thresholds)} values but 'collateral' has "
            f"{len(values)}; give one threshold per collateral asset or a single threshold for all"
        )
    weighted = sum(c * t for c, t in zip(values, thresholds))
    hf = weighted / debt
    terms = " + ".join(f"{fmt(c)} * {fmt(t)}" for c, t in zip(values, thresholds))
    return {"health_factor": hf, "liquidatable": hf < 1}, (
        make_step(
            "Threshold-weighted collateral",
            "weighted = sum(collateral_i * liquidation_threshold_i)",
            r"W = \sum_i C_i \cdot LT_i",
            terms,
            weighted,
            "quote",
        ),
        make_step(
            "Health factor",
            "health_factor = weighted / debt",
            r"HF = \frac{W}{D}",
            f"{fmt(weighted)} / {fmt(debt)}",
            hf,
            "ratio",
        ),
        make_step("Liquidatable", "liquidatable = health_factor < 1", r"HF < 1", f"{fmt(hf)} < 1", hf < 1, ""),
    )


CALCULATORS: tuple[Calculator, ...] = (
    Calculator(
        "loop_leverage",
        "Looped (recursive) lending leverage",
        "Deposit, borrow at the LTV, redeposit: exposure after n loops and its 1/(1-ltv) limit.",
        (
            positive_param("initial_collateral", "quote", "first deposit"),
            Param(
                "ltv",
                "number",
                "ratio",
                "loan-to-value used on each loop",
                minimum=0,
                maximum=1,
                exclusive_maximum=True,
            ),
            Param(
                "loops",
                "integer",
                "",
                "number of borrow-and-redeposit loops (0 = plain deposit)",
                minimum=0,
                maximum=1000,
            ),
        ),
        (
            Output("position", "quote", "total collateral deposited"),
            Output("borrowed", "quote", "total debt"),
            Output("leverage", "x", "position / initial collateral"),
            Output("max_leverage", "x", "1 / (1 - ltv), the limit as loops grow"),
        ),
        ("Reaper Farm docs, 'LTV Looping'", "Index Zoo docs, '3x Leverage Token Using Debt'"),
        loop_leverage,
        example={"initial_collateral": 10_000, "ltv": 0.75, "loops": 3},
    ),
    Calculator(
        "health_factor",
        "Health factor",
        "Aave-style: sum(collateral x liquidation threshold) / debt.",
        (
            Param("collateral", "number_or_list", "quote", "collateral value(s)", minimum=0),
            Param(
                "liquidation_threshold",
                "number_or_list",
                "ratio",
                "liquidation threshold(s), one per asset or one for all",
                minimum=0,
                maximum=1,
            ),
            positive_param("debt", "quote", "total borrowed value"),
        ),
        (
            Output("health_factor", "ratio", "weighted collateral / debt"),
            Output("liquidatable", "", "true when the health factor is below 1"),
        ),
        ("Aave Help Center, 'Liquidations' (health factor)", "Aave V3 technical paper"),
        health_factor,
        example={"collateral": 10_000, "liquidation_threshold": 0.8, "debt": 6_000},
    ),
)
