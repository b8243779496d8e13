"""Options and helpers shared by several commands."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_terms_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--terms",
        type=Path,
        default=Path("terms"),
        metavar="DIR",
        help="folder of entry YAML files (default: ./terms)",
    )


def require_terms_dir(path: Path) -> Path:
    """A missing folder is a usage error (exit 2), not a problem in the entries."""
    from generator.cli import UsageError

    if not path.is_dir():
        raise UsageError(f"terms folder '{path}' does not exist (use --terms DIR)")
    return path
