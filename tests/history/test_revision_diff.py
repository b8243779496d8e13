"""Word-level differences on old revisions: the runs, their HTML, the change summary from a
commit's subject, and the output allowlist's <ins>/<del>."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from generator.emit import allowlist
from generator.history import diff
from generator.history.diff import DELETE, EQUAL, INSERT, Run
from generator.history.revisions import MAX_MESSAGE_CHARS, clean_message
from generator.pipeline import load_glossary


def test_a_changed_stretch_is_one_deletion_then_one_insertion() -> None:
    runs = diff.word_diff("The cat sat on the mat.", "A dog sat on the red mat!")
    assert runs == (
        Run(DELETE, "The cat"),
        Run(INSERT, "A dog"),
        Run(EQUAL, " sat on the "),
        Run(INSERT, "red "),
        Run(EQUAL, "mat"),
        Run(DELETE, "."),
        Run(INSERT, "!"),
    )


def test_reflowed_lines_are_no_change_but_a_new_paragraph_is() -> None:
    assert not diff.changed(diff.word_diff("one two\nthree", "one two three"))
    assert diff.changed(diff.word_diff("one two three", "one two\n\nthree"))
    assert diff.word_diff("", "") == ()


def test_unchanged_paragraphs_are_counted_not_repeated() -> None:
    old = "First stays.\n\nSecond was here.\n\nThird stays.\n\nFourth stays."
    new = "First stays.\n\nSecond is here.\n\nThird stays.\n\nFourth stays."
    blocks = diff.paragraph_diff(old, new)
    assert [b.unchanged for b in blocks] == [1, 0, 2]
    assert diff.runs_html(blocks[1].runs) == "Second <del>was</del><ins>is</ins> here."


def test_too_large_a_comparison_is_shown_whole(monkeypatch) -> None:
    monkeypatch.setattr(diff, "MAX_CELLS", 10)
    assert diff.word_diff("a b c d e f", "a b c d e g") == (Run(DELETE, "a b c d e f"), Run(INSERT, "a b c d e g"))


def test_runs_html_escapes_everything_and_adds_only_ins_and_del() -> None:
    runs = diff.word_diff("<script>alert(1)</script> $x$ {: #id } `code`\n", '<b onclick="x">bold</b> $y$\n')
    html = str(diff.runs_html(runs))
    assert set(re.findall(r"</?([a-z]+)", html)) == {"ins", "del"}
    assert "<script" not in html and "<b " not in html
    assert "&lt;<del>script</del><ins>b onclick=&#34;x&#34;</ins>&gt;" in html
    # math delimiters, attribute lists, code spans and newlines as character references
    for raw in ("$", "{", "`", "\\", "\n"):
        assert raw not in html


def test_changes_html_names_summary_formulas_and_body(glossary_dir: Path) -> None:
    current = load_glossary(glossary_dir, use_cache=False).entries["margin-call"]
    old = dataclasses.replace(current, summary="Old " + current.summary, body="Old body.\n\nKept.")
    html = str(diff.changes_html(old, dataclasses.replace(current, body="New body.\n\nKept.")))
    assert "<del>Old </del>" in html
    assert "<del>Old</del><ins>New</ins> body." in html and "[1 unchanged paragraph]" in html
    assert ("Formulas" in html) == bool(current.formulas)
    assert "\n\n" not in html  # no blank line: it stays one raw HTML block in Markdown
    same = str(diff.changes_html(current, current))
    assert same.count("Unchanged.") == 3 if current.formulas else 2


def test_a_commit_subject_becomes_a_clean_one_line_summary() -> None:
    assert clean_message("fix:\tthe\x00 summary\u200b  of\x1b[31m margin ") == "fix: the summary of[31m margin"
    long = clean_message("word " * 200)
    assert len(long) == MAX_MESSAGE_CHARS and long.endswith("\u2026")


def test_the_allowlist_keeps_ins_and_del_without_their_own_attributes() -> None:
    html = '<p><ins cite="https://x.test/" datetime="2026-01-01" onclick="x()">a</ins><del style="x">b</del></p>'
    assert allowlist.clean(html) == "<p><ins>a</ins><del>b</del></p>"
    assert allowlist.ELEMENTS["ins"] == frozenset() and allowlist.ELEMENTS["del"] == frozenset()
