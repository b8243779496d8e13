"""The careful route: libyaml's events walked one by one, every limit enforced as it goes
(duplicate keys, alias expansion, nesting, tags, node count, control characters), and
each problem explained with its position. It handles everything the fast route leaves.
"""

from __future__ import annotations

from typing import Any, NoReturn

import yaml

from generator.load.limits import MAX_DEPTH, MAX_NODES, NON_SPECIFIC, STANDARD_TAGS, mark_of
from generator.load.scalars import BOOL, FLOAT, INT, MAX_NUMBER_CHARS, NULL, STR, construct, resolve_plain
from generator.model import Document, Mark, NodePath, Problem
from generator.safe_text import describe_control, first_control, without_control


class _Abort(Exception):
    """Stops the event walk once further parsing could only mislead or cost too much."""


def parse_events(text: str, shown: str) -> tuple[Document | None, list[Problem]]:
    """Walk libyaml's events into plain data, recording marks and raw numbers."""
    builder = _Builder(shown)
    try:
        for event in yaml.parse(text, Loader=yaml.CSafeLoader):
            builder.feed(event)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = mark_of(mark) if mark is not None else Mark(1, 1)
        message = " ".join(part for part in (error.context, error.problem) if part)
        builder.problems.append(
            Problem(
                shown,
                where,
                "YAML_SYNTAX",
                message or "YAML does not parse",
                "check indentation, and quote text containing ': ' or '#'",
            )
        )
        return None, builder.problems
    except yaml.YAMLError as error:
        builder.problems.append(Problem(shown, Mark(1, 1), "YAML_SYNTAX", str(error), "check the YAML syntax"))
        return None, builder.problems
    except _Abort:
        return None, builder.problems
    if builder.documents == 0 or builder.root is None:
        builder.problems.append(
            Problem(
                shown,
                Mark(1, 1),
                "NOT_A_MAPPING",
                "file is empty",
                "an entry is a mapping of fields; run `glossary new` for a skeleton",
            )
        )
        return None, builder.problems
    if not isinstance(builder.root, dict):
        kind = type(builder.root).__name__
        builder.problems.append(
            Problem(
                shown,
                builder.marks.get((), Mark(1, 1)),
                "NOT_A_MAPPING",
                f"the top level is a {_type_name(kind)}, not a mapping of fields",
                "start the file with `title: ...` on its own line",
            )
        )
        return None, builder.problems
    document = Document(shown, builder.root, builder.marks, builder.key_marks, builder.raw, text)
    return document, builder.problems


def _type_name(python_name: str) -> str:
    return {
        "list": "list",
        "str": "text",
        "int": "number",
        "float": "number",
        "bool": "boolean",
        "NoneType": "null",
    }.get(python_name, python_name)


_NUMBER_TAGS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")


