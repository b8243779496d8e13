"""`glossary new "Title"`: write a skeleton entry, never over an existing file."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from generator import safe_paths
from generator.check.fields import TITLE_MAX_CHARS
from generator.check.values import slugify
from generator.cli.terms_option import add_terms_option, require_terms_dir
from generator.load.document import is_slug
from generator.model import KINDS
from generator.site_paths import RESERVED

SCHEMA_LINE = "# yaml-language-server: $schema=../schema/entry.schema.json"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_terms_option(parser)
    parser.add_argument("title", help='the canonical name, e.g. "Liquidation Price"')
    parser.add_argument(
        "--kind",
        choices=KINDS,
        default="definition",
        help="definition (short), term (long article) or area (collection)",
    )
    parser.add_argument("--slug", help="override the slug derived from the title")
    parser.add_argument(
        "--area", action="append", default=[], metavar="SLUG", help="an area the entry belongs to (repeatable)"
    )
    parser.add_argument("--force", action="store_true", help="overwrite an existing file")


def skeleton(title: str, kind: str, areas: list[str], today: str) -> str:
    """A schema-valid file whose TODO placeholders the validator refuses until replaced."""
    quoted = title.replace("'", "''")
    lines = [
        SCHEMA_LINE,
        f"title: '{quoted}'",
        f"kind: {kind}",
        "summary: >-",
        "  TODO: one or two sentences that define the term precisely; citations quote this.",
        *(
            [
                "in_brief: >-",
                "  TODO: two to four plain lines (25-90 words): what it is and when it matters.",
            ]
            if kind == "term"
            else []
        ),
        "aliases: []",
        "abbreviations: []",
    ]
    if kind != "area":
        lines.append(f"areas: [{', '.join(areas)}]")
    lines += ["tags: []", "relations:", "  related: []"]
    if kind == "area":
        lines.append("faq:")
        for facet in ("Capital", "Calculation", "Consequence"):
            lines += [
                f"  - facet: {facet}",
                "    question: 'TODO: the question readers ask'",
                "    answer: 'TODO: a precise answer in two to five sentences.'",
            ]
    lines.append("body: |")
    if kind == "term":
        for section in ("How it works", "Example", "Risks"):
            lines += [f"  ## {section}", "", "  TODO", ""]
    else:
        lines.append("  TODO: explain the idea in your own words (at least 80 words).")
    lines += [
        "sources:",
        "  - title: 'TODO: title of the page or book'",
        "    publisher: 'TODO: who published it'",
        "    url: https://example.org/TODO",
        f"    accessed: {today}",
        "    type: primary  # primary: the venue's own docs, the regulation, the paper, the book; secondary: a summary",
        f"published: {today}",
        f"modified: {today}",
    ]
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    from generator.cli import UsageError

    terms = require_terms_dir(args.terms)
    title = args.title.strip()
    if len(title) > TITLE_MAX_CHARS:  # the validator refuses it, and its file name would be too long
        raise UsageError(
            f"the title is {len(title)} characters; the limit is {TITLE_MAX_CHARS} (put the rest in the summary)"
        )
    slug = args.slug or slugify(args.title)
    if not is_slug(slug):
        raise UsageError(
            f"cannot make a slug from '{args.title}'; pass --slug with lower-case letters, digits and hyphens"
        )
    if len(slug) > TITLE_MAX_CHARS:
        raise UsageError(f"--slug is {len(slug)} characters; the limit is {TITLE_MAX_CHARS}")
    if slug in RESERVED:
        raise UsageError(f"'{slug}' is an address the site keeps for its own pages; pass a more specific --slug")
    for area in args.area:
        if not is_slug(area):
            raise UsageError(f"--area '{area}' is not a slug")
    target = terms / f"{slug}.yaml"
    text = skeleton(title, args.kind, args.area, date.today().isoformat())
    try:
        written = write_new(target, text, force=args.force)
    except safe_paths.Refused as refusal:
        print(f"glossary new: {refusal.message}; nothing written", file=sys.stderr)
        return 1
    except OSError as error:  # a full disk, a read-only folder: nothing half-written is left
        print(f"glossary new: cannot write {target}: {error.strerror or error}; nothing written", file=sys.stderr)
        return 1
    if not written:
        print(f"glossary new: {target} already exists; nothing written (use --force to overwrite)", file=sys.stderr)
        return 1
    print(f"wrote {target}; run `glossary validate` to see what is left to fill in")
    return 0


def write_new(target: Path, text: str, *, force: bool) -> bool:
    """Atomic, and never over an existing file without `force` (see `safe_paths.write_atomic`:
    of two racing writers one wins; a failed write leaves neither an empty nor a truncated entry)."""
    return safe_paths.write_atomic(target, text.encode("utf-8"), force=force)
