"""Math drawn at build time (generator/render/math.py): one node process for the whole site,
every formula in the page as KaTeX HTML+MathML, through the output allowlist unharmed."""

from __future__ import annotations

import dataclasses
import re
import subprocess

import pytest

from generator.check import katex
from generator.emit import allowlist
from generator.model import Formula, FormulaResult, Variable
from generator.render import math
from tests.render.test_render import entry, fixture_entries, render

needs_node = pytest.mark.skipif(
    katex.node_binary() is None or not katex.KATEX_JS.is_file(), reason="Node.js is not installed"
)


def _many_formulas(count: int) -> dict:
    entries = fixture_entries()
    formulas = tuple(
        Formula(
            id=f"f{i}",
            title=f"Formula {i}",
            latex=rf"y_{{{i}}} = \frac{{a + {i}}}{{b}}",
            expr="a / b",
            result=FormulaResult("y", f"y_{{{i}}}", "x"),
            variables=(Variable("a", "a", "the a", "x"), Variable("b", "b", "the b", "x")),
        )
        for i in range(count)
    )
    entries["many"] = entry(
        "many", "Many Formulas", kind="term", formulas=formulas, body="Inline $x^2$ and\n\n$$\\sum_i x_i$$\n"
    )
    return entries


@needs_node
def test_the_site_starts_node_once_whatever_the_number_of_formulas(monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[list[str]] = []
    real_run = subprocess.run

    def counting_run(args, *rest, **kwargs):  # type: ignore[no-untyped-def]
        started.append(list(args))
        return real_run(args, *rest, **kwargs)

    monkeypatch.setattr(math.subprocess, "run", counting_run)
    monkeypatch.setattr(math, "_drawn", {})
    monkeypatch.setattr(math, "cache_path", lambda: None)  # nothing from an earlier build
    site = render(_many_formulas(60))
    assert len(started) == 1, started  # 60 formulas, their symbols, steps and Markdown math: one process
    assert started[0][0] == katex.node_binary()
    text = site.source("term/many.md")
    assert text.count('class="katex-display"') >= 61 and "<math" in text
    assert "x^2</annotation>" in text and "\\sum_i x_i</annotation>" in text

    started.clear()
    render(_many_formulas(60))  # the same math again (a `glossary serve` rebuild): no node at all
    assert started == []


@needs_node
def test_drawings_are_cached_on_disk_sealed(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "katex-html.marshal"
    monkeypatch.setattr(math, "_drawn", {})
    first = math.draw([("a+b", False)], cache)
    monkeypatch.setattr(math, "_drawn", {})
    monkeypatch.setattr(math, "_run_node", lambda items: pytest.fail("node started despite the cache"))
    assert math.draw([("a+b", False)], cache) == first
    cache.write_bytes(cache.read_bytes()[:-5] + b"XXXXX")  # tampered: a miss, never markup of someone else's
    monkeypatch.setattr(math, "_drawn", {})
    monkeypatch.setattr(math, "_run_node", lambda items: ({}, "no node here"))
    assert math.draw([("a+b", False)], cache) == {}


def test_without_node_the_latex_is_shown_as_text(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(katex.NODE_ENV, "")
    monkeypatch.setattr(math, "_drawn", {})
    monkeypatch.setattr(math, "cache_path", lambda: None)
    site = render(fixture_entries())
    text = site.source("term/liquidation.md")
    assert '<div class="gl-math"><span class="gl-math-raw">L = \\frac{N}{E}</span></div>' in text
    assert "\x00" not in text


@needs_node
def test_katex_markup_passes_the_allowlist_and_href_gives_no_link(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(math, "_drawn", {})
    keys = [
        (r"P_{liq} = \frac{P_0 - M/Q}{1 - m}", True),
        (r"\sqrt{\widehat{abc}} + \overrightarrow{AB} + \color{red}{x}", True),
        (r"\begin{pmatrix}a & b\\ c & d\end{pmatrix}", False),
        (r"\href{javascript:alert(1)}{x} \url{javascript:alert(2)} \includegraphics{//evil.test/x.png}", False),
        (r"\htmlStyle{position:fixed}{x} \def\a{\a\a}\a", False),
    ]
    drawn = math.draw(keys)
    assert len(drawn) == len(keys)
    for key in keys[:3]:
        html = drawn[key]
        cleaned = allowlist.clean(html)
        assert re.findall(r"<([a-z]+)", cleaned) == re.findall(r"<([a-z]+)", html)  # every element kept
        assert len(re.findall(r'style="', cleaned)) == len(re.findall(r'style="', html))  # and its layout
    for key in keys[3:]:
        cleaned = allowlist.clean(drawn[key])
        assert not re.search(r'<a[\s>]|<img|\shref=|\ssrc=|style="[^"]*fixed', cleaned), cleaned
        assert "color:#cc0000" in cleaned or "katex-error" in cleaned  # shown as inert (red) text


def test_the_allowlist_keeps_only_katex_layout_in_style() -> None:
    dirty = (
        '<span style="height:1.2em;position:fixed;top:0;background:url(//evil.test/x)">a</span>'
        '<p style="top:-3em">b</p><span style="margin-right:-0.05em;color:#cc0000;width:10px">c</span>'
        '<math><mrow href="javascript:alert(1)"><mi mathcolor="url(x)">d</mi></mrow>'
        '<annotation-xml><svg><a href="javascript:alert(1)">e</a></svg></annotation-xml></math>'
    )
    assert allowlist.clean(dirty) == (
        '<span style="height:1.2em;top:0;">a</span><p>b</p><span style="margin-right:-0.05em;color:#cc0000;">c</span>'
        "<math><mrow><mi>d</mi></mrow></math>"
    )


def test_math_in_markdown_is_the_math_the_validator_checked() -> None:
    for segment, key in (
        ("$x_1$", ("x_1", False)),
        ("$$a = b$$", ("a = b", True)),
        (r"\(y\)", ("y", False)),
        (r"\[z\]", ("z", True)),
        (r"\begin{aligned}a&=b\end{aligned}", (r"\begin{aligned}a&=b\end{aligned}", True)),
    ):
        _, _, keys = math.place("p", math.segment_marker(segment), ())
        assert keys == (key,)


def test_placeholders_cannot_be_forged_or_collide_with_heading_ids() -> None:
    entries = fixture_entries()
    body = "## glhtmlM0Z and GLHTMLM0Z\n\nText glhtmlM0Z with $a_1$ and $$b$$ inline.\n"
    entries["liquidation"] = dataclasses.replace(entries["liquidation"], body=body)
    site = render(entries)
    fragments = site.fragments["term/liquidation.md"]
    assert fragments.prefix != "glhtml" and "glhtmlM0Z" in site.pages["term/liquidation.md"]
    assert re.findall(rf"{fragments.prefix}M\d+Z", site.pages["term/liquidation.md"])
    assert "glossary_math: true\n---" in site.pages["term/liquidation.md"]
    assert "glossary_math" not in site.pages["a-z.md"]  # no math on it: no KaTeX stylesheet


def test_math_goes_in_after_the_allowlist_only_through_it_and_only_into_text() -> None:
    """The page is allowlisted with slots where its math goes, and each drawing goes in
    allowlisted itself: a drawing cannot bring in what the page could not, a slot that
    stood in an attribute value becomes the LaTeX as text, and display math alone in a
    paragraph becomes a block, as when pages were allowlisted whole."""
    keys = (("a<b", False), ("c", True), ("d", False))
    drawn = {
        keys[0]: '<span class="katex">A</span><script>alert(1)</script>',
        keys[1]: '<span class="katex-display" style="position:fixed;height:1em">C</span>',
        keys[2]: '<span class="katex" onmouseover="alert(2)">D</span>',
    }
    converted = '<p>Text pM0Z and <a href="x" title="see pM0Z">link</a> pM2Z.</p>\n<p>pM1Z</p>\n<p><img alt="pM2Z" src="i.png"></p>'
    cleaned = allowlist.clean(math.slots(converted, "p"))
    page = math.fill(cleaned, "p", keys, drawn, allowlist.clean_part)
    assert page == (
        '<p>Text <span class="katex">A</span> and <a href="x" title="see a&lt;b">link</a>'
        ' <span class="katex">D</span>.</p>\n'
        '<div class="gl-math"><span class="katex-display" style="height:1em;">C</span></div>\n'
        '<p><img alt="d" src="i.png"></p>'
    )
    # Only the allowlist's own output makes a slot: author text that spells one is text.
    forged = allowlist.clean('<p>&lt;span id="p-m0"&gt;&lt;/span&gt; <code>&lt;span id="p-m0"&gt;</code></p>')
    assert math.fill(forged, "p", keys, drawn, allowlist.clean_part) == forged
