"""`glossary cite SLUG --style apa|mla|chicago|bibtex|ris|csl-json`: cite one entry.

The text is the same the entry page's "Cite this" box shows (both come from
`generator.cite.record.CitationRecord`); the access date is today unless `--accessed` says
otherwise. `--this-version` cites the permanent address of the entry's current version
instead of the entry's address (which always shows the latest text).
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from generator.cli import UsageError
from generator.cli.terms_option import add_terms_option, require_terms_dir
from generator.suggest import close_matches

STYLE_CHOICES = ("apa", "mla", "chicago", "bibtex", "ris", "csl-json")


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {text!r}") from None


def _style(text: str) -> str:
    from generator.cite.record import parse_style

    try:
        parse_style(text)
    except KeyError as error:
        raise argparse.ArgumentTypeError(str(error.args[0])) from None
    return text.lower()


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("slug", help="the entry's slug (its file name without .yaml), e.g. liquidation-price")
    add_terms_option(parser)
    parser.add_argument(
        "--style", type=_style, default="apa", metavar="STYLE", help=f"one of {', '.join(STYLE_CHOICES)} (default: apa)"
    )
    parser.add_argument("--accessed", type=_day, metavar="YYYY-MM-DD", help="the access date (default: today)")
    parser.add_argument(
        "--this-version", action="store_true", help="cite this version's permanent address instead of the entry's"
    )
    parser.add_argument(
        "--site-url", metavar="URL", help="the site's address (default: site_url in mkdocs.yml, or $GLOSSARY_SITE_URL)"
    )


def project_site(terms: Path, site_url: str | None) -> tuple[str, str]:
    """(site_url, site_name) as the site build uses them; --site-url wins."""
    from generator.settings import config_for_terms, site_settings

    url, name = site_settings(config_for_terms(terms))
    if site_url:
        if not site_url.startswith(("https://", "http://")):
            raise UsageError(f"--site-url '{site_url}' is not an http(s) address")
        url = site_url if site_url.endswith("/") else site_url + "/"
    return url, name


def find_entry(entries: dict, wanted: str):  # noqa: ANN201 - Entry
    """The entry by slug, or by an exact title, alias or abbreviation; UsageError with suggestions."""
    if wanted in entries:
        return entries[wanted]
    folded = wanted.casefold().strip()
    for entry in entries.values():
        if any(name.casefold() == folded for name in entry.names):
            return entry
    close = close_matches(wanted, entries, n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else "; `glossary search` finds entries by name"
    raise UsageError(f"no entry '{wanted}'{hint}")


def run(args: argparse.Namespace) -> int:
    from generator.cite.record import CitationRecord, parse_style
    from generator.pipeline import load_glossary

    terms = require_terms_dir(args.terms)
    site_url, site_name = project_site(terms, args.site_url)
    glossary = load_glossary(terms)
    if args.slug not in glossary.entries and (terms / f"{args.slug}.yaml").is_file():
        own = [p for p in glossary.errors if Path(p.path).name == f"{args.slug}.yaml"]
        print("\n".join(p.format() for p in own), file=sys.stderr)
        print(f"glossary cite: {args.slug}.yaml does not read as an entry; fix it before citing it", file=sys.stderr)
        return 1
    entry = find_entry(dict(glossary.entries), args.slug)
    own = [p for p in glossary.errors if Path(p.path).name == f"{entry.slug}.yaml"]
    if own:
        print("\n".join(p.format() for p in own), file=sys.stderr)
        print(f"glossary cite: {entry.slug} has {len(own)} error(s); fix them before citing it", file=sys.stderr)
        return 1
    record = CitationRecord.from_entry(entry, site_url=site_url, site_name=site_name)
    if args.this_version:
        record = record.for_version()
    print(record.format(parse_style(args.style), args.accessed or date.today()))
    return 0
