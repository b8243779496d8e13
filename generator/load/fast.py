"""The fast route: libyaml's C composer builds the node tree and it is walked once.

It takes only files that cannot be hostile (bounded nesting, no aliases, no duplicate
keys, no odd tags, no second document) and steps aside (returns None) at the first
doubt, leaving the file to the careful route (`generator.load.careful`).
"""

from __future__ import annotations

from typing import Any

import yaml

from generator.load.limits import MAX_DEPTH, MAX_NODES
from generator.load.scalars import BOOL, MAX_NUMBER_CHARS, construct, resolve_plain
from generator.model import Document, Mark, NodePath
from generator.safe_text import first_control

# Every level of nesting needs one of these characters (a flow bracket, a block sequence
# dash, an explicit key or a mapping colon), so their count bounds the depth. libyaml's
# composer recurses in C; it is handed only files far below the depth that could exhaust
# the stack (about 100,000 levels), and everything deeper goes the careful route.
_NESTING_CHARS = "[{-?:"
_FAST_NESTING_BOUND = 5_000
_PLAIN_TAGS = {
    "tag:yaml.org,2002:str": "str",
    "tag:yaml.org,2002:timestamp": "str",
    "tag:yaml.org,2002:int": "int",
    "tag:yaml.org,2002:float": "float",
    "tag:yaml.org,2002:null": "null",
    "tag:yaml.org,2002:bool": "bool",
}


class _Doubt(Exception):
    """The fast route met something the careful route must judge and explain."""


class _Composer(yaml.CSafeLoader):
    """libyaml's composer with our tag resolution (`resolve_plain`), made cheap.

    The C composer calls three Python methods per node: `descend_resolver` and
    `ascend_resolver` (which serve path resolvers; the safe loader has none) and
    `resolve`. Those calls were a fifth of the composing time. This `resolve` gives
    quoted and block scalars the text tag, plain ones the tag `resolve_plain` gives them
    (as the careful route does), collections the default tags.
    """

    assert not yaml.CSafeLoader.yaml_path_resolvers  # what the shortcut relies on

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass

    def resolve(self, kind: type, value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode:
            return resolve_plain(value) if implicit[0] else self.DEFAULT_SCALAR_TAG
        return self.DEFAULT_SEQUENCE_TAG if kind is yaml.SequenceNode else self.DEFAULT_MAPPING_TAG


def compose_fast(text: str, shown: str) -> Document | None:
    """The document through libyaml's composer, or None whenever the careful route is needed."""
    if sum(text.count(ch) for ch in _NESTING_CHARS) > _FAST_NESTING_BOUND:
        return None
    try:
        root = yaml.compose(text, Loader=_Composer)
    except yaml.YAMLError:
        return None  # syntax errors and second documents: the careful route says where and why
    if not isinstance(root, yaml.MappingNode):
        return None
    try:
        # an alias needs an anchor, and an anchor needs '&': without one, no node repeats
        data, marks, key_marks, raw = _walk(root, watch_aliases="&" in text)
    except (_Doubt, ValueError, KeyError, OverflowError, TypeError):
        return None
    return Document(shown, data, marks, key_marks, raw, text)


def _walk(root: yaml.MappingNode, *, watch_aliases: bool) -> tuple[Any, dict, dict, dict]:
    """One pass over a composed node tree: data, marks, key marks, raw numbers.

    Raises _Doubt instead of deciding anything hard. Written as closures over locals: it
    runs for every node of every file, and attribute lookups would be most of its cost.
    """
    marks: dict[NodePath, Mark] = {}
    key_marks: dict[NodePath, Mark] = {}
    raw: dict[NodePath, str] = {}
    seen: set[int] = set()  # node ids, when aliases are possible: a node met twice came through one
    remaining = MAX_NODES
    scalar_node, mapping_node, plain_tags = yaml.ScalarNode, yaml.MappingNode, _PLAIN_TAGS
    new_mark = tuple.__new__  # Mark(line, column) without the named tuple's Python-level __new__

    def visit(node: yaml.Node) -> None:
        if id(node) in seen:
            raise _Doubt
        seen.add(id(node))

    def scalar(node: yaml.ScalarNode, path: NodePath) -> Any:
        kind = plain_tags.get(node.tag)
        if kind == "str":
            return text(node.value)  # dates stay text: the checker parses and explains them
        if kind == "null":
            return None
        if kind == "bool":
            return construct(BOOL, node.value)
        if kind is None or len(node.value) > MAX_NUMBER_CHARS:
            raise _Doubt
        raw[path] = node.value
        return construct(node.tag, node.value)

    def text(value: str) -> str:
        if not value.isprintable() and first_control(value) is not None:
            raise _Doubt  # the careful route says where
        return value

    def walk(node: yaml.Node, path: NodePath, depth: int) -> Any:
        nonlocal remaining
        remaining -= 1
        if remaining < 0:
            raise _Doubt
        if watch_aliases:
            visit(node)
        start = node.start_mark
        marks[path] = new_mark(Mark, (start.line + 1, start.column + 1))
        kind = type(node)
        if kind is scalar_node:
            tag = node.tag
            return text(node.value) if tag == "tag:yaml.org,2002:str" else scalar(node, path)
        if depth >= MAX_DEPTH:
            raise _Doubt
        if kind is mapping_node:
            if node.tag != "tag:yaml.org,2002:map":
                raise _Doubt
            mapping: dict[str, Any] = {}
            remaining -= len(node.value)  # the keys
            for key_node, value_node in node.value:
                if type(key_node) is not scalar_node:
                    raise _Doubt
                if watch_aliases:
                    visit(key_node)
                key = text(key_node.value)
                if key in mapping or key_node.tag not in plain_tags:
                    raise _Doubt
                key_path = (*path, key)
                start = key_node.start_mark
                key_marks[key_path] = new_mark(Mark, (start.line + 1, start.column + 1))
                mapping[key] = walk(value_node, key_path, depth + 1)
            return mapping
        if node.tag != "tag:yaml.org,2002:seq":
            raise _Doubt
        return [walk(item, (*path, index), depth + 1) for index, item in enumerate(node.value)]

    return walk(root, (), 0), marks, key_marks, raw
