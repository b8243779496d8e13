"""Turn an entry's Markdown into page Markdown: safe, with links to the other entries.

`[[slug]]` and `[[slug|text]]` become ordinary Markdown links, and the first plain
mention of another entry's title or alias becomes a link too, so authors can write
naturally. A target is linked at most once per page, and never from inside code,
math, a heading or an existing link. Everything else is made safe by `sanitize`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from generator.markup import iter_wikilinks
from generator.model import Entry
from generator.render.escape import escape_markdown_prose, plain_markdown
from generator.render.sanitize import sanitize_markdown

HrefFor = Callable[[str], str]

# ATX headings, and setext headings (a non-blank line over `===` or `---`); the lookahead
# keeps the setext test linear in the line's length.
_HEADING_LINE = re.compile(r"^[ ]{0,3}#{1,6}(?:[ \t].*)?$|^(?=.*\S).*\n[ ]{0,3}(?:=+|-+)[ \t]*$", re.MULTILINE)


_GROUP_CHARS = 3  # names are grouped by their first three characters (every name has at least three)
_FINDER_DEPTH = 40  # the candidate finder looks this far into a name; the rest is checked per group
_AFTER_NAME = r"(?:e?s)?(?![\w\-])"  # optional plural, then no word character or hyphen


@dataclass(frozen=True, slots=True)
class NameIndex:
    r"""Every linkable name (titles and aliases) and the entry it belongs to.

    A mention is what one regular expression would find: every name, longest first, as
    `(?<![\w\-/])(?:name|...)(?:e?s)?(?![\w\-])` (case-insensitive, spaces in names
    matching any run of whitespace), leftmost match first. Trying thousands of names at
    every place of every page costs pages x names, so the search is split in two: one
    expression built as a trie of all names finds, in a single pass, the places where
    some name starts; there only the names sharing the text's first three characters
    are tried, in the same order. Together they find exactly what the single
    expression finds, in time that grows with the text, not with the number of names.
    """

    slug_for: Mapping[str, str]
    _finder: re.Pattern[str] | None = None
    _groups: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    _odd: tuple[str, ...] = ()  # names with whitespace other than single spaces between words: tried everywhere
    _rank: Mapping[str, int] = field(default_factory=dict)
    _letters: Mapping[str, re.Pattern[str]] = field(default_factory=dict)
    _cache: dict[Any, Any] = field(default_factory=dict)  # text character -> letters; group keys -> expression

    @classmethod
    def build(cls, entries: Iterable[Entry]) -> NameIndex:
        slug_for: dict[str, str] = {}
        for entry in entries:
            for name in (entry.title, *entry.aliases):
                key = name.casefold().strip()
                if len(key) >= 3:
                    slug_for.setdefault(key, entry.slug)
        if not slug_for:
            return cls({})
        # Longest first: "liquidation price" wins over "liquidation" at the same place.
        names = sorted(slug_for, key=lambda name: (-len(name), name))
        groups: dict[str, list[str]] = defaultdict(list)
        odd: list[str] = []
        for name in names:
            if " ".join(name.split()) == name:
                groups[name[:_GROUP_CHARS]].append(name)
            else:
                odd.append(name)
        letters = {ch for key in groups for ch in key if ch != " "}
        finder = re.compile(rf"(?<![\w\-/])(?={_trie(sorted(slug_for), 0)})", re.IGNORECASE)
        return cls(
            slug_for,
            finder,
            {key: tuple(group) for key, group in groups.items()},
            tuple(odd),
            {name: rank for rank, name in enumerate(names)},
            {ch: re.compile(re.escape(ch), re.IGNORECASE) for ch in letters},
        )

    def prepare(self) -> None:
        """Compile each group's expression now, not on first use: worker processes forked
        afterwards inherit them instead of each compiling its own."""
        for key in self._groups:
            self._expression((key,))

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """The mentions of names in `text`, leftmost first, as the single expression finds them."""
        if self._finder is None:
            return
        end = 0
        for candidate in self._finder.finditer(text):
            start = candidate.start()
            if start < end:
                continue
            match = self._expression(self._group_keys(text, start)).match(text, start)
            if match:
                yield match
                end = match.end()

    def _group_keys(self, text: str, pos: int) -> tuple[str, ...]:
        """The groups whose first characters the text at `pos` matches (almost always one)."""
        keys = [""]
        for _ in range(_GROUP_CHARS):
            if pos >= len(text):
                return ()
            if text[pos].isspace():
                while pos < len(text) and text[pos].isspace():
                    pos += 1
                units: tuple[str, ...] = (" ",)
            else:
                units = self._letters_for(text[pos])
                pos += 1
            keys = [key + unit for key in keys for unit in units]
        return tuple(key for key in keys if key in self._groups)

    def _letters_for(self, char: str) -> tuple[str, ...]:
        """The name characters that `char` matches, ignoring case the way `re` does."""
        found = self._cache.get(char)
        if found is None:
            found = self._cache[char] = tuple(ch for ch, one in self._letters.items() if one.fullmatch(char))
        return found

    def _expression(self, keys: tuple[str, ...]) -> re.Pattern[str]:
        """The names of these groups (and the odd ones), in the single expression's order."""
        found = self._cache.get(keys)
        if found is None:
            names = sorted(
                {*self._odd, *(name for key in keys for name in self._groups[key])}, key=self._rank.__getitem__
            )
            alternation = "|".join(_name_pattern(name) for name in names) or "(?!)"
            found = self._cache[keys] = re.compile(rf"(?:{alternation}){_AFTER_NAME}", re.IGNORECASE)
        return found

    def slug_of(self, mention: str) -> str | None:
        key = " ".join(mention.casefold().split())
        if key in self.slug_for:
            return self.slug_for[key]
        for suffix in ("es", "s"):
            if key.endswith(suffix) and key[: -len(suffix)] in self.slug_for:
                return self.slug_for[key[: -len(suffix)]]
        return None


