"""Static SVG charts for worked examples, drawn at build time from a calculator result.

A picture says more than the derivation for four calculators: exposure against loops (with
the 1/(1-ltv) limit), a leveraged fund's path against its index, liquidation price against
leverage, and a liquidation cascade round by round. Output is plain, deterministic SVG:
a viewBox (scales to the column), <title> and <desc> for screen readers, axis labels, no
script, every piece of text XML-escaped, and colours taken from `currentColor` and CSS
classes (`chart-series-a`, `chart-series-b`, `chart-limit`, ...) so light and dark themes
both work. Everything else returns None.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from generator.calc.calculators import CalcResult, CalculatorError, run
from generator.calc.numbers import format_number

WIDTH = 640
LEFT, RIGHT, TOP = 84, 24, 40


def _n(value: float) -> str:
    """A coordinate with two decimals and no '-0', so output is byte-for-byte stable."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _label(value: float) -> str:
    """A tick label: thousands separated, at most 6 significant digits."""
    if value != 0 and (abs(value) >= 1e15 or abs(value) < 1e-4):
        return f"{value:.3g}"
    if abs(value) >= 1000:
        return f"{value:,.0f}" if value == int(value) else f"{value:,.2f}"
    return format_number(round(value, 6))


def integer_ticks(last: int, count: int = 6) -> list[float]:
    """Whole-number ticks from 0 to `last` (loops, periods and rounds are counted)."""
    step = max(1, math.ceil(last / max(count - 1, 1)))
    return [float(t) for t in range(0, last + 1, step)]


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high] (Heckbert's 'nice numbers')."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return [0.0, 1.0]
    if high <= low:
        pad = abs(low) * 0.1 or 1.0
        low, high = low - pad, high + pad
    raw = (high - low) / max(count - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(low / step) * step
    ticks: list[float] = []
    value = start
    while value <= high + step * 1e-9 and len(ticks) < 50:
        ticks.append(round(value, 10))
        value += step
    if ticks[-1] < high:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


@dataclass(frozen=True)
class _Axes:
    """A plot area mapping data coordinates to SVG coordinates."""

    x0: float
    x1: float
    y0: float
    y1: float
    top: float
    height: float

    @property
    def bottom(self) -> float:
        return self.top + self.height

    def x(self, value: float) -> float:
        span = self.x1 - self.x0 or 1.0
        return LEFT + (value - self.x0) / span * (WIDTH - LEFT - RIGHT)

    def y(self, value: float) -> float:
        span = self.y1 - self.y0 or 1.0
        return self.bottom - (value - self.y0) / span * self.height


def _text(x: float, y: float, content: str, cls: str, anchor: str = "middle", extra: str = "") -> str:
    return (
        f'<text x="{_n(x)}" y="{_n(y)}" class="{cls}" text-anchor="{anchor}" fill="currentColor"{extra}>'
        f"{escape(content)}</text>"
    )


def _frame(
    axes: _Axes,
    xticks: Sequence[float],
    yticks: Sequence[float],
    xlabel: str,
    ylabel: str,
    xtick_label: Callable[[float], str] = _label,
) -> list[str]:
    """Axis lines, ticks, grid and axis labels."""
    parts = [
        '<g class="chart-axes" stroke="currentColor" stroke-width="1">',
        f'<line x1="{_n(LEFT)}" y1="{_n(axes.bottom)}" x2="{_n(WIDTH - RIGHT)}" y2="{_n(axes.bottom)}"/>',
        f'<line x1="{_n(LEFT)}" y1="{_n(axes.top)}" x2="{_n(LEFT)}" y2="{_n(axes.bottom)}"/>',
        "</g>",
        '<g class="chart-grid" stroke="currentColor" stroke-opacity="0.15" stroke-width="1">',
    ]
    for tick in yticks:
        parts.append(
            f'<line x1="{_n(LEFT)}" y1="{_n(axes.y(tick))}" x2="{_n(WIDTH - RIGHT)}" y2="{_n(axes.y(tick))}"/>'
        )
    parts.append("</g>")
    parts.append('<g class="chart-ticks" font-size="11">')
    for tick in xticks:
        parts.append(_text(axes.x(tick), axes.bottom + 16, xtick_label(tick), "chart-tick"))
    for tick in yticks:
        parts.append(_text(LEFT - 6, axes.y(tick) + 4, _label(tick), "chart-tick", "end"))
    parts.append("</g>")
    parts.append(
        _text((LEFT + WIDTH - RIGHT) / 2, axes.bottom + 36, xlabel, "chart-axis-label", extra=' font-size="12"')
    )
    middle = axes.top + axes.height / 2
    parts.append(
        _text(16, middle, ylabel, "chart-axis-label", extra=f' font-size="12" transform="rotate(-90 16 {_n(middle)})"')
    )
    return parts


def _polyline(axes: _Axes, points: Sequence[tuple[float, float]], cls: str, dash: str = "") -> str:
    coords = " ".join(f"{_n(axes.x(x))},{_n(axes.y(y))}" for x, y in points)
    dashed = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<polyline class="{cls}" points="{coords}" fill="none" stroke="currentColor" '
        f'stroke-width="2" stroke-linejoin="round"{dashed}/>'
    )


def _marker(axes: _Axes, x: float, y: float, cls: str, label: str) -> list[str]:
    return [
        f'<circle class="{cls}" cx="{_n(axes.x(x))}" cy="{_n(axes.y(y))}" r="4" fill="currentColor"/>',
        _text(axes.x(x) + 8, axes.y(y) - 8, label, "chart-annotation", "start", ' font-size="11"'),
    ]


def _legend(items: Sequence[tuple[str, str, str]], y: float) -> list[str]:
    """Legend entries (label, class, dash) drawn as line samples, so series differ without colour."""
    parts = ['<g class="chart-legend" font-size="12">']
    x: float = LEFT
    for label, cls, dash in items:
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<line class="{cls}" x1="{_n(x)}" y1="{_n(y)}" x2="{_n(x + 24)}" y2="{_n(y)}" '
            f'stroke="currentColor" stroke-width="2"{dashed}/>'
        )
        parts.append(_text(x + 30, y + 4, label, "chart-legend-label", "start"))
        x += 40 + 7.5 * len(label)
    parts.append("</g>")
    return parts


