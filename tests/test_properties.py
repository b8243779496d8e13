"""Property-based tests: whatever bytes an author saves, the loader and validator answer
with problems, never with an exception.

Hypothesis generates random bytes, YAML-ish token soup, random documents that mix the
real field names with values of every type, and mutations of the shipped entries
(lines deleted, duplicated, swapped, re-typed, re-indented, truncated, unicode and
raw bytes inserted, numbers in worked examples made extreme). Each example goes through
`load_bytes` and then, with a few real entries beside it, through `check_glossary`,
exactly as `glossary validate` runs them.

Every problem must be usable: a code, a message, a hint and a position inside the file.
Runs are derandomized (the same examples on every machine) and sized so that about 900
examples run in CI in about half a minute; `GLOSSARY_FUZZ_SCALE=20` hunts twenty times
longer, at random. Node.js is switched off here (KaTeX would start once per new
formula); `test_katex_batches_never_crash` drives the real KaTeX with random math in a
few large batches instead.
"""

from __future__ import annotations

import math
import os
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.check import katex
from generator.check.cross_entry import check_glossary
from generator.check.examples import EXAMPLE_FIELDS
from generator.check.fields import FAQ_FIELDS, FIELDS, SOURCE_FIELDS
from generator.check.formulas import FORMULA_FIELDS, RESULT_FIELDS, VARIABLE_FIELDS
from generator.load.document import load_bytes
from generator.model import KINDS, RELATION_TYPES, Document, Entry, Problem

ROOT = Path(__file__).resolve().parents[1]
TERMS = sorted((ROOT / "terms").glob("*.yaml"))
REAL = {path.name: path.read_bytes() for path in TERMS}
CONTEXT_NAMES = sorted(REAL)[:6]  # a few real neighbours, so the cross-entry rules run too


def _context() -> list[Document]:
    docs = []
    for name in CONTEXT_NAMES:
        doc, _ = load_bytes(REAL[name], f"terms/{name}")
        assert doc is not None
        docs.append(doc)
    return docs


CONTEXT = _context()

# GLOSSARY_FUZZ_SCALE=20 runs twenty times as many examples, freshly random, to hunt for new bugs.
SCALE = max(1, int(os.environ.get("GLOSSARY_FUZZ_SCALE", "1") or "1"))
CI = settings(
    derandomize=SCALE == 1,  # in CI the same examples on every run: never a flake from a new seed
    database=None,
    deadline=None,  # shared CI machines stall; the time bound is asserted per example below
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
        HealthCheck.function_scoped_fixture,
    ],
)
PER_EXAMPLE_SECONDS = 5.0


@pytest.fixture(autouse=True)
def _no_node(monkeypatch: pytest.MonkeyPatch) -> None:
    """KaTeX is exercised in batches below; here the check degrades to its one warning."""
    monkeypatch.setenv(katex.NODE_ENV, "")


# -- the invariants ---------------------------------------------------------------------------


def assert_usable(problems: list[Problem], data: bytes) -> None:
    lines = data.count(b"\n") + 1
    for problem in problems:
        assert isinstance(problem, Problem)
        assert re.fullmatch(r"[A-Z][A-Z_]+", problem.code), problem
        assert problem.message.strip(), problem
        assert problem.hint.strip(), f"no hint: {problem.format()}"
        assert 1 <= problem.mark.line <= lines + 1, (problem.format(), lines)
        assert problem.mark.column >= 1, problem.format()
        problem.format()  # never raises either


def validate_bytes(data: bytes, name: str = "x-entry.yaml") -> list[Problem]:
    """load -> check with real neighbours, as `glossary validate` runs; returns all problems."""
    import time

    started = time.perf_counter()
    path = f"terms/{name}"
    doc, problems = load_bytes(data, path)
    if doc is None:
        assert problems, "a file that does not load must say why"
    context = [d for d in CONTEXT if not d.path.endswith("/" + name)]
    documents = context + ([doc] if doc is not None else [])
    entries, found = check_glossary([d.path for d in context] + [path], documents)
    assert all(isinstance(entry, Entry) for entry in entries.values())
    mine = [p for p in problems + found if p.path == path]
    assert_usable(mine, data)
    assert time.perf_counter() - started < PER_EXAMPLE_SECONDS
    return problems + found


