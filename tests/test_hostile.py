"""Hostile input: one bad file per case, run through `glossary validate` as an author would.

The corpus lives in tests/hostile/entries/, one small file per case; each starts with a
`# hostile:` comment saying what it tries. Each file is dropped into an otherwise valid
glossary (the four entries of tests/conftest.py) and `python -m generator validate` runs
as a subprocess, under a 1 GiB address-space limit. Every case must give exit 1, no
traceback, the expected problem code at `path:line:col:`, a hint line, and only the
expected errors for that file; within TIME_LIMIT seconds, and, for the bombs, under
BOMB_RSS_MB of memory. The docs table (site_src/reference/hostile-input.md) is checked
against this index so the two cannot drift apart.

Index (file -> what the author sees):

    YAML and bytes
      syntax-error             YAML_SYNTAX     a flow list that is never closed
      tab-indentation          YAML_SYNTAX     a tab where YAML wants spaces
      duplicate-key            DUPLICATE_KEY   a key given twice
      alias-bomb               ALIAS_LIMIT     billion laughs (bounded memory)
      undefined-alias          YAML_SYNTAX     *alias with no &anchor
      deep-nesting             DEPTH_LIMIT     5,000 nested lists (bounded memory)
      deep-nesting-at-limit    DEPTH_LIMIT     generated: 100,000 nested lists, just under the size limit
      too-many-values          FILE_TOO_LARGE  generated: 20,001 list items
      huge-file                FILE_TOO_LARGE  generated: a 300 KB body
      python-object-tag        YAML_TAG        !!python/object/apply:os.system
      python-name-tag          YAML_TAG        !!python/name:os.system
      custom-tag               YAML_TAG        !include /etc/passwd
      bad-explicit-int         BAD_VALUE       !!int twelve
      huge-number              BAD_VALUE       a 5,000-digit number
      two-documents            YAML_SYNTAX     a second document after ---
      non-utf8                 ENCODING        Latin-1 bytes
      utf16                    ENCODING        a UTF-16 file
      nul-byte                 NUL_BYTE        a NUL byte in the summary
      control-char             CONTROL_CHAR    "\\e[31m" (a terminal escape) in the title
      yaml11-number            AMBIGUOUS_VALUE an input 1:30, which YAML 1.1 reads as 90
      empty, comment-only      NOT_A_MAPPING   nothing in the file
      list-document            NOT_A_MAPPING   a list at the top level
      scalar-document          NOT_A_MAPPING   text at the top level
    Fields
      wrong-type-*             WRONG_TYPE      a list title, text aliases, a mapping of formulas
      unknown-field            UNKNOWN_FIELD   colour: red
      missing-field            MISSING_FIELD   no summary
      placeholder              PLACEHOLDER     a skeleton's TODO left in
      bad-date                 BAD_DATE        2026-02-30
    Slugs, paths and links
      slug-case                SLUG_COLLISION  MARGIN.yaml beside margin.yaml
      slug-unicode             SLUG_COLLISION  full-width m: ｍargin.yaml beside margin.yaml
      bad-file-name            BAD_SLUG        "Bad File Name.yaml"
      traversal-*              BAD_SLUG        ../../etc/passwd in relations, /etc/... in areas, [[../../secrets]]
      dangling-*               DANGLING_LINK   a relation or [[link]] to nothing
      javascript-source-url    BAD_VALUE       url: javascript:alert(1)
      reserved-tag             RESERVED_SLUG   tags: [index] (the list of tags' own address)
    Formulas (the safe expression language)
      formula-import           FORMULA         __import__("os").system("id")
      formula-attribute        FORMULA         y.__class__.__mro__
      formula-power-tower      FORMULA         9**9**9**9
      formula-deep-brackets    FORMULA         brackets 60 deep
      formula-deep-unary       FORMULA         300 minus signs
      formula-lambda           FORMULA         (lambda: y)()
      formula-undeclared       FORMULA         a name no variable declares
    LaTeX (KaTeX itself, under Node.js)
      latex-unknown-command    FORMULA         \\fracc
      latex-unbalanced         FORMULA         \\frac{y}{2
      latex-macro-bomb         FORMULA         \\def\\a{\\a\\a}\\a (bounded expansion)
      latex-href               FORMULA         \\href{javascript:alert(1)}{y} (trust is off)
      latex-symbol             FORMULA         a variable symbol KaTeX rejects
      latex-body-math          FORMULA         $x^{^}$ in the body
    Worked examples
      example-wrong-value      EXAMPLE_MISMATCH  x expected 3, computed 2
      example-infinite-tolerance  WRONG_TYPE   tolerance: .inf
      example-overflow         BAD_VALUE       expect 1.0e+400 (beyond floating point)
      example-unknown-calculator  EXAMPLE_ERROR  calculator: os_system
    Markup that makes Markdown crawl or recurse
      markup-backticks         MARKUP_LIMIT    3,000 backticks
      nested-lists             MARKUP_LIMIT    "1. " 600 times on one line
      markup-brackets          MARKUP_LIMIT    generated: 60,000 [ in the body
      markup-math-openers      MARKUP_LIMIT    generated: 60,000 \\( in the body
      markup-source-title      MARKUP_LIMIT    generated: 20,000 ![a]( in a source title
      deep-indented-list       MARKUP_LIMIT    generated: a list nested 260 levels by indentation
    Files
      symlink-outside          FILE_UNREADABLE generated: terms/x.yaml -> a file outside terms/
      symlink-loop             FILE_UNREADABLE generated: terms/x.yaml -> itself
      symlink-to-fifo          FILE_UNREADABLE generated: terms/x.yaml -> a FIFO in terms/ (never opened)
      undecodable-file-name    BAD_SLUG        generated: a file name with a Latin-1 byte
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from generator.check import katex
from tests.conftest import body_text, entry_yaml, write_clean_glossary

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(__file__).resolve().parent / "hostile" / "entries"
DOCS_TABLE = ROOT / "site_src" / "reference" / "hostile-input.md"
TIME_LIMIT = 20.0  # seconds per validate run; a real one takes well under one, even on a busy CI machine
ADDRESS_SPACE = 1 << 30  # RLIMIT_AS for every run: a bomb that escaped its limit dies instead of swapping
BOMB_RSS_MB = 250  # peak resident memory of validate (and its node child) for the bomb cases


# -- generated cases: too big, or impossible to keep as a plain file in git --------------------


def _huge_file(terms: Path, name: str) -> None:
    text = entry_yaml("Huge File", relations="relations: {related: [margin]}", body="word " * 60_000)
    (terms / name).write_text(text)


def _too_many_values(terms: Path, name: str) -> None:
    text = entry_yaml(
        "Too Many Values",
        relations="relations: {related: [margin]}",
        extra="aliases: [" + ", ".join(["a"] * 20_001) + "]",
    )
    (terms / name).write_text(text)


def _deep_nesting_at_limit(terms: Path, name: str) -> None:
    depth = 125_000  # 250 KB of brackets: the deepest a file under the size limit can go
    text = entry_yaml(
        "Deep Nesting At Limit",
        relations="relations: {related: [margin]}",
        extra="aliases: " + "[" * depth + "]" * depth,
    )
    (terms / name).write_text(text)


def _markup_brackets(terms: Path, name: str) -> None:
    body = body_text(100) + "\n\n" + "[" * 60_000 + "\n"
    (terms / name).write_text(entry_yaml("Markup Brackets", relations="relations: {related: [margin]}", body=body))


def _markup_math_openers(terms: Path, name: str) -> None:
    body = body_text(100) + "\n\n" + "\\(" * 60_000 + "\n"
    (terms / name).write_text(entry_yaml("Markup Math Openers", relations="relations: {related: [margin]}", body=body))


def _markup_in_source_title(terms: Path, name: str) -> None:
    text = entry_yaml("Markup Source Title", relations="relations: {related: [margin]}")
    (terms / name).write_text(text.replace("title: A Source,", "title: '" + "![a](" * 20_000 + "',"))


def _symlink_outside(terms: Path, name: str) -> None:
    outside = terms.parent / "outside.yaml"
    outside.write_text(entry_yaml("Outside", relations="relations: {related: [margin]}"))
    (terms / name).symlink_to(outside)


def _deep_indented_list(terms: Path, name: str) -> None:
    body = body_text(100) + "\n\n" + "\n".join(" " * (4 * level) + "- item" for level in range(260)) + "\n"
    (terms / name).write_text(entry_yaml("Deep Indented List", relations="relations: {related: [margin]}", body=body))


def _symlink_loop(terms: Path, name: str) -> None:
    (terms / name).symlink_to(name)


def _symlink_to_fifo(terms: Path, name: str) -> None:
    os.mkfifo(terms / ".pipe")  # hidden: not an entry itself
    (terms / name).symlink_to(".pipe")


def _undecodable_name(terms: Path, name: str) -> None:
    (terms / os.fsdecode(b"caf\xe9.yaml")).write_text(entry_yaml("Cafe", relations="relations: {related: [margin]}"))


@dataclass(frozen=True)
class Case:
    """One hostile input and what its author must see."""

    file: str  # in tests/hostile/entries/, or the name a generated case gets
    code: str
    at: tuple[int, int]  # line, column of the problem
    message: str  # a fragment of the message
    install_as: str | None = None
    also: tuple[str, ...] = ()  # further error codes the same file rightly gets
    bomb: bool = False  # also assert bounded memory
    needs_node: bool = False
    make: Callable[[Path, str], None] | None = None
    shown_as: str | None = None  # the path as reports print it, when it differs from the file name

    @property
    def id(self) -> str:
        return self.file.removesuffix(".yaml")

    @property
    def name(self) -> str:
        return self.install_as or self.file


CASES: tuple[Case, ...] = (
    # YAML and bytes
    Case("syntax-error.yaml", "YAML_SYNTAX", (8, 8), "did not find expected ',' or ']'"),
    Case("tab-indentation.yaml", "YAML_SYNTAX", (8, 1), "cannot start any token"),
    Case("duplicate-key.yaml", "DUPLICATE_KEY", (7, 1), "duplicate key 'title' (first at line 2)"),
    Case("alias-bomb.yaml", "ALIAS_LIMIT", (11, 17), "more than 20,000 nodes", bomb=True),
    Case("undefined-alias.yaml", "YAML_SYNTAX", (7, 10), "alias *nowhere refers to no anchor"),
    Case("deep-nesting.yaml", "DEPTH_LIMIT", (7, 41), "nesting deeper than 32 levels", bomb=True),
    Case(
        "deep-nesting-at-limit.yaml",
        "DEPTH_LIMIT",
        (6, 41),
        "nesting deeper than 32 levels",
        bomb=True,
        make=_deep_nesting_at_limit,
    ),
    Case(
        "too-many-values.yaml",
        "FILE_TOO_LARGE",
        (6, 59960),
        "more than 20,000 values",
        bomb=True,
        make=_too_many_values,
    ),
    Case("huge-file.yaml", "FILE_TOO_LARGE", (1, 1), "the limit is 262,144", bomb=True, make=_huge_file),
    Case("python-object-tag.yaml", "YAML_TAG", (7, 10), "tag !!python/object/apply:os.system is not allowed"),
    Case("python-name-tag.yaml", "YAML_TAG", (7, 10), "tag !!python/name:os.system is not allowed"),
    Case("custom-tag.yaml", "YAML_TAG", (7, 10), "tag !include is not allowed"),
    Case("bad-explicit-int.yaml", "BAD_VALUE", (7, 11), "'twelve' is not a valid !!int"),
    Case("huge-number.yaml", "BAD_VALUE", (7, 11), "number is 5,000 characters long", bomb=True),
    Case("two-documents.yaml", "YAML_SYNTAX", (18, 1), "more than one YAML document"),
    Case("non-utf8.yaml", "ENCODING", (4, 49), "byte 0xe9 at byte offset 171"),
    Case("utf16.yaml", "ENCODING", (1, 1), "file is UTF-16"),
    Case("nul-byte.yaml", "NUL_BYTE", (4, 25), "NUL byte at byte offset 98"),
    Case("control-char.yaml", "CONTROL_CHAR", (2, 8), "control character U+001B (ESC)"),
    Case("yaml11-number.yaml", "AMBIGUOUS_VALUE", (18, 17), "'1:30' is text here", also=("EXAMPLE_ERROR",)),
    Case("empty.yaml", "NOT_A_MAPPING", (1, 1), "file is empty"),
    Case("comment-only.yaml", "NOT_A_MAPPING", (1, 1), "file is empty"),
    Case("list-document.yaml", "NOT_A_MAPPING", (2, 1), "the top level is a list"),
    Case("scalar-document.yaml", "NOT_A_MAPPING", (2, 1), "the top level is a text"),
    # fields
    Case("wrong-type-title.yaml", "WRONG_TYPE", (2, 8), "title must be text, not a list"),
    Case("wrong-type-aliases.yaml", "WRONG_TYPE", (7, 10), "aliases must be a list, not text"),
    Case("wrong-type-formulas.yaml", "WRONG_TYPE", (7, 11), "formulas must be a list, not a mapping"),
    Case("unknown-field.yaml", "UNKNOWN_FIELD", (7, 1), "unknown field 'colour'"),
    Case("missing-field.yaml", "MISSING_FIELD", (1, 1), "missing required field 'summary'"),
    Case("placeholder.yaml", "PLACEHOLDER", (4, 10), "TODO placeholder"),
    Case("bad-date.yaml", "BAD_DATE", (9, 12), "'2026-02-30' is not an ISO date"),
    # slugs, paths and links
    Case(
        "slug-case.yaml",
        "SLUG_COLLISION",
        (1, 1),
        "'MARGIN' collides with 'margin'",
        install_as="MARGIN.yaml",
        also=("BAD_SLUG",),
    ),
    Case(
        "slug-unicode.yaml",
        "SLUG_COLLISION",
        (1, 1),
        "collides with 'margin'",
        install_as="\uff4dargin.yaml",
        also=("BAD_SLUG",),
    ),
    Case(
        "bad-file-name.yaml",
        "BAD_SLUG",
        (1, 1),
        "file name 'Bad File Name' is not a valid slug",
        install_as="Bad File Name.yaml",
    ),
    Case("traversal-relation.yaml", "BAD_SLUG", (6, 23), "'../../etc/passwd' in relations.related contains a path"),
    Case("traversal-area.yaml", "BAD_SLUG", (5, 9), "'/etc/test-area' in areas contains a path"),
    Case("traversal-link.yaml", "BAD_SLUG", (18, 7), "link [[../../secrets]] contains a path"),
    Case("reserved-tag.yaml", "RESERVED_SLUG", (7, 16), "'index' in tags is an address the site keeps"),
    Case("dangling-relation.yaml", "DANGLING_LINK", (6, 31), "target 'no-such-entry' does not exist"),
    Case("dangling-link.yaml", "DANGLING_LINK", (18, 7), "link target 'margn-call' does not exist"),
    Case("javascript-source-url.yaml", "BAD_VALUE", (8, 63), "url 'javascript:alert(1)' is not an http(s) address"),
    # formulas
    Case("formula-import.yaml", "FORMULA", (11, 23), "strings are not allowed"),
    Case("formula-attribute.yaml", "FORMULA", (11, 12), "attribute access ('.') is not allowed"),
    Case("formula-power-tower.yaml", "FORMULA", (11, 15), "exponent 387420489 is too large", bomb=True),
    Case("formula-deep-brackets.yaml", "FORMULA", (11, 62), "brackets nested more than 50 deep"),
    Case("formula-deep-unary.yaml", "FORMULA", (11, 211), "nested more than 200 levels deep"),
    Case("formula-lambda.yaml", "FORMULA", (11, 19), "character ':' is not allowed"),
    Case("formula-undeclared.yaml", "FORMULA", (11, 16), "uses 'rate', which is not declared"),
    # LaTeX
    Case("latex-unknown-command.yaml", "FORMULA", (10, 17), "Undefined control sequence: \\fracc", needs_node=True),
    Case("latex-unbalanced.yaml", "FORMULA", (10, 12), "LaTeX braces { } do not balance"),
    Case("latex-macro-bomb.yaml", "FORMULA", (10, 12), "Too many expansions", needs_node=True, bomb=True),
    Case("latex-href.yaml", "FORMULA", (10, 12), "\\href in the latex is not allowed", needs_node=True),
    Case("latex-symbol.yaml", "FORMULA", (12, 38), "KaTeX cannot render the result symbol", needs_node=True),
    Case("latex-body-math.yaml", "FORMULA", (18, 8), "KaTeX cannot render the math $x^{^}$", needs_node=True),
    # worked examples
    Case("example-wrong-value.yaml", "EXAMPLE_MISMATCH", (19, 17), "x expected 3, computed 2"),
    Case(
        "example-infinite-tolerance.yaml",
        "WRONG_TYPE",
        (21, 16),
        "tolerance must be a finite non-negative number",
        also=("EXAMPLE_MISMATCH",),
    ),
    Case("example-overflow.yaml", "BAD_VALUE", (19, 17), "stated value 1.0e+400 of x is not a finite number"),
    Case("example-unknown-calculator.yaml", "EXAMPLE_ERROR", (9, 17), "unknown calculator 'os_system'"),
    # markup that would make Markdown crawl (quadratic) or recurse too deep
    Case("markup-backticks.yaml", "MARKUP_LIMIT", (11, 7), "3,000 markup characters", bomb=True),
    Case("nested-lists.yaml", "MARKUP_LIMIT", (11, 7), "more than 32 nested lists or quotes"),
    Case("markup-brackets.yaml", "MARKUP_LIMIT", (10, 7), "60,000 markup characters", bomb=True, make=_markup_brackets),
    Case(
        "markup-math-openers.yaml",
        "MARKUP_LIMIT",
        (10, 7),
        "60,000 markup characters",
        bomb=True,
        make=_markup_math_openers,
    ),
    Case(
        "markup-source-title.yaml",
        "MARKUP_LIMIT",
        (7, 22),
        "20,000 markup characters",
        bomb=True,
        make=_markup_in_source_title,
    ),
    Case("deep-indented-list.yaml", "MARKUP_LIMIT", (10, 7), "indented 132 columns or more", make=_deep_indented_list),
    # files
    Case(
        "symlink-outside.yaml",
        "FILE_UNREADABLE",
        (1, 1),
        "a link to a file outside the terms folder",
        make=_symlink_outside,
    ),
    Case(
        "undecodable-file-name.yaml",
        "BAD_SLUG",
        (1, 1),
        "bytes that are not UTF-8 text",
        make=_undecodable_name,
        shown_as="caf\\xe9.yaml",
    ),
    Case("symlink-loop.yaml", "FILE_UNREADABLE", (1, 1), "a link that loops back on itself", make=_symlink_loop),
    Case("symlink-to-fifo.yaml", "FILE_UNREADABLE", (1, 1), "not a regular file", make=_symlink_to_fifo),
)


# -- running validate like an author ------------------------------------------------------------


@dataclass
class Outcome:
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    max_rss_mb: float
    terms: Path = field(repr=False, default=Path())


def run_validate(terms: Path, *extra: str) -> Outcome:
    """`python -m generator validate` under an address-space limit; peak memory from wait4."""
    command = [sys.executable, "-m", "generator", "validate", "--no-cache", "--terms", str(terms), *extra]
    # setrlimit in a tiny launcher that then execs validate (same pid), not in preexec_fn:
    # tests run these from several threads, where preexec_fn is unsafe.
    launcher = (
        "import os, resource, sys; "
        f"resource.setrlimit(resource.RLIMIT_AS, ({ADDRESS_SPACE}, {ADDRESS_SPACE})); "
        "os.execv(sys.argv[1], sys.argv[1:])"
    )
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.monotonic()
        # `env` a copy taken now: with none, the child execs with the process's own environment
        # block, which a test in another thread may be changing (monkeypatch.setenv) while
        # subprocess's vfork child reads it: execve then fails with EFAULT ("Bad address").
        proc = subprocess.Popen(
            [sys.executable, "-c", launcher, *command],
            cwd=ROOT,
            stdout=out,
            stderr=err,
            stdin=subprocess.DEVNULL,
            env=dict(os.environ),
        )
        timer = threading.Timer(TIME_LIMIT * 3, proc.kill)  # a hung run fails the time assertion, not CI
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.monotonic() - started
        out.seek(0)
        err.seek(0)
        return Outcome(
            proc.returncode,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
            seconds,
            usage.ru_maxrss / 1024,
            terms,
        )


def install(case: Case, terms: Path) -> None:
    if case.make is not None:
        case.make(terms, case.name)
    else:
        shutil.copyfile(CORPUS / case.file, terms / case.name)


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Future[Outcome]]:
    """Every case's validate run, started at once on a small pool (each run is one process)."""
    base = tmp_path_factory.mktemp("hostile")
    pool = ThreadPoolExecutor(max_workers=max(2, min(4, os.cpu_count() or 2)))

    def one(case: Case) -> Outcome:
        terms = base / case.id / "terms"
        write_clean_glossary(terms)
        install(case, terms)
        return run_validate(terms)

    futures = {case.id: pool.submit(one, case) for case in CASES}
    yield futures
    pool.shutdown(wait=True, cancel_futures=True)


