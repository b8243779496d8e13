"""Rules for an entry's prose: Markdown fields, size limits that keep Markdown fast, summary and body length."""

from __future__ import annotations

import re
from typing import Any

from generator import markup
from generator.check.reader import _EntryReader
from generator.model import NodePath

SUMMARY_MAX_CHARS = 300


MIN_WORDS = {"definition": 80, "term": 300, "area": 80}


MIN_TERM_SECTIONS = 2


# "In brief": two to four lines of plain prose under the summary (about 12-25 words a line).
IN_BRIEF_MIN_WORDS = 25
IN_BRIEF_MAX_WORDS = 90
_BLOCK_MARKUP = re.compile(  # a blank line (a second paragraph), or a line opening a block
    r"\n[ \t]*\n|^[ \t]*(?:#{1,6}(?:[ \t]|$)|[-*+>|][ \t]|\d{1,9}[.)][ \t]|```|~~~)", re.MULTILINE
)


_SENTENCE_END = re.compile(r"[.!?](?:[\"'”’)\]]*)\s+(?=[\"'“‘(\[]?[A-Z0-9$])")


def count_sentences(text: str) -> int:
    return len(_SENTENCE_END.split(text.strip())) if text.strip() else 0


MAX_MARKUP_CHARS = 2_000  # the busiest real body has ~150; Markdown slows quadratically past this


MAX_LIST_NESTING = 32  # list or quote markers opening one line; Python-Markdown recurses per level


_MARKUP_CHARS = "[<&`\\$"


_SHORTEST_OVER_LIMIT = min(MAX_MARKUP_CHARS, 2 * MAX_LIST_NESTING)  # `markup_limit` passes anything shorter


_NESTED_MARKERS = re.compile(
    rf"^[ \t]*(?:(?:[-*+]|\d{{1,9}}[.)])[ \t]+|>[ \t]*){{{MAX_LIST_NESTING + 1}}}", re.MULTILINE
)


# Lists nested by indentation, one line each (260 levels made the build recurse too deep):
# a tab or 4 spaces per level, as Python-Markdown counts. With the rule above, a line can
# nest at most 2 x 32 levels, far from what exhausts the recursion limit (~250).
_DEEP_INDENT = re.compile(rf"^(?: {{4}}| {{0,3}}\t){{{MAX_LIST_NESTING + 1}}}", re.MULTILINE)


def markdown_fields(data: Any) -> list[tuple[NodePath, str]]:
    """The fields rendered as Markdown: summary, in brief, body, FAQ answers, formula and example notes."""
    if not isinstance(data, dict):
        return []
    found: list[tuple[NodePath, str]] = [
        ((field,), data[field]) for field in ("summary", "in_brief", "body") if isinstance(data.get(field), str)
    ]
    for list_field, key in (("faq", "answer"), ("formulas", "note"), ("examples", "note")):
        items = data.get(list_field)
        for index, item in enumerate(items if isinstance(items, list) else ()):
            if isinstance(item, dict) and isinstance(item.get(key), str):
                found.append(((list_field, index, key), item[key]))
    return found


def markup_limit(text: str) -> str | None:
    """Why Markdown would crawl or recurse too deep on `text`, or None when it is fine."""
    if len(text) > MAX_MARKUP_CHARS:  # shorter texts cannot hold too many
        count = sum(text.count(char) for char in _MARKUP_CHARS)
        if count > MAX_MARKUP_CHARS:
            return (
                f"the text has {count:,} markup characters ({' '.join(_MARKUP_CHARS)}); "
                f"the limit is {MAX_MARKUP_CHARS:,}"
            )
    if len(text) > 2 * MAX_LIST_NESTING and _NESTED_MARKERS.search(text):
        return f"a line opens more than {MAX_LIST_NESTING} nested lists or quotes"
    if len(text) > MAX_LIST_NESTING and _DEEP_INDENT.search(text):
        return (
            f"a line is indented {4 * (MAX_LIST_NESTING + 1)} columns or more: Markdown nests a list "
            f"or block for every 4, and more than {MAX_LIST_NESTING} levels are not allowed"
        )
    return None