# -- strategies -------------------------------------------------------------------------------

FIELD_NAMES = sorted(
    {
        *FIELDS,
        *FORMULA_FIELDS,
        *RESULT_FIELDS,
        *VARIABLE_FIELDS,
        *EXAMPLE_FIELDS,
        *FAQ_FIELDS,
        *SOURCE_FIELDS,
        *RELATION_TYPES,
        "inputs",
        "expect",
        "side",
        "entry",
        "qty",
        "leverage",
        "mmr",
        "liquidation_price",
    }
)
HOSTILE_TEXT = [
    "<script>alert(1)</script>",
    "javascript:alert(1)",
    "[[../../etc/passwd]]",
    "[[Margin]]",
    "[[margin-call]]",
    "__import__('os')",
    "9**9**9**9",
    "x.__class__",
    "\\href{javascript:alert(1)}{x}",
    "$\\frac{a}{$",
    "TODO",
    "2026-02-30",
    "2026-11-20T25:00:00Z",
    "https://example.org/a",
    "\u202e\u200b",
    "ｍargin",
    "term",
    "definition",
    "area",
    "liquidation_price",
    "long",
    "-" * 3,
    "{",
    "]",
    "&a",
    "*a",
    "!!python/object",
]
keys = st.one_of(st.sampled_from(FIELD_NAMES), st.text(max_size=12))
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=60),
    st.sampled_from(HOSTILE_TEXT),
    st.sampled_from(FIELD_NAMES),
    st.sampled_from(KINDS),
)
values = st.recursive(
    scalars,
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(keys, children, max_size=5)),
    max_leaves=25,
)
documents = st.dictionaries(keys, values, min_size=0, max_size=14)

YAML_TOKENS = [
    "title",
    "kind",
    "summary",
    "body",
    "formulas",
    "examples",
    "relations",
    "sources",
    "faq",
    "latex",
    "expr",
    ":",
    ": ",
    " ",
    "  ",
    "\n",
    "\n  ",
    "\n    ",
    "- ",
    "-",
    "[",
    "]",
    "{",
    "}",
    ",",
    "'",
    '"',
    "#",
    "&a ",
    "*a",
    "&b ",
    "*b",
    "!!python/object:os.system ",
    "!!str ",
    "!!binary ",
    "!tag ",
    "? ",
    "|",
    ">-",
    "---",
    "...",
    "%YAML 1.1",
    "<<: *a",
    "~",
    "null",
    "true",
    "0x1F",
    "1e400",
    ".nan",
    "-.inf",
    "1:2:3",
    "2026-03-14",
    "\t",
    "\\",
    "\ufeff",
    "\r\n",
    "\x00",
    "[[margin]]",
    "$x$",
]
yamlish = st.lists(st.one_of(st.sampled_from(YAML_TOKENS), st.text(max_size=8)), max_size=80).map("".join)

REPLACEMENTS = [
    "[]",
    "{}",
    "~",
    "''",
    "true",
    "1.0e+400",
    "-1",
    "0",
    "[1, [2, {a: b}]]",
    "{title: x}",
    ".nan",
    ".inf",
    "'[[../x]]'",
    "!!python/name:os.system",
    "&x [1]",
    "*x",
    "|",
    ">",
    "- a",
    "'<script>'",
    "2026-13-45",
    "9" * 120,
    "0x" + "f" * 90,
]
NUMBERS = [
    "1.0e+400",
    "-1.0e+400",
    "2.0e-400",
    "1" + "0" * 5000,
    "0." + "0" * 400 + "1",
    "0x" + "f" * 2000,
    "1:2:3:4",
    ".nan",
    ".inf",
    "-.inf",
    "-0.0",
    "1_000",
    "0o17",
    "0b101",
    "1e5",
    "+12",
    "~",
    "true",
    "'7'",
    "[]",
    "{}",
]


def _number_spans(data: bytes) -> list[tuple[int, int]]:
    """Byte spans of the plain numbers in a real entry (worked-example inputs and results)."""
    doc, _ = load_bytes(data, "x.yaml")
    if doc is None:
        return []
    lines = doc.text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line.encode("utf-8")))
    spans = []
    for path, raw in doc.raw.items():
        mark = doc.marks[path]
        line = lines[mark.line - 1]
        start = starts[mark.line - 1] + len(line[: mark.column - 1].encode("utf-8"))
        spans.append((start, start + len(raw.encode("utf-8"))))
    return sorted(spans)


