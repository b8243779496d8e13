"""Calculators for positions on margin: leverage, initial and maintenance margin,
liquidation price, profit and loss, funding."""

from __future__ import annotations

import math
from typing import Any

from generator.calc.definition import (
    CONTRACT,
    SIDE,
    Calculator,
    CalculatorError,
    Output,
    Param,
    Step,
    make_step,
    positive_param,
    rate_param,
    side_sign,
)
from generator.calc.numbers import format_number as fmt


def leverage_ratio(notional: float, equity: float) -> tuple[dict[str, Any], tuple[Step, ...]]:
    """Leverage as exposure over own capital."""
    value = notional / equity
    return {"leverage": value}, (
        make_step(
            "Leverage",
            "leverage = notional / equity",
            r"L = \frac{N}{E}",
            f"{fmt(notional)} / {fmt(equity)}",
            value,
            "x",
        ),
    )


def initial_margin(qty: float, price: float, leverage: float, contract: str) -> tuple[dict[str, Any], tuple[Step, ...]]:
    """Margin to open: notional / leverage (inverse contracts: notional in coin)."""
    if contract == "linear":
        notional = qty * price
        margin = notional / leverage
        steps = (
            make_step(
                "Notional", "notional = qty * price", r"N = Q \cdot P", f"{fmt(qty)} * {fmt(price)}", notional, "quote"
            ),
            make_step(
                "Initial margin",
                "initial_margin = notional / leverage",
                r"IM = \frac{N}{L}",
                f"{fmt(notional)} / {fmt(leverage)}",
                margin,
                "quote",
            ),
        )
    else:
        notional = qty / price
        margin = notional / leverage
        steps = (
            make_step(
                "Notional in coin",
                "notional = qty / price",
                r"N = \frac{Q}{P}",
                f"{fmt(qty)} / {fmt(price)}",
                notional,
                "coin",
            ),
            make_step(
                "Initial margin",
                "initial_margin = notional / leverage",
                r"IM = \frac{N}{L}",
                f"{fmt(notional)} / {fmt(leverage)}",
                margin,
                "coin",
            ),
        )
    return {"initial_margin": margin}, steps


def maintenance_margin(
    qty: float, price: float, mmr: float, maintenance_amount: float
) -> tuple[dict[str, Any], tuple[Step, ...]]:
    """Binance-style maintenance margin: notional x rate minus the tier's maintenance amount."""
    notional = qty * price
    value = notional * mmr - maintenance_amount
    return {"maintenance_margin": value}, (
        make_step(
            "Notional", "notional = qty * price", r"N = Q \cdot P", f"{fmt(qty)} * {fmt(price)}", notional, "quote"
        ),
        make_step(
            "Maintenance margin",
            "maintenance_margin = notional * mmr - maintenance_amount",
            r"MM = N \cdot m - cum",
            f"{fmt(notional)} * {fmt(mmr)} - {fmt(maintenance_amount)}",
            value,
            "quote",
        ),
    )


