"""`glossary search`: normalisation, ranking, the quality suite, the cache and the CLI.

The quality suite (tests/search/queries.yaml) runs against the real terms/ folder and
reports top-1 and top-3 hit rates; the browser twin is tests/browser/test_site_search.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from generator.model import Entry
from generator.search import build_index, cache, index_for_terms, search, suggest
from generator.search.normalize import fold, tokens
from generator.search.site import INDEX_PATH, site_index_data, write_site_index
from generator.search.sitecodec import decode_fulltext, decode_terms, doc_slug, section_pair
from tests.conftest import entry_yaml

ROOT = Path(__file__).resolve().parents[2]
QUERIES = yaml.safe_load((ROOT / "tests" / "search" / "queries.yaml").read_text(encoding="utf-8"))
QUESTIONS = yaml.safe_load((ROOT / "tests" / "search" / "questions.yaml").read_text(encoding="utf-8"))
HELDOUT = yaml.safe_load((ROOT / "tests" / "search" / "questions_heldout.yaml").read_text(encoding="utf-8"))
TOP3_FLOOR = 0.99  # issue 18: the typo suite keeps top-3 >= 99% (today 100%)
TOP1_FLOOR = 0.98  # today 105/107; issue 18: not below 97.2%
# The question suite's floors: issue 18's 80% / 95%, reached (112/139 = 80.6%, 133/139 = 95.7%).
QUESTION_TOP1_FLOOR = 0.80
QUESTION_TOP3_FLOOR = 0.95
# The held-out questions, never tuned against: 60.0% / 72.5% when they were written (before
# the synonyms and the ranking changes), 65.0% / 75.0% now. The floors are where they started:
# pages' own text moves a held-out answer by a place or two, and the ranking must not do worse
# than before it was tuned.
HELDOUT_TOP1_FLOOR = 0.60
HELDOUT_TOP3_FLOOR = 0.725
# The issue's examples; those marked False are not yet in the top 3 (kept visible, not asserted).
ISSUE_EXAMPLES = [
    ("what happens when I get liquidated", "liquidation", True),
    ("at what price will my long be closed", "liquidation-price", True),
    ("exchange wants more collateral from me", "margin-call", True),
    ("Binance cum", "liquidation-price", True),
    ("how to cite", "how-to-cite", True),
    ("calculator", "calculators", True),
]


def entry(
    slug: str,
    title: str,
    summary: str = "",
    kind: str = "definition",
    aliases: tuple[str, ...] = (),
    abbreviations: tuple[str, ...] = (),
) -> Entry:
    return Entry(
        slug=slug,
        path=f"terms/{slug}.yaml",
        title=title,
        kind=kind,  # type: ignore[arg-type]
        summary=summary or f"What {title} means.",
        body="",
        aliases=aliases,
        abbreviations=abbreviations,
    )


SMALL = [
    entry(
        "liquidation-price",
        "Liquidation Price",
        "The price at which a position is force-closed.",
        kind="term",
        aliases=("liq price",),
    ),
    entry("liquidation", "Liquidation", "The forced closing of a leveraged position.", kind="term"),
    entry(
        "liquidation-threshold",
        "Liquidation Threshold",
        "Collateral value share at which loans are liquidated.",
        abbreviations=("LT",),
    ),
    entry(
        "loan-to-value-ratio",
        "Loan-to-Value Ratio",
        "Debt divided by collateral value.",
        kind="term",
        abbreviations=("LTV",),
    ),
    entry("ltv-cap", "LTV Cap", "A venue's ceiling on the loan-to-value ratio."),
    entry(
        "maintenance-margin",
        "Maintenance Margin",
        "The least margin that keeps a position open.",
        abbreviations=("MM",),
    ),
    entry(
        "maintenance-margin-rate",
        "Maintenance Margin Rate",
        "Maintenance margin as a share of notional.",
        abbreviations=("MMR",),
    ),
    entry("utilization-rate", "Utilization Rate", "Borrowed share of a lending pool.", aliases=("utilisation rate",)),
    entry("overcollateralization", "Overcollateralization", "Posting more collateral than the loan."),
    entry(
        "stop-loss-order", "Stop-Loss Order", "An order that closes a position at a set price.", aliases=("stop loss",)
    ),
    entry(
        "perpetual-swap",
        "Perpetual Swap",
        "A future without expiry, anchored by funding.",
        kind="term",
        aliases=("perp", "perpetual futures"),
    ),
    entry("profit-and-loss", "Profit and Loss", "Gains minus losses.", abbreviations=("PnL", "P&L")),
]


@pytest.fixture(scope="module")
def small():
    return build_index(SMALL)


def slugs(index, query: str, limit: int = 3) -> list[str]:
    return [hit.slug for hit in search(index, query, limit)]


# -- normalisation --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("british", "american"),
    [
        ("over-collateralisation", "over collateralization"),
        ("utilisation rates", "utilization rate"),
        ("unrealised", "unrealized"),
        ("optimisation", "optimization"),
        ("behaviour", "behavior"),
        ("centre", "center"),
        ("defence", "defense"),
        ("modelling", "modeling"),
        ("analyse", "analyze"),
        ("catalogue", "catalog"),
    ],
)
def test_british_and_american_spellings_meet(british: str, american: str) -> None:
    assert tokens(british) == tokens(american)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("What is the LTV?", ["ltv"]),
        ("how do I calculate liquidation prices", ["calculat", "liquidation", "pric"]),
        ("meaning of basis", ["basis"]),
        ("what does mark price mean", ["mark", "pric"]),
        ("P&L", ["pl"]),
        ("D/E ratio", ["de", "ratio"]),
        ("Kelly's criterion", ["kelly", "criterion"]),
        ("ETFs", ["etf"]),
        ("losses", ["loss"]),
        ("liabilities", ["liability"]),
        ("Café Basel III", ["cafe", "basel", "3"]),
        ("is", ["is"]),  # only stop words: keep them rather than search for nothing
    ],
)
def test_tokens(text: str, expected: list[str]) -> None:
    assert tokens(text) == expected


def test_fold_is_compatibility_and_accent_insensitive() -> None:
    assert fold("ＬＴＶ") == "ltv"  # full-width letters (NFKD)
    assert fold("Délta") == "delta"


def test_funding_is_not_fund() -> None:
    assert tokens("funding") != tokens("fund")


def test_time_adjectives_meet_their_nouns() -> None:
    assert tokens("daily") == tokens("day") and tokens("hourly") == tokens("hour")
    assert set(tokens("daily rebalancing")) <= set(tokens("rebalance every day"))


def test_synonyms_are_directed_and_by_word() -> None:
    from generator.search.fulltext import query_terms
    from generator.search.synonyms import SYNONYMS, name_synonyms, text_synonyms

    assert query_terms("my long was closed") == [("long",), ("clos", "liquidat")]
    assert query_terms("how close am I") == [("clos",)]  # "close" (near) stands for nothing
    assert query_terms("collateral margin") == [("collateral",), ("margin",)]  # stand-ins already asked are left out
    assert query_terms("loans")[0][1:] == ("borrow", "debt")  # plural stripped before the look-up
    assert set(name_synonyms()) <= set(SYNONYMS) and set(text_synonyms()) <= set(SYNONYMS)
    assert all(key == key.lower() and " " not in key for key in SYNONYMS)


def test_phrases_stand_for_glossary_words() -> None:
    from generator.search.fulltext import query_terms
    from generator.search.synonyms import PHRASE_MAX, PHRASES, phrase_stand_ins, text_phrases

    assert query_terms("the fund runs out") == [
        ("fund",),
        ("run", "exhaust", "deplet", "dry"),
        ("out", "exhaust", "deplet", "dry"),
    ]
    assert query_terms("out of the run") == [("out",), ("run",)]  # only the whole phrase, in order
    assert phrase_stand_ins(["borrow", "without", "collateral"], text_phrases())[0] == []
    assert all(2 <= len(p.split()) <= PHRASE_MAX and p == p.lower() for p in PHRASES)


def test_in_brief_is_part_of_the_top_of_the_page() -> None:
    from generator.search.sections import entry_doc

    item = Entry(
        slug="x",
        path="terms/x.yaml",
        title="X",
        kind="term",
        summary="Short.",
        body="",
        in_brief="It matters when the venue [[y|closes you out]].",
    )
    top = entry_doc(item, {}).sections[0]
    assert top.anchor == "" and top.text.endswith("It matters when the venue closes you out.")


def test_synonym_finds_the_glossary_word(small) -> None:
    assert slugs(small, "price where my position gets closed")[0] == "liquidation-price"
    hit = next(h for h in search(small, "when are loans closed", 10) if h.slug == "liquidation-threshold")
    assert [hit.snippet[a:b] for a, b in hit.highlights] == ["loans", "liquidated"]  # a stand-in is marked too


def test_exact_name_needs_its_function_words() -> None:
    index = build_index(
        [
            entry("perpetuals-and-futures", "Perpetuals and Futures", kind="area"),
            entry("perpetual-swap", "Perpetual Swap", kind="term", aliases=("perpetual futures",)),
        ]
    )
    assert slugs(index, "perpetual futures")[0] == "perpetual-swap"  # the alias, not the title missing "and"
    assert slugs(index, "perpetuals and futures")[0] == "perpetuals-and-futures"
    assert slugs(index, "what are perpetuals and futures")[0] == "perpetuals-and-futures"


# -- ranking ------------------------------------------------------------------------------------


def test_exact_abbreviation_ranks_first(small) -> None:
    hits = search(small, "LTV")
    assert hits[0].slug == "loan-to-value-ratio"  # ahead of the entry titled "LTV Cap"
    assert hits[0].matched == "LTV" and hits[0].matched_field == "abbreviation"
    assert hits[0].score > hits[1].score
    assert slugs(small, "what is ltv")[0] == "loan-to-value-ratio"


def test_exact_title_ranks_above_longer_titles(small) -> None:
    assert slugs(small, "liquidation")[0] == "liquidation"
    assert slugs(small, "maintenance margin")[:2] == ["maintenance-margin", "maintenance-margin-rate"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("liqudation price", "liquidation-price"),  # dropped letter
        ("maintenence margin", "maintenance-margin"),  # wrong vowel
        ("perpetual swpa", "perpetual-swap"),  # swapped letters
        ("price liquidation", "liquidation-price"),  # word order
        ("liquidation pri", "liquidation-price"),  # still typing
        ("liqudat", "liquidation"),  # still typing, with a typo
        ("liq price", "liquidation-price"),  # alias
        ("perps", "perpetual-swap"),  # plural of an alias
        ("utilisation rate", "utilization-rate"),  # British alias and title alike
        ("over-collateralisation", "overcollateralization"),  # British, split
        ("stoploss", "stop-loss-order"),  # joined
        ("p&l", "profit-and-loss"),
        ("MMR", "maintenance-margin-rate"),
    ],
)
def test_tolerant_matching(small, query: str, expected: str) -> None:
    assert expected in slugs(small, query)


def test_alias_match_is_reported(small) -> None:
    hit = search(small, "liq price")[0]
    assert (hit.slug, hit.matched, hit.matched_field) == ("liquidation-price", "liq price", "alias")
    assert search(small, "liquidation price")[0].matched == ""  # the title itself matched


def test_limit_and_order(small) -> None:
    hits = search(small, "margin", limit=2)
    assert len(hits) == 2
    assert hits[0].score >= hits[1].score


def test_nothing_found_then_suggestions(small) -> None:
    assert search(small, "zzzz qqqq") == []
    assert search(small, "xylophone") == []
    nearest = suggest(small, "liqidasion prise", 3)
    assert nearest and nearest[0].slug == "liquidation-price"
    assert [h.slug for h in suggest(small, "liquidaton-price")][:1] == ["liquidation-price"]  # a 404 address


def test_hit_json_fields(small) -> None:
    data = search(small, "ltv")[0].to_json()
    assert {"slug", "title", "kind", "score", "summary", "url"} <= set(data)
    assert data["url"] == "/term/loan-to-value-ratio/"
    assert data["summary"] == "Debt divided by collateral value."


def test_index_round_trips_through_marshal_and_a_blob_file(small, tmp_path: Path) -> None:
    """The cache's two parts: the core through marshal, the blob read by ranges from a file."""
    import marshal

    from generator.search import store

    core, blob = small.to_data()
    (tmp_path / "index.blob").write_bytes(blob)
    with open(tmp_path / "index.blob", "rb") as handle:
        again = type(small)(marshal.loads(marshal.dumps(core)), store.FileBlob(handle, store.digests(blob), len(blob)))
        for query in ("ltv", "liq price", "maintenence margin", "stoploss", "force closed position"):
            assert search(again, query) == search(small, query)
        assert suggest(again, "liqidasion prise", 3) == suggest(small, "liqidasion prise", 3)


