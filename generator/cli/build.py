"""`glossary build` - validate the entries and build the static site with MkDocs.

`generator.emit.mkdocs.site_build` runs MkDocs, whose glossary plugin validates the entries once and stop at
any error; this command prints the validator's messages (never MkDocs' abort text for
them), and the previous site stays untouched unless the new one builds cleanly.
"""

from __future__ import annotations

import argparse
import errno
import re
import sys
from pathlib import Path

from generator.cli.terms_option import add_terms_option


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
    from generator.emit.mkdocs.site_build import build_site
    from generator.safe_paths import Refused

    terms: Path = args.terms
    if not terms.is_dir():
        print(f"glossary build: error: no terms folder at {terms}", file=sys.stderr)
        return 2
    try:
        result = build_site(args.site_dir, terms)
    except Refused as refusal:
        print(f"glossary build: error: {refusal.message}\n    hint: {refusal.hint}", file=sys.stderr)
        return 2
    except OSError as error:  # an unwritable or full place for the site: nothing was replaced
        print(
            f"glossary build: cannot write the site at {args.site_dir}: {error.strerror or error}; "
            "nothing was built and any previous site is unchanged.",
            file=sys.stderr,
        )
        return 1
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
        failed = _write_failure(result.output)
        if failed:  # a full disk or a read-only place: the cause, not MkDocs' traceback
            print(f"glossary build: cannot write the site: {failed}; {args.site_dir} is unchanged.", file=sys.stderr)
            return 1
        sys.stderr.write(result.output)
        print(f"glossary build: mkdocs build failed; {args.site_dir} is unchanged.", file=sys.stderr)
        return 1
    for line in result.output.splitlines():  # what the plugin flagged without failing the build
        if "glossary: warning:" in line:
            print(line.split("glossary: ", 1)[1], file=sys.stderr)
    print(f"glossary build: {result.entries} entries -> {result.site_dir}")
    return 0


_WRITE_ERRORS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EFBIG, errno.EIO}


def _write_failure(output: str) -> str | None:
    """The system's words for why MkDocs could not write (`No space left on device`), if that
    is why it failed: the author needs the cause, not the traceback around it."""
    for match in re.finditer(r"\[Errno (\d+)\] ([^:\n]+)", output):
        if int(match.group(1)) in _WRITE_ERRORS:
            return match.group(2).strip()
    return None
