"""Plain YAML scalars by YAML 1.2's rules, narrowed: one rule for both routes of generator/load/document.py.

PyYAML follows YAML 1.1, where `1:30` is the number 90, `010` is 8, `0x10` 16, `0b11` 3,
`1_000` 1000 and `yes`, `no`, `on`, `off` are booleans: an author who wrote a time, a
zero-padded code or the word "on" would get a different value without a word. Here only
plain decimal numbers are numbers (`12`, `-3`, `0.5`, `1e-3`, `.inf`, `.nan`; no leading
zero on an integer), only `true`/`false` are booleans, and everything else is text.
`resolve_plain` gives the tag, `construct` the value (and refuses an explicit `!!int 0x10`),
and `yaml11_reading` tells the checker what YAML 1.1 would have made of a text, so that it
can say why `1:30` is not a number where one is expected.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

MAX_NUMBER_CHARS = 100  # a plain number longer than this is a mistake (and costly to convert)

STR, INT, FLOAT = "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"
BOOL, NULL = "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null"
_INT_RE = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")  # no leading zero: `010` is text, not 8 nor 10
_FLOAT_RE = re.compile(r"[-+]?(?:(?:\.[0-9]+|[0-9]+\.[0-9]*)(?:[eE][-+]?[0-9]+)?|[0-9]+[eE][-+]?[0-9]+)")
_SPECIAL_FLOATS = {
    **{f"{sign}.{inf}": float(f"{sign}inf") for sign in ("", "+", "-") for inf in ("inf", "Inf", "INF")},
    ".nan": float("nan"),
    ".NaN": float("nan"),
    ".NAN": float("nan"),
}
_BOOLS = {
    spelling: value
    for word, value in (("true", True), ("false", False))
    for spelling in (word, word.title(), word.upper())
}  # YAML 1.2 core: no yes/no/on/off
_NULLS = frozenset(("", "~", "null", "Null", "null".upper()))
_NUMBER_START = frozenset("0123456789+-.")


def resolve_plain(value: str) -> str:
    """The tag of an untagged plain scalar: YAML 1.2 core, with decimal numbers only."""
    first = value[:1]
    if first in _NUMBER_START:
        if _INT_RE.fullmatch(value):
            return INT
        if _FLOAT_RE.fullmatch(value) or value in _SPECIAL_FLOATS:
            return FLOAT
        return STR
    if value in _BOOLS:
        return BOOL
    if value in _NULLS:
        return NULL
    return STR


def construct(tag: str, value: str) -> Any:
    """The value of a scalar with a number, boolean or null tag; ValueError if `value` is
    not one in the forms `resolve_plain` accepts (an explicit `!!int 0x10` is refused too)."""
    if tag == INT:
        if _INT_RE.fullmatch(value):
            return int(value)
    elif tag == FLOAT:
        if value in _SPECIAL_FLOATS:
            return _SPECIAL_FLOATS[value]
        if _FLOAT_RE.fullmatch(value) or _INT_RE.fullmatch(value):
            return float(value)
    elif tag == BOOL:
        if value in _BOOLS:
            return _BOOLS[value]
    elif tag == NULL:
        return None
    raise ValueError(value)


_YAML11_RESOLVER = yaml.resolver.Resolver()
_YAML11_CONSTRUCTOR = yaml.constructor.SafeConstructor()


def yaml11_reading(value: str) -> Any | None:
    """What YAML 1.1 (PyYAML, and many other tools) makes of plain `value` when that is not
    text, such as 90 for `1:30`, 8 for `010` or True for `yes`; None when it is text there too.

    The checker uses it to explain, where a number is expected, why `1:30` is not one.
    """
    if len(value) > MAX_NUMBER_CHARS or resolve_plain(value) != STR:
        return None  # (a quoted `'12'` is text that both read as 12 when plain: not a surprise)
    tag = _YAML11_RESOLVER.resolve(yaml.ScalarNode, value, (True, False))
    if tag not in (INT, FLOAT, BOOL):
        return None
    node = yaml.ScalarNode(tag, value)
    try:
        if tag == BOOL:
            return _YAML11_CONSTRUCTOR.construct_yaml_bool(node)
        if tag == INT:
            return _YAML11_CONSTRUCTOR.construct_yaml_int(node)
        return _YAML11_CONSTRUCTOR.construct_yaml_float(node)
    except (ValueError, KeyError, OverflowError):
        return None
