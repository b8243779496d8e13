"""Processes the glossary starts die with it (generator/emit/mkdocs/lifeline.py): a child
started with `child_env` that arms itself is killed the moment its parent is, and a child
that did not arm itself outlives it (the check can fail)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PARENT = """
import subprocess, sys, time
from generator.emit.mkdocs import lifeline
child = subprocess.Popen([sys.executable, "-c", sys.argv[1]], env=lifeline.child_env())
print(child.pid, flush=True)
time.sleep(120)
"""

ARMED = """
import os, sys, time
from generator.emit.mkdocs import lifeline
lifeline.die_with_parent_if_asked()
assert lifeline.PARENT_ENV not in os.environ  # its own children are not asked to die with their grandparent
time.sleep(120)
"""

UNARMED = "import time; time.sleep(120)"


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def _child_after_parent_killed(child_code: str) -> tuple[int, bool]:
    parent = subprocess.Popen([sys.executable, "-c", PARENT, child_code], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    time.sleep(1.0)  # the child has started and armed itself (or not)
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 3
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    alive = _alive(child)
    if alive:
        os.kill(child, signal.SIGKILL)
    return child, alive


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_a_child_that_armed_itself_dies_with_its_parent() -> None:
    _, alive = _child_after_parent_killed(ARMED)
    assert not alive, "the child outlived its killed parent"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_a_child_that_did_not_arm_itself_outlives_its_parent() -> None:
    _, alive = _child_after_parent_killed(UNARMED)
    assert alive