NUMBER_SPANS = {name: _number_spans(data) for name, data in REAL.items()}


@st.composite
def mutated_entries(draw: st.DrawFn) -> tuple[str, bytes]:
    """A real entry with one to three edits of the kinds authors and editors make."""
    name = draw(st.sampled_from(sorted(REAL)))
    data = REAL[name]
    spans = NUMBER_SPANS[name]
    renumbered = bool(spans) and draw(st.booleans())
    if renumbered:  # a number in a worked example becomes an extreme one
        start, end = spans[draw(st.integers(0, len(spans) - 1))]
        data = data[:start] + draw(st.sampled_from(NUMBERS)).encode() + data[end:]
    for _ in range(draw(st.integers(0 if renumbered else 1, 3))):
        lines = data.split(b"\n")
        i = draw(st.integers(0, max(0, len(lines) - 1)))
        op = draw(
            st.sampled_from(
                ["delete", "duplicate", "swap", "retype", "indent", "dedent", "truncate", "unicode", "bytes", "token"]
            )
        )
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = draw(st.integers(0, max(0, len(lines) - 1)))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "retype":
            match = re.match(rb"^(\s*-?\s*[\w-]+:)\s*(.*)$", lines[i])
            if match:
                lines[i] = match.group(1) + b" " + draw(st.sampled_from(REPLACEMENTS)).encode()
        elif op == "indent":
            lines[i] = b"  " + lines[i]
        elif op == "dedent":
            lines[i] = lines[i].lstrip()
        if op in ("delete", "duplicate", "swap", "retype", "indent", "dedent"):
            data = b"\n".join(lines)
            continue
        position = draw(st.integers(0, len(data)))
        if op == "truncate":
            data = data[:position]
        elif op == "unicode":
            data = data[:position] + draw(st.text(min_size=1, max_size=6)).encode("utf-8") + data[position:]
        elif op == "bytes":
            data = data[:position] + draw(st.binary(min_size=1, max_size=4)) + data[position:]
        else:
            data = data[:position] + draw(st.sampled_from(YAML_TOKENS + HOSTILE_TEXT)).encode() + data[position:]
    return name, data


# -- the properties ---------------------------------------------------------------------------


@settings(CI, max_examples=150 * SCALE)
@given(st.binary(max_size=3000))
def test_random_bytes_never_crash(data: bytes) -> None:
    validate_bytes(data)


@settings(CI, max_examples=150 * SCALE)
@given(yamlish)
def test_yaml_token_soup_never_crashes(text: str) -> None:
    validate_bytes(text.encode("utf-8", "surrogatepass"))


@settings(CI, max_examples=200 * SCALE)
@given(documents)
def test_random_documents_with_real_field_names_never_crash(document: dict) -> None:
    text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=80)
    validate_bytes(text.encode("utf-8", "surrogatepass"))


@settings(CI, max_examples=150 * SCALE)
@given(st.dictionaries(st.sampled_from(sorted(FIELDS)), values, max_size=len(FIELDS)))
def test_checker_survives_any_value_in_any_field(document: dict) -> None:
    """Straight into the checker, so each field reader meets every type it can be given."""
    doc = Document("terms/x-entry.yaml", document, {}, {}, {}, "")
    _, problems = check_glossary([doc.path], [doc])
    assert_usable([p for p in problems if p.path == doc.path], b"")


@settings(CI, max_examples=250 * SCALE)
@given(mutated_entries())
def test_mutated_real_entries_never_crash(case: tuple[str, bytes]) -> None:
    name, data = case
    validate_bytes(data, name)


# -- KaTeX, in batches ------------------------------------------------------------------------

TEX_TOKENS = [
    "\\frac",
    "\\sqrt",
    "\\def",
    "\\a",
    "\\href",
    "\\url",
    "\\htmlId",
    "\\includegraphics",
    "\\text",
    "\\begin{matrix}",
    "\\end{matrix}",
    "\\left(",
    "\\right)",
    "{",
    "}",
    "^",
    "_",
    "&",
    "\\\\",
    "x",
    "1",
    "\\alpha",
    "é",
    "<",
    ">",
    "$",
    "#1",
    "\\newcommand",
    "\\mathrm",
    "\\color{red}",
    " ",
]


