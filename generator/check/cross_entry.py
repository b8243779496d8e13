"""The rules that need every entry at once: slug collisions, name clashes, links, near duplicates, orphans."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path

from rapidfuzz import fuzz, process

from generator import markup
from generator.check import math as latex
from generator.check.fields import FileCheck, check_file
from generator.check.reader import _EntryReader, _item_path
from generator.check.values import normalise_name, slug_of, slugify
from generator.load.document import is_slug
from generator.model import RELATION_INVERSES, Document, Entry, Mark, NodePath, Problem, Severity
from generator.suggest import closest_name

Locate = Callable[[str], Document]


class _Located(Mapping[str, Document]):
    """Documents by slug, parsed only when a cross-entry rule needs a position in one."""

    def __init__(self, paths: Mapping[str, str], locate: Locate) -> None:
        self._paths = paths
        self._locate = locate
        self._parsed: dict[str, Document] = {}

    def __getitem__(self, slug: str) -> Document:
        doc = self._parsed.get(slug)
        if doc is None:
            doc = self._parsed[slug] = self._locate(self._paths[slug])
        return doc

    def __iter__(self) -> Iterator[str]:
        return iter(self._paths)

    def __len__(self) -> int:
        return len(self._paths)


def check_across(
    paths: Sequence[str], checked: Iterable[FileCheck], locate: Locate, *, latex_cache: Path | None = None
) -> tuple[dict[str, Entry], list[Problem]]:
    """The rules that need the whole set (slugs, names, links, KaTeX), after the per-file ones.

    `locate(path)` gives a file's Document again; it is called only to point at a problem.
    `latex_cache` is a file where KaTeX's verdicts are kept between runs (see check/katex.py).
    """
    problems: list[Problem] = []
    entries: dict[str, Entry] = {}
    math: list[tuple[str, tuple[latex.MathKey, ...]]] = []
    fine_links: dict[str, tuple[str, ...]] = {}  # entries whose body links are all slugs
    for result in checked:
        problems.extend(result.problems)
        math.append((result.path, result.math))
        if result.entry is not None and result.entry.slug not in entries:
            entries[result.entry.slug] = result.entry
            if not result.odd_links:
                fine_links[result.entry.slug] = result.links
    docs = _Located({slug: entry.path for slug, entry in entries.items()}, locate)
    problems.extend(_slug_collisions(paths))
    problems.extend(_name_clashes(entries, docs))
    problems.extend(_links(entries, docs, fine_links))
    problems.extend(_near_duplicates(entries, docs))
    problems.extend(latex.check_keys(math, locate, latex_cache))  # KaTeX itself, one node process
    return entries, problems


def check_glossary(
    paths: Sequence[str], documents: Sequence[Document], *, latex_cache: Path | None = None
) -> tuple[dict[str, Entry], list[Problem]]:
    """Both stages on documents already in memory (the pipeline runs them apart, in parallel)."""
    by_path = {doc.path: doc for doc in documents}
    return check_across(paths, [check_file(doc) for doc in documents], by_path.__getitem__, latex_cache=latex_cache)


def _slug_collisions(paths: Sequence[str]) -> list[Problem]:
    groups: dict[str, list[str]] = defaultdict(list)
    for path in paths:
        groups[normalise_name(slug_of(path))].append(path)
    problems = []
    for group in groups.values():
        if len(group) > 1:
            # a valid slug keeps its address; the look-alikes (MARGIN, full-width m) are told to move
            ordered = sorted(group, key=lambda path: (not is_slug(slug_of(path)), path))
            for path in ordered[1:]:
                problems.append(
                    Problem(
                        path,
                        Mark(1, 1),
                        "SLUG_COLLISION",
                        f"'{slug_of(path)}' collides with '{slug_of(ordered[0])}' "
                        "after case folding and Unicode normalisation",
                        "rename one file; two addresses that look alike confuse readers and links",
                    )
                )
    return problems


def _name_clashes(entries: Mapping[str, Entry], docs: Mapping[str, Document]) -> list[Problem]:
    owners: dict[str, list[tuple[str, str, str, int, str]]] = defaultdict(list)  # slug, role, field, index, name
    for slug, entry in entries.items():
        owners[normalise_name(entry.title)].append((slug, "title", "title", -1, entry.title))
        for field in ("aliases", "abbreviations"):
            for index, name in enumerate(getattr(entry, field)):
                owners[normalise_name(name)].append(
                    (slug, "alias" if field == "aliases" else "abbreviation", field, index, name)
                )
    problems = []
    for name, users in owners.items():
        if len(users) < 2 or len({user[0] for user in users}) < 2:
            continue
        # the entry whose title it is keeps the name; everyone else is told to drop it
        users.sort(key=lambda user: (user[1] != "title", user[0]))
        first_slug, first_role = users[0][:2]
        for slug, role, field, index, original in users[1:]:
            if slug == first_slug:
                continue
            doc = docs[slug]
            path: NodePath = (field,) if index < 0 else _item_path((field,), doc.data.get(field), original, index)
            problems.append(
                Problem(
                    doc.path,
                    doc.mark(path),
                    "NAME_CLASH",
                    f"'{name}' is used as {role} here and as {first_role} of '{first_slug}'",
                    "a name must lead to one entry: drop it here or there, or merge the entries",
                )
            )
    return problems


def _links(
    entries: Mapping[str, Entry], docs: Mapping[str, Document], fine_links: Mapping[str, tuple[str, ...]] | None = None
) -> list[Problem]:
    """Areas, relations and body links that lead nowhere, to the entry itself or to a conflict.

    `fine_links` holds, for entries whose body links are all slugs to other entries, their
    targets (found in the worker): those bodies need no scan unless a target is missing.
    """
    problems: list[Problem] = []
    slugs = list(entries)
    # canonical relation per unordered pair, from the smaller slug's point of view
    pairs: dict[tuple[str, str], tuple[str, str, str, str]] = {}  # type, then who stated it: slug, kind, target

    def dangling(doc: Document, path: NodePath, target: str, what: str, mark: Mark | None = None) -> None:
        nearest = closest_name(target, slugs, 70)
        problems.append(
            Problem(
                doc.path,
                mark or doc.mark(path),
                "DANGLING_LINK",
                f"{what} '{target}' does not exist",
                f"did you mean '{nearest}'?" if nearest else "check the slug, or create the entry with `glossary new`",
            )
        )

    for slug, entry in entries.items():
        for index, area in enumerate(entry.areas):
            if area == slug or area not in entries or entries[area].kind != "area":
                doc = docs[slug]
                path = _item_path(("areas",), doc.data.get("areas"), area, index)
                if area == slug:
                    problems.append(
                        Problem(
                            doc.path, doc.mark(path), "SELF_LINK", "an area cannot list itself", "remove it from areas"
                        )
                    )
                elif area not in entries:
                    dangling(doc, path, area, "area")
                else:
                    problems.append(
                        Problem(
                            doc.path,
                            doc.mark(path),
                            "BAD_VALUE",
                            f"'{area}' is a {entries[area].kind}, not an area",
                            "list it under relations instead, or pick an area",
                        )
                    )
        for kind, targets in entry.relations.items():
            for index, target in enumerate(targets):
                if target == slug or target not in entries:
                    doc = docs[slug]
                    path = _relation_path(doc, kind, target, index)
                    if target == slug:
                        problems.append(
                            Problem(
                                doc.path,
                                doc.mark(path),
                                "SELF_LINK",
                                f"the entry lists itself under {kind}",
                                "remove it",
                            )
                        )
                    else:
                        dangling(doc, path, target, f"relations.{kind} target")
                    continue
                a, b, type_ = (slug, target, kind) if slug < target else (target, slug, RELATION_INVERSES[kind])
                previous = pairs.get((a, b))
                if previous is None:
                    pairs[(a, b)] = (type_, slug, kind, target)
                elif previous[0] != type_:
                    doc = docs[slug]
                    _, first_slug, first_kind, first_target = previous
                    problems.append(
                        Problem(
                            doc.path,
                            doc.mark(_relation_path(doc, kind, target, index)),
                            "RELATION_CONFLICT",
                            f"{kind} '{target}' conflicts with another statement about the same "
                            f"pair: '{first_slug}' states {first_kind} '{first_target}'",
                            "give a pair of entries one relation, stated consistently on both sides",
                        )
                    )
        known = fine_links.get(slug) if fine_links is not None else None
        if known is not None and all(target in entries for target in known):
            continue  # the common case: every body link leads to an entry
        wikilink_seen: dict[str, int] = defaultdict(int)
        reader: _EntryReader | None = None
        body = entry.body
        if not body and known:  # an outline of the entry (`pipeline.load_all(problems_only=True)`)
            found = docs[slug].data.get("body")
            body = found.strip() if isinstance(found, str) else ""
        for link in markup.iter_wikilinks(body):
            token = body[link.start : link.end]
            nth = wikilink_seen[token]
            wikilink_seen[token] += 1
            if is_slug(link.slug) and link.slug != slug and link.slug in entries:
                continue  # the common case: a good link needs no position
            doc = docs[slug]
            reader = reader or _EntryReader(doc)
            mark = reader.find_mark(("body",), token, nth)
            if not is_slug(link.slug):
                if "/" in link.slug or "\\" in link.slug or ".." in link.slug:
                    message, hint = (
                        f"link [[{link.slug}]] contains a path",
                        "link with the bare slug, such as [[margin-call]]",
                    )
                else:
                    message = f"link [[{link.slug}]] is not a slug"
                    hint = f"did you mean [[{slugify(link.slug)}]]?"
                problems.append(Problem(doc.path, mark, "BAD_SLUG", message, hint))
            elif link.slug == slug:
                problems.append(
                    Problem(
                        doc.path,
                        mark,
                        "SELF_LINK",
                        f"the body links to its own entry [[{slug}]]",
                        "remove the link or point it at another entry",
                    )
                )
            else:
                dangling(doc, ("body",), link.slug, "link target", mark)
    return problems


def _relation_path(doc: Document, kind: str, target: str, index: int) -> NodePath:
    return _item_path(("relations", kind), (doc.data.get("relations") or {}).get(kind), target, index)


def _near_duplicates(entries: Mapping[str, Entry], docs: Mapping[str, Document]) -> list[Problem]:
    """Titles that differ only by plural, hyphen, word order or a typo."""

    def key(title: str) -> str:
        words = re.findall(r"[a-z0-9]+", normalise_name(title))
        return " ".join(sorted(w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in words))

    buckets: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for slug, entry in entries.items():
        k = key(entry.title)
        buckets[k[:4]].append((slug, k))
    problems = []
    for group in buckets.values():
        keys = [k for _, k in group]
        for i, (slug_a, key_a) in enumerate(group[:-1]):
            # every later title of the group scored in one call (rapidfuzz's C loop), kept in order
            close = process.extract(key_a, keys[i + 1 :], scorer=fuzz.ratio, score_cutoff=94, limit=None)
            for j in sorted(index for _, _, index in close):
                slug_b = group[i + 1 + j][0]
                doc = docs[slug_b]
                problems.append(
                    Problem(
                        doc.path,
                        doc.mark(("title",)),
                        "NEAR_DUPLICATE",
                        f"title '{entries[slug_b].title}' is nearly the same as '{entries[slug_a].title}' ({slug_a})",
                        "if they are one idea, keep one entry and make the other name an alias",
                        Severity.WARNING,
                    )
                )
    return problems


def orphan_warnings(
    orphans: Iterable[str], entries: Mapping[str, Entry], docs: Mapping[str, Document]
) -> list[Problem]:
    problems = []
    for slug in orphans:
        doc = docs.get(slug)
        mark = doc.mark(("title",)) if doc else Mark(1, 1)
        problems.append(
            Problem(
                entries[slug].path,
                mark,
                "ORPHAN",
                "no other entry links here, so readers can only find it by search",
                "add it to a related entry's relations or link it from a body with [[" + slug + "]]",
                Severity.WARNING,
            )
        )
    return problems
