"""Strict YAML loading: bytes in, a `Document` (data + positions) or problems out.

PyYAML's own constructors are too trusting for a knowledge base many people edit: they
keep the last of two duplicate keys (an author's text silently lost), expand aliases
without limit ("billion laughs") and build Python objects from tags. So we build the
data ourselves, which lets us refuse abuse and remember where every node came from.

Two routes give the same result. The fast one lets libyaml's C composer build the node
tree and walks it once; it takes only files that cannot be hostile (bounded nesting, no
aliases, no duplicate keys, no odd tags, no second document) and steps aside at the first
doubt. The careful one walks libyaml's events one by one, enforcing every limit as it
goes, and explains each problem; it handles everything the fast route leaves.

Plain scalars are read by YAML 1.2's rules, narrowed (generator/load/scalars.py), on both
routes: `1:30`, `010`, `0x10`, `yes` and `on` are the text written, never 90, 8, 16 or true.

No value may hold a control character (C0 except tab and line feed, DEL, C1): a
double-quoted `"\\0"` or `"\\e[31m"` is refused with its position (`CONTROL_CHAR`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from generator.model import Document, Mark, NodePath, Problem
from generator.safe_text import describe_control, first_control, without_control
from generator.load.scalars import BOOL, FLOAT, INT, MAX_NUMBER_CHARS, NULL, STR, construct, resolve_plain

MAX_FILE_BYTES = 256 * 1024  # the longest real entry is ~20 KB; this leaves ample room
MAX_DEPTH = 32  # entries nest at most ~5 levels
MAX_NODES = 20_000  # nodes after alias expansion; a long entry has a few hundred

_STANDARD_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}"
    for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")
)
_NON_SPECIFIC = "!"  # what libyaml reports for quoted scalars with no explicit tag


class _Abort(Exception):
    """Stops the event walk once further parsing could only mislead or cost too much."""


def _mark_of(yaml_mark: Any) -> Mark:
    return Mark(yaml_mark.line + 1, yaml_mark.column + 1)


def _position_of_offset(data: bytes, offset: int) -> Mark:
    before = data[:offset]
    line = before.count(b"\n") + 1
    column = offset - (before.rfind(b"\n") + 1) + 1
    return Mark(line, column)


def load_file(path: Path, display_path: str | None = None) -> tuple[Document | None, list[Problem]]:
    """Read and parse one entry file; never raises for bad content."""
    shown = display_path or str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, [_too_large(shown, size)]
        data = path.read_bytes()
    except OSError as error:
        return None, [Problem(shown, Mark(1, 1), "FILE_UNREADABLE", f"cannot read the file: {error.strerror}",
                              "check the file exists and is readable")]
    return load_bytes(data, shown)


def _too_large(shown: str, size: int) -> Problem:
    return Problem(
        shown, Mark(1, 1), "FILE_TOO_LARGE",
        f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}",
        "split the material into several entries and link them",
    )


def decode(data: bytes, shown: str) -> tuple[str | None, list[Problem]]:
    """UTF-8 only (a BOM is allowed); errors name the byte offset and its position."""
    if len(data) > MAX_FILE_BYTES:
        return None, [_too_large(shown, len(data))]
    nul = data.find(b"\x00")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, [Problem(shown, Mark(1, 1), "ENCODING",
                              "file is UTF-16 (byte-order mark at byte offset 0); entries must be UTF-8",
                              "re-save the file as UTF-8 in your editor")]
    if nul != -1:
        return None, [Problem(shown, _position_of_offset(data, nul), "NUL_BYTE",
                              f"NUL byte at byte offset {nul}",
                              "remove the NUL byte; entries are plain UTF-8 text")]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return None, [Problem(shown, _position_of_offset(data, error.start), "ENCODING",
                              f"not valid UTF-8: byte 0x{data[error.start]:02x} at byte offset {error.start}",
                              "re-save the file as UTF-8 (it may be Latin-1 or Windows-1252)")]
    return text, []


def load_bytes(data: bytes, shown: str) -> tuple[Document | None, list[Problem]]:
    text, problems = decode(data, shown)
    if text is None:
        return None, problems
    return parse_text(text, shown)


def parse_text(text: str, shown: str) -> tuple[Document | None, list[Problem]]:
    """Plain data with marks and raw numbers: the fast route when it can, else the careful one."""
    fast = _compose_fast(text, shown)
    return (fast, []) if fast is not None else parse_events(text, shown)


# -- the fast route -------------------------------------------------------------------------

# Every level of nesting needs one of these characters (a flow bracket, a block sequence
# dash, an explicit key or a mapping colon), so their count bounds the depth. libyaml's
# composer recurses in C; it is handed only files far below the depth that could exhaust
# the stack (about 100,000 levels), and everything deeper goes the careful route.
_NESTING_CHARS = "[{-?:"
_FAST_NESTING_BOUND = 5_000
_PLAIN_TAGS = {"tag:yaml.org,2002:str": "str", "tag:yaml.org,2002:timestamp": "str",
               "tag:yaml.org,2002:int": "int", "tag:yaml.org,2002:float": "float",
               "tag:yaml.org,2002:null": "null", "tag:yaml.org,2002:bool": "bool"}


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


def _compose_fast(text: str, shown: str) -> Document | None:
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


# -- the careful route ----------------------------------------------------------------------

def parse_events(text: str, shown: str) -> tuple[Document | None, list[Problem]]:
    """Walk libyaml's events into plain data, recording marks and raw numbers."""
    builder = _Builder(shown)
    try:
        for event in yaml.parse(text, Loader=yaml.CSafeLoader):
            builder.feed(event)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = _mark_of(mark) if mark is not None else Mark(1, 1)
        message = " ".join(part for part in (error.context, error.problem) if part)
        builder.problems.append(Problem(shown, where, "YAML_SYNTAX", message or "YAML does not parse",
                                        "check indentation, and quote text containing ': ' or '#'"))
        return None, builder.problems
    except yaml.YAMLError as error:
        builder.problems.append(Problem(shown, Mark(1, 1), "YAML_SYNTAX", str(error),
                                        "check the YAML syntax"))
        return None, builder.problems
    except _Abort:
        return None, builder.problems
    if builder.documents == 0 or builder.root is None:
        builder.problems.append(Problem(shown, Mark(1, 1), "NOT_A_MAPPING", "file is empty",
                                        "an entry is a mapping of fields; run `glossary new` for a skeleton"))
        return None, builder.problems
    if not isinstance(builder.root, dict):
        kind = type(builder.root).__name__
        builder.problems.append(Problem(shown, builder.marks.get((), Mark(1, 1)), "NOT_A_MAPPING",
                                        f"the top level is a {_type_name(kind)}, not a mapping of fields",
                                        "start the file with `title: ...` on its own line"))
        return None, builder.problems
    document = Document(shown, builder.root, builder.marks, builder.key_marks, builder.raw, text)
    return document, builder.problems