def test_blob_read_checks_every_chunk_it_touches(tmp_path: Path) -> None:
    from generator.search import store

    data = bytes(range(256)) * 1000  # three chunks and a bit
    (tmp_path / "x.blob").write_bytes(data)
    with open(tmp_path / "x.blob", "rb") as handle:
        blob = store.FileBlob(handle, store.digests(data), len(data))
        assert blob.read(65530, 65540) == data[65530:65540]  # across a chunk boundary
        assert blob.read(len(data) - 3, len(data)) == data[-3:] and blob.read(5, 5) == b""
        with pytest.raises(store.Damaged):
            blob.read(0, len(data) + 1)
    changed = bytearray(data)
    changed[200_000] ^= 1
    (tmp_path / "x.blob").write_bytes(bytes(changed))
    with open(tmp_path / "x.blob", "rb") as handle:
        blob = store.FileBlob(handle, store.digests(data), len(data))
        assert blob.read(0, 100) == data[:100]  # an untouched chunk reads fine
        with pytest.raises(store.Damaged):
            blob.read(199_990, 200_010)


# -- the quality suite ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_index():
    from generator.pipeline import load_glossary

    glossary = load_glossary(ROOT / "terms")
    return glossary, build_index(glossary.entries.values())


def test_quality_suite_is_realistic_and_large_enough(real_index) -> None:
    glossary, _ = real_index
    assert len(QUERIES) >= 60
    assert len({q["q"].lower() for q in QUERIES}) == len(QUERIES), "duplicate queries"
    unknown = sorted({q["expect"] for q in QUERIES} - set(glossary.entries))
    assert not unknown, f"tests/search/queries.yaml expects entries that do not exist: {unknown}"
    kinds = {q["type"] for q in QUERIES}
    assert {"abbreviation", "typo", "alias", "synonym", "british", "plural", "partial", "question"} <= kinds


