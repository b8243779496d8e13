"""Calculators for positions on margin: leverage, initial and maintenance margin, profit
and loss, funding (the liquidation price has its own module, `liquidation.py`)."""

from __future__ import annotations

from generator.calc.definition import (
    CONTRACT,
    SIDE,
    Calculator,
    Output,
    Param,
    positive_param,
    rate_param,
)
from generator.calc.liquidation import LIQUIDATION, MONEY
from generator.calc.program import let

LEVERAGE_RATIO = (let("leverage", "notional / equity", "Leverage", r"L = \frac{N}{E}", "x"),)

INITIAL_MARGIN = (
    let("notional", "qty * price", "Notional", r"N = Q \cdot P", "quote", when="contract_linear"),
    let("notional", "qty / price", "Notional in coin", r"N = \frac{Q}{P}", "coin", when="contract_inverse"),
    let("initial_margin", "notional / leverage", "Initial margin", r"IM = \frac{N}{L}", MONEY),
)

MAINTENANCE_MARGIN = (
    let("notional", "qty * price", "Notional", r"N = Q \cdot P", "quote"),
    let(
        "maintenance_margin",
        "notional * mmr - maintenance_amount",
        "Maintenance margin",
        r"MM = N \cdot m - cum",
        "quote",
    ),
)

PNL = (
    let(
        "gross",
        "side * qty * (exit - entry)",
        "Gross PnL",
        r"\Pi = s Q (P_1 - P_0)",
        "quote",
        when="contract_linear",
    ),
    let(
        "fees",
        "fee_rate * qty * (entry + exit)",
        "Fees (both legs)",
        r"F = f Q (P_0 + P_1)",
        "quote",
        when="contract_linear",
    ),
    let(
        "gross",
        "side * qty * (1 / entry - 1 / exit)",
        "Gross PnL (coin)",
        r"\Pi = s Q \left(\frac{1}{P_0} - \frac{1}{P_1}\right)",
        "coin",
        when="contract_inverse",
    ),
    let(
        "fees",
        "fee_rate * qty * (1 / entry + 1 / exit)",
        "Fees (both legs, coin)",
        r"F = f Q \left(\frac{1}{P_0} + \frac{1}{P_1}\right)",
        "coin",
        when="contract_inverse",
    ),
    let("pnl", "gross - fees", "PnL", r"PnL = \Pi - F", MONEY),
    let(
        "initial_margin",
        "qty * entry / leverage",
        "Initial margin",
        r"IM = \frac{Q P_0}{L}",
        "quote",
        when="has_leverage and contract_linear",
    ),
    let(
        "initial_margin",
        "qty / (entry * leverage)",
        "Initial margin",
        r"IM = \frac{Q}{P_0 L}",
        "coin",
        when="has_leverage and contract_inverse",
    ),
    let("roe", "pnl / initial_margin", "Return on equity", r"ROE = \frac{PnL}{IM}", "ratio", when="has_leverage"),
)

FUNDING_PAYMENT = (let("payment", "side * notional * rate", "Funding payment", r"F = s \cdot N \cdot r", "quote"),)

