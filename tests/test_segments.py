"""`segments.segments` against the implementation it replaced, and its time on hostile text.

The sanitiser is a security boundary: which characters count as code, math or a link
decides what is escaped. The linear-time segmenter must cut every text exactly as the
original single-regex scan did, so that scan is kept here as the oracle and both are run
on every real and benchmark text, on Hypothesis soups of the special characters, and on
hostile inputs. The original is quadratic on many unclosed openers; the new one must not be.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown.util import BLOCK_LEVEL_ELEMENTS

from generator.check.prose import markdown_fields
from generator.markup import fenced_code
from generator.segments import segments

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `bench` is not installed
    sys.path.insert(0, str(ROOT))

from bench.corpus import write_corpus  # noqa: E402

# ---- the oracle: segments() as it was before it was made linear --------------------------

# Where a code span stops, as Python-Markdown reads text: a blank line, or a line opening
# with a block-level tag (a raw HTML block). Spelled for the verbose pattern below.
_STOP = r"[ \t]*\n|[ ]{0,3}<(?i:" + "|".join(sorted(BLOCK_LEVEL_ELEMENTS, key=len, reverse=True)) + r")(?![\w-])"
_INLINE = re.compile(
    r"""
    (?P<display>(?<!\\)\$\$(?:\\.|[^\\$])+?\$\$)                     # $$ ... $$
  | (?P<bracket>(?<!\\)\\\[(?:\\[^\]]|[^\\])+?\\\])                # \[ ... \]
  | (?P<env>\\begin\{(?P<envname>[a-z]+\*?)\}(?:\\.|[^\\])+?\\end\{(?P=envname)\})
  | (?P<code>(?<![\\`])(?P<ticks>`+)(?!`)(?:[^\n]|\n(?!SPAN_STOP))+?(?<!`)(?P=ticks)(?!`))  # `code`: no stop inside
  | (?P<dollar>(?<!\\)\$(?!\s)(?:\\.|[^\\$\x02\x03])+?(?<!\s)\$)   # $ ... $
  | (?P<paren>(?<!\\)\\\((?:\\[^)]|[^\\\x02\x03])+?\\\))           # \( ... \)
  | (?P<link>!?\[(?:[^\[\]\n]|\[[^\[\]\n]*\])*\]
        \(\s*(?:<[^<>\n]*>|(?:[^\s()]|\([^\s()]*\))*)(?:\s+(?:"[^"\n]*"|'[^'\n]*'|\([^()\n]*\)))?\s*\))
  | (?P<refdef>^[ ]{0,3}\[[^\[\]\n]+\]:[ \t]*\S+[^\n]*$)
    """.replace("SPAN_STOP", _STOP),
    re.VERBOSE | re.MULTILINE,
)


def oracle(markdown: str) -> list[tuple[str, str, int]]:
    out: list[tuple[str, str, int]] = []
    for kind, text, start in _oracle_fences(markdown):
        if kind == "code":
            out.append(("code", text, start))
            continue
        pos = 0
        for match in _INLINE.finditer(text):
            if match.start() > pos:
                out.append(("text", text[pos : match.start()], start + pos))
            group = match.lastgroup
            if group in ("display", "bracket", "env", "dollar", "paren"):
                seg_kind = "math"
            elif group in ("code", "ticks"):
                seg_kind = "code"
            elif group == "link":
                seg_kind = "link"
            else:
                seg_kind = "refdef"
            out.append((seg_kind, match.group(0), start + match.start()))
            pos = match.end()
        if pos < len(text):
            out.append(("text", text[pos:], start + pos))
    return out


def _oracle_fences(markdown: str) -> list[tuple[str, str, int]]:
    """Fenced code by the one rule (`markup.fenced_code`, tested against superfences itself
    in tests/test_fences.py): the oracle here is for the inline scan."""
    parts: list[tuple[str, str, int]] = []
    pos = 0
    for start, end in fenced_code(markdown):
        if start > pos:
            parts.append(("text", markdown[pos:start], pos))
        parts.append(("code", markdown[start:end], start))
        pos = end
    if pos < len(markdown):
        parts.append(("text", markdown[pos:], pos))
    return parts


def cut(markdown: str) -> list[tuple[str, str, int]]:
    return [(segment.kind, segment.text, segment.start) for segment in segments(markdown)]


# ---- the same cut on real text ---------------------------------------------------------


def _texts(paths: list[Path]) -> list[str]:
    texts: list[str] = []
    for path in paths:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except Exception:  # hostile files that are not YAML at all
            continue
        texts.extend(text for _, text in markdown_fields(data))
    return texts


def test_real_and_hostile_entries_cut_as_before() -> None:
    texts = _texts(sorted((ROOT / "terms").glob("*.yaml")) + sorted((ROOT / "tests/hostile").rglob("*.yaml")))
    assert len(texts) > 200
    for text in texts:
        assert cut(text) == oracle(text)


def test_benchmark_corpus_cuts_as_before(tmp_path: Path) -> None:
    write_corpus(300, tmp_path / "terms")
    texts = _texts(sorted((tmp_path / "terms").glob("*.yaml")))
    assert sum("$" in text for text in texts) > 100  # the corpus does hold math
    for text in texts:
        assert cut(text) == oracle(text)


# ---- the same cut on soups of the characters that matter --------------------------------

# Each case below exercises one way a construct can match or fail: closers escaped or not,
# stops (`\x02`, a backslash before a newline) escaped or not, a closer right after the
# opener, titles after whitespace, fences of other lengths, indented definitions.
EDGE_CASES = [
    "\\[x\\]",
    "\\[\\]x\\]",
    "\\[\\\\]x\\]",
    "a\\\\[x\\]",
    "\\[x\\\\]",
    "\\[x\\\\\\]",
    "\\[\\",
    "\\[x",
    "\\(x\\)",
    "\\(\\)x\\)",
    "\\(a\x02b\\)",
    "\\(a\\\x02b\\)",
    "\\(a\\\\\x02b\\)",
    "\\(a\x03\\)",
    "\\(\\\\)x\\)",
    "\\begin{a}x\\end{a}",
    "\\begin{a}\\end{a}",
    "\\begin{a}\\end{a}x\\end{a}",
    "\\begin{a}x\\\n\\end{a}",
    "\\begin{a}x\\\\\n\\end{a}",
    "\\begin{a}x\\\\end{a}",
    "\\begin{a}x\\\\\\end{a}",
    "\\begin{a*}x\\end{a*}",
    "\\begin{a}x\\end{b}\\end{a}",
    "\\\\begin{a}x\\end{a}",
    "\\begin{a}\\",
    "\\begin{a}x\\",
    "\\begin{a}x\\end{a",
    "\\begin{a}\n\\end{a}",
    "\\begin{a}\\\nx\\end{a}",
    "\\begin{ab}x\\end{a}\\end{ab}",
    "`x`",
    "``x``",
    "``x`",
    "`x``y`",
    "\\`x`",
    "```x```",
    "`` ` ``",
    "`x\n`",
    "`\\`x`",
    "``` `` ```",
    '[a]( "t x")',
    "[a](  'q r')",
    "[a](\n(t u))",
    "[a]( <u v>)",
    "[a](u (t))",
    "[a](<u>)",
    "[a]( )",
    '[a](u  "t"  )',
    '[a]( "t" x)',
    "![a](u)",
    "[a [b] c](u)",
    "[a](b(c)d)",
    '[a](\t"t"\n)',
    "[a]( (t)x)",
    '[a]( "t"',
    "[a]( ",
    "[a](<u> 't')",
    "[a](u\n'x y')",
    "```\nx\n```",
    "````\nx\n```\ny\n````",
    "```\n```` \n",
    "~~~\nx\n~~~",
    "```\nx",
    " ```\nx\n   ```",
    "```\r\nx\r\n```\r\n",
    "```\nx\n``` a\n```",
    "~~~~\n~~~\n~~~~~",
    "```\n~~~\n```",
    "    ```\nx\n```",
    "[a]: b",
    "   [a]: b",
    "    [a]: b",
    "x\n [a]: b\ny",
    "[a]:   \n",
    " [a]: javascript:x",
    "\n\n  [a]:b",
    "$x$",
    "$ x$",
    "$x $",
    "$$x$$",
    "$$$x$$",
    "\\$x$",
    "$x\\$y$",
    "$x\x02y$",
    "$x\\\x02y$",
    "$$x\\\ny$$",
    "$$\n$$",
    "$x\ny$",
    "$$x$",
    "$x$$",
    "$\\$",
    "$$\\$$$",
]


@pytest.mark.parametrize("text", EDGE_CASES)
def test_edge_cases_cut_as_before(text: str) -> None:
    for variant in (text, f"a {text} b", f"{text}\n{text}", f"\\( {text}", f"`` {text} `` {text}"):
        assert cut(variant) == oracle(variant)


OPENERS = [
    "$",
    "$$",
    "\\(",
    "\\[",
    "\\begin{a}",
    "\\begin{b*}",
    "`",
    "``",
    "[",
    "![",
    "[a](",
    "](",
    "\n[a]: ",
    "\n  [b]:",
    "\n```\n",
    "\n~~~\n",
    "<",
]
CLOSERS = ["$", "$$", "\\)", "\\]", "\\end{a}", "\\end{b*}", "`", "``", ")", "]", "]]", "\n```", "\n~~~~", ">"]
FILLERS = [
    "x",
    " ",
    "  ",
    "\n",
    "\t",
    "\r\n",
    "\u2028",
    "\\",
    "\\\\",
    "\x02",
    "\x03",
    "\\\x02",
    "\\\n",
    "\\$",
    "\\`",
    "\\)",
    '"t x"',
    "'t'",
    "(t)",
    "(",
    "{",
    "}",
    "!",
    "http://e.x/y",
    "javascript:x",
]
TOKENS = OPENERS + CLOSERS + FILLERS
soup = st.lists(
    st.one_of(st.sampled_from(OPENERS), st.sampled_from(CLOSERS), st.sampled_from(FILLERS)), max_size=40
).map("".join)
SETTINGS = settings(
    derandomize=True, database=None, deadline=None, max_examples=3000, suppress_health_check=[HealthCheck.too_slow]
)


@SETTINGS
@given(soup)
def test_token_soup_cuts_as_before(text: str) -> None:
    assert cut(text) == oracle(text)


@SETTINGS
@given(st.text(alphabet="$\\`[]()!:<>\"' \n\tab{}~", max_size=80))
def test_character_soup_cuts_as_before(text: str) -> None:
    assert cut(text) == oracle(text)


@settings(SETTINGS, max_examples=500)
@given(st.lists(st.sampled_from(TOKENS), max_size=12).map("".join), st.integers(1, 40))
def test_repeated_soup_cuts_as_before(unit: str, times: int) -> None:
    text = unit * times  # repetition is what makes unclosed openers pile up
    assert cut(text) == oracle(text)


@settings(SETTINGS, max_examples=300)
@given(st.text(max_size=200))
def test_any_text_cuts_as_before(text: str) -> None:
    assert cut(text) == oracle(text)


# ---- time on hostile text ----------------------------------------------------------------

HOSTILE: dict[str, Callable[[int], str]] = {
    "unclosed \\(": lambda n: "\\( " * (n // 3),
    "unclosed \\( before a closer past a stop": lambda n: "\\( a" * (n // 4) + "\x02\\)",
    "unclosed \\[ before an escaped closer": lambda n: "\\[ " * (n // 3) + "\\\\]",
    "unclosed $$": lambda n: "$$ a $ " * (n // 7),
    "$$ pairs": lambda n: "$$ " * (n // 3),
    "unclosed $": lambda n: "$a " * (n // 3),
    "unclosed \\begin{a}": lambda n: "\\begin{a}" * (n // 9),
    "\\begin{} with many names": lambda n: (
        "".join(f"\\begin{{{chr(97 + i % 26)}{chr(97 + i // 26 % 26)}}}" for i in range(n // 10)) + "\\end{a}"
    ),
    "\\begin{a} before a closer past a stop": lambda n: "\\begin{a}" * (n // 9) + "\\\n\\end{a}",
    "backtick runs of many lengths": lambda n: "".join("`" * k + "a" for k in range(1, int((2 * n) ** 0.5))),
    "one long backtick run": lambda n: "`" * n,
    "[ soup": lambda n: "[](" * (n // 3),
    "link soup": lambda n: "[a](" * (n // 4),
    "link title soup": lambda n: '[a]( "' * (n // 6),
    "whitespace after (": lambda n: "[a](" + " " * n + "x",
    "whitespace and newlines after (": lambda n: "[a](" + " \n" * (n // 2) + '"',
    "unclosed fences": lambda n: "```\n" + "````a\n" * (n // 6),
    "indented definitions": lambda n: "\n   [a]:" * (n // 8),
}


def _seconds(text: str, budget: float) -> float:
    """CPU seconds, best of five runs, or the first run if it is already over `budget` (a
    quadratic run is not repeated: it would take minutes). CPU time, not the clock: other
    processes on a busy machine (a benchmark, parallel tests) count less, though they still
    slow this one down through shared caches, hence the best of several."""
    best = float("inf")
    for _ in range(5):
        started = time.process_time()
        segments(text)
        best = min(best, time.process_time() - started)
        if best > budget:
            break
    return best


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_text_takes_linear_time(name: str) -> None:
    """Four times the text takes about four times as long (quadratic would be sixteen), and
    200 KB well under a second (the quadratic original takes a minute or more on most)."""
    make = HOSTILE[name]
    small, large = make(50_000), make(200_000)
    assert len(large) > 3 * len(small)
    assert cut(small[:3000]) == oracle(small[:3000])  # still the same cut
    small_seconds = _seconds(small, 0.5)
    assert small_seconds < 0.5, f"{name}: {small_seconds:.2f} s for {len(small):,} characters"
    large_seconds = _seconds(large, 2.0)
    assert large_seconds < 2.0, f"{name}: {large_seconds:.2f} s for {len(large):,} characters"
    ratio = large_seconds / max(small_seconds, 2e-3)
    # linear is 4x, quadratic 16x; a loaded machine has measured 10.5x for linear code
    assert ratio < 12, f"{name}: 4x the text took {ratio:.1f}x the time"


def test_block_level_tags_are_python_markdowns_own() -> None:
    """The segment cutter keeps its own copy of the tag list so that it never loads
    Python-Markdown; the copy must be the list the site's parser uses."""
    from markdown.util import BLOCK_LEVEL_ELEMENTS

    from generator.segments import BLOCK_LEVEL_ELEMENTS as copied

    assert list(copied) == list(BLOCK_LEVEL_ELEMENTS)
