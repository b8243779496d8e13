"""Synthetic corpora with the size and field mix of the real entries, valid by construction.

    python -m bench corpus --n 10000 --out /tmp/terms [--seed 9] [--force]

The mix follows the shipped `terms/` (measured when this was written, 96 entries):

    kind          share  size   body words  [[links]]  relations  formulas  examples
    definition     76%   4.3 KB    ~260        ~5.5       ~3.9      ~1.3      ~1.4
    term           19%   8.2 KB    ~550        ~7.4       ~5.0      ~2.5      ~2.5
    area            5%   6.3 KB    ~260        ~20        ~4.6        -         -  (5 FAQ items)

Every generated corpus passes `glossary validate` with no problems at all, errors or
warnings, because each rule is satisfied on purpose rather than by luck:
- titles, aliases and abbreviations are unique after the checker's normalisation, and no
  two titles are near duplicates by the checker's own key (plural, order, typo);
- relations state each pair of entries once, so they can never conflict;
- every `[[link]]`, relation and area names a generated slug, and every entry gets at
  least one inbound link (no orphans); every area has members and FAQ facets;
- worked examples state values computed here with the project's own code
  (`generator.calc.parse` for formula examples, `generator.calc.calculators.run` for calculator
  examples), written with enough decimals that the checker's precision rule accepts them.

The same `n` and `seed` always give byte-identical files.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from bench import CORPUS_VERSION, SEED  # noqa: F401 - re-exported for callers
from generator import markup
from generator.calc import calculators as leverage
from generator.calc import evaluate as evaluation
from generator.calc import parse as language
from generator.check.prose import MIN_WORDS
from generator.check.values import normalise_name, precision_of, slugify

KIND_SHARES = (("area", 0.05), ("term", 0.19))  # the rest are definitions
MIN_AREAS = 3

# -- vocabulary ---------------------------------------------------------------------------

MODIFIERS = """Tiered Adjusted Effective Net Gross Dynamic Static Rolling Annualized Implied
Realized Isolated Portfolio Synthetic Nested Fractional Weighted Marginal Incremental
Conditional Notional Forward Intraday Overnight Stressed Hedged Unhedged Residual Regional
Pooled Segregated Quanto Perpetual Dated Onchain Offchain Retail Institutional Tokenized
Collateralized Funded Unfunded Secured Unsecured Blended Capped Floating Fixed
Layered Recursive Reflexive Decaying Bilateral Cleared Uncleared Sovereign Consolidated
Aggregate Peak Trailing Prospective Contingent Embedded Composite Discounted Smoothed
Bounded Asymmetric Scaled Clustered Leveraged Sticky""".split()

# (title, alias stem, what it is: a noun phrase that completes "... is ...")
BASES: tuple[tuple[str, str, str], ...] = (
    ("Liquidation Price", "liq price", "the price at which a venue force-closes a leveraged position"),
    ("Margin Ratio", "margin usage", "the share of an account's equity consumed by maintenance margin"),
    ("Funding Rate", "funding", "the periodic payment that ties a perpetual swap to its index"),
    ("Maintenance Margin", "maint margin", "the minimum equity a position must keep before liquidation"),
    ("Initial Margin", "opening margin", "the collateral required to open a leveraged position"),
    ("Leverage Ratio", "gearing", "exposure divided by the capital that supports it"),
    ("Health Factor", "health score", "weighted collateral divided by debt in a lending protocol"),
    ("Loan-to-Value Ratio", "loan to value", "debt as a fraction of the collateral that secures it"),
    ("Collateral Haircut", "haircut rate", "the discount applied to collateral when valuing it for margin"),
    ("Insurance Fund", "backstop fund", "the pool a venue uses to absorb losses beyond a trader's margin"),
    ("Mark Price", "fair price", "the reference price a venue uses to value open positions"),
    ("Index Price", "spot index", "an average of spot prices across venues used as a reference"),
    ("Basis Spread", "futures premium", "the gap between a futures price and the spot price"),
    ("Auto-Deleveraging", "adl queue", "the forced reduction of profitable positions when losses exceed the backstop"),
    ("Bankruptcy Price", "zero equity price", "the price at which a position's margin is exhausted"),
    ("Margin Call", "call notice", "a demand to add collateral after losses erode equity"),
    ("Position Limit", "size cap", "the largest position a participant may hold"),
    ("Risk Limit", "risk tier", "a cap on position size that rises with the margin rate"),
    ("Cross Margin", "shared margin", "a mode in which all positions draw on one pool of collateral"),
    ("Isolated Margin", "ring-fenced margin", "a mode in which each position has its own collateral"),
    ("Open Interest", "open contracts", "the number of derivative contracts outstanding"),
    ("Liquidation Cascade", "liquidation spiral", "a chain of forced sales each triggering the next"),
    ("Margin Spiral", "margin loop", "rising margins forcing sales that raise margins further"),
    ("Loss Spiral", "loss loop", "losses forcing sales that cause further losses"),
    ("Fire Sale", "distressed sale", "a forced sale at prices below fundamental value"),
    ("Deleveraging Wave", "unwind wave", "a broad reduction of leverage across a market"),
    ("Collateral Factor", "borrow factor", "the share of collateral value a protocol lets users borrow"),
    ("Liquidation Threshold", "liq threshold", "the loan-to-value at which a loan becomes liquidatable"),
    ("Liquidation Bonus", "liq bonus", "the discount a liquidator receives on seized collateral"),
    ("Close Factor", "repay factor", "the share of a debt a liquidator may repay at once"),
    ("Utilization Rate", "pool usage", "borrowed funds as a share of a lending pool"),
    ("Price Oracle", "oracle feed", "the on-chain source of prices used to value collateral"),
    ("Flash Loan", "atomic loan", "an uncollateralized loan repaid within one transaction"),
    ("Recursive Borrowing", "looping", "depositing borrowed funds as collateral to borrow again"),
    ("Yield Farming Leverage", "farm leverage", "borrowing to multiply exposure to farming rewards"),
    ("Leveraged Token", "lev token", "a token that targets a fixed multiple of daily returns"),
    ("Volatility Decay", "beta slippage", "the erosion of a daily-reset leveraged product in choppy markets"),
    ("Rebalancing Flow", "rebalance flow", "trades a leveraged fund must make to restore its multiple"),
    ("Value at Risk", "var estimate", "the loss not exceeded at a given confidence over a horizon"),
    ("Expected Shortfall", "cvar estimate", "the average loss beyond the value at risk"),
    ("Kelly Fraction", "kelly sizing", "the growth-optimal fraction of wealth to risk"),
    ("Stress Scenario", "shock scenario", "a hypothetical market move used to size losses"),
    ("Correlation Breakdown", "correlation shift", "the tendency of correlations to rise in a crisis"),
    ("Liquidity Horizon", "exit horizon", "the time needed to unwind a position without undue impact"),
    ("Market Depth", "book depth", "the volume resting near the best price in an order book"),
    ("Slippage Cost", "execution slippage", "the difference between expected and executed prices"),
    ("Price Impact", "market impact", "the move in price caused by a trade itself"),
    ("Capital Buffer", "capital cushion", "capital held above the regulatory minimum"),
    ("Basel Leverage Ratio", "tier one leverage ratio", "tier one capital over the total exposure measure"),
    ("Exposure Measure", "leverage exposure", "the denominator of the regulatory leverage ratio"),
    ("Countercyclical Buffer", "ccyb buffer", "a capital add-on raised in booms and released in busts"),
    ("Margin Period of Risk", "close-out period", "the time assumed to close out a defaulted counterparty"),
    ("Variation Margin", "daily settlement", "collateral exchanged to cover mark-to-market moves"),
    ("Procyclical Margin", "procyclicality", "margin that rises in stress and falls in calm"),
    ("Repo Financing", "repurchase funding", "borrowing cash against securities sold and bought back"),
    ("Prime Brokerage", "prime financing", "bundled financing and custody services for funds"),
    ("Securities Lending", "stock loan", "the temporary transfer of securities against collateral"),
    ("Total Return Swap", "trs exposure", "a swap that passes an asset's full return to the receiver"),
    ("Contract for Difference", "cfd position", "a contract paying the change in an asset's price"),
    ("Options Delta", "hedge ratio", "the sensitivity of an option's price to its underlying"),
    ("Options Gamma", "convexity exposure", "the rate at which delta changes with the underlying"),
    ("Implied Volatility", "implied vol", "the volatility that equates a model price to the market price"),
    ("Realized Volatility", "historical vol", "the volatility observed in past returns"),
    ("Carry Trade", "funding carry", "borrowing in a cheap currency to hold a higher-yielding asset"),
    ("Cash and Carry", "basis capture", "buying spot and selling futures to earn the basis"),
    ("Delta-Neutral Vault", "neutral vault", "a pooled strategy that hedges price exposure"),
    ("Stablecoin Peg", "peg stability", "the mechanism that keeps a stablecoin near its target"),
    ("Overcollateralization", "excess collateral", "collateral worth more than the debt it secures"),
    ("Bad Debt", "uncovered debt", "debt left after collateral is exhausted"),
    ("Socialized Loss", "loss clawback", "losses spread across profitable traders"),
    ("Default Waterfall", "loss waterfall", "the order in which resources absorb a member default"),
    ("Clearing Fund", "guarantee fund", "mutualized resources held by a clearing house"),
    ("Concentration Charge", "concentration add-on", "extra margin for large or illiquid positions"),
    ("Portfolio Margining", "risk-based margin", "margin set by the risk of a whole portfolio"),
    ("Spread Credit", "offset credit", "margin relief for offsetting positions"),
    ("Gap Risk", "jump risk", "the risk that price moves past a stop without trading"),
    ("Wrong-Way Risk", "adverse correlation", "exposure that grows as the counterparty weakens"),
    ("Counterparty Exposure", "credit exposure", "what a counterparty owes if it defaults today"),
    ("Debt-to-Equity Ratio", "debt ratio", "borrowed money divided by owners' capital"),
    ("Equity Multiplier", "asset multiplier", "total assets divided by equity"),
    ("Return on Equity", "equity return", "profit divided by the capital committed"),
    ("Break-Even Price", "zero pnl price", "the price at which a position neither gains nor loses"),
    ("Stop-Loss Order", "protective stop", "an order that exits a position past a set price"),
    ("Take-Profit Order", "profit target", "an order that closes a position at a gain"),
    ("Position Sizing", "trade sizing", "choosing how much capital to commit to a trade"),
    ("Drawdown Limit", "loss limit", "the largest decline from peak a strategy may suffer"),
    ("Leverage Cycle", "credit cycle", "the swing of permitted leverage between booms and busts"),
    ("Collateral Velocity", "rehypothecation rate", "how often pledged collateral is reused"),
    ("Rehypothecation", "collateral reuse", "reusing a client's pledged collateral for the broker's own borrowing"),
    ("Shadow Leverage", "hidden leverage", "leverage embedded in instruments rather than borrowing"),
    ("Synthetic Leverage", "derivative leverage", "exposure gained through derivatives without borrowing"),
    ("Notional Exposure", "gross notional", "the face value of derivative positions"),
    ("Margin Efficiency", "capital efficiency", "exposure obtained per unit of margin"),
    ("Funding Liquidity", "funding access", "the ease of borrowing against assets"),
    ("Market Liquidity", "trading liquidity", "the ease of trading without moving the price"),
    ("Liquidity Spiral", "liquidity loop", "falling market and funding liquidity reinforcing each other"),
    ("Contagion Channel", "spillover channel", "a route by which distress spreads between firms"),
    ("Leverage Cap", "max leverage", "the largest leverage a venue or rule allows"),
    ("Premium Index", "perp premium", "the gap between a perpetual's price and its index"),
    ("Inverse Contract", "coin-margined contract", "a contract margined and settled in the base coin"),
    ("Linear Contract", "usdt-margined contract", "a contract margined and settled in the quote currency"),
    ("Quanto Contract", "quanto swap", "a contract paying in a currency other than its quote"),
)

AREA_BASES = (
    "Margin and Liquidation",
    "DeFi Leverage",
    "Perpetuals and Futures",
    "Systemic Leverage",
    "Leverage Regulation",
    "Leveraged Products",
    "Risk Measurement",
    "Asset-Class Leverage",
    "Collateral Management",
    "Funding Markets",
    "Options Leverage",
    "Structured Leverage",
    "Credit Leverage",
    "Treasury Leverage",
    "Market Microstructure",
    "Exchange Risk Controls",
)

TAGS = """formulas margin liquidation risk perpetuals defi systemic-risk regulation derivatives
lending collateral funding futures options volatility liquidity leverage exchanges clearing
banking stablecoins oracles capital hedging portfolio""".split()
TAG_WEIGHTS = [57, 36, 30, 28, 21, 20, 16, 16, 15, 15, 14, 13, 12, 10, 9, 9, 9, 8, 7, 7, 6, 5, 5, 4, 4]

RELATION_MIX = (("related", 65), ("uses", 24), ("broader", 4), ("narrower", 3), ("contrasts", 3), ("used_by", 1))

SENTENCES = (
    "Traders meet it first when a position moves against them and the venue starts counting the margin that is left.",
    "The figure is recomputed continuously from the mark price rather than from the last trade, which keeps a single thin print from triggering it.",
    "Risk teams publish the parameters behind it and change them when volatility or open interest moves sharply.",
    "Because the inputs are public, anyone can check the number a venue shows against the formula on this page.",
    "In calm markets the quantity looks stable, but it can change within minutes once prices gap.",
    "Lending protocols express the same idea in terms of collateral value and debt rather than margin and notional.",
    "A higher multiple raises the return on equity in both directions, so the same move that doubles a gain doubles a loss.",
    "Regulators watch the aggregate version of this measure because it shows how much borrowed money sits behind market prices.",
    "Most venues apply tiers, so the rate rises as the position grows and large accounts face tighter limits.",
    "The calculation ignores fees and funding, which matter for positions held over many days.",
    "Analysts compare the figure across venues to see where leverage is cheapest and where it is most fragile.",
    "When many accounts sit near the same threshold, a small price move can force a large volume of sales at once.",
    "The inputs come from an oracle or an index, so the quality of that price feed bounds the quality of the result.",
    "Historical data show that the measure tends to peak just before sharp corrections.",
    "Exchanges that offer very high leverage usually pair it with smaller position limits.",
    "For an inverse contract the same reasoning applies, but profits and losses are counted in the base coin.",
    "The number is a snapshot: it says nothing about how quickly the position could be reduced without moving the market.",
    "Portfolio margin systems replace the single rate with a scenario analysis across all open positions.",
    "In decentralized markets the rule is enforced by code, so there is no discretion and no grace period.",
    "A trader who adds collateral moves the threshold away from the current price and buys time.",
    "Central clearing houses use a similar quantity when they size the initial margin for each member.",
    "The concept predates crypto markets and appears in the margin rules of futures exchanges from the last century.",
    "Because leverage is reflexive, falling prices reduce collateral values and force further selling.",
    "Backtests that ignore this effect understate the losses of leveraged strategies in stressed periods.",
    "Different venues round the result differently, which explains small discrepancies between their calculators.",
    "The same calculation underlies the warnings that trading interfaces show before an order is placed.",
    "A position that looks safe on a daily horizon may be fragile over a few minutes of extreme volatility.",
    "Academic work links the measure to the availability of funding and to the cost of collateral.",
    "Supervisors ask firms to report it alongside stress results so that hidden leverage becomes visible.",
    "Taken together with liquidity, it determines how much of a market can be forced to trade at once.",
    "The result is sensitive to the maintenance rate, so a small change in policy can move many accounts at once.",
    "For long positions the threshold lies below the entry price and for short positions above it.",
    "A clear definition matters because marketing material often quotes the most favourable version of the number.",
    "Several incidents in 2020 and 2022 showed how quickly the measure can deteriorate across a whole market.",
    "It is usually quoted as a ratio, but some venues show it as a percentage or as a multiple.",
    "Risk models treat it as an input to the distribution of losses rather than as a fixed constant.",
    "On-chain data make the aggregate visible in real time, which is rarely possible in traditional markets.",
    "Hedging reduces the exposure that enters the calculation but adds basis risk between the two legs.",
    "The parameter is set by governance in most lending protocols and by the risk desk at centralized venues.",
    "Simple examples like the one below help readers check their intuition before relying on a calculator.",
)
MATH_SENTENCES = (
    "With equity $E$ and exposure $N$ the multiple is $L = N / E$, so halving equity doubles it.",
    "A move of $r$ in the price changes equity by $L \\cdot r$ in relative terms.",
    "If the maintenance rate is $m$, the distance to the threshold is roughly $1/L - m$.",
)
LINK_SENTENCES = (
    "It is closely tied to {a}, and the two are usually read together.",
    "Readers who know {a} will recognize the same mechanism here.",
    "The calculation takes {a} as an input and feeds into {b}.",
    "It differs from {a}, which measures the same risk from the lender's side.",
    "During stress it interacts with {a} and {b}, which can amplify the first move.",
    "Venues report it next to {a} so that traders can see both at a glance.",
    "For the regulatory view, see {a}.",
    "A sudden change usually shows up first in {a} and only later here.",
)
MENTION_SENTENCES = (
    "Practitioners often discuss it alongside {m}.",
    "The same data also drive {m}.",
    "Compare this with {m}, which many dashboards show next to it.",
)
TERM_SECTIONS = (
    "How it works",
    "Worked example",
    "Risks",
    "In practice",
    "History",
    "Measurement",
    "Relation to other entries",
    "Regulation",
    "On-chain variants",
)
FAQ_QUESTIONS = {
    "Capital": (
        "Where does the borrowed capital in {t} come from?",
        "How much can be borrowed in {t}?",
        "Who supplies the collateral in {t}?",
    ),
    "Calculation": (
        "How is leverage measured in {t}?",
        "Which formula decides when a position in {t} is closed?",
        "What inputs does the main ratio in {t} need?",
    ),
    "Consequence": (
        "What happens in {t} when prices fall fast?",
        "Why can losses in {t} spread to other markets?",
        "Who bears the loss when collateral in {t} runs out?",
    ),
}
PUBLISHERS = (
    ("Binance", "https://www.binance.com/en/support/faq/{hex}", "Binance support article on {topic}"),
    ("Bybit Help Center", "https://www.bybit.com/en/help-center/article/{hex}", "Bybit guide to {topic}"),
    (
        "Bank for International Settlements",
        "https://www.bis.org/publ/work{num}.htm",
        "BIS working paper {num} on {topic}",
    ),
    ("arXiv", "https://arxiv.org/abs/{yy}{mm}.{five}", "A study of {topic} in crypto derivatives markets"),
    ("Aave", "https://docs.aave.com/risk/{slug}", "Aave risk documentation on {topic}"),
    (
        "John C. Hull, Pearson",
        "https://www-2.rotman.utoronto.ca/~hull/ofod/{slug}.html",
        "Options, Futures, and Other Derivatives on {topic}",
    ),
    (
        "Federal Reserve",
        "https://www.federalreserve.gov/econres/feds/{slug}.htm",
        "Financial stability note on {topic}",
    ),
    (
        "European Securities and Markets Authority",
        "https://www.esma.europa.eu/document/{slug}",
        "ESMA statement on {topic}",
    ),
    ("CME Group", "https://www.cmegroup.com/education/{slug}.html", "CME Group course on {topic}"),
    ("Deribit", "https://insights.deribit.com/{slug}/", "Deribit insight on {topic}"),
)


# -- worked examples ------------------------------------------------------------------------


@dataclass(frozen=True)
class FormulaTemplate:
    id: str
    title: str
    latex: str
    expr: str
    result: tuple[str, str, str]  # name, symbol, unit
    variables: tuple[tuple[str, str, str, str, tuple[str, ...]], ...]  # name, symbol, meaning, unit, input choices
    example: str  # example title; {name} placeholders are the inputs


def _choices(*values: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in values)


FORMULAS: tuple[FormulaTemplate, ...] = (
    FormulaTemplate(
        "leverage-ratio",
        "Leverage as exposure over equity",
        "L = \\frac{N}{E}",
        "notional / equity",
        ("leverage", "L", "x"),
        (
            ("notional", "N", "position notional", "USD", _choices(10000, 25000, 50000, 120000, 250000)),
            ("equity", "E", "own capital", "USD", _choices(2000, 5000, 10000, 25000)),
        ),
        "{notional} USD of exposure on {equity} USD of equity",
    ),
    FormulaTemplate(
        "isolated-linear-long",
        "Isolated margin, linear contract, long",
        "P_{liq} = \\frac{P_0 - M/Q}{1 - m}",
        "(entry - margin / qty) / (1 - mmr)",
        ("liquidation_price", "P_{liq}", "USDT"),
        (
            ("entry", "P_0", "entry price", "USDT", _choices(20000, 35000, 50000, 64000)),
            ("margin", "M", "margin assigned to the position", "USDT", _choices(1000, 2500, 5000)),
            ("qty", "Q", "position size", "BTC", _choices(0.5, 1, 2)),
            ("mmr", "m", "maintenance margin rate", "ratio", _choices(0.004, 0.005, 0.01)),
        ),
        "A long of {qty} BTC entered at {entry}",
    ),
    FormulaTemplate(
        "isolated-linear-short",
        "Isolated margin, linear contract, short",
        "P_{liq} = \\frac{P_0 + M/Q}{1 + m}",
        "(entry + margin / qty) / (1 + mmr)",
        ("liquidation_price", "P_{liq}", "USDT"),
        (
            ("entry", "P_0", "entry price", "USDT", _choices(20000, 35000, 50000, 64000)),
            ("margin", "M", "margin assigned to the position", "USDT", _choices(1000, 2500, 5000)),
            ("qty", "Q", "position size", "BTC", _choices(0.5, 1, 2)),
            ("mmr", "m", "maintenance margin rate", "ratio", _choices(0.004, 0.005, 0.01)),
        ),
        "A short of {qty} BTC entered at {entry}",
    ),
    FormulaTemplate(
        "funding-payment",
        "Funding paid by a long",
        "F = N \\cdot r",
        "notional * rate",
        ("payment", "F", "USDT"),
        (
            ("notional", "N", "position value at the mark price", "USDT", _choices(10000, 40000, 150000)),
            ("rate", "r", "funding rate for the interval", "ratio", _choices(0.0001, 0.0003, -0.0002, 0.00075)),
        ),
        "Funding on {notional} USDT at a rate of {rate}",
    ),
    FormulaTemplate(
        "loan-to-value",
        "Loan-to-value",
        "LTV = \\frac{D}{C}",
        "debt / collateral",
        ("ltv", "LTV", "ratio"),
        (
            ("debt", "D", "borrowed value", "USD", _choices(3000, 6000, 7500, 9000)),
            ("collateral", "C", "collateral value", "USD", _choices(10000, 12000, 20000)),
        ),
        "{debt} USD borrowed against {collateral} USD",
    ),
    FormulaTemplate(
        "health-factor",
        "Health factor",
        "HF = \\frac{C \\cdot LT}{D}",
        "collateral * threshold / debt",
        ("health_factor", "HF", "ratio"),
        (
            ("collateral", "C", "collateral value", "USD", _choices(10000, 15000, 30000)),
            ("threshold", "LT", "liquidation threshold", "ratio", _choices(0.75, 0.8, 0.825, 0.86)),
            ("debt", "D", "borrowed value", "USD", _choices(5000, 8000, 12000)),
        ),
        "{collateral} USD of collateral against {debt} USD of debt",
    ),
    FormulaTemplate(
        "annualised-basis",
        "Annualised basis (simple)",
        "b_{yr} = \\left(\\frac{F}{S} - 1\\right)\\frac{1}{T}",
        "(futures / spot - 1) / years",
        ("annualised_basis", "b_{yr}", "ratio per year"),
        (
            ("futures", "F", "futures price", "USD", _choices(40.5, 51200, 30900)),
            ("spot", "S", "spot price", "USD", _choices(40, 50000, 30000)),
            ("years", "T", "time to expiry in years", "years", _choices(0.25, 0.5, 0.0822)),
        ),
        "A future at {futures} against spot at {spot}",
    ),
    FormulaTemplate(
        "margin-ratio",
        "Margin ratio",
        "MR = \\frac{MM}{E}",
        "maintenance / equity",
        ("margin_ratio", "MR", "ratio"),
        (
            ("maintenance", "MM", "maintenance margin", "USDT", _choices(250, 400, 1200)),
            ("equity", "E", "account equity", "USDT", _choices(1000, 2500, 6000)),
        ),
        "{maintenance} USDT of maintenance margin on {equity} USDT of equity",
    ),
    FormulaTemplate(
        "max-loop-leverage",
        "Limit of looped leverage",
        "L_{max} = \\frac{1}{1 - LTV}",
        "1 / (1 - ltv)",
        ("max_leverage", "L_{max}", "x"),
        (("ltv", "LTV", "loan-to-value used on each loop", "ratio", _choices(0.5, 0.7, 0.75, 0.8, 0.9)),),
        "Looping at a loan-to-value of {ltv}",
    ),
    FormulaTemplate(
        "normal-var",
        "Parametric value at risk",
        "VaR = V \\sigma \\Phi^{-1}(c) \\sqrt{h}",
        "position * vol * ppf(confidence) * sqrt(days)",
        ("var", "VaR", "USD"),
        (
            ("position", "V", "position value", "USD", _choices(100000, 1000000, 2500000)),
            ("vol", "\\sigma", "daily volatility", "ratio", _choices(0.02, 0.035, 0.05)),
            ("confidence", "c", "confidence level", "ratio", _choices(0.95, 0.99, 0.975)),
            ("days", "h", "horizon", "days", _choices(1, 10)),
        ),
        "VaR of {position} USD at {confidence}",
    ),
    FormulaTemplate(
        "kelly-leverage",
        "Kelly leverage",
        "f^* = \\frac{\\mu - r}{\\sigma^2}",
        "(mu - r) / sigma ** 2",
        ("kelly", "f^*", "x"),
        (
            ("mu", "\\mu", "expected annual return", "per year", _choices(0.08, 0.12, 0.3)),
            ("r", "r", "risk-free rate", "per year", _choices(0.02, 0.04)),
            ("sigma", "\\sigma", "annual volatility", "per sqrt(year)", _choices(0.15, 0.2, 0.6)),
        ),
        "Kelly leverage for a drift of {mu}",
    ),
    FormulaTemplate(
        "initial-margin",
        "Initial margin at a given leverage",
        "IM = \\frac{Q P}{L}",
        "qty * price / leverage",
        ("initial_margin", "IM", "USDT"),
        (
            ("qty", "Q", "position size", "BTC", _choices(0.1, 0.5, 1, 3)),
            ("price", "P", "entry price", "USDT", _choices(25000, 42000, 60000)),
            ("leverage", "L", "leverage", "x", _choices(5, 10, 20, 50)),
        ),
        "{qty} BTC at {leverage}x",
    ),
    FormulaTemplate(
        "linear-pnl-long",
        "Profit of a linear long",
        "PnL = Q (P_1 - P_0)",
        "qty * (exit_price - entry)",
        ("pnl", "PnL", "USDT"),
        (
            ("qty", "Q", "position size", "BTC", _choices(0.25, 1, 2.5)),
            ("entry", "P_0", "entry price", "USDT", _choices(30000, 45000, 60000)),
            ("exit_price", "P_1", "exit price", "USDT", _choices(28000, 47000, 66000)),
        ),
        "{qty} BTC bought at {entry} and sold at {exit_price}",
    ),
    FormulaTemplate(
        "return-on-equity",
        "Return on margin",
        "ROE = \\frac{L (P_1 - P_0)}{P_0}",
        "leverage * (exit_price - entry) / entry",
        ("roe", "ROE", "ratio"),
        (
            ("leverage", "L", "leverage", "x", _choices(3, 10, 25)),
            ("entry", "P_0", "entry price", "USDT", _choices(30000, 45000, 60000)),
            ("exit_price", "P_1", "exit price", "USDT", _choices(29000, 46000, 61500)),
        ),
        "A {leverage}x long from {entry} to {exit_price}",
    ),
    FormulaTemplate(
        "haircut-leverage",
        "Leverage allowed by a haircut",
        "L_{max} = \\frac{1}{h}",
        "1 / haircut",
        ("max_leverage", "L_{max}", "x"),
        (("haircut", "h", "collateral haircut", "ratio", _choices(0.02, 0.05, 0.1, 0.25)),),
        "A haircut of {haircut}",
    ),
    FormulaTemplate(
        "utilization",
        "Pool utilization",
        "U = \\frac{B}{C + B}",
        "borrows / (cash + borrows)",
        ("utilization", "U", "ratio"),
        (
            ("borrows", "B", "borrowed from the pool", "USD", _choices(400000, 750000, 900000)),
            ("cash", "C", "cash left in the pool", "USD", _choices(100000, 250000, 600000)),
        ),
        "{borrows} USD borrowed with {cash} USD idle",
    ),
    FormulaTemplate(
        "basel-ratio",
        "Basel III leverage ratio",
        "LR = \\frac{T1}{X}",
        "tier1 / exposure",
        ("leverage_ratio", "LR", "ratio"),
        (
            ("tier1", "T1", "tier one capital", "USD bn", _choices(40, 65, 120)),
            ("exposure", "X", "exposure measure", "USD bn", _choices(1100, 1800, 3000)),
        ),
        "Tier one capital of {tier1} bn against {exposure} bn",
    ),
    FormulaTemplate(
        "daily-reset-path",
        "Daily-reset fund after n equal days",
        "V_n = V_0 (1 + L r)^n",
        "start * (1 + leverage * daily_return) ** days",
        ("final_value", "V_n", "USD"),
        (
            ("start", "V_0", "starting value", "USD", _choices(100, 1000)),
            ("leverage", "L", "daily leverage multiple", "x", _choices(2, 3, -1)),
            ("daily_return", "r", "index return each day", "ratio", _choices(0.01, -0.01, 0.005)),
            ("days", "n", "number of days", "days", _choices(5, 10, 20)),
        ),
        "A {leverage}x fund over {days} days",
    ),
    FormulaTemplate(
        "liquidation-distance",
        "Distance to liquidation",
        "d = \\frac{1}{L} - m",
        "1 / leverage - mmr",
        ("distance", "d", "ratio"),
        (
            ("leverage", "L", "leverage", "x", _choices(5, 10, 20, 50)),
            ("mmr", "m", "maintenance margin rate", "ratio", _choices(0.004, 0.005, 0.01)),
        ),
        "How far a {leverage}x position is from liquidation",
    ),
)


@dataclass(frozen=True)
class CalculatorTemplate:
    name: str
    inputs: tuple[tuple[str, tuple[str, ...]], ...]
    expect: tuple[str, ...]
    title: str


CALCULATOR_EXAMPLES: tuple[CalculatorTemplate, ...] = (
    CalculatorTemplate(
        "liquidation_price",
        (
            ("side", ("long", "short")),
            ("entry", _choices(30000, 50000, 64000)),
            ("qty", _choices(1, 2)),
            ("leverage", _choices(5, 10, 20)),
            ("mmr", _choices(0.004, 0.005)),
        ),
        ("liquidation_price",),
        "A {leverage}x {side} on BTC from {entry}",
    ),
    CalculatorTemplate(
        "pnl",
        (
            ("side", ("long", "short")),
            ("qty", _choices(0.5, 1, 3)),
            ("entry", _choices(30000, 45000)),
            ("exit", _choices(33000, 42000)),
            ("leverage", _choices(5, 10)),
        ),
        ("pnl", "roe"),
        "A {side} of {qty} BTC closed at {exit}",
    ),
    CalculatorTemplate(
        "funding_payment",
        (("side", ("long", "short")), ("notional", _choices(20000, 100000)), ("rate", _choices(0.0001, -0.0003))),
        ("payment",),
        "Funding on a {side} of {notional} USDT",
    ),
    CalculatorTemplate(
        "loop_leverage",
        (("initial_collateral", _choices(1000, 10000)), ("ltv", _choices(0.5, 0.75)), ("loops", _choices(2, 3, 5))),
        ("leverage", "max_leverage"),
        "{loops} loops at a loan-to-value of {ltv}",
    ),
    CalculatorTemplate(
        "leverage_ratio",
        (("notional", _choices(50000, 300000)), ("equity", _choices(10000, 20000))),
        ("leverage",),
        "{notional} of exposure on {equity} of equity",
    ),
    CalculatorTemplate(
        "initial_margin",
        (("qty", _choices(1, 2)), ("price", _choices(40000, 60000)), ("leverage", _choices(10, 25))),
        ("initial_margin",),
        "{qty} BTC at {leverage}x",
    ),
    CalculatorTemplate(
        "maintenance_margin",
        (("qty", _choices(1, 5)), ("price", _choices(40000, 60000)), ("mmr", _choices(0.004, 0.01))),
        ("maintenance_margin",),
        "Maintenance on {qty} BTC at {price}",
    ),
    CalculatorTemplate(
        "health_factor",
        (
            ("collateral", _choices(10000, 25000)),
            ("liquidation_threshold", _choices(0.8, 0.85)),
            ("debt", _choices(6000, 9000)),
        ),
        ("health_factor", "liquidatable"),
        "{debt} USD borrowed against {collateral} USD",
    ),
    CalculatorTemplate(
        "var_es_normal",
        (
            ("position", _choices(1000000, 5000000)),
            ("daily_vol", _choices(0.02, 0.04)),
            ("confidence", _choices(0.99, 0.975)),
        ),
        ("var", "es"),
        "VaR and ES of {position} USD",
    ),
    CalculatorTemplate(
        "kelly_leverage",
        (
            ("mean_return", _choices(0.1, 0.15)),
            (
                "risk_free",
                _choices(
                    0.03,
                ),
            ),
            ("volatility", _choices(0.2, 0.25)),
        ),
        ("kelly_leverage",),
        "Kelly leverage at {volatility} volatility",
    ),
    CalculatorTemplate(
        "basel_leverage_ratio",
        (("tier1_capital", _choices(60, 90)), ("exposure", _choices(1500, 2500))),
        ("leverage_ratio", "meets_minimum"),
        "Leverage ratio of a bank with {tier1_capital} bn",
    ),
)


def number_text(value: float) -> str:
    """A YAML float literal the checker reads at a precision that accepts `value`."""
    if not math.isfinite(value):
        raise ValueError(f"cannot state {value} in an example")
    magnitude = abs(value)
    decimals = 2 if magnitude >= 100 else 4 if magnitude >= 1 else 6
    while True:
        text = f"{value:.{decimals}f}"
        if text in ("-0." + "0" * decimals,):
            text = text[1:]
        # the checker accepts half a unit in the last decimal; stay well inside that
        if abs(float(text) - value) <= 0.5 * precision_of(text):
            return text
        decimals += 1


def _parse_literal(text: str) -> Any:
    """What YAML makes of the input literals used here (ints, floats, plain words)."""
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text


def _value_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return number_text(float(value))


# -- the plan -------------------------------------------------------------------------------


@dataclass
class Spec:
    slug: str
    title: str
    kind: str
    summary: str = ""
    aliases: list[str] = field(default_factory=list)
    abbreviations: list[str] = field(default_factory=list)
    areas: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    relations: dict[str, list[str]] = field(default_factory=dict)
    formulas: list[FormulaTemplate] = field(default_factory=list)
    examples: list[dict[str, Any]] = field(default_factory=list)
    faq: list[tuple[str, str, str]] = field(default_factory=list)
    sources: list[dict[str, str]] = field(default_factory=list)
    body: list[list[str]] = field(default_factory=list)  # sections; each a list of blocks; section 0 untitled
    headings: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)  # slugs linked from the body
    published: str = ""
    modified: str = ""
    base_def: str = ""
    stem: str = ""  # the base concept's short name, for aliases
    qualifier: str = ""  # the modifiers in front of the base concept


class _Names:
    """Titles, aliases and abbreviations in use, with the checker's clash and near-duplicate rules."""

    def __init__(self) -> None:
        self.used: set[str] = set()
        self.slugs: set[str] = set()
        self.buckets: dict[str, list[str]] = defaultdict(list)

    @staticmethod
    def near_key(title: str) -> str:  # the same key as generator.check.cross_entry._near_duplicates
        words = re.findall(r"[a-z0-9]+", normalise_name(title))
        return " ".join(sorted(w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in words))

    def title_ok(self, title: str) -> bool:
        slug = slugify(title)
        if normalise_name(title) in self.used or slug in self.slugs:
            return False
        key = self.near_key(title)
        bucket = self.buckets[key[:4]]
        if bucket and process.extractOne(key, bucket, scorer=fuzz.ratio, score_cutoff=88) is not None:
            return False
        return True

    def take_title(self, title: str) -> str:
        key = self.near_key(title)
        self.buckets[key[:4]].append(key)
        self.used.add(normalise_name(title))
        slug = slugify(title)
        self.slugs.add(slug)
        return slug

    def take(self, name: str) -> bool:
        key = normalise_name(name)
        if key in self.used:
            return False
        self.used.add(key)
        return True