def report(capsys: pytest.CaptureFixture[str], line: str) -> None:
    """Show a result line in the test run's output, whatever the capture mode."""
    with capsys.disabled():
        print(f"\n{line}")


def test_quality_cli_hit_rates(real_index, request: pytest.FixtureRequest, capsys: pytest.CaptureFixture[str]) -> None:
    _, index = real_index
    top1 = top3 = 0
    misses: list[str] = []
    for item in QUERIES:
        found = slugs(index, item["q"], 3)
        top1 += found[:1] == [item["expect"]]
        top3 += item["expect"] in found
        if item["expect"] not in found:
            misses.append(f"{item['q']!r} -> {item['expect']} (got {found})")
    rate1, rate3 = top1 / len(QUERIES), top3 / len(QUERIES)
    report(capsys, f"search quality (CLI, {len(QUERIES)} queries): top-1 {rate1:.1%}, top-3 {rate3:.1%}")
    request.node.user_properties += [("top1", rate1), ("top3", rate3)]
    assert rate3 >= TOP3_FLOOR, f"top-3 {rate3:.1%} below {TOP3_FLOOR:.0%}; misses:\n" + "\n".join(misses)
    assert rate1 >= TOP1_FLOOR, f"top-1 {rate1:.1%} below {TOP1_FLOOR:.1%}"


