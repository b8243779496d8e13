"""Named calculators against published worked examples, input validation, and properties.

Every calculator is checked against worked examples published by an exchange, protocol,
regulator, textbook or a public project's test suite; each test names its source (title +
URL). Where a source rounds (a tick size, z = 2.33), the test says so and uses the source's
own rounding rather than a looser tolerance.
"""

from __future__ import annotations

import math
from itertools import pairwise

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from generator.calc.calculators import CALCULATORS, CalcResult, CalculatorError, run


def out(name: str, **inputs: object) -> dict[str, object]:
    return run(name, inputs).outputs


# --- leverage_ratio ----------------------------------------------------------------------


def test_leverage_ratio_bybit_usdt_example() -> None:
    # Bybit Help Center, "Liquidation Price (USDT Contract)", Example 1: a long of 1 BTC at
    # 20,000 USDT with 50x leverage posts an initial margin of 400 USDT.
    # https://testnet.bybit.com/en-US/help-center/s/article/Liquidation-Price-USDT-Contract
    assert out("leverage_ratio", notional=20_000, equity=400)["leverage"] == pytest.approx(50)


def test_leverage_ratio_webull_2x_bull_fund() -> None:
    # Webull Learn, "How does Leverage Impact Risk and Investment Returns": in a 2X Bull Fund an
    # initial investment of $10,000 carries a total market exposure of $20,000.
    # https://webull.com/learn/8YlB51/5Q8zxA/How-does-Leverage-Impact-Risk-and-Investment-Returns
    assert out("leverage_ratio", notional=20_000, equity=10_000)["leverage"] == pytest.approx(2)


# --- initial_margin ----------------------------------------------------------------------


def test_initial_margin_bybit_usdt_example() -> None:
    # Bybit Help Center, "Liquidation Price (USDT Contract)", Example 1:
    # Initial Margin = 1 x 20,000 USDT / 50 = 400 USDT.
    # https://testnet.bybit.com/en-US/help-center/s/article/Liquidation-Price-USDT-Contract
    assert out("initial_margin", qty=1, price=20_000, leverage=50)["initial_margin"] == pytest.approx(400)


def test_initial_margin_bybit_inverse_example() -> None:
    # Bybit Help Center, "Liquidation Price Calculation under Isolated Mode (Unified Trading
    # Account)", inverse example: 60,000 USD of BTCUSD at 50,000 USD with 10x:
    # Position Value = 60,000 / 50,000 = 1.2 BTC; Initial Margin = 1.2 / 10 = 0.12 BTC.
    # https://www.bybit.com/en/help-center/article/Liquidation-Price-Calculation-under-Isolated-Mode-Unified-Trading-Account
    result = run("initial_margin", {"qty": 60_000, "price": 50_000, "leverage": 10, "contract": "inverse"})
    assert result.steps[0].value == pytest.approx(1.2)
    assert result.outputs["initial_margin"] == pytest.approx(0.12)


# --- maintenance_margin ------------------------------------------------------------------


def test_maintenance_margin_bybit_usdt_example() -> None:
    # Bybit Help Center, "Liquidation Price (USDT Contract)", Example 1:
    # Maintenance Margin = 1 x 20,000 x 0.5% - 0 = 100 USDT.
    # https://testnet.bybit.com/en-US/help-center/s/article/Liquidation-Price-USDT-Contract
    assert out("maintenance_margin", qty=1, price=20_000, mmr=0.005)["maintenance_margin"] == pytest.approx(100)


@pytest.mark.parametrize(
    ("qty", "mark", "mmr", "cum", "published"),
    [
        (109.488, 31_967.27, 0.025, 16_300.0, 71_200.81144),  # BTCUSDT leg of the calc example
        (3_683.979, 1_335.18, 0.10, 135_365.0, 356_512.508),  # ETHUSDT leg of the calc example
    ],
)
def test_maintenance_margin_binance_calc_example(
    qty: float, mark: float, mmr: float, cum: float, published: float
) -> None:
    # Binance's cross-margin liquidation calculation example as encoded in freqtrade's test
    # suite: the maintenance margin of the *other* contract (mm_ex_1) is 71200.81144 for the
    # BTC leg and 356512.508 for the ETH leg, i.e. notional at mark x MMR - maintenance amount.
    # freqtrade, tests/exchange/test_exchange.py::test_liquidation_price_binance
    # https://github.com/freqtrade/freqtrade/blob/develop/tests/exchange/test_exchange.py
    value = out("maintenance_margin", qty=qty, price=mark, mmr=mmr, maintenance_amount=cum)["maintenance_margin"]
    assert value == pytest.approx(published, abs=0.001)


