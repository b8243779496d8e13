"""The render stage: pages at their addresses, safe author text, links, metadata, citations.

Fixture entries are built from `generator.model` directly, so these tests exercise
render (and its helpers sanitize, autolink, cite, metadata) without YAML or MkDocs.
"""

from __future__ import annotations

import html
import json
import re
from datetime import date

import pytest
from mkdocs.config import load_config

from generator.calc.worked_examples import compute_entry
from generator.cite import record as cite
from generator.cite import styles as cite_styles
from generator.compute.site_data import SiteConfig, SiteData, collect_site_data
from generator.link.graph import build_graph
from generator.model import Entry, Example, FaqItem, Formula, FormulaResult, Source, Variable
from generator.render.autolink import NameIndex, render_markdown
from generator.render.escape import json_for_script, unmark_html, unmark_markdown
from generator.render.paths import page_path, relative
from generator.render.sanitize import safe_href, sanitize_markdown
from generator.render.site import render_site
from generator.settings import CONFIG_FILE

SOURCE = Source(
    id="src", title="A Source", publisher="Example Press", url="https://example.org/a", accessed="2026-11-01"
)
CONFIG = SiteConfig(site_url="https://glossary.test/", site_name="Leverage Glossary", build_day=date(2026, 11, 24))


def entry(slug: str, title: str, kind: str = "definition", **fields: object) -> Entry:
    defaults: dict[str, object] = {
        "summary": f"{title} is a fixture entry used in tests.",
        "body": f"Text about {title}.",
        "areas": ("margin-area",) if kind != "area" else (),
        "sources": (SOURCE,),
        "published": "2026-03-14",
        "modified": "2026-11-20",
    }
    defaults.update(fields)
    return Entry(slug=slug, path=f"terms/{slug}.yaml", title=title, kind=kind, **defaults)  # type: ignore[arg-type]


RATIO = Formula(
    id="ratio",
    title="Leverage ratio",
    latex=r"L = \frac{N}{E}",
    expr="notional / equity",
    result=FormulaResult("leverage", "L", "x"),
    variables=(Variable("notional", "N", "position notional", "USDT"), Variable("equity", "E", "own capital", "USDT")),
)


def fixture_entries() -> dict[str, Entry]:
    entries = [
        entry(
            "margin-area",
            "Margin Area",
            kind="area",
            body="Everything about margin.",
            faq=(
                FaqItem("Capital", "How much capital?", "Enough; see Margin Call."),
                FaqItem("Calculation", "How is it computed?", "As a ratio."),
                FaqItem("Consequence", "What follows?", "Liquidation."),
            ),
            relations={},
        ),
        entry(
            "margin-call",
            "Margin Call",
            aliases=("call notice",),
            abbreviations=("MC",),
            relations={"broader": ("margin",)},
            body="A margin call follows when Liquidation nears. Liquidation again. See [[margin]].",
        ),
        entry("margin", "Margin", relations={"related": ("liquidation",)}, tags=("margin", "basics")),
        entry(
            "liquidation",
            "Liquidation",
            kind="term",
            tags=("margin",),
            formulas=(RATIO,),
            examples=(
                Example(
                    title="Ten times",
                    calculator=None,
                    formula="ratio",
                    inputs={"notional": 1000, "equity": 100},
                    expect={"leverage": 10},
                    tolerance={},
                    source="src",
                ),
            ),
            body="## How it works\n\nWhen the margin call is ignored, the venue closes.\n\n## Risks\n\nLosses.",
        ),
    ]
    return {e.slug: e for e in entries}


def site_data(entries: dict[str, Entry], config: SiteConfig = CONFIG) -> SiteData:
    """What the compute stage hands render, the worked examples computed as the checker does."""
    computed = {slug: compute_entry(e) for slug, e in entries.items()}
    return collect_site_data(entries, build_graph(entries), config, computed)


def render(entries: dict[str, Entry]):
    return render_site(site_data(entries))


@pytest.fixture(scope="module")
def site():
    return render(fixture_entries())


def body_of(page: str) -> str:
    """The Markdown after the front matter."""
    return page.split("\n---\n", 1)[1]


def front_matter(page: str) -> dict[str, object]:
    import yaml

    return yaml.safe_load(page.split("---\n", 2)[1])


# -- addresses ------------------------------------------------------------------------------


