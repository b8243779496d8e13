"""What an entry file may be, shared by both parsing routes: its size, nesting and node
count, the tags it may carry, and positions as the author counts them."""

from __future__ import annotations

from typing import Any

from generator.model import Mark

MAX_FILE_BYTES = 256 * 1024  # the longest real entry is ~20 KB; this leaves ample room
MAX_DEPTH = 32  # entries nest at most ~5 levels
MAX_NODES = 20_000  # nodes after alias expansion; a long entry has a few hundred
STANDARD_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")
)
NON_SPECIFIC = "!"  # what libyaml reports for quoted scalars with no explicit tag


def mark_of(yaml_mark: Any) -> Mark:
    return Mark(yaml_mark.line + 1, yaml_mark.column + 1)