# --- liquidation_price -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("margin", "cum", "qty", "entry", "mmr", "published"),
    [
        (1_535_443.01, 135_365.00, 3_683.979, 1_456.84, 0.10, 1_114.78),
        (1_535_443.01, 16_300.00, 109.488, 32_481.98, 0.025, 18_778.73),
    ],
)
def test_liquidation_price_binance_isolated_examples(
    margin: float, cum: float, qty: float, entry: float, mmr: float, published: float
) -> None:
    # Binance "How to Calculate Liquidation Price of USDⓈ-M Contracts" formula with isolated
    # wallet balance, as pinned by freqtrade's test suite (isolated rows, rounded to 2 dp).
    # https://www.binance.com/en/support/faq/b3c689c1f50a44cabb3a84e663b81d93
    # freqtrade, tests/exchange/test_exchange.py::test_liquidation_price_binance
    # https://github.com/freqtrade/freqtrade/blob/develop/tests/exchange/test_exchange.py
    result = out(
        "liquidation_price",
        side="long",
        entry=entry,
        qty=qty,
        margin=margin,
        mmr=mmr,
        maintenance_amount=cum,
        mm_basis="mark",
    )
    assert round(result["liquidation_price"], 2) == published


@pytest.mark.parametrize(
    ("side", "fee", "cum", "published"),
    [
        ("short", 0.0, 0.01, 11.89108910891089),  # Binance
        ("long", 0.0, 0.01, 8.070707070707071),  # Binance
        ("short", 0.0006, 0.0, 11.87413417771621),  # Gate / OKX, taker fee reserved
        ("long", 0.0006, 0.0, 8.085708510208207),  # Gate / OKX, taker fee reserved
    ],
)
def test_liquidation_price_mark_basis_freqtrade_examples(side: str, fee: float, cum: float, published: float) -> None:
    # freqtrade, tests/test_freqtradebot.py::test_execute_entry (docstring shows the working):
    # entry 10, position 1, wallet balance 2 (5x), MMR 1%; Binance uses maintenance amount 0.01,
    # Gate/OKX reserve a 0.06% taker fee: (10 - 2/1) / (1 - (0.01 + 0.0006)) = 8.085708510208207.
    # https://github.com/freqtrade/freqtrade/blob/develop/tests/test_freqtradebot.py
    result = out(
        "liquidation_price",
        side=side,
        entry=10,
        qty=1,
        leverage=5,
        mmr=0.01,
        maintenance_amount=cum,
        fee_rate=fee,
        mm_basis="mark",
    )
    assert result["liquidation_price"] == pytest.approx(published, rel=1e-12)


def test_liquidation_price_bybit_usdt_entry_basis() -> None:
    # Bybit Help Center, "Liquidation Price (USDT Contract)", Example 1: long 1 BTC at 20,000
    # USDT, 50x, MMR 0.5%: LP = 20,000 - (400 - 100) = 19,700 USDT.
    # https://testnet.bybit.com/en-US/help-center/s/article/Liquidation-Price-USDT-Contract
    result = out("liquidation_price", side="long", entry=20_000, qty=1, leverage=50, mmr=0.005, mm_basis="entry")
    assert result["liquidation_price"] == pytest.approx(19_700)
    assert result["initial_margin"] == pytest.approx(400)


@pytest.mark.parametrize(("side", "published"), [("long", 8.1), ("short", 11.9)])
def test_liquidation_price_bybit_entry_basis_freqtrade(side: str, published: float) -> None:
    # freqtrade, tests/test_freqtradebot.py::test_execute_entry, Bybit isolated rows: entry 10,
    # 5x, MMR 1% -> 8.1 (long) and 11.9 (short), i.e. entry -/+ (initial - maintenance margin).
    # https://github.com/freqtrade/freqtrade/blob/develop/tests/test_freqtradebot.py
    result = out("liquidation_price", side=side, entry=10, qty=1, leverage=5, mmr=0.01, mm_basis="entry")
    assert result["liquidation_price"] == pytest.approx(published)


def test_liquidation_price_bybit_inverse_with_closing_fee() -> None:
    # Bybit Help Center, "How to calculate Liquidation Price (Inverse Contract)": balance 0.5 BTC,
    # long 10,000 contracts at 8,000 USD, MMR 0.5%, taker fee 0.075% reserved at the bankruptcy
    # price. Bankruptcy = 1.00075 x 10000 / (10000/8000 + 0.5) = 5718.57; Liquidation = 5739.50.
    # https://help.bybit.com/hc/en-us/articles/360039261334-How-to-calculate-Liquidation-Price-Inverse-Contract-
    result = out(
        "liquidation_price",
        side="long",
        entry=8_000,
        qty=10_000,
        margin=0.5,
        mmr=0.005,
        fee_rate=0.00075,
        mm_basis="entry",
        contract="inverse",
    )
    assert round(result["bankruptcy_price"], 2) == 5718.57
    # The formula gives 5739.08; Bybit displays prices on its 0.5 USD tick, rounding a long's
    # liquidation price up (towards entry), hence 5739.50.
    assert math.ceil(result["liquidation_price"] * 2) / 2 == 5739.50