def _kind_counts(n: int) -> dict[str, int]:
    areas = max(MIN_AREAS, round(n * KIND_SHARES[0][1])) if n >= MIN_AREAS + 1 else 1
    terms = round(n * KIND_SHARES[1][1])
    return {"area": areas, "term": terms, "definition": n - areas - terms}


def _titles(
    rng: random.Random, names: _Names, count: int, bases: Sequence[Any], area: bool
) -> list[tuple[str, Any, str]]:
    out: list[tuple[str, Any, str]] = []
    attempts = 0
    while len(out) < count:
        attempts += 1
        if attempts > count * 200 + 10_000:
            raise RuntimeError("ran out of distinct titles; extend MODIFIERS or BASES")
        base = rng.choice(bases)
        base_title = base if area else base[0]
        mods = rng.sample(MODIFIERS, 1 if rng.random() < 0.55 else 2)
        mods.sort(key=MODIFIERS.index)
        title = " ".join([*mods, base_title])
        if len(title) > 60 or not names.title_ok(title):
            continue
        names.take_title(title)
        out.append((title, base, " ".join(mods)))
    return out


def plan(n: int, seed: int = SEED) -> list[Spec]:
    """The whole corpus in memory: every entry with its text, links and worked examples."""
    if n < 1:
        raise ValueError("n must be at least 1")
    rng = random.Random(f"{seed}:{n}")
    counts = _kind_counts(n)
    names = _Names()
    specs: list[Spec] = []
    for title, base, mods in _titles(rng, names, counts["area"], AREA_BASES, area=True):
        specs.append(
            Spec(slugify(title), title, "area", base_def=f"the part of the glossary on {base.lower()}", qualifier=mods)
        )
    for kind in ("term", "definition"):
        for title, base, mods in _titles(rng, names, counts[kind], BASES, area=False):
            specs.append(Spec(slugify(title), title, kind, base_def=base[2], stem=base[1], qualifier=mods))
    rng.shuffle(specs)
    by_slug = {s.slug: s for s in specs}
    areas = [s for s in specs if s.kind == "area"]
    others = [s for s in specs if s.kind != "area"]

    for spec in specs:
        _names_for(rng, names, spec)
        spec.tags = _tags(rng)
        spec.published, spec.modified = _dates(rng)
        spec.summary = _summary(rng, spec)
    for spec in others:  # membership: 1-2 areas, like the real entries (~1.55)
        spec.areas = [a.slug for a in rng.sample(areas, min(len(areas), 1 if rng.random() < 0.5 else 2))]
    members: dict[str, list[str]] = defaultdict(list)
    for spec in others:
        for area in spec.areas:
            members[area].append(spec.slug)
    for area in areas:  # an area without members would be an orphan
        if not members[area.slug] and others:
            spec = rng.choice(others)
            spec.areas.append(area.slug)
            members[area.slug].append(spec.slug)

    _relations(rng, specs, areas)
    for spec in specs:
        _links(rng, spec, specs, members)
    _no_orphans(rng, specs, by_slug)
    for spec in specs:
        if spec.kind != "area":
            _formulas_and_examples(rng, spec)
        spec.sources = _sources(rng, spec)
        for example in spec.examples:
            example["source"] = rng.choice(spec.sources)["id"]
        if spec.kind == "area":
            spec.faq = _faq(rng, spec)
        _body(rng, spec, by_slug, members)
    specs.sort(key=lambda s: s.slug)
    return specs


