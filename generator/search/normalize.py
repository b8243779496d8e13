"""Text normalisation shared by the CLI search and the site search.

Both sides must turn "Over-collateralisation?" and "overcollateralizations" into the same
tokens, or a query that works in the terminal fails in the browser. So the word lists live
here as plain data (`RULES`), are shipped inside the site index, and the JavaScript
engine (`site_src/assets/javascripts/search-normalize.js`) runs the same small procedure
over them. Change one side and the parity test in tests/browser fails.

The procedure, in order:
1. fold: NFKD, drop combining marks (so "é" == "e"), lower-case;
2. join single-letter abbreviations written with & / . ("P&L" -> "pl", "D/E" -> "de"),
   drop possessive 's and apostrophes;
3. split on anything that is not a letter or digit;
4. per word: irregular map, plural stem, British -> American suffixes, -ing/-ed/-e,
   irregular map;
5. drop function words ("what", "is", "the", "how", "do", "i" ...) unless nothing is left.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any

# Whole-word British -> American (and irregular plural) replacements.
_ELL_STEMS = ("model", "travel", "cancel", "label", "level", "fuel", "signal", "total", "channel", "counsel", "tunnel")
WORD_MAP: dict[str, str] = {
    "defence": "defense",
    "licence": "license",
    "offence": "offense",
    "pretence": "pretense",
    "cheque": "check",
    "programme": "program",
    "grey": "gray",
    "judgement": "judgment",
    "ageing": "aging",
    "practise": "practice",
    "instalment": "installment",
    "enrol": "enroll",
    "fulfil": "fulfill",
    "sceptical": "skeptical",
    "manoeuvre": "maneuver",
    "indices": "index",
    "matrices": "matrix",
    "vertices": "vertex",
    "criteria": "criterion",
    "phenomena": "phenomenon",
    "iii": "3",  # Basel III == Basel 3
    # adjectives of time as their nouns: "rebalance every day" finds "daily rebalancing"
    "hourly": "hour",
    "daily": "day",
    "weekly": "week",
    "monthly": "month",
    "yearly": "year",
    "annually": "annual",
    **{f"{stem}{tail}": f"{stem}{tail[1:]}" for stem in _ELL_STEMS for tail in ("led", "ling", "ler", "lers")},
}

# Suffix rewrites (British -> American), first match wins; `min_stem` guards short words
# ("rise", "hour") where the rewrite would only add collisions.
SUFFIX_RULES: tuple[tuple[str, str, int], ...] = (
    ("isations", "izations", 2),
    ("isation", "ization", 2),
    ("ising", "izing", 3),
    ("ised", "ized", 3),
    ("iser", "izer", 3),
    ("ises", "izes", 3),
    ("ise", "ize", 3),
    ("ysing", "yzing", 2),
    ("ysed", "yzed", 2),
    ("yse", "yze", 2),
    ("ours", "ors", 3),
    ("our", "or", 3),
    ("tres", "ters", 2),
    ("tre", "ter", 2),
    ("ogues", "ogs", 3),
    ("ogue", "og", 3),
)

# Words ending in s that are not plurals (or whose stem would be misleading).
PLURAL_EXCEPTIONS: frozenset[str] = frozenset(
    """basis bonus status gas this its his has was is us yes plus minus bias alias atlas
    canvas lens chaos ethos axis news series species analysis crisis thesis synthesis
    hypothesis emphasis diagnosis process access express across always perhaps various
    previous famous numerous whereas thus less loss gross mass pass class cross less
    stress moss boss physics economics mathematics statistics ethics politics means
    sometimes nexus consensus census corpus virus campus surplus focus radius""".split()
)

# Words whose -ing/-ed/-e ending is part of a different word ("funding" is not "fund").
SUFFIX_EXCEPTIONS: frozenset[str] = frozenset(
    """funding during thing nothing something anything everything morning evening
    ceiling wedding pudding lightning""".split()
)
SUFFIX_MIN_STEM = 4  # "rated" keeps its ending: "rat" would be a different word

# Function words and question words, dropped from queries and names alike so that
# "what is the maintenance margin" and "Maintenance Margin" meet.
STOP_WORDS: frozenset[str] = frozenset(
    """a an the of and or to in on at for from into is are was were be been by with as
    what whats which who whom how hows do does did i my me we our you your it its
    this that these those mean means meaning define definition explain explanation
    tell about can could should would will why when where vs versus please term word much
    many per if there get""".split()
)

# Full text only (section bodies, not names): more function words, which carry no
# meaning in a passage, and the verbs that only frame a question ("what happens when",
# "I want to know"), and a second, coarser stemming step after normalize_word, so
# "liquidated", "liquidation" and "liquidator" meet at "liquidat" and "lender" at "lend".
TEXT_STOP_WORDS: frozenset[str] = frozenset(
    """be being not no nor than then so they them their theirs has have had having also
    but all any each one both either neither some such only own same too very just
    other its it s t can cannot into again further once here there while because until
    am im ive id happen happens happened want wants need needs work works know really
    actually way calculate calculating compute computing got gets getting gotten""".split()
)
TEXT_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("ization", "iz"),
    ("ation", "at"),
    ("ion", ""),
    ("ity", ""),
    ("ness", ""),
    ("er", ""),
)
TEXT_MIN_STEM = 4
# Ratios ("30:1", "3.5:1") are kept whole as well as split into their numbers.
RATIO = re.compile(r"[0-9]+(?:\.[0-9]+)?:[0-9]+(?:\.[0-9]+)?")

# Version of these rules; bump when the procedure (not the data) changes.
RULES_VERSION = 2

_FOLD_JOIN = re.compile(r"(^|[^a-z0-9])([a-z0-9])[&/.]([a-z0-9])(?=[^a-z0-9]|$)")
_APOSTROPHE_S = re.compile(r"['\u2018\u2019`\u00b4]s\b")
_APOSTROPHE = re.compile(r"['\u2018\u2019`\u00b4]")
_SPLIT = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """Case-, accent- and compatibility-fold `text`; abbreviation punctuation joined."""
    if text.isascii():  # nothing to decompose and no combining mark: most of every page
        text = text.lower()
    else:
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in decomposed if not unicodedata.category(ch).startswith("M")).lower()
    text = _FOLD_JOIN.sub(r"\1\2\3", text)
    text = _APOSTROPHE_S.sub("", text)
    return _APOSTROPHE.sub("", text)


def stem_plural(word: str) -> str:
    """Strip a regular English plural; deliberately simple, applied to both sides."""
    if len(word) < 4 or word in PLURAL_EXCEPTIONS or not word.endswith("s"):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes", "zzes")):
        return word[:-2]
    if word.endswith(("ss", "us", "is")):
        return word
    return word[:-1]


def americanize(word: str) -> str:
    """Rewrite a British suffix to its American form (first matching rule)."""
    for suffix, replacement, min_stem in SUFFIX_RULES:
        if word.endswith(suffix) and len(word) - len(suffix) >= min_stem:
            return word[: -len(suffix)] + replacement
    return word


def stem_suffix(word: str) -> str:
    """Cut -ing, -ed and a final -e so "pricing", "priced" and "price" meet at "pric"."""
    if word in SUFFIX_EXCEPTIONS:
        return word
    for suffix in ("ing", "ed", "e"):
        if word.endswith(suffix) and len(word) - len(suffix) >= SUFFIX_MIN_STEM:
            word = word[: -len(suffix)]
            if suffix != "e" and word[-1] == word[-2] and word[-1] not in "aeiouylsz":
                word = word[:-1]  # "swapped" -> "swap", but "rolled" -> "roll"
            return word
    return word


def normalize_word(word: str) -> str:
    word = WORD_MAP.get(word, word)
    word = stem_suffix(americanize(stem_plural(word)))
    return WORD_MAP.get(word, word)


def _raw_words(text: str) -> list[str]:
    return [w for w in _SPLIT.split(fold(text)) if w]


def words(text: str) -> list[str]:
    """Every normalised word of `text`, function words included."""
    return [normalize_word(w) for w in _raw_words(text)]


def tokens(text: str) -> list[str]:
    """The normalised words that carry meaning; all words if every one is a stop word.

    Stop words are recognised before normalisation ("does" is a stop word, "doe" is not).
    """
    raw = _raw_words(text)
    kept = [w for w in raw if w not in STOP_WORDS]
    return [normalize_word(w) for w in (kept or raw)]


def query_words_raw(text: str) -> list[str]:
    """A query's folded words for the name match: function words dropped, and the
    full-text ones too as long as some other word is left ("what happens when I get
    liquidated"); every word if nothing else is left."""
    raw = _raw_words(text)
    kept = [w for w in raw if w not in STOP_WORDS]
    fewer = [w for w in kept if w not in TEXT_STOP_WORDS]
    return fewer or kept or raw


def query_tokens(text: str) -> list[str]:
    """A query's words for the name match (query_words_raw), normalised."""
    return [normalize_word(w) for w in query_words_raw(text)]


def raw_words(text: str) -> list[str]:
    """The folded words of `text`, in order, before any normalisation."""
    return _raw_words(text)


def stem_text(word: str) -> str:
    """The full-text stem of a normalised word: the first matching suffix of TEXT_SUFFIXES
    cut (and replaced) if at least TEXT_MIN_STEM letters remain."""
    for suffix, replacement in TEXT_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= TEXT_MIN_STEM:
            return word[: -len(suffix)] + replacement
    return word


@functools.lru_cache(maxsize=65536)  # a glossary repeats its words: each is worked out once
def text_word(word: str) -> str:
    """A raw (folded) word as a full-text term, or "" for a function word."""
    if word in STOP_WORDS or word in TEXT_STOP_WORDS:
        return ""
    return stem_text(normalize_word(word))


def text_tokens(text: str) -> list[str]:
    """The full-text terms of `text`, in order: function words dropped (no fallback),
    every other word normalised and stemmed, each ratio ("30:1") added after its numbers."""
    folded = fold(text)
    terms = [t for t in (text_word(w) for w in _SPLIT.split(folded) if w) if t]
    terms.extend(RATIO.findall(folded))
    return terms


def key(text: str) -> str:
    """A canonical string for exact comparisons: normalised tokens joined by spaces."""
    return " ".join(tokens(text))


def export_rules() -> dict[str, Any]:
    """The rule tables as JSON-ready data for the site engine, the synonyms' included."""
    from generator.search.synonyms import export_synonyms  # it builds on this module

    return {
        **export_synonyms(),
        "version": RULES_VERSION,
        "word_map": WORD_MAP,
        "suffix_rules": [list(rule) for rule in SUFFIX_RULES],
        "plural_exceptions": sorted(PLURAL_EXCEPTIONS),
        "suffix_exceptions": sorted(SUFFIX_EXCEPTIONS),
        "suffix_min_stem": SUFFIX_MIN_STEM,
        "stop_words": sorted(STOP_WORDS),
        "text_stop_words": sorted(TEXT_STOP_WORDS),
        "text_suffixes": [list(rule) for rule in TEXT_SUFFIXES],
        "text_min_stem": TEXT_MIN_STEM,
        "ratio": RATIO.pattern,
    }