def test_liquidation_price_inverse_mark_basis_matches_bybit_uta_formula() -> None:
    # Bybit Help Center, "Liquidation Price Calculation under Isolated Mode (Unified Trading
    # Account)", inverse long: LP = [Size x (MMR + 1)] / [Size/Entry + Size/Entry/Leverage + MM
    # deduction] - the maintenance margin is measured at the liquidation price.
    # https://www.kbybit.com/en/help-center/article/Liquidation-Price-Calculation-under-Isolated-Mode-Unified-Trading-Account
    # Its example position: 60,000 USD at 50,000 USD, 10x, MMR 0.5%.
    size, entry, lev, mmr = 60_000, 50_000, 10, 0.005
    published_formula = size * (mmr + 1) / (size / entry + size / entry / lev)
    result = out(
        "liquidation_price",
        side="long",
        entry=entry,
        qty=size,
        leverage=lev,
        mmr=mmr,
        contract="inverse",
        mm_basis="mark",
    )
    assert result["liquidation_price"] == pytest.approx(published_formula, rel=1e-12)
    assert result["initial_margin"] == pytest.approx(0.12)


def test_liquidation_price_design_example_and_steps() -> None:
    result = run("liquidation_price", {"side": "long", "entry": 50_000, "qty": 1, "leverage": 10, "mmr": 0.005})
    assert result.outputs["liquidation_price"] == pytest.approx(45_226.13, abs=0.005)
    assert result.inputs["mm_basis"] == "mark" and result.inputs["fee_rate"] == 0.0
    final = result.steps[-1]
    assert final.unit == "quote" and "50000" in final.substituted and final.value == result.outputs["liquidation_price"]


def test_liquidation_price_needs_exactly_one_of_margin_or_leverage() -> None:
    base = {"side": "long", "entry": 100, "mmr": 0.01}
    with pytest.raises(CalculatorError, match="exactly one of 'leverage' or 'margin'"):
        run("liquidation_price", base)
    with pytest.raises(CalculatorError, match="exactly one of 'leverage' or 'margin'"):
        run("liquidation_price", {**base, "leverage": 5, "margin": 20})


def test_liquidation_price_rejects_margin_below_maintenance() -> None:
    with pytest.raises(CalculatorError, match="does not cover the maintenance requirement"):
        run("liquidation_price", {"side": "long", "entry": 100, "leverage": 200, "mmr": 0.01})


def test_low_leverage_long_has_no_liquidation_price() -> None:
    result = out("liquidation_price", side="long", entry=100, leverage=1, mmr=0.005)
    assert result["liquidation_price"] is None


# --- pnl ---------------------------------------------------------------------------------


def test_pnl_bybit_inverse_quote_example() -> None:
    # Bybit Help Center, "Perpetual Contracts Quotes": buy 10,000 contracts at 8,000 USD, close at
    # 12,500 USD: 1.25 BTC - 0.8 BTC = 0.45 BTC.
    # https://help.bybit.com/hc/en-us/articles/360008915194-Perpetual-Contracts-Quotes
    assert out("pnl", side="long", qty=10_000, entry=8_000, exit=12_500, contract="inverse")["pnl"] == pytest.approx(
        0.45
    )


def test_pnl_bitmex_perpetual_guide_example() -> None:
    # BitMEX, "Perpetual Contracts Guide Examples": long 15,000 XBTUSD at 750, sold at 800:
    # PNL = 15,000 x 1 USD x (1/750 - 1/800) = 1.25 XBT.
    # https://www.bitmex.com/app/perpetualContractsGuideExamples
    assert out("pnl", side="long", qty=15_000, entry=750, exit=800, contract="inverse")["pnl"] == pytest.approx(1.25)


def test_pnl_bybit_unrealised_example_and_short_mirror() -> None:
    # Bybit Help Center, "Profit & Loss calculations (Inverse Contracts)": 1,000 contracts long at
    # 5,000 USD, last price 5,500 USD: unrealised P&L = 0.01819 BTC (rounded to 5 dp).
    # https://testnet.bytick.com/kk-KZ/help-center/article/Profit-Loss-calculations-Inverse-Contracts
    long = out("pnl", side="long", qty=1_000, entry=5_000, exit=5_500, contract="inverse")["pnl"]
    short = out("pnl", side="short", qty=1_000, entry=5_000, exit=5_500, contract="inverse")["pnl"]
    # Bybit rounds the per-contract term 1/5000 - 1/5500 = 0.0000181818 to 0.00001819 first.
    assert long == pytest.approx(0.01819, abs=1e-5)
    assert short == pytest.approx(-long)


def test_pnl_linear_fees_and_roe() -> None:
    result = out("pnl", side="short", qty=2, entry=100, exit=90, leverage=10, fee_rate=0.001)
    assert result["pnl"] == pytest.approx(2 * 10 - 0.001 * 2 * 190)
    assert result["roe"] == pytest.approx(result["pnl"] / 20)


# --- funding_payment ---------------------------------------------------------------------


def test_funding_bitmex_guide_example() -> None:
    # BitMEX, "Perpetual Contracts Guide Examples": Funding Amount = Mark Value x Funding Rate =
    # 20 XBT x 0.25% = 0.05 XBT; the rate is positive, so the long pays.
    # https://www.bitmex.com/app/perpetualContractsGuideExamples
    assert out("funding_payment", side="long", notional=20, rate=0.0025)["payment"] == pytest.approx(0.05)


