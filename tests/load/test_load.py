"""The strict loader: what an author sees for each kind of unreadable file."""

from __future__ import annotations

import time
import tracemalloc

import pytest

from generator.load.document import MAX_FILE_BYTES, load_bytes
from generator.model import Mark


def only_problem(data: bytes):
    document, problems = load_bytes(data, "terms/x.yaml")
    assert len(problems) == 1, [p.format() for p in problems]
    return document, problems[0]


def test_plain_document_keeps_positions_and_raw_numbers() -> None:
    document, problems = load_bytes(b"title: Margin\nexamples:\n  - expect: {price: 45226.10}\n", "t.yaml")
    assert problems == []
    assert document.data == {"title": "Margin", "examples": [{"expect": {"price": 45226.1}}]}
    assert document.marks[("title",)] == Mark(1, 8)
    assert document.key_marks[("examples",)] == Mark(2, 1)
    assert document.raw[("examples", 0, "expect", "price")] == "45226.10"


def test_dates_stay_text_so_the_checker_can_explain_them() -> None:
    document, _ = load_bytes(b"published: 2026-03-14\nmodified: 2026-03-14T08:05:20+00:00\n", "t.yaml")
    assert document.data == {"published": "2026-03-14", "modified": "2026-03-14T08:05:20+00:00"}


def test_duplicate_key_names_both_lines() -> None:
    _, problem = only_problem(b"title: A\nsummary: x\ntitle: B\n")
    assert problem.code == "DUPLICATE_KEY"
    assert problem.mark == Mark(3, 1)
    assert "duplicate key 'title' (first at line 1)" in problem.message


def test_duplicate_keys_are_all_reported_in_one_run() -> None:
    _, problems = load_bytes(b"a: 1\na: 2\nb: {c: 1, c: 2}\n", "t.yaml")
    assert [(p.code, p.mark.line) for p in problems] == [("DUPLICATE_KEY", 2), ("DUPLICATE_KEY", 3)]


def billion_laughs(levels: int = 12) -> bytes:
    lines = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    previous = "a"
    for level in range(1, levels):
        lines.append(f"b{level}: &b{level} [" + ", ".join([f"*{previous}"] * 9) + "]")
        previous = f"b{level}"
    return ("\n".join(lines) + "\n").encode()


def test_alias_bomb_fails_fast_with_bounded_memory() -> None:
    tracemalloc.start()
    started = time.perf_counter()
    _, problem = only_problem(billion_laughs())
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert problem.code == "ALIAS_LIMIT"
    assert problem.mark.line == 5  # the level whose expansion crosses the limit
    assert elapsed < 1.0
    assert peak < 20 * 1024 * 1024


def test_small_anchor_reuse_is_fine() -> None:
    document, problems = load_bytes(b"a: &x [1, 2]\nb: *x\n", "t.yaml")
    assert problems == []
    assert document.data == {"a": [1, 2], "b": [1, 2]}


def test_deep_nesting_fails_cleanly() -> None:
    _, problem = only_problem(b"a: " + b"[" * 10000 + b"]" * 10000 + b"\n")
    assert problem.code == "DEPTH_LIMIT"
    assert problem.mark.line == 1


@pytest.mark.parametrize(
    "data, offset",
    [(b"title: caf\xe9\n", 10), (b"a: 1\nb: \xff\xfe\n", 8)],
)
def test_non_utf8_names_the_byte_offset(data: bytes, offset: int) -> None:
    _, problem = only_problem(data)
    assert problem.code == "ENCODING"
    assert f"byte offset {offset}" in problem.message
    assert "UTF-8" in problem.hint


def test_utf16_file_is_recognised() -> None:
    _, problem = only_problem("title: x\n".encode("utf-16"))
    assert problem.code == "ENCODING" and "UTF-16" in problem.message


def test_nul_byte_gets_its_offset_and_position() -> None:
    _, problem = only_problem(b"title: A\nsummary: x\x00y\n")
    assert problem.code == "NUL_BYTE"
    assert "byte offset 19" in problem.message
    assert problem.mark == Mark(2, 11)


def test_bom_and_crlf_are_accepted() -> None:
    document, problems = load_bytes(b"\xef\xbb\xbftitle: A\r\nkind: term\r\n", "t.yaml")
    assert problems == []
    assert document.data == {"title": "A", "kind": "term"}
    assert document.marks[("kind",)] == Mark(2, 7)


def test_python_tags_are_rejected_not_constructed() -> None:
    _, problem = only_problem(b"title: !!python/object/apply:os.system ['echo hi']\n")
    assert problem.code == "YAML_TAG"
    assert "!!python/object/apply:os.system" in problem.message


def test_custom_local_tag_rejected() -> None:
    _, problem = only_problem(b"title: !secret value\n")
    assert problem.code == "YAML_TAG"


def test_syntax_error_has_position() -> None:
    _, problem = only_problem(b"title: A\nsummary: [unclosed\nkind: term\n")
    assert problem.code == "YAML_SYNTAX"
    assert problem.mark.line >= 2


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "file is empty"),
        (b"# only a comment\n", "file is empty"),
        (b"- a\n- b\n", "top level is a list"),
        (b"just text\n", "top level is a text"),
    ],
)
def test_empty_and_non_mapping_documents(data: bytes, message: str) -> None:
    _, problem = only_problem(data)
    assert problem.code == "NOT_A_MAPPING"
    assert message in problem.message


def test_two_documents_in_one_file() -> None:
    _, problem = only_problem(b"title: A\n---\ntitle: B\n")
    assert problem.code == "YAML_SYNTAX" and "more than one YAML document" in problem.message


def test_size_limit() -> None:
    _, problem = only_problem(b"body: " + b"x" * (MAX_FILE_BYTES + 1) + b"\n")
    assert problem.code == "FILE_TOO_LARGE"


def test_complex_mapping_key_is_refused() -> None:
    _, problem = only_problem(b"? [a, b]\n: value\n")
    assert problem.code == "BAD_VALUE" and "key must be plain text" in problem.message
