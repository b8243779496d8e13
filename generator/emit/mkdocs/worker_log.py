"""MkDocs' log across forked workers: captured in the worker, replayed in the parent.

MkDocs' `--strict` counts the warnings logged in its own process; a warning logged in a
forked worker would be printed there and never counted, so workers hand their records back.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable


def capture_mkdocs_log() -> list[tuple[str, int, str]]:
    """In a worker: MkDocs' log records (logger name, level, message) go to the returned list
    instead of being printed, so that the parent can `replay_log` them, where `--strict`
    counts the warnings."""
    captured: list[tuple[str, int, str]] = []

    class _Capture(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            captured.append((record.name, record.levelno, record.getMessage()))

    root = logging.getLogger("mkdocs")
    root.handlers = [_Capture()]  # this process only
    root.propagate = False
    return captured


def replay_log(messages: Iterable[tuple[str, int, str]]) -> None:
    """In the parent: log again what a worker captured."""
    for name, level, message in messages:
        logging.getLogger(name).log(level, "%s", message)