def test_funding_kraken_short_receives() -> None:
    # Kraken Support, "Inverse Crypto-Collateral Perpetual Contract Specifications", Example
    # Funding Rate 1: a short of 100,000 contracts at 0.01785% per hour earns $17.85 an hour.
    # https://support.kraken.com/hc/en-us/articles/360022835911-Inverse-Crypto-Collateral-Perpetual-Contract-Specifications
    assert out("funding_payment", side="short", notional=100_000, rate=0.0001785)["payment"] == pytest.approx(-17.85)


# --- loop_leverage -----------------------------------------------------------------------


def test_loop_leverage_reaper_example() -> None:
    # Reaper Farm docs, "LTV Looping": 100 FTM at a 70% maximum debt ratio looped 6 times ends at
    # 3.05882x, having borrowed 205.882 FTM for a 305.882 FTM position.
    # https://docs.reaper.farm/reaper-farms/general-knowledge/types-of-strategies/ltv-looping
    result = out("loop_leverage", initial_collateral=100, ltv=0.7, loops=6)
    assert result["leverage"] == pytest.approx(3.05882, abs=5e-6)
    assert result["borrowed"] == pytest.approx(205.882, abs=5e-4)
    assert result["position"] == pytest.approx(305.882, abs=5e-4)


def test_loop_leverage_index_zoo_example() -> None:
    # Index Zoo docs, "3x Leverage Token Using Debt": at an 80% LTV borrowing once yields 1.8x
    # leverage, and the highest leverage achievable is 1 / (1 - 80%) = 5x.
    # https://docs.indexzoo.com/methodology/3x-leverage-token-using-debt
    result = out("loop_leverage", initial_collateral=1, ltv=0.8, loops=1)
    assert result["leverage"] == pytest.approx(1.8)
    assert result["max_leverage"] == pytest.approx(5)


@pytest.mark.parametrize(("loops", "collateral"), [(1, 17_500), (2, 23_125), (3, 27_344)])
def test_loop_leverage_cryptogloss_table(loops: int, collateral: float) -> None:
    # CryptoGloss, "Recursive Borrowing": $10,000 at 75% LTV -> $17,500, $23,125, $27,344 of
    # collateral after 1-3 loops, 4x at most. (Its 5-loop row, $32,373, is an arithmetic slip in
    # the source: the series gives $32,881; it is not used here.)
    # https://cryptogloss.io/glossary/recursive-borrowing/
    result = out("loop_leverage", initial_collateral=10_000, ltv=0.75, loops=loops)
    assert result["position"] == pytest.approx(collateral, abs=0.5)
    assert result["max_leverage"] == pytest.approx(4)


# --- health_factor -----------------------------------------------------------------------


def test_health_factor_aave_help_example() -> None:
    # Aave Help Center, "Liquidations": supply $10,000 of ETH with an 80% liquidation threshold
    # and borrow $6,000 of GHO: health factor 1.333.
    # https://aave.com/help/borrowing/liquidations
    result = out("health_factor", collateral=10_000, liquidation_threshold=0.8, debt=6_000)
    assert round(result["health_factor"], 3) == 1.333
    assert result["liquidatable"] is False


def test_health_factor_coingabbar_example() -> None:
    # CoinGabbar Crypto Dictionary, "Health Factor": 1 ETH ($3,000) at an 82.5% liquidation
    # threshold against $1,500 of USDC: HF = 2,475 / 1,500 = 1.65.
    # https://www.coingabbar.com/en/crypto-dictionary/health-factor
    result = run("health_factor", {"collateral": 3_000, "liquidation_threshold": 0.825, "debt": 1_500})
    assert result.steps[0].value == pytest.approx(2_475)
    assert result.outputs["health_factor"] == pytest.approx(1.65)


def test_health_factor_lists_and_liquidatable() -> None:
    result = out("health_factor", collateral=[600, 400], liquidation_threshold=[0.8, 0.5], debt=700)
    assert result["health_factor"] == pytest.approx(680 / 700) and result["liquidatable"] is True
    with pytest.raises(CalculatorError, match="one threshold per collateral asset"):
        run("health_factor", {"collateral": [1, 2, 3], "liquidation_threshold": [0.5, 0.5], "debt": 1})


# --- leveraged_etf_path ------------------------------------------------------------------


def test_leveraged_etf_nasdaq_inverse_example() -> None:
    # Nasdaq Listing Center FAQ 1539, "Are there additional risks associated with investing in
    # Leveraged and Inverse ETPs?": a -1x fund and its index start at 100; the index moves -10%,
    # +20%, -20%, +20% to 103.68 (+3.68%) while the fund ends at $84.48 (-15.52%).
    # https://listingcenter.nasdaq.com/Material_search.aspx?materials=1539&mcd=LQ&criteria=2&cid=142
    result = out("leveraged_etf_path", leverage=-1, index_returns=[-0.1, 0.2, -0.2, 0.2])
    assert result["index_path"] == pytest.approx([100, 90, 108, 86.4, 103.68])
    assert result["fund_path"] == pytest.approx([100, 110, 88, 105.60, 84.48])
    assert result["index_return"] == pytest.approx(0.0368)
    assert result["fund_return"] == pytest.approx(-0.1552)