def _type_name(python_name: str) -> str:
    return {"list": "list", "str": "text", "int": "number", "float": "number",
            "bool": "boolean", "NoneType": "null"}.get(python_name, python_name)


_NUMBER_TAGS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")


class _Frame:
    __slots__ = ("container", "path", "key", "key_mark", "is_map")

    def __init__(self, container: dict | list, path: NodePath) -> None:
        self.container = container
        self.path = path
        self.key: Any = None
        self.key_mark: Mark | None = None
        self.is_map = isinstance(container, dict)


class _Builder:
    """Turns a stream of parser events into one document, enforcing the limits."""

    def __init__(self, shown: str) -> None:
        self.shown = shown
        self.problems: list[Problem] = []
        self.stack: list[_Frame] = []
        self.root: Any = None
        self.documents = 0
        self.nodes = 0
        self.aliases_used = False
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.anchor_starts: list[tuple[str, int]] = []  # (anchor, node count at start)
        self.marks: dict[NodePath, Mark] = {}
        self.key_marks: dict[NodePath, Mark] = {}
        self.raw: dict[NodePath, str] = {}
        self._anchor_for_frame: list[str | None] = []

    # -- helpers -------------------------------------------------------------------
    def _fail(self, mark: Mark, code: str, message: str, hint: str) -> None:
        self.problems.append(Problem(self.shown, mark, code, message, hint))
        raise _Abort

    def _count(self, n: int, mark: Mark) -> None:
        self.nodes += n
        if self.nodes > MAX_NODES:
            if not self.aliases_used:
                self._fail(mark, "FILE_TOO_LARGE", f"the file holds more than {MAX_NODES:,} values",
                           "split the material into several entries and link them")
            self._fail(mark, "ALIAS_LIMIT",
                       f"the document expands to more than {MAX_NODES:,} nodes through anchors and aliases",
                       "write the values out instead of repeating them with &anchors and *aliases")

    def _check_tag(self, tag: str | None, mark: Mark) -> None:
        if tag is None or tag == _NON_SPECIFIC or tag in _STANDARD_TAGS:
            return
        shown_tag = tag.replace("tag:yaml.org,2002:", "!!")
        self._fail(mark, "YAML_TAG", f"tag {shown_tag} is not allowed",
                   "entries are plain data: remove the tag and write the value as text, number, list or mapping")

    def _path_for_child(self) -> NodePath:
        if not self.stack:
            return ()
        frame = self.stack[-1]
        if frame.is_map:
            return (*frame.path, frame.key)
        return (*frame.path, len(frame.container))

    def _attach(self, value: Any, mark: Mark) -> None:
        """Place a finished value into its parent (or as the root)."""
        if not self.stack:
            self.root = value
            return
        frame = self.stack[-1]
        if frame.is_map:
            key = frame.key
            frame.key = None
            if key in frame.container:
                first = self.key_marks.get((*frame.path, key))
                where = f" (first at line {first.line})" if first else ""
                self.problems.append(Problem(
                    self.shown, frame.key_mark or mark, "DUPLICATE_KEY",
                    f"duplicate key '{key}'{where}; YAML would keep only the last value",
                    "merge the two values under one key, or rename one of them"))
                return
            frame.container[key] = value
            if frame.key_mark is not None:
                self.key_marks[(*frame.path, key)] = frame.key_mark
        else:
            frame.container.append(value)

    def _expecting_key(self) -> bool:
        return bool(self.stack) and self.stack[-1].is_map and self.stack[-1].key is None

    def _open(self, container: dict | list, event: Any) -> None:
        mark = _mark_of(event.start_mark)
        if self._expecting_key():
            self._fail(mark, "BAD_VALUE", "a mapping key must be plain text, not a list or mapping",
                       "write the key as a single word such as `title`")
        self._check_tag(event.tag, mark)
        self._count(1, mark)
        if len(self.stack) >= MAX_DEPTH:
            self._fail(mark, "DEPTH_LIMIT", f"nesting deeper than {MAX_DEPTH} levels",
                       "entries need only a few levels; flatten the structure")
        path = self._path_for_child()
        self.marks[path] = mark
        if event.anchor:
            self.anchor_starts.append((event.anchor, self.nodes - 1))
        self.stack.append(_Frame(container, path))
        self._anchor_for_frame.append(event.anchor)  # closed with the container

    def _close(self, event: Any) -> None:
        frame = self.stack.pop()
        anchor = self._anchor_for_frame.pop()
        if anchor:
            _, start = self.anchor_starts.pop()
            self.anchors[anchor] = (frame.container, self.nodes - start)
        self._attach(frame.container, self.marks.get(frame.path, Mark(1, 1)))

    # -- events ----------------------------------------------------------------------
    def feed(self, event: Any) -> None:
        kind = type(event)
        if kind is yaml.ScalarEvent:
            self._scalar(event)
        elif kind is yaml.MappingStartEvent:
            self._open({}, event)
        elif kind is yaml.SequenceStartEvent:
            self._open([], event)
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            self._close(event)
        elif kind is yaml.AliasEvent:
            self._alias(event)
        elif kind is yaml.DocumentStartEvent:
            self.documents += 1
            if self.documents > 1:
                self._fail(_mark_of(event.start_mark), "YAML_SYNTAX",
                           "more than one YAML document in the file",
                           "one entry per file: remove the `---` separator and move the rest to its own file")

    def _alias(self, event: Any) -> None:
        mark = _mark_of(event.start_mark)
        found = self.anchors.get(event.anchor)
        if found is None:
            self._fail(mark, "YAML_SYNTAX", f"alias *{event.anchor} refers to no anchor",
                       "define the anchor with &name before using *name")
        value, size = found
        self.aliases_used = True
        self._count(size, mark)
        if self._expecting_key():
            if not isinstance(value, (str, int, float, bool)) and value is not None:
                self._fail(mark, "BAD_VALUE", "a mapping key must be plain text", "write the key out")
            self.stack[-1].key = value if isinstance(value, str) else _key_text(value)
            self.stack[-1].key_mark = mark
            return
        self.marks.setdefault(self._path_for_child(), mark)
        self._attach(value, mark)

    def _text(self, value: str, mark: Mark) -> str:
        """`value` without control characters, each text that had one reported."""
        found = first_control(value)
        if found is None:
            return value
        self.problems.append(Problem(
            self.shown, mark, "CONTROL_CHAR",
            f"the text holds the control character {describe_control(value[found])} "
            f"(character {found + 1} of the value)",
            "remove it (an escape such as \\0, \\e or \\x1b in double quotes makes one); "
            "entries are plain text, where only tabs and line breaks are allowed"))
        return without_control(value)

    def _scalar(self, event: Any) -> None:
        mark = _mark_of(event.start_mark)
        self._check_tag(event.tag, mark)
        self._count(1, mark)
        if self._expecting_key():
            # keys are field names and ids: always the text as written, so `1:` and
            # `true:` stay two different keys (as numbers they would be equal)
            frame = self.stack[-1]
            frame.key = self._text(event.value, mark)
            frame.key_mark = mark
            if event.anchor:
                self.anchors[event.anchor] = (event.value, 1)
            return
        value, tag = self._construct(event, mark)
        if event.anchor:
            self.anchors[event.anchor] = (value, 1)
        path = self._path_for_child()
        self.marks[path] = mark
        if tag in _NUMBER_TAGS:
            self.raw[path] = event.value
        self._attach(value, mark)

    def _construct(self, event: Any, mark: Mark) -> tuple[Any, str]:
        value: str = event.value
        plain = event.implicit[0]
        tag = event.tag
        if tag is None or tag == _NON_SPECIFIC:
            tag = resolve_plain(value) if plain else STR
        if tag == STR or tag == "tag:yaml.org,2002:timestamp":
            return self._text(value, mark), STR  # dates stay text: the checker parses and explains them
        if tag == NULL:
            return None, tag
        if tag in _NUMBER_TAGS and len(value) > MAX_NUMBER_CHARS:
            # a huge int costs quadratic time to convert and cannot even be printed
            self.problems.append(Problem(
                self.shown, mark, "BAD_VALUE",
                f"number is {len(value):,} characters long; the limit is {MAX_NUMBER_CHARS}",
                "write the number with fewer digits, or quote it if it is meant as text"))
            return value, "tag:yaml.org,2002:str"
        if tag not in (BOOL, INT, FLOAT):
            return self._text(value, mark), STR  # merge keys, `=` and the like read as text
        try:
            return construct(tag, value), tag
        except (ValueError, OverflowError):  # only with an explicit tag: `!!int abc`, `!!int 0x10`
            shown_tag = tag.replace("tag:yaml.org,2002:", "!!")
            self.problems.append(Problem(
                self.shown, mark, "BAD_VALUE", f"'{self._text(value, mark)[:40]}' is not a valid {shown_tag}",
                f"remove the {shown_tag} tag, or write a value of that type (decimal digits for a number, "
                "true or false)"))
            return self._text(value, mark), STR


def _key_text(value: Any) -> str:
    """A non-text key reached through an alias, spelled as YAML would write it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


_SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def is_slug(text: str) -> bool:
    return bool(_SLUG_RE.fullmatch(text))
