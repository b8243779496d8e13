"""Named leverage calculators: pure functions with documented inputs, outputs and units.

Worked examples (`calculator:` in an entry), the /calculators/ page and `glossary calc`
all go through `run(name, inputs)`, so validation and the step-by-step derivation are the
same everywhere. Every calculator returns its outputs plus the `Step`s that derive them,
each with the formula, the numbers substituted into it, and the unit of the result.
Money is in the quote currency (USD/USDT) unless a step says otherwise; rates are
fractions (0.005 = 0.5%).
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from generator.calc.parse import format_number as fmt
from generator.calc.parse import norm_pdf, norm_ppf
from generator.suggest import did_you_mean_clause


class CalculatorError(ValueError):
    """Bad calculator input; the message names the input and what is allowed."""


class _Required:
    """Sentinel default for inputs that must be given."""

    def __repr__(self) -> str:
        return "REQUIRED"


REQUIRED: Any = _Required()

ParamKind = Literal["number", "integer", "choice", "list", "number_or_list"]


@dataclass(frozen=True)
class Param:
    """One input: its kind, unit, meaning, default (REQUIRED or a value; None = optional)
    and the range it must lie in, so errors and docs say the same thing."""

    name: str
    kind: ParamKind
    unit: str
    description: str
    default: Any = REQUIRED
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: bool = False
    exclusive_maximum: bool = False

    @property
    def required(self) -> bool:
        return self.default is REQUIRED

    @property
    def allowed(self) -> str:
        """The allowed values in words, e.g. '> 0' or 'one of long, short'."""
        if self.kind == "choice":
            return "one of " + ", ".join(self.choices)
        parts = []
        if self.minimum is not None:
            parts.append(f"{'>' if self.exclusive_minimum else '>='} {fmt(self.minimum)}")
        if self.maximum is not None:
            parts.append(f"{'<' if self.exclusive_maximum else '<='} {fmt(self.maximum)}")
        what = {
            "number": "a number",
            "integer": "a whole number",
            "list": "a list of numbers",
            "number_or_list": "a number or a list of numbers",
        }[self.kind]
        return what + (" " + " and ".join(parts) if parts else "")


@dataclass(frozen=True)
class Output:
    name: str
    unit: str
    description: str


@dataclass(frozen=True)
class Step:
    """One line of a derivation: the formula, the same with numbers, and the result."""

    label: str
    formula: str
    latex: str
    substituted: str
    value: Any
    unit: str


@dataclass(frozen=True)
class CalcResult:
    calculator: str
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    steps: tuple[Step, ...]

    def to_json(self) -> dict[str, Any]:
        """Plain JSON-ready data: `{"calculator", "inputs", "outputs", "steps": [...]}`."""
        return {
            "calculator": self.calculator,
            "inputs": dict(self.inputs),
            "outputs": dict(self.outputs),
            "steps": [asdict(step) for step in self.steps],
        }


CalcFunction = Callable[..., tuple[dict[str, Any], tuple[Step, ...]]]


@dataclass(frozen=True)
class Calculator:
    name: str
    title: str
    summary: str
    params: tuple[Param, ...]
    outputs: tuple[Output, ...]
    references: tuple[str, ...]
    func: CalcFunction = field(repr=False, compare=False)
    # Inputs for a demonstration run (the /calculators/ page); taken from a published example.
    example: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def description(self) -> str:
        """The model in words (the calculator function's docstring), for the /calculators/ page."""
        return inspect.getdoc(self.func) or self.summary

    def param(self, name: str) -> Param:
        for param in self.params:
            if param.name == name:
                return param
        raise KeyError(name)


# --- helpers -----------------------------------------------------------------------------

def _sign(side: str) -> int:
    return 1 if side == "long" else -1


def _step(label: str, formula: str, latex: str, substituted: str, value: Any, unit: str) -> Step:
    return Step(label=label, formula=formula, latex=latex, substituted=substituted, value=value, unit=unit)


def _given(name: str, value: Any, unit: str) -> Step:
    return _step(f"Given {name}", name, name, fmt(value) if isinstance(value, (int, float)) else str(value), value, unit)


# --- calculators -------------------------------------------------------------------------

def leverage_ratio(notional: float, equity: float) -> tuple[dict[str, Any], tuple[Step, ...]]:
    """Leverage as exposure over own capital."""
    value = notional / equity
    return {"leverage": value}, (
        _step("Leverage", "leverage = notional / equity", r"L = \frac{N}{E}",
              f"{fmt(notional)} / {fmt(equity)}", value, "x"),
    )


def initial_margin(qty: float, price: float, leverage: float, contract: str) -> tuple[dict[str, Any], tuple[Step, ...]]:
    """Margin to open: notional / leverage (inverse contracts: notional in coin)."""
    if contract == "linear":
        notional = qty * price
        margin = notional / leverage
        steps = (
            _step("Notional", "notional = qty * price", r"N = Q \cdot P", f"{fmt(qty)} * {fmt(price)}", notional, "quote"),
            _step("Initial margin", "initial_margin = notional / leverage", r"IM = \frac{N}{L}",
                  f"{fmt(notional)} / {fmt(leverage)}", margin, "quote"),
        )
    else:
        notional = qty / price
        margin = notional / leverage
        steps = (
            _step("Notional in coin", "notional = qty / price", r"N = \frac{Q}{P}", f"{fmt(qty)} / {fmt(price)}", notional, "coin"),
            _step("Initial margin", "initial_margin = notional / leverage", r"IM = \frac{N}{L}",
                  f"{fmt(notional)} / {fmt(leverage)}", margin, "coin"),
        )
    return {"initial_margin": margin}, steps


def maintenance_margin(qty: float, price: float, mmr: float, maintenance_amount: float) -> tuple[dict[str, Any], tuple[Step, ...]]:
    """Binance-style maintenance margin: notional x rate minus the tier's maintenance amount."""
    notional = qty * price
    value = notional * mmr - maintenance_amount
    return {"maintenance_margin": value}, (
        _step("Notional", "notional = qty * price", r"N = Q \cdot P", f"{fmt(qty)} * {fmt(price)}", notional, "quote"),
        _step("Maintenance margin", "maintenance_margin = notional * mmr - maintenance_amount",
              r"MM = N \cdot m - cum", f"{fmt(notional)} * {fmt(mmr)} - {fmt(maintenance_amount)}", value, "quote"),
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
    s = _sign(side)
    cum = maintenance_amount
    steps: list[Step] = []
    linear = contract == "linear"
    money = "quote" if linear else "coin"
    if margin is None:
        assert leverage is not None
        margin = qty * entry / leverage if linear else qty / (entry * leverage)
        steps.append(_step(
            "Initial margin",
            "margin = qty * entry / leverage" if linear else "margin = qty / (entry * leverage)",
            r"M = \frac{Q P_0}{L}" if linear else r"M = \frac{Q}{P_0 L}",
            f"{fmt(qty)} * {fmt(entry)} / {fmt(leverage)}" if linear else f"{fmt(qty)} / ({fmt(entry)} * {fmt(leverage)})",
            margin, money))
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
        steps.append(_step(
            "Bankruptcy price", f"bankruptcy = (qty * entry {sign} margin) / (qty * (1 {sign} fee_rate))",
            rf"P_{{bk}} = \frac{{Q P_0 {sign} M}}{{Q (1 {sign} f)}}",
            f"({fmt(qty)} * {fmt(entry)} {sign} {fmt(margin)}) / ({fmt(qty)} * (1 {sign} {fmt(fee_rate)}))",
            bankruptcy, "quote"))
        if bankruptcy <= 0:
            bankruptcy = None
    else:
        sign = "+" if s > 0 else "-"
        denominator = qty / entry + s * margin
        bankruptcy = qty * (1 + s * fee_rate) / denominator if denominator > 0 else None
        steps.append(_step(
            "Bankruptcy price", f"bankruptcy = qty * (1 {sign} fee_rate) / (qty / entry {sign} margin)",
            rf"P_{{bk}} = \frac{{Q (1 {sign} f)}}{{Q/P_0 {sign} M}}",
            f"{fmt(qty)} * (1 {sign} {fmt(fee_rate)}) / ({fmt(qty)} / {fmt(entry)} {sign} {fmt(margin)})",
            bankruptcy, "quote"))

    price: float | None
    if mm_basis == "mark" and linear:
        numerator = qty * entry - s * (margin + cum)
        denominator = qty * (1 - s * (mmr + fee_rate))
        price = numerator / denominator
        sign = "-" if s > 0 else "+"
        steps.append(_step(
            "Liquidation price (maintenance margin at the liquidation price)",
            f"liquidation_price = (qty * entry {sign} margin {sign} maintenance_amount) / (qty * (1 {sign} mmr {sign} fee_rate))",
            rf"P_{{liq}} = \frac{{Q P_0 {sign} M {sign} cum}}{{Q (1 {sign} m {sign} f)}}",
            f"({fmt(qty)} * {fmt(entry)} {sign} {fmt(margin)} {sign} {fmt(cum)}) / ({fmt(qty)} * (1 {sign} {fmt(mmr)} {sign} {fmt(fee_rate)}))",
            price, "quote"))
    elif mm_basis == "mark":
        sign = "+" if s > 0 else "-"
        numerator = qty * (1 + s * (mmr + fee_rate))
        denominator = margin + cum + qty / entry if s > 0 else qty / entry - margin - cum
        price = numerator / denominator if denominator > 0 else None
        steps.append(_step(
            "Liquidation price (maintenance margin at the liquidation price, inverse)",
            ("liquidation_price = qty * (1 + mmr + fee_rate) / (margin + maintenance_amount + qty / entry)" if s > 0 else
             "liquidation_price = qty * (1 - mmr - fee_rate) / (qty / entry - margin - maintenance_amount)"),
            (r"P_{liq} = \frac{Q (1 + m + f)}{M + cum + Q/P_0}" if s > 0 else
             r"P_{liq} = \frac{Q (1 - m - f)}{Q/P_0 - M - cum}"),
            (f"{fmt(qty)} * (1 + {fmt(mmr)} + {fmt(fee_rate)}) / ({fmt(margin)} + {fmt(cum)} + {fmt(qty)} / {fmt(entry)})" if s > 0 else
             f"{fmt(qty)} * (1 - {fmt(mmr)} - {fmt(fee_rate)}) / ({fmt(qty)} / {fmt(entry)} - {fmt(margin)} - {fmt(cum)})"),
            price, "quote"))
    else:
        maintenance = (qty * entry * mmr - cum) if linear else (qty * mmr / entry - cum)
        steps.append(_step(
            "Maintenance margin at entry",
            "maintenance = qty * entry * mmr - maintenance_amount" if linear else "maintenance = qty * mmr / entry - maintenance_amount",
            r"MM = Q P_0 m - cum" if linear else r"MM = \frac{Q m}{P_0} - cum",
            (f"{fmt(qty)} * {fmt(entry)} * {fmt(mmr)} - {fmt(cum)}" if linear else
             f"{fmt(qty)} * {fmt(mmr)} / {fmt(entry)} - {fmt(cum)}"),
            maintenance, money))
        if bankruptcy is None:
            fee_close = 0.0
        else:
            fee_close = qty * bankruptcy * fee_rate if linear else qty * fee_rate / bankruptcy
        steps.append(_step(
            "Fee to close, reserved at the bankruptcy price",
            "fee_close = qty * bankruptcy * fee_rate" if linear else "fee_close = qty / bankruptcy * fee_rate",
            r"F = Q P_{bk} f" if linear else r"F = \frac{Q}{P_{bk}} f",
            (f"{fmt(qty)} * {fmt(bankruptcy if bankruptcy is not None else 0.0)} * {fmt(fee_rate)}" if linear else
             f"{fmt(qty)} / {fmt(bankruptcy if bankruptcy is not None else math.inf)} * {fmt(fee_rate)}"),
            fee_close, money))
        buffer = margin - maintenance - fee_close
        if linear:
            price = entry - s * buffer / qty
            sign = "-" if s > 0 else "+"
            steps.append(_step(
                "Liquidation price (maintenance margin at entry)",
                f"liquidation_price = entry {sign} (margin - maintenance - fee_close) / qty",
                rf"P_{{liq}} = P_0 {sign} \frac{{M - MM - F}}{{Q}}",
                f"{fmt(entry)} {sign} ({fmt(margin)} - {fmt(maintenance)} - {fmt(fee_close)}) / {fmt(qty)}",
                price, "quote"))
        else:
            sign = "+" if s > 0 else "-"
            denominator = qty / entry + s * buffer
            price = qty / denominator if denominator > 0 else None
            steps.append(_step(
                "Liquidation price (maintenance margin at entry, inverse)",
                f"liquidation_price = qty / (qty / entry {sign} (margin - maintenance - fee_close))",
                rf"P_{{liq}} = \frac{{Q}}{{Q/P_0 {sign} (M - MM - F)}}",
                f"{fmt(qty)} / ({fmt(qty)} / {fmt(entry)} {sign} ({fmt(margin)} - {fmt(maintenance)} - {fmt(fee_close)}))",
                price, "quote"))
    if price is not None and price <= 0:
        price = None  # a long whose margin covers a fall to zero is never liquidated
    return {"liquidation_price": price, "bankruptcy_price": bankruptcy, "initial_margin": margin}, tuple(steps)


def pnl(side: str, qty: float, entry: float, exit: float, contract: str, leverage: float | None,
        fee_rate: float) -> tuple[dict[str, Any], tuple[Step, ...]]:
    """Profit and loss of a closed position, and return on the initial margin."""
    s = _sign(side)
    steps: list[Step] = []
    if contract == "linear":
        gross = s * qty * (exit - entry)
        fees = fee_rate * qty * (entry + exit)
        money = "quote"
        steps.append(_step("Gross PnL", "gross = side * qty * (exit - entry)", r"\Pi = s Q (P_1 - P_0)",
                           f"{s} * {fmt(qty)} * ({fmt(exit)} - {fmt(entry)})", gross, money))
        steps.append(_step("Fees (both legs)", "fees = fee_rate * qty * (entry + exit)", r"F = f Q (P_0 + P_1)",
                           f"{fmt(fee_rate)} * {fmt(qty)} * ({fmt(entry)} + {fmt(exit)})", fees, money))
        margin = None if leverage is None else qty * entry / leverage
        margin_text = ("initial_margin = qty * entry / leverage", r"IM = \frac{Q P_0}{L}",
                       f"{fmt(qty)} * {fmt(entry)} / {fmt(leverage) if leverage else ''}")
    else:
        gross = s * qty * (1 / entry - 1 / exit)
        fees = fee_rate * qty * (1 / entry + 1 / exit)
        money = "coin"
        steps.append(_step("Gross PnL (coin)", "gross = side * qty * (1 / entry - 1 / exit)",
                           r"\Pi = s Q \left(\frac{1}{P_0} - \frac{1}{P_1}\right)",
                           f"{s} * {fmt(qty)} * (1 / {fmt(entry)} - 1 / {fmt(exit)})", gross, money))
        steps.append(_step("Fees (both legs, coin)", "fees = fee_rate * qty * (1 / entry + 1 / exit)",
                           r"F = f Q \left(\frac{1}{P_0} + \frac{1}{P_1}\right)",
                           f"{fmt(fee_rate)} * {fmt(qty)} * (1 / {fmt(entry)} + 1 / {fmt(exit)})", fees, money))
        margin = None if leverage is None else qty / (entry * leverage)
        margin_text = ("initial_margin = qty / (entry * leverage)", r"IM = \frac{Q}{P_0 L}",
                       f"{fmt(qty)} / ({fmt(entry)} * {fmt(leverage) if leverage else ''})")
    value = gross - fees
    steps.append(_step("PnL", "pnl = gross - fees", r"PnL = \Pi - F", f"{fmt(gross)} - {fmt(fees)}", value, money))
    roe = None
    if margin is not None:
        steps.append(_step("Initial margin", *margin_text, margin, money))
        roe = value / margin
        steps.append(_step("Return on equity", "roe = pnl / initial_margin", r"ROE = \frac{PnL}{IM}",
                           f"{fmt(value)} / {fmt(margin)}", roe, "ratio"))
    return {"pnl": value, "roe": roe}, tuple(steps)


def funding_payment(side: str, notional: float, rate: float) -> tuple[dict[str, Any], tuple[Step, ...]]:
    """Funding paid (positive) or received (negative); longs pay shorts when the rate is positive."""
    s = _sign(side)
    value = s * notional * rate
    return {"payment": value}, (
        _step("Funding payment", "payment = side * notional * rate", r"F = s \cdot N \cdot r",
              f"{s} * {fmt(notional)} * {fmt(rate)}", value, "quote"),
    )


def loop_leverage(initial_collateral: float, ltv: float, loops: int) -> tuple[dict[str, Any], tuple[Step, ...]]:
    """Deposit, borrow ltv of it, redeposit, `loops` times: a geometric series toward 1/(1-ltv)."""
    c = initial_collateral
    position = c * (1 - ltv ** (loops + 1)) / (1 - ltv)
    borrowed = position - c
    lev = position / c
    max_lev = 1 / (1 - ltv)
    return {"position": position, "borrowed": borrowed, "leverage": lev, "max_leverage": max_lev}, (
        _step("Total collateral position", "position = initial_collateral * (1 - ltv ** (loops + 1)) / (1 - ltv)",
              r"X_n = C \frac{1 - \lambda^{n+1}}{1 - \lambda}",
              f"{fmt(c)} * (1 - {fmt(ltv)} ** ({loops} + 1)) / (1 - {fmt(ltv)})", position, "quote"),
        _step("Borrowed", "borrowed = position - initial_collateral", r"D_n = X_n - C",
              f"{fmt(position)} - {fmt(c)}", borrowed, "quote"),
        _step("Leverage", "leverage = position / initial_collateral", r"L_n = \frac{X_n}{C}",
              f"{fmt(position)} / {fmt(c)}", lev, "x"),
        _step("Limit with endless loops", "max_leverage = 1 / (1 - ltv)", r"L_\infty = \frac{1}{1 - \lambda}",
              f"1 / (1 - {fmt(ltv)})", max_lev, "x"),
    )


def _as_list(value: float | list[float]) -> list[float]:
    return list(value) if isinstance(value, list) else [value]


def health_factor(collateral: float | list[float], liquidation_threshold: float | list[float],
                  debt: float) -> tuple[dict[str, Any], tuple[Step, ...]]:
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
        _step("Threshold-weighted collateral", "weighted = sum(collateral_i * liquidation_threshold_i)",
              r"W = \sum_i C_i \cdot LT_i", terms, weighted, "quote"),
        _step("Health factor", "health_factor = weighted / debt", r"HF = \frac{W}{D}",
              f"{fmt(weighted)} / {fmt(debt)}", hf, "ratio"),
        _step("Liquidatable", "liquidatable = health_factor < 1", r"HF < 1", f"{fmt(hf)} < 1", hf < 1, ""),
    )


def leveraged_etf_path(leverage: float, index_returns: list[float], start: float) -> tuple[dict[str, Any], tuple[Step, ...]]:
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
        steps.append(_step(
            f"Period {period}", "fund = fund * (1 + leverage * r); index = index * (1 + r)",
            r"V_t = V_{t-1}(1 + L r_t),\; I_t = I_{t-1}(1 + r_t)",
            f"{fmt(fund)} * (1 + {fmt(leverage)} * {fmt(r)}); {fmt(index)} * (1 + {fmt(r)})",
            {"fund": new_fund, "index": new_index}, "quote"))
        fund, index = new_fund, new_index
        fund_path.append(fund)
        index_path.append(index)
    fund_return = fund / start - 1
    index_return = index / start - 1
    steps.append(_step("Fund return", "fund_return = final_fund / start - 1", r"R_V = \frac{V_T}{V_0} - 1",
                       f"{fmt(fund)} / {fmt(start)} - 1", fund_return, "ratio"))
    steps.append(_step("Index return", "index_return = final_index / start - 1", r"R_I = \frac{I_T}{I_0} - 1",
                       f"{fmt(index)} / {fmt(start)} - 1", index_return, "ratio"))
    steps.append(_step("Leverage times the index return", "naive = leverage * index_return", r"L \cdot R_I",
                       f"{fmt(leverage)} * {fmt(index_return)}", leverage * index_return, "ratio"))
    return {
        "final_fund": fund, "final_index": index, "fund_return": fund_return, "index_return": index_return,
        "fund_path": fund_path, "index_path": index_path,
    }, tuple(steps)


def var_es_normal(position: float, daily_vol: float, confidence: float,
                  horizon_days: float) -> tuple[dict[str, Any], tuple[Step, ...]]:
    """Parametric (normal, zero-mean) VaR and expected shortfall, scaled by sqrt(horizon)."""
    sigma = position * daily_vol * math.sqrt(horizon_days)
    z = norm_ppf(confidence)
    var = sigma * z
    es = sigma * norm_pdf(z) / (1 - confidence)
    return {"var": var, "es": es}, (
        _step("Standard deviation over the horizon", "sigma = position * daily_vol * sqrt(horizon_days)",
              r"\sigma_h = V \sigma \sqrt{h}", f"{fmt(position)} * {fmt(daily_vol)} * sqrt({fmt(horizon_days)})", sigma, "quote"),
        _step("Normal quantile", "z = ppf(confidence)", r"z = N^{-1}(c)", f"ppf({fmt(confidence)})", z, ""),
        _step("Value at risk", "var = sigma * z", r"VaR = \sigma_h z", f"{fmt(sigma)} * {fmt(z)}", var, "quote"),
        _step("Expected shortfall", "es = sigma * pdf(z) / (1 - confidence)", r"ES = \sigma_h \frac{\varphi(z)}{1 - c}",
              f"{fmt(sigma)} * pdf({fmt(z)}) / (1 - {fmt(confidence)})", es, "quote"),
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
        _step("Tail size", "k = floor(n * (1 - confidence)), at least 1", r"k = \lfloor n (1 - c) \rfloor",
              f"floor({n} * (1 - {fmt(confidence)}))", k, "scenarios"),
        _step("Value at risk", "var = k-th worst loss", r"VaR = L_{(k)}", f"loss #{k} of {n}, worst first", var, "quote"),
        _step("Expected shortfall", "es = mean of the k worst losses", r"ES = \frac{1}{k}\sum_{i \le k} L_{(i)}",
              "(" + " + ".join(fmt(x) for x in tail) + f") / {k}", es, "quote"),
    )


def kelly_leverage(mean_return: float, risk_free: float, volatility: float) -> tuple[dict[str, Any], tuple[Step, ...]]:
    """Continuous-time Kelly (Merton) leverage and the growth rate it earns."""
    excess = mean_return - risk_free
    f = excess / volatility**2
    growth = risk_free + excess**2 / (2 * volatility**2)
    sharpe = excess / volatility
    return {"kelly_leverage": f, "growth": growth, "sharpe": sharpe}, (
        _step("Kelly leverage", "kelly_leverage = (mean_return - risk_free) / volatility ** 2",
              r"f^* = \frac{\mu - r}{\sigma^2}", f"({fmt(mean_return)} - {fmt(risk_free)}) / {fmt(volatility)} ** 2", f, "x"),
        _step("Growth rate at f*", "growth = risk_free + (mean_return - risk_free) ** 2 / (2 * volatility ** 2)",
              r"g^* = r + \frac{(\mu - r)^2}{2\sigma^2}",
              f"{fmt(risk_free)} + ({fmt(mean_return)} - {fmt(risk_free)}) ** 2 / (2 * {fmt(volatility)} ** 2)", growth, "per year"),
        _step("Sharpe ratio", "sharpe = (mean_return - risk_free) / volatility", r"S = \frac{\mu - r}{\sigma}",
              f"({fmt(mean_return)} - {fmt(risk_free)}) / {fmt(volatility)}", sharpe, "ratio"),
    )


def basel_leverage_ratio(tier1_capital: float, exposure: float, minimum: float) -> tuple[dict[str, Any], tuple[Step, ...]]:
    """Basel III leverage ratio: Tier 1 capital over the exposure measure (minimum 3%)."""
    ratio = tier1_capital / exposure
    meets = ratio >= minimum
    return {"leverage_ratio": ratio, "meets_minimum": meets}, (
        _step("Leverage ratio", "leverage_ratio = tier1_capital / exposure", r"LR = \frac{T1}{E}",
              f"{fmt(tier1_capital)} / {fmt(exposure)}", ratio, "ratio"),
        _step("Meets the minimum", "meets_minimum = leverage_ratio >= minimum", r"LR \ge LR_{min}",
              f"{fmt(ratio)} >= {fmt(minimum)}", meets, ""),
    )


def liquidation_cascade(price: float, initial_shock: float, depth: float, liquidation_prices: list[float],
                        notionals: list[float], side: str, max_rounds: int) -> tuple[dict[str, Any], tuple[Step, ...]]:
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
    s = _sign(side)
    impact = 0.01 * price / depth
    current = price * (1 - s * initial_shock)
    rounds: list[dict[str, Any]] = [{"round": 0, "price": current, "liquidated_notional": 0.0}]
    steps: list[Step] = [
        _step("Round 0: initial shock", f"price_0 = price * (1 {'-' if s > 0 else '+'} initial_shock)",
              rf"P_0 = P (1 {'-' if s > 0 else '+'} s)", f"{fmt(price)} * (1 {'-' if s > 0 else '+'} {fmt(initial_shock)})",
              current, "quote"),
        _step("Price impact per unit sold", "lambda = 0.01 * price / depth", r"\lambda = \frac{0.01 P}{D}",
              f"0.01 * {fmt(price)} / {fmt(depth)}", impact, "quote per quote notional"),
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
        steps.append(_step(
            f"Round {number}: {len(hit)} position(s) liquidated",
            f"price_{number} = price_{number - 1} {'-' if s > 0 else '+'} lambda * liquidated",
            rf"P_{{{number}}} = P_{{{number - 1}}} {'-' if s > 0 else '+'} \lambda V_{{{number}}}",
            f"{fmt(previous)} {'-' if s > 0 else '+'} {fmt(impact)} * {fmt(volume)}", current, "quote"))
    steps.append(_step("Total liquidated", "total_liquidated = sum of liquidated notional", r"\sum_k V_k",
                       " + ".join(fmt(r["liquidated_notional"]) for r in rounds[1:]) or "0", total, "quote"))
    return {"rounds": rounds, "final_price": current, "total_liquidated": total}, tuple(steps)


# --- registry ----------------------------------------------------------------------------

SIDE = Param("side", "choice", "", "position direction", choices=("long", "short"))
CONTRACT = Param("contract", "choice", "", "linear (margined in quote) or inverse (coin-margined, qty in USD)",
                 default="linear", choices=("linear", "inverse"))


def _positive(name: str, unit: str, description: str, default: Any = REQUIRED) -> Param:
    return Param(name, "number", unit, description, default, minimum=0, exclusive_minimum=True)


def _rate(name: str, description: str, default: Any = REQUIRED) -> Param:
    return Param(name, "number", "ratio", description, default, minimum=0, maximum=1, exclusive_maximum=True)


CALCULATORS: dict[str, Calculator] = {c.name: c for c in (
    Calculator(
        "leverage_ratio", "Leverage ratio", "Exposure divided by equity.",
        (Param("notional", "number", "quote", "position notional (exposure)", minimum=0),
         _positive("equity", "quote", "own capital (margin or equity)")),
        (Output("leverage", "x", "notional / equity"),),
        ("Bybit Help Center, 'Liquidation Price (USDT Contract)', Example 1 (20,000 USDT at 50x on 400 USDT)",
         "Webull Learn, 'How does Leverage Impact Risk and Investment Returns' (2X Bull Fund)"),
        leverage_ratio,
        example={"notional": 20_000, "equity": 400}),
    Calculator(
        "initial_margin", "Initial margin", "Margin needed to open a position at a given leverage.",
        (_positive("qty", "base (linear) or USD (inverse)", "position size: coins for linear, USD contracts for inverse"),
         _positive("price", "quote", "entry price"),
         _positive("leverage", "x", "leverage"),
         CONTRACT),
        (Output("initial_margin", "quote (linear) or coin (inverse)", "notional / leverage"),),
        ("Bybit Help Center, 'Liquidation Price (USDT Contract)', Example 1",
         "Bybit Help Center, 'Liquidation Price Calculation under Isolated Mode (Unified Trading Account)'"),
        initial_margin,
        example={"qty": 1, "price": 20_000, "leverage": 50}),
    Calculator(
        "maintenance_margin", "Maintenance margin", "Margin a position must keep: notional x rate - maintenance amount.",
        (_positive("qty", "base", "position size"),
         _positive("price", "quote", "mark price"),
         _rate("mmr", "maintenance margin rate of the position's tier"),
         Param("maintenance_amount", "number", "quote", "tier's maintenance amount (Binance 'cum')", 0.0, minimum=0)),
        (Output("maintenance_margin", "quote", "qty * price * mmr - maintenance_amount"),),
        ("Binance Futures trading rules: Maintenance Margin = Notional x Maintenance Margin Rate - Maintenance Amount",
         "Bybit Help Center, 'Liquidation Price (USDT Contract)', Example 1",
         "freqtrade test suite, tests/exchange/test_exchange.py::test_liquidation_price_binance"),
        maintenance_margin,
        example={"qty": 109.488, "price": 31_967.27, "mmr": 0.025, "maintenance_amount": 16_300}),
    Calculator(
        "liquidation_price", "Liquidation price (isolated margin)",
        "Price at which an isolated position is liquidated; mark or entry basis, linear or inverse.",
        (SIDE,
         _positive("entry", "quote", "entry price"),
         _positive("qty", "base (linear) or USD (inverse)", "position size", 1.0),
         _positive("leverage", "x", "leverage (give this or margin)", None),
         _positive("margin", "quote (linear) or coin (inverse)", "isolated margin (give this or leverage)", None),
         _rate("mmr", "maintenance margin rate"),
         Param("maintenance_amount", "number", "quote (linear) or coin (inverse)",
               "tier's maintenance amount (Binance 'cum')", 0.0, minimum=0),
         _rate("fee_rate", "taker fee rate reserved for closing", 0.0),
         Param("mm_basis", "choice", "", "mark: maintenance margin at the liquidation price (Binance/OKX); "
               "entry: at entry price, fee at bankruptcy price (Bybit classic/BitMEX)", "mark", ("mark", "entry")),
         CONTRACT),
        (Output("liquidation_price", "quote", "price at which the position is liquidated (null: never)"),
         Output("bankruptcy_price", "quote", "price at which the margin is exhausted (null: never)"),
         Output("initial_margin", "quote (linear) or coin (inverse)", "margin assigned to the position")),
        ("Binance, 'How to Calculate Liquidation Price of USDⓈ-M Contracts' (mark basis, maintenance amount)",
         "Binance, 'How to Calculate Liquidation Price of COIN-M Contracts' (inverse, mark basis)",
         "Bybit Help Center, 'Liquidation Price (USDT Contract)' (entry basis)",
         "Bybit Help Center, 'How to calculate Liquidation Price (Inverse Contract)' (entry basis, fee at "
         "bankruptcy price)",
         "freqtrade test suite: tests/exchange/test_exchange.py, tests/test_freqtradebot.py (Binance, Gate, OKX, Bybit)"),
        liquidation_price,
        example={"side": "long", "entry": 50_000, "qty": 1, "leverage": 10, "mmr": 0.005}),
    Calculator(
        "pnl", "Profit and loss", "PnL of a closed position (linear in quote, inverse in coin) and ROE on margin.",
        (SIDE,
         _positive("qty", "base (linear) or USD (inverse)", "position size"),
         _positive("entry", "quote", "entry price"),
         _positive("exit", "quote", "exit price"),
         CONTRACT,
         _positive("leverage", "x", "leverage, for the return on margin", None),
         _rate("fee_rate", "fee rate charged on both legs", 0.0)),
        (Output("pnl", "quote (linear) or coin (inverse)", "net profit and loss"),
         Output("roe", "ratio", "pnl / initial margin (null without leverage)")),
        ("Bybit Help Center, 'Perpetual Contracts Quotes' and 'Profit & Loss calculations (Inverse Contracts)'",
         "BitMEX, 'Perpetual Contracts Guide Examples'"),
        pnl,
        example={"side": "long", "qty": 15_000, "entry": 750, "exit": 800, "contract": "inverse"}),
    Calculator(
        "funding_payment", "Funding payment", "Perpetual funding: positive means the position pays.",
        (SIDE,
         Param("notional", "number", "quote", "position value at mark price", minimum=0),
         Param("rate", "number", "ratio", "funding rate for the interval", minimum=-1, maximum=1)),
        (Output("payment", "quote", "side * notional * rate (positive = pays)"),),
        ("BitMEX, 'Perpetual Contracts Guide Examples' (Funding Amount = Mark Value x Funding Rate)",
         "Kraken Support, 'Inverse Crypto-Collateral Perpetual Contract Specifications'"),
        funding_payment,
        example={"side": "long", "notional": 20, "rate": 0.0025}),
    Calculator(
        "loop_leverage", "Looped (recursive) lending leverage",
        "Deposit, borrow at the LTV, redeposit: exposure after n loops and its 1/(1-ltv) limit.",
        (_positive("initial_collateral", "quote", "first deposit"),
         Param("ltv", "number", "ratio", "loan-to-value used on each loop", minimum=0, maximum=1, exclusive_maximum=True),
         Param("loops", "integer", "", "number of borrow-and-redeposit loops (0 = plain deposit)", minimum=0, maximum=1000)),
        (Output("position", "quote", "total collateral deposited"),
         Output("borrowed", "quote", "total debt"),
         Output("leverage", "x", "position / initial collateral"),
         Output("max_leverage", "x", "1 / (1 - ltv), the limit as loops grow")),
        ("Reaper Farm docs, 'LTV Looping'", "Index Zoo docs, '3x Leverage Token Using Debt'"),
        loop_leverage,
        example={"initial_collateral": 10_000, "ltv": 0.75, "loops": 3}),
    Calculator(
        "health_factor", "Health factor", "Aave-style: sum(collateral x liquidation threshold) / debt.",
        (Param("collateral", "number_or_list", "quote", "collateral value(s)", minimum=0),
         Param("liquidation_threshold", "number_or_list", "ratio", "liquidation threshold(s), one per asset or one for all",
               minimum=0, maximum=1),
         _positive("debt", "quote", "total borrowed value")),
        (Output("health_factor", "ratio", "weighted collateral / debt"),
         Output("liquidatable", "", "true when the health factor is below 1")),
        ("Aave Help Center, 'Liquidations' (health factor)", "Aave V3 technical paper"),
        health_factor,
        example={"collateral": 10_000, "liquidation_threshold": 0.8, "debt": 6_000}),
    Calculator(
        "leveraged_etf_path", "Leveraged ETF path", "A daily-reset leveraged fund against its index, period by period.",
        (Param("leverage", "number", "x", "daily leverage multiple (negative for inverse funds)", minimum=-10, maximum=10),
         Param("index_returns", "list", "ratio", "index return for each period", minimum=-1),
         _positive("start", "quote", "starting value of fund and index", 100.0)),
        (Output("final_fund", "quote", "fund value at the end"),
         Output("final_index", "quote", "index value at the end"),
         Output("fund_return", "ratio", "fund's total return"),
         Output("index_return", "ratio", "index's total return"),
         Output("fund_path", "quote", "fund value after each period, start first"),
         Output("index_path", "quote", "index value after each period, start first")),
        ("Nasdaq Listing Center FAQ 1539, 'Are there additional risks associated with investing in Leveraged "
         "and Inverse ETPs?'",
         "SEC/FINRA Investor Alert, 'Leveraged and Inverse ETFs: Specialized Products with Extra Risks'"),
        leveraged_etf_path,
        example={"leverage": -1, "index_returns": [-0.1, 0.2, -0.2, 0.2]}),
    Calculator(
        "var_es_normal", "Normal VaR and expected shortfall", "Parametric VaR and ES for a zero-mean normal P&L.",
        (_positive("position", "quote", "position value"),
         _positive("daily_vol", "ratio", "daily volatility of returns"),
         Param("confidence", "number", "ratio", "confidence level", minimum=0, maximum=1,
               exclusive_minimum=True, exclusive_maximum=True),
         _positive("horizon_days", "days", "horizon", 1.0)),
        (Output("var", "quote", "value at risk (a loss, positive)"),
         Output("es", "quote", "expected shortfall (a loss, positive)")),
        ("J. C. Hull, Options, Futures, and Other Derivatives, chapter 'Value at Risk and Expected Shortfall'",
         "BCBS, 'Fundamental review of the trading book: A revised market risk framework' (2013)"),
        var_es_normal,
        example={"position": 10_000_000, "daily_vol": 0.02, "confidence": 0.99, "horizon_days": 10}),
    Calculator(
        "historical_var_es", "Historical VaR and expected shortfall", "VaR and ES from a list of scenario losses.",
        (Param("losses", "list", "quote", "scenario losses (gains negative)"),
         Param("confidence", "number", "ratio", "confidence level", minimum=0, maximum=1,
               exclusive_minimum=True, exclusive_maximum=True)),
        (Output("var", "quote", "k-th worst loss, k = floor(n(1-c))"),
         Output("es", "quote", "mean of the k worst losses")),
        ("J. C. Hull, Risk Management and Financial Institutions, 'Historical Simulation'",
         "C. Acerbi and D. Tasche, 'Expected Shortfall: a natural coherent alternative to Value at Risk' (2002)"),
        historical_var_es,
        example={"losses": [-1.2, 0.4, 2.5, -0.3, 3.1, 0.9, -2.2, 1.7, 4.4, 0.1], "confidence": 0.8}),
    Calculator(
        "kelly_leverage", "Kelly leverage", "Growth-optimal leverage (mu - r) / sigma^2 for a lognormal asset.",
        (Param("mean_return", "number", "per year", "expected return of the risky asset"),
         Param("risk_free", "number", "per year", "risk-free (borrowing) rate"),
         _positive("volatility", "per sqrt(year)", "volatility of the risky asset")),
        (Output("kelly_leverage", "x", "(mu - r) / sigma^2"),
         Output("growth", "per year", "growth rate at the Kelly leverage"),
         Output("sharpe", "ratio", "(mu - r) / sigma")),
        ("E. O. Thorp, 'The Kelly Criterion in Blackjack, Sports Betting and the Stock Market', section 7",
         "E. P. Chan, 'Quantitative Trading' (2009), Example 6.3"),
        kelly_leverage,
        example={"mean_return": 0.11, "risk_free": 0.06, "volatility": 0.15}),
    Calculator(
        "basel_leverage_ratio", "Basel III leverage ratio", "Tier 1 capital over the exposure measure (minimum 3%).",
        (Param("tier1_capital", "number", "quote", "Tier 1 capital", minimum=0),
         _positive("exposure", "quote", "total exposure measure"),
         Param("minimum", "number", "ratio", "required minimum", 0.03, minimum=0, maximum=1)),
        (Output("leverage_ratio", "ratio", "tier1_capital / exposure"),
         Output("meets_minimum", "", "true when the ratio is at least the minimum")),
        ("BCBS, 'Basel III leverage ratio framework and disclosure requirements' (2014)",
         "Morgan Stanley Form 10-Q Q1 2018 and JPMorgan Chase Form 10-Q Q1 2020 (supplementary leverage ratio)"),
        basel_leverage_ratio,
        example={"tier1_capital": 69_213, "exposure": 1_091_518}),
    Calculator(
        "liquidation_cascade", "Liquidation cascade", "Rounds of forced liquidations with linear price impact.",
        (_positive("price", "quote", "price before the shock"),
         Param("initial_shock", "number", "ratio", "first, exogenous price move as a fraction", minimum=0, maximum=1),
         _positive("depth", "quote", "notional that moves the price by 1% (of the starting price)"),
         Param("liquidation_prices", "list", "quote", "liquidation price of each leveraged position", minimum=0),
         Param("notionals", "list", "quote", "notional force-traded when each position is liquidated", minimum=0),
         Param("side", "choice", "", "long: longs sold into a fall; short: shorts bought back into a rise",
               "long", ("long", "short")),
         Param("max_rounds", "integer", "", "stop after this many rounds", 100, minimum=1, maximum=10000)),
        (Output("rounds", "", "list of {round, price, liquidated_notional}; round 0 is the shock"),
         Output("final_price", "quote", "price after the last round"),
         Output("total_liquidated", "quote", "sum of liquidated notional")),
        ("M. K. Brunnermeier and L. H. Pedersen, 'Market Liquidity and Funding Liquidity', RFS 2009",
         "A. S. Kyle, 'Continuous Auctions and Insider Trading', Econometrica 1985 (linear price impact)",
         "R. Greenwood, A. Landier and D. Thesmar, 'Vulnerable Banks', JFE 2015 (fire-sale rounds)"),
        liquidation_cascade,
        example={"price": 100, "initial_shock": 0.05, "depth": 1_000_000,
                 "liquidation_prices": [96, 94, 92, 85], "notionals": [1_000_000, 2_000_000, 1_500_000, 3_000_000]}),
)}


# --- validation and running ----------------------------------------------------------------

def _check_range(calc: str, param: Param, value: float) -> None:
    low, high = param.minimum, param.maximum
    bad = (
        (low is not None and (value <= low if param.exclusive_minimum else value < low))
        or (high is not None and (value >= high if param.exclusive_maximum else value > high))
    )
    if bad:
        raise CalculatorError(f"{calc}: '{param.name}' must be {param.allowed}, got {fmt(value)}")


def _number(calc: str, param: Param, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise CalculatorError(f"{calc}: '{param.name}' must be {param.allowed}, got {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise CalculatorError(f"{calc}: '{param.name}' must be a finite number, got {value!r}")
    _check_range(calc, param, number)
    return number


def _normalise(calc: str, param: Param, value: Any) -> Any:
    """Check one input against its Param and return it in canonical form."""
    if param.kind == "choice":
        if not isinstance(value, str) or value not in param.choices:
            raise CalculatorError(f"{calc}: '{param.name}' must be {param.allowed}, got {value!r}")
        return value
    if param.kind == "integer":
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise CalculatorError(f"{calc}: '{param.name}' must be {param.allowed}, got {value!r}")
        _check_range(calc, param, value)
        return value
    if param.kind == "number":
        return _number(calc, param, value)
    if param.kind == "number_or_list" and not isinstance(value, (list, tuple)):
        return _number(calc, param, value)
    if not isinstance(value, (list, tuple)) or not value:
        raise CalculatorError(f"{calc}: '{param.name}' must be {param.allowed} (non-empty), got {value!r}")
    if len(value) > 100_000:
        raise CalculatorError(f"{calc}: '{param.name}' has {len(value)} values; the limit is 100000")
    return [_number(calc, param, item) for item in value]


def unit_for(param: Param | Output, inputs: Mapping[str, Any]) -> str:
    """The concrete unit of an input or output for these inputs: a unit written as
    'X (linear) or Y (inverse)' resolves by the `contract` input."""
    unit = param.unit
    if " (linear) or " in unit and unit.endswith(" (inverse)"):
        linear, inverse = unit[: -len(" (inverse)")].split(" (linear) or ")
        return inverse if inputs.get("contract") == "inverse" else linear
    return unit


def run(name: str, inputs: Mapping[str, Any]) -> CalcResult:
    """Validate `inputs` for calculator `name`, fill defaults, compute outputs and steps."""
    calculator = CALCULATORS.get(name)
    if calculator is None:
        raise CalculatorError(
            f"unknown calculator '{name}'{did_you_mean_clause(str(name), CALCULATORS, cutoff=0.5)} "
            f"(available: {', '.join(CALCULATORS)})"
        )
    if not isinstance(inputs, Mapping):
        raise CalculatorError(f"{name}: inputs must be a mapping of name to value")
    known = {param.name for param in calculator.params}
    for key in inputs:
        if key not in known:
            raise CalculatorError(
                f"{name}: unknown input '{key}'{did_you_mean_clause(str(key), sorted(known), cutoff=0.5)} "
                f"(accepted: {', '.join(p.name for p in calculator.params)})"
            )
    values: dict[str, Any] = {}
    for param in calculator.params:
        if param.name in inputs and inputs[param.name] is not None:
            values[param.name] = _normalise(name, param, inputs[param.name])
        elif param.required:
            raise CalculatorError(f"{name}: missing input '{param.name}' ({param.description}; {param.allowed})")
        else:
            values[param.name] = param.default
    try:
        outputs, steps = calculator.func(**values)
    except ZeroDivisionError as error:
        raise CalculatorError(f"{name}: these inputs divide by zero ({error})") from None
    except OverflowError:
        raise CalculatorError(f"{name}: these inputs overflow (numbers too large)") from None
    return CalcResult(calculator=name, inputs=values, outputs=outputs, steps=steps)
