"""Calculators for risk and statistics: value at risk and expected shortfall, Kelly
leverage, the Basel III leverage ratio and a liquidation cascade."""

from __future__ import annotations

import math
from typing import Any

from generator.calc.definition import (
    Calculator,
    CalculatorError,
    Output,
    Param,
    Step,
    make_step,
    positive_param,
    side_sign,
)
from generator.calc.numbers import format_number as fmt
from generator.calc.statistics import norm_pdf, norm_ppf


def var_es_normal(
    position: float, daily_vol: float, confidence: float, horizon_days: float
) -> tuple[dict[str, Any], tuple[Step, ...]]:
    """Parametric (normal, zero-mean) VaR and expected shortfall, scaled by sqrt(horizon)."""
    sigma = position * daily_vol * math.sqrt(horizon_days)
    z = norm_ppf(confidence)
    var = sigma * z
    es = sigma * norm_pdf(z) / (1 - confidence)
    return {"var": var, "es": es}, (
        make_step(
            "Standard deviation over the horizon",
            "sigma = position * daily_vol * sqrt(horizon_days)",
            r"\sigma_h = V \sigma \sqrt{h}",
            f"{fmt(position)} * {fmt(daily_vol)} * sqrt({fmt(horizon_days)})",
            sigma,
            "quote",
        ),
        make_step("Normal quantile", "z = ppf(confidence)", r"z = N^{-1}(c)", f"ppf({fmt(confidence)})", z, ""),
        make_step("Value at risk", "var = sigma * z", r"VaR = \sigma_h z", f"{fmt(sigma)} * {fmt(z)}", var, "quote"),
        make_step(
            "Expected shortfall",
            "es = sigma * pdf(z) / (1 - confidence)",
            r"ES = \sigma_h \frac{\varphi(z)}{1 - c}",
            f"{fmt(sigma)} * pdf({fmt(z)}) / (1 - {fmt(confidence)})",
            es,
            "quote",
        ),
    )


def historical_var_es(losses: list[float], confidence: float) -> tuple[dict[str, Any], tuple[Step, ...]]:
    """Historical simulation: with n scenarios and k = n(1-c) tail scenarios, VaR is the k-th
    worst loss (Hull: 500 scenarios at 99% -> the 5th worst) and ES the mean of the k worst
    (the tail average of Acerbi and Tasche)."""
    ordered = sorted(losses, reverse=True)
    n = len(ordered)
    k = max(1, math.floor(n * (1 - confidence) + 1e-9))
    var = ordered[k - 1]
    tail = ordered[:k]
    es = sum(tail) / k
    return {"var": var, "es": es}, (
        make_step(
            "Tail size",
            "k = floor(n * (1 - confidence)), at least 1",
            r"k = \lfloor n (1 - c) \rfloor",
            f"floor({n} * (1 - {fmt(confidence)}))",
            k,
            "scenarios",
        ),
        make_step(
            "Value at risk", "var = k-th worst loss", r"VaR = L_{(k)}", f"loss #{k} of {n}, worst first", var, "quote"
        ),
        make_step(
            "Expected shortfall",
            "es = mean of the k worst losses",
            r"ES = \frac{1}{k}\sum_{i \le k} L_{(i)}",
            "(" + " + ".join(fmt(x) for x in tail) + f") / {k}",
            es,
            "quote",
        ),
    )


