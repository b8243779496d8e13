"""When the pipeline may fork worker processes.

Validation and rendering of a large glossary split per-entry work over forked workers,
which inherit what the parent already built (no re-import, nothing pickled going in).
"""

from __future__ import annotations

import multiprocessing
import threading


def can_fork() -> bool:
    """A POSIX system, and no other threads running in this process: `glossary serve`
    has some, and a fork taken while one of them holds a lock can hang the child."""
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1