def liquidation_price(
    side: str,
    entry: float,
    qty: float,
    leverage: float | None,
    margin: float | None,
    mmr: float,
    maintenance_amount: float,
    fee_rate: float,
    mm_basis: str,
    contract: str,
) -> tuple[dict[str, Any], tuple[Step, ...]]:
    """Isolated-margin liquidation price, for the two ways venues measure maintenance margin.

    mark: the maintenance requirement (and closing fee) is measured at the liquidation
    price itself (Binance, OKX, Gate, Hyperliquid). entry: it is measured at entry (Bybit
    classic isolated margin, BitMEX), and the closing fee is reserved at the bankruptcy price.
    Linear contracts are margined in the quote currency; inverse (coin-margined) contracts
    take `qty` in USD and margin in coin (Binance COIN-M, Bybit inverse). The bankruptcy
    price is where the margin, less the closing fee, is used up. A price of None means the
    position can never be liquidated (a long whose margin covers a fall to zero, or an
    inverse short at 1x or less).
    """
    if (leverage is None) == (margin is None):
        raise CalculatorError(
            "liquidation_price: give exactly one of 'leverage' or 'margin' "
            "(margin = qty * entry / leverage for linear contracts)"
        )
    s = side_sign(side)
    cum = maintenance_amount
    steps: list[Step] = []
    linear = contract == "linear"
    money = "quote" if linear else "coin"
    if margin is None:
        assert leverage is not None
        margin = qty * entry / leverage if linear else qty / (entry * leverage)
        steps.append(
            make_step(
                "Initial margin",
                "margin = qty * entry / leverage" if linear else "margin = qty / (entry * leverage)",
                r"M = \frac{Q P_0}{L}" if linear else r"M = \frac{Q}{P_0 L}",
                f"{fmt(qty)} * {fmt(entry)} / {fmt(leverage)}"
                if linear
                else f"{fmt(qty)} / ({fmt(entry)} * {fmt(leverage)})",
                margin,
                money,
            )
        )
    elif margin <= 0:
        raise CalculatorError("liquidation_price: 'margin' must be > 0")

    # Equity at entry must cover the maintenance requirement, or the position is liquidated at once.
    requirement_at_entry = (qty * entry * (mmr + fee_rate) - cum) if linear else (qty * (mmr + fee_rate) / entry - cum)
    if margin <= requirement_at_entry:
        raise CalculatorError(
            f"liquidation_price: margin {fmt(margin)} does not cover the maintenance requirement at entry "
            f"({fmt(requirement_at_entry)}); lower the leverage below {fmt(1 / (mmr + fee_rate)) if mmr + fee_rate else 'infinity'}x "
            "or add margin"
        )

    # Bankruptcy: the price at which margin less the closing fee is exhausted (Bybit's definition).
    bankruptcy: float | None
    if linear:
        bankruptcy = (qty * entry - s * margin) / (qty * (1 - s * fee_rate))
        sign = "-" if s > 0 else "+"
        steps.append(
            make_step(
                "Bankruptcy price",
                f"bankruptcy = (qty * entry {sign} margin) / (qty * (1 {sign} fee_rate))",
                rf"P_{{bk}} = \frac{{Q P_0 {sign} M}}{{Q (1 {sign} f)}}",
                f"({fmt(qty)} * {fmt(entry)} {sign} {fmt(margin)}) / ({fmt(qty)} * (1 {sign} {fmt(fee_rate)}))",
                bankruptcy,
                "quote",
            )
        )
        if bankruptcy <= 0:
            bankruptcy = None
    else:
        sign = "+" if s > 0 else "-"
        denominator = qty / entry + s * margin
        bankruptcy = qty * (1 + s * fee_rate) / denominator if denominator > 0 else None
        steps.append(
            make_step(
                "Bankruptcy price",
                f"bankruptcy = qty * (1 {sign} fee_rate) / (qty / entry {sign} margin)",
                rf"P_{{bk}} = \frac{{Q (1 {sign} f)}}{{Q/P_0 {sign} M}}",
                f"{fmt(qty)} * (1 {sign} {fmt(fee_rate)}) / ({fmt(qty)} / {fmt(entry)} {sign} {fmt(margin)})",
                bankruptcy,
                "quote",
            )
        )

    price: float | None
    if mm_basis == "mark" and linear:
        numerator = qty * entry - s * (margin + cum)
        denominator = qty * (1 - s * (mmr + fee_rate))
        price = numerator / denominator
        sign = "-" if s > 0 else "+"
        steps.append(
            make_step(
                "Liquidation price (maintenance margin at the liquidation price)",
                f"liquidation_price = (qty * entry {sign} margin {sign} maintenance_amount) / (qty * (1 {sign} mmr {sign} fee_rate))",
                rf"P_{{liq}} = \frac{{Q P_0 {sign} M {sign} cum}}{{Q (1 {sign} m {sign} f)}}",
                f"({fmt(qty)} * {fmt(entry)} {sign} {fmt(margin)} {sign} {fmt(cum)}) / ({fmt(qty)} * (1 {sign} {fmt(mmr)} {sign} {fmt(fee_rate)}))",
                price,
                "quote",
            )
        )
    elif mm_basis == "mark":
        sign = "+" if s > 0 else "-"
        numerator = qty * (1 + s * (mmr + fee_rate))
        denominator = margin + cum + qty / entry if s > 0 else qty / entry - margin - cum
        price = numerator / denominator if denominator > 0 else None
        steps.append(
            make_step(
                "Liquidation price (maintenance margin at the liquidation price, inverse)",
                (
                    "liquidation_price = qty * (1 + mmr + fee_rate) / (margin + maintenance_amount + qty / entry)"
                    if s > 0
                    else "liquidation_price = qty * (1 - mmr - fee_rate) / (qty / entry - margin - maintenance_amount)"
                ),
                (
                    r"P_{liq} = \frac{Q (1 + m + f)}{M + cum + Q/P_0}"
                    if s > 0
                    else r"P_{liq} = \frac{Q (1 - m - f)}{Q/P_0 - M - cum}"
                ),
                (
                    f"{fmt(qty)} * (1 + {fmt(mmr)} + {fmt(fee_rate)}) / ({fmt(margin)} + {fmt(cum)} + {fmt(qty)} / {fmt(entry)})"
                    if s > 0
                    else f"{fmt(qty)} * (1 - {fmt(mmr)} - {fmt(fee_rate)}) / ({fmt(qty)} / {fmt(entry)} - {fmt(margin)} - {fmt(cum)})"
                ),
                price,
                "quote",
            )
        )
    else:
        maintenance = (qty * entry * mmr - cum) if linear else (qty * mmr / entry - cum)
        steps.append(
            make_step(
                "Maintenance margin at entry",
                "maintenance = qty * entry * mmr - maintenance_amount"
                if linear
                else "maintenance = qty * mmr / entry - maintenance_amount",
                r"MM = Q P_0 m - cum" if linear else r"MM = \frac{Q m}{P_0} - cum",
                (
                    f"{fmt(qty)} * {fmt(entry)} * {fmt(mmr)} - {fmt(cum)}"
                    if linear
                    else f"{fmt(qty)} * {fmt(mmr)} / {fmt(entry)} - {fmt(cum)}"
                ),
                maintenance,
                money,
            )
        )
        if bankruptcy is None:
            fee_close = 0.0
        else:
            fee_close = qty * bankruptcy * fee_rate if linear else qty * fee_rate / bankruptcy
        steps.append(
            make_step(
                "Fee to close, reserved at the bankruptcy price",
                "fee_close = qty * bankruptcy * fee_rate" if linear else "fee_close = qty / bankruptcy * fee_rate",
                r"F = Q P_{bk} f" if linear else r"F = \frac{Q}{P_{bk}} f",
                (
                    f"{fmt(qty)} * {fmt(bankruptcy if bankruptcy is not None else 0.0)} * {fmt(fee_rate)}"
                    if linear
                    else f"{fmt(qty)} / {fmt(bankruptcy if bankruptcy is not None else math.inf)} * {fmt(fee_rate)}"
                ),
                fee_close,
                money,
            )
        )
        buffer = margin - maintenance - fee_close
        if linear:
            price = entry - s * buffer / qty
            sign = "-" if s > 0 else "+"
            steps.append(
                make_step(
                    "Liquidation price (maintenance margin at entry)",
                    f"liquidation_price = entry {sign} (margin - maintenance - fee_close) / qty",
                    rf"P_{{liq}} = P_0 {sign} \frac{{M - MM - F}}{{Q}}",
                    f"{fmt(entry)} {sign} ({fmt(margin)} - {fmt(maintenance)} - {fmt(fee_close)}) / {fmt(qty)}",
                    price,
                    "quote",
                )
            )
        else:
            sign = "+" if s > 0 else "-"
            denominator = qty / entry + s * buffer
            price = qty / denominator if denominator > 0 else None
            steps.append(
                make_step(
                    "Liquidation price (maintenance margin at entry, inverse)",
                    f"liquidation_price = qty / (qty / entry {sign} (margin - maintenance - fee_close))",
                    rf"P_{{liq}} = \frac{{Q}}{{Q/P_0 {sign} (M - MM - F)}}",
                    f"{fmt(qty)} / ({fmt(qty)} / {fmt(entry)} {sign} ({fmt(margin)} - {fmt(maintenance)} - {fmt(fee_close)}))",
                    price,
                    "quote",
                )
            )
    if price is not None and price <= 0:
        price = None  # a long whose margin covers a fall to zero is never liquidated
    return {"liquidation_price": price, "bankruptcy_price": bankruptcy, "initial_margin": margin}, tuple(steps)