def node_available() -> bool:
    return katex.node_binary() is not None and katex.KATEX_JS.is_file()


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_hostile_entry_gets_a_clear_error(case: Case, outcomes: dict[str, Future[Outcome]]) -> None:
    if case.needs_node and not node_available():
        pytest.skip("node is not installed (apt-get install nodejs); the LaTeX check needs it")
    result = outcomes[case.id].result()
    output = result.stdout + result.stderr
    assert "Traceback" not in output and "internal error" not in output, output
    assert result.returncode == 1, output
    assert result.stderr == "", result.stderr
    assert result.seconds < TIME_LIMIT, f"took {result.seconds:.1f} s"
    if case.bomb:
        assert result.max_rss_mb < BOMB_RSS_MB, f"peak memory {result.max_rss_mb:.0f} MB"

    shown = str(result.terms / (case.shown_as or case.name))
    lines = result.stdout.splitlines()
    prefix = f"{shown}:{case.at[0]}:{case.at[1]}: {case.code} "
    found = [i for i, line in enumerate(lines) if line.startswith(prefix)]
    codes_here = [line[len(shown) :] for line in lines if line.startswith(shown + ":")]
    assert found, f"expected a line starting {prefix!r}; got:\n" + "\n".join(codes_here)
    line = lines[found[0]]
    assert case.message in line, line
    assert found[0] + 1 < len(lines) and re.match(r"^    hint: \S", lines[found[0] + 1]), "no hint line"

    errors = {
        m.group(1)
        for text in lines
        if text.startswith(shown + ":")
        for m in [re.match(r".*?:\d+:\d+: ([A-Z_]+) (?!warning:)", text)]
        if m
    }
    assert errors == {case.code, *case.also}, f"unexpected errors for this file: {errors}"
    others = [
        text
        for text in lines
        if re.match(r"^/.*:\d+:\d+: [A-Z_]+ (?!warning:)", text) and not text.startswith(shown + ":")
    ]
    assert not others, f"errors leaked into other files: {others}"


