"""Dated venue claims: formulas and examples that state one venue's rule or parameters.

Venues change their rules every few months, so a formula or example that states one
venue's rule carries `venue`, `as_of` (the day it was last checked against its source)
and the source it was checked against, and every source says whether it is primary (the
venue's own documentation, the regulation, the paper, the book) or secondary.

The field rules and the staleness rule live here together, so that `glossary validate`
and `glossary stale` agree on what a claim is and when it is too old. Staleness depends
on today's date, so it is never part of the per-file check (whose results are cached by
file content): it is worked out at every run, from the files (`collect`).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

from generator.model import Document, Mark, NodePath, Problem, Severity, Source

if TYPE_CHECKING:
    from generator.check.reader import _EntryReader

STALE_AFTER_MONTHS = 12
SOURCE_TYPES = ("primary", "secondary")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")

TYPE_HINT = (
    "add `type: primary` for the venue's or protocol's own documentation, the regulation, "
    "the paper or the book, or `type: secondary` for anything that summarises them"
)


# -- field rules (called by the entry reader in check.py) -----------------------------------


def read_source_type(reader: _EntryReader, path: NodePath, mapping: Mapping[str, Any], what: str) -> str:
    """A source's `type`: required, so a reader can always tell a venue's own word from a summary."""
    if mapping.get("type") is None:
        reader.report(path, "MISSING_FIELD", f"{what} is missing required field 'type'", TYPE_HINT)
        return ""
    value = reader.text((*path, "type"), mapping["type"], "source type", single_line=True)
    if value and value not in SOURCE_TYPES:
        from generator.suggest import did_you_mean

        reader.report(
            (*path, "type"),
            "BAD_VALUE",
            f"source type '{value[:40]}' is not primary or secondary",
            did_you_mean(value[:40], SOURCE_TYPES, TYPE_HINT),
        )
        return ""
    return value


def read_claim(
    reader: _EntryReader,
    path: NodePath,
    mapping: Mapping[str, Any],
    what: str,
    *,
    cites: str | None,
    sources: Sequence[Source],
    needs_source: bool,
) -> tuple[str, str]:
    """`venue` and `as_of` of a formula or example (`what`), checked as a pair.

    A venue without a date cannot be shown as checked, and a date without a venue says
    nothing; a claim also names its source (`cites`, already checked to exist), and a
    claim resting on a secondary source is a warning: the venue's own page is the one to cite.
    """
    venue = _optional(reader, path, mapping, "venue")
    if venue is not None:
        venue = reader.text((*path, "venue"), venue, "venue", single_line=True)
    as_of = _optional(reader, path, mapping, "as_of")
    if as_of is not None:
        as_of = reader.date((*path, "as_of"), as_of, "as_of", date_only=True)
    if "venue" in mapping and "as_of" not in mapping:
        reader.report(
            path,
            "MISSING_FIELD",
            f"{what} names a venue but has no 'as_of'",
            "add `as_of: YYYY-MM-DD`, the day the rule was last checked against its source",
        )
    if "as_of" in mapping and "venue" not in mapping:
        reader.report(
            (*path, "as_of"),
            "BAD_VALUE",
            f"{what} has 'as_of' but no 'venue'",
            "add `venue:` naming the venue or protocol whose rule this is, or remove as_of",
        )
    if "venue" in mapping and needs_source and mapping.get("source") is None:
        reader.report(
            path,
            "MISSING_FIELD",
            f"{what} names a venue but no 'source'",
            "add `source:` with the id of the source that states the rule",
        )
    if venue and cites:
        cited = next((s for s in sources if s.id == cites), None)
        if cited is not None and cited.type == "secondary":
            reader.report(
                (*path, "source"),
                "SECONDARY_VENUE_SOURCE",
                f"{what} states a {venue} rule but cites '{cites}', a secondary source",
                f"cite {venue}'s own documentation (a source with `type: primary`) for its rules",
                severity=Severity.WARNING,
            )
    return venue or "", as_of or ""


def _optional(reader: _EntryReader, path: NodePath, mapping: Mapping[str, Any], key: str) -> Any:
    """The value of an optional field; a field given but left empty is reported, not ignored."""
    if key not in mapping:
        return None
    value = mapping[key]
    if value is None:
        reader.report((*path, key), "BAD_VALUE", f"{key} is empty", "write the value or remove the field")
    return value


# -- staleness (shared by `glossary validate` and `glossary stale`) ---------------------------


@dataclass(frozen=True, slots=True)
class Claim:
    """One dated venue claim, where it is written, and what it is about."""

    path: str
    slug: str
    mark: Mark  # the `as_of` value
    kind: str  # "formula" or "example"
    what: str  # the formula's id or the example's title
    venue: str
    as_of: date

    @property
    def label(self) -> str:
        return f"{self.kind} '{self.what}'"


def months_before(today: date, months: int) -> date:
    """The same day `months` calendar months earlier (the month's last day if it is shorter)."""
    index = today.year * 12 + today.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(today.day, calendar.monthrange(year, month)[1]))