@pytest.mark.parametrize(("returns", "final"), [([0.1, 0.1], 121), ([-0.1, -0.1], 81), ([0.1, -0.1], 99)])
def test_leveraged_etf_profunds_compounding(returns: list[float], final: float) -> None:
    # ProFunds, "The Universal Effects of Compounding and Leveraged Funds": $100 growing 10% two
    # days running is $121; falling 10% twice is $81; +10% then -10% is $99 (unleveraged, 1x).
    # http://www.profunds.com/universal_effects_of_compounding.html
    assert out("leveraged_etf_path", leverage=1, index_returns=returns)["final_fund"] == pytest.approx(final)


def test_leveraged_etf_3x_forum_example_and_wipe_out() -> None:
    # Mr. Money Mustache forum, "2x/3x market ETFs for longterm investing": index 100 -> 80
    # (-20%), 3x fund 100 -> 40; index back to 100 (+25%), fund +75% to 70, i.e. -30% over two days.
    # https://forum.mrmoneymustache.com/investor-alley/2x3x-market-etfs-for-longterm-investing/
    result = out("leveraged_etf_path", leverage=3, index_returns=[-0.2, 0.25])
    assert result["fund_path"] == pytest.approx([100, 40, 70])
    assert result["index_return"] == pytest.approx(0, abs=1e-12)
    wiped = out("leveraged_etf_path", leverage=3, index_returns=[-0.4, 0.5])
    assert wiped["final_fund"] == 0.0  # a period loss beyond 100% leaves nothing to recover


# --- var_es_normal -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("position", "vol", "sigma_10", "hull_var"),
    [
        (10_000_000, 0.02, 632_456, 1_473_621),  # Microsoft example
        (5_000_000, 0.01, 158_114, 368_405),  # AT&T example
    ],
)
def test_var_hull_examples(position: float, vol: float, sigma_10: float, hull_var: float) -> None:
    # J. C. Hull, "Options, Futures, and Other Derivatives", chapter "Value at Risk" (5th ed.
    # slides 16.14-16.15): 10-day 99% VaR of a $10m Microsoft position (2% daily vol): SD over
    # 10 days 632,456, VaR 1,473,621; $5m AT&T (1%): SD 158,114, VaR 368,405.
    # http://download.cucdc.com/wenku/page/ce93f452dd604f41902ef33f3d87a48c.html
    result = run("var_es_normal", {"position": position, "daily_vol": vol, "confidence": 0.99, "horizon_days": 10})
    sigma = result.steps[0].value
    assert sigma == pytest.approx(sigma_10, abs=0.5)
    # Hull multiplies by the table value N^-1(0.99) ~ 2.33; the calculator uses the exact 2.3263.
    assert sigma * 2.33 == pytest.approx(hull_var, abs=1.0)
    assert result.outputs["var"] == pytest.approx(sigma * 2.3263478740408408, rel=1e-12)


def test_es_975_close_to_var_99_for_normal() -> None:
    # BCBS, "Fundamental review of the trading book: A revised market risk framework" (2013):
    # 97.5% expected shortfall was chosen as roughly equivalent to 99% VaR under normality
    # (ES_97.5 = 2.338 sigma vs VaR_99 = 2.326 sigma). https://www.bis.org/publ/bcbs265.pdf
    es = out("var_es_normal", position=1, daily_vol=1, confidence=0.975)["es"]
    var = out("var_es_normal", position=1, daily_vol=1, confidence=0.99)["var"]
    assert es == pytest.approx(2.3378, abs=5e-4) and var == pytest.approx(2.3263, abs=5e-4)


# --- historical_var_es -------------------------------------------------------------------


def test_historical_var_hull_example() -> None:
    # J. C. Hull, "Risk Management and Financial Institutions", Historical Simulation (Table
    # "Losses ranked from highest to lowest for 500 scenarios"): with 500 scenarios the one-day
    # 99% VaR is the fifth-worst loss, $253,385; the five worst are 477,841, 345,435, 282,204,
    # 277,041 and 253,385, whose average is the one-day 99% ES, $327,181.
    # https://www.scribd.com/presentation/622791612/HullRMFI4eCh13
    worst = [477.841, 345.435, 282.204, 277.041, 253.385]
    others = [250.0 - 0.5 * i for i in range(495)]  # the remaining 495 scenarios are smaller losses
    result = out("historical_var_es", losses=others + worst, confidence=0.99)
    assert result["var"] == pytest.approx(253.385)
    assert result["es"] == pytest.approx(327.181, abs=5e-4)


def test_historical_var_order_and_small_samples() -> None:
    result = run("historical_var_es", {"losses": [5, -1, 3, 9, 7, 0, 2, 4, 6, 8], "confidence": 0.8})
    assert result.outputs == {"var": 8, "es": 8.5}
    assert out("historical_var_es", losses=[3, 1], confidence=0.99) == {"var": 3, "es": 3}


# --- kelly_leverage ----------------------------------------------------------------------


def test_kelly_thorp_example() -> None:
    # E. O. Thorp, "The Kelly Criterion in Blackjack, Sports Betting, and the Stock Market"
    # (1997/2006), section 7: m = .11, s = .15, r = .06 gives f* = 2.22 and growth g = .1156.
    # http://www.eecs.harvard.edu/cs286r/courses/fall12/papers/Thorpe_KellyCriterion2007.pdf
    result = out("kelly_leverage", mean_return=0.11, risk_free=0.06, volatility=0.15)
    assert round(result["kelly_leverage"], 2) == 2.22
    assert round(result["growth"], 4) == 0.1156


