"""Turn an entry's Markdown into page Markdown: safe, with links to the other entries.

`[[slug]]` and `[[slug|text]]` become ordinary Markdown links, and the first plain
mention of another entry's title or alias becomes a link too, so authors can write
naturally. A target is linked at most once per page, and never from inside code,
math, a heading or an existing link. Everything else is made safe by `sanitize`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from generator.markup import iter_wikilinks
from generator.model import Entry
from generator.sanitize import (
    escape_math,
    escape_text,
    is_display_block,
    pad_block,
    sanitize_link,
    sanitize_refdef,
    segments,
)

HrefFor = Callable[[str], str]

_HEADING_LINE = re.compile(r"^[ ]{0,3}#{1,6}(?:[ \t].*)?$|^.*\S.*\n[ ]{0,3}(?:=+|-+)[ \t]*$", re.MULTILINE)
_LINK_TEXT_SPECIALS = re.compile(r"([\[\]\\])")


@dataclass(frozen=True, slots=True)
class NameIndex:
    """Every linkable name (titles and aliases) and the entry it belongs to."""

    pattern: re.Pattern[str] | None
    slug_for: Mapping[str, str]

    @classmethod
    def build(cls, entries: Iterable[Entry]) -> NameIndex:
        slug_for: dict[str, str] = {}
        for entry in entries:
            for name in (entry.title, *entry.aliases):
                key = name.casefold().strip()
                if len(key) >= 3:
                    slug_for.setdefault(key, entry.slug)
        if not slug_for:
            return cls(None, {})
        # Longest first: "liquidation price" wins over "liquidation" at the same place.
        names = sorted(slug_for, key=lambda name: (-len(name), name))
        alternation = "|".join(re.escape(name).replace(r"\ ", r"\s+") for name in names)
        pattern = re.compile(rf"(?<![\w\-/])(?:{alternation})(?:e?s)?(?![\w\-])", re.IGNORECASE)
        return cls(pattern, slug_for)

    def slug_of(self, mention: str) -> str | None:
        key = " ".join(mention.casefold().split())
        if key in self.slug_for:
            return self.slug_for[key]
        for suffix in ("es", "s"):
            if key.endswith(suffix) and key[: -len(suffix)] in self.slug_for:
                return self.slug_for[key[: -len(suffix)]]
        return None


def link_text(text: str) -> str:
    """Text safe to put between `[` and `]` of a Markdown link."""
    return escape_text(_LINK_TEXT_SPECIALS.sub(r"\\\1", text))


def render_markdown(
    markdown: str,
    *,
    self_slug: str | None,
    index: NameIndex,
    titles: Mapping[str, str],
    href_for: HrefFor,
    linked: set[str],
    autolink: bool = True,
) -> str:
    """Safe page Markdown with wikilinks resolved and first mentions linked.

    `linked` holds the slugs already linked on this page; it is updated, so passing the
    same set for several fields of one page (body, FAQ answers) links each target once.
    `titles` maps every known slug to its title; unknown wikilinks stay plain text.
    """
    explicit = {link.slug for link in iter_wikilinks(markdown) if link.slug in titles}
    linked.update(explicit)
    if self_slug:
        linked.add(self_slug)
    headings = [(m.start(), m.end()) for m in _HEADING_LINE.finditer(markdown)]
    parts: list[str] = []
    for segment in segments(markdown):
        if segment.kind == "code":
            parts.append(segment.text)
        elif segment.kind == "math":
            math = escape_math(segment.text)
            parts.append(pad_block(math) if is_display_block(markdown, segment) else math)
        elif segment.kind == "link":
            parts.append(sanitize_link(segment.text))
        elif segment.kind == "refdef":
            parts.append(sanitize_refdef(segment.text))
        else:
            parts.append(
                _render_text(segment.text, segment.start, index, titles, href_for, linked, headings, autolink)
            )
    return "".join(parts)


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
            out.append(escape_text(link.text or link.slug))
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
    if not autolink or index.pattern is None:
        return escape_text(text)
    out: list[str] = []
    pos = 0
    for match in index.pattern.finditer(text):
        slug = index.slug_of(match.group(0))
        where = start + match.start()
        if slug is None or slug in linked or any(a <= where < b for a, b in headings):
            continue
        linked.add(slug)
        out.append(escape_text(text[pos : match.start()]))
        out.append(f"[{link_text(match.group(0))}]({href_for(slug)})")
        pos = match.end()
    out.append(escape_text(text[pos:]))
    return "".join(out)