def test_corpus_and_index_agree() -> None:
    """Every corpus file has a case and a `# hostile:` note saying what it tries; no stray files."""
    files = {path.name for path in CORPUS.iterdir()}
    indexed = {case.file for case in CASES if case.make is None}
    assert files == indexed
    for name in files:
        data = (CORPUS / name).read_bytes()
        if data and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            assert data.startswith(b"# hostile: "), name


def test_docs_table_names_every_code() -> None:
    """site_src/reference/hostile-input.md tells authors what each kind of hostile input gets."""
    text = DOCS_TABLE.read_text(encoding="utf-8")
    for code in {case.code for case in CASES} | {c for case in CASES for c in case.also}:
        assert f"`{code}`" in text, f"{code} is missing from {DOCS_TABLE.name}"


# -- the whole corpus at once -------------------------------------------------------------------


def test_every_hostile_file_at_once_is_reported_in_one_run(tmp_path: Path) -> None:
    """One validate over all of it: every file still gets its own code, nothing crashes."""
    terms = tmp_path / "terms"
    write_clean_glossary(terms)
    for case in CASES:
        if case.make is None and case.install_as is None:
            install(case, terms)
    result = run_validate(terms, "--format", "json")
    assert result.returncode == 1, result.stderr
    assert result.stderr == ""
    assert result.seconds < TIME_LIMIT * 2
    report = json.loads(result.stdout)
    by_file: dict[str, set[str]] = {}
    for problem in report["problems"]:
        by_file.setdefault(Path(problem["path"]).name, set()).add(problem["code"])
        assert problem["hint"], problem
    for case in CASES:
        if case.make is None and case.install_as is None:
            if case.needs_node and not node_available():
                continue
            assert case.code in by_file.get(case.name, set()), (case.file, by_file.get(case.name))


