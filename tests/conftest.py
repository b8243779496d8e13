"""Shared helpers: write small, valid glossaries into a temporary folder.

Tests that need a broken entry start from a valid one and change one thing, so each
test shows exactly which input produces which message.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_fresh(code: str, *args: str) -> str:
    """Run `code` in a new Python process and return what it printed.

    Worker processes are forked only when no other thread runs, and a test session may
    have some (the browser tests' web server): code that must take the forking path runs
    here, as the command line would run it.
    """
    proc = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *args], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


FILLER = (
    "Leverage lets a trader hold a position larger than the capital posted, so gains and losses "
    "grow in proportion. The venue watches the margin left in the account and closes the position "
    "when that margin no longer covers the maintenance requirement. "
)


IN_BRIEF = (
    "A fixture term used in tests. It says what the idea is, in plain words, and when it matters to a trader "
    "who holds a leveraged position and watches the margin left in the account."
)


def body_text(words: int) -> str:
    base = FILLER.split()
    out = [base[i % len(base)] for i in range(words)]
    return " ".join(out) + "."


def entry_yaml(
    title: str,
    *,
    kind: str = "definition",
    areas: str = "[test-area]",
    relations: str = "",
    extra: str = "",
    body: str | None = None,
    summary: str = "A short precise definition used in tests.",
    in_brief: str | None = None,
) -> str:
    """A valid entry whose first lines have a fixed layout (title on line 1, kind on 2, summary on 3).

    A term gets an `in_brief` (required for terms) as its last line, after the body, so
    that every other line keeps its number; `in_brief=""` leaves it out."""
    if body is None:
        if kind == "term":
            body = "## How it works\n\n" + body_text(170) + "\n\n## Risks\n\n" + body_text(170)
        else:
            body = body_text(90)
    indented = "\n".join("  " + line if line else "" for line in body.splitlines())
    lines = [
        f"title: {title}",
        f"kind: {kind}",
        f"summary: {summary}",
    ]
    if kind != "area":
        lines.append(f"areas: {areas}")
    else:
        lines += [
            "faq:",
            "  - {facet: Capital, question: How much capital?, answer: Enough to cover losses.}",
            "  - {facet: Calculation, question: How is it computed?, answer: As a ratio.}",
            "  - {facet: Consequence, question: What follows?, answer: Liquidation.}",
        ]
    if relations:
        lines.append(relations)
    if extra:
        lines.append(extra)
    lines += [
        "sources:",
        "  - {id: src, title: A Source, publisher: Example Press, url: 'https://example.org/a', accessed: 2026-11-01, type: primary}",
        "published: 2026-03-14",
        "modified: 2026-11-20",
        "body: |",
        indented,
    ]
    if in_brief is None and kind == "term":
        in_brief = IN_BRIEF
    if in_brief:
        lines.append(f"in_brief: {in_brief}")
    return "\n".join(lines) + "\n"


def write_clean_glossary(terms: Path) -> Path:
    """Create `terms` with one area and three linked entries; it validates with no problems."""
    terms.mkdir(parents=True)
    (terms / "test-area.yaml").write_text(entry_yaml("Test Area", kind="area", relations="relations: {related: []}"))
    (terms / "margin-call.yaml").write_text(
        entry_yaml(
            "Margin Call",
            relations="relations: {related: [liquidation], broader: [margin]}",
            extra="aliases: [call]\nabbreviations: [MC]",
        )
    )
    (terms / "liquidation.yaml").write_text(
        entry_yaml("Liquidation", kind="term", relations="relations: {related: [margin-call]}")
    )
    (terms / "margin.yaml").write_text(entry_yaml("Margin", relations="relations: {related: [liquidation]}"))
    return terms


@pytest.fixture
def glossary_dir(tmp_path: Path) -> Path:
    """A clean glossary of one area and three linked entries; validates with no problems."""
    return write_clean_glossary(tmp_path / "terms")
