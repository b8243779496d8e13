"""`glossary render --out DIR` - the site as a plain MkDocs project (no glossary plugin) in DIR.

See `generator.emit.mkdocs.docs_folder` for what the folder holds; stock
`mkdocs build --strict -f DIR/mkdocs.yml` turns it into the site.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator.cli.terms_option import add_terms_option, require_terms_dir


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_terms_option(parser)
    parser.add_argument(
        "--out",
        type=Path,
        required=True,
        metavar="DIR",
        help="the folder to write (new, empty, or one `glossary render` made)",
    )
    parser.add_argument("--force", action="store_true", help="replace a folder `glossary render` made before")


def run(args: argparse.Namespace) -> int:
    from generator import settings
    from generator.emit.mkdocs.docs_folder import NotReplaced, render_folder
    from generator.safe_paths import Refused

    terms = require_terms_dir(args.terms)
    try:
        glossary = render_folder(args.out, terms, settings.PROJECT_ROOT, force=args.force)
    except Refused as refusal:
        print(
            f"glossary render: error: {refusal.message.replace('--site-dir', '--out')}\n    hint: {refusal.hint}",
            file=sys.stderr,
        )
        return 2
    except NotReplaced:
        print(
            f"glossary render: error: {args.out} holds an earlier rendering; it is replaced only with --force",
            file=sys.stderr,
        )
        return 2
    for problem in glossary.problems:
        print(problem.format(), file=sys.stderr)
    if glossary.errors:
        print(f"glossary render: {len(glossary.errors)} error(s) in {terms}; nothing was written.", file=sys.stderr)
        return 1
    print(
        f"glossary render: {len(glossary.entries)} entries -> {args.out} "
        f"(build it with: mkdocs build --strict -f {args.out / 'mkdocs.yml'})"
    )
    return 0