@settings(CI, max_examples=4 * SCALE)
@given(
    st.lists(
        st.one_of(st.lists(st.sampled_from(TEX_TOKENS), max_size=30).map("".join), st.text(max_size=40)),
        min_size=40,
        max_size=80,
        unique=True,
    )
)
def test_katex_batches_never_crash(monkeypatch: pytest.MonkeyPatch, batch: list[str]) -> None:
    """One node run per batch; every item gets a verdict, whatever it holds."""
    monkeypatch.delenv(katex.NODE_ENV, raising=False)
    if katex.node_binary() is None:
        pytest.skip("node is not installed (apt-get install nodejs)")
    items = [(tex, index % 2 == 0) for index, tex in enumerate(batch)]
    verdicts, failure = katex.check_math(items)
    assert failure is None
    assert set(verdicts) == set(items)
    for verdict in verdicts.values():
        assert verdict.error is None or verdict.error.strip()
        assert verdict.position is None or (isinstance(verdict.position, int) and not math.isnan(verdict.position))


# -- the loader's two routes agree ----------------------------------------------------------------
# `parse_text` takes libyaml's composer for files that cannot be hostile and the event walk
# for the rest; whichever route a file takes, the author must get the same data and positions.


def _both_routes(text: str) -> tuple[object, object]:
    from generator.load.careful import parse_events
    from generator.load.fast import compose_fast

    fast = compose_fast(text, "x.yaml")
    careful, problems = parse_events(text, "x.yaml")
    return fast, (careful if not problems else None)


def _assert_routes_agree(text: str) -> None:
    fast, careful = _both_routes(text)
    if fast is None:
        return  # the fast route stepped aside: only the careful route answers
    assert careful is not None, "the fast route accepted a file the careful route finds problems in"
    assert (fast.data, fast.marks, fast.key_marks, fast.raw) == (
        careful.data,
        careful.marks,
        careful.key_marks,
        careful.raw,
    )


def test_fast_route_takes_real_entries_and_agrees() -> None:
    for name, data in REAL.items():
        text = data.decode("utf-8-sig")
        fast, _careful = _both_routes(text)
        assert fast is not None, f"{name} should take the fast route"
        _assert_routes_agree(text)


@pytest.mark.parametrize(
    "text",
    [
        "title: a\ntitle: b\n",
        "a: &x [1]\nb: *x\n",
        "a: !!binary aGk=\n",
        "a: !tag x\n",
        "a: 1\n---\nb: 2\n",
        "- a\n",
        "[" * 6000 + "]" * 6000,
        "a:\n" + "".join(" " * i + "- \n" for i in range(40)),
        "a: " + "9" * 200 + "\n",
        "? [a]\n: b\n",
        "a: !!int x\n",
    ],
)
def test_fast_route_steps_aside_for_anything_unusual(text: str) -> None:
    from generator.load.fast import compose_fast

    assert compose_fast(text, "x.yaml") is None


def test_a_merge_key_is_plain_text_on_both_routes() -> None:
    """YAML 1.2 has no merge key: `<<` is a key like any other (and then an unknown field)."""
    fast, careful = _both_routes("<<: {a: 1}\n")
    assert fast is not None and careful is not None and fast.data == careful.data == {"<<": {"a": 1}}


@settings(CI, max_examples=300 * SCALE)
@given(yamlish)
def test_routes_agree_on_token_soup(text: str) -> None:
    _assert_routes_agree(text)


@settings(CI, max_examples=200 * SCALE)
@given(documents)
def test_routes_agree_on_random_documents(document: dict) -> None:
    _assert_routes_agree(yaml.safe_dump(document, allow_unicode=True, sort_keys=False))


@settings(CI, max_examples=200 * SCALE)
@given(mutated_entries())
def test_routes_agree_on_mutated_real_entries(case: tuple[str, bytes]) -> None:
    try:
        text = case[1].decode("utf-8-sig")
    except UnicodeDecodeError:
        return
    if "\x00" not in text:
        _assert_routes_agree(text)
