"""A checkout of another commit beside this tree, for benchmarks that compare the two."""

from __future__ import annotations

import contextlib
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@contextlib.contextmanager
def worktree(ref: str) -> Iterator[Path]:
    """A git worktree of `ref` in a new temporary folder outside this tree, removed after."""
    tree = Path(tempfile.mkdtemp(prefix="glossary-worktree-"))
    tree.rmdir()  # git makes it
    subprocess.run(["git", "worktree", "add", "--detach", str(tree), ref], cwd=ROOT, check=True, capture_output=True)
    try:
        yield tree
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, check=False, capture_output=True)