def kelly_leverage(mean_return: float, risk_free: float, volatility: float) -> tuple[dict[str, Any], tuple[Step, ...]]:
    """Continuous-time Kelly (Merton) leverage and the growth rate it earns."""
    excess = mean_return - risk_free
    f = excess / volatility**2
    growth = risk_free + excess**2 / (2 * volatility**2)
    sharpe = excess / volatility
    return {"kelly_leverage": f, "growth": growth, "sharpe": sharpe}, (
        make_step(
            "Kelly leverage",
            "kelly_leverage = (mean_return - risk_free) / volatility ** 2",
            r"f^* = \frac{\mu - r}{\sigma^2}",
            f"({fmt(mean_return)} - {fmt(risk_free)}) / {fmt(volatility)} ** 2",
            f,
            "x",
        ),
        make_step(
            "Growth rate at f*",
            "growth = risk_free + (mean_return - risk_free) ** 2 / (2 * volatility ** 2)",
            r"g^* = r + \frac{(\mu - r)^2}{2\sigma^2}",
            f"{fmt(risk_free)} + ({fmt(mean_return)} - {fmt(risk_free)}) ** 2 / (2 * {fmt(volatility)} ** 2)",
            growth,
            "per year",
        ),
        make_step(
            "Sharpe ratio",
            "sharpe = (mean_return - risk_free) / volatility",
            r"S = \frac{\mu - r}{\sigma}",
            f"({fmt(mean_return)} - {fmt(risk_free)}) / {fmt(volatility)}",
            sharpe,
            "ratio",
        ),
    )


def basel_leverage_ratio(
    tier1_capital: float, exposure: float, minimum: float
) -> tuple[dict[str, Any], tuple[Step, ...]]:
    """Basel III leverage ratio: Tier 1 capital over the exposure measure (minimum 3%)."""
    ratio = tier1_capital / exposure
    meets = ratio >= minimum
    return {"leverage_ratio": ratio, "meets_minimum": meets}, (
        make_step(
            "Leverage ratio",
            "leverage_ratio = tier1_capital / exposure",
            r"LR = \frac{T1}{E}",
            f"{fmt(tier1_capital)} / {fmt(exposure)}",
            ratio,
            "ratio",
        ),
        make_step(
            "Meets the minimum",
            "meets_minimum = leverage_ratio >= minimum",
            r"LR \ge LR_{min}",
            f"{fmt(ratio)} >= {fmt(minimum)}",
            meets,
            "",
        ),
    )


def liquidation_cascade(
    price: float,
    initial_shock: float,
    depth: float,
    liquidation_prices: list[float],
    notionals: list[float],
    side: str,
    max_rounds: int,
) -> tuple[dict[str, Any], tuple[Step, ...]]:
    """Rounds of forced selling with linear price impact (a fire-sale / liquidation spiral).

    Round 0 is an exogenous move of `initial_shock`. In each later round every position
    whose liquidation price has been crossed is closed at market; its notional moves the
    price by `notional / depth` percent of the starting price (linear, Kyle-lambda style
    impact: lambda = 0.01 * price / depth). Rounds stop when nothing new is liquidated.
    Longs are sold into a falling market (side long); shorts are bought back into a rising
    one (side short).

    The structure follows the fire-sale rounds of Greenwood, Landier and Thesmar ("Vulnerable
    banks", JFE 2015) and the margin spiral of Brunnermeier and Pedersen ("Market liquidity
    and funding liquidity", RFS 2009), with Kyle's (1985) linear, permanent price impact.
    Simplifications, stated so readers can judge the picture: each position is closed in
    full at once, the book does not refill between rounds, and no one buys the dip.
    """
    if len(liquidation_prices) != len(notionals):
        raise CalculatorError(
            f"liquidation_cascade: 'liquidation_prices' has {len(liquidation_prices)} values but 'notionals' has "
            f"{len(notionals)}; give one notional per position"
        )
    s = side_sign(side)
    impact = 0.01 * price / depth
    current = price * (1 - s * initial_shock)
    rounds: list[dict[str, Any]] = [{"round": 0, "price": current, "liquidated_notional": 0.0}]
    steps: list[Step] = [
        make_step(
            "Round 0: initial shock",
            f"price_0 = price * (1 {'-' if s > 0 else '+'} initial_shock)",
            rf"P_0 = P (1 {'-' if s > 0 else '+'} s)",
            f"{fmt(price)} * (1 {'-' if s > 0 else '+'} {fmt(initial_shock)})",
            current,
            "quote",
        ),
        make_step(
            "Price impact per unit sold",
            "lambda = 0.01 * price / depth",
            r"\lambda = \frac{0.01 P}{D}",
            f"0.01 * {fmt(price)} / {fmt(depth)}",
            impact,
            "quote per quote notional",
        ),
    ]
    alive = list(range(len(liquidation_prices)))
    total = 0.0
    for number in range(1, max_rounds + 1):
        hit = [i for i in alive if (liquidation_prices[i] >= current if s > 0 else liquidation_prices[i] <= current)]
        if not hit:
            break
        volume = sum(notionals[i] for i in hit)
        alive = [i for i in alive if i not in hit]
        previous = current
        current = max(0.0, current - s * impact * volume)
        total += volume
        rounds.append({"round": number, "price": current, "liquidated_notional": volume})
        steps.append(
            make_step(
                f"Round {number}: {len(hit)} position(s) liquidated",
                f"price_{number} = price_{number - 1} {'-' if s > 0 else '+'} lambda * liquidated",
                rf"P_{{{number}}} = P_{{{number - 1}}} {'-' if s > 0 else '+'} \lambda V_{{{number}}}",
                f"{fmt(previous)} {'-' if s > 0 else '+'} {fmt(impact)} * {fmt(volume)}",
                current,
                "quote",
            )
        )
    steps.append(
        make_step(
            "Total liquidated",
            "total_liquidated = sum of liquidated notional",
            r"\sum_k V_k",
            " + ".join(fmt(r["liquidated_notional"]) for r in rounds[1:]) or "0",
            total,
            "quote",
        )
    )
    return {"rounds": rounds, "final_price": current, "total_liquidated": total}, tuple(steps)


