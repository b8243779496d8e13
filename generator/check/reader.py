"""The reader every check rule reports through: typed field access with positions, and problems collected in order."""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence
from typing import Any

from generator.check.values import _DATE, normalise_name, parse_date, slugify
from generator.load.document import is_slug
from generator.model import Document, Mark, NodePath, Problem, Severity, Source
from generator.suggest import did_you_mean


class _EntryReader:
    """Reads one document field by field, recording problems instead of raising."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.problems: list[Problem] = []
        self._line_starts: list[int] | None = None

    # -- reporting -------------------------------------------------------------------
    def report(
        self,
        path: NodePath,
        code: str,
        message: str,
        hint: str = "",
        *,
        at_key: bool = False,
        severity: Severity = Severity.ERROR,
        mark: Mark | None = None,
    ) -> None:
        where = mark or (self.doc.key_mark(path) if at_key else self.doc.mark(path))
        self.problems.append(Problem(self.doc.path, where, code, message, hint, severity))

    def offset_mark(self, path: NodePath, offset: int) -> Mark:
        """Position of character `offset` (0-based) inside a one-line scalar."""
        base = self.doc.mark(path)
        line_text = self.doc.text.splitlines()[base.line - 1] if self.doc.text else ""
        quote = 1 if line_text[base.column - 1 : base.column] in ("'", '"') else 0
        return Mark(base.line, base.column + quote + offset)

    def find_mark(self, path: NodePath, needle: str, nth: int) -> Mark:
        """Where the `nth` occurrence of `needle` after the node at `path` sits in the file."""
        text = self.doc.text
        if self._line_starts is None:
            self._line_starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
        base = self.doc.mark(path)
        position = self._line_starts[min(base.line, len(self._line_starts)) - 1] + base.column - 1
        for _ in range(nth + 1):
            found = text.find(needle, position)
            if found == -1:
                return base
            position = found + 1
        offset = position - 1
        line = bisect.bisect_right(self._line_starts, offset)
        return Mark(line, offset - self._line_starts[line - 1] + 1)

    # -- typed readers -----------------------------------------------------------------
    def mapping(
        self, path: NodePath, value: Any, allowed: Sequence[str], required: Sequence[str], what: str
    ) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.report(
                path,
                "WRONG_TYPE",
                f"{what} must be a mapping of fields, not {_describe(value)}",
                f"write {what} as `key: value` lines",
            )
            return None
        for key in value:
            if key not in allowed:
                shown = str(key) if len(str(key)) <= 60 else str(key)[:57] + "..."
                hint = did_you_mean(shown, allowed, f"allowed fields: {', '.join(allowed)}")
                self.report((*path, key), "UNKNOWN_FIELD", f"unknown field '{shown}' in {what}", hint, at_key=True)
        for key in required:
            if key not in value or value[key] is None:
                self.report(
                    path,
                    "MISSING_FIELD",
                    f"{what} is missing required field '{key}'",
                    f"add `{key}:`" + (" (see the entry format reference)" if not path else ""),
                    mark=self.doc.mark(path) if path else Mark(1, 1),
                )
        return value

    def text(self, path: NodePath, value: Any, what: str, *, single_line: bool = False) -> str:
        if value is None:
            return ""
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.report(
                path,
                "WRONG_TYPE",
                f"{what} must be text, not {_describe(value)}",
                "write it as plain text (quote it if it starts with [ or {)",
            )
            return ""
        # a number where text is wanted is the text as written (`1.50`, not `1.5`)
        text = (value if isinstance(value, str) else self.doc.raw.get(path) or str(value)).strip()
        if not text:
            self.report(path, "BAD_VALUE", f"{what} is empty", "write the text or remove the field")
        elif single_line and "\n" in text:
            self.report(path, "BAD_VALUE", f"{what} must be a single line", "join the lines into one")
        return text

    def text_list(self, path: NodePath, value: Any, what: str) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            self.report(
                path,
                "WRONG_TYPE",
                f"{what} must be a list, not {_describe(value)}",
                "write it as [a, b] or one `- item` per line",
            )
            return ()
        items: list[str] = []
        seen: set[str] = set()
        for index, item in enumerate(value):
            text = self.text((*path, index), item, f"item {index + 1} of {what}", single_line=True)
            if not text:
                continue
            key = normalise_name(text)
            if key in seen:
                self.report((*path, index), "BAD_VALUE", f"'{text}' appears twice in {what}", "remove the repeat")
                continue
            seen.add(key)
            items.append(text)
        return tuple(items)

    def slug_list(self, path: NodePath, value: Any, what: str) -> tuple[str, ...]:
        slugs = []
        for index, item in enumerate(self.text_list(path, value, what)):
            if self.slug(_item_path(path, value, item, index), item, what):
                slugs.append(item)
        return tuple(slugs)

    def slug(self, path: NodePath, text: str, what: str) -> bool:
        if is_slug(text):
            return True
        if "/" in text or "\\" in text or ".." in text:
            self.report(
                path,
                "BAD_SLUG",
                f"'{text}' in {what} contains a path; a slug is a bare name",
                "write just the entry's slug, such as `liquidation-price`",
            )
        else:
            wanted = slugify(text)
            self.report(
                path,
                "BAD_SLUG",
                f"'{text}' in {what} is not a slug (lower-case letters, digits, hyphens)",
                f"did you mean '{wanted}'?" if wanted else "use lower-case letters, digits and hyphens",
            )
        return False

    def date(self, path: NodePath, value: Any, what: str, *, date_only: bool = False) -> str:
        if value is None:
            return ""
        text = str(value).strip()
        parsed = parse_date(text)
        if parsed is None or (date_only and not _DATE.fullmatch(text)):
            example = "2026-11-24" if date_only else "2026-11-24 or 2026-11-24T08:05:20+00:00"
            self.report(path, "BAD_DATE", f"{what} '{text}' is not an ISO date", f"write it as {example}")
            return ""
        return text

    def list_of(self, path: NodePath, value: Any, what: str) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.report(
                path, "WRONG_TYPE", f"{what} must be a list, not {_describe(value)}", "write one `- ...` item per line"
            )
            return []
        return value


def _item_path(path: NodePath, value: Any, item: str, index: int) -> NodePath:
    if isinstance(value, list):
        for position, original in enumerate(value):
            if isinstance(original, str) and original.strip() == item:
                return (*path, position)
    return (*path, index)


def _describe(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "a true/false value"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _source_ref(
    reader: _EntryReader, path: NodePath, mapping: Mapping[str, Any], sources: tuple[Source, ...], what: str
) -> str | None:
    """The `source` a formula or example cites, which must be one of the entry's source ids."""
    value = mapping.get("source")
    source_id = reader.text((*path, "source"), value, "source", single_line=True) if value is not None else None
    source_ids = {s.id for s in sources if s.id}
    if source_id and source_id not in source_ids:
        reader.report(
            (*path, "source"),
            "DANGLING_LINK",
            f"{what} cites source '{source_id}', which is not among this entry's source ids",
            did_you_mean(source_id, source_ids, "give the source an `id:` and use it here"),
        )
    return source_id or None
