"""Small facts about entry Markdown that several stages need: fenced code, links, word counts.

`fenced_code` is the one rule for where fenced code is: link finding, headings and the
Markdown-side escaping all use it, and it reads fences as pymdownx.superfences (the
site's parser) does, with that extension's own expression for an opening fence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

# [[slug]] or [[slug|text]]; the slug part is checked separately so that a bad one
# (`[[../etc/passwd]]`, `[[Margin Call]]`) is reported rather than silently skipped.
_WIKILINK = re.compile(r"\[\[([^\[\]|\n]{1,200})(?:\|([^\[\]]{1,300}))?\]\]")  # text may wrap lines
_TAB = 4  # Python-Markdown expands tabs to this width before superfences reads a line
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
_HEADING = re.compile(r"^(#{1,6})[ \t]+\S", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class WikiLink:
    slug: str
    text: str | None
    start: int
    end: int


def fenced_code(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of each fenced code block, opening and closing lines included.

    As superfences reads them, in one pass: a fence opens where its expression matches
    after the line's indent and the info string is one it accepts; it closes at a line
    with the same indent and exactly the same fence; a less indented line in between
    abandons it, and a fence never closed is no code at all. Fences inside block quotes
    are not tracked (their lines stay text, the safe side).
    """
    if "```" not in text and "~~~" not in text:
        return []
    # Imported here: the commands that never meet a fence (search) do not load Markdown.
    from pymdownx.superfences import RE_NESTED_FENCE_START

    spans: list[tuple[int, int]] = []
    opened: tuple[int, int, str] | None = None  # offset, indent width, fence
    offset = 0
    for line in text.splitlines(keepends=True):
        bare = line.rstrip("\r\n").expandtabs(_TAB)
        indent = bare[: len(bare) - len(bare.lstrip(" >"))]  # what superfences counts as indent (block quotes too)
        if opened is None:
            if ">" not in indent:
                found = RE_NESTED_FENCE_START.match(bare, len(indent))
                if found is not None and not found.group("unrecognized"):
                    opened = (offset, len(indent), found.group("fence"))
        elif bare.strip():
            start, width, fence = opened
            content = bare[width:]
            if ">" in indent or len(indent) < width:
                opened = None  # not indented as the fence: superfences drops it
            elif content.startswith(fence) and not content[len(fence) :].strip(" ") and len(indent) == width:
                spans.append((start, offset + len(line)))
                opened = None
        offset += len(line)
    return spans


def iter_wikilinks(body: str) -> Iterator[WikiLink]:
    """Every `[[...]]` outside fenced code, in order of appearance."""
    fenced = fenced_code(body)
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
    fenced = fenced_code(body)
    return [
        (len(m.group(1)), m.start())
        for m in _HEADING.finditer(body)
        if not any(start <= m.start() < end for start, end in fenced)
    ]