def test_every_entry_has_its_page_at_its_address(site) -> None:
    for slug, e in fixture_entries().items():
        assert page_path(e) in site.pages, slug
        assert (
            site.files[e.url_path + "index.md"].startswith(f"\n# {e.title}")
            or f"# {e.title}" in site.files[e.url_path + "index.md"]
        )
    assert {
        "index.md",
        "area/index.md",
        "a-z.md",
        "tags/index.md",
        "tags/margin.md",
        "tags/basics.md",
        "graph.md",
        "calculators.md",
    } <= set(site.pages)
    assert page_path(fixture_entries()["liquidation"]) == "term/liquidation.md"
    assert page_path(fixture_entries()["margin"]) == "definition/margin.md"


def test_links_between_pages_are_relative_md_links_mkdocs_can_check() -> None:
    assert relative("term/liquidation.md", "definition/margin.md") == "../definition/margin.md"
    assert relative("index.md", "term/liquidation.md") == "term/liquidation.md"
    assert relative("tags/margin.md", "tags/index.md") == "index.md"


def test_render_is_pure(site) -> None:
    again = render(fixture_entries())
    assert again.pages == site.pages and again.files == site.files and again.fragments == site.fragments


# -- entry page layout ------------------------------------------------------------------------


def test_summary_is_the_first_block_under_the_title(site) -> None:
    text = body_of(site.source("definition/margin-call.md"))
    after_h1 = text.split("# Margin Call\n", 1)[1].lstrip()
    assert after_h1.startswith('<div class="gl-summary">\n\nMargin Call is a fixture entry used in tests.')


def test_entry_page_sections_come_in_reading_order(site) -> None:
    text = site.source("term/liquidation.md")
    order = [
        "# Liquidation",
        "gl-summary",
        "## Formula {: #formula }",
        r"L = \frac{N}{E}</annotation>",  # the formula, drawn at build time
        "gl-vars",
        '<details class="gl-worked" id="worked-example">',  # the primary formula's example
        "<summary>Ten times",
        "gl-checks",
        "## How it works",
        "## Related entries",
        "## Referenced by",
        "## Local graph",
        "## Sources",
        "## Cite this",
        "Last modified",
    ]
    positions = [text.index(marker) for marker in order]
    assert positions == sorted(positions)


def test_worked_example_shows_inputs_steps_and_the_check(site) -> None:
    text = site.source("term/liquidation.md")
    assert "<tr><td><code>notional</code></td><td>1000</td><td>USDT</td></tr>" in text
    assert '<span class="gl-step__sub">= 1000 / 100</span>' in text
    assert "<strong>10</strong> x" in text
    assert '<tr class="gl-ok"><td><code>leverage</code></td><td>10 x</td><td>10 x</td><td>✓ agrees</td></tr>' in text
    assert 'checked against [1] Example Press, <em>A Source</em> (<a href="#source-1">source</a>)' in text
    assert '<li id="source-1">' in text


def test_relations_are_grouped_by_type_with_inverses(site) -> None:
    text = site.source("definition/margin.md")
    assert '<strong>Narrower:</strong> <a href="../margin-call/">Margin Call</a>' in text
    assert '<strong>Related:</strong> <a href="../../term/liquidation/">Liquidation</a>' in text


def test_backlinks_list_entries_that_point_here(site) -> None:
    text = site.source("definition/margin.md")
    referenced = text.split("## Referenced by", 1)[1].split("##", 1)[0]
    assert '<a href="../margin-call/">Margin Call</a>' in referenced


def test_local_graph_data_is_embedded_as_escaped_json(site) -> None:
    text = site.source("definition/margin.md")
    match = re.search(r'<div class="gl-graph gl-graph--local" data-focus="margin" data-graph="([^"]*)"', text)
    assert match  # an attribute, not a script element: the output allowlist takes no script
    data = json.loads(html.unescape(match.group(1)))
    assert data["focus"] == "margin"
    assert {n["id"] for n in data["nodes"]} >= {"margin", "margin-call", "liquidation"}