@pytest.fixture(scope="module")
def site_search_index(real_index):
    """Entries and site pages, as the site indexes them."""
    from generator.search.sections import documents

    glossary, _ = real_index
    return build_index(documents(glossary.entries.values()))


def expected(item: dict) -> list[str]:
    return item["expect"] if isinstance(item["expect"], list) else [item["expect"]]


def test_question_suite_is_large_enough(site_search_index) -> None:
    assert len(QUESTIONS) >= 100
    assert len({q["q"].lower() for q in QUESTIONS}) == len(QUESTIONS), "duplicate queries"
    known = {site_search_index.doc(i).slug for i in range(len(site_search_index))}
    unknown = sorted({slug for item in QUESTIONS for slug in expected(item)} - known)
    assert not unknown, f"tests/search/questions.yaml expects pages that do not exist: {unknown}"


def test_question_suite_hit_rates(
    site_search_index, request: pytest.FixtureRequest, capsys: pytest.CaptureFixture[str]
) -> None:
    top1 = top3 = 0
    misses: list[str] = []
    for item in QUESTIONS:
        found = slugs(site_search_index, item["q"], 3)
        wanted = expected(item)
        top1 += bool(found) and found[0] in wanted
        top3 += any(slug in found for slug in wanted)
        if not any(slug in found for slug in wanted):
            misses.append(f"{item['q']!r} -> {wanted} (got {found})")
    rate1, rate3 = top1 / len(QUESTIONS), top3 / len(QUESTIONS)
    report(
        capsys,
        f"search quality, questions (CLI, {len(QUESTIONS)} queries): top-1 {rate1:.1%}, "
        f"top-3 {rate3:.1%} (issue 18 floors: 80% / 95%)",
    )
    request.node.user_properties += [("questions_top1", rate1), ("questions_top3", rate3)]
    assert rate3 >= QUESTION_TOP3_FLOOR, f"top-3 {rate3:.1%}; misses:\n" + "\n".join(misses)
    assert rate1 >= QUESTION_TOP1_FLOOR, f"top-1 {rate1:.1%}"


