"""The `glossary` command line: one module per subcommand under `generator/cli/`.

Each command module exposes `add_arguments(parser)` and `run(args) -> int`; its one-line
help lives here, so that running one command imports only that command's module (a warm
`glossary search` must not pay for importing the site builder). Exit codes are shared by
all commands: 0 success, 1 problems found in the input, 2 usage error (bad options,
unknown names), 3 a bug in the tools.
"""

from __future__ import annotations

import argparse
import importlib
import io
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from generator import __version__
from generator.safe_text import OutputError, TerminalStream

COMMANDS: dict[str, str] = {
    "validate": "check every entry and report all problems (exit 0 clean, 1 problems, 2 usage)",
    "build": "validate the entries and build the static site (mkdocs build --strict)",
    "render": "write the site as a plain MkDocs project (no hooks) into a folder of its own",
    "serve": "serve the site locally with live reload (edits to terms/ and templates/ rebuild it)",
    "new": "write a skeleton entry file for a new title (never overwrites without --force)",
    "search": "find entries by name, alias, abbreviation or summary, typos forgiven",
    "cite": "print a citation of one entry in APA, MLA, Chicago, BibTeX, RIS or CSL-JSON",
    "calc": "run a leverage calculator (liquidation price, loops, VaR, ...) step by step",
    "export": "export the glossary as JSON, CSV, SKOS (Turtle or JSON-LD) or BibTeX",
    "stale": "list dated venue claims oldest first (exit 0 none stale, 1 some older than --months)",
}

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


class UsageError(Exception):
    """Raised by a command for bad options; printed without a traceback, exit 2."""


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """All commands, or just `only` fully built (the others listed by name for help)."""
    parser = argparse.ArgumentParser(
        prog="glossary",
        description="Validate, build, search and cite the Leverage Glossary.",
    )
    parser.add_argument("--version", action="version", version=f"glossary {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, summary in COMMANDS.items():
        command_parser = sub.add_parser(name, help=summary, description=summary)
        if only is None or name == only:
            module = importlib.import_module(f"generator.cli.{name}")
            module.add_arguments(command_parser)
            command_parser.set_defaults(run=module.run)
    return parser


def _chosen_command(argv: Sequence[str]) -> str | None:
    """The subcommand named on the command line, if the first word that is not an option names one."""
    for word in argv:
        if not word.startswith("-"):
            return word if word in COMMANDS else None
    return None


def main(argv: Sequence[str] | None = None) -> int:
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    words = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(_chosen_command(words))
    argv = words
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # argparse already printed its message
        return EXIT_OK if exit_.code in (0, None) else EXIT_USAGE
    if args.command in NEEDS_PROJECT and not _find_project(getattr(args, "terms", None)):
        from generator.settings import missing_project_message

        print(f"glossary {args.command}: error: {missing_project_message()}", file=sys.stderr)
        return EXIT_USAGE
    # Everything a command prints reaches the terminal through safe_text.for_terminal: author
    # text (titles in search results, citations, the validator's messages) cannot move the
    # cursor, recolour or hide lines, or reorder them with bidi overrides. An export's data
    # on standard output is passed as it is. A failed write is a clean error, not a bug.
    real_out, real_err = sys.stdout, sys.stderr
    sys.stdout = TerminalStream(real_out, clean=args.command not in RAW_STDOUT)
    sys.stderr = TerminalStream(real_err)
    try:
        code = int(args.run(args))
        sys.stdout.flush()  # a write error surfaces here, not after the command has "succeeded"
        return code
    except UsageError as error:
        print(f"glossary {args.command}: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        _discard(real_out)
        return EXIT_OK
    except OutputError as error:
        _discard(real_out)
        try:
            print(f"glossary {args.command}: cannot write the output: {error}", file=real_err)
        except OSError:
            pass
        return EXIT_PROBLEMS
    except Exception:  # noqa: BLE001 - anything reaching here is our bug, not the author's
        print(
            "glossary: internal error - this is a bug in the glossary tools, not in your "
            "entries. Please report it with the details below.",
            file=sys.stderr,
        )
        import traceback  # only here: importing it costs every command a few ms

        traceback.print_exc(file=sys.stderr)
        return EXIT_INTERNAL
    finally:
        sys.stdout, sys.stderr = real_out, real_err


RAW_STDOUT = frozenset({"export"})  # commands whose standard output is data, passed unchanged
# commands that read the project's mkdocs.yml, templates/, site_src/ (KaTeX) or schema/
NEEDS_PROJECT = frozenset({"validate", "build", "serve", "render", "export"})


def _find_project(terms: Path | None) -> bool:
    """Whether there is a project (`settings.find_project`). An installed package outside a
    checkout takes the folder holding --terms when that is a project: named in
    GLOSSARY_PROJECT, for this process and the MkDocs it starts, before the modules that
    read the project's paths are imported."""
    from generator import settings

    if terms is not None and not os.environ.get(settings.PROJECT_ENV) and not settings.is_project(settings._CHECKOUT):
        beside = terms.resolve().parent
        if settings.is_project(beside) and beside != settings.PROJECT_ROOT:
            os.environ[settings.PROJECT_ENV] = str(beside)
            importlib.reload(settings)
    return settings.PROJECT_FOUND


def _discard(stream: TextIO) -> None:
    """Send what is still buffered for `stream` nowhere: Python flushes it again at exit,
    which would fail the same way and print a second error."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        pass


if __name__ == "__main__":
    raise SystemExit(main())