def test_kelly_chan_spy_example() -> None:
    # E. P. Chan, "Quantitative Trading" (Wiley 2009), Example 6.3: SPY with mean 11.23%, sd 16.91%
    # and a 4% risk-free rate: Kelly leverage 2.528, Sharpe 0.4276, growth r + S^2/2 = 13.14%.
    result = out("kelly_leverage", mean_return=0.1123, risk_free=0.04, volatility=0.1691)
    assert round(result["kelly_leverage"], 3) == 2.528
    assert round(result["sharpe"], 4) == 0.4276
    assert round(result["growth"], 4) == 0.1314


# --- basel_leverage_ratio ----------------------------------------------------------------


def test_basel_leverage_ratio_morgan_stanley_2018() -> None:
    # Morgan Stanley, Form 10-Q for Q1 2018, "Regulatory Requirements (Capital Measures)": Tier 1
    # capital $69,213m, supplementary leverage exposure $1,091,518m, SLR 6.3% (required 5.0%).
    # https://sec.gov/Archives/edgar/data/895421/000119312518152899/R95.htm
    result = out("basel_leverage_ratio", tier1_capital=69_213, exposure=1_091_518, minimum=0.05)
    assert round(result["leverage_ratio"], 3) == 0.063
    assert result["meets_minimum"] is True


@pytest.mark.parametrize(("tier1", "exposure", "published"), [(213_406, 3_535_822, 0.060), (204_691, 3_118_192, 0.066)])
def test_basel_leverage_ratio_jpmorgan_2020(tier1: float, exposure: float, published: float) -> None:
    # JPMorgan Chase & Co., Form 10-Q for Q1 2020, capital table: Tier 1 capital $213,406m and
    # total leverage exposure $3,535,822m give SLR 6.0%; JPMorgan Chase Bank, N.A.: $204,691m and
    # $3,118,192m give 6.6%. https://www.sec.gov/Archives/edgar/data/19617/000001961720000299/R57.htm
    result = out("basel_leverage_ratio", tier1_capital=tier1, exposure=exposure)
    assert round(result["leverage_ratio"], 3) == published
    assert result["meets_minimum"] is True


def test_basel_minimum_boundary() -> None:
    # BCBS, "Basel III leverage ratio framework and disclosure requirements" (2014), para 7: the
    # minimum is 3%, so exactly 3% meets it. https://www.bis.org/publ/bcbs270.pdf
    assert out("basel_leverage_ratio", tier1_capital=3, exposure=100)["meets_minimum"] is True
    assert out("basel_leverage_ratio", tier1_capital=2.99, exposure=100)["meets_minimum"] is False


# --- liquidation_cascade -----------------------------------------------------------------


def test_cascade_rounds_follow_linear_impact() -> None:
    # The model (Kyle-style linear impact lambda = 1% of price per `depth` sold, fire-sale rounds as
    # in Greenwood, Landier & Thesmar 2015) worked by hand: a 5% shock takes 100 to 95, which
    # crosses the 96 level; selling 1m moves the price 1% of 100 to 94, which crosses 94; selling
    # 2m takes it to 92, crossing 92; selling 1.5m ends at 90.5, above the last level of 85.
    result = out(
        "liquidation_cascade",
        price=100,
        initial_shock=0.05,
        depth=1_000_000,
        liquidation_prices=[96, 94, 92, 85],
        notionals=[1e6, 2e6, 1.5e6, 3e6],
    )
    assert list(zip(result["round_prices"], result["round_volumes"])) == [
        (95, 0),
        (94, 1e6),
        (92, 2e6),
        (pytest.approx(90.5), 1.5e6),
    ]
    assert result["final_price"] == pytest.approx(90.5)
    assert result["total_liquidated"] == 4.5e6


def test_cascade_short_squeeze_and_no_cascade() -> None:
    squeeze = out(
        "liquidation_cascade",
        price=100,
        initial_shock=0.02,
        depth=500_000,
        side="short",
        liquidation_prices=[101, 103, 110],
        notionals=[500_000, 500_000, 1_000_000],
    )
    assert squeeze["final_price"] == pytest.approx(104) and squeeze["total_liquidated"] == 1_000_000
    calm = out(
        "liquidation_cascade", price=100, initial_shock=0.01, depth=1e6, liquidation_prices=[90], notionals=[1e6]
    )
    assert (calm["round_prices"], calm["round_volumes"]) == ([99], [0.0])
    assert calm["total_liquidated"] == 0


# --- validation --------------------------------------------------------------------------


def test_unknown_calculator_suggests_nearest() -> None:
    with pytest.raises(CalculatorError, match="did you mean 'liquidation_price'"):
        run("liquidation_prise", {})