def _names_for(rng: random.Random, names: _Names, spec: Spec) -> None:
    mods = spec.qualifier.split()
    stem = spec.stem or spec.title.split()[-1].lower()
    wanted = {
        "definition": rng.choice((1, 2, 2, 3, 3)),
        "term": rng.choice((2, 2, 3, 3)),
        "area": rng.choice((0, 1, 1, 2)),
    }[spec.kind]
    candidates = [f"{m.lower()} {stem}" for m in mods] + [f"{rng.choice(MODIFIERS).lower()} {stem}" for _ in range(4)]
    candidates.append(f"{stem} ({mods[0].lower()})" if mods else stem)
    for candidate in candidates:
        if len(spec.aliases) >= wanted:
            break
        if normalise_name(candidate) != normalise_name(spec.title) and names.take(candidate):
            spec.aliases.append(candidate)
    if spec.kind != "area" and rng.random() < (0.45 if spec.kind == "term" else 0.16):
        abbreviation = "".join(w[0] for w in re.findall(r"[A-Za-z]+", spec.title)).upper()
        if 2 <= len(abbreviation) <= 6 and names.take(abbreviation):
            spec.abbreviations.append(abbreviation)


def _tags(rng: random.Random) -> list[str]:
    count = rng.choice((3, 3, 4, 4, 4, 5))
    chosen: list[str] = []
    while len(chosen) < count:
        tag = rng.choices(TAGS, TAG_WEIGHTS)[0]
        if tag not in chosen:
            chosen.append(tag)
    return chosen


