"""Child processes die with the process that started them.

`glossary build` runs MkDocs as a child process, and MkDocs forks workers of its own. If
the `glossary` process is killed (SIGKILL from a CI timeout, the OOM killer, a closed
terminal), nothing would stop MkDocs: it would go on building into a staging folder no
one will swap in, holding CPU and memory, possibly for minutes. Linux can tie a child's
life to its parent's: `prctl(PR_SET_PDEATHSIG, SIGKILL)` in the child makes the kernel
kill it the moment the thread that started it dies.

The child arms it itself, first thing (`die_with_parent_if_asked`), when the parent asked
for it in its environment (`child_env`): not in a `preexec_fn`, because Python code run
between fork and exec can deadlock the child when the parent has threads (`glossary
serve` starts its exports process from the server's build thread), and the parent would
wait for that exec for ever. The plugin arms it in every process MkDocs forks
(`forks_die_with_parent`), so the whole tree goes at once. Elsewhere this does nothing
(and the old behaviour, children finishing on their own, remains).
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from collections.abc import Mapping
from typing import Any

PR_SET_PDEATHSIG = 1
PARENT_ENV = "GLOSSARY_DIE_WITH"  # the pid of the process a child is to die with
_armed_forks = False


def _prctl() -> Any | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


def child_env(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """`env` (default: this process's) asking a child to die with this process."""
    return {**(os.environ if env is None else env), PARENT_ENV: str(os.getpid())}


def die_with_parent_if_asked() -> None:
    """In a child started with `child_env`: die when the parent dies, or now if it already has.

    The request is taken out of the environment, so this process's own children do not
    read their grandparent's pid as their parent's."""
    asked = os.environ.pop(PARENT_ENV, "")
    prctl = _prctl()
    if not asked.isdigit() or prctl is None:
        return
    _arm(prctl, int(asked))


def forks_die_with_parent() -> None:
    """From now on, every process forked from this one dies when this one dies (once per process)."""
    global _armed_forks
    prctl = _prctl()
    if prctl is None or _armed_forks:
        return
    _armed_forks = True
    parent = [0]

    def remember() -> None:
        parent[0] = os.getpid()

    os.register_at_fork(before=remember, after_in_child=lambda: _arm(prctl, parent[0]))


def _arm(prctl: Any, parent: int) -> None:
    """In a child: die when `parent` dies, or now if it already has (before this was armed)."""
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)
