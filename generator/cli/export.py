"""`glossary export json|csv|skos-turtle|skos-jsonld|bibtex [--out PATH] [--force]`.

Writes the whole glossary to stdout, or atomically to PATH (an existing file is kept
unless --force; only a regular file is ever replaced, never a device, FIFO, folder or
link, whatever --force says). JSON follows schema/export.schema.json. Inside a git checkout each
entry's earlier revisions are listed with their permanent addresses (--no-history
skips reading git). The export day is today, or SOURCE_DATE_EPOCH when set, so builds
can be reproduced.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import UTC, date, datetime
from pathlib import Path

from generator.cli import UsageError
from generator.cli.terms_option import add_terms_option, require_terms_dir

FORMATS = ("json", "csv", "skos-turtle", "skos-jsonld", "bibtex")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("format", choices=FORMATS, metavar="FORMAT", help=f"one of {', '.join(FORMATS)}")
    add_terms_option(parser)
    parser.add_argument("--out", type=Path, metavar="PATH", help="write to this file instead of stdout ('-' = stdout)")
    parser.add_argument("--force", action="store_true", help="replace PATH if it exists")
    parser.add_argument(
        "--site-url", metavar="URL", help="the site's address (default: site_url in mkdocs.yml, or $GLOSSARY_SITE_URL)"
    )
    parser.add_argument("--no-history", action="store_true", help="do not read earlier revisions from git")


def export_day() -> date:
    """Today, or the day of SOURCE_DATE_EPOCH (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), tz=UTC).date()
        except (ValueError, OverflowError, OSError):
            raise UsageError(f"SOURCE_DATE_EPOCH={epoch!r} is not a Unix time in seconds") from None
    return date.today()


def run(args: argparse.Namespace) -> int:
    from generator import safe_paths
    from generator.cli.cite import project_site
    from generator.export import formats as export
    from generator.history import revisions as history
    from generator.pipeline import load_all

    terms = require_terms_dir(args.terms)
    out: Path | None = None if args.out is None or str(args.out) == "-" else args.out
    if out is not None:
        try:
            exists = safe_paths.check_replaceable(out)
        except safe_paths.Refused as refusal:
            raise UsageError(f"--out {refusal.message} ({refusal.hint})") from None
        if not (out.parent if str(out.parent) else Path(".")).is_dir():
            raise UsageError(f"--out {out}: folder {out.parent} does not exist")
        if exists and not args.force:
            print(f"glossary export: {out} already exists; pass --force to replace it", file=sys.stderr)
            return 1
    site_url, site_name = project_site(terms, args.site_url)
    loaded = load_all(terms)
    errors = loaded.glossary.errors
    if errors:
        print("\n".join(p.format() for p in errors), file=sys.stderr)
        print(
            f"glossary export: {len(errors)} error(s) in {terms}; fix them first (see `glossary validate`)",
            file=sys.stderr,
        )
        return 1
    entries = loaded.glossary.entries
    found = history.no_history("--no-history") if args.no_history else history.collect_history(terms, slugs=entries)
    ctx = export.ExportContext(site_url=site_url, site_name=site_name, day=export_day(), history=found)
    text = export.export(args.format, entries, loaded.graph, ctx)
    if out is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return 0
    try:
        export.write_output(out, text, force=args.force)
    except (FileExistsError, safe_paths.Refused) as error:
        print(f"glossary export: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"glossary export: cannot write {out}: {error.strerror or error}", file=sys.stderr)
        return 1
    print(f"glossary export: {len(entries)} entries as {args.format} -> {out}", file=sys.stderr)
    return 0
