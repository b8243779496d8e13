"""The mention scanner finds exactly what the single name expression it replaced finds.

`oracle` is that expression, kept here as the definition of a mention: every name,
longest first, in one case-insensitive alternation. The scanner must agree with it
match for match (same places, same text) on real entry bodies and on generated text
full of near misses: plurals, hyphens, slashes, odd whitespace and case-folding traps.
"""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.model import Entry
from generator.pipeline import load_all
from generator.render.autolink import NameIndex

ROOT = Path(__file__).resolve().parents[2]


def oracle(index: NameIndex) -> re.Pattern[str] | None:
    """The original expression: one alternation of every name, longest first."""
    if not index.slug_for:
        return None
    names = sorted(index.slug_for, key=lambda name: (-len(name), name))
    alternation = "|".join(re.escape(name).replace(r"\ ", r"\s+") for name in names)
    return re.compile(rf"(?<![\w\-/])(?:{alternation})(?:e?s)?(?![\w\-])", re.IGNORECASE)


def spans(index: NameIndex, text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group(0)) for m in index.finditer(text)]


def expected(pattern: re.Pattern[str] | None, text: str) -> list[tuple[int, int, str]]:
    return [] if pattern is None else [(m.start(), m.end(), m.group(0)) for m in pattern.finditer(text)]


def entry(slug: str, title: str, aliases: tuple[str, ...] = ()) -> Entry:
    return Entry(
        slug=slug, path=f"terms/{slug}.yaml", title=title, kind="definition", summary="s.", body="", aliases=aliases
    )


def test_real_bodies_match_the_single_expression() -> None:
    entries = load_all(ROOT / "terms", use_cache=False).glossary.entries
    index = NameIndex.build(entries.values())
    pattern = oracle(index)
    found = 0
    for item in entries.values():
        for text in (item.summary, item.body, *(q.answer for q in item.faq)):
            assert spans(index, text) == expected(pattern, text), item.slug
            found += len(expected(pattern, text))
    assert found > 100  # the real corpus does mention names


# Letters chosen to collide: plural endings, case-folding pairs (i/ı/İ, s/ſ, k/K, ß/ss),
# word and non-word punctuation, and several kinds of whitespace.
LETTERS = "aeikslmnpIESKıİſKßµμ-/_'()&. \t\n\u00a0"
NAMES = st.text(alphabet="aeiklmnpsıſßµ-()&. \t", min_size=1, max_size=9)
TEXT = st.text(alphabet=LETTERS, max_size=120)


@settings(max_examples=400, deadline=None)
@given(titles=st.lists(NAMES, min_size=1, max_size=8), texts=st.lists(TEXT, min_size=1, max_size=4))
def test_generated_names_and_text_match_the_single_expression(titles: list[str], texts: list[str]) -> None:
    entries = [entry(f"e{i}", title) for i, title in enumerate(titles)]
    index = NameIndex.build(entries)
    pattern = oracle(index)
    for text in texts:
        # also the names themselves, written as found in text, with plurals and neighbours
        for sample in (
            text,
            " ".join(titles),
            "-".join(titles),
            "/".join(t + "es" for t in titles),
            " ".join(t.upper() + "s" for t in titles),
        ):
            assert spans(index, sample) == expected(pattern, sample), (titles, sample)


def test_longest_name_wins_and_plurals_link() -> None:
    index = NameIndex.build(
        [
            entry("liq", "Liquidation"),
            entry("liq-price", "Liquidation price"),
            entry("call", "Margin call", ("margin  calls",)),
        ]
    )
    text = "Liquidation\n  prices rise; liquidations follow; margin calls; re-liquidation; a/liquidation."
    assert spans(index, text) == expected(oracle(index), text)
    assert [m[2] for m in spans(index, text)] == ["Liquidation\n  prices", "liquidations", "margin calls"]


HEADING_ORACLE = re.compile(r"^[ ]{0,3}#{1,6}(?:[ \t].*)?$|^.*\S.*\n[ ]{0,3}(?:=+|-+)[ \t]*$", re.MULTILINE)


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet="a #=-\t\n\r\u00a0\u2028", max_size=60))
def test_heading_lines_match_the_original_expression(text: str) -> None:
    """The setext test was rewritten to be linear; it must find the same headings."""
    from generator.render.autolink import _HEADING_LINE

    assert [m.span() for m in _HEADING_LINE.finditer(text)] == [m.span() for m in HEADING_ORACLE.finditer(text)]