def test_area_page_has_scope_faq_facets_and_members_with_summaries(site) -> None:
    text = site.source("area/margin-area.md")
    for marker in (
        "## Scope",
        "## Questions",
        "### Capital",
        "### Calculation",
        "### Consequence",
        "**How much capital?**",
        "## All entries in Margin Area",
    ):
        assert marker in text
    members = text.split('id="area-members"', 1)[1]
    assert '<a href="../../definition/margin-call/">Margin Call</a>' in members
    assert "Margin Call is a fixture entry used in tests." in members


def test_home_lists_areas_and_central_terms(site) -> None:
    text = site.source("index.md")
    assert "[Margin Area](area/margin-area.md)" in text
    central = text.split("## Most central terms", 1)[1]
    assert '<a href="definition/margin/">Margin</a>' in central


def test_a_to_z_points_aliases_and_abbreviations_to_their_entry(site) -> None:
    text = site.source("a-z.md")
    see = '<li class="gl-az__see gl-kind-of--definition">'  # the kind of the entry it points to, for the filter
    assert f'{see}MC → see <a href="../definition/margin-call/">Margin Call</a></li>' in text
    assert f'{see}call notice → see <a href="../definition/margin-call/">Margin Call</a></li>' in text


def test_tag_pages_list_their_entries(site) -> None:
    assert '<a href="../../definition/margin/">Margin</a>' in site.source("tags/basics.md")
    assert '<a href="../../term/liquidation/">Liquidation</a>' in site.source("tags/margin.md")


def test_list_summaries_link_with_final_urls_from_each_page() -> None:
    """A summary in a list is finished HTML: its links must already be the site's URLs."""
    entries = fixture_entries()
    entries["margin"] = entry(
        "margin",
        "Margin",
        relations={"related": ("liquidation",)},
        tags=("basics",),
        summary="Margin backs a position; see [[liquidation]] and [the about page](../about.md).",
    )
    site = render(entries)

    def item(page: str, href: str) -> str:
        return site.source(page).split(f'<li><a href="{href}">Margin</a>', 1)[1].split("</li>", 1)[0]

    on_tag_page = item("tags/basics.md", "../../definition/margin/")
    assert '<a href="../../term/liquidation/">Liquidation</a>' in on_tag_page
    assert '<a href="../../about/">the about page</a>' in on_tag_page  # relative to the entry's own page
    on_a_to_z = item("a-z.md", "../definition/margin/")
    assert '<a href="../term/liquidation/">Liquidation</a>' in on_a_to_z
    assert '<a href="../about/">the about page</a>' in on_a_to_z


# -- autolinks and wikilinks -----------------------------------------------------------------


def links_in(markdown: str) -> list[tuple[str, str]]:
    return re.findall(r"\[([^\]]+)\]\(([^)]+)\)", markdown)


def render_body(body: str, linked: set[str] | None = None, self_slug: str = "margin-call") -> str:
    entries = fixture_entries()
    return render_markdown(
        body,
        self_slug=self_slug,
        index=NameIndex.build(entries.values()),
        titles={s: e.title for s, e in entries.items()},
        href_for=lambda slug: f"{slug}.md",
        linked=set() if linked is None else linked,
    )


def test_first_mention_is_linked_once() -> None:
    out = render_body("Liquidation follows. Then liquidation again.")
    assert links_in(out) == [("Liquidation", "liquidation.md")]


def test_no_autolinks_in_code_math_headings_or_links() -> None:
    body = (
        "## Liquidation heading\n\n`Liquidation` in code and $Liquidation$ in math "
        "and [Liquidation](https://example.org) linked.\n\n```\nLiquidation\n```\n"
    )
    assert links_in(render_body(body)) == [("Liquidation", "https://example.org")]


def test_wikilinks_resolve_and_count_as_the_link_for_that_entry() -> None:
    out = render_body("Margin first, then [[margin|the margin page]] and [[nowhere]].")
    assert links_in(out) == [("the margin page", "margin.md")]
    assert "nowhere" in out


def test_self_mentions_and_plurals() -> None:
    assert links_in(render_body("A Margin Call is not linked on its own page.")) == []
    assert links_in(render_body("Two liquidations happened.")) == [("liquidations", "liquidation.md")]


def test_linked_set_spans_fields_of_one_page() -> None:
    linked: set[str] = set()
    render_body("Liquidation here.", linked)
    assert links_in(render_body("Liquidation there.", linked)) == []


# -- safety -------------------------------------------------------------------------------------


