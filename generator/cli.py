"""The `glossary` command line: one module per subcommand under `generator/commands/`.

Each command module exposes `HELP` (one line), `add_arguments(parser)` and
`run(args) -> int`. Exit codes are shared by all commands: 0 success, 1 problems found in
the input, 2 usage error (bad options, unknown names, a feature not available yet).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import traceback
from collections.abc import Sequence

from generator import __version__

COMMANDS: tuple[str, ...] = ("validate", "build", "serve", "new", "search", "cite", "calc", "export")

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


class UsageError(Exception):
    """Raised by a command for bad options; printed without a traceback, exit 2."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="glossary",
        description="Validate, build, search and cite the Leverage Glossary.",
    )
    parser.add_argument("--version", action="version", version=f"glossary {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        module = importlib.import_module(f"generator.commands.{name}")
        command_parser = sub.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(command_parser)
        command_parser.set_defaults(run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # argparse already printed its message
        return EXIT_OK if exit_.code in (0, None) else EXIT_USAGE
    try:
        return int(args.run(args))
    except UsageError as error:
        print(f"glossary {args.command}: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception:  # noqa: BLE001 - anything reaching here is our bug, not the author's
        print(
            "glossary: internal error - this is a bug in the glossary tools, not in your "
            "entries. Please report it with the details below.",
            file=sys.stderr,
        )
        traceback.print_exc(file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    raise SystemExit(main())