def _svg(result: CalcResult, height: float, title: str, desc: str, body: list[str]) -> str:
    digest = hashlib.sha256(
        json.dumps([result.calculator, result.inputs], sort_keys=True, default=str).encode()
    ).hexdigest()[:10]
    ident = f"chart-{result.calculator.replace('_', '-')}-{digest}"
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {_n(height)}" role="img" '
        f'class="glossary-chart glossary-chart-{result.calculator.replace("_", "-")}" '
        f"aria-labelledby={quoteattr(ident + '-title')} aria-describedby={quoteattr(ident + '-desc')} "
        'font-family="inherit">'
    )
    return (
        "\n".join(
            [
                head,
                f"<title id={quoteattr(ident + '-title')}>{escape(title)}</title>",
                f"<desc id={quoteattr(ident + '-desc')}>{escape(desc)}</desc>",
                *body,
                "</svg>",
            ]
        )
        + "\n"
    )


# --- the four charts ---------------------------------------------------------------------


def _loop_chart(result: CalcResult) -> str:
    ltv = float(result.inputs["ltv"])
    loops = int(result.inputs["loops"])
    limit = 1 / (1 - ltv)
    last = max(10, min(2 * loops, 60), loops)
    series = [(n, (1 - ltv ** (n + 1)) / (1 - ltv)) for n in range(last + 1)]
    yticks = nice_ticks(0, limit * 1.08)
    axes = _Axes(0, last, yticks[0], yticks[-1], TOP, 240)
    body = _frame(
        axes, integer_ticks(last), yticks, "Borrow-and-redeposit loops", "Leverage (x)", lambda t: str(int(t))
    )
    body.append(
        f'<line class="chart-limit" x1="{_n(LEFT)}" y1="{_n(axes.y(limit))}" x2="{_n(WIDTH - RIGHT)}" '
        f'y2="{_n(axes.y(limit))}" stroke="currentColor" stroke-width="1.5" stroke-dasharray="6 4"/>'
    )
    body.append(
        _text(
            WIDTH - RIGHT - 4,
            axes.y(limit) - 6,
            f"limit 1/(1 - ltv) = {format_number(round(limit, 4))}x",
            "chart-annotation",
            "end",
            ' font-size="11"',
        )
    )
    body.append(_polyline(axes, series, "chart-series-a"))
    lev = float(result.outputs["leverage"])
    body += _marker(axes, loops, lev, "chart-point", f"{loops} loops: {format_number(round(lev, 4))}x")
    body += _legend(
        [("leverage after n loops", "chart-series-a", ""), ("1/(1 - ltv) limit", "chart-limit", "6 4")],
        axes.bottom + 58,
    )
    desc = (
        f"Leverage from looping at a loan-to-value of {format_number(ltv)}: 1x with no loops, rising towards "
        f"the limit of {format_number(round(limit, 4))}x; {loops} loops give {format_number(round(lev, 4))}x."
    )
    return _svg(result, axes.bottom + 72, "Leverage against number of loops", desc, body)


