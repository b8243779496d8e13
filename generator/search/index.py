"""The search index: entries and pages reduced to what ranking needs, in load-fast form.

Names (titles, aliases, abbreviations) and summaries for the typo-tolerant name match, and
the full text of every section as BM25 impacts (bm25.py). Built once from the
documents (build.py; the slow part: normalising every word) and then stored by
`cache.py`. A warm `glossary search` on 10,000 entries must load it in a few milliseconds,
so it comes in two parts:

- the core, which a query touches for every doc: titles, the name vocabulary and its
  postings, the full-text terms and where each one's postings lie, the section -> doc map.
  Flat integer arrays, bytes and tuples of strings: marshal copies those without creating
  one object per number;
- the blob (store.py), read by ranges: each term's postings (section ids, impacts), each
  doc's row (slug, kind, address, summary, its names as written) and each section's row
  (heading, anchor, text). A query reads its own terms' postings and its hits' rows, a
  sliver of the whole.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Iterable
from typing import TYPE_CHECKING, NamedTuple

from generator.search.store import Blob, MemoryBlob

if TYPE_CHECKING:  # only building needs these (build.py)
    from generator.model import Entry
    from generator.search.sections import SearchDoc

# Name fields, in order of authority: an exact title beats an exact alias, and so on.
TITLE, ALIAS, ABBREVIATION = 0, 1, 2
FIELD_NAMES: tuple[str, ...] = ("title", "alias", "abbreviation")
SEP = "\x1f"  # unit separator between the texts of a row; replaced by a space in entry text


class Doc(NamedTuple):
    """What a result shows: enough to print or link without loading the entry."""

    slug: str
    title: str
    kind: str
    summary: str
    url: str  # the page's address from the site root


class SectionInfo(NamedTuple):
    """A section of a doc: heading as shown ("" for the top), element id ("" for the top), text."""

    doc: int
    title: str
    anchor: str
    text: str


Packed = tuple[str, bytes]  # an array's typecode and bytes


def packed(values: Iterable[int]) -> Packed:
    """Non-negative integers as bytes, in the narrowest of B, H or i that holds them all:
    most of the index's numbers are below 65,536, and half the bytes are half the time a
    warm search spends checking and copying them."""
    wide = array("i", values)
    top = max(wide, default=0)
    code = "B" if top < 1 << 8 else "H" if top < 1 << 16 else "i"
    return code, array(code, wide).tobytes()


def ints(data: Packed) -> array:
    """The array `packed` wrote (a memcpy)."""
    out = array(data[0])
    out.frombytes(data[1])
    return out


class SearchIndex:
    """Docs, names and vocabulary with postings; see build.build_index for how they relate.

    names are numbered; name i belongs to doc `name_doc[i]`, has field `name_field[i]`,
    `name_joined[i]` marks the extra no-space form ("stoploss" for "stop loss"), and its
    normalised words are vocab ids `name_tokens[name_start[i]:name_start[i + 1]]`.
    """

    def __init__(self, core: tuple, blob: Blob) -> None:
        """`core` as build.py makes it and `to_data` returns it; `blob` holds the rest."""
        (
            self.titles,
            self.vocab,  # sorted, so a prefix is a contiguous range
            name_doc,
            self.name_field,
            self.name_joined,
            name_start,
            name_tokens,
            name_key_len,
            name_post_start,
            name_post,
            summary_post_start,
            summary_post,
            doc_freq,
            self.text_terms,  # sorted full-text terms (bm25.py)
            text_start,
            text_largest,
            section_doc,
            row_start,
            section_start,
            vocab_by_length,
            length_start,
            self._layout,  # (typecode, where it begins) of the blob's parts: section ids, impacts, rows, section rows
            self.kind_labels,
        ) = core
        self._core = core
        self._blob = blob
        # vocab ids by length (then id); the words of length n are vocab_by_length[start[n]:start[n + 1]]
        self.vocab_by_length = ints(vocab_by_length)
        self.length_start = ints(length_start)
        self.name_doc = ints(name_doc)
        self.name_start = ints(name_start)
        self.name_tokens = ints(name_tokens)
        self.name_key_len = ints(name_key_len)  # len(key_of(i)), to skip hopeless similarity checks
        # Postings as (start, values): the ids for vocab word v are values[start[v]:start[v + 1]].
        self._name_postings = (ints(name_post_start), ints(name_post))
        self._summary_postings = (ints(summary_post_start), ints(summary_post))
        self.doc_freq = ints(doc_freq)
        self._text_start = ints(text_start)  # term t's postings are number start[t] to start[t + 1]
        self._text_largest = ints(text_largest)
        self.section_doc = ints(section_doc)
        self._row_start = ints(row_start)  # per doc, utf-8: slug, kind, address, summary, its names' texts
        self._section_start = ints(section_start)  # per section, utf-8: heading, anchor, text

    def __len__(self) -> int:
        return len(self.titles)

    @property
    def name_count(self) -> int:
        return len(self.name_doc)

    def _part(self, part: int, code: str, start: int, end: int) -> array:
        """Numbers start to end of the blob's part `part` (an array of typecode `code`)."""
        at, size = self._layout[part][1], array(code).itemsize
        return ints((code, self._blob.read(at + size * start, at + size * end)))

    def _row(self, doc_id: int) -> list[str]:
        at = self._layout[2][1]
        blob = self._blob.read(at + self._row_start[doc_id], at + self._row_start[doc_id + 1])
        return blob.decode("utf-8").split(SEP)

    def doc(self, doc_id: int) -> Doc:
        slug, kind, url, summary = self._row(doc_id)[:4]
        return Doc(slug, self.titles[doc_id], kind, summary, url)

    def kind_label(self, kind: str) -> str:
        """The word the site uses for a kind (Article, Definition, Area, Page)."""
        return self.kind_labels.get(kind, kind.title())

    def text_postings(self, term: str) -> tuple[array, array, int] | None:
        """(section ids, impacts, largest impact) of a full-text term, None if unknown."""
        terms = self.text_terms
        position = bisect_left(terms, term)
        if position >= len(terms) or terms[position] != term:
            return None
        a, b = self._text_start[position], self._text_start[position + 1]
        sections = self._part(0, self._layout[0][0], a, b)
        impacts = self._part(1, self._layout[1][0], a, b)
        return sections, impacts, self._text_largest[position]

    def section(self, section_id: int) -> SectionInfo:
        at, start = self._layout[3][1], self._section_start
        blob = self._blob.read(at + start[section_id], at + start[section_id + 1])
        title, anchor, text = blob.decode("utf-8").split(SEP)
        return SectionInfo(self.section_doc[section_id], title, anchor, text)

    def first_section(self, doc_id: int) -> int:
        """The id of a doc's first section (its top), or -1 if it has none."""
        position = bisect_left(self.section_doc, doc_id)
        return position if position < len(self.section_doc) and self.section_doc[position] == doc_id else -1

    def tokens_of(self, name_id: int) -> array:
        return self.name_tokens[self.name_start[name_id] : self.name_start[name_id + 1]]

    def key_of(self, name_id: int) -> str:
        return " ".join(self.vocab[t] for t in self.tokens_of(name_id))

    def name_text(self, name_id: int) -> str:
        """The name as written; a doc's names are numbered consecutively, texts in its row."""
        doc_id = self.name_doc[name_id]
        first = bisect_left(self.name_doc, doc_id)
        return self._row(doc_id)[4 + name_id - first]

    def in_names(self, vocab_id: int) -> bool:
        """Whether some name uses this word (not only summaries)."""
        start = self._name_postings[0]
        return start[vocab_id + 1] > start[vocab_id]

    def names_with(self, vocab_id: int) -> array:
        start, values = self._name_postings
        return values[start[vocab_id] : start[vocab_id + 1]]

    def summaries_with(self, vocab_id: int) -> array:
        start, values = self._summary_postings
        return values[start[vocab_id] : start[vocab_id + 1]]

    def to_data(self) -> tuple[tuple, bytes]:
        """(core, blob) of an index built in this process, for the cache: the core is a few
        big strings, bytes and tuples that marshal loads without per-number objects."""
        if not isinstance(self._blob, MemoryBlob):
            raise TypeError("only an index built in this process can be stored")
        return self._core, self._blob.data


def as_docs(items: Iterable[Entry | SearchDoc]) -> list[SearchDoc]:
    """Search documents in slug order; entries are turned into documents (pages are not added)."""
    from generator.search.sections import SearchDoc, entry_doc

    items = list(items)
    titles = {item.slug: item.title for item in items}
    docs = [item if isinstance(item, SearchDoc) else entry_doc(item, titles) for item in items]
    return sorted(docs, key=lambda d: d.slug)


def clean_text(text: str) -> str:
    """Whitespace collapsed, separator-free: how texts are stored and shown (site too)."""
    return " ".join(text.replace(SEP, " ").split())


def build_index(items: Iterable[Entry | SearchDoc]) -> SearchIndex:
    """Normalise every name, summary and section once (build.build_index)."""
    from generator.search.build import build_index as build

    return build(items)


__all__ = [
    "ABBREVIATION",
    "ALIAS",
    "FIELD_NAMES",
    "TITLE",
    "Doc",
    "SearchIndex",
    "SectionInfo",
    "as_docs",
    "build_index",
    "clean_text",
    "ints",
    "packed",
]
