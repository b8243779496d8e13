"""Red team, first layer: the attacks `glossary validate` refuses, so they never reach a page.

The browser half of the red team (tests/browser/test_redteam.py) builds the attacks that
pass validation; these are the ones that must not: math that asks KaTeX for links,
images, HTML or endless expansion (in every field where math is rendered, and by every
delimiter), source URLs that are not http(s) or that would break out of an attribute,
tags that are markup or reserved names, and characters that could forge structure (NUL,
terminal escapes, a newline in a single-line field). Each case is one file dropped beside
a valid area; one `glossary validate --format json` run checks them all: each file gets
its expected code, at its own path.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REDTEAM = ROOT / "tests" / "hostile" / "redteam"

FILLER = (
    "Leverage lets a trader hold a position larger than the capital posted, so gains and losses grow in "
    "proportion. The venue watches the margin left in the account and closes the position when that margin "
    "no longer covers the maintenance requirement. "
) * 2

FORMULA = """formulas:
  - id: f
    title: A formula
    latex: {latex}
    expr: 'y * 2'
    note: {note}
    result: {{name: x, symbol: {symbol}, unit: USDT}}
    variables:
      y: {{symbol: y, meaning: a variable, unit: USDT}}
examples:
  - title: An example
    formula: f
    inputs: {{y: 1}}
    expect: {{x: 2}}
    source: src
    note: {example_note}
