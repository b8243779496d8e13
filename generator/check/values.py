"""Small readings of field values that several rules share: dates, slugs, names as compared, stated precision."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime
from pathlib import PurePath

from generator.safe_text import without_invisible

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def normalise_name(name: str) -> str:
    """How names are compared for clashes: Unicode form, case, spacing and characters that
    render as nothing (zero-width space, soft hyphen, bidi marks: `safe_text.without_invisible`)
    do not count, so "Mar\u200bgin" clashes with "Margin" as a reader would expect."""
    return " ".join(without_invisible(unicodedata.normalize("NFKC", name)).casefold().split())


def parse_date(text: str) -> datetime | None:
    """ISO date or date-time with offset -> aware datetime (dates are midnight UTC)."""
    try:
        if _DATE.fullmatch(text):
            day = date.fromisoformat(text)
            return datetime(day.year, day.month, day.day, tzinfo=UTC)
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def precision_of(raw: str) -> float:
    """Half a unit in the last written digit: `45226.13` -> 0.005, `2.5e3` -> 50."""
    text = raw.strip().lower().lstrip("+-").replace("_", "")
    mantissa, _, exponent = text.partition("e")
    decimals = len(mantissa.partition(".")[2])
    try:
        power = int(exponent) if exponent else 0
    except ValueError:
        power = 0
    # clamped: `1.0e+400` or 300 decimals must not overflow (or vanish) in 10.0 ** n
    return 0.5 * 10.0 ** max(-300, min(300, power - decimals))


def slugify(text: str) -> str:
    """The slug a title would get: `Loan-to-Value Ratio` -> `loan-to-value-ratio`."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def slug_of(path: str) -> str:
    return PurePath(path).name.rsplit(".", 1)[0]
