"""The one "did you mean" helper: the nearest known names to a mistyped one.

Two measures, for two kinds of mistake. Names people type (a calculator, a variable, an
entry's slug on the command line) are compared by `difflib`'s edit ratio; names authors
write in entries (an area, a relation target, a source id) by rapidfuzz's weighted ratio,
which also forgives words in another order and a missing part.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def close_matches(word: str, choices: Iterable[str], *, n: int = 1, cutoff: float = 0.6) -> list[str]:
    """Up to `n` choices whose edit ratio to `word` is at least `cutoff`, best first."""
    return difflib.get_close_matches(word, list(choices), n=n, cutoff=cutoff)


def closest_name(word: str, choices: Iterable[str], cutoff: float = 60) -> str | None:
    """The choice nearest `word` by weighted ratio (0-100), if any reaches `cutoff`."""
    from rapidfuzz import fuzz, process

    found = process.extractOne(word, list(choices), scorer=fuzz.WRatio, score_cutoff=cutoff)
    return found[0] if found else None


def did_you_mean(word: str, choices: Iterable[str], fallback: str) -> str:
    """An entry problem's hint: the nearest name by weighted ratio, or `fallback`."""
    nearest = closest_name(word, choices)
    return f"did you mean '{nearest}'?" if nearest else fallback


def did_you_mean_clause(word: str, choices: Iterable[str], *, cutoff: float = 0.6) -> str:
    """'; did you mean X?' to end a command-line or formula error message, or ''."""
    match = close_matches(word, choices, cutoff=cutoff)
    return f"; did you mean '{match[0]}'?" if match else ""
