"""The site's own addresses, and the names entries, areas and tags therefore cannot take.

Entry pages live at `<kind>/<slug>/` and tag pages at `tags/<tag>/`, beside pages the
build makes itself: `area/index.md` (the list of areas) and `tags/index.md` (the list of
tags), so an area or a tag named `index` would take the list's address, or lose its own
page to it. The other names are the top-level pages and folders of the site: no entry,
area or tag collides with them today, because they all sit one folder down, but a name
such as `api` or `rev` for a tag is one change of address scheme from overwriting the
exports or the revision archive, and costs nobody anything to refuse.

`generator/render/site.py` builds the collection pages from the paths below, and
`tests/test_files_safety.py` checks that every top-level name a real build writes is in
RESERVED, so the list cannot fall behind the site.
"""

from __future__ import annotations

HOME = "index.md"
AREAS = "area/index.md"
A_TO_Z = "a-z.md"
TAGS = "tags/index.md"
GRAPH = "graph.md"
CALCULATORS = "calculators.md"
GRAPH_JSON = "graph.json"
PREVIEWS_JSON = "previews.json"
CALCULATORS_JSON = "calculators.json"
RECENT = "recent.md"  # "Recent changes": entries by modified date
FEED = "feed.xml"  # the Atom feed of the same

# Folders and pages made by others than render: /api/ (generator/export/formats.py), /rev/
# (generator/cite/record.py, history.py), /search/ (generator/search/site.py), MkDocs' own
# 404 page and sitemap, and the hand-written pages and folders of the docs_dir (site_src/).
_OTHERS = ("api", "rev", "search", "404", "sitemap", "assets", "reference", "about", "how-to-cite")


def tag_page(tag: str) -> str:
    """The page of one tag."""
    return f"tags/{tag}.md"


def _stem(path: str) -> str:
    """`tags/index.md` -> `tags`, `a-z.md` -> `a-z`, `graph.json` -> `graph`."""
    return path.split("/", 1)[0].split(".", 1)[0]


RESERVED: frozenset[str] = frozenset(
    {"index"}  # every folder's own page
    | {_stem(path) for path in (HOME, AREAS, A_TO_Z, TAGS, GRAPH, CALCULATORS, GRAPH_JSON, PREVIEWS_JSON, RECENT, FEED)}
    | set(_OTHERS)
)
