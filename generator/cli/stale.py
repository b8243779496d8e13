"""`glossary stale`: every dated venue claim, oldest first, and which are too old.

A venue claim is a formula or worked example that states one venue's rule (`venue` and
`as_of` in the entry). Rules change, so a claim not checked for `--months` months is
marked; the exit code is 1 when any is, so CI can fail on it.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from generator.check.venue_claims import STALE_AFTER_MONTHS, Claim, age_months, collect, is_stale, months_before
from generator.cli.terms_option import add_terms_option, require_terms_dir


def _months(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number of months (0 or more)")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_terms_option(parser)
    parser.add_argument(
        "--months",
        type=_months,
        default=STALE_AFTER_MONTHS,
        metavar="N",
        help=f"mark claims last checked more than N months ago (default: {STALE_AFTER_MONTHS})",
    )
    parser.add_argument("--json", action="store_true", help="print the list as JSON, for tools")


def run(args: argparse.Namespace) -> int:
    terms: Path = require_terms_dir(args.terms)
    today = date.today()
    claims = collect(terms)
    print(render_json(claims, today, args.months) if args.json else render_text(claims, today, args.months))
    return 1 if any(is_stale(c.as_of, today, args.months) for c in claims) else 0


def render_text(claims: Sequence[Claim], today: date, months: int) -> str:
    """One aligned row per claim, oldest first; stale ones start with STALE."""
    if not claims:
        return "No venue claims (formulas or examples with `venue` and `as_of`)."
    stale = sum(1 for c in claims if is_stale(c.as_of, today, months))
    header = ("", "as of", "age", "venue", "entry", "claim")
    rows: list[tuple[str, ...]] = [
        header,
        *[
            (
                "STALE" if is_stale(c.as_of, today, months) else "",
                c.as_of.isoformat(),
                f"{age_months(c.as_of, today)} mo",
                c.venue,
                c.slug,
                c.label,
            )
            for c in claims
        ],
    ]
    if not stale:  # no marks: no empty first column
        rows = [row[1:] for row in rows]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[-1] for row in rows]
    cutoff = months_before(today, months).isoformat()
    if stale:
        lines.append(
            f"{stale} of {len(claims)} venue claims are older than {months} months "
            f"(last checked before {cutoff}): check them against their sources again."
        )
    else:
        lines.append(f"{len(claims)} venue claims; none is older than {months} months.")
    return "\n".join(line.rstrip() for line in lines)


def render_json(claims: Sequence[Claim], today: date, months: int) -> str:
    items = [
        {
            "as_of": c.as_of.isoformat(),
            "age_months": age_months(c.as_of, today),
            "stale": is_stale(c.as_of, today, months),
            "venue": c.venue,
            "entry": c.slug,
            "kind": c.kind,
            "what": c.what,
            "path": c.path,
            "line": c.mark.line,
            "column": c.mark.column,
        }
        for c in claims
    ]
    return json.dumps(
        {
            "today": today.isoformat(),
            "months": months,
            "cutoff": months_before(today, months).isoformat(),
            "claims": len(items),
            "stale": sum(1 for item in items if item["stale"]),
            "items": items,
        },
        indent=2,
        ensure_ascii=False,
    )
