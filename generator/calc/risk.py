"""Calculators for risk and statistics: value at risk and expected shortfall, Kelly
leverage, the Basel III leverage ratio and a liquidation cascade."""

from __future__ import annotations

from generator.calc.definition import Calculator, Output, Param, positive_param
from generator.calc.program import fail, let

VAR_ES_NORMAL = (
    let(
        "sigma",
        "position * daily_vol * sqrt(horizon_days)",
        "Standard deviation over the horizon",
        r"\sigma_h = V \sigma \sqrt{h}",
        "quote",
    ),
    let("z", "ppf(confidence)", "Normal quantile", r"z = N^{-1}(c)", ""),
    let("var", "sigma * z", "Value at risk", r"VaR = \sigma_h z", "quote"),
    let(
        "es",
        "sigma * pdf(z) / (1 - confidence)",
        "Expected shortfall",
        r"ES = \sigma_h \frac{\varphi(z)}{1 - c}",
        "quote",
    ),
)

HISTORICAL_VAR_ES = (
    let("n", "len(losses)", "Scenarios", "n", "scenarios"),
    # The 1e-9 keeps 500 x (1 - 0.99) at 5 despite rounding.
    let("k", "max(1, floor(n * (1 - confidence) + 1e-9))", "Tail size", r"k = \lfloor n (1 - c) \rfloor", "scenarios"),
    let("var", "largest(losses, k)", "Value at risk (the k-th worst loss)", r"VaR = L_{(k)}", "quote"),
    let(
        "es",
        "mean_largest(losses, k)",
        "Expected shortfall (mean of the k worst losses)",
        r"ES = \frac{1}{k}\sum_{i \le k} L_{(i)}",
        "quote",
    ),
)

KELLY_LEVERAGE = (
    let(
        "kelly_leverage",
        "(mean_return - risk_free) / volatility ** 2",
        "Kelly leverage",
        r"f^* = \frac{\mu - r}{\sigma^2}",
        "x",
    ),
    let(
        "growth",
        "risk_free + (mean_return - risk_free) ** 2 / (2 * volatility ** 2)",
        "Growth rate at f*",
        r"g^* = r + \frac{(\mu - r)^2}{2\sigma^2}",
        "per year",
    ),
    let("sharpe", "(mean_return - risk_free) / volatility", "Sharpe ratio", r"S = \frac{\mu - r}{\sigma}", "ratio"),
)

BASEL_LEVERAGE_RATIO = (
    let("leverage_ratio", "tier1_capital / exposure", "Leverage ratio", r"LR = \frac{T1}{E}", "ratio"),
    let("meets_minimum", "leverage_ratio >= minimum", "Meets the minimum", r"LR \ge LR_{min}", ""),
)

LIQUIDATION_CASCADE = (
    let("levels", "len(liquidation_prices)"),
    let("sizes", "len(notionals)"),
    fail(
        "levels != sizes",
        "length",
        "'liquidation_prices' has {levels} values but 'notionals' has {sizes}; give one notional per position",
    ),
    let("shocked", "price * (1 - side * initial_shock)", "Round 0: initial shock", r"P_0 = P (1 \mp s)", "quote"),
    let(
        "impact",
        "0.01 * price / depth",
        "Price impact per unit sold",
        r"\lambda = \frac{0.01 P}{D}",
        "quote per quote notional",
    ),
    let(
        "round_prices",
        "cascade_prices(shocked, impact, liquidation_prices, notionals, side, max_rounds)",
        "Price after each round",
        r"P_k = P_{k-1} \mp \lambda V_k",
        "quote",
    ),
    let(
        "round_volumes",
        "cascade_volumes(shocked, impact, liquidation_prices, notionals, side, max_rounds)",
        "Notional liquidated in each round",
        r"V_k",
        "quote",
    ),
    let("final_price", "last(round_prices)", "Final price", r"P_K", "quote"),
    let("total_liquidated", "sum(round_volumes)", "Total liquidated", r"\sum_k V_k", "quote"),
)

CASCADE_DESCRIPTION = """Rounds of forced selling with linear price impact (a fire-sale / liquidation spiral).

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
        VAR_ES_NORMAL,
        example={"position": 10_000_000, "daily_vol": 0.02, "confidence": 0.99, "horizon_days": 10},
        description="Parametric (normal, zero-mean) VaR and expected shortfall, scaled by sqrt(horizon).",
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
        HISTORICAL_VAR_ES,
        example={"losses": [-1.2, 0.4, 2.5, -0.3, 3.1, 0.9, -2.2, 1.7, 4.4, 0.1], "confidence": 0.8},
        description="Historical simulation: with n scenarios and k = n(1-c) tail scenarios, VaR is the k-th worst loss (Hull: 500 scenarios at 99% -> the 5th worst) and ES the mean of the k worst (the tail average of Acerbi and Tasche).",
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
        KELLY_LEVERAGE,
        example={"mean_return": 0.11, "risk_free": 0.06, "volatility": 0.15},
        description="Continuous-time Kelly (Merton) leverage and the growth rate it earns.",
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
        BASEL_LEVERAGE_RATIO,
        example={"tier1_capital": 69_213, "exposure": 1_091_518},
        description="Basel III leverage ratio: Tier 1 capital over the exposure measure (minimum 3%).",
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
                numbers=(1.0, -1.0),
            ),
            Param("max_rounds", "integer", "", "stop after this many rounds", 100, minimum=1, maximum=10000),
        ),
        (
            Output("round_prices", "quote", "price after each round; round 0 is the shock"),
            Output("round_volumes", "quote", "notional liquidated in each round (0 in round 0)"),
            Output("final_price", "quote", "price after the last round"),
            Output("total_liquidated", "quote", "sum of liquidated notional"),
        ),
        (
            "M. K. Brunnermeier and L. H. Pedersen, 'Market Liquidity and Funding Liquidity', RFS 2009",
            "A. S. Kyle, 'Continuous Auctions and Insider Trading', Econometrica 1985 (linear price impact)",
            "R. Greenwood, A. Landier and D. Thesmar, 'Vulnerable Banks', JFE 2015 (fire-sale rounds)",
        ),
        LIQUIDATION_CASCADE,
        example={
            "price": 100,
            "initial_shock": 0.05,
            "depth": 1_000_000,
            "liquidation_prices": [96, 94, 92, 85],
            "notionals": [1_000_000, 2_000_000, 1_500_000, 3_000_000],
        },
        description=CASCADE_DESCRIPTION,
    ),
)