def pnl(
    side: str, qty: float, entry: float, exit: float, contract: str, leverage: float | None, fee_rate: float
) -> tuple[dict[str, Any], tuple[Step, ...]]:
    """Profit and loss of a closed position, and return on the initial margin."""
    s = side_sign(side)
    steps: list[Step] = []
    if contract == "linear":
        gross = s * qty * (exit - entry)
        fees = fee_rate * qty * (entry + exit)
        money = "quote"
        steps.append(
            make_step(
                "Gross PnL",
                "gross = side * qty * (exit - entry)",
                r"\Pi = s Q (P_1 - P_0)",
                f"{s} * {fmt(qty)} * ({fmt(exit)} - {fmt(entry)})",
                gross,
                money,
            )
        )
        steps.append(
            make_step(
                "Fees (both legs)",
                "fees = fee_rate * qty * (entry + exit)",
                r"F = f Q (P_0 + P_1)",
                f"{fmt(fee_rate)} * {fmt(qty)} * ({fmt(entry)} + {fmt(exit)})",
                fees,
                money,
            )
        )
        margin = None if leverage is None else qty * entry / leverage
        margin_text = (
            "initial_margin = qty * entry / leverage",
            r"IM = \frac{Q P_0}{L}",
            f"{fmt(qty)} * {fmt(entry)} / {fmt(leverage) if leverage else ''}",
        )
    else:
        gross = s * qty * (1 / entry - 1 / exit)
        fees = fee_rate * qty * (1 / entry + 1 / exit)
        money = "coin"
        steps.append(
            make_step(
                "Gross PnL (coin)",
                "gross = side * qty * (1 / entry - 1 / exit)",
                r"\Pi = s Q \left(\frac{1}{P_0} - \frac{1}{P_1}\right)",
                f"{s} * {fmt(qty)} * (1 / {fmt(entry)} - 1 / {fmt(exit)})",
                gross,
                money,
            )
        )
        steps.append(
            make_step(
                "Fees (both legs, coin)",
                "fees = fee_rate * qty * (1 / entry + 1 / exit)",
                r"F = f Q \left(\frac{1}{P_0} + \frac{1}{P_1}\right)",
                f"{fmt(fee_rate)} * {fmt(qty)} * (1 / {fmt(entry)} + 1 / {fmt(exit)})",
                fees,
                money,
            )
        )
        margin = None if leverage is None else qty / (entry * leverage)
        margin_text = (
            "initial_margin = qty / (entry * leverage)",
            r"IM = \frac{Q}{P_0 L}",
            f"{fmt(qty)} / ({fmt(entry)} * {fmt(leverage) if leverage else ''})",
        )
    value = gross - fees
    steps.append(make_step("PnL", "pnl = gross - fees", r"PnL = \Pi - F", f"{fmt(gross)} - {fmt(fees)}", value, money))
    roe = None
    if margin is not None:
        steps.append(make_step("Initial margin", *margin_text, margin, money))
        roe = value / margin
        steps.append(
            make_step(
                "Return on equity",
                "roe = pnl / initial_margin",
                r"ROE = \frac{PnL}{IM}",
                f"{fmt(value)} / {fmt(margin)}",
                roe,
                "ratio",
            )
        )
    return {"pnl": value, "roe": roe}, tuple(steps)


