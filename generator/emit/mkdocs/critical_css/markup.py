"""The first screens of built pages as one forest of element nodes, for selector matching."""

from __future__ import annotations

import html.parser
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from generator.emit.mkdocs.critical_css.selectors import Names

_VOID = frozenset(
    "area base br col embed hr img input link meta param source track wbr".split()
)  # elements with no end tag
# What Material's palette switch may put on <body> before the first paint (its inline script
# copies a saved palette's attributes from the palette's radio buttons).
_PALETTE_ATTRS = ("data-md-color-scheme", "data-md-color-primary", "data-md-color-accent")


class Node:
    """An element: its tag, classes, id and the attributes selectors name (an attribute may
    hold several values: every value it can have at the first paint), its parent and the
    sibling before it. Nodes alike in all of that, and in their ancestors and earlier
    siblings, are one node, however many pages hold them."""

    __slots__ = ("attrs", "classes", "ident", "parent", "prev", "tag")

    def __init__(
        self,
        tag: str,
        classes: frozenset[str],
        ident: str | None,
        attrs: tuple[tuple[str, str], ...],
        parent: Node | None,
        prev: Node | None,
    ) -> None:
        self.tag, self.classes, self.ident, self.attrs, self.parent, self.prev = (
            tag,
            classes,
            ident,
            attrs,
            parent,
            prev,
        )

    def ancestors(self) -> Iterator[Node]:
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def earlier_siblings(self) -> Iterator[Node]:
        node = self.prev
        while node is not None:
            yield node
            node = node.prev


class Markup:
    """The first screens of pages as one forest of nodes (see Node), each with the classes,
    id and attributes that selectors name (`Names`): pages that differ only in what no
    selector names make the same nodes."""

    def __init__(self, names: Names) -> None:
        self.names = names.attributes | {"checked", "selected", "type", *_PALETTE_ATTRS}
        self.classes = names.classes
        self.ids = names.ids
        self.nodes: dict[tuple[object, ...], Node] = {}

    def add_html(self, text: str) -> None:
        parser = _TreeBuilder(self)
        parser.feed(text)
        parser.close()
        parser.finish()

    def node(self, tag: str, attrs: list[tuple[str, str | None]], parent: Node | None, prev: Node | None) -> Node:
        values = {name.lower(): value or "" for name, value in attrs}
        kept = tuple(sorted((name, value) for name, value in values.items() if name in self.names))
        classes = frozenset(cls for cls in values.get("class", "").split() if cls in self.classes)
        ident = values.get("id")
        ident = ident if ident in self.ids else None
        key = (tag, classes, ident, kept, id(parent), id(prev))
        found = self.nodes.get(key)
        if found is None:
            found = self.nodes[key] = Node(tag, classes, ident, kept, parent, prev)
        return found


class _TreeBuilder(html.parser.HTMLParser):
    def __init__(self, markup: Markup) -> None:
        super().__init__(convert_charrefs=True)
        self.markup = markup
        self.stack: list[tuple[str, list[tuple[str, str | None]], Node]] = []
        self.last: list[Node | None] = [None]  # the last child made so far, per open element
        self.palette: list[tuple[str, str]] = []

    def _open(self, tag: str, attrs: list[tuple[str, str | None]]) -> Node | None:
        tag = tag.lower()
        if self.stack and self.stack[-1][0] == "head":
            return None  # nothing in <head> is drawn
        parent = self.stack[-1][2] if self.stack else None
        node = self.markup.node(tag, attrs, parent, self.last[-1])
        self.last[-1] = node
        values = {name.lower(): value or "" for name, value in attrs}
        if "data-md-color-media" in values:
            self.palette.extend((name, values[name]) for name in _PALETTE_ATTRS if name in values)
        return node

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = self._open(tag, attrs)
        if node is not None and tag.lower() not in _VOID:
            self.stack.append((tag.lower(), attrs, node))
            self.last.append(None)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._open(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        tag = tag.lower()
        for depth in range(len(self.stack) - 1, -1, -1):
            if self.stack[depth][0] == tag:
                del self.stack[depth:]
                del self.last[depth + 1 :]
                return

    def finish(self) -> None:
        """<body> as the palette's script may leave it: with each palette's colours (the nodes
        under it stay the ones made with the markup's own; selectors then see both)."""
        if not self.palette:
            return
        bodies = [node for node in self.markup.nodes.values() if node.tag == "body"]
        for body in bodies:
            merged = dict.fromkeys(body.attrs)
            for name, value in self.palette:
                if name in self.markup.names:
                    merged[(name, value)] = None
            body.attrs = tuple(sorted(merged))
