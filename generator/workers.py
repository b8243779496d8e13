"""Forked worker processes: when they may be used, how many, and a map over them.

Validation, rendering and page conversion of a large glossary split per-entry work over
forked workers, which inherit what the parent already built: nothing is re-imported and
nothing is pickled going in, only the results come back.
"""

from __future__ import annotations

import ctypes
import functools
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

CPU_WORKERS = min(4, os.cpu_count() or 1)  # more buys little and costs memory

T = TypeVar("T")
R = TypeVar("R")

_TASK: Callable[[Any], Any] | None = None  # what forked workers inherit and call


def can_fork() -> bool:
    """A POSIX system, and no other threads running in this process: `glossary serve`
    has some, and a fork taken while one of them holds a lock can hang the child."""
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def yield_cores() -> None:
    """Lower this process's priority (`nice 10`): for work wanted only later (the exports), so
    that it takes what the build's other processes leave of the cores instead of slowing them."""
    if hasattr(os, "nice"):
        os.nice(10)


def give_back_free_memory() -> None:
    """Hand the memory this process has freed back to the system. glibc keeps it for reuse
    otherwise, so a process's resident size only grows, and a forked worker's starts at its
    parent's: a theme worker at 10,000 entries held some 60 MB more that way, none of it in use."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    try:
        return ctypes.CDLL(None).malloc_trim
    except (AttributeError, OSError):  # not glibc: nothing to do
        return None


def worth_forking(items: int, threshold: int) -> bool:
    """Enough items to pay for starting workers, two cores or more, and forking is safe."""
    return items >= threshold and CPU_WORKERS >= 2 and can_fork()


def forked_map(task: Callable[[T], R], items: Iterable[T]) -> ForkedResults[R]:
    """`task(item)` for each item in forked workers, results in order.

    The workers fork now, and start at once: the caller may go on with other work before
    it asks for the results. They inherit `task` and everything it refers to, so `task` may
    be a closure over large shared data; only `items` (keep them small: indexes, slugs)
    and results travel. The workers stop when the last result is read, or on `close`.
    """
    global _TASK
    _TASK = task
    pool = ProcessPoolExecutor(CPU_WORKERS, mp_context=multiprocessing.get_context("fork"))
    try:
        return ForkedResults(pool, pool.map(_call_task, items))  # submits every item: forks here
    except BaseException:
        pool.shutdown(cancel_futures=True)
        raise
    finally:
        _TASK = None  # the workers have it


class ForkedResults(Iterator[R]):
    """The results of `forked_map`, in order."""

    def __init__(self, pool: ProcessPoolExecutor, results: Iterator[R]) -> None:
        self._pool = pool
        self._results = results

    def __next__(self) -> R:
        try:
            return next(self._results)
        except BaseException:  # the last one read, or a worker's error: either way, done
            self.close()
            raise

    def close(self) -> None:
        """Stop the workers: results not yet started are cancelled, those running are awaited."""
        self._pool.shutdown(cancel_futures=True)


def _call_task(item: Any) -> Any:
    assert _TASK is not None, "only for forked workers"
    return _TASK(item)