def test_raw_html_in_bodies_becomes_text() -> None:
    import markdown

    out = sanitize_markdown('<script>alert(1)</script> and <img src=x onerror="alert(1)">')
    assert "<" not in out  # nothing the parser could take for a tag
    assert "&lt;script>" in unmark_markdown(out)  # for another engine
    html = unmark_html(markdown.markdown(out))
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; and &lt;img src=x" in html  # shown as typed


def test_code_keeps_its_characters_and_math_gets_lt() -> None:
    out = sanitize_markdown("`a < b` and\n\n```\n<b>x</b>\n```\n\nand $a<b$")
    assert "`a < b`" in unmark_markdown(out) and "<b>x</b>" in unmark_markdown(out) and r"$a\lt b$" in out


def test_what_the_parser_reads_as_code_shows_as_typed_whatever_the_lexer_thought() -> None:
    """A fence superfences does not accept (```!), one closed by a longer fence, and one
    indented two spaces: Python-Markdown reads code where the Markdown-side lexer read prose,
    or the other way round. An author's `<` comes out as typed either way: neither escaped
    twice (`&amp;lt;`) nor read as a tag."""
    import markdown

    config = load_config(str(CONFIG_FILE))
    md = markdown.Markdown(extensions=config["markdown_extensions"], extension_configs=config["mdx_configs"])
    for text, shown in (
        ("Before\n```!\n<script>alert('bang')</script>\n```\nafter", "&lt;script&gt;alert('bang')&lt;/script&gt;"),
        ("```\n<b>x</b> {: #id}\n````\n", "&lt;b&gt;x&lt;/b&gt; &#123;: #id}"),
        ("  ```\n  <i>two</i>\n  ```\n", "&lt;i&gt;two&lt;/i&gt;"),
        ("`a <b> {c}` and <b> {d}", "<code>a &lt;b&gt; &#123;c}</code> and &lt;b&gt; &#123;d}"),
    ):
        md.reset()
        html = unmark_html(md.convert(sanitize_markdown(text)))
        assert shown in html, (text, html)
        assert "&amp;" not in html and "<b>" not in html and "<i>" not in html and "<script" not in html


def test_unsafe_link_targets_are_neutralised() -> None:
    for url in (
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,x",
        "vbscript:x",
        "&#106;avascript:alert(1)",
    ):
        assert safe_href(url) == "#", url
    for url in ("https://example.org/a?b=1&c=2", "http://x.org", "mailto:a@b.org", "../term/x.md", "#anchor"):
        assert safe_href(url) == url
    out = sanitize_markdown("[click](javascript:alert(1)) [ref]: data:text/html,boom")
    assert "javascript" not in out


def test_reference_definitions_are_checked_too() -> None:
    out = sanitize_markdown("[x][evil]\n\n[evil]: javascript:alert(1)\n")
    assert "javascript" not in out and "[evil]: #" in out


def test_offsite_images_become_links() -> None:
    out = sanitize_markdown("![chart](https://tracker.example/pixel.png) ![local](../assets/a.png)")
    assert "![chart]" not in out and "[chart](https://tracker.example/pixel.png)" in out
    assert "![local](../assets/a.png)" in out


def test_display_math_on_its_own_lines_becomes_a_block() -> None:
    out = sanitize_markdown("Text before\n$$\nx<y\n$$\nafter")
    assert "\n\n$$\nx\\lt y\n$$\n\n" in out


def test_output_allowlist_on_finished_pages() -> None:
    from generator.emit.allowlist import clean

    html = '<a href="javascript:alert(1)">x</a><img src="https://evil.example/p.png"><a href="../x/">ok</a>'
    assert clean(html) == '<a>x</a><img><a href="../x/">ok</a>'


def test_output_allowlist_keeps_the_themes_names_for_the_theme() -> None:
    """An author's admonition type or attribute list may not borrow Material's classes
    (`md-dialog md-dialog--active` pins a box over the page) or ids (`__config` replaces the
    theme's configuration); the site's own (`md-button`, the cite box's and tabs' inputs) stay."""
    from generator.emit.allowlist import clean

    assert clean('<div class="admonition md-dialog md-dialog--active">x</div>') == '<div class="admonition">x</div>'
    assert (
        clean('<p class="md-dialog" id="__config">{"base": "https://evil.example/"}</p>')
        == '<p>{"base": "https://evil.example/"}</p>'
    )
    assert clean('<h2 id="__config">x</h2>') == "<h2>x</h2>"
    kept = (
        '<button class="md-button md-button--primary gl-cite__copy" type="button">Copy</button>'
        '<input id="__cite_1" name="__cite" type="radio"><input id="__cite_version_box_2" type="radio">'
        '<input id="__tabbed_1_2" type="radio"><h2 id="how-it-works">x</h2>'
    )
    assert clean(kept) == kept