def _dates(rng: random.Random) -> tuple[str, str]:
    published = date(2025, 1, 1) + timedelta(days=rng.randrange(0, 540))
    modified = published + timedelta(days=rng.choice((0, 0, 3, 30, 120)))
    return published.isoformat(), modified.isoformat()


def _summary(rng: random.Random, spec: Spec) -> str:
    if spec.kind == "area":
        text = (
            f"The area covering {spec.title.lower()}: the measures, limits and mechanisms that decide how "
            f"much leverage participants can take and what happens when it unwinds."
        )
    else:
        qualifier = spec.qualifier.lower()
        text = f"The {qualifier} form of {spec.base_def}, as venues, protocols and supervisors compute and report it."
        if rng.random() < 0.6:
            text += " It sets how far prices can move before leverage is forced down."
    return text if len(text) <= 300 else text[:296].rsplit(" ", 1)[0] + "."


def _relations(rng: random.Random, specs: list[Spec], areas: list[Spec]) -> None:
    """State each unordered pair once, so the checker can never see a conflict."""
    pairs: set[tuple[str, str]] = set()
    others = [s for s in specs if s.kind != "area"]
    types, weights = zip(*RELATION_MIX)
    for spec in specs:
        if spec.kind == "area":
            pool, count = areas, min(len(areas) - 1, rng.choice((3, 4, 5, 6)))
        else:
            pool, count = others, rng.choice((2, 3, 4, 4, 5, 6) if spec.kind == "definition" else (4, 5, 5, 6))
        tries = 0
        stated = 0
        while stated < count and tries < count * 10:
            tries += 1
            target = rng.choice(pool)
            pair = (min(spec.slug, target.slug), max(spec.slug, target.slug))
            if target.slug == spec.slug or pair in pairs:
                continue
            pairs.add(pair)
            kind = "related" if spec.kind == "area" else rng.choices(types, weights)[0]
            spec.relations.setdefault(kind, []).append(target.slug)
            stated += 1