def age_months(as_of: date, today: date) -> int:
    """Whole calendar months from `as_of` to `today` (0 for a date not yet a month old)."""
    months = (today.year - as_of.year) * 12 + today.month - as_of.month - (today.day < as_of.day)
    return max(months, 0)


def is_stale(as_of: date, today: date, months: int = STALE_AFTER_MONTHS) -> bool:
    """Older than `months` months before today: the rule may have changed since."""
    return as_of < months_before(today, months)


def claims_in(doc: Document) -> list[Claim]:
    """The claims of one parsed file that carry a venue and a valid date (the validator
    reports the others), in file order."""
    found: list[Claim] = []
    data = doc.data if isinstance(doc.data, dict) else {}
    slug = PurePath(doc.path).name.rsplit(".", 1)[0]
    for kind, name_key in (("formula", "id"), ("example", "title")):
        items = data.get(f"{kind}s")
        for index, item in enumerate(items if isinstance(items, list) else ()):
            if not isinstance(item, dict):
                continue
            venue, day = item.get("venue"), _day(item.get("as_of"))
            if not isinstance(venue, str) or not venue.strip() or day is None:
                continue
            name = item.get(name_key)
            what = " ".join(name.split()) if isinstance(name, str) and name.strip() else f"{kind} {index + 1}"
            found.append(
                Claim(doc.path, slug, doc.mark((f"{kind}s", index, "as_of")), kind, what, " ".join(venue.split()), day)
            )
    return found


def _day(value: Any) -> date | None:
    text = str(value).strip() if isinstance(value, (str, date)) else ""
    if not _DAY.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def collect(terms_dir: Path) -> list[Claim]:
    """Every venue claim in the folder, oldest first.

    Files are read the way the validator reads them (no links leading outside the folder,
    nothing over the size limit); only files that mention `as_of` are parsed.
    """
    from generator.load import document as load
    from generator.load.files import entry_files, read_entry_file

    claims: list[Claim] = []
    files, _ = entry_files(terms_dir)
    root = terms_dir.resolve()
    for path in files:
        data = read_entry_file(path, root, [])
        if not data or b"as_of" not in data:  # most files have no claim: no need to parse them
            continue
        doc, _ = load.load_bytes(data, str(path))
        if doc is not None:
            claims.extend(claims_in(doc))
    return sorted(claims, key=lambda c: (c.as_of, c.slug, c.mark))


def stale_warnings(claims: Iterable[Claim], today: date, months: int = STALE_AFTER_MONTHS) -> list[Problem]:
    """STALE_VENUE_CLAIM for each claim older than `months` months, at its `as_of`."""
    problems = []
    for claim in claims:
        if is_stale(claim.as_of, today, months):
            problems.append(
                Problem(
                    claim.path,
                    claim.mark,
                    "STALE_VENUE_CLAIM",
                    f"{claim.label} states a {claim.venue} rule last checked {claim.as_of.isoformat()}, "
                    f"{age_months(claim.as_of, today)} months ago (the limit is {months})",
                    "check the rule against its source again, update what changed, and set as_of (and the "
                    "source's accessed) to the day you checked; `glossary stale` lists every claim by age",
                    Severity.WARNING,
                )
            )
    return problems