def test_output_allowlist_gives_what_its_attribute_filter_gives() -> None:
    """`clean` skips the attribute filter when nothing in a page needs it: every attribute
    the filter would change must still be changed, whatever its case, quoting or spacing."""
    from generator.emit import allowlist

    cases = [
        '<p class="md-button  gl-x">spaces the filter joins</p>',
        '<p class="gl-x\tmd-button--primary">a tab</p><p class=" md-button">leading space</p>',
        '<p class="amd-x md-button">md- inside a name</p><p CLASS="md-dialog">upper case</p>',
        "<p class='md-button md-dialog'>single quotes</p><p class=md-dialog>none</p>",
        '<input id="__cite_1x"><input id="__cite_1"><input id="__TABBED_1"><input ID=__config>',
        '<span style="height:1em;color:red;position:fixed">s</span><p style="x">p</p>',
        '<math><mstyle mathcolor="url(x)"><mi>x</mi></mstyle><mspace mathbackground="red"/></math>',
        '<IMG SRC="//evil.example/x.png"><img\nsrc="https://evil.example/y.png"><img/src="/local.png">',
        '<p title="class=&quot;md-dialog&quot; id=&quot;__x&quot;">text: class="md-dialog" style="x"</p>',
        '<a href="#x" class="md-button md-button--primary">kept as is</a><p id="__tabbed_1_2">kept</p>',
    ]
    for case in cases:
        assert allowlist.clean(case) == allowlist._CLEANER.clean(case), case


def test_hostile_entry_fields_never_reach_the_page_as_html() -> None:
    entries = fixture_entries()
    evil = "</script><script>alert(1)</script>"
    entries["margin"] = entry(
        "margin",
        f"Margin {evil}",
        summary=f"Bad {evil} summary.",
        aliases=(f"<b>{evil}</b>",),
        body=f"Body {evil} [x](javascript:alert(1))",
        relations={"related": ("liquidation",)},
        sources=(
            Source(id="s", title=evil, publisher=evil, url="javascript:alert(1)", accessed="2026-11-01", note=evil),
        ),
    )
    site = render(entries)
    for path in site.pages:
        text = site.source(path)
        assert "<script>alert(1)" not in text, path
        assert "javascript:" not in text, path
    meta = front_matter(site.source("definition/margin.md"))
    assert "<" not in str(meta["title"]) and "<" not in str(meta["description"])
    head = str(meta["glossary_head"])
    assert head.count("<script") == 1 and "</script><script>" not in head