def _links(rng: random.Random, spec: Spec, specs: list[Spec], members: dict[str, list[str]]) -> None:
    if spec.kind == "area":
        pool = list(members[spec.slug])
        rng.shuffle(pool)
        spec.links = pool[: rng.randint(16, 24)]
        return
    wanted = rng.randint(3, 8) if spec.kind == "definition" else rng.randint(5, 10)
    related = [t for targets in spec.relations.values() for t in targets]
    links: list[str] = []
    for _ in range(wanted * 3):
        if len(links) >= wanted:
            break
        target = rng.choice(related) if related and rng.random() < 0.5 else rng.choice(specs).slug
        if target != spec.slug and target not in links:
            links.append(target)
    spec.links = links


def _no_orphans(rng: random.Random, specs: list[Spec], by_slug: dict[str, Spec]) -> None:
    inbound: set[str] = set()
    for spec in specs:
        inbound.update(spec.links)
        for targets in spec.relations.values():
            inbound.update(targets)
    for spec in specs:
        if spec.slug in inbound or spec.kind == "area":
            continue
        linker = rng.choice([s for s in specs[:50] if s.slug != spec.slug] or [s for s in specs if s is not spec])
        linker.links.append(spec.slug)
        inbound.add(spec.slug)


def _formulas_and_examples(rng: random.Random, spec: Spec) -> None:
    if spec.kind == "definition":
        has = rng.random() < 0.73
        count = rng.choice((1, 1, 2, 2, 3)) if has else 0
    else:
        count = rng.choice((1, 2, 2, 3, 3, 4))
    spec.formulas = rng.sample(FORMULAS, count)
    examples_wanted = 0
    if spec.formulas:
        examples_wanted = rng.choice((1, 1, 2, 2, 3)) if spec.kind == "definition" else rng.choice((2, 2, 3, 3, 4))
    for index in range(examples_wanted):
        if rng.random() < 0.15:
            spec.examples.append(_calculator_example(rng))
        else:
            spec.examples.append(_formula_example(rng, spec.formulas[index % len(spec.formulas)]))