CALCULATORS: tuple[Calculator, ...] = (
    Calculator(
        "var_es_normal",
        "Normal VaR and expected shortfall",
        "Parametric VaR and ES for a zero-mean normal P&L.",
        (
            positive_param("position", "quote", "position value"),
            positive_param("daily_vol", "ratio", "daily volatility of returns"),
            Param(
                "confidence",
                "number",
                "ratio",
                "confidence level",
                minimum=0,
                maximum=1,
                exclusive_minimum=True,
                exclusive_maximum=True,
            ),
            positive_param("horizon_days", "days", "horizon", 1.0),
        ),
        (
            Output("var", "quote", "value at risk (a loss, positive)"),
            Output("es", "quote", "expected shortfall (a loss, positive)"),
        ),
        (
            "J. C. Hull, Options, Futures, and Other Derivatives, chapter 'Value at Risk and Expected Shortfall'",
            "BCBS, 'Fundamental review of the trading book: A revised market risk framework' (2013)",
        ),
        var_es_normal,
        example={"position": 10_000_000, "daily_vol": 0.02, "confidence": 0.99, "horizon_days": 10},
    ),
    Calculator(
        "historical_var_es",
        "Historical VaR and expected shortfall",
        "VaR and ES from a list of scenario losses.",
        (
            Param("losses", "list", "quote", "scenario losses (gains negative)"),
            Param(
                "confidence",
                "number",
                "ratio",
                "confidence level",
                minimum=0,
                maximum=1,
                exclusive_minimum=True,
                exclusive_maximum=True,
            ),
        ),
        (
            Output("var", "quote", "k-th worst loss, k = floor(n(1-c))"),
            Output("es", "quote", "mean of the k worst losses"),
        ),
        (
            "J. C. Hull, Risk Management and Financial Institutions, 'Historical Simulation'",
            "C. Acerbi and D. Tasche, 'Expected Shortfall: a natural coherent alternative to Value at Risk' (2002)",
        ),
        historical_var_es,
        example={"losses": [-1.2, 0.4, 2.5, -0.3, 3.1, 0.9, -2.2, 1.7, 4.4, 0.1], "confidence": 0.8},
    ),
    Calculator(
        "kelly_leverage",
        "Kelly leverage",
        "Growth-optimal leverage (mu - r) / sigma^2 for a lognormal asset.",
        (
            Param("mean_return", "number", "per year", "expected return of the risky asset"),
            Param("risk_free", "number", "per year", "risk-free (borrowing) rate"),
            positive_param("volatility", "per sqrt(year)", "volatility of the risky asset"),
        ),
        (
            Output("kelly_leverage", "x", "(mu - r) / sigma^2"),
            Output("growth", "per year", "growth rate at the Kelly leverage"),
            Output("sharpe", "ratio", "(mu - r) / sigma"),
        ),
        (
            "E. O. Thorp, 'The Kelly Criterion in Blackjack, Sports Betting and the Stock Market', section 7",
            "E. P. Chan, 'Quantitative Trading' (2009), Example 6.3",
        ),
        kelly_leverage,
        example={"mean_return": 0.11, "risk_free": 0.06, "volatility": 0.15},
    ),
    Calculator(
        "basel_leverage_ratio",
        "Basel III leverage ratio",
        "Tier 1 capital over the exposure measure (minimum 3%).",
        (
            Param("tier1_capital", "number", "quote", "Tier 1 capital", minimum=0),
            positive_param("exposure", "quote", "total exposure measure"),
            Param("minimum", "number", "ratio", "required minimum", 0.03, minimum=0, maximum=1),
        ),
        (
            Output("leverage_ratio", "ratio", "tier1_capital / exposure"),
            Output("meets_minimum", "", "true when the ratio is at least the minimum"),
        ),
        (
            "BCBS, 'Basel III leverage ratio framework and disclosure requirements' (2014)",
            "Morgan Stanley Form 10-Q Q1 2018 and JPMorgan Chase Form 10-Q Q1 2020 (supplementary leverage ratio)",
        ),
        basel_leverage_ratio,
        example={"tier1_capital": 69_213, "exposure": 1_091_518},
    ),
    Calculator(
        "liquidation_cascade",
        "Liquidation cascade",
        "Rounds of forced liquidations with linear price impact.",
        (
            positive_param("price", "quote", "price before the shock"),
            Param(
                "initial_shock", "number", "ratio", "first, exogenous price move as a fraction", minimum=0, maximum=1
            ),
            positive_param("depth", "quote", "notional that moves the price by 1% (of the starting price)"),
            Param("liquidation_prices", "list", "quote", "liquidation price of each leveraged position", minimum=0),
            Param("notionals", "list", "quote", "notional force-traded when each position is liquidated", minimum=0),
            Param(
                "side",
                "choice",
                "",
                "long: longs sold into a fall; short: shorts bought back into a rise",
                "long",
                ("long", "short"),
            ),
            Param("max_rounds", "integer", "", "stop after this many rounds", 100, minimum=1, maximum=10000),
        ),
        (
            Output("rounds", "", "list of {round, price, liquidated_notional}; round 0 is the shock"),
            Output("final_price", "quote", "price after the last round"),
            Output("total_liquidated", "quote", "sum of liquidated notional"),
        ),
        (
            "M. K. Brunnermeier and L. H. Pedersen, 'Market Liquidity and Funding Liquidity', RFS 2009",
            "A. S. Kyle, 'Continuous Auctions and Insider Trading', Econometrica 1985 (linear price impact)",
            "R. Greenwood, A. Landier and D. Thesmar, 'Vulnerable Banks', JFE 2015 (fire-sale rounds)",
        ),
        liquidation_cascade,
        example={
            "price": 100,
            "initial_shock": 0.05,
            "depth": 1_000_000,
            "liquidation_prices": [96, 94, 92, 85],
            "notionals": [1_000_000, 2_000_000, 1_500_000, 3_000_000],
        },
    ),
)