CALCULATORS: tuple[Calculator, ...] = (
    Calculator(
        "leverage_ratio",
        "Leverage ratio",
        "Exposure divided by equity.",
        (
            Param("notional", "number", "quote", "position notional (exposure)", minimum=0),
            positive_param("equity", "quote", "own capital (margin or equity)"),
        ),
        (Output("leverage", "x", "notional / equity"),),
        (
            "Bybit Help Center, 'Liquidation Price (USDT Contract)', Example 1 (20,000 USDT at 50x on 400 USDT)",
            "Webull Learn, 'How does Leverage Impact Risk and Investment Returns' (2X Bull Fund)",
        ),
        LEVERAGE_RATIO,
        example={"notional": 20_000, "equity": 400},
        description="Leverage as exposure over own capital.",
    ),
    Calculator(
        "initial_margin",
        "Initial margin",
        "Margin needed to open a position at a given leverage.",
        (
            positive_param(
                "qty", "base (linear) or USD (inverse)", "position size: coins for linear, USD contracts for inverse"
            ),
            positive_param("price", "quote", "entry price"),
            positive_param("leverage", "x", "leverage"),
            CONTRACT,
        ),
        (Output("initial_margin", "quote (linear) or coin (inverse)", "notional / leverage"),),
        (
            "Bybit Help Center, 'Liquidation Price (USDT Contract)', Example 1",
            "Bybit Help Center, 'Liquidation Price Calculation under Isolated Mode (Unified Trading Account)'",
        ),
        INITIAL_MARGIN,
        example={"qty": 1, "price": 20_000, "leverage": 50},
        description="Margin to open: notional / leverage (inverse contracts: notional in coin).",
    ),
    Calculator(
        "maintenance_margin",
        "Maintenance margin",
        "Margin a position must keep: notional x rate - maintenance amount.",
        (
            positive_param("qty", "base", "position size"),
            positive_param("price", "quote", "mark price"),
            rate_param("mmr", "maintenance margin rate of the position's tier"),
            Param("maintenance_amount", "number", "quote", "tier's maintenance amount (Binance 'cum')", 0.0, minimum=0),
        ),
        (Output("maintenance_margin", "quote", "qty * price * mmr - maintenance_amount"),),
        (
            "Binance Futures trading rules: Maintenance Margin = Notional x Maintenance Margin Rate - Maintenance Amount",
            "Bybit Help Center, 'Liquidation Price (USDT Contract)', Example 1",
            "freqtrade test suite, tests/exchange/test_exchange.py::test_liquidation_price_binance",
        ),
        MAINTENANCE_MARGIN,
        example={"qty": 109.488, "price": 31_967.27, "mmr": 0.025, "maintenance_amount": 16_300},
        description="Binance-style maintenance margin: notional x rate minus the tier's maintenance amount.",
    ),
    LIQUIDATION,
    Calculator(
        "pnl",
        "Profit and loss",
        "PnL of a closed position (linear in quote, inverse in coin) and ROE on margin.",
        (
            SIDE,
            positive_param("qty", "base (linear) or USD (inverse)", "position size"),
            positive_param("entry", "quote", "entry price"),
            positive_param("exit", "quote", "exit price"),
            CONTRACT,
            positive_param("leverage", "x", "leverage, for the return on margin", None),
            rate_param("fee_rate", "fee rate charged on both legs", 0.0),
        ),
        (
            Output("pnl", "quote (linear) or coin (inverse)", "net profit and loss"),
            Output("roe", "ratio", "pnl / initial margin (none without leverage)"),
        ),
        (
            "Bybit Help Center, 'Perpetual Contracts Quotes' and 'Profit & Loss calculations (Inverse Contracts)'",
            "BitMEX, 'Perpetual Contracts Guide Examples'",
        ),
        PNL,
        example={"side": "long", "qty": 15_000, "entry": 750, "exit": 800, "contract": "inverse"},
        description="Profit and loss of a closed position, and return on the initial margin.",
    ),
    Calculator(
        "funding_payment",
        "Funding payment",
        "Perpetual funding: positive means the position pays.",
        (
            SIDE,
            Param("notional", "number", "quote", "position value at mark price", minimum=0),
            Param("rate", "number", "ratio", "funding rate for the interval", minimum=-1, maximum=1),
        ),
        (Output("payment", "quote", "side * notional * rate (positive = pays)"),),
        (
            "BitMEX, 'Perpetual Contracts Guide Examples' (Funding Amount = Mark Value x Funding Rate)",
            "Kraken Support, 'Inverse Crypto-Collateral Perpetual Contract Specifications'",
        ),
        FUNDING_PAYMENT,
        example={"side": "long", "notional": 20, "rate": 0.0025},
        description="Funding paid (positive) or received (negative); longs pay shorts when the rate is positive.",
    ),
)