def _name_pattern(name: str) -> str:
    """A name as a regular expression: its characters literally, each space any run of whitespace."""
    return re.escape(name).replace(r"\ ", r"\s+")


def _trie(names: list[str], depth: int) -> str:
    """An expression matching the start of any of `names` (sorted), shared prefixes written once.

    It matches wherever a name could start (it stops at the first name that ends, and at
    `_FINDER_DEPTH` characters), so it finds every place worth trying and few others.
    """
    if depth >= _FINDER_DEPTH or len(names[0]) == depth:
        return ""
    branches = []
    for char, group in groupby(names, key=lambda name: name[depth]):
        piece = r"\s+" if char == " " else re.escape(char)
        branches.append(piece + _trie(list(group), depth + 1))
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"


def link_text(text: str) -> str:
    """Text safe to put between `[` and `]` of a Markdown link: plain text, no syntax."""
    return plain_markdown(text)


def render_markdown(
    markdown: str,
    *,
    self_slug: str | None,
    index: NameIndex,
    titles: Mapping[str, str],
    href_for: HrefFor,
    linked: set[str],
    autolink: bool = True,
    math: Callable[[str], str] | None = None,
) -> str:
    """Safe page Markdown with wikilinks resolved and first mentions linked (and each math
    segment through `math`, when given: see `sanitize_markdown`).

    `linked` holds the slugs already linked on this page; it is updated, so passing the
    same set for several fields of one page (body, FAQ answers) links each target once.
    `titles` maps every known slug to its title; unknown wikilinks stay plain text.
    """
    explicit = {link.slug for link in iter_wikilinks(markdown) if link.slug in titles}
    linked.update(explicit)
    if self_slug:
        linked.add(self_slug)
    headings = [(m.start(), m.end()) for m in _HEADING_LINE.finditer(markdown)] if autolink else []
    return sanitize_markdown(
        markdown,
        lambda prose: _render_text(prose.text, prose.start, index, titles, href_for, linked, headings, autolink),
        math,
    )


def _render_text(
    text: str,
    start: int,
    index: NameIndex,
    titles: Mapping[str, str],
    href_for: HrefFor,
    linked: set[str],
    headings: list[tuple[int, int]],
    autolink: bool,
) -> str:
    out: list[str] = []
    pos = 0
    for link in iter_wikilinks(text):
        out.append(_mentions(text[pos : link.start], start + pos, index, href_for, linked, headings, autolink))
        if link.slug in titles:
            label = link.text or titles[link.slug]
            out.append(f"[{link_text(label)}]({href_for(link.slug)})")
        else:
            out.append(escape_markdown_prose(link.text or link.slug))
        pos = link.end
    out.append(_mentions(text[pos:], start + pos, index, href_for, linked, headings, autolink))
    return "".join(out)


def _mentions(
    text: str,
    start: int,
    index: NameIndex,
    href_for: HrefFor,
    linked: set[str],
    headings: list[tuple[int, int]],
    autolink: bool,
) -> str:
    if not autolink or not index.slug_for:
        return escape_markdown_prose(text)
    out: list[str] = []
    pos = 0
    for match in index.finditer(text):
        slug = index.slug_of(match.group(0))
        where = start + match.start()
        if slug is None or slug in linked or any(a <= where < b for a, b in headings):
            continue
        linked.add(slug)
        out.append(escape_markdown_prose(text[pos : match.start()]))
        out.append(f"[{link_text(match.group(0))}]({href_for(slug)})")
        pos = match.end()
    out.append(escape_markdown_prose(text[pos:]))
    return "".join(out)
