"""While serving, a rebuild that fails never leaves the server holding pages back: MkDocs'
dev server serves no page until a build succeeds, so the builder `glossary serve` gives it
(serve_status.guard) reports a failure instead of raising it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from mkdocs.exceptions import Abort

from generator.emit.mkdocs import serve_status


def _report(site: Path) -> str:
    return str(json.loads((site / serve_status.STATUS_FILE).read_text(encoding="utf-8"))["message"])


def _builds(site: Path) -> list[list[object]]:
    return list(json.loads((site / serve_status.CHANGES_FILE).read_text(encoding="utf-8"))["builds"])


def test_entries_with_errors_are_reported_and_every_page_reloads(tmp_path: Path) -> None:
    def broken() -> None:
        raise Abort("terms/margin.yaml:3:1: 'kind' is required")

    serve_status.guard(broken, tmp_path)()  # returns: the server goes on serving
    assert "margin.yaml:3:1" in _report(tmp_path)
    assert _builds(tmp_path)[-1][1] is None


def test_a_bug_in_the_rebuild_is_reported_as_one_and_the_server_goes_on(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    def failing() -> None:
        raise KeyError("no-such-page")

    serve_status.guard(failing, tmp_path)()
    report = _report(tmp_path)
    assert "internal error" in report and "no-such-page" in report
    assert "no-such-page" in caplog.text  # the terminal has the traceback
    assert _builds(tmp_path)[-1][1] is None  # every open page reloads and shows the report


def test_a_good_build_logs_the_pages_it_changed(tmp_path: Path) -> None:
    serve_status.guard(lambda: None, tmp_path, lambda: ["/definition/margin/"])()
    assert _builds(tmp_path)[-1][1] == ["/definition/margin/"]
    assert not (tmp_path / serve_status.STATUS_FILE).exists()