"""


def entry(
    name: str,
    *,
    title: str | None = None,
    summary: str = "'A plain entry used in a test.'",
    tags: str = "[red-team]",
    url: str = "'https://example.org/a'",
    body_extra: str = "",
    latex: str = "'x = 2 y'",
    note: str = "A note.",
    symbol: str = "x",
    example_note: str = "A note.",
    source_note: str = "A note.",
) -> str:
    formula = FORMULA.format(latex=latex, note=note, symbol=symbol, example_note=example_note)
    body = FILLER + "\n" + "\n".join(f"  {line}" if line else "" for line in body_extra.splitlines())
    return (
        f"title: {title or 'RT ' + name}\nkind: definition\nsummary: {summary}\nareas: [rt-area]\ntags: {tags}\n"
        f"{formula}"
        f"sources:\n  - {{id: src, title: A Source, publisher: Example Press, url: {url}, accessed: 2026-11-01,"
        f" type: primary, note: {source_note}}}\n"
        f"published: 2026-03-14\nmodified: 2026-11-20\nbody: |\n  {body}\n"
    )


# case -> (entry text, the code validate must give for that file)
CASES: dict[str, tuple[str, str]] = {
    # math that asks KaTeX for links, images, HTML or endless work, by every delimiter and field
    "body-dollar-href": (
        entry("body-dollar-href", body_extra="\nSee $\\href{javascript:alert('body-dollar-href')}{x}$."),
        "FORMULA",
    ),
    "body-paren-url": (
        entry("body-paren-url", body_extra="\nSee \\(\\url{javascript:alert('body-paren-url')}\\)."),
        "FORMULA",
    ),
    "body-display-includegraphics": (
        entry("body-display-includegraphics", body_extra="\n$$\n\\includegraphics{//evil.test/body-display}\n$$\n"),
        "FORMULA",
    ),
    "body-bracket-htmldata": (entry("body-bracket-htmldata", body_extra="\n\\[\\htmlData{x=1}{y}\\]\n"), "FORMULA"),
    "body-env-href": (
        entry(
            "body-env-href",
            body_extra="\n\\begin{equation}\\href{javascript:alert('body-env-href')}{x}\\end{equation}\n",
        ),
        "FORMULA",
    ),
    "body-htmlclass": (entry("body-htmlclass", body_extra="\nSee $\\htmlClass{md-dialog}{x}$."), "FORMULA"),
    "body-htmlstyle": (
        entry("body-htmlstyle", body_extra="\nSee $\\htmlStyle{background:url(//evil.test/body-htmlstyle)}{x}$."),
        "FORMULA",
    ),
    "summary-macro-bomb": (
        entry("summary-macro-bomb", summary="'A plain entry $\\def\\a{\\a\\a}\\a$ here.'"),
        "FORMULA",
    ),
    "summary-macro-fanout": (
        entry(
            "summary-macro-fanout",
            summary="'A plain entry $\\def\\b#1{#1#1#1#1#1#1#1#1#1#1}\\b{\\b{\\b{\\b{x}}}}$ here.'",
        ),
        "FORMULA",
    ),
    "latex-href": (entry("latex-href", latex="'x = \\href{javascript:alert(1)}{2 y}'"), "FORMULA"),
    "symbol-url": (entry("symbol-url", symbol="'\\url{javascript:alert(1)}'"), "FORMULA"),
    "formula-note-href": (entry("formula-note-href", note="'A note $\\href{javascript:alert(1)}{x}$.'"), "FORMULA"),
    "example-note-includegraphics": (
        entry("example-note-includegraphics", example_note="'A note $\\includegraphics{//evil.test/x.png}$.'"),
        "FORMULA",
    ),
    # source URLs: only http(s), nothing that ends the attribute
    "url-javascript-upper": (entry("url-javascript-upper", url="'JAVASCRIPT:alert(1)'"), "BAD_VALUE"),
    "url-javascript-space": (entry("url-javascript-space", url="' javascript:alert(1)'"), "BAD_VALUE"),
    "url-data-html": (entry("url-data-html", url="'data:text/html,<script>alert(1)</script>'"), "BAD_VALUE"),
    "url-file": (entry("url-file", url="'file:///etc/passwd'"), "BAD_VALUE"),
    "url-protocol-relative": (entry("url-protocol-relative", url="'//evil.test/url'"), "BAD_VALUE"),
    "url-quote-breakout": (
        entry("url-quote-breakout", url="'https://example.org/\"onmouseover=\"alert(1)'"),
        "BAD_VALUE",
    ),
    "url-angle-breakout": (
        entry("url-angle-breakout", url="'https://example.org/><script>alert(1)</script>'"),
        "BAD_VALUE",
    ),
    # tags and slugs
    "tag-markup": (entry("tag-markup", tags="[\"<script>alert('tag-markup')</script>\"]"), "BAD_SLUG"),
    "tag-traversal": (entry("tag-traversal", tags="['../../index']"), "BAD_SLUG"),
    "tag-reserved": (entry("tag-reserved", tags="[index]"), "RESERVED_SLUG"),
    # characters that could forge structure or fool a terminal
    "title-newline": (
        entry("title-newline", title='"RT X\\n---\\nglossary_head: <script>alert(1)</script>"'),
        "BAD_VALUE",
    ),
    "title-escape": (entry("title-escape", title='"RT \\e[31mred\\e[0m"'), "CONTROL_CHAR"),
    "source-note-bell": (entry("source-note-bell", source_note='"A note \\a"'), "CONTROL_CHAR"),
    "title-too-long": (entry("title-too-long", title="RT " + "<script>alert(1)</script>" * 5), "BAD_VALUE"),
    "yaml-include": (entry("yaml-include", title="!include /etc/passwd"), "YAML_TAG"),
}
NUL_CASE = "title-nul"  # written as bytes: a NUL inside the title


@pytest.fixture(scope="module")
def verdicts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, set[str]]:
    terms = tmp_path_factory.mktemp("redteam-rejected")
    (terms / "rt-area.yaml").write_text((REDTEAM / "rt-area.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    for name, (text, _code) in CASES.items():
        (terms / f"{name}.yaml").write_text(text, encoding="utf-8")
    (terms / f"{NUL_CASE}.yaml").write_bytes(entry(NUL_CASE, title='"RT \x00 nul"').encode("utf-8"))
    proc = subprocess.run(
        [sys.executable, "-m", "generator", "validate", "--terms", str(terms), "--no-cache", "--format", "json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    found: dict[str, set[str]] = {}
    for problem in json.loads(proc.stdout)["problems"]:
        if problem["severity"] == "error":
            found.setdefault(Path(problem["path"]).stem, set()).add(problem["code"])
    return found


def test_the_area_they_sit_beside_is_clean(verdicts: dict[str, set[str]]) -> None:
    assert "rt-area" not in verdicts, verdicts.get("rt-area")


@pytest.mark.parametrize("case", sorted(CASES))
def test_validate_refuses(verdicts: dict[str, set[str]], case: str) -> None:
    expected = CASES[case][1]
    assert expected in verdicts.get(case, set()), f"{case}: expected {expected}, got {sorted(verdicts.get(case, ()))}"


def test_validate_refuses_a_nul_byte(verdicts: dict[str, set[str]]) -> None:
    assert "NUL_BYTE" in verdicts.get(NUL_CASE, set()), verdicts.get(NUL_CASE)
