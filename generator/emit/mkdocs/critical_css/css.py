"""CSS as a tree of rules: read from a stylesheet's text, and written back minified.

Enough of CSS for selecting whole rules (critical_css/__init__.py): style rules, the at-rules
that hold rules (@media, @supports, ...) and statements; strings and comments respected.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass


@dataclass
class Rule:
    """`prelude { body }`: a style rule (`children` None, `body` its declarations) or an
    at-rule holding rules (`children`), or a statement (`@charset ...;`, `body` None)."""

    prelude: str
    body: str | None = None
    children: list[Rule] | None = None


def skip_string(css: str, i: int) -> int:
    quote = css[i]
    i += 1
    while i < len(css) and css[i] != quote:
        i += 2 if css[i] == "\\" else 1
    return i + 1


def _strip_comments(css: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(css):
        ch = css[i]
        if ch in "\"'":
            end = skip_string(css, i)
            out.append(css[i:end])
            i = end
        elif css.startswith("/*", i):
            end = css.find("*/", i + 2)
            i = len(css) if end < 0 else end + 2
            out.append(" ")
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def closing(text: str, i: int, opening: str = "{", close: str = "}") -> int:
    """The index of the `close` that closes the `opening` just before `i` (strings skipped,
    nested pairs counted), or -1 if none does."""
    depth = 1
    while i < len(text):
        ch = text[i]
        if ch in "\"'":
            i = skip_string(text, i)
            continue
        if ch == opening:
            depth += 1
        elif ch == close:
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


_NESTING = ("@media", "@supports", "@layer", "@container", "@document", "@-moz-document")


def parse(css: str, *, comments_removed: bool = False) -> list[Rule]:
    if not comments_removed:
        css = _strip_comments(css)
    rules: list[Rule] = []
    i = 0
    while i < len(css):
        while i < len(css) and css[i] in " \t\r\n;":
            i += 1
        if i >= len(css):
            break
        start = i
        while i < len(css) and css[i] not in "{;":
            i = skip_string(css, i) if css[i] in "\"'" else i + 1
        prelude = css[start:i].strip()
        if i >= len(css) or css[i] == ";":  # a statement at-rule
            rules.append(Rule(prelude))
            i += 1
            continue
        end = closing(css, i + 1)
        if end < 0:
            raise ValueError("unbalanced braces in CSS")
        body = css[i + 1 : end]
        if prelude.lower().startswith(_NESTING):
            rules.append(Rule(prelude, children=parse(body, comments_removed=True)))
        else:
            rules.append(Rule(prelude, body=body.strip()))
        i = end + 1
    return rules


def split_top(text: str, sep: str) -> list[str]:
    """`text` split at `sep` outside parentheses, brackets and strings."""
    parts: list[str] = []
    depth = 0
    start = i = 0
    while i < len(text):
        ch = text[i]
        if ch in "\"'":
            i = skip_string(text, i)
            continue
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif ch == sep and depth == 0:
            parts.append(text[start:i])
            start = i + 1
        i += 1
    parts.append(text[start:])
    return parts


def walk(rules: Iterable[Rule]) -> Iterator[Rule]:
    for rule in rules:
        yield rule
        if rule.children is not None:
            yield from walk(rule.children)


_STRING = re.compile(r"\"(?:\\.|[^\"\\])*\"|'(?:\\.|[^'\\])*'")
_LEADING_ZERO = re.compile(r"(?<![\w.#-])0\.(?=\d)")


def _minify(text: str, *, selector: bool) -> str:
    """Whitespace squeezed and `0.5` written `.5`, outside strings (the stylesheets are
    minified already, or nearly). Around `+`, `>` and `~` only in selectors: in a value
    (`calc(1px + 2px)`) the spaces are needed."""
    tight_before = ",;{}>~+)!" if selector else ",;{})!"
    tight_after = ",:;{}>~+(" if selector else ",:;{}("
    out: list[str] = []
    position = 0
    for found in [*_STRING.finditer(text), None]:
        chunk = text[position : found.start() if found else len(text)]
        chunk = _LEADING_ZERO.sub(".", chunk) if not selector else chunk
        parts = re.split(r"(\s+)", chunk)
        for part in parts:
            if not part:
                continue
            if part.isspace():
                out.append(" ")
            else:
                out.append(part)
        if found is not None:
            out.append(found.group(0))
            position = found.end()
    joined = "".join(out)
    # drop a space next to punctuation that needs none (strings are whole tokens here)
    result: list[str] = []
    pieces = re.split(r"(" + _STRING.pattern + r")", joined)
    for index, piece in enumerate(pieces):
        if index % 2:
            result.append(piece)
            continue
        piece = re.sub(rf"\s+(?=[{re.escape(tight_before)}])", "", piece)
        piece = re.sub(rf"(?<=[{re.escape(tight_after)}])\s+", "", piece)
        result.append(piece)
    return "".join(result).strip()


def serialize(rules: Iterable[Rule]) -> str:
    parts: list[str] = []
    for rule in rules:
        prelude = _minify(rule.prelude, selector=not rule.prelude.startswith("@"))
        if rule.children is not None:
            parts.append(prelude + "{" + serialize(rule.children) + "}")
        elif rule.body is None:
            parts.append(prelude + ";")
        else:
            parts.append(prelude + "{" + _minify(rule.body, selector=False) + "}")
    return "".join(parts)
