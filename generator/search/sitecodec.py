"""The site index's compact encodings, each with the Python twin of its browser decoder.

The index is fetched by every reader who searches, so it carries nothing the browser can
work out for itself, and packs what is left for gzip:

- the full text (`encode_fulltext`), most of the file: a term's own count in a section
  rather than its tf (the top section's boost and the title's are rules the browser
  applies, bm25.boosted_tf), which is mostly 1; the terms' postings one after another
  ordered by df, so that deflate sees the dense terms' small gaps together and the rare
  terms' large ones together (its code tables adapt block by block); the IDF left out,
  since df gives it (one logarithm per term; a value a last-bit difference between two
  logarithms could round the other way is shipped as it is). The df of the IDF counts
  the entries' sections only (bm25.py; all of them for a term no entry holds), which the
  decoder counts among the postings;
- the sorted terms front-coded (`encode_terms`);
- a document's slug when its title gives it, and a section's anchor when its heading
  gives it, left out (`shipped_slug`, `shipped_section`): only for printable ASCII, where
  lower-casing and the character classes are the same in both languages.

search-index.js decodes all of it in the browser; the decoders here do the same in
Python, and tests/search/test_search.py holds them to the index the CLI ranks with.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Sequence
from typing import Any

from generator.search.bm25 import TF_CAP, Postings, boosted_tf, idf_value, idf_weight
from generator.search.normalize import text_tokens
from generator.search.sections import PAGE_KIND, toc_slugify

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_"
_BORDERLINE = 1e-6  # an IDF this close to a rounding boundary is shipped, not recomputed
_MAX_SHARED = 9  # a front-coded term shares at most this many characters (one digit)
_PRINTABLE = re.compile(r"[ -~]*")


def _first_sections(section_doc: Sequence[int]) -> list[int]:
    """Per doc, the id of its first section (the top of its page)."""
    first: dict[int, int] = {}
    for section_id, doc_id in enumerate(section_doc):
        first.setdefault(doc_id, section_id)
    return [first.get(doc_id, -1) for doc_id in range(max(section_doc, default=-1) + 1)]


@functools.cache  # a few dozen distinct arguments, asked once a posting
def _shipped_count(tf: int, top: bool, titled: bool) -> int:
    """The smallest own count that gives `tf` (a count past the cap says no more)."""
    return next(count for count in range(TF_CAP + 1) if boosted_tf(count, top, titled) == tf)


def encode_fulltext(full: Postings, titles: Sequence[str]) -> dict[str, Any]:
    """The full text of the site index: `terms`, `df` (per term), `postings`, `counts`
    and `idf_fix`.

    The terms' postings follow one another in order of (df, term); each is df numbers
    (section id - previous section id - 1) * 2 + (count != 1), the first "previous" of
    every term being -1, written in base 32 least significant digit first: a digit that is
    not the last is ALPHABET[0..31], the last is ALPHABET[32..63]. `counts` holds, in the
    same order, one digit for each posting whose count is not 1. `idf_fix` lists [df, IDF]
    where IDF_SCALE * idf lies so near a rounding boundary that the browser's logarithm
    could round it the other way (usually none); this df, like N, counts the entries'
    sections only (bm25.counted_sections), which the decoder works out from the postings.
    """
    title_terms = [frozenset(text_tokens(title)) for title in titles]
    first = _first_sections(full.section_doc)
    order = sorted(range(len(full.terms)), key=lambda t: (len(full.items[t]), t))
    out: list[str] = []
    counts: list[str] = []
    for term_id in order:
        term = full.terms[term_id]
        previous = -1
        for section_id, tf in full.items[term_id]:
            doc_id = full.section_doc[section_id]
            count = _shipped_count(tf, first[doc_id] == section_id, term in title_terms[doc_id])
            value = (section_id - previous - 1) * 2 + (count != 1)
            previous = section_id
            while value >= 32:
                out.append(ALPHABET[value & 31])
                value >>= 5
            out.append(ALPHABET[32 + value])
            if count != 1:
                counts.append(str(count))
    sections = sum(full.counted)
    fixes = []
    for df in sorted(set(full.stat_df)):
        exact = idf_value(sections, df)
        if abs(exact - math.floor(exact) - 0.5) < _BORDERLINE:
            fixes.append([df, idf_weight(sections, df)])
    return {
        "terms": encode_terms(full.terms),
        "df": [len(items) for items in full.items],
        "postings": "".join(out),
        "counts": "".join(counts),
        "idf_fix": fixes,
    }


def decode_fulltext(data: dict[str, Any]) -> dict[str, tuple[list[int], list[int]]]:
    """Term -> (section ids, impacts) from a site index, as search-index.js decodes it."""
    params, table = data["params"], data["tf_table"]
    cap, top_boost, title_boost, scale = len(table[0]), params["top_boost"], params["title_boost"], params["idf_scale"]
    docs = data["docs"]
    section_doc = [doc_id for doc_id, doc in enumerate(docs) for _ in doc[7]]
    first = _first_sections(section_doc)
    title_terms = [frozenset(text_tokens(doc[1])) for doc in docs]
    classes = [int(c) for c in data["length_classes"]]
    page = data["kinds"].index(PAGE_KIND) if PAGE_KIND in data["kinds"] else -1
    counted = [docs[doc_id][2] != page for doc_id in section_doc]  # bm25.counted_sections
    if not any(counted):
        counted = [True] * len(counted)
    total = sum(counted)
    fixes = {df: idf for df, idf in data["idf_fix"]}
    terms, dfs, text, counts = decode_terms(data["terms"]), data["df"], data["postings"], data["counts"]
    out: dict[str, tuple[list[int], list[int]]] = {}
    at = extra = 0
    for term_id in sorted(range(len(terms)), key=lambda t: (dfs[t], t)):
        term, df = terms[term_id], dfs[term_id]
        sections: list[int] = []
        tfs: list[int] = []
        previous = -1
        for _ in range(df):
            value = shift = 0
            while (digit := ALPHABET.index(text[at])) < 32:
                value |= digit << shift
                shift += 5
                at += 1
            value |= (digit - 32) << shift
            at += 1
            previous += value // 2 + 1
            count = 1
            if value & 1:
                count = int(counts[extra])
                extra += 1
            doc_id = section_doc[previous]
            boost = top_boost if first[doc_id] == previous else 1
            sections.append(previous)
            tfs.append(min(cap, count * boost + (title_boost if term in title_terms[doc_id] else 0)))
        held = sum(counted[s] for s in sections) or df  # the df of the IDF (bm25.build_postings)
        # JavaScript's Math.round: half up (idf_fix holds the values where that could matter)
        idf = fixes.get(held) or max(1, math.floor(scale * math.log(1 + (total - held + 0.5) / (held + 0.5)) + 0.5))
        out[term] = (sections, [idf * table[classes[s]][tf - 1] for s, tf in zip(sections, tfs)])
    return out


def encode_terms(terms: Sequence[str]) -> str:
    """Sorted terms, space-separated, each as the number of leading characters it shares
    with the one before (one digit) and the rest. Only characters of the Basic
    Multilingual Plane are shared, so the count is the same in JavaScript's UTF-16."""
    out: list[str] = []
    previous = ""
    for term in terms:
        shared = 0
        limit = min(len(term), len(previous), _MAX_SHARED)
        while shared < limit and term[shared] == previous[shared] and ord(term[shared]) < 0x10000:
            shared += 1
        out.append(f"{shared}{term[shared:]}")
        previous = term
    return " ".join(out)


