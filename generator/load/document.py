"""Strict YAML loading: bytes in, a `Document` (data + positions) or problems out.

PyYAML's own constructors are too trusting for a knowledge base many people edit: they
keep the last of two duplicate keys (an author's text silently lost), expand aliases
without limit ("billion laughs") and build Python objects from tags. So we build the
data ourselves, which lets us refuse abuse and remember where every node came from.

Two routes give the same result. The fast one lets libyaml's C composer build the node
tree and walks it once; it takes only files that cannot be hostile (bounded nesting, no
aliases, no duplicate keys, no odd tags, no second document) and steps aside at the first
doubt. The careful one walks libyaml's events one by one, enforcing every limit as it
goes, and explains each problem; it handles everything the fast route leaves.

Plain scalars are read by YAML 1.2's rules, narrowed (generator/load/scalars.py), on both
routes: `1:30`, `010`, `0x10`, `yes` and `on` are the text written, never 90, 8, 16 or true.

No value may hold a control character (C0 except tab and line feed, DEL, C1): a
double-quoted `"\\0"` or `"\\e[31m"` is refused with its position (`CONTROL_CHAR`).
"""

from __future__ import annotations

import re
from pathlib import Path

from generator.load.careful import parse_events
from generator.load.fast import compose_fast
from generator.load.limits import MAX_FILE_BYTES
from generator.model import Document, Mark, Problem


def _position_of_offset(data: bytes, offset: int) -> Mark:
    before = data[:offset]
    line = before.count(b"\n") + 1
    column = offset - (before.rfind(b"\n") + 1) + 1
    return Mark(line, column)


def load_file(path: Path, display_path: str | None = None) -> tuple[Document | None, list[Problem]]:
    """Read and parse one entry file; never raises for bad content."""
    shown = display_path or str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, [_too_large(shown, size)]
        data = path.read_bytes()
    except OSError as error:
        return None, [
            Problem(
                shown,
                Mark(1, 1),
                "FILE_UNREADABLE",
                f"cannot read the file: {error.strerror}",
                "check the file exists and is readable",
            )
        ]
    return load_bytes(data, shown)


def _too_large(shown: str, size: int) -> Problem:
    return Problem(
        shown,
        Mark(1, 1),
        "FILE_TOO_LARGE",
        f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}",
        "split the material into several entries and link them",
    )


def decode(data: bytes, shown: str) -> tuple[str | None, list[Problem]]:
    """UTF-8 only (a BOM is allowed); errors name the byte offset and its position."""
    if len(data) > MAX_FILE_BYTES:
        return None, [_too_large(shown, len(data))]
    nul = data.find(b"\x00")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, [
            Problem(
                shown,
                Mark(1, 1),
                "ENCODING",
                "file is UTF-16 (byte-order mark at byte offset 0); entries must be UTF-8",
                "re-save the file as UTF-8 in your editor",
            )
        ]
    if nul != -1:
        return None, [
            Problem(
                shown,
                _position_of_offset(data, nul),
                "NUL_BYTE",
                f"NUL byte at byte offset {nul}",
                "remove the NUL byte; entries are plain UTF-8 text",
            )
        ]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return None, [
            Problem(
                shown,
                _position_of_offset(data, error.start),
                "ENCODING",
                f"not valid UTF-8: byte 0x{data[error.start]:02x} at byte offset {error.start}",
                "re-save the file as UTF-8 (it may be Latin-1 or Windows-1252)",
            )
        ]
    return text, []


def load_bytes(data: bytes, shown: str) -> tuple[Document | None, list[Problem]]:
    text, problems = decode(data, shown)
    if text is None:
        return None, problems
    return parse_text(text, shown)


def parse_text(text: str, shown: str) -> tuple[Document | None, list[Problem]]:
    """Plain data with marks and raw numbers: the fast route when it can, else the careful one."""
    fast = compose_fast(text, shown)
    return (fast, []) if fast is not None else parse_events(text, shown)


_SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def is_slug(text: str) -> bool:
    return bool(_SLUG_RE.fullmatch(text))
