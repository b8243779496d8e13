"""Characters that must not reach a terminal, and characters a reader cannot see.

Author text ends up in what the command line prints (search results, citations, the
validator's messages quote titles and values). A terminal obeys escape sequences, and
bidirectional overrides reorder what it shows, so a title could recolour a report, hide
a line or make `margin` read as something else. Two classes of characters are defined
here, once, for everything that needs them:

- CONTROL: C0 controls except tab and line feed, DEL and the C1 controls. They have no
  place in an entry: the loader refuses them in every field (`first_control`).
- INVISIBLE: the Unicode default-ignorable characters (zero-width space and joiners,
  soft hyphen, bidirectional marks, embeddings, overrides and isolates, the byte-order
  mark, variation selectors, tag characters). They are legitimate in some scripts, so
  entries may hold them; but two names that differ only by them look identical, so name
  comparison ignores them (`without_invisible`), and the terminal never gets them.

`for_terminal` strips both; `generator.cli` passes every line a command prints through
it (the `export` command's data on standard output excepted: it is data, not a message).
"""

from __future__ import annotations

import re
from typing import Any, TextIO

# C0 except TAB (09) and LF (0a); DEL; C1 (80-9f).
_CONTROL_CLASS = "\x00-\x08\x0b-\x1f\x7f-\x9f"
# Unicode's Default_Ignorable_Code_Point: what renders as nothing. U+200B-U+200F (zero
# width, LRM/RLM), U+202A-U+202E (embeddings, overrides), U+2060-U+206F (word joiner,
# isolates U+2066-U+2069, ...), U+FEFF (byte-order mark), soft hyphen, and the rest.
_INVISIBLE_CLASS = (
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0000-\U000e0fff"
)

_CONTROL = re.compile(f"[{_CONTROL_CLASS}]")
_INVISIBLE = re.compile(f"[{_INVISIBLE_CLASS}]+")
_UNSHOWABLE = re.compile(f"[{_CONTROL_CLASS}{_INVISIBLE_CLASS}]+")

_CONTROL_NAMES = {
    0x00: "NUL",
    0x07: "BEL",
    0x08: "BS",
    0x0B: "VT",
    0x0C: "FF",
    0x0D: "CR",
    0x1B: "ESC",
    0x7F: "DEL",
    0x85: "NEL",
    0x9B: "CSI",
}


def first_control(text: str) -> int | None:
    """Index of the first control character in `text` (tab and line feed allowed), or None.

    `str.isprintable` runs in C and is true for nearly every one-line value, so the regular
    expression only looks at texts with line breaks, tabs or unusual characters.
    """
    if text.isprintable():
        return None
    found = _CONTROL.search(text)
    return found.start() if found else None


def describe_control(char: str) -> str:
    """`U+001B (ESC)`: how a message names a control character."""
    code = ord(char)
    name = _CONTROL_NAMES.get(code)
    return f"U+{code:04X} ({name})" if name else f"U+{code:04X}"


def without_control(text: str) -> str:
    """`text` with every control character removed (tab and line feed kept)."""
    return _CONTROL.sub("", text)


def without_invisible(text: str) -> str:
    """`text` with the characters that render as nothing removed: for comparing names."""
    return text if text.isascii() else _INVISIBLE.sub("", text)


def for_terminal(text: str) -> str:
    """`text` as it may be printed: no controls but tab and line feed, nothing invisible."""
    if text.isascii() and text.isprintable():
        return text
    return _UNSHOWABLE.sub("", text)


class OutputError(Exception):
    """Writing what a command prints failed (a full disk, `> /dev/full`): not a bug, not an OSError
    a command could mistake for one of its own files."""

    def __init__(self, error: OSError) -> None:
        super().__init__(error.strerror or str(error))
        self.error = error


class TerminalStream:
    """A text stream that passes everything through `for_terminal` (unless `clean` is off, for
    data such as an export) and turns a failed write into OutputError."""

    def __init__(self, stream: TextIO, *, clean: bool = True) -> None:
        self._stream = stream
        self._clean = clean

    def write(self, text: str) -> int:
        try:
            return self._stream.write(for_terminal(text) if self._clean else text)
        except BrokenPipeError:
            raise  # the reader went away (`| head`): the command line ends quietly
        except OSError as error:
            raise OutputError(error) from None

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            raise
        except OSError as error:
            raise OutputError(error) from None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)
