"""Finished HTML held apart from a page's Markdown, and texts held compressed.

The parts of a page we generate are finished HTML: Python-Markdown parses raw HTML slowly
and has nothing to do for it. A template puts each part through `{% filter html %}`,
which leaves a marker (`MARK`); `Page.seal` turns the markers into placeholder paragraphs
and the parts into `Fragments`, put back after conversion, with the page's math as KaTeX drew
it at build time (`generator.render.math`).
"""

from __future__ import annotations

import re
import secrets
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field
from html import unescape

from generator.render import math as drawing
from generator.render.math import MathKey

# A fragment's marker in a rendered template: NUL, a token drawn afresh for each process
# that renders, the fragment's number, NUL. Author text cannot forge one: it would have to
# guess the token (and entries cannot hold NUL at all).
_TOKEN = secrets.token_hex(8)
MARK = f"\x00{_TOKEN}"
MARKER = re.compile(rf"\x00{_TOKEN}(\d+)\x00")
MARKER_RUN = re.compile(rf"\x00{_TOKEN}\d+\x00(?:\n+\x00{_TOKEN}\d+\x00)*")  # only blank lines between
_ID_ATTRIBUTE = re.compile(r'id="([^"]*)"')  # the templates quote attributes with "


def pack(texts: Iterable[str]) -> bytes:
    """Texts in one compressed block, framed by their lengths: no character of theirs, NUL
    included, can be read as a boundary. zlib at its fastest level: generated HTML and
    exports shrink five- to tenfold, which keeps a 10,000-entry build in memory."""
    encoded = [text.encode("utf-8") for text in texts]
    header = " ".join(str(len(part)) for part in encoded).encode("ascii")
    return zlib.compress(header + b"\n" + b"\n".join(encoded), 1)


def unpack(packed: bytes) -> list[str]:
    data = zlib.decompress(packed)
    end = data.index(b"\n")
    out, at = [], end + 1
    for size in map(int, data[:end].split()):
        out.append(data[at : at + size].decode("utf-8"))
        at += size + 1
    return out


def _element_ids(html: str) -> Iterator[str]:
    """The values of the `id` attributes in `html`: `id="..."` after whitespace. Searched for
    as the literal it starts with, which `re` finds many times faster than a pattern that
    opens with `\\s` (tried at every character of the fragments: tens of MB a build)."""
    pos = 0
    while (found := _ID_ATTRIBUTE.search(html, pos)) is not None:
        start = found.start()
        if start > 0 and html[start - 1].isspace():
            yield found.group(1)
            pos = found.end()
        else:
            pos = start + 1


@dataclass(frozen=True, slots=True)
class Fragments:
    """Finished HTML kept out of one page's Markdown; the paragraph `{prefix}{n}` stands for fragment n.

    `prefix` occurs nowhere else in the page, so author text cannot call a fragment up.
    The fragments are held compressed until the page is written.
    """

    prefix: str
    packed: bytes
    ids: frozenset[str] = frozenset()  # the element ids in the fragments: anchors of the page
    math: tuple[MathKey, ...] = ()  # the page's math: placeholder `{prefix}M{n}Z` is math[n]
    drawn: Mapping[MathKey, str] = field(default_factory=dict, compare=False)  # the site's, shared

    @classmethod
    def of(cls, prefix: str, html: Iterable[str], keys: tuple[MathKey, ...] = ()) -> Fragments:
        html = list(html)
        ids = frozenset(unescape(found) for part in html for found in _element_ids(part))
        return cls(prefix, pack(html), ids, keys)

    @property
    def html(self) -> list[str]:
        return unpack(self.packed)

    def restore(self, html: str) -> str:
        """The converted page with each placeholder paragraph `<p>{prefix}{n}</p>` replaced,
        and slots for its math (`draw` fills them once the page is allowlisted).

        Only whole paragraphs count: a heading id or any other text that merely contains
        the prefix (the table of contents lower-cases and transliterates titles) stays.
        """
        parts = self.html
        pattern = re.compile(rf"<p>{self.prefix}(\d+)</p>")
        html = pattern.sub(lambda m: parts[int(m.group(1))], html) if parts else html
        return drawing.slots(html, self.prefix) if self.math else html

    def draw(self, html: str, clean: Callable[[str], str]) -> str:
        """The page, restored and allowlisted, with its math drawn in its slots, each
        drawing through `clean` (`math.fill`)."""
        return drawing.fill(html, self.prefix, self.math, self.drawn, clean) if self.math else html

    def inline(self, markdown: str) -> str:
        """The page's Markdown with its fragments in place, as one document to read."""
        parts = self.html
        pattern = re.compile(rf"^{self.prefix}(\d+)$", re.MULTILINE)
        markdown = pattern.sub(lambda m: parts[int(m.group(1))], markdown)
        return drawing.restore(markdown, self.prefix, self.math, self.drawn) if self.math else markdown

    def inline_math(self, markdown: str) -> str:
        """Markdown with the page's drawn math in place of its placeholders, written so that
        Python-Markdown leaves it as drawn (`glossary render --out`)."""
        if not self.math:
            return markdown
        drawn = {key: drawing.inert_in_markdown(self.drawn[key]) for key in self.math if key in self.drawn}
        return drawing.restore(markdown, self.prefix, self.math, drawn)


class PackedTexts(MutableMapping[str, str]):
    """Site path -> text, held compressed: the exports of a large glossary are hundreds of MB."""

    def __init__(self, items: Iterable[tuple[str, str]] = ()) -> None:
        self._packed: dict[str, bytes] = {}
        self.update(items)

    def __getitem__(self, path: str) -> str:
        return unpack(self._packed[path])[0]

    def __setitem__(self, path: str, text: str) -> None:
        self._packed[path] = pack((text,))

    def __delitem__(self, path: str) -> None:
        del self._packed[path]

    def put_packed(self, path: str, packed: bytes) -> None:
        """Store text that was packed elsewhere (a worker process)."""
        self._packed[path] = packed

    def pop_packed(self, path: str) -> bytes:
        """Remove a text and return it as stored (`unpack(...)[0]` reads it)."""
        return self._packed.pop(path)

    def __iter__(self) -> Iterator[str]:
        return iter(self._packed)

    def __len__(self) -> int:
        return len(self._packed)