def test_heldout_questions_do_not_get_worse(
    site_search_index, request: pytest.FixtureRequest, capsys: pytest.CaptureFixture[str]
) -> None:
    """Questions written before tuning and never tuned against: a guard against fitting the
    ranking (and the synonym table) to tests/search/questions.yaml."""
    assert len(HELDOUT) >= 40
    assert not {q["q"].lower() for q in HELDOUT} & {q["q"].lower() for q in QUESTIONS}, "held-out queries leaked"
    top1 = top3 = 0
    for item in HELDOUT:
        found = slugs(site_search_index, item["q"], 3)
        wanted = expected(item)
        top1 += bool(found) and found[0] in wanted
        top3 += any(slug in found for slug in wanted)
    rate1, rate3 = top1 / len(HELDOUT), top3 / len(HELDOUT)
    report(
        capsys,
        f"search quality, held-out questions (CLI, {len(HELDOUT)} queries): top-1 {rate1:.1%}, top-3 {rate3:.1%}",
    )
    request.node.user_properties += [("heldout_top1", rate1), ("heldout_top3", rate3)]
    assert rate1 >= HELDOUT_TOP1_FLOOR and rate3 >= HELDOUT_TOP3_FLOOR, f"top-1 {rate1:.1%}, top-3 {rate3:.1%}"


def test_issue_examples(site_search_index, capsys: pytest.CaptureFixture[str]) -> None:
    lines = []
    for query, slug, in_top3 in ISSUE_EXAMPLES:
        found = slugs(site_search_index, query, 10)
        lines.append(f"{query!r} -> {slug}: {found.index(slug) + 1 if slug in found else 'not in top 10'}")
        if in_top3:
            assert slug in found[:3], lines[-1]
    report(capsys, "issue 18 examples (position): " + "; ".join(lines))


def test_hits_carry_section_anchor_and_snippet(site_search_index) -> None:
    hit = search(site_search_index, "Binance cum", 10)
    deep = [h for h in hit if h.anchor]
    assert deep, "a full-text hit links to its best section"
    first = deep[0]
    assert first.link == f"{first.url}#{first.anchor}" and first.section
    assert first.highlights and all(
        first.snippet[a:b].lower().startswith(("binanc", "cum")) for a, b in first.highlights
    )


# -- the cache ----------------------------------------------------------------------------


def write_terms(folder: Path, items: dict[str, str]) -> None:
    folder.mkdir(exist_ok=True)
    (folder / "test-area.yaml").write_text(entry_yaml("Test Area", kind="area"))
    for slug, title in items.items():
        (folder / f"{slug}.yaml").write_text(entry_yaml(title, areas="[test-area]"))


