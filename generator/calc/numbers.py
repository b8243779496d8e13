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
