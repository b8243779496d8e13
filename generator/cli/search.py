"""`glossary search QUERY` - find entries and site pages by name, summary or full text.

Typos, word order, partial words, plurals, British spellings and questions ("what is
ltv") are all tolerated; an exact abbreviation ranks first. A warm run reads a cached
index and never parses YAML (see generator/search/cache.py); it imports only what it
uses (json, for one, only for --json).
"""

from __future__ import annotations

import argparse
import sys
import unicodedata
from typing import TYPE_CHECKING

from generator.cli import UsageError
from generator.cli.terms_option import add_terms_option

if TYPE_CHECKING:
    from generator.search.rank import Hit

MAX_QUERY = 500  # characters; a longer "query" is a pasted document, not a search


def _marked(text: str, highlights: tuple[tuple[int, int], ...]) -> str:
    """The snippet with the matched words in *asterisks*, the terminal's highlight."""
    out, last = [], 0
    for start, end in highlights:
        out += [text[last:start], "*", text[start:end], "*"]
        last = end
    out.append(text[last:])
    return "".join(out)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("query", nargs="+", help="what to look for, e.g. 'liq price' or 'what is ltv'")
    add_terms_option(parser)
    parser.add_argument("--limit", type=_positive, default=10, metavar="N", help="show at most N results (default 10)")
    parser.add_argument("--json", action="store_true", help="print the results as a JSON list")
    parser.add_argument("--no-cache", action="store_true", help="rebuild the index instead of using the cache")


def _answer(args: argparse.Namespace, query: str, refresh: bool = False) -> tuple[list[Hit], list[Hit]]:
    """(hits, "did you mean" names when there are no hits) for `query`."""
    from generator.search import cache, index_for_terms

    # Whether the cache is current (a stat of every file) is worked out by a child process
    # while this one imports the ranking and reads the index.
    current = None if args.no_cache or refresh else cache.fingerprint_meanwhile(args.terms)
    from generator.search.rank import search, suggest

    index = index_for_terms(args.terms, use_cache=not args.no_cache, refresh=refresh, current=current)
    hits = search(index, query, args.limit)
    return hits, [] if hits or args.json else suggest(index, query, 3)


def run(args: argparse.Namespace) -> int:
    from generator.search.store import Damaged

    query = " ".join(args.query).strip()
    if not query:
        raise UsageError("the query is empty; try e.g. `glossary search liquidation price`")
    if len(query) > MAX_QUERY:
        raise UsageError(
            f"the query is {len(query):,} characters long; at most {MAX_QUERY} are searched "
            "(a phrase or a question is enough)"
        )
    control = next((ch for ch in query if unicodedata.category(ch) in ("Cc", "Cf", "Cs") and ch not in "\t\n"), None)
    if control is not None:
        raise UsageError(f"the query holds a control character (U+{ord(control):04X}); type plain text")
    query = " ".join(query.split())
    if not args.terms.is_dir():
        raise UsageError(f"no terms folder at {args.terms} (use --terms DIR)")
    try:
        hits, nearest = _answer(args, query)
    except Damaged:  # the cache's blob was changed behind its back: build the index afresh
        hits, nearest = _answer(args, query, refresh=True)
    if args.json:
        import json

        json.dump([hit.to_json() for hit in hits], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    if not hits:
        print(f"No entry matches {query!r}.")
        if nearest:
            print("Did you mean: " + ", ".join(f"{h.title} ({h.url})" for h in nearest) + "?")
        return 0
    width = max(len(hit.title) for hit in hits)
    for rank, hit in enumerate(hits, 1):
        print(f"{rank:>2}. {hit.title:<{width}}  {hit.kind_label:<10}  {hit.score:5.1f}  {hit.link}")
        if hit.matched:
            print(f"    matched {hit.matched_field}: {hit.matched}")
        if hit.section:
            print(f"    section: {hit.section}")
        print(f"    {_marked(hit.snippet, hit.highlights) if hit.snippet else hit.summary}")
    return 0