@pytest.fixture
def terms(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "terms"
    write_terms(folder, {"margin-call": "Margin Call", "mark-price": "Mark Price"})
    yield folder


def titles(index, query: str) -> list[str]:
    return [hit.title for hit in search(index, query)]


def test_cache_is_written_and_reused(terms: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = index_for_terms(terms)
    stored = cache.cache_file(terms)
    assert stored.is_file() and stored.parent == terms.parent / ".glossary-cache"
    # A warm load must not parse YAML: make the build path fail loudly if it is taken.
    monkeypatch.setattr("generator.pipeline.load_glossary", lambda *a, **k: pytest.fail("rebuilt a current index"))
    again = index_for_terms(terms)
    assert titles(again, "mark price") == titles(first, "mark price")


def test_cache_sees_an_edit_that_keeps_size_and_mtime(terms: Path) -> None:
    assert "Mark Price" in titles(index_for_terms(terms), "mark price")
    path = terms / "mark-price.yaml"
    old = path.stat()
    text = path.read_text().replace("title: Mark Price", "title: Mark Prize")
    assert len(text) == len(path.read_text())
    path.write_text(text)
    os.utime(path, ns=(old.st_atime_ns, old.st_mtime_ns))  # as `touch -r` or `cp -p` would
    assert path.stat().st_size == old.st_size and path.stat().st_mtime_ns == old.st_mtime_ns
    assert titles(index_for_terms(terms), "mark prize")[:1] == ["Mark Prize"]


def test_cache_racy_hash_catches_same_stat_edit(terms: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Even if stat could not tell (same tick, same size), the content hash does."""
    index_for_terms(terms)  # files were just written: they are in the racy window
    path = terms / "mark-price.yaml"
    frozen = cache.snapshot(terms)
    path.write_text(path.read_text().replace("title: Mark Price", "title: Mark Prize"))
    monkeypatch.setattr(cache, "snapshot", lambda folder: frozen)  # stat sees no change at all
    assert titles(index_for_terms(terms), "mark prize")[:1] == ["Mark Prize"]


def test_cache_follows_added_and_removed_files(terms: Path) -> None:
    index_for_terms(terms)
    write_terms(terms, {"haircut": "Haircut"})
    assert titles(index_for_terms(terms), "haircut")[:1] == ["Haircut"]
    (terms / "haircut.yaml").unlink()
    assert "Haircut" not in titles(index_for_terms(terms), "haircut")


def test_cache_not_written_when_files_change_during_build(terms: Path) -> None:
    def build():
        (terms / "margin-call.yaml").write_text((terms / "margin-call.yaml").read_text() + "\n")
        return build_index([])

    cache.store(cache.cache_file(terms), terms, build)
    assert not cache.cache_file(terms).exists()


def test_racy_hashes_are_dropped_once_old(terms: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    index_for_terms(terms)
    path = cache.cache_file(terms)
    from generator import signed_cache as sealed

    def racy_hashes() -> dict:
        return sealed.read(path, cache._MAGIC, cache._header())[1]

    assert racy_hashes(), "fresh files should be hashed"
    later = time.time_ns() + cache.RACY_NS + 1
    monkeypatch.setattr(cache.time, "time_ns", lambda: later)
    assert cache.load(path, terms) is not None
    assert racy_hashes() == {}


def blob_files(terms: Path) -> list[Path]:
    path = cache.cache_file(terms)
    return sorted(path.parent.glob(f"{path.stem}-*.blob"))


def test_damaged_blob_is_caught_and_the_command_rebuilds(terms: Path) -> None:
    from generator.search import store

    index_for_terms(terms)
    [blob] = blob_files(terms)
    data = bytearray(blob.read_bytes())
    data[-2] ^= 0x01  # same size: only the chunk digests can tell
    blob.write_bytes(bytes(data))
    with pytest.raises(store.Damaged):
        search(index_for_terms(terms), "margin call")
    proc = run_cli("--terms", str(terms), "margin call")
    assert proc.returncode == 0 and "Margin Call" in proc.stdout, proc.stderr
    assert titles(index_for_terms(terms), "margin call")[:1] == ["Margin Call"]  # the cache was written afresh


def test_a_missing_blob_is_a_cache_miss_and_old_blobs_go(terms: Path) -> None:
    index_for_terms(terms)
    [first] = blob_files(terms)
    first.unlink()
    assert cache.load(cache.cache_file(terms), terms) is None
    write_terms(terms, {"haircut": "Haircut"})
    assert titles(index_for_terms(terms), "haircut")[:1] == ["Haircut"]
    write_terms(terms, {"basis": "Basis"})
    assert titles(index_for_terms(terms), "basis")[:1] == ["Basis"]
    assert len(blob_files(terms)) == 1  # the one the core file names


def test_freshness_is_worked_out_meanwhile(terms: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The command's freshness check runs in a forked child; its answer is the snapshot's."""
    index_for_terms(terms)
    path = cache.cache_file(terms)
    wait = cache.fingerprint_meanwhile(terms)
    assert cache.load(path, terms, wait) is not None
    assert wait() == cache.fingerprint(cache.snapshot(terms))  # asked again: the same answer
    write_terms(terms, {"haircut": "Haircut"})
    assert cache.load(path, terms, cache.fingerprint_meanwhile(terms)) is None  # stale
    parent, real = os.getpid(), cache.snapshot
    monkeypatch.setattr(cache, "snapshot", lambda folder: real(folder) if os.getpid() == parent else 1 / 0)
    assert cache.fingerprint_meanwhile(terms)() == cache.fingerprint(real(terms))  # a failed child
    monkeypatch.delattr(os, "fork")
    assert cache.fingerprint_meanwhile(terms)() == cache.fingerprint(real(terms))  # no fork at all


def test_corrupt_cache_is_rebuilt(terms: Path) -> None:
    index_for_terms(terms)
    path = cache.cache_file(terms)
    path.write_bytes(b"\x00garbage")
    assert titles(index_for_terms(terms), "margin call")[:1] == ["Margin Call"]
    # a damaged payload behind a valid header is caught by the checksum before marshal reads it
    blob = bytearray(path.read_bytes())
    blob[-5] ^= 0xFF
    path.write_bytes(bytes(blob))
    assert cache.load(path, terms) is None
    assert titles(index_for_terms(terms), "margin call")[:1] == ["Margin Call"]


# -- the command --------------------------------------------------------------------------


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", "search", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_cli_json(glossary_dir: Path) -> None:
    proc = run_cli("--terms", str(glossary_dir), "--json", "--limit", "2", "what", "is", "a", "margn", "call")
    assert proc.returncode == 0, proc.stderr
    results = json.loads(proc.stdout)
    assert 1 <= len(results) <= 2
    first = results[0]
    assert first["slug"] == "margin-call"
    assert set(first) >= {"slug", "title", "kind", "score", "summary", "url"}
    assert first["url"] == "/definition/margin-call/"


def test_cli_text_and_abbreviation(glossary_dir: Path) -> None:
    proc = run_cli("--terms", str(glossary_dir), "MC")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[0].split()[1:3] == ["Margin", "Call"]
    assert "matched abbreviation: MC" in proc.stdout


def test_cli_nothing_found_suggests(glossary_dir: Path) -> None:
    proc = run_cli("--terms", str(glossary_dir), "zqxj")
    assert proc.returncode == 0
    assert "No entry matches 'zqxj'" in proc.stdout
    proc = run_cli("--terms", str(glossary_dir), "--json", "zqxj")
    assert json.loads(proc.stdout) == []


def test_cli_text_shows_section_and_snippet(glossary_dir: Path) -> None:
    proc = run_cli("--terms", str(glossary_dir), "--json", "margin")
    first = json.loads(proc.stdout)[0]
    assert {"section", "snippet", "highlights", "kind_label"} <= set(first)
    assert set(first["section"]) == {"title", "anchor", "url"}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("   ", "empty"),
        ("x" * 10_000, "10,000 characters"),
        ("margin\x01call", "control character"),
        ("\x1b[31mred", "control character"),
    ],
)
def test_cli_bad_queries_get_a_clear_message(query: str, message: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "generator", "search", query], cwd=ROOT, capture_output=True, text=True, timeout=30
    )
    assert proc.returncode == 2
    assert message in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize("args", [["--limit", "0", "x"], ["--limit", "many", "x"], ["--terms", "/nonexistent", "x"]])