def _etf_chart(result: CalcResult) -> str:
    fund = [float(v) for v in result.outputs["fund_path"]]
    index = [float(v) for v in result.outputs["index_path"]]
    periods = len(fund) - 1
    yticks = nice_ticks(min(fund + index), max(fund + index))
    axes = _Axes(0, max(periods, 1), yticks[0], yticks[-1], TOP, 240)
    body = _frame(axes, integer_ticks(max(periods, 1)), yticks, "Period", "Value", lambda t: str(int(t)))
    body.append(_polyline(axes, list(enumerate(index)), "chart-series-b", "6 4"))
    body.append(_polyline(axes, list(enumerate(fund)), "chart-series-a"))
    leverage = format_number(float(result.inputs["leverage"]))
    body += _legend([(f"{leverage}x fund", "chart-series-a", ""), ("index", "chart-series-b", "6 4")], axes.bottom + 58)
    fund_return = float(result.outputs["fund_return"]) * 100
    index_return = float(result.outputs["index_return"]) * 100
    desc = (
        f"A daily-reset {leverage}x fund and its index over {periods} periods from {format_number(fund[0])}: "
        f"the index ends at {format_number(round(index[-1], 4))} ({format_number(round(index_return, 2))}%), "
        f"the fund at {format_number(round(fund[-1], 4))} ({format_number(round(fund_return, 2))}%)."
    )
    return _svg(result, axes.bottom + 72, "Leveraged fund against its index", desc, body)


def _liquidation_chart(result: CalcResult) -> str | None:
    inputs = dict(result.inputs)
    linear = inputs["contract"] == "linear"
    entry, qty = float(inputs["entry"]), float(inputs["qty"])
    margin = float(result.outputs["initial_margin"])
    current = qty * entry / margin if linear else qty / (entry * margin)
    buffer = float(inputs["mmr"]) + float(inputs["fee_rate"])
    ceiling = min(125.0, 0.95 / buffer) if buffer > 0 else 125.0
    top_leverage = max(min(ceiling, max(2 * current, 20.0)), current, 2.0)
    points: list[tuple[float, float]] = []
    base = {k: v for k, v in inputs.items() if k not in ("margin", "leverage")}
    for i in range(121):
        lev = 1 + (top_leverage - 1) * i / 120
        try:
            price = run("liquidation_price", {**base, "leverage": lev}).outputs["liquidation_price"]
        except CalculatorError:
            continue
        if price is not None:
            points.append((lev, float(price)))
    if len(points) < 2:
        return None
    ys = [p for _, p in points] + [entry]
    yticks = nice_ticks(min(ys), max(ys))
    axes = _Axes(1, top_leverage, yticks[0], yticks[-1], TOP, 240)
    xticks = [t for t in nice_ticks(1, top_leverage) if 1 <= t <= top_leverage]
    body = _frame(axes, xticks, yticks, "Leverage (x)", "Liquidation price")
    body.append(
        f'<line class="chart-limit" x1="{_n(LEFT)}" y1="{_n(axes.y(entry))}" x2="{_n(WIDTH - RIGHT)}" '
        f'y2="{_n(axes.y(entry))}" stroke="currentColor" stroke-width="1.5" stroke-dasharray="6 4"/>'
    )
    body.append(
        _text(
            WIDTH - RIGHT - 4,
            axes.y(entry) - 6,
            f"entry {format_number(entry)}",
            "chart-annotation",
            "end",
            ' font-size="11"',
        )
    )
    body.append(_polyline(axes, points, "chart-series-a"))
    liq = result.outputs["liquidation_price"]
    if liq is not None and 1 <= current <= top_leverage:
        body += _marker(
            axes,
            current,
            float(liq),
            "chart-point",
            f"{format_number(round(current, 2))}x: {format_number(round(float(liq), 2))}",
        )
    body += _legend(
        [("liquidation price", "chart-series-a", ""), ("entry price", "chart-limit", "6 4")], axes.bottom + 58
    )
    side = inputs["side"]
    trend = "rising towards" if side == "long" else "falling towards"
    desc = (
        f"Liquidation price of a {side} entered at {format_number(entry)} for leverage from 1x to "
        f"{format_number(round(top_leverage, 1))}x, {trend} the entry price as leverage grows "
        f"({inputs['mm_basis']} basis, maintenance margin rate {format_number(float(inputs['mmr']))})."
    )
    return _svg(result, axes.bottom + 72, f"Liquidation price against leverage ({side})", desc, body)


