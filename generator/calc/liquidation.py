"""The liquidation price of an isolated position: mark or entry basis, linear or inverse
contracts, the closing fee reserved or not, leverage or margin given."""

from __future__ import annotations

from generator.calc.definition import CONTRACT, SIDE, Calculator, Output, Param, output, positive_param, rate_param
from generator.calc.program import fail, let

MONEY = "quote (linear) or coin (inverse)"

_LINEAR_LONG = "contract_linear and side_long"
_LINEAR_SHORT = "contract_linear and side_short"
_INVERSE_LONG = "contract_inverse and side_long"
_INVERSE_SHORT = "contract_inverse and side_short"
_NEVER = "never: the margin covers any move"

LIQUIDATION_PRICE = (
    # With leverage given, the margin is what opening at that leverage takes.
    let(
        "margin",
        "qty * entry / leverage",
        "Initial margin",
        r"M = \frac{Q P_0}{L}",
        "quote",
        when="has_leverage and contract_linear",
    ),
    let(
        "margin",
        "qty / (entry * leverage)",
        "Initial margin",
        r"M = \frac{Q}{P_0 L}",
        "coin",
        when="has_leverage and contract_inverse",
    ),
    # Equity at entry must cover the maintenance requirement, or the position is liquidated at once.
    let("requirement", "qty * entry * (mmr + fee_rate) - maintenance_amount", when="contract_linear"),
    let("requirement", "qty * (mmr + fee_rate) / entry - maintenance_amount", when="contract_inverse"),
    let("leverage_limit", "1 / (mmr + fee_rate)", when="margin <= requirement"),
    fail(
        "margin <= requirement",
        "below_maintenance",
        "margin {margin} does not cover the maintenance requirement at entry ({requirement}); "
        "lower the leverage below {leverage_limit}x or add margin",
    ),
    # Bankruptcy: the price at which margin less the closing fee is used up (Bybit's definition).
    let(
        "bankruptcy_price",
        "(qty * entry - margin) / (qty * (1 - fee_rate))",
        "Bankruptcy price",
        r"P_{bk} = \frac{Q P_0 - M}{Q (1 - f)}",
        "quote",
        when=_LINEAR_LONG,
    ),
    let(
        "bankruptcy_price",
        "(qty * entry + margin) / (qty * (1 + fee_rate))",
        "Bankruptcy price",
        r"P_{bk} = \frac{Q P_0 + M}{Q (1 + f)}",
        "quote",
        when=_LINEAR_SHORT,
    ),
    let(
        "bankruptcy_price",
        "qty * (1 + fee_rate) / (qty / entry + margin)",
        "Bankruptcy price",
        r"P_{bk} = \frac{Q (1 + f)}{Q/P_0 + M}",
        "quote",
        when=_INVERSE_LONG,
    ),
    let(
        "bankruptcy_price",
        "qty * (1 - fee_rate) / (qty / entry - margin)",
        "Bankruptcy price",
        r"P_{bk} = \frac{Q (1 - f)}{Q/P_0 - M}",
        "quote",
        when=f"{_INVERSE_SHORT} and qty / entry - margin > 0",
    ),
    let(
        "bankruptcy_price",
        "0",
        f"Bankruptcy price ({_NEVER})",
        "",
        "quote",
        when=f"{_INVERSE_SHORT} and qty / entry - margin <= 0",
    ),
    # Maintenance margin measured at the liquidation price itself (Binance, OKX, Gate, Hyperliquid).
    let(
        "liquidation_price",
        "(qty * entry - margin - maintenance_amount) / (qty * (1 - mmr - fee_rate))",
        "Liquidation price (maintenance margin at the liquidation price)",
        r"P_{liq} = \frac{Q P_0 - M - cum}{Q (1 - m - f)}",
        "quote",
        when=f"mm_basis_mark and {_LINEAR_LONG}",
    ),
    let(
        "liquidation_price",
        "(qty * entry + margin + maintenance_amount) / (qty * (1 + mmr + fee_rate))",
        "Liquidation price (maintenance margin at the liquidation price)",
        r"P_{liq} = \frac{Q P_0 + M + cum}{Q (1 + m + f)}",
        "quote",
        when=f"mm_basis_mark and {_LINEAR_SHORT}",
    ),
    let(
        "liquidation_price",
        "qty * (1 + mmr + fee_rate) / (margin + maintenance_amount + qty / entry)",
        "Liquidation price (maintenance margin at the liquidation price, inverse)",
        r"P_{liq} = \frac{Q (1 + m + f)}{M + cum + Q/P_0}",
        "quote",
        when=f"mm_basis_mark and {_INVERSE_LONG}",
    ),
    let(
        "liquidation_price",
        "qty * (1 - mmr - fee_rate) / (qty / entry - margin - maintenance_amount)",
        "Liquidation price (maintenance margin at the liquidation price, inverse)",
        r"P_{liq} = \frac{Q (1 - m - f)}{Q/P_0 - M - cum}",
        "quote",
        when=f"mm_basis_mark and {_INVERSE_SHORT} and qty / entry - margin - maintenance_amount > 0",
    ),
    let(
        "liquidation_price",
        "0",
        f"Liquidation price ({_NEVER})",
        "",
        "quote",
        when=f"mm_basis_mark and {_INVERSE_SHORT} and qty / entry - margin - maintenance_amount <= 0",
    ),
    # Maintenance margin measured at entry, closing fee reserved at the bankruptcy price
    # (Bybit classic isolated margin, BitMEX).
    let(
        "maintenance",
        "qty * entry * mmr - maintenance_amount",
        "Maintenance margin at entry",
        r"MM = Q P_0 m - cum",
        "quote",
        when="mm_basis_entry and contract_linear",
    ),
    let(
        "maintenance",
        "qty * mmr / entry - maintenance_amount",
        "Maintenance margin at entry",
        r"MM = \frac{Q m}{P_0} - cum",
        "coin",
        when="mm_basis_entry and contract_inverse",
    ),
    let(
        "fee_close",
        "qty * max(bankruptcy_price, 0) * fee_rate",
        "Fee to close, reserved at the bankruptcy price",
        r"F = Q P_{bk} f",
        "quote",
        when="mm_basis_entry and contract_linear",
    ),
    let(
        "fee_close",
        "qty / bankruptcy_price * fee_rate",
        "Fee to close, reserved at the bankruptcy price",
        r"F = \frac{Q}{P_{bk}} f",
        "coin",
        when="mm_basis_entry and contract_inverse and bankruptcy_price > 0",
    ),
    let(
        "fee_close",
        "0",
        "Fee to close (none: the position is never bankrupt)",
        "",
        "coin",
        when="mm_basis_entry and contract_inverse and bankruptcy_price <= 0",
    ),
    let(
        "liquidation_price",
        "entry - (margin - maintenance - fee_close) / qty",
        "Liquidation price (maintenance margin at entry)",
        r"P_{liq} = P_0 - \frac{M - MM - F}{Q}",
        "quote",
        when=f"mm_basis_entry and {_LINEAR_LONG}",
    ),
    let(
        "liquidation_price",
        "entry + (margin - maintenance - fee_close) / qty",
        "Liquidation price (maintenance margin at entry)",
        r"P_{liq} = P_0 + \frac{M - MM - F}{Q}",
        "quote",
        when=f"mm_basis_entry and {_LINEAR_SHORT}",
    ),
    let(
        "liquidation_price",
        "qty / (qty / entry + (margin - maintenance - fee_close))",
        "Liquidation price (maintenance margin at entry, inverse)",
        r"P_{liq} = \frac{Q}{Q/P_0 + (M - MM - F)}",
        "quote",
        when=f"mm_basis_entry and {_INVERSE_LONG} and qty / entry + (margin - maintenance - fee_close) > 0",
    ),
    let(
        "liquidation_price",
        "qty / (qty / entry - (margin - maintenance - fee_close))",
        "Liquidation price (maintenance margin at entry, inverse)",
        r"P_{liq} = \frac{Q}{Q/P_0 - (M - MM - F)}",
        "quote",
        when=f"mm_basis_entry and {_INVERSE_SHORT} and qty / entry - (margin - maintenance - fee_close) > 0",
    ),
    let(
        "liquidation_price",
        "0",
        f"Liquidation price ({_NEVER})",
        "",
        "quote",
        when=("mm_basis_entry and contract_inverse and qty / entry + side * (margin - maintenance - fee_close) <= 0"),
    ),
    let("initial_margin", "margin"),
)