@pytest.mark.parametrize(
    ("name", "inputs", "message"),
    [
        (
            "liquidation_price",
            {"side": "long", "entry": 100, "leverage": 5, "mmr": 0.01, "colour": 1},
            "unknown input 'colour'.*accepted: side, entry",
        ),
        ("liquidation_price", {"side": "long", "entry": 100, "leverage": 5}, "missing input 'mmr'"),
        (
            "liquidation_price",
            {"side": "long", "entry": -100, "leverage": 5, "mmr": 0.01},
            "'entry' must be a number > 0",
        ),
        (
            "liquidation_price",
            {"side": "long", "entry": 100, "leverage": 0, "mmr": 0.01},
            "'leverage' must be a number > 0",
        ),
        (
            "liquidation_price",
            {"side": "up", "entry": 100, "leverage": 5, "mmr": 0.01},
            "'side' must be one of long, short",
        ),
        ("liquidation_price", {"side": "long", "entry": "100", "leverage": 5, "mmr": 0.01}, "'entry' must be a number"),
        ("liquidation_price", {"side": "long", "entry": True, "leverage": 5, "mmr": 0.01}, "'entry' must be a number"),
        ("loop_leverage", {"initial_collateral": 1, "ltv": 1, "loops": 2}, "'ltv' must be a number >= 0 and < 1"),
        ("loop_leverage", {"initial_collateral": 1, "ltv": -0.1, "loops": 2}, "'ltv' must be"),
        ("loop_leverage", {"initial_collateral": 1, "ltv": 0.5, "loops": 2.5}, "'loops' must be a whole number"),
        (
            "var_es_normal",
            {"position": 1, "daily_vol": 0.1, "confidence": 1},
            "'confidence' must be a number > 0 and < 1",
        ),
        ("var_es_normal", {"position": 1, "daily_vol": 0.1, "confidence": 0}, "'confidence' must be"),
        ("historical_var_es", {"losses": [], "confidence": 0.9}, "'losses' must be a list of numbers"),
        ("historical_var_es", {"losses": [1, "x"], "confidence": 0.9}, "'losses' must be"),
        ("pnl", {"side": "long", "qty": 1, "entry": 1, "exit": float("nan")}, "finite"),
        ("leveraged_etf_path", {"leverage": 2, "index_returns": [0.1, -1.5]}, "'index_returns' must be"),
    ],
)
def test_bad_input_is_a_clear_error(name: str, inputs: dict[str, object], message: str) -> None:
    with pytest.raises(CalculatorError, match=message):
        run(name, inputs)


def test_result_json_shape() -> None:
    result = run("funding_payment", {"side": "long", "notional": 10_000, "rate": 0.0001})
    data = result.to_json()
    assert set(data) == {"calculator", "inputs", "outputs", "steps"}
    assert data["outputs"] == {"payment": pytest.approx(1.0)}
    assert set(data["steps"][0]) == {"label", "formula", "latex", "substituted", "value", "unit"}
    assert isinstance(result, CalcResult) and result.inputs == {"side": "long", "notional": 10_000.0, "rate": 0.0001}


def test_every_calculator_is_documented_and_has_a_runnable_example() -> None:
    for calc in CALCULATORS.values():
        assert calc.title and calc.summary and calc.references and calc.outputs
        result = run(calc.name, calc.example)
        assert set(result.outputs) == {output.name for output in calc.outputs}
        for param in calc.params:
            assert param.description and param.allowed
            if param.kind == "choice":
                assert param.choices and (param.required or param.default in param.choices)


# --- properties --------------------------------------------------------------------------

prices = st.floats(min_value=0.01, max_value=1e6, allow_nan=False, allow_infinity=False)
rates = st.floats(min_value=0.0, max_value=0.05)


@settings(max_examples=200, deadline=None)
@given(
    entry=prices,
    mmr=rates,
    fee=st.floats(min_value=0, max_value=0.002),
    low=st.floats(min_value=1.01, max_value=15),
    step=st.floats(min_value=0.01, max_value=5),
    basis=st.sampled_from(["mark", "entry"]),
    contract=st.sampled_from(["linear", "inverse"]),
)
def test_long_liquidation_below_entry_and_rises_with_leverage(
    entry: float, mmr: float, fee: float, low: float, step: float, basis: str, contract: str
) -> None:
    high = low + step
    assume(high * (mmr + fee) < 0.95)  # margin still covers maintenance at entry
    common = {
        "side": "long",
        "entry": entry,
        "qty": 3,
        "mmr": mmr,
        "fee_rate": fee,
        "mm_basis": basis,
        "contract": contract,
    }
    p_low = out("liquidation_price", leverage=low, **common)["liquidation_price"]
    p_high = out("liquidation_price", leverage=high, **common)["liquidation_price"]
    assert p_high is not None and p_high < entry
    if p_low is not None:
        assert p_low < p_high * (1 + 1e-12)