def decode_terms(text: str) -> list[str]:
    terms: list[str] = []
    previous = ""
    for item in text.split(" ") if text else ():
        previous = previous[: int(item[0])] + item[1:]
        terms.append(previous)
    return terms


def url_slug(title: str) -> str:
    """The slug a title gives (as `glossary new` makes one): lower case, runs of anything
    but a-z and 0-9 as one hyphen, none at either end."""
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


def shipped_slug(slug: str, title: str) -> str:
    """The empty string when the browser can work the slug out from the title (url_slug), else the slug."""
    return "" if _PRINTABLE.fullmatch(title) and url_slug(title) == slug else slug


def doc_slug(shipped: str, title: str) -> str:
    return shipped or url_slug(title)


def shipped_section(title: str, anchor: str) -> str | list[str]:
    """A section as its heading alone when the heading gives its anchor (toc_slugify: the
    id Python-Markdown gives a heading), else [heading, anchor]."""
    return title if _PRINTABLE.fullmatch(title) and toc_slugify(title) == anchor else [title, anchor]


def section_pair(shipped: str | list[str]) -> tuple[str, str]:
    """(heading, anchor) of a shipped section."""
    return (shipped, toc_slugify(shipped)) if isinstance(shipped, str) else (shipped[0], shipped[1])
