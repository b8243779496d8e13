"""Word-level differences between an old revision's text and the current entry's.

Pure text in, runs out: `word_diff` compares two texts word by word (words, punctuation
and whitespace are the tokens), `paragraph_diff` first pairs paragraphs, so unchanged ones
can be left out of a page, then compares the changed ones word by word. `runs_html` writes
runs as HTML: every piece of text escaped, deletions in `<del>`, insertions in `<ins>`
(no attributes), nothing else.

Bounded: a comparison of more than `MAX_CELLS` token pairs (old tokens times new ones) is
not made word by word; the old text is shown deleted and the new one inserted, whole.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from markupsafe import Markup, escape

from generator.model import Entry, Formula

EQUAL, DELETE, INSERT = "equal", "delete", "insert"
MAX_CELLS = 2_000_000
_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")
_PARAGRAPHS = re.compile(r"\n[ \t]*\n\s*")


@dataclass(frozen=True, slots=True)
class Run:
    """A stretch of text the old and new versions share (`equal`), or that only one has."""

    op: str
    text: str


@dataclass(frozen=True, slots=True)
class Block:
    """Paragraphs of a longer text: `unchanged` of them left out, else the changed `runs`."""

    unchanged: int = 0
    runs: tuple[Run, ...] = ()


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _keys(found: list[str]) -> list[str]:
    """Tokens as compared: a line reflowed is no change (any whitespace is one space), a
    paragraph break still is."""
    return [("\n\n" if t.count("\n") > 1 else " ") if t.isspace() else t for t in found]


def changed(runs: Iterable[Run]) -> bool:
    return any(run.op != EQUAL for run in runs)


def word_diff(old: str, new: str) -> tuple[Run, ...]:
    """The runs that turn `old` into `new`, word by word; in each changed stretch the
    deleted text comes before the inserted text."""
    a, b = tokens(old), tokens(new)
    keys_a, keys_b = _keys(a), _keys(b)
    if keys_a == keys_b:
        return (Run(EQUAL, new),) if new else ()
    if len(a) * len(b) > MAX_CELLS:
        return _tidy([Run(DELETE, old), Run(INSERT, new)])
    runs: list[Run] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, keys_a, keys_b, autojunk=False).get_opcodes():
        if op == EQUAL:
            runs.append(Run(EQUAL, "".join(b[j1:j2])))
            continue
        if i2 > i1:
            runs.append(Run(DELETE, "".join(a[i1:i2])))
        if j2 > j1:
            runs.append(Run(INSERT, "".join(b[j1:j2])))
    return _tidy(runs)


def _tidy(runs: Sequence[Run]) -> tuple[Run, ...]:
    """Readable runs: whitespace alone between two changes joins them ("<del>the cat</del>
    <ins>a dog</ins>", not word by word), and each changed stretch is one deletion followed
    by one insertion."""
    runs = [r for r in runs if r.text]
    joined: list[Run] = []
    for i, run in enumerate(runs):
        between_changes = 0 < i < len(runs) - 1 and runs[i - 1].op != EQUAL and runs[i + 1].op != EQUAL
        if run.op == EQUAL and between_changes and not run.text.strip():
            joined += [Run(DELETE, run.text), Run(INSERT, run.text)]
        else:
            joined.append(run)
    out: list[Run] = []
    deleted: list[str] = []
    inserted: list[str] = []

    def flush() -> None:
        if deleted:
            out.append(Run(DELETE, "".join(deleted)))
        if inserted:
            out.append(Run(INSERT, "".join(inserted)))
        deleted.clear()
        inserted.clear()

    for run in joined:
        if run.op == DELETE:
            deleted.append(run.text)
        elif run.op == INSERT:
            inserted.append(run.text)
        else:
            flush()
            if out and out[-1].op == EQUAL:
                out[-1] = Run(EQUAL, out[-1].text + run.text)
            else:
                out.append(run)
    flush()
    return tuple(out)


def paragraphs(text: str) -> list[str]:
    return [p for p in _PARAGRAPHS.split(text.strip()) if p]


def paragraph_diff(old: str, new: str) -> tuple[Block, ...]:
    """Paragraph by paragraph: runs of unchanged paragraphs counted, changed ones compared
    word by word (paragraph breaks inside a changed stretch are kept as blank lines)."""
    a, b = paragraphs(old), paragraphs(new)
    blocks: list[Block] = []
    keys_a, keys_b = [" ".join(p.split()) for p in a], [" ".join(p.split()) for p in b]
    for op, i1, i2, j1, j2 in SequenceMatcher(None, keys_a, keys_b, autojunk=False).get_opcodes():
        if op == EQUAL:
            blocks.append(Block(unchanged=i2 - i1))
        else:
            blocks.append(Block(runs=word_diff("\n\n".join(a[i1:i2]), "\n\n".join(b[j1:j2]))))
    return tuple(blocks)


# Written as character references: newlines (so the HTML has no blank line wherever it is
# placed) and what math, Markdown attribute lists or code spans could read as syntax.
_INERT = {ord(c): f"&#{ord(c)};" for c in "\n$\\{}`"}


def runs_html(runs: Iterable[Run]) -> Markup:
    """Runs as HTML: text escaped, deletions in `<del>`, insertions in `<ins>`; newlines and
    math or Markdown syntax as character references, so nothing after reads them."""
    parts = []
    for run in runs:
        text = str(escape(run.text)).translate(_INERT)
        parts.append(f"<del>{text}</del>" if run.op == DELETE else f"<ins>{text}</ins>" if run.op == INSERT else text)
    return Markup("".join(parts))


# -- an old revision against the current entry, as a page section ------------------------------


def _part(title: str, body: str) -> str:
    return f'<h3 class="gl-diff__part">{escape(title)}</h3>\n{body}'


def _same(text: str) -> str:
    return f'<p class="gl-diff__same">{escape(text)}</p>'


def _formula_parts(old: Formula | None, new: Formula | None) -> tuple[Run, ...] | None:
    """Title, LaTeX and expression of one formula compared (None when all three are the same)."""

    def fields(f: Formula | None) -> tuple[str, str, str]:
        return (f.title, f.latex, f.expr) if f else ("", "", "")

    a, b = fields(old), fields(new)
    if a == b:
        return None
    runs: list[Run] = []
    for label, x, y in zip(("", "LaTeX: ", "Expression: "), a, b):
        if label:
            runs.append(Run(EQUAL, "\n" + label))
        runs += word_diff(x, y)
    return tuple(runs)


def changes_html(old: Entry, new: Entry, prepare: Callable[[str], str] = str) -> Markup:
    """What changed from `old` (an earlier revision) to `new` (the current entry) in the
    summary, the formulas and the body, as one HTML block: unchanged parts and paragraphs
    named, not repeated. No blank line inside, so it can sit in Markdown as raw HTML.
    `prepare` turns each side's Markdown into the text compared (the revision pages drop
    local links)."""
    parts = [
        '<p class="gl-diff__legend">Compared with the current version: <del>struck-through</del> text has '
        "since been removed, <ins>underlined</ins> text added.</p>"
    ]
    summary = word_diff(prepare(old.summary).strip(), prepare(new.summary).strip())
    parts.append(
        _part(
            "Summary", f'<p class="gl-diff__text">{runs_html(summary)}</p>' if changed(summary) else _same("Unchanged.")
        )
    )
    old_formulas = {f.id: f for f in old.formulas}
    new_formulas = {f.id: f for f in new.formulas}
    order = [*new_formulas, *(i for i in old_formulas if i not in new_formulas)]
    items, same = [], 0
    for formula_id in order:
        runs = _formula_parts(old_formulas.get(formula_id), new_formulas.get(formula_id))
        if runs is None:
            same += 1
        else:
            items.append(f'<li class="gl-diff__text">{runs_html(runs)}</li>')
    if order:
        body = f'<ul class="gl-diff__formulas">{"".join(items)}</ul>' if items else ""
        if same:
            body += _same(f"{same} formula{'s' if same != 1 else ''} unchanged." if items else "Unchanged.")
        parts.append(_part("Formulas", body))
    blocks = paragraph_diff(prepare(old.body), prepare(new.body))
    if any(block.runs for block in blocks):
        shown = []
        for block in blocks:
            if block.runs:
                shown.append(f'<div class="gl-diff__text">{runs_html(block.runs)}</div>')
            else:
                n = block.unchanged
                shown.append(f'<p class="gl-diff__skip">[{n} unchanged paragraph{"s" if n != 1 else ""}]</p>')
        parts.append(_part("Body", "\n".join(shown)))
    else:
        parts.append(_part("Body", _same("Unchanged.")))
    return Markup('<div class="gl-diff">\n' + "\n".join(parts) + "\n</div>")