@settings(max_examples=200, deadline=None)
@given(
    entry=prices,
    mmr=rates,
    fee=st.floats(min_value=0, max_value=0.002),
    low=st.floats(min_value=1.01, max_value=15),
    step=st.floats(min_value=0.01, max_value=5),
    basis=st.sampled_from(["mark", "entry"]),
    contract=st.sampled_from(["linear", "inverse"]),
)
def test_short_liquidation_above_entry_and_falls_with_leverage(
    entry: float, mmr: float, fee: float, low: float, step: float, basis: str, contract: str
) -> None:
    high = low + step
    assume(high * (mmr + fee) < 0.95)
    common = {
        "side": "short",
        "entry": entry,
        "qty": 3,
        "mmr": mmr,
        "fee_rate": fee,
        "mm_basis": basis,
        "contract": contract,
    }
    p_low = out("liquidation_price", leverage=low, **common)["liquidation_price"]
    p_high = out("liquidation_price", leverage=high, **common)["liquidation_price"]
    assert p_high is not None and p_high > entry
    if p_low is not None:
        assert p_low > p_high * (1 - 1e-12)


@settings(max_examples=200, deadline=None)
@given(
    collateral=st.floats(min_value=1, max_value=1e9),
    ltv=st.floats(min_value=0, max_value=0.95),
    loops=st.integers(min_value=0, max_value=300),
)
def test_loop_leverage_monotone_and_bounded_by_limit(collateral: float, ltv: float, loops: int) -> None:
    now = out("loop_leverage", initial_collateral=collateral, ltv=ltv, loops=loops)
    later = out("loop_leverage", initial_collateral=collateral, ltv=ltv, loops=loops + 1)
    assert now["leverage"] <= later["leverage"] <= now["max_leverage"] * (1 + 1e-12)
    assert now["max_leverage"] == pytest.approx(1 / (1 - ltv))
    assert now["borrowed"] == pytest.approx(now["position"] - collateral)


@settings(max_examples=100, deadline=None)
@given(ltv=st.floats(min_value=0.01, max_value=0.9))
def test_loop_leverage_approaches_the_asymptote(ltv: float) -> None:
    far = out("loop_leverage", initial_collateral=1, ltv=ltv, loops=1000)
    assert far["leverage"] == pytest.approx(1 / (1 - ltv), rel=1e-9)


@settings(max_examples=200, deadline=None)
@given(
    position=st.floats(min_value=1, max_value=1e9),
    vol=st.floats(min_value=1e-4, max_value=0.2),
    conf=st.floats(min_value=0.5, max_value=0.999),
    horizon=st.floats(min_value=0.1, max_value=250),
    factor=st.floats(min_value=1.5, max_value=100),
)
def test_var_scales_with_square_root_of_horizon(
    position: float, vol: float, conf: float, horizon: float, factor: float
) -> None:
    one = out("var_es_normal", position=position, daily_vol=vol, confidence=conf, horizon_days=horizon)
    many = out("var_es_normal", position=position, daily_vol=vol, confidence=conf, horizon_days=horizon * factor)
    assert many["var"] == pytest.approx(one["var"] * math.sqrt(factor), rel=1e-9)
    assert many["es"] == pytest.approx(one["es"] * math.sqrt(factor), rel=1e-9)
    assert one["es"] >= one["var"]


@settings(max_examples=200, deadline=None)
@given(
    collateral=st.lists(st.floats(min_value=0, max_value=1e9), min_size=1, max_size=6),
    threshold=st.floats(min_value=0.01, max_value=1),
    debt=st.floats(min_value=1, max_value=1e9),
    factor=st.floats(min_value=1.1, max_value=1000),
)
def test_health_factor_inverse_in_debt(collateral: list[float], threshold: float, debt: float, factor: float) -> None:
    one = out("health_factor", collateral=collateral, liquidation_threshold=threshold, debt=debt)
    more = out("health_factor", collateral=collateral, liquidation_threshold=threshold, debt=debt * factor)
    assert more["health_factor"] == pytest.approx(one["health_factor"] / factor, rel=1e-9, abs=1e-300)
    assert more["liquidatable"] == (more["health_factor"] < 1)


@settings(max_examples=100, deadline=None)
@given(returns=st.lists(st.floats(min_value=-0.3, max_value=0.3), min_size=1, max_size=30))
def test_one_x_fund_tracks_index(returns: list[float]) -> None:
    result = out("leveraged_etf_path", leverage=1, index_returns=returns)
    assert result["final_fund"] == pytest.approx(result["final_index"], rel=1e-12)


@settings(max_examples=100, deadline=None)
@given(
    levels=st.lists(st.floats(min_value=1, max_value=99), min_size=1, max_size=20),
    shock=st.floats(min_value=0, max_value=0.5),
    depth=st.floats(min_value=1e4, max_value=1e8),
)
def test_cascade_price_never_rises_for_longs_and_volume_adds_up(
    levels: list[float], shock: float, depth: float
) -> None:
    result = out(
        "liquidation_cascade",
        price=100,
        initial_shock=shock,
        depth=depth,
        liquidation_prices=levels,
        notionals=[1e5] * len(levels),
    )
    prices_by_round = result["round_prices"]
    assert all(b <= a for a, b in pairwise(prices_by_round))
    assert result["total_liquidated"] == pytest.approx(sum(result["round_volumes"]))
    # When the rounds stop, exactly the positions whose level the final price has reached are gone.
    liquidated = round(result["total_liquidated"] / 1e5)
    assert liquidated == sum(1 for level in levels if level >= result["final_price"])