def _cascade_chart(result: CalcResult) -> str:
    prices = [float(p) for p in result.outputs["round_prices"]]
    volumes = [float(v) for v in result.outputs["round_volumes"]]
    rounds = prices
    last = max(len(rounds) - 1, 1)
    start = float(result.inputs["price"])
    yticks = nice_ticks(min(*prices, start), max(*prices, start))
    top_axes = _Axes(-0.5, last + 0.5, yticks[0], yticks[-1], TOP, 170)
    xticks = integer_ticks(len(rounds) - 1, count=12)
    body = _frame(top_axes, xticks, yticks, "Round", "Price", lambda t: str(int(t)))
    body.append(
        f'<line class="chart-limit" x1="{_n(LEFT)}" y1="{_n(top_axes.y(start))}" x2="{_n(WIDTH - RIGHT)}" '
        f'y2="{_n(top_axes.y(start))}" stroke="currentColor" stroke-width="1.5" stroke-dasharray="6 4"/>'
    )
    body.append(
        _text(
            WIDTH - RIGHT - 4,
            top_axes.y(start) + 14,
            f"before the shock {format_number(start)}",
            "chart-annotation",
            "end",
            ' font-size="11"',
        )
    )
    body.append(_polyline(top_axes, [(i, p) for i, p in enumerate(prices)], "chart-series-a"))
    for i, p in enumerate(prices):
        body.append(
            f'<circle class="chart-point" cx="{_n(top_axes.x(i))}" cy="{_n(top_axes.y(p))}" r="3.5" '
            f'fill="currentColor"/>'
        )
    vticks = nice_ticks(0, max(volumes) or 1.0)
    bottom_axes = _Axes(-0.5, last + 0.5, 0, vticks[-1], top_axes.bottom + 70, 120)
    body += _frame(bottom_axes, xticks, vticks, "Round", "Liquidated", lambda t: str(int(t)))
    width = (bottom_axes.x(1) - bottom_axes.x(0)) * 0.6
    for i, v in enumerate(volumes):
        if v > 0:
            x = bottom_axes.x(i) - width / 2
            y = bottom_axes.y(v)
            body.append(
                f'<rect class="chart-bar" x="{_n(x)}" y="{_n(y)}" width="{_n(width)}" '
                f'height="{_n(bottom_axes.bottom - y)}" fill="currentColor" fill-opacity="0.45"/>'
            )
    total = float(result.outputs["total_liquidated"])
    final = float(result.outputs["final_price"])
    desc = (
        f"Liquidation cascade from {format_number(start)}: round 0 is the initial shock to "
        f"{format_number(round(prices[0], 6))}; {len(rounds) - 1} round(s) of forced selling liquidate "
        f"{format_number(round(total, 2))} in total and leave the price at {format_number(round(final, 6))}. "
        "Top: price after each round. Bottom: notional liquidated in each round."
    )
    return _svg(result, bottom_axes.bottom + 44, "Liquidation cascade, round by round", desc, body)


_CHARTS: dict[str, Callable[[CalcResult], str | None]] = {
    "loop_leverage": _loop_chart,
    "leveraged_etf_path": _etf_chart,
    "liquidation_price": _liquidation_chart,
    "liquidation_cascade": _cascade_chart,
}


def chart_for(result: CalcResult) -> str | None:
    """An accessible static SVG for the calculators a picture helps, else None."""
    draw = _CHARTS.get(result.calculator)
    return draw(result) if draw else None
