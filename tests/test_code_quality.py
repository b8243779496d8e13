"""The code stays lint-clean, formatted and type-checked: ruff and mypy, configured in
pyproject.toml, find nothing. A finding fails the test command with the tool's own report."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CODE = ["generator", "tests", "bench"]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_ruff_finds_nothing() -> None:
    result = _run("ruff", "check", "--no-cache", *CODE)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_code_is_formatted_as_ruff_formats_it() -> None:
    result = _run("ruff", "format", "--check", "--no-cache", *CODE)
    assert result.returncode == 0, "run `.venv/bin/ruff format generator tests bench`:\n" + result.stdout


def test_mypy_finds_nothing() -> None:
    result = _run("mypy", "--no-incremental")  # files and settings: [tool.mypy] in pyproject.toml
    assert result.returncode == 0, result.stdout + result.stderr