def _formula_example(rng: random.Random, template: FormulaTemplate) -> dict[str, Any]:
    inputs = {name: rng.choice(choices) for name, _, _, _, choices in template.variables}
    values = {name: _parse_literal(text) for name, text in inputs.items()}
    expression = language.parse(template.expr, [v[0] for v in template.variables])
    result = evaluation.evaluate(expression, values)
    return {
        "title": template.example.format(**inputs),
        "formula": template.id,
        "inputs": inputs,
        "expect": {template.result[0]: _value_text(result)},
    }


def _calculator_example(rng: random.Random) -> dict[str, Any]:
    while True:
        template = rng.choice(CALCULATOR_EXAMPLES)
        inputs = {name: rng.choice(choices) for name, choices in template.inputs}
        values = {name: _parse_literal(text) for name, text in inputs.items()}
        try:
            outputs = leverage.run(template.name, values).outputs
        except leverage.CalculatorError:
            continue
        expect = {}
        for name in template.expect:
            value = outputs.get(name)
            if isinstance(value, bool) or (isinstance(value, (int, float)) and math.isfinite(value)):
                expect[name] = _value_text(value)
        if expect:
            return {
                "title": template.title.format(**inputs),
                "calculator": template.name,
                "inputs": inputs,
                "expect": expect,
            }


