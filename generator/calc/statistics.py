"""The standard normal distribution, for the language's cdf, pdf and ppf and the risk calculators."""

from __future__ import annotations

import math
from statistics import NormalDist

from generator.calc.expression import FormulaError
from generator.calc.numbers import format_number

_STANDARD_NORMAL = NormalDist()  # cdf via math.erf; inv_cdf is Wichura's AS241 (~1e-16)


def norm_cdf(x: float) -> float:
    """Standard normal cumulative distribution function."""
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


def norm_pdf(x: float) -> float:
    """Standard normal density."""
    return math.exp(-0.5 * x * x) / math.sqrt(2.0 * math.pi)


def norm_ppf(p: float) -> float:
    """Inverse of the standard normal cdf (AS241 via the standard library); p in (0, 1)."""
    if not 0.0 < p < 1.0:
        raise FormulaError(f"ppf needs a probability strictly between 0 and 1, got {format_number(p)}")
    return _STANDARD_NORMAL.inv_cdf(p)