LIQUIDATION_DESCRIPTION = """Isolated-margin liquidation price, for the two ways venues measure maintenance margin.

mark: the maintenance requirement (and closing fee) is measured at the liquidation
price itself (Binance, OKX, Gate, Hyperliquid). entry: it is measured at entry (Bybit
classic isolated margin, BitMEX), and the closing fee is reserved at the bankruptcy price.
Linear contracts are margined in the quote currency; inverse (coin-margined) contracts
take `qty` in USD and margin in coin (Binance COIN-M, Bybit inverse). The bankruptcy
price is where the margin, less the closing fee, is used up. A price of none means the
position can never be liquidated (a long whose margin covers a fall to zero, or an
inverse short at 1x or less)."""


LIQUIDATION = Calculator(
    "liquidation_price",
    "Liquidation price (isolated margin)",
    "Price at which an isolated position is liquidated; mark or entry basis, linear or inverse.",
    (
        SIDE,
        positive_param("entry", "quote", "entry price"),
        positive_param("qty", "base (linear) or USD (inverse)", "position size", 1.0),
        positive_param("leverage", "x", "leverage (give this or margin)", None),
        positive_param("margin", "quote (linear) or coin (inverse)", "isolated margin (give this or leverage)", None),
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
        output(
            "liquidation_price",
            "quote",
            "price at which the position is liquidated (none: never)",
            none_when="liquidation_price <= 0",
        ),
        output(
            "bankruptcy_price",
            "quote",
            "price at which the margin is exhausted (none: never)",
            none_when="bankruptcy_price <= 0",
        ),
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
    LIQUIDATION_PRICE,
    example={"side": "long", "entry": 50_000, "qty": 1, "leverage": 10, "mmr": 0.005},
    description=LIQUIDATION_DESCRIPTION,
    one_of=("leverage", "margin"),
)
