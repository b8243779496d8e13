"""`glossary build` - validate the entries and build the static site with MkDocs.

`generator.site_build` runs MkDocs, whose hooks validate the entries once and stop at
any error; this command prints the validator's messages (never MkDocs' abort text for
them), and the previous site stays untouched unless the new one builds cleanly.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator.commands._common import add_terms_option


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_terms_option(parser)
    parser.add_argument(
        "--site-dir",
        type=Path,
        default=Path("site"),
        metavar="DIR",
        help="where to write the site (default: ./site); replaced only when the build succeeds",
    )


def run(args: argparse.Namespace) -> int:
    from generator.site_build import build_site

    terms: Path = args.terms
    if not terms.is_dir():
        print(f"glossary build: error: no terms folder at {terms}", file=sys.stderr)
        return 2
    result = build_site(args.site_dir, terms)
    for problem in result.problems:
        print(problem.format(), file=sys.stderr)
    if result.errors:
        print(
            f"glossary build: {len(result.errors)} error(s) in {terms}; "
            f"nothing was built and {args.site_dir} is unchanged.",
            file=sys.stderr,
        )
        return 1
    if not result.ok:
        sys.stderr.write(result.output)
        print(f"glossary build: mkdocs build failed; {args.site_dir} is unchanged.", file=sys.stderr)
        return 1
    print(f"glossary build: {result.entries} entries -> {result.site_dir}")
    return 0