def _check_texts(reader: _EntryReader, value: Any, path: NodePath) -> None:
    """Rules for every text in the entry, in one walk: TODO placeholders, and markup
    limits (any text may reach a page through Markdown). Paths are built only for
    containers and for texts with a problem: most values are short clean texts."""
    if isinstance(value, str):
        _check_text(reader, value, path)
        return
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        if isinstance(item, str):
            if "TODO" in item or len(item) > _SHORTEST_OVER_LIMIT:
                _check_text(reader, item, (*path, key))
        elif isinstance(item, (dict, list)):
            _check_texts(reader, item, (*path, key))


def _check_text(reader: _EntryReader, text: str, path: NodePath) -> None:
    if "TODO" in text:  # skeletons from `glossary new` say TODO where the author still has to write
        reader.report(
            path, "PLACEHOLDER", "text still contains a TODO placeholder", "replace the placeholder with the real text"
        )
    too_much = markup_limit(text)
    if too_much:
        reader.report(
            path,
            "MARKUP_LIMIT",
            too_much,
            "write it as prose: that much markup makes Markdown (and the site build) crawl",
        )


def _check_summary(reader: _EntryReader, summary: str) -> None:
    if not summary:
        return
    if len(summary) > SUMMARY_MAX_CHARS:
        reader.report(
            ("summary",),
            "SUMMARY",
            f"summary is {len(summary)} characters; the limit is {SUMMARY_MAX_CHARS}",
            "keep the one- or two-sentence definition here and move detail into the body",
        )
    sentences = count_sentences(summary)
    if sentences > 2:
        reader.report(
            ("summary",),
            "SUMMARY",
            f"summary has {sentences} sentences; at most 2",
            "a summary is the citable definition: one or two sentences",
        )
    if summary[-1] not in ".!?":
        reader.report(("summary",), "SUMMARY", "summary does not end with a full stop", "end the sentence with '.'")


def _check_body(reader: _EntryReader, kind: str, body: str) -> None:
    minimum = MIN_WORDS[kind]
    words = markup.word_count(body, at_most=minimum)  # the exact count whenever it is short
    if words < minimum:
        reader.report(
            ("body",),
            "BODY_TOO_SHORT",
            f"body has {words} words; a {kind} needs at least {minimum}",
            "explain how it works, give an example and name the risks",
        )
    levels = markup.headings(body)
    if any(level == 1 for level, _ in levels):
        reader.report(
            ("body",),
            "BAD_VALUE",
            "the body contains a level-1 heading",
            "start sections at `##`; the title is the page's only level-1 heading",
        )
    if kind == "term" and sum(1 for level, _ in levels if level == 2) < MIN_TERM_SECTIONS:
        reader.report(
            ("body",),
            "BODY_TOO_SHORT",
            f"a term body needs at least {MIN_TERM_SECTIONS} `##` sections",
            "use sections such as `## How it works`, `## Example` and `## Risks`",
        )


def check_in_brief(reader: _EntryReader, kind: str, text: str) -> str:
    """The "In brief" a reader meets right under the summary: one short plain paragraph, so
    that the body's first section still starts within the first two screens. Returns the
    text to keep ("" on an area, whose page has no place for it)."""
    if kind == "area":
        reader.report(
            ("in_brief",),
            "BAD_VALUE",
            "an area has no 'In brief'; only definitions and terms show one",
            "remove `in_brief:`; an area is introduced by its summary and its Scope section",
            at_key=True,
        )
        return ""
    if not text or "TODO" in text:  # empty or a placeholder: reported already
        return text
    if _BLOCK_MARKUP.search(text):
        reader.report(
            ("in_brief",),
            "IN_BRIEF",
            "in_brief must be one plain paragraph: no headings, lists, tables, code blocks or blank lines",
            "write two to four lines of prose; put structure in the body",
        )
    words = markup.word_count(text, at_most=IN_BRIEF_MAX_WORDS + 1)
    if words < IN_BRIEF_MIN_WORDS:
        reader.report(
            ("in_brief",),
            "IN_BRIEF",
            f"in_brief has {words} words; it needs at least {IN_BRIEF_MIN_WORDS}",
            "say in two to four lines what it is and when it matters",
        )
    elif words > IN_BRIEF_MAX_WORDS:
        reader.report(
            ("in_brief",),
            "IN_BRIEF",
            f"in_brief has more than {IN_BRIEF_MAX_WORDS} words",
            "keep it to two to four lines (at most 90 words); the details belong in the body",
        )
    return text