def _sources(rng: random.Random, spec: Spec) -> list[dict[str, str]]:
    count = {
        "definition": rng.choice((2, 3, 4, 4, 5, 6)),
        "term": rng.choice((4, 5, 6, 7, 8)),
        "area": rng.choice((5, 6, 7)),
    }[spec.kind]
    topic = spec.title.lower()
    sources = []
    for index, (publisher, url, title) in enumerate(rng.sample(PUBLISHERS, min(count, len(PUBLISHERS)))):
        fill = {
            "hex": f"{rng.getrandbits(128):032x}",
            "num": str(rng.randint(100, 1300)),
            "yy": str(rng.randint(10, 26)),
            "mm": f"{rng.randint(1, 12):02d}",
            "five": f"{rng.randint(0, 99999):05d}",
            "slug": spec.slug,
            "topic": topic,
        }
        accessed = date(2026, 1, 1) + timedelta(days=rng.randrange(0, 300))
        sources.append(
            {
                "id": f"{publisher.split()[0].lower().strip(',.')}-{index + 1}",
                "title": title.format(**fill),
                "publisher": publisher,
                "url": url.format(**fill),
                "accessed": accessed.isoformat(),
                "type": "primary" if index % 2 == 0 else "secondary",
            }
        )
    return sources


def _faq(rng: random.Random, spec: Spec) -> list[tuple[str, str, str]]:
    items = []
    for facet, count in (("Capital", 2), ("Calculation", 2), ("Consequence", rng.choice((1, 2)))):
        for question in rng.sample(FAQ_QUESTIONS[facet], count):
            answer = " ".join(rng.sample(SENTENCES, rng.randint(3, 4)))
            items.append((facet, question.format(t=spec.title.lower()), answer))
    return items


def _link(rng: random.Random, by_slug: dict[str, Spec], slug: str) -> str:
    if rng.random() < 0.3:
        return f"[[{slug}|{by_slug[slug].title.lower()}]]"
    return f"[[{slug}]]"


def _paragraph(
    rng: random.Random,
    sentences: int,
    links: list[str],
    take: int,
    by_slug: dict[str, Spec],
    mention: str | None = None,
) -> str:
    """A paragraph of prose that consumes up to `take` slugs from the end of `links`."""
    parts = rng.sample(SENTENCES, sentences)
    if rng.random() < 0.25:
        parts.insert(rng.randrange(len(parts) + 1), rng.choice(MATH_SENTENCES))
    while links and take > 0:
        template = rng.choice(LINK_SENTENCES)
        needed = template.count("{")
        if needed > min(take, len(links)):
            template, needed = LINK_SENTENCES[0], 1
        chosen = [_link(rng, by_slug, links.pop()) for _ in range(needed)]
        take -= needed
        parts.insert(rng.randrange(len(parts) + 1), template.format(a=chosen[0], b=chosen[-1]))
    if mention:
        parts.append(rng.choice(MENTION_SENTENCES).format(m=mention))
    return "\n".join(_wrap(" ".join(parts)))


def _wrap(text: str, width: int = 96) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    if line:
        lines.append(line)
    return lines


def _body(rng: random.Random, spec: Spec, by_slug: dict[str, Spec], members: dict[str, list[str]]) -> None:
    """Prose with every slug in `spec.links` linked exactly once, above the kind's minimum length."""
    links = list(reversed(spec.links))
    candidates = [s for s in spec.relations.get("related", []) + spec.links if s != spec.slug]
    mention = by_slug[rng.choice(candidates)].title if candidates else None
    if spec.kind == "area":
        intro = _paragraph(rng, 3, links, 4, by_slug)
        bullets = []
        while links:
            group = [_link(rng, by_slug, links.pop()) for _ in range(min(len(links), rng.randint(2, 4)))]
            joined = ", ".join(group[:-1]) + (" and " if len(group) > 1 else "") + group[-1]
            bullets.append(f"- {rng.choice(('Limits', 'Measures', 'Mechanisms', 'Products'))}: {joined}.")
        spec.headings = ["What belongs here", "How it is measured"]
        spec.body = [
            [intro],
            ["\n".join(bullets) or "- See the entries listed below."],
            [_paragraph(rng, rng.randint(3, 5), links, 0, by_slug, mention)],
        ]
    elif spec.kind == "definition":
        paragraphs = rng.choice((2, 3, 3, 4))
        blocks = [
            _paragraph(
                rng,
                rng.randint(4, 6) if i == 0 else rng.randint(3, 5),
                links,
                3 if i == 0 else 2,
                by_slug,
                mention if i == paragraphs - 1 else None,
            )
            for i in range(paragraphs)
        ]
        if rng.random() < 0.48:
            spec.headings = [rng.choice(TERM_SECTIONS)]
            spec.body = [blocks[:1], blocks[1:]]
        else:
            spec.body = [blocks]
    else:
        sections = rng.choice((3, 3, 4, 4, 5))
        spec.headings = rng.sample(TERM_SECTIONS, sections)
        spec.body = [[_paragraph(rng, rng.randint(3, 4), links, 2, by_slug)]]
        for index in range(sections):
            blocks = [
                _paragraph(rng, rng.randint(4, 6), links, 2, by_slug, mention if index == sections - 1 else None)
                for _ in range(rng.choice((1, 1, 2)))
            ]
            if rng.random() < 0.3:
                blocks.append("\n".join(f"- {s}" for s in rng.sample(SENTENCES, 3)))
            spec.body.append(blocks)
    minimum = MIN_WORDS[spec.kind] + 20
    while links or markup.word_count(_body_text(spec)) < minimum:
        spec.body[-1].append(_paragraph(rng, 4, links, 3, by_slug))


