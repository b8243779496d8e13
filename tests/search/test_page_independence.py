"""Editing a hand-written page never moves an entry's ranking.

BM25's statistics (the sections counted for the IDF, each term's df and the average
section length behind the length classes) count the entries' sections only
(generator/search/bm25.py), so a documentation edit cannot break the question suite.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from generator.search import bm25, build_index, search
from generator.search.fulltext import query_terms
from generator.search.normalize import text_tokens, tokens
from generator.search.sections import PAGES_DIR, SearchDoc, entry_doc, site_pages
from generator.search.site import site_index_data
from generator.search.sitecodec import decode_fulltext

ROOT = Path(__file__).resolve().parents[2]
SUITES = ("questions.yaml", "queries.yaml")
# Words no query of the suites uses (checked below); 400 of them make a long section.
GARDEN = (
    "tomato basil oregano sunflower watering compost trellis seedling meadow orchard hedgehog "
    "blackbird lavender rosemary thyme pumpkin cucumber radish carrot parsnip beetroot turnip "
    "cabbage spinach lettuce marigold daffodil tulip crocus snowdrop bluebell primrose heather "
    "fern moss pebble pond frog newt dragonfly butterfly caterpillar beetle earthworm spade "
    "trowel wheelbarrow greenhouse shed fence gate path lawn mower rake hoe sprinkler bucket"
).split()


def expected(item: dict) -> list[str]:
    return item["expect"] if isinstance(item["expect"], list) else [item["expect"]]


@pytest.fixture(scope="module")
def setting() -> tuple[list[SearchDoc], dict[str, str], list[str]]:
    from generator.pipeline import load_glossary

    entries = list(load_glossary(ROOT / "terms").entries.values())
    titles = {e.slug: e.title for e in entries}
    queries = [
        item["q"]
        for name in SUITES
        for item in yaml.safe_load((ROOT / "tests" / "search" / name).read_text(encoding="utf-8"))
        if all(slug in titles for slug in expected(item))
    ]
    return [entry_doc(e, titles) for e in entries], titles, queries


def unrelated_section(queries: list[str], words: int = 400) -> str:
    asked = {term for q in queries for group in query_terms(q) for term in group}
    asked |= {word for q in queries for word in tokens(q)}
    usable = [w for w in GARDEN if not set(text_tokens(w)) & asked and not set(tokens(w)) & asked]
    assert len(usable) >= 40, "too few unrelated words left"
    body = " ".join(usable[(i * 7) % len(usable)] for i in range(words))
    return f"\n\n## Notes from the garden\n\n{body.capitalize()}.\n"


def pages(tmp_path: Path, titles: dict[str, str], edit: str = "") -> list[SearchDoc]:
    """The site's pages from a copy of site_src/, about.md with `edit` appended."""
    target = tmp_path / ("edited" if edit else "plain")
    for path in PAGES_DIR.rglob("*.md"):
        relative = path.relative_to(PAGES_DIR)
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target / relative)
    about = target / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + edit, encoding="utf-8")
    return site_pages(titles, target)


def rankings(docs: list[SearchDoc], queries: list[str]) -> dict[str, list[tuple[str, float, str]]]:
    index = build_index(docs)
    return {q: [(h.slug, h.score, h.anchor) for h in search(index, q, 10)] for q in queries}


def changed(before: dict, after: dict) -> list[str]:
    return [q for q in before if before[q] != after[q]]


def test_a_long_page_section_moves_no_entry_ranking(setting, tmp_path: Path) -> None:
    entries, titles, queries = setting
    assert len(queries) > 200
    plain = pages(tmp_path, titles)
    edited = pages(tmp_path, titles, unrelated_section(queries))
    assert sum(len(d.sections) for d in edited) == sum(len(d.sections) for d in plain) + 1
    before, after = rankings([*entries, *plain], queries), rankings([*entries, *edited], queries)
    assert not changed(before, after), changed(before, after)[:5]  # slugs, scores and sections alike


def test_statistics_over_every_section_would_move_them(setting, tmp_path: Path, monkeypatch) -> None:
    """The same edit under the former rule (pages counted in N, df and the average length)
    changes entries' scores: the test above would see it."""
    entries, titles, queries = setting

    def counting_all(docs: list[SearchDoc]) -> list[bool]:
        return [True for d in docs for _ in d.sections]

    monkeypatch.setattr(bm25, "counted_sections", counting_all)
    plain = pages(tmp_path, titles)
    edited = pages(tmp_path, titles, unrelated_section(queries))
    before, after = rankings([*entries, *plain], queries), rankings([*entries, *edited], queries)
    assert changed(before, after)


def test_page_only_terms_and_a_site_of_pages_alone(setting) -> None:
    """A term only pages use takes its df among the pages (against the entries' N); with no
    entry at all, every section counts. The site index's decoder (search-index.js's twin)
    works the same out from the postings."""
    entries, titles, _ = setting
    plain = site_pages(titles)
    full = bm25.build_postings([*entries[:20], *plain])
    entry_sections = sum(len(d.sections) for d in entries[:20])
    assert full.counted == [i < entry_sections for i in range(len(full.counted))]
    only_pages = [i for i, items in enumerate(full.items) if all(s >= entry_sections for s, _ in items)]
    assert only_pages and all(full.stat_df[i] == len(full.items[i]) for i in only_pages)
    assert all(full.idf[i] == bm25.idf_weight(entry_sections, full.stat_df[i]) for i in range(len(full.terms)))
    shared = [i for i, items in enumerate(full.items) if items[0][0] < entry_sections < items[-1][0]]
    assert shared and all(full.stat_df[i] == sum(s < entry_sections for s, _ in full.items[i]) for i in shared)
    alone = bm25.build_postings(plain)
    assert all(alone.counted) and all(df == len(items) for df, items in zip(alone.stat_df, alone.items))
    for docs in ([*entries[:20], *plain], plain):
        index = build_index(docs)
        decoded = decode_fulltext(site_index_data(docs))
        for term in index.text_terms:
            sections, impacts, _ = index.text_postings(term)
            assert decoded[term] == (list(sections), list(impacts)), term
