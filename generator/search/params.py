"""The ranking constants, shared by rank.py, names.py and (shipped in the site index) the
JavaScript port (search-names.js, search-engine.js), which ranks with exactly the same numbers."""

from __future__ import annotations

from generator.search.index import ABBREVIATION, ALIAS, TITLE

PARAMS: dict[str, float] = {
    "prefix_min": 2,  # shortest word matched as a prefix of a name word
    "summary_prefix_min": 4,  # ... of a summary word
    "fuzzy_min": 4,  # shortest word allowed one typo
    "fuzzy2_min": 7,  # shortest word allowed two typos
    "summary_fuzzy_min": 5,
    "prefix_base": 0.70,
    "prefix_span": 0.25,  # prefix quality = base + span * len(word) / len(match)
    "fuzzy_base": 0.88,
    "fuzzy_penalty": 0.5,  # fuzzy quality = base - penalty * distance / len(word)
    "fuzzy_prefix_base": 0.60,
    "fuzzy_prefix_span": 0.20,
    "stem_quality": 0.95,  # same full-text stem: "liquidated" for "liquidation"
    "synonym_quality": 0.80,  # a curated stand-in (synonyms.py): "closed" for "liquidated"
    "completeness_base": 0.70,  # share of a name's score that does not need every name word
    "similarity_floor": 0.80,  # whole-string similarity below this is ignored
    "alias_factor": 0.97,
    "abbreviation_factor": 0.95,
    "name_weight": 88.0,
    "summary_tie": 4.0,
    "summary_weight": 60.0,
    "fuzzy_cap": 94.0,
    "exact_abbreviation": 100.0,
    "exact_title": 98.0,
    "exact_alias": 97.0,
    "min_score": 30.0,
    "suggest_min": 0.5,
    "strong_name": 90.0,  # a name score from here up ranks first (exact names, near-exact typos)
    "strong_bonus": 100.0,
    "name_share": 0.5,
    "text_share": 0.6,
    "summary_share": 0.3,  # name_share for a doc found by its summary alone (no name)
    "text_min": 20.0,
    "whole_name": 60.0,  # a name matching every query word, scoring this or more, ranks next ...
    "whole_bonus": 50.0,  # ... by its fused score plus this
}

FIELD_FACTOR: dict[int, float] = {
    TITLE: 1.0,
    ALIAS: PARAMS["alias_factor"],
    ABBREVIATION: PARAMS["abbreviation_factor"],
}
EXACT_SCORE: dict[int, float] = {
    TITLE: PARAMS["exact_title"],
    ALIAS: PARAMS["exact_alias"],
    ABBREVIATION: PARAMS["exact_abbreviation"],
}