def funding_payment(side: str, notional: float, rate: float) -> tuple[dict[str, Any], tuple[Step, ...]]:
    """Funding paid (positive) or received (negative); longs pay shorts when the rate is positive."""
    s = side_sign(side)
    value = s * notional * rate
    return {"payment": value}, (
        make_step(
            "Funding payment",
            "payment = side * notional * rate",
            r"F = s \cdot N \cdot r",
            f"{s} * {fmt(notional)} * {fmt(rate)}",
            value,
            "quote",
        ),
    )


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
        leverage_ratio,
        example={"notional": 20_000, "equity": 400},
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
        initial_margin,
        example={"qty": 1, "price": 20_000, "leverage": 50},
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
        maintenance_margin,
        example={"qty": 109.488, "price": 31_967.27, "mmr": 0.025, "maintenance_amount": 16_300},
    ),
    Calculator(
        "liquidation_price",
        "Liquidation price (isolated margin)",
        "Price at which an isolated position is liquidated; mark or entry basis, linear or inverse.",
        (
            SIDE,
            positive_param("entry", "quote", "entry price"),
            positive_param("qty", "base (linear) or USD (inverse)", "position size", 1.0),
            positive_param("leverage", "x", "leverage (give this or margin)", None),
            positive_param(
                "margin", "quote (linear) or coin (inverse)", "isolated margin (give this or leverage)", None
            ),
            rate_param("mmr", "maintenance margin rate"),
            Param(
                "maintenance_amount",
                "number",
                "quote (linear) or coin (inverse)",
                "tier's maintenance amount (Binance 'cum')",
                0.0,
                minimum=0,
            ),
            rate_param("fee_rate", "taker fee rate reserved for closing", 0.0),
            Param(
                "mm_basis",
                "choice",
                "",
                "mark: maintenance margin at the liquidation price (Binance/OKX); "
                "entry: at entry price, fee at bankruptcy price (Bybit classic/BitMEX)",
                "mark",
                ("mark", "entry"),
            ),
            CONTRACT,
        ),
        (
            Output("liquidation_price", "quote", "price at which the position is liquidated (null: never)"),
            Output("bankruptcy_price", "quote", "price at which the margin is exhausted (null: never)"),
            Output("initial_margin", "quote (linear) or coin (inverse)", "margin assigned to the position"),
        ),
        (
            "Binance, 'How to Calculate Liquidation Price of USDⓈ-M Contracts' (mark basis, maintenance amount)",
            "Binance, 'How to Calculate Liquidation Price of COIN-M Contracts' (inverse, mark basis)",
            "Bybit Help Center, 'Liquidation Price (USDT Contract)' (entry basis)",
            "Bybit Help Center, 'How to calculate Liquidation Price (Inverse Contract)' (entry basis, fee at "
            "bankruptcy price)",
            "freqtrade test suite: tests/exchange/test_exchange.py, tests/test_freqtradebot.py (Binance, Gate, OKX, Bybit)",
        ),
        liquidation_price,
        example={"side": "long", "entry": 50_000, "qty": 1, "leverage": 10, "mmr": 0.005},
    ),
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
            Output("roe", "ratio", "pnl / initial margin (null without leverage)"),
        ),
        (
            "Bybit Help Center, 'Perpetual Contracts Quotes' and 'Profit & Loss calculations (Inverse Contracts)'",
            "BitMEX, 'Perpetual Contracts Guide Examples'",
        ),
        pnl,
        example={"side": "long", "qty": 15_000, "entry": 750, "exit": 800, "contract": "inverse"},
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
        funding_payment,
        example={"side": "long", "notional": 20, "rate": 0.0025},
    ),
)
