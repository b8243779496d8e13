"""Child processes die with the process that started them.

`glossary build` runs MkDocs as a child process, and MkDocs forks workers of its own. If
the `glossary` process is killed (SIGKILL from a CI timeout, the OOM killer, a closed
terminal), nothing would stop MkDocs: it would go on building into a staging folder no
one will swap in, holding CPU and memory, possibly for minutes. Linux can tie a child's
life to its parent's: `prctl(PR_SET_PDEATHSIG, SIGKILL)` in the child makes the kernel
kill it the moment the thread that started it dies. `build_site` arms it in MkDocs
(`die_with_parent`, a subprocess preexec function) and the plugin arms it in every process
MkDocs forks (`forks_die_with_parent`), so the whole tree goes at once. Elsewhere this
does nothing (and the old behaviour, children finishing on their own, remains).
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from collections.abc import Callable
from typing import Any

PR_SET_PDEATHSIG = 1
_armed_forks = False


def _prctl() -> Any | None:
    """libc's prctl, looked up in the parent: a child between fork and exec should not load libraries."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


def die_with_parent() -> Callable[[], None] | None:
    """A `preexec_fn` that makes the child die when this process dies; None where unsupported."""
    prctl = _prctl()
    if prctl is None:
        return None
    parent = os.getpid()

    def arm() -> None:
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before the signal was armed
            os._exit(1)

    return arm


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

    def arm() -> None:
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent[0]:
            os._exit(1)

    os.register_at_fork(before=remember, after_in_child=arm)
