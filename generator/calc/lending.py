"""Calculators for collateralised lending (DeFi): looped leverage and the health factor."""

from __future__ import annotations

from generator.calc.definition import Calculator, Output, Param, positive_param
from generator.calc.program import fail, let

LOOP_LEVERAGE = (
    let(
        "position",
        "initial_collateral * (1 - ltv ** (loops + 1)) / (1 - ltv)",
        "Total collateral position",
        r"X_n = C \frac{1 - \lambda^{n+1}}{1 - \lambda}",
        "quote",
    ),
    let("borrowed", "position - initial_collateral", "Borrowed", r"D_n = X_n - C", "quote"),
    let("leverage", "position / initial_collateral", "Leverage", r"L_n = \frac{X_n}{C}", "x"),
    let("max_leverage", "1 / (1 - ltv)", "Limit with endless loops", r"L_\infty = \frac{1}{1 - \lambda}", "x"),
)

HEALTH_FACTOR = (
    let("thresholds", "len(liquidation_threshold)"),
    let("assets", "len(collateral)"),
    fail(
        "thresholds != assets and thresholds != 1",
        "length",
        "'liquidation_threshold' has {thresholds} values but 'collateral' has {assets}; "
        "give one threshold per collateral asset or a single threshold for all",
    ),
    let(
        "weighted",
        "sum(collateral * liquidation_threshold)",
        "Threshold-weighted collateral",
        r"W = \sum_i C_i \cdot LT_i",
        "quote",
    ),
    let("health_factor", "weighted / debt", "Health factor", r"HF = \frac{W}{D}", "ratio"),
    let("liquidatable", "health_factor < 1", "Liquidatable", r"HF < 1", ""),
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
        LOOP_LEVERAGE,
        example={"initial_collateral": 10_000, "ltv": 0.75, "loops": 3},
        description="Deposit, borrow ltv of it, redeposit, `loops` times: a geometric series toward 1/(1-ltv).",
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
        HEALTH_FACTOR,
        example={"collateral": 10_000, "liquidation_threshold": 0.8, "debt": 6_000},
        description="Aave-style health factor: threshold-weighted collateral over debt; below 1 is liquidatable.",
    ),
)