def _body_text(spec: Spec) -> str:
    lines: list[str] = []
    for index, blocks in enumerate(spec.body):
        if index > 0:
            lines += ["", f"## {spec.headings[index - 1]}"]
        for number, block in enumerate(blocks):
            if index > 0 or number > 0:
                lines.append("")
            lines += block.split("\n")
    return "\n".join(lines) + "\n"


# -- writing YAML -----------------------------------------------------------------------------

_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 ()'.,/?\-]*")
_PLAIN_FLOW = re.compile(r"[A-Za-z][A-Za-z0-9 ()'./\-]*")


def _scalar(text: str, *, flow: bool = False) -> str:
    """Plain when YAML reads it back as the same text, else double-quoted (JSON is valid YAML)."""
    pattern = _PLAIN_FLOW if flow else _PLAIN
    if (
        pattern.fullmatch(text)
        and text.lower() not in ("yes", "no", "on", "off", "true", "false", "null", "y", "n")
        and not text.endswith(" ")
    ):
        return text
    return json.dumps(text, ensure_ascii=False)


def _single(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _flow_list(items: Sequence[str]) -> str:
    return "[" + ", ".join(_scalar(i, flow=True) for i in items) + "]"


def _folded(text: str, indent: str) -> list[str]:
    return [f"{indent}{line}" for line in _wrap(text)]


def _in_brief(spec: Spec) -> str:
    """A plain two-sentence "In brief" of the length the checker asks for (25-90 words)."""
    return (
        f"{spec.title} matters whenever a position is opened with borrowed money, because it decides "
        "how much room the trade has before the venue steps in. Readers meet it when they size a "
        "position, choose the leverage and watch the margin left as prices move during the day."
    )


def to_yaml(spec: Spec) -> str:
    out = [
        "# yaml-language-server: $schema=../schema/entry.schema.json",
        f"title: {_scalar(spec.title)}",
        f"kind: {spec.kind}",
        "summary: >-",
        *_folded(spec.summary, "  "),
    ]
    if spec.kind == "term":  # required for terms: a short plain "In brief"
        out += ["in_brief: >-", *_folded(_in_brief(spec), "  ")]
    if spec.aliases:
        out.append(f"aliases: {_flow_list(spec.aliases)}")
    if spec.abbreviations:
        out.append(f"abbreviations: {_flow_list(spec.abbreviations)}")
    if spec.areas:
        out.append(f"areas: {_flow_list(spec.areas)}")
    out.append(f"tags: {_flow_list(spec.tags)}")
    if spec.relations:
        out.append("relations:")
        for kind, targets in spec.relations.items():
            out.append(f"  {kind}: {_flow_list(targets)}")
    if spec.formulas:
        out.append("formulas:")
        for formula in spec.formulas:
            name, symbol, unit = formula.result
            out += [
                f"  - id: {formula.id}",
                f"    title: {_scalar(formula.title)}",
                f"    latex: {_single(formula.latex)}",
                f"    expr: {_single(formula.expr)}",
                f"    result: {{name: {name}, symbol: {_single(symbol)}, unit: {_scalar(unit, flow=True)}}}",
                "    variables:",
            ]
            for var, symbol, meaning, unit, _ in formula.variables:
                out.append(
                    f"      {var}: {{symbol: {_single(symbol)}, meaning: {_scalar(meaning, flow=True)}, "
                    f"unit: {_scalar(unit, flow=True)}}}"
                )
    if spec.examples:
        out.append("examples:")
        for example in spec.examples:
            out.append(f"  - title: {_scalar(example['title'])}")
            if "calculator" in example:
                out.append(f"    calculator: {example['calculator']}")
            else:
                out.append(f"    formula: {example['formula']}")
            out.append("    inputs: {" + ", ".join(f"{k}: {v}" for k, v in example["inputs"].items()) + "}")
            out.append("    expect: {" + ", ".join(f"{k}: {v}" for k, v in example["expect"].items()) + "}")
            out.append(f"    source: {example['source']}")
    if spec.faq:
        out.append("faq:")
        for facet, question, answer in spec.faq:
            out += [
                f"  - facet: {facet}",
                f"    question: {_scalar(question)}",
                "    answer: >-",
                *_folded(answer, "      "),
            ]
    out.append("body: |")
    out += [f"  {line}" if line else "" for line in _body_text(spec).rstrip("\n").split("\n")]
    out.append("sources:")
    for source in spec.sources:
        out += [
            f"  - id: {source['id']}",
            f"    title: {_scalar(source['title'])}",
            f"    publisher: {_scalar(source['publisher'])}",
            f"    url: {source['url']}",
            f"    accessed: {source['accessed']}",
            f"    type: {source['type']}",
        ]
    out += [f"published: {spec.published}", f"modified: {spec.modified}", ""]
    return "\n".join(out)


# -- writing a corpus -----------------------------------------------------------------------


class CorpusError(Exception):
    """The target folder is not empty and --force was not given."""


def write_corpus(n: int, out: Path, *, seed: int = SEED, force: bool = False) -> dict[str, Any]:
    """Write `n` entries as `out/<slug>.yaml`; returns counts of the field mix written."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise CorpusError(f"{out} exists and is not a folder")
    if out.is_dir() and any(out.iterdir()):
        if not force:
            raise CorpusError(f"{out} is not empty; pass --force to replace its .yaml files")
        for old in out.iterdir():
            if old.is_file() and old.suffix in (".yaml", ".yml"):
                old.unlink()
    out.mkdir(parents=True, exist_ok=True)
    specs = plan(n, seed)
    total = 0
    for spec in specs:
        text = to_yaml(spec)
        total += len(text.encode())
        (out / f"{spec.slug}.yaml").write_text(text, encoding="utf-8")
    return summarise(specs, total)


def summarise(specs: Sequence[Spec], total_bytes: int) -> dict[str, Any]:
    kinds = Counter(s.kind for s in specs)
    return {
        "entries": len(specs),
        "kinds": dict(sorted(kinds.items())),
        "bytes": total_bytes,
        "mean_bytes": round(total_bytes / max(len(specs), 1)),
        "with_formulas": sum(1 for s in specs if s.formulas),
        "formulas": sum(len(s.formulas) for s in specs),
        "examples": sum(len(s.examples) for s in specs),
        "calculator_examples": sum(1 for s in specs for e in s.examples if "calculator" in e),
        "relations": sum(len(t) for s in specs for t in s.relations.values()),
        "body_links": sum(len(s.links) for s in specs),
        "faq_items": sum(len(s.faq) for s in specs),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench corpus", description="Write N synthetic glossary entries that pass validation."
    )
    parser.add_argument("--n", type=int, required=True, help="number of entries")
    parser.add_argument("--out", type=Path, required=True, help="folder to write <slug>.yaml files into")
    parser.add_argument("--seed", type=int, default=SEED, help=f"random seed (default {SEED})")
    parser.add_argument("--force", action="store_true", help="replace the .yaml files of a non-empty folder")
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("--n must be at least 1")
    try:
        summary = write_corpus(args.n, args.out, seed=args.seed, force=args.force)
    except CorpusError as error:
        print(f"bench corpus: error: {error}", file=sys.stderr)
        return 2
    print(f"bench corpus: wrote {summary['entries']} entries ({summary['bytes'] / 1e6:.1f} MB) to {args.out}")
    print(json.dumps(summary))
    return 0