def test_json_for_script_escapes_markup_characters() -> None:
    text = json_for_script({"a": "</script><!-- & \u2028"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"a": "</script><!-- & \u2028"}


# -- metadata and citations -----------------------------------------------------------------------


def jsonld_of(page: str) -> dict[str, object]:
    head = str(front_matter(page)["glossary_head"])
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', head, re.S)
    assert match
    return json.loads(match.group(1))


def test_entry_jsonld_is_a_defined_term_in_a_set_with_breadcrumbs(site) -> None:
    graph = jsonld_of(site.source("definition/margin-call.md"))["@graph"]
    term = next(item for item in graph if item["@type"] == "DefinedTerm")
    assert term["name"] == "Margin Call"
    assert term["url"] == "https://glossary.test/definition/margin-call/"
    assert term["inDefinedTermSet"]["@type"] == "DefinedTermSet"
    assert term["alternateName"] == ["call notice", "MC"]
    crumbs = next(item for item in graph if item["@type"] == "BreadcrumbList")["itemListElement"]
    assert [c["name"] for c in crumbs] == ["Home", "Margin Area", "Margin Call"]


def test_area_jsonld_adds_collection_and_faq(site) -> None:
    types = {item["@type"] for item in jsonld_of(site.source("area/margin-area.md"))["@graph"]}
    assert {"DefinedTerm", "BreadcrumbList", "CollectionPage", "FAQPage"} <= types


def test_highwire_tags_and_open_graph_agree_with_the_citation(site) -> None:
    head = str(front_matter(site.source("definition/margin-call.md"))["glossary_head"])
    record = cite.CitationRecord.from_entry(
        fixture_entries()["margin-call"], site_url=CONFIG.site_url, site_name=CONFIG.site_name
    )
    for name, value in record.highwire():
        assert f'<meta name="{name}" content="{value}">' in head
    assert '<meta property="og:type" content="website">' in head
    assert '<meta property="og:site_name" content="Leverage Glossary">' in head
    assert "citation_journal_title" not in head
    assert record.version in site.source("definition/margin-call.md")


def test_cite_box_has_every_style_with_a_browser_filled_access_date(site) -> None:
    text = site.source("definition/margin-call.md")
    for label in ("APA", "MLA", "Chicago", "BibTeX", "RIS", "CSL-JSON"):
        assert f">{label}</label>" in text
    assert text.count('class="gl-accessed"') == len(cite_styles.STYLES)
    assert '<span class="gl-accessed" data-style="apa">November 24, 2026</span>' in text


def test_cite_box_text_is_the_records_citation_for_each_style(site) -> None:
    """What a reader copies is exactly what cite.py formats (build day as the default date)."""
    import html

    record = cite.CitationRecord.from_entry(
        fixture_entries()["margin-call"], site_url=CONFIG.site_url, site_name=CONFIG.site_name
    )
    text = site.source("definition/margin-call.md")
    for style in cite_styles.STYLES:
        match = re.search(rf'<pre class="gl-cite__text" data-style="{style}"><code>(.*?)</code></pre>', text, re.S)
        assert match, style
        shown = html.unescape(re.sub(r"<[^>]+>", "", match.group(1)))
        assert shown == record.format(style, CONFIG.build_day), style


def test_citation_formats_parse() -> None:
    record = cite.CitationRecord.from_entry(
        fixture_entries()["margin-call"], site_url="https://glossary.test", site_name="Leverage Glossary"
    )
    day = date(2026, 12, 1)
    url = "https://glossary.test/definition/margin-call/"
    assert "Retrieved December 1, 2026, from " + url in record.format("apa", day)
    bibtex = record.format("bibtex", day)
    assert bibtex.startswith("@") and bibtex.count("{") == bibtex.count("}")
    assert "urldate = {2026-12-01}" in bibtex and url in bibtex
    ris = record.format("ris", day).splitlines()
    assert ris[0] == "TY  - DICT" and ris[-1].startswith("ER  -") and "Y2  - 2026/12/01" in ris
    csl = json.loads(record.format("csl_json", day))
    csl = csl[0] if isinstance(csl, list) else csl
    assert csl["accessed"] == {"date-parts": [[2026, 12, 1]]} and csl["URL"] == url
    assert csl["issued"] == {"date-parts": [[2026, 11, 20]]}


def test_version_changes_with_content_only() -> None:
    a = fixture_entries()["margin"]
    moved = Entry(**{**{f: getattr(a, f) for f in a.__dataclass_fields__}, "path": "elsewhere.yaml"})
    edited = Entry(**{**{f: getattr(a, f) for f in a.__dataclass_fields__}, "body": "Changed."})
    assert cite.fingerprint(a) == cite.fingerprint(moved) != cite.fingerprint(edited)


# -- post-build files -------------------------------------------------------------------------------


def test_previews_and_graph_json(site) -> None:
    previews = json.loads(site.files["previews.json"])
    assert previews["margin-call"] == {
        "title": "Margin Call",
        "summary": "Margin Call is a fixture entry used in tests.",
        "kind": "definition",
        "kind_label": "Definition",
        "url": "definition/margin-call/",
        "names": ["call notice", "MC"],
    }
    graph = json.loads(site.files["graph.json"])
    assert {n["id"] for n in graph["nodes"]} == set(fixture_entries())
    assert graph["areas"] == [{"id": "margin-area", "title": "Margin Area"}]


def test_raw_markdown_copy_has_absolute_links_and_no_html(site) -> None:
    raw = site.files["definition/margin-call/index.md"]
    assert raw.lstrip().startswith("# Margin Call")
    assert "[Margin](https://glossary.test/definition/margin/)" in raw
    record = cite.CitationRecord.from_entry(
        fixture_entries()["margin-call"], site_url=CONFIG.site_url, site_name=CONFIG.site_name
    )
    assert record.format("apa", CONFIG.build_day) in raw


def test_calculators_page_lists_every_calculator() -> None:
    from generator.calc import calculators as leverage

    text = render(fixture_entries()).source("calculators.md")
    for name, calculator in leverage.CALCULATORS.items():
        assert f"## {calculator.title} {{ #{name} }}" in text
        for param in calculator.params:
            assert f"<code>{param.name}</code>" in text


def test_attribute_lists_in_author_text_cannot_set_ids_classes_or_styles() -> None:
    import markdown

    from generator.render.sanitize import sanitize_markdown

    text = sanitize_markdown(
        'A paragraph {: #__config .md-header style="display:none" }\n\nSet $\\{x\\}$ and `{: #c}`.'
    )
    html = unmark_html(markdown.markdown(text, extensions=["attr_list"]))
    assert "<p>A paragraph " in html  # the paragraph got no id, class or style
    assert not any(f"<p {attribute}" in html for attribute in ("id=", "class=", "style="))
    assert "{: #__config" in html.replace("&#123;", "{")  # still shown to the reader as typed
    assert "$\\{x\\}$" in text and "`{: #c}`" in unmark_markdown(text)  # math and code: their renderers


def test_pages_rendered_by_worker_processes_are_the_same() -> None:
    """Large glossaries render entry pages in forked workers; the site must not change."""
    from tests.conftest import run_fresh

    printed = run_fresh("""
        from generator.render import site as module
        from tests.render.test_render import fixture_entries, render

        from generator.workers import can_fork

        assert can_fork(), "this test needs a POSIX system with fork"
        serial = render(fixture_entries())
        module._PARALLEL_ENTRIES, module._CHUNK = 1, 1
        parallel = render(fixture_entries())
        assert {p: parallel.source(p) for p in parallel.pages} == {p: serial.source(p) for p in serial.pages}
        assert dict(parallel.files.items()) == dict(serial.files.items())
        print(len(parallel.pages), "pages the same")
    """)
    assert printed.split()[1:] == ["pages", "the", "same"] and int(printed.split()[0]) > 5


# -- dated venue claims and source types: rules stated as of a day, sources by kind -----------


def test_venue_claims_say_when_they_were_checked_and_sources_say_their_type() -> None:
    from dataclasses import replace

    entries = fixture_entries()
    primary = replace(SOURCE, type="primary")
    summary = Source(
        id="sum",
        title="A Summary",
        publisher="Blog",
        url="https://example.org/b",
        accessed="2026-11-02",
        type="secondary",
    )
    formula = replace(RATIO, venue="<b>Bin_ance_</b> *x*", as_of="2026-11-20", source="src")
    example = replace(entries["liquidation"].examples[0], venue="Aave V3", as_of="2026-10-01")
    entries["liquidation"] = replace(
        entries["liquidation"], formulas=(formula,), examples=(example,), sources=(primary, summary)
    )
    site = render(entries)
    text = site.source("term/liquidation.md")
    assert (
        ' <span class="gl-checked">&lt;b&gt;Bin_ance_&lt;/b&gt; *x* rule as checked 2026-11-20</span></summary>'
    ) in text  # plain text, escaped, never Markdown
    assert "<summary>Leverage ratio <span" in text
    assert ' <span class="gl-checked">Aave V3 rule as checked 2026-10-01</span></summary>' in text
    assert "<summary>Ten times <span" in text
    sources = text.split("## Sources", 1)[1]
    assert 'Accessed 2026-11-01; <span class="gl-source-type">primary source</span>.' in sources
    assert 'Accessed 2026-11-02; <span class="gl-source-type">secondary source</span>.' in sources
    raw = site.files["term/liquidation/index.md"]
    assert "Aave V3 rule as checked 2026-10-01." in raw and "<b>" not in raw
    assert "(accessed 2026-11-02; secondary source)" in raw


def test_claims_without_a_venue_show_no_date(site) -> None:
    text = site.source("term/liquidation.md")
    assert "<summary>Leverage ratio <span" in text and "gl-checked" not in text
