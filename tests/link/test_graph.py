"""The cross-reference graph: inverses, backlinks, membership, orphans, centrality."""

from __future__ import annotations

from generator.link.graph import build_graph
from generator.model import Entry


def entry(
    slug: str,
    kind: str = "definition",
    body: str = "",
    areas: tuple[str, ...] = ("area",),
    **relations: tuple[str, ...],
) -> Entry:
    return Entry(
        slug=slug,
        path=f"terms/{slug}.yaml",
        title=slug.replace("-", " ").title(),
        kind=kind,
        summary="s.",
        body=body,
        areas=areas if kind != "area" else (),
        relations=dict(relations),
    )


def sample() -> dict[str, Entry]:
    entries = [
        entry("area", kind="area"),
        entry("liquidation", kind="term"),
        entry("liquidation-price", broader=("liquidation",), uses=("maintenance-margin",)),
        entry("maintenance-margin", related=("liquidation",)),
        entry("long-position", contrasts=("short-position",), body="Opposite of [[short-position]]."),
        entry("short-position"),
        entry("margin-call", related=("liquidation",)),
        entry("lonely"),
    ]
    return {e.slug: e for e in entries}


def test_inverse_relations_appear_on_the_other_side() -> None:
    graph = build_graph(sample())
    assert graph.relations("liquidation") == {
        "narrower": ("liquidation-price",),
        "related": ("maintenance-margin", "margin-call"),
    }
    assert graph.relations("maintenance-margin") == {"related": ("liquidation",), "used_by": ("liquidation-price",)}
    assert graph.relations("short-position") == {"contrasts": ("long-position",)}


def test_backlinks_count_relations_and_body_links_but_not_inverses() -> None:
    graph = build_graph(sample())
    assert graph.backlinks("short-position") == ("long-position",)
    assert graph.backlinks("liquidation") == ("liquidation-price", "maintenance-margin", "margin-call")
    assert graph.backlinks("liquidation-price") == ()


def test_members_orphans_and_components() -> None:
    graph = build_graph(sample())
    assert "lonely" in graph.members("area")
    assert "lonely" in graph.orphans and "liquidation-price" in graph.orphans
    assert "area" not in graph.orphans  # an area with members is reachable from its members
    assert len(graph.components) == 1  # membership joins everything


def test_centrality_ranks_the_hub_first_and_areas_do_not_dominate() -> None:
    graph = build_graph(sample())
    ranking = graph.ranked()
    assert ranking[0] == "liquidation"
    assert graph.ranked(kind="area") == ["area"]
    assert abs(sum(graph.centrality.values()) - 1.0) < 1e-6


def test_json_export_and_neighbourhood() -> None:
    graph = build_graph(sample())
    data = graph.to_json()
    assert {n["id"] for n in data["nodes"]} == set(sample())
    pairs = {(link["source"], link["target"], link["type"]) for link in data["links"]}
    assert ("liquidation-price", "liquidation", "broader") in pairs
    assert not any(t == "member_of" for _, _, t in pairs)
    local = graph.neighbourhood_json("liquidation")
    assert {n["id"] for n in local["nodes"]} == {
        "liquidation",
        "liquidation-price",
        "maintenance-margin",
        "margin-call",
    }


def test_wikilink_text_may_wrap_across_lines() -> None:
    from generator.markup import iter_wikilinks

    links = list(
        iter_wikilinks("See [[margin-call|the call\nfrom the broker]] and [[liquidation]].\n```\n[[in-code]]\n```")
    )
    assert [(link.slug, link.text) for link in links] == [
        ("margin-call", "the call from the broker"),
        ("liquidation", None),
    ]


def test_centrality_is_computed_only_when_asked_for() -> None:
    graph = build_graph(sample())
    assert "centrality" not in vars(graph)  # validation builds graphs and never needs PageRank
    assert graph.centrality is graph.centrality


def test_neighbourhoods_are_the_whole_graph_cut_down() -> None:
    """Each local graph equals the full graph's JSON restricted to the entry and its neighbours."""
    graph = build_graph(sample())
    full = graph.to_json()
    for slug in sample():
        local = graph.neighbourhood_json(slug)
        keep = {n["id"] for n in local["nodes"]}
        links = [link for link in full["links"] if link["source"] in keep and link["target"] in keep]
        assert local["links"] == links
        assert [n["id"] for n in local["nodes"]] == sorted(keep)
        near = {e.target for e in graph.edges if e.source == slug and e.type not in ("member_of", "has_member")}
        assert keep == {slug} | near
