"""Which files in the terms folder are entries, and their bytes read safely.

Every reader of the folder (the validator, the build, `glossary stale`) lists and reads it
here, so all refuse the same things: stray `.yml` files and unprintable names are
reported, links out of the folder, loops, FIFOs and oversized files are refused unread.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from generator import safe_paths
from generator.load import document as load
from generator.model import Mark, Problem


def entry_files(terms_dir: Path) -> tuple[list[Path], list[Problem]]:
    """Entry files in a stable order; stray `.yml` files are reported, other files ignored."""
    files: list[Path] = []
    problems: list[Problem] = []
    with os.scandir(terms_dir) as found:  # the file type comes with the name: no stat per file
        # a link counts as a file here without being followed (it may loop, or lead out of
        # the folder): `read_entry_file` settles where it leads before anything reads it
        names = sorted((item.name, item.is_symlink() or item.is_file(follow_symlinks=False)) for item in found)
    for name, is_file in names:
        path = terms_dir / name
        if name.startswith(".") or not is_file:
            continue
        if path.suffix == ".yaml" and not _printable(path.name):
            # undecodable bytes or control characters in a name would break every report line
            problems.append(
                Problem(
                    _shown(path),
                    Mark(1, 1),
                    "BAD_SLUG",
                    "the file name has bytes that are not UTF-8 text, or control characters",
                    "rename the file to its slug: lower-case letters, digits and hyphens",
                )
            )
        elif path.suffix == ".yaml":
            files.append(path)
        elif path.suffix == ".yml":
            problems.append(
                Problem(
                    str(path),
                    Mark(1, 1),
                    "BAD_SLUG",
                    "entry files end in .yaml, not .yml",
                    f"rename it to {path.stem}.yaml",
                )
            )
    return files, problems


# undecodable bytes (surrogate escapes) and C0/C1 control characters
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\udc80-\udcff]")


def _printable(name: str) -> bool:
    return _UNPRINTABLE.search(name) is None


def _shown(path: Path) -> str:
    """A path safe to print: undecodable bytes and control characters escaped."""
    text = os.fsencode(path).decode("utf-8", "backslashreplace")
    return "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text)


def read_entry_file(path: Path, root: Path, problems: list[Problem]) -> bytes | None:
    """The file's bytes (see `safe_paths.read_inside`: links out of the folder, loops, FIFOs
    and files over the size limit are refused unread); problems instead of errors."""
    shown = str(path)
    try:
        return safe_paths.read_inside(path, root, load.MAX_FILE_BYTES)
    except safe_paths.Refused as refusal:
        problems.append(Problem(shown, Mark(1, 1), "FILE_UNREADABLE", refusal.message, refusal.hint))
    except safe_paths.TooLarge as too_large:
        problems.append(load._too_large(shown, too_large.size))
    except OSError as error:
        problems.append(
            Problem(
                shown,
                Mark(1, 1),
                "FILE_UNREADABLE",
                f"cannot read the file: {error.strerror or error}",
                "check the file exists and is readable",
            )
        )
    return None
