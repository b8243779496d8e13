"""The search index: entries and pages reduced to what ranking needs, in load-fast form.

Two parts: names (titles, aliases, abbreviations) and summaries for the typo-tolerant name
match, and the full text of every section as BM25 impacts (fulltext.py). Built once from
the documents (sections.py; the slow part: normalising every word) and then
stored by `cache.py`. A warm `glossary search` on 10,000 entries must load it in a few
milliseconds, so everything a query touches for every entry is a flat integer array or a
bytes blob (marshal copies those without creating one object per number), and what only
the hits need (slug, kind, summary, alias text) is decoded for the hits alone.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from generator.search.normalize import tokens

if TYPE_CHECKING:  # generator.model costs a warm search ~6 ms to import; only build needs it
    from generator.model import Entry
    from generator.search.sections import SearchDoc

# Name fields, in order of authority: an exact title beats an exact alias, and so on.
TITLE, ALIAS, ABBREVIATION = 0, 1, 2
FIELD_NAMES: tuple[str, ...] = ("title", "alias", "abbreviation")
_SEP = "\x1f"  # unit separator between the texts of a row; replaced by a space in entry text


@dataclass(frozen=True, slots=True)
class Doc:
    """What a result shows: enough to print or link without loading the entry."""

    slug: str
    title: str
    kind: str
    summary: str
    url: str  # the page's address from the site root


@dataclass(frozen=True, slots=True)
class SectionInfo:
    """A section of a doc: heading as shown ("" for the top), element id ("" for the top), text."""

    doc: int
    title: str
    anchor: str
    text: str


def ints(blob: bytes) -> array:
    """An int array from a blob written by the index builder (a memcpy)."""
    out = array("i")
    out.frombytes(blob)
    return out


class SearchIndex:
    """Docs, names and vocabulary with postings; see build_index for how they relate.

    names are numbered; name i belongs to doc `name_doc[i]`, has field `name_field[i]`,
    `name_joined[i]` marks the extra no-space form ("stoploss" for "stop loss"), and its
    normalised words are vocab ids `name_tokens[name_start[i]:name_start[i + 1]]`.
    """

    def __init__(
        self,
        titles: tuple[str, ...],
        rows: bytes,
        row_start: array,
        vocab: tuple[str, ...],
        name_doc: array,
        name_field: bytes,
        name_joined: bytes,
        name_start: array,
        name_tokens: array,
        name_key_len: array,
        name_postings: tuple[array, array],
        summary_postings: tuple[array, array],
        doc_freq: array,
        text_terms: tuple[str, ...] = (),
        text_postings: tuple[array, array, array, array] = (array("i", [0]), array("i"), array("i"), array("i")),  # noqa: B008 - never mutated
        section_doc: array = array("i"),  # noqa: B008 - never mutated
        section_rows: bytes = b"",
        section_start: array = array("i", [0]),  # noqa: B008 - never mutated
    ) -> None:
        self.titles = titles
        self._rows = rows  # per doc, utf-8: slug, kind, section, summary, then its names' texts
        self._row_start = row_start
        self.vocab = vocab  # sorted, so a prefix is a contiguous range
        self.name_doc = name_doc
        self.name_field = name_field
        self.name_joined = name_joined
        self.name_start = name_start
        self.name_tokens = name_tokens
        self.name_key_len = name_key_len  # len(key_of(i)), to skip hopeless similarity checks
        # Postings as (start, values): the ids for vocab word v are values[start[v]:start[v + 1]].
        self._name_postings = name_postings
        self._summary_postings = summary_postings
        self.doc_freq = doc_freq
        self.text_terms = text_terms  # sorted full-text terms (fulltext.py)
        self._text_postings = text_postings  # (start, section ids, impacts, largest impact per term)
        self.section_doc = section_doc
        self._section_rows = section_rows  # per section, utf-8: title, anchor, text
        self._section_start = section_start

    def __len__(self) -> int:
        return len(self.titles)

    @property
    def name_count(self) -> int:
        return len(self.name_doc)

    def _row(self, doc_id: int) -> list[str]:
        return self._rows[self._row_start[doc_id] : self._row_start[doc_id + 1]].decode("utf-8").split(_SEP)

    def doc(self, doc_id: int) -> Doc:
        slug, kind, url, summary = self._row(doc_id)[:4]
        return Doc(slug, self.titles[doc_id], kind, summary, url)

    def text_postings(self, term: str) -> tuple[array, array, int] | None:
        """(section ids, impacts, largest impact) of a full-text term, None if unknown."""
        terms = self.text_terms
        position = bisect_left(terms, term)
        if position >= len(terms) or terms[position] != term:
            return None
        start, sections, impacts, largest = self._text_postings
        a, b = start[position], start[position + 1]
        return sections[a:b], impacts[a:b], largest[position]

    def section(self, section_id: int) -> SectionInfo:
        blob = self._section_rows[self._section_start[section_id] : self._section_start[section_id + 1]]
        title, anchor, text = blob.decode("utf-8").split(_SEP)
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

    def to_data(self) -> tuple:
        """A few big strings, bytes and tuples: marshal loads them without per-number objects."""
        return (
            self.titles,
            self._rows,
            self._row_start.tobytes(),
            self.vocab,
            self.name_doc.tobytes(),
            self.name_field,
            self.name_joined,
            self.name_start.tobytes(),
            self.name_tokens.tobytes(),
            self.name_key_len.tobytes(),
            self._name_postings[0].tobytes(),
            self._name_postings[1].tobytes(),
            self._summary_postings[0].tobytes(),
            self._summary_postings[1].tobytes(),
            self.doc_freq.tobytes(),
            self.text_terms,
            self._text_postings[0].tobytes(),
            self._text_postings[1].tobytes(),
            self._text_postings[2].tobytes(),
            self._text_postings[3].tobytes(),
            self.section_doc.tobytes(),
            self._section_rows,
            self._section_start.tobytes(),
        )

    @classmethod
    def from_data(cls, data: tuple) -> SearchIndex:
        (
            titles,
            rows,
            row_start,
            vocab,
            name_doc,
            name_field,
            name_joined,
            name_start,
            name_tokens,
            name_key_len,
            name_post_start,
            name_post,
            summary_post_start,
            summary_post,
            doc_freq,
            text_terms,
            text_start,
            text_sections,
            text_impacts,
            text_largest,
            section_doc,
            section_rows,
            section_start,
        ) = data
        return cls(
            titles,
            rows,
            ints(row_start),
            vocab,
            ints(name_doc),
            name_field,
            name_joined,
            ints(name_start),
            ints(name_tokens),
            ints(name_key_len),
            (ints(name_post_start), ints(name_post)),
            (ints(summary_post_start), ints(summary_post)),
            ints(doc_freq),
            text_terms,
            (ints(text_start), ints(text_sections), ints(text_impacts), ints(text_largest)),
            ints(section_doc),
            section_rows,
            ints(section_start),
        )


def _pack(lists: list[list[int]]) -> tuple[array, array]:
    start, values = array("i", [0]), array("i")
    for items in lists:
        values.extend(items)
        start.append(len(values))
    return start, values


def _entry_names(doc: SearchDoc) -> Iterable[tuple[int, str]]:
    yield TITLE, doc.title
    for alias in doc.aliases:
        yield ALIAS, alias
    for abbreviation in doc.abbreviations:
        yield ABBREVIATION, abbreviation


def as_docs(items: Iterable[Entry | SearchDoc]) -> list[SearchDoc]:
    """Search documents in slug order; entries are turned into documents (pages are not added)."""
    from generator.search.sections import SearchDoc, entry_doc

    items = list(items)
    titles = {item.slug: item.title for item in items}
    docs = [item if isinstance(item, SearchDoc) else entry_doc(item, titles) for item in items]
    return sorted(docs, key=lambda d: d.slug)


def clean_text(text: str) -> str:
    """Whitespace collapsed, separator-free: how texts are stored and shown (site too)."""
    return " ".join(text.replace(_SEP, " ").split())


def build_index(items: Iterable[Entry | SearchDoc]) -> SearchIndex:
    """Normalise every name, summary and section once; docs in slug order for stable output.

    Each name of 2-4 words also gets a joined form, so "stoploss" finds "stop loss".
    Duplicate names within one entry and field are kept once.
    """
    from generator.search.fulltext import build_postings, pack

    ordered = as_docs(items)

    raw_names: list[tuple[int, int, str, list[str], bool]] = []
    summary_words: list[set[str]] = []
    for doc_id, entry in enumerate(ordered):
        seen: set[tuple[int, str]] = set()
        for field, text in _entry_names(entry):
            words = tokens(text)
            if not words or (field, " ".join(words)) in seen:
                continue
            seen.add((field, " ".join(words)))
            raw_names.append((doc_id, field, clean_text(text), words, False))
            if 2 <= len(words) <= 4:
                raw_names.append((doc_id, field, clean_text(text), ["".join(words)], True))
        summary_words.append(set(tokens(entry.summary)))

    vocabulary: set[str] = set()
    for _, _, _, words, _ in raw_names:
        vocabulary.update(words)
    for summary in summary_words:
        vocabulary.update(summary)
    vocab = tuple(sorted(vocabulary))
    ids = {word: i for i, word in enumerate(vocab)}

    name_postings: list[list[int]] = [[] for _ in vocab]
    summary_postings: list[list[int]] = [[] for _ in vocab]
    doc_words: list[set[int]] = [set() for _ in ordered]
    name_start = [0]
    name_tokens: list[int] = []
    for name_id, (doc_id, _, _, words, _) in enumerate(raw_names):
        token_ids = [ids[w] for w in words]
        name_tokens.extend(token_ids)
        name_start.append(len(name_tokens))
        for token_id in dict.fromkeys(token_ids):
            name_postings[token_id].append(name_id)
        doc_words[doc_id].update(token_ids)
    for doc_id, summary in enumerate(summary_words):
        for token_id in sorted(ids[w] for w in summary):
            summary_postings[token_id].append(doc_id)
            doc_words[doc_id].add(token_id)
    doc_freq = [0] * len(vocab)
    for words_of_doc in doc_words:
        for token_id in words_of_doc:
            doc_freq[token_id] += 1

    texts: list[list[str]] = [[] for _ in ordered]
    for doc_id, _, text, _, _ in raw_names:
        texts[doc_id].append(text)
    rows = [
        _SEP.join((e.slug, e.kind, e.url, clean_text(e.summary), *texts[doc_id])).encode()
        for doc_id, e in enumerate(ordered)
    ]
    row_start = array("i", [0])
    for row in rows:
        row_start.append(row_start[-1] + len(row))
    text_terms, postings, idf, classes, section_doc = build_postings(ordered)
    section_rows = [
        _SEP.join((clean_text(s.title), s.anchor, clean_text(s.text))).encode() for d in ordered for s in d.sections
    ]
    section_start = array("i", [0])
    for row in section_rows:
        section_start.append(section_start[-1] + len(row))
    return SearchIndex(
        titles=tuple(e.title for e in ordered),
        rows=b"".join(rows),
        row_start=row_start,
        vocab=vocab,
        name_doc=array("i", (n[0] for n in raw_names)),
        name_field=bytes(n[1] for n in raw_names),
        name_joined=bytes(int(n[4]) for n in raw_names),
        name_start=array("i", name_start),
        name_tokens=array("i", name_tokens),
        name_key_len=array("i", (len(" ".join(n[3])) for n in raw_names)),
        name_postings=_pack(name_postings),
        summary_postings=_pack(summary_postings),
        doc_freq=array("i", doc_freq),
        text_terms=text_terms,
        text_postings=pack(postings, idf, classes),
        section_doc=array("i", section_doc),
        section_rows=b"".join(section_rows),
        section_start=section_start,
    )


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
    "ints",
]
