"""`glossary new "Title"`: write a skeleton entry, never over an existing file."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
from datetime import date
from pathlib import Path

from generator.check import slugify
from generator.commands._common import add_terms_option, require_terms_dir
from generator.load import is_slug
from generator.model import KINDS

SCHEMA_LINE = "# yaml-language-server: $schema=../schema/entry.schema.json"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_terms_option(parser)
    parser.add_argument("title", help='the canonical name, e.g. "Liquidation Price"')
    parser.add_argument("--kind", choices=KINDS, default="definition",
                        help="definition (short), term (long article) or area (collection)")
    parser.add_argument("--slug", help="override the slug derived from the title")
    parser.add_argument("--area", action="append", default=[], metavar="SLUG",
                        help="an area the entry belongs to (repeatable)")
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
        "aliases: []",
        "abbreviations: []",
    ]
    if kind != "area":
        lines.append(f"areas: [{', '.join(areas)}]")
    lines += ["tags: []", "relations:", "  related: []"]
    if kind == "area":
        lines.append("faq:")
        for facet in ("Capital", "Calculation", "Consequence"):
            lines += [f"  - facet: {facet}", "    question: 'TODO: the question readers ask'",
                      "    answer: 'TODO: a precise answer in two to five sentences.'"]
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
        f"published: {today}",
        f"modified: {today}",
    ]
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    from generator.cli import UsageError

    terms = require_terms_dir(args.terms)
    slug = args.slug or slugify(args.title)
    if not is_slug(slug):
        raise UsageError(f"cannot make a slug from '{args.title}'; pass --slug with lower-case letters, digits and hyphens")
    for area in args.area:
        if not is_slug(area):
            raise UsageError(f"--area '{area}' is not a slug")
    target = terms / f"{slug}.yaml"
    text = skeleton(args.title.strip(), args.kind, args.area, date.today().isoformat())
    if not write_new(target, text, force=args.force):
        print(f"glossary new: {target} already exists; nothing written (use --force to overwrite)", file=sys.stderr)
        return 1
    print(f"wrote {target}; run `glossary validate` to see what is left to fill in")
    return 0


def write_new(target: Path, text: str, *, force: bool) -> bool:
    """Atomic: the text goes to a temporary file, then into place in one step.

    Without `force` that step is a hard link, which fails if the name exists, so a racing
    writer is never overwritten; with `force` it is a rename over the old file. A write
    that fails half-way (a full disk) leaves neither an empty nor a truncated entry.
    """
    if not force and target.exists():
        return False
    handle, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(text.encode("utf-8"))
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp, 0o666 & ~umask)
        if force:
            os.replace(temp, target)
            return True
        try:
            os.link(temp, target)  # fails instead of replacing
        except FileExistsError:
            return False
        except OSError:  # no hard links on this file system: check, then rename
            if target.exists():
                return False
            os.replace(temp, target)
        return True
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
