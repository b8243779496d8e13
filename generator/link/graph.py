"""The cross-reference graph: typed edges, inverses, backlinks, components, centrality.

Authors state one side of a relation; this stage adds the other, so both pages show it.
Three sources of edges feed one graph: stated relations (and their inverses), `[[links]]`
in bodies, and area membership. Everything here is computed once per build and is
read-only afterwards.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from generator import markup
from generator.model import RELATION_INVERSES, RELATION_TYPES, Edge, Entry

LINKS_TO = "links_to"
MEMBER_OF = "member_of"
HAS_MEMBER = "has_member"
_PAGERANK_DAMPING = 0.85
_PAGERANK_ITERATIONS = 100
_PAGERANK_TOLERANCE = 1e-10


@dataclass(frozen=True)
class Graph:
    entries: Mapping[str, Entry]
    edges: tuple[Edge, ...]
    components: tuple[frozenset[str], ...]
    orphans: tuple[str, ...]
    _out: dict[str, dict[str, tuple[str, ...]]] = field(repr=False, default_factory=dict)
    _backlinks: dict[str, tuple[str, ...]] = field(repr=False, default_factory=dict)
    _members: dict[str, tuple[str, ...]] = field(repr=False, default_factory=dict)
    # Undirected neighbours over relations and body links (what centrality and local graphs use).
    _adjacent: dict[str, frozenset[str]] = field(repr=False, default_factory=dict)
    # Stated edges other than membership, by source, in `edges` order: the links graphs draw.
    _drawn: dict[str, tuple[Edge, ...]] = field(repr=False, default_factory=dict)

    @cached_property
    def centrality(self) -> dict[str, float]:
        """PageRank per slug, computed on first use: validation never needs it."""
        return _pagerank(self.entries, self._adjacent)

    def relations(self, slug: str) -> dict[str, tuple[str, ...]]:
        """Relation type -> related slugs (stated and inferred), in RELATION_TYPES order."""
        return self._out.get(slug, {})

    def backlinks(self, slug: str) -> tuple[str, ...]:
        """Entries whose stated relations or body links point here, by title."""
        return self._backlinks.get(slug, ())

    def neighbours(self, slug: str) -> frozenset[str]:
        """The entries related to or linked with `slug`, either way: whose pages show it."""
        return self._adjacent.get(slug, frozenset())

    def members(self, area: str) -> tuple[str, ...]:
        return self._members.get(area, ())

    def ranked(self, kind: str | None = None) -> list[str]:
        """Slugs by centrality, most central first; ties broken by title for stable pages."""
        slugs = [s for s, e in self.entries.items() if kind is None or e.kind == kind]
        return sorted(slugs, key=lambda s: (-self.centrality.get(s, 0.0), self.entries[s].title.casefold()))

    def with_entries(self, entries: Mapping[str, Entry]) -> Graph:
        """This graph over other objects for the same entries, whose relations, areas, body
        links and titles (what the graph is made from and sorted by) are the same: the
        graph an edit to anything else leaves (`glossary serve` patching the site)."""
        same = dataclasses.replace(self, entries=entries)
        if "centrality" in self.__dict__:  # PageRank depends on the links alone
            same.__dict__["centrality"] = self.__dict__["centrality"]
        return same

    def to_json(self) -> dict[str, Any]:
        return self._subgraph_json(set(self.entries))

    def neighbourhood_json(self, slug: str, depth: int = 1) -> dict[str, Any]:
        """The entry, its neighbours within `depth` steps (relations and links), and edges among them.

        Read from the adjacency lists alone, so the cost follows the neighbourhood, not the graph.
        """
        keep = {slug}
        frontier = {slug}
        for _ in range(depth):
            frontier = {n for s in frontier for n in self._adjacent.get(s, ())} - keep
            keep |= frontier
        return self._subgraph_json(keep)

    def _subgraph_json(self, keep: set[str]) -> dict[str, Any]:
        degree: dict[str, int] = defaultdict(int)
        links = []
        seen: set[tuple[str, str]] = set()
        ordered = sorted(keep)  # sources in order, each source's edges in order: `edges` order
        for source in ordered:
            for edge in self._drawn.get(source, ()):
                if edge.target not in keep:
                    continue
                pair = (source, edge.target) if source < edge.target else (edge.target, source)
                if pair in seen:
                    continue
                seen.add(pair)
                degree[source] += 1
                degree[edge.target] += 1
                links.append({"source": source, "target": edge.target, "type": edge.type})
        centrality = self.centrality
        nodes = [
            {
                "id": slug,
                "title": entry.title,
                "kind": entry.kind,
                "url": entry.url_path,
                "areas": list(entry.areas),
                "degree": degree.get(slug, 0),
                "centrality": round(centrality.get(slug, 0.0), 6),
            }
            for slug in ordered
            for entry in [self.entries.get(slug)]
            if entry is not None
        ]
        return {"nodes": nodes, "links": links}


Links = Mapping[str, Sequence[str]]  # slug -> its body's [[link]] targets, when already known


def _body_links(entry: Entry, links: Links | None) -> Iterable[str]:
    known = links.get(entry.slug) if links is not None else None
    return known if known is not None else (link.slug for link in markup.iter_wikilinks(entry.body))


def find_orphans(entries: Mapping[str, Entry], links: Links | None = None) -> tuple[str, ...]:
    """Entries nothing links to (by relation or body link); an area with members is never one.

    Kept apart from `build_graph` so that validation, which needs only this, stays cheap.
    """
    linked: set[str] = set()
    with_members: set[str] = set()
    for slug, entry in entries.items():
        for targets in entry.relations.values():
            linked.update(t for t in targets if t != slug)
        linked.update(t for t in _body_links(entry, links) if t != slug)
        with_members.update(a for a in entry.areas if a != slug)
    return tuple(
        slug
        for slug, entry in sorted(entries.items())
        if slug not in linked and not (entry.kind == "area" and slug in with_members)
    )


def build_graph(entries: Mapping[str, Entry], links: Links | None = None) -> Graph:
    """Edges from relations, body links and areas; dangling targets are skipped (check reports them).

    `links` gives body link targets already found (the checker's workers find them), so
    bodies need not be scanned again.
    """
    edges: dict[tuple[str, str, str], Edge] = {}

    def add(source: str, target: str, type_: str, stated: bool) -> None:
        key = (source, target, type_)
        if key not in edges or (stated and not edges[key].stated):
            edges[key] = Edge(source, target, type_, stated)

    for slug, entry in entries.items():
        for type_, targets in entry.relations.items():
            for target in targets:
                if target in entries and target != slug:
                    add(slug, target, type_, True)
                    add(target, slug, RELATION_INVERSES[type_], False)
        for target in _body_links(entry, links):
            if target in entries and target != slug:
                add(slug, target, LINKS_TO, True)
        for area in entry.areas:
            if area in entries and area != slug:
                add(slug, area, MEMBER_OF, True)
                add(area, slug, HAS_MEMBER, False)

    edge_list = tuple(sorted(edges.values(), key=lambda e: (e.source, e.type, e.target)))
    out: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    inbound: dict[str, set[str]] = defaultdict(set)
    members: dict[str, list[str]] = defaultdict(list)
    adjacent: dict[str, set[str]] = defaultdict(set)
    drawn: dict[str, list[Edge]] = defaultdict(list)
    for edge in edge_list:
        if edge.type in RELATION_INVERSES:
            out[edge.source][edge.type].append(edge.target)
        if edge.type in RELATION_INVERSES or edge.type == LINKS_TO:
            adjacent[edge.source].add(edge.target)
            adjacent[edge.target].add(edge.source)
        if edge.stated and edge.type != MEMBER_OF:
            inbound[edge.target].add(edge.source)
            drawn[edge.source].append(edge)
        if edge.type == HAS_MEMBER:
            members[edge.source].append(edge.target)

    def by_title(slugs: Iterable[str]) -> tuple[str, ...]:
        return tuple(sorted(set(slugs), key=lambda s: entries[s].title.casefold()))

    relations = {slug: {t: by_title(types[t]) for t in RELATION_TYPES if types.get(t)} for slug, types in out.items()}
    backlinks = {slug: by_title(sources) for slug, sources in inbound.items()}
    member_map = {area: by_title(slugs) for area, slugs in members.items()}
    orphans = find_orphans(entries, links)
    return Graph(
        entries=entries,
        edges=edge_list,
        components=_components(entries, edge_list),
        orphans=orphans,
        _out=relations,
        _backlinks=backlinks,
        _members=member_map,
        _adjacent={slug: frozenset(near) for slug, near in adjacent.items()},
        _drawn={slug: tuple(found) for slug, found in drawn.items()},
    )


def _pagerank(entries: Mapping[str, Entry], adjacent: Mapping[str, frozenset[str]]) -> dict[str, float]:
    """PageRank over relations and body links, treated as undirected.

    Area membership is left out: otherwise the areas, which everything joins, would
    outrank the concepts people come to read about.
    """
    nodes = list(entries)
    if not nodes:
        return {}
    index = {slug: i for i, slug in enumerate(nodes)}
    neighbours: list[tuple[int, ...]] = [tuple(index[s] for s in adjacent.get(slug, ())) for slug in nodes]
    n = len(nodes)
    rank = [1.0 / n] * n
    for _ in range(_PAGERANK_ITERATIONS):
        dangling = sum(rank[i] for i in range(n) if not neighbours[i])
        base = (1 - _PAGERANK_DAMPING) / n + _PAGERANK_DAMPING * dangling / n
        new = [base] * n
        for i, targets in enumerate(neighbours):
            if targets:
                share = _PAGERANK_DAMPING * rank[i] / len(targets)
                for j in targets:
                    new[j] += share
        delta = sum(abs(a - b) for a, b in zip(new, rank))
        rank = new
        if delta < _PAGERANK_TOLERANCE:
            break
    return {slug: rank[index[slug]] for slug in nodes}


def _components(entries: Mapping[str, Entry], edges: tuple[Edge, ...]) -> tuple[frozenset[str], ...]:
    parent = {slug: slug for slug in entries}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for edge in edges:
        a, b = find(edge.source), find(edge.target)
        if a != b:
            parent[a] = b
    groups: dict[str, set[str]] = defaultdict(set)
    for slug in entries:
        groups[find(slug)].add(slug)
    return tuple(sorted((frozenset(g) for g in groups.values()), key=lambda g: (-len(g), min(g))))
