"""Numbers as people read them in a derivation, on pages, charts and in the CLI."""

from __future__ import annotations

import math


def format_number(value: float | int | bool) -> str:
    """A number as people read it in a derivation: integers plain, others to 10 digits."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if not math.isfinite(value):
        return str(value)
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.10g}"


LIST_SHOWN = 12


def show_value(value: object, parenthesise: bool = False) -> str:
    """A value in a derivation: numbers as `format_number`, lists in brackets, none as 'none';
    with `parenthesise`, a negative number is bracketed so '2 - (-1)' reads right."""
    if value is None:
        return "none"
    if isinstance(value, list):
        # A long list (500 scenario losses) is cut short, the same way in the browser.
        items = [show_value(item) for item in value[:LIST_SHOWN]]
        more = f", ... {len(value)} values" if len(value) > LIST_SHOWN else ""
        return "[" + ", ".join(items) + more + "]"
    if isinstance(value, (bool, int, float)):
        shown = format_number(value)
        return f"({shown})" if parenthesise and shown.startswith("-") else shown
    return str(value)
