"""`glossary validate`: every problem in the knowledge base, in one run."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from generator.cli.terms_option import add_terms_option, require_terms_dir
from generator.model import Problem, Severity


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_terms_option(parser)
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="check everything from scratch, ignoring the parse, verdict and LaTeX caches",
    )
    parser.add_argument(
        "--format",
        choices=("text", "json", "github"),
        default="text",
        help="text for people, json for tools, github for CI annotations",
    )


def run(args: argparse.Namespace) -> int:
    from generator.pipeline import validate

    terms: Path = require_terms_dir(args.terms)
    entries, problems = validate(terms, use_cache=not args.no_cache)
    problems = with_stale_claims(terms, problems, date.today())
    print(render(entries, problems, args.format))
    return 1 if any(p.severity is Severity.ERROR for p in problems) else 0


def with_stale_claims(terms: Path, problems: Sequence[Problem], today: date) -> tuple[Problem, ...]:
    """The problems plus a STALE_VENUE_CLAIM warning per venue claim too old on `today`.

    Worked out at every run, never cached: the files do not change when a claim grows old.
    """
    from generator.check import venue_claims

    stale = venue_claims.stale_warnings(venue_claims.collect(terms), today)
    if not stale:
        return tuple(problems)
    return tuple(
        sorted(
            (*problems, *stale),
            key=lambda p: (p.path, p.mark.line, p.mark.column, p.severity is Severity.WARNING, p.code),
        )
    )


def render(entries: int, problems: Sequence[Problem], style: str) -> str:
    errors = sum(1 for p in problems if p.severity is Severity.ERROR)
    warnings = len(problems) - errors
    if style == "json":
        return json.dumps(
            {
                "ok": errors == 0,
                "entries": entries,
                "errors": errors,
                "warnings": warnings,
                "problems": [_as_dict(p) for p in problems],
            },
            indent=2,
            ensure_ascii=False,
        )
    lines = [_github(p) for p in problems] if style == "github" else [p.format() for p in problems]
    lines.append(_summary(entries, errors, warnings))
    return "\n".join(lines)


def _summary(entries: int, errors: int, warnings: int) -> str:
    if not errors and not warnings:
        return f"{entries} entries checked: no problems."
    return f"{entries} entries checked: {errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}."


def _as_dict(problem: Problem) -> dict[str, object]:
    return {
        "path": problem.path,
        "line": problem.mark.line,
        "column": problem.mark.column,
        "code": problem.code,
        "severity": problem.severity.value,
        "message": problem.message,
        "hint": problem.hint,
    }


def _github(problem: Problem) -> str:
    """GitHub Actions workflow command; `%`, CR and LF must be escaped in the message."""
    level = "error" if problem.severity is Severity.ERROR else "warning"
    message = f"{problem.message} (hint: {problem.hint})" if problem.hint else problem.message
    message = message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    path = problem.path.replace(",", "%2C").replace(":", "%3A")
    return f"::{level} file={path},line={problem.mark.line},col={problem.mark.column},title={problem.code}::{message}"