def test_cli_usage_errors(args: list[str]) -> None:
    proc = run_cli(*args)
    assert proc.returncode == 2
    assert proc.stderr.strip()


def test_search_process_imports_no_site_machinery(glossary_dir: Path) -> None:
    """The 150 ms budget: a search must not pull in MkDocs, Jinja or the Material theme."""
    code = (
        "import sys; from generator.cli import main\n"
        f"assert main(['search', '--terms', {str(glossary_dir)!r}, 'margin']) == 0\n"
        f"assert main(['search', '--terms', {str(glossary_dir)!r}, 'margin']) == 0\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'mkdocs', 'jinja2', 'material', 'markdown'})\n"
        "print('HEAVY', heavy)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "HEAVY []" in proc.stdout, proc.stdout


# -- the site index -----------------------------------------------------------------------


def test_site_index_is_written_into_the_site(tmp_path: Path) -> None:
    from generator.model import Glossary

    write_site_index(Glossary({e.slug: e for e in SMALL}, ()), tmp_path)
    data = json.loads((tmp_path / INDEX_PATH).read_text(encoding="utf-8"))
    assert data["format"] == 4
    slugs = [doc_slug(d[0], d[1]) for d in data["docs"]]
    assert [s for s, d in zip(slugs, data["docs"]) if data["kinds"][d[2]] != "page"] == sorted(e.slug for e in SMALL)
    ltv = data["docs"][slugs.index("loan-to-value-ratio")]
    assert ltv[1] == "Loan-to-Value Ratio" and data["kinds"][ltv[2]] == "term" and ltv[5] == ["LTV"]
    assert set(data["rules"]) >= {"word_map", "suffix_rules", "stop_words", "plural_exceptions", "text_synonyms"}
    assert data["rules"]["text_synonyms"]["closed"] == ["liquidat"]
    assert data["params"]["exact_abbreviation"] > data["params"]["exact_title"]


def test_site_index_decodes_to_the_cli_index(site_search_index) -> None:
    """What the browser decodes (sitecodec's Python twins of search-index.js) is what the
    CLI ranks with: every term's sections and impacts, every slug, heading and anchor."""
    from generator.pipeline import load_glossary
    from generator.search.index import clean_text
    from generator.search.sections import documents

    docs = documents(load_glossary(ROOT / "terms").entries.values())
    data = site_index_data(docs)
    decoded = decode_fulltext(data)
    index = site_search_index
    assert decode_terms(data["terms"]) == list(index.text_terms) == sorted(decoded)
    for term in index.text_terms:
        sections, impacts, largest = index.text_postings(term)
        assert decoded[term] == (list(sections), list(impacts)), term
        assert largest == max(impacts)
    by_slug = {doc.slug: doc for doc in docs}
    for shipped in data["docs"]:
        doc = by_slug[doc_slug(shipped[0], shipped[1])]
        assert [section_pair(s) for s in shipped[7]] == [(clean_text(s.title), s.anchor) for s in doc.sections]
    assert any(not shipped[0] for shipped in data["docs"])  # slugs left out
    assert any(isinstance(s, str) for d in data["docs"] for s in d[7])  # anchors left out


def test_site_index_codec_edge_cases() -> None:
    """Front-coded terms share only BMP characters (JavaScript slices UTF-16); slugs and
    anchors are left out only where the browser's plain-ASCII rules give them back."""
    from generator.search.sitecodec import encode_terms, shipped_section, shipped_slug

    terms = ["liquid", "liquidat", "x\U0001d400a", "x\U0001d400b", "zz"]
    assert decode_terms(encode_terms(terms)) == terms
    assert encode_terms(terms).split(" ")[3] == "1\U0001d400b"  # the shared astral character is spelt out
    assert decode_terms(encode_terms([])) == []
    assert shipped_slug("loan-to-value-ratio", "Loan-to-Value Ratio") == ""
    assert shipped_slug("usds-m", "USDⓈ-M") == "usds-m"  # not plain ASCII: shipped
    assert shipped_slug("liq", "Liquidation") == "liq"
    assert shipped_section("How it works", "how-it-works") == "How it works"
    assert shipped_section("How it works", "how-it-works_1") == ["How it works", "how-it-works_1"]
    assert shipped_section("Formula", "formula-x") == ["Formula", "formula-x"]
    assert section_pair("") == ("", "") and section_pair(["A", "b"]) == ("A", "b")


def test_site_index_is_compact() -> None:
    """Names, sections and full-text postings of the shipped glossary: at most 150 KB gzipped
    (issue 18); the bench (bench/search_latency.py size) checks 1,000 entries against 400 KB."""
    import gzip

    from generator.pipeline import load_glossary

    entries = list(load_glossary(ROOT / "terms").entries.values())
    raw = json.dumps(site_index_data(entries), ensure_ascii=False, separators=(",", ":")).encode()
    assert len(gzip.compress(raw)) <= 150 * 1024
