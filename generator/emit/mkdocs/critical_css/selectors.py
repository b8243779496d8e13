"""Whether a selector can match an element of the first screens (critical_css/__init__.py
says which selectors count as matching), from its subject leftwards, combinators and all."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from generator.emit.mkdocs.critical_css.css import closing, skip_string, split_top
from generator.emit.mkdocs.critical_css.markup import Markup, Node

# Pseudo-classes of a state no element is in before the reader acts: a rule needing one
# cannot style the first paint, and the full stylesheet has it by the time it could.
_STATES = frozenset({"hover", "focus", "focus-visible", "focus-within", "active", "target", "target-within"})
# Functional pseudo-classes whose argument is a selector list one of which must match.
_ANY_OF = frozenset({"is", "where", "matches", "-webkit-any", "-moz-any"})
_IDENT = r"-?(?:[_a-zA-Z\u0080-\uffff]|\\.)(?:[-_a-zA-Z0-9\u0080-\uffff]|\\.)*"
_SIMPLE = re.compile(
    rf"(?P<tag>{_IDENT}|\*)|\.(?P<cls>{_IDENT})|#(?P<id>{_IDENT})|\[(?P<attr>[^\]]*)\]|(?P<pseudo>::?{_IDENT})(?P<args>\()?"
)
_ATTR = re.compile(
    rf"\s*(?P<name>{_IDENT}|\*?\|?{_IDENT})\s*(?:(?P<op>[~|^$*]?=)\s*(?P<value>\"[^\"]*\"|'[^']*'|[^\s\]]+)\s*(?P<flag>[iIsS])?)?\s*"
)


def _unescape(ident: str) -> str:
    return re.sub(r"\\([0-9a-fA-F]{1,6}\s?|.)", lambda m: _unescape_one(m.group(1)), ident)


def _unescape_one(code: str) -> str:
    stripped = code.strip()
    if re.fullmatch(r"[0-9a-fA-F]{1,6}", stripped):
        return chr(int(stripped, 16))
    return code


def _complex(selector: str) -> tuple[list[str], list[str]]:
    """A complex selector's compound selectors, and the combinators between them (" ", ">",
    "+", "~")."""
    compounds: list[str] = []
    combinators: list[str] = []
    current: list[str] = []
    pending: str | None = None
    depth = 0
    i = 0
    while i < len(selector):
        ch = selector[i]
        if ch in "\"'":
            end = skip_string(selector, i)
            current.append(selector[i:end])
            i = end
            continue
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        if depth == 0 and (ch.isspace() or ch in ">+~"):
            if current:
                compounds.append("".join(current))
                current = []
                pending = " "
            if ch in ">+~":
                pending = ch
            i += 1
            continue
        if pending is not None and compounds and len(combinators) < len(compounds):
            combinators.append(pending)
        pending = None
        current.append(ch)
        i += 1
    if current:
        compounds.append("".join(current))
    return compounds, combinators


def _args(compound: str, start: int) -> tuple[str, int]:
    """The text inside the parentheses opened just before `start`, and the index after `)`."""
    end = closing(compound, start, "(", ")")
    return (compound[start:end], end + 1) if end >= 0 else (compound[start:], len(compound))


def _attr_matches(node: Node, name: str, op: str | None, value: str | None, fold: bool) -> bool:
    for have_name, have in node.attrs:
        if have_name != name:
            continue
        if op is None or value is None:
            return True
        a, b = (have.lower(), value.lower()) if fold else (have, value)
        if op == "=" and a == b:
            return True
        if op == "~=" and b in a.split():
            return True
        if op == "|=" and (a == b or a.startswith(b + "-")):
            return True
        if op == "^=" and b and a.startswith(b):
            return True
        if op == "$=" and b and a.endswith(b):
            return True
        if op == "*=" and b and b in a:
            return True
    return False


def _checkable(node: Node) -> bool:
    """Whether `:checked` can match the element before the reader acts: a box checked in the
    markup, or a radio button (the theme's scripts check the palette's, and a tab's named by
    the address, as the page loads). The toggles (drawer, search, nav sections) are not."""
    attrs = dict(node.attrs)
    return "checked" in attrs or "selected" in attrs or attrs.get("type", "").lower() == "radio"


@dataclass
class _Compound:
    tag: str | None = None
    classes: list[str] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    attrs: list[tuple[str, str | None, str | None, bool]] = field(default_factory=list)
    any_of: list[list[str]] = field(default_factory=list)  # each: a selector list, one must match
    impossible: bool = False
    checked: bool = False
    root: bool = False


def _parse_compound(text: str) -> _Compound:
    compound = _Compound()
    i = 0
    while i < len(text):
        found = _SIMPLE.match(text, i)
        if found is None:  # something this reader does not know: assume it can match
            i += 1
            continue
        i = found.end()
        if found.group("tag"):
            tag = found.group("tag")
            if tag != "*":
                compound.tag = _unescape(tag).lower()
        elif found.group("cls"):
            compound.classes.append(_unescape(found.group("cls")))
        elif found.group("id"):
            compound.ids.append(_unescape(found.group("id")))
        elif found.group("attr") is not None:
            attr = _ATTR.fullmatch(found.group("attr"))
            if attr is not None:
                name = _unescape(attr.group("name").split("|")[-1]).lower()
                value = attr.group("value")
                if value is not None and value[:1] in "\"'":
                    value = value[1:-1]
                elif value is not None:
                    value = _unescape(value)
                fold = (attr.group("flag") or "").lower() == "i"
                compound.attrs.append((name, attr.group("op"), value, fold))
        else:
            pseudo = found.group("pseudo")
            name = pseudo.lstrip(":").lower()
            args = None
            if found.group("args"):
                args, i = _args(text, i)
            if pseudo.startswith("::"):
                continue  # a pseudo-element: styles part of an element that is there
            if name in _STATES:
                compound.impossible = True
            elif name == "checked":
                compound.checked = True
            elif name == "root":
                compound.root = True
            elif name in _ANY_OF and args is not None:
                compound.any_of.append(split_top(args, ","))
            # :not(), :has(), :nth-child(), :first-child, ...: may match (the markup is cut
            # short, and a :not() may hold a state): never used to drop a rule
    return compound


@dataclass(frozen=True)
class Names:
    """The classes, ids and attributes some selector names."""

    classes: frozenset[str]
    ids: frozenset[str]
    attributes: frozenset[str]

    @classmethod
    def of(cls, selectors: Iterable[str]) -> Names:
        classes: set[str] = set()
        ids: set[str] = set()
        attributes: set[str] = set()
        for selector in selectors:
            attributes.update(_attribute_name(attr) for attr in re.findall(r"\[[^\]]*\]", selector))
            selector = re.sub(r"\[[^\]]*\]", "", selector)
            classes.update(_unescape(name) for name in re.findall(rf"\.({_IDENT})", selector))
            ids.update(_unescape(name) for name in re.findall(rf"#({_IDENT})", selector))
        return cls(frozenset(classes), frozenset(ids), frozenset(attributes))


def _attribute_name(attr: str) -> str:
    found = re.match(r"\[\s*([-_a-zA-Z0-9|*\\]+)", attr)
    return _unescape(found.group(1).split("|")[-1]).lower() if found else ""


class Matcher:
    """Whether a selector can match an element of the first screen (see the module's doc):
    matched from its subject leftwards, combinators and all."""

    def __init__(self, markup: Markup) -> None:
        self.nodes = list(markup.nodes.values())
        self.by_class: dict[str, list[Node]] = {}
        self.by_tag: dict[str, list[Node]] = {}
        self.by_id: dict[str, list[Node]] = {}
        for node in self.nodes:
            for cls in node.classes:
                self.by_class.setdefault(cls, []).append(node)
            self.by_tag.setdefault(node.tag, []).append(node)
            if node.ident:
                self.by_id.setdefault(node.ident, []).append(node)
        self.possible_cache: dict[str, bool] = {}
        self.parsed: dict[str, tuple[list[_Compound], list[str]]] = {}
        self.memo: dict[tuple[int, str, int], bool] = {}

    def possible(self, selector: str) -> bool:
        selector = selector.strip()
        found = self.possible_cache.get(selector)
        if found is None:
            compounds, _ = self._parse(selector)
            # first, each compound on its own (cheap, and enough to rule most selectors out)
            found = all(any(self._fits(node, c) for node in self._candidates(c)) for c in compounds)
            if found and compounds:
                found = any(self.matches(node, selector) for node in self._candidates(compounds[-1]))
            self.possible_cache[selector] = found
        return found

    def _candidates(self, compound: _Compound) -> list[Node]:
        if compound.classes:
            return self.by_class.get(compound.classes[0], [])
        if compound.ids:
            return self.by_id.get(compound.ids[0], [])
        if compound.tag:
            return self.by_tag.get(compound.tag, [])
        return self.nodes

    def _parse(self, selector: str) -> tuple[list[_Compound], list[str]]:
        found = self.parsed.get(selector)
        if found is None:
            texts, combinators = _complex(selector)
            found = self.parsed[selector] = ([_parse_compound(text) for text in texts], combinators)
        return found

    def matches(self, node: Node, selector: str) -> bool:
        """Whether `selector` can match `node` (its subject being `node`)."""
        compounds, _ = self._parse(selector.strip())
        if not compounds:
            return True
        return self._match(node, selector.strip(), len(compounds) - 1)

    def _match(self, node: Node, selector: str, index: int) -> bool:
        key = (id(node), selector, index)
        found = self.memo.get(key)
        if found is not None:
            return found
        compounds, combinators = self.parsed[selector]
        found = False
        if self._fits(node, compounds[index]):
            if index == 0:
                found = True
            else:
                combinator = combinators[index - 1]
                if combinator == ">":
                    others: Iterable[Node] = [node.parent] if node.parent is not None else []
                elif combinator == "+":
                    others = [node.prev] if node.prev is not None else []
                elif combinator == "~":
                    others = node.earlier_siblings()
                else:
                    others = node.ancestors()
                found = any(self._match(other, selector, index - 1) for other in others)
        self.memo[key] = found
        return found

    def _fits(self, node: Node, compound: _Compound) -> bool:
        if compound.impossible:
            return False
        if compound.tag is not None and compound.tag != node.tag:
            return False
        if compound.root and node.tag != "html":
            return False
        if any(cls not in node.classes for cls in compound.classes):
            return False
        if any(ident != node.ident for ident in compound.ids):
            return False
        if compound.checked and not _checkable(node):
            return False
        if not all(_attr_matches(node, *attr) for attr in compound.attrs):
            return False
        return all(any(self.matches(node, option) for option in options) for options in compound.any_of)