class _Frame:
    __slots__ = ("container", "is_map", "key", "key_mark", "path")

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
    def _fail(self, mark: Mark, code: str, message: str, hint: str) -> NoReturn:
        self.problems.append(Problem(self.shown, mark, code, message, hint))
        raise _Abort

    def _count(self, n: int, mark: Mark) -> None:
        self.nodes += n
        if self.nodes > MAX_NODES:
            if not self.aliases_used:
                self._fail(
                    mark,
                    "FILE_TOO_LARGE",
                    f"the file holds more than {MAX_NODES:,} values",
                    "split the material into several entries and link them",
                )
            self._fail(
                mark,
                "ALIAS_LIMIT",
                f"the document expands to more than {MAX_NODES:,} nodes through anchors and aliases",
                "write the values out instead of repeating them with &anchors and *aliases",
            )

    def _check_tag(self, tag: str | None, mark: Mark) -> None:
        if tag is None or tag == NON_SPECIFIC or tag in STANDARD_TAGS:
            return
        shown_tag = tag.replace("tag:yaml.org,2002:", "!!")
        self._fail(
            mark,
            "YAML_TAG",
            f"tag {shown_tag} is not allowed",
            "entries are plain data: remove the tag and write the value as text, number, list or mapping",
        )

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
                self.problems.append(
                    Problem(
                        self.shown,
                        frame.key_mark or mark,
                        "DUPLICATE_KEY",
                        f"duplicate key '{key}'{where}; YAML would keep only the last value",
                        "merge the two values under one key, or rename one of them",
                    )
                )
                return
            frame.container[key] = value
            if frame.key_mark is not None:
                self.key_marks[(*frame.path, key)] = frame.key_mark
        else:
            assert isinstance(frame.container, list)  # a frame that is not a mapping holds a sequence
            frame.container.append(value)

    def _expecting_key(self) -> bool:
        return bool(self.stack) and self.stack[-1].is_map and self.stack[-1].key is None

    def _open(self, container: dict | list, event: Any) -> None:
        mark = mark_of(event.start_mark)
        if self._expecting_key():
            self._fail(
                mark,
                "BAD_VALUE",
                "a mapping key must be plain text, not a list or mapping",
                "write the key as a single word such as `title`",
            )
        self._check_tag(event.tag, mark)
        self._count(1, mark)
        if len(self.stack) >= MAX_DEPTH:
            self._fail(
                mark,
                "DEPTH_LIMIT",
                f"nesting deeper than {MAX_DEPTH} levels",
                "entries need only a few levels; flatten the structure",
            )
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
                self._fail(
                    mark_of(event.start_mark),
                    "YAML_SYNTAX",
                    "more than one YAML document in the file",
                    "one entry per file: remove the `---` separator and move the rest to its own file",
                )

    def _alias(self, event: Any) -> None:
        mark = mark_of(event.start_mark)
        found = self.anchors.get(event.anchor)
        if found is None:
            self._fail(
                mark,
                "YAML_SYNTAX",
                f"alias *{event.anchor} refers to no anchor",
                "define the anchor with &name before using *name",
            )
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
        self.problems.append(
            Problem(
                self.shown,
                mark,
                "CONTROL_CHAR",
                f"the text holds the control character {describe_control(value[found])} "
                f"(character {found + 1} of the value)",
                "remove it (an escape such as \\0, \\e or \\x1b in double quotes makes one); "
                "entries are plain text, where only tabs and line breaks are allowed",
            )
        )
        return without_control(value)

    def _scalar(self, event: Any) -> None:
        mark = mark_of(event.start_mark)
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
        if tag is None or tag == NON_SPECIFIC:
            tag = resolve_plain(value) if plain else STR
        if tag == STR or tag == "tag:yaml.org,2002:timestamp":
            return self._text(value, mark), STR  # dates stay text: the checker parses and explains them
        if tag == NULL:
            return None, tag
        if tag in _NUMBER_TAGS and len(value) > MAX_NUMBER_CHARS:
            # a huge int costs quadratic time to convert and cannot even be printed
            self.problems.append(
                Problem(
                    self.shown,
                    mark,
                    "BAD_VALUE",
                    f"number is {len(value):,} characters long; the limit is {MAX_NUMBER_CHARS}",
                    "write the number with fewer digits, or quote it if it is meant as text",
                )
            )
            return value, "tag:yaml.org,2002:str"
        if tag not in (BOOL, INT, FLOAT):
            return self._text(value, mark), STR  # merge keys, `=` and the like read as text
        try:
            return construct(tag, value), tag
        except (ValueError, OverflowError):  # only with an explicit tag: `!!int abc`, `!!int 0x10`
            shown_tag = tag.replace("tag:yaml.org,2002:", "!!")
            self.problems.append(
                Problem(
                    self.shown,
                    mark,
                    "BAD_VALUE",
                    f"'{self._text(value, mark)[:40]}' is not a valid {shown_tag}",
                    f"remove the {shown_tag} tag, or write a value of that type (decimal digits for a number, "
                    "true or false)",
                )
            )
            return self._text(value, mark), STR


def _key_text(value: Any) -> str:
    """A non-text key reached through an alias, spelled as YAML would write it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
