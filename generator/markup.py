"""Small facts about entry Markdown that several stages need: links and word counts."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

# [[slug]] or [[slug|text]]; the slug part is checked separately so that a bad one
# (`[[../etc/passwd]]`, `[[Margin Call]]`) is reported rather than silently skipped.
_WIKILINK = re.compile(r"\[\[([^\[\]|\n]{1,200})(?:\|([^\[\]]{1,300}))?\]\]")  # text may wrap lines
_FENCE = re.compile(r"^(```|~~~).*?^\1[ \t]*$", re.MULTILINE | re.DOTALL)
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
_HEADING = re.compile(r"^(#{1,6})[ \t]+\S", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class WikiLink:
    slug: str
    text: str | None
    start: int
    end: int


def iter_wikilinks(body: str) -> Iterator[WikiLink]:
    """Every `[[...]]` outside fenced code, in order of appearance."""
    fenced = [(m.start(), m.end()) for m in _FENCE.finditer(body)]
    for match in _WIKILINK.finditer(body):
        if any(start <= match.start() < end for start, end in fenced):
            continue
        text = match.group(2)
        shown = " ".join(text.split()) if text else None
        yield WikiLink(match.group(1).strip(), shown, match.start(), match.end())


def word_count(body: str, at_most: int = 0) -> int:
    """Words in `body`; with `at_most`, counting stops there (a minimum is met or not)."""
    return _WORD.subn("", body, count=at_most)[1]  # counts matches without making a string of each word


def headings(body: str) -> list[tuple[int, int]]:
    """(level, offset) of each ATX heading outside fenced code."""
    fenced = [(m.start(), m.end()) for m in _FENCE.finditer(body)]
    return [
        (len(m.group(1)), m.start())
        for m in _HEADING.finditer(body)
        if not any(start <= m.start() < end for start, end in fenced)
    ]