@pytest.mark.parametrize("style", ["text", "json", "github"])
def test_every_output_format_survives_hostile_text(tmp_path: Path, style: str) -> None:
    """Newlines, `%`, `::` and control characters in messages never break an output format."""
    terms = tmp_path / "terms"
    write_clean_glossary(terms)
    for name in ("nul-byte.yaml", "non-utf8.yaml", "latex-href.yaml", "traversal-link.yaml"):
        shutil.copyfile(CORPUS / name, terms / name)
    (terms / "percent.yaml").write_text(entry_yaml("Percent %0A::error file=x::boom", extra="colour: '%0A'"))
    result = run_validate(terms, "--format", style)
    assert result.returncode == 1 and result.stderr == "", result.stderr
    if style == "json":
        assert json.loads(result.stdout)["errors"] >= 5
    if style == "github":
        for line in result.stdout.splitlines()[:-1]:
            assert re.match(r"^::(error|warning) file=[^,\n]*,line=\d+,col=\d+,title=[A-Z_]+::", line), line


def test_without_node_latex_is_skipped_with_one_warning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No Node.js: the KaTeX check degrades to one warning; everything else is still checked."""
    terms = tmp_path / "terms"
    write_clean_glossary(terms)
    for name in ("latex-unknown-command.yaml", "latex-macro-bomb.yaml", "latex-unbalanced.yaml"):
        shutil.copyfile(CORPUS / name, terms / name)
    monkeypatch.setenv(katex.NODE_ENV, "")  # what `glossary validate` sees on a machine without node
    result = run_validate(terms)
    assert result.stdout.count("LATEX_UNCHECKED warning: LaTeX was not checked with KaTeX") == 1, result.stdout
    assert "Node.js (`node`) is not installed" in result.stdout
    assert "LaTeX braces { } do not balance" in result.stdout  # the cheap check still runs
    assert "Undefined control sequence" not in result.stdout
    assert result.returncode == 1


# -- safe output, without a browser (tests/browser/test_hostile_site.py drives chromium) -------


@pytest.mark.parametrize(
    "html, kept",
    [
        ('<h1 id="t" onclick="alert(&#39;x&#39;)">T</h1>', '<h1 id="t">T</h1>'),  # `# Title {: onclick=... }`
        ("<em onmouseover=alert(1)>x</em>", "<em>x</em>"),  # `*x*{: onmouseover=alert(1) }`
        ('<img src="a.png" ONERROR = "alert(1)" />', '<img src="a.png">'),
        (
            '<a href="https://example.org" title="a>b onclick=x" onclick="alert(1)">l</a>',
            '<a href="https://example.org" title="a&gt;b onclick=x">l</a>',
        ),
        ('<a href="JaVaScRiPt:alert(1)">l</a>', "<a>l</a>"),
        ('<a href="&#106;avascript:alert(1)">l</a>', "<a>l</a>"),
        ("<a href=javascript:alert(1)>l</a>", "<a>l</a>"),  # unquoted
        ('<p>text onclick="x" stays text</p>', '<p>text onclick="x" stays text</p>'),
        ("<code>&lt;b onclick=x&gt;</code>", "<code>&lt;b onclick=x&gt;</code>"),
        ('<a href="x"onclick="alert(1)">l</a>', '<a href="x">l</a>'),  # browsers need no space after a quote
        ("<a/onclick=alert(1)>l</a>", "<a>l</a>"),  # nor before a name, after a slash
        ("<p>a<script>alert(1)</script>b</p>", "<p>ab</p>"),
        ('<img src="x" srcset="https://evil.test/a.png 2x">', '<img src="x">'),
        ('<img src="//evil.test/p.png">', "<img>"),  # images only from the site
        ('<img src="https://evil.test/p.png">', "<img>"),
        ('<p style="background:url(//evil.test/x.png);position:fixed;inset:0">x</p>', "<p>x</p>"),
        ('<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>', ""),
        ('<meta http-equiv="refresh" content="0;url=//evil.test">', ""),
        ('<base href="//evil.test/">', ""),
        ('<form action="//evil.test"><input name="q"></form>', '<input name="q">'),
        ("<style>*{background:url(//evil.test)}</style>", ""),
        ('<svg onload="alert(1)"><title>t</title></svg>', "<svg><title>t</title></svg>"),
        ('<a href="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;">l</a>', "<a>l</a>"),
    ],
)
def test_the_output_allowlist_keeps_no_script_handler_or_offsite_load(html: str, kept: str) -> None:
    from generator.emit.allowlist import clean

    assert clean(html) == kept


def test_the_allowlist_leaves_attribute_values_and_text_as_written() -> None:
    """An entry called "Return on Equity" keeps its name in the page's labels and tooltips:
    only attributes *named* on... are event handlers, not words in a value."""
    from generator.emit.allowlist import clean

    html = (
        '<div role="img" aria-label="Graph of Return on Equity and the entries linked to it">'
        '<abbr title="Return on Equity">RoE</abbr> based on = this</div>'
    )
    assert clean(html) == html
    assert clean(html.replace("<abbr ", "<abbr onclick=alert(1) ")) == html


def test_validate_without_cache_finds_what_a_full_load_finds(tmp_path: Path) -> None:
    """`validate --no-cache` keeps only outlines of the entries; every problem, and where it
    points, must be the same as when the whole glossary is loaded."""
    from generator import pipeline

    terms = tmp_path / "terms"
    write_clean_glossary(terms)
    for case in CASES:
        if case.make is None and case.install_as is None:
            install(case, terms)
    margin = terms / "margin.yaml"  # a body link to a missing entry, found again in the file
    margin.write_text(margin.read_text().replace("body: |\n", "body: |\n  See [[no-such-entry]] too.\n", 1))
    count, problems = pipeline.validate(terms, use_cache=False)
    full = pipeline.load_all(terms, use_cache=False).glossary
    assert count == len(full.entries)
    assert problems == full.problems
    assert any(
        p.code == "DANGLING_LINK" and "no-such-entry" in p.message and p.path.endswith("margin.yaml") for p in problems
    )
