"""Entries, graph and computed examples -> Markdown pages, through the Jinja templates.

`render_site` is a pure function: the same `SiteData` always gives the same
`RenderedSite`, and nothing here reads YAML or touches the file system except the
templates. MkDocs receives `pages` in memory (`File.generated`); `files` are written
verbatim into the built site afterwards (raw Markdown copies, graph and preview JSON).

Only what needs Markdown is left to MkDocs: headings (for the table of contents) and
author text. The parts we generate are finished HTML (`{% filter html %}` blocks),
kept out of the Markdown as `Fragments` and put back after conversion
(`generator.render.fragments`). Entry pages are in `entry_pages`, the pages that list
them in `collection_pages`, what every page shares in `context`.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Collection, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from generator import site_paths as paths
from generator.calc.browser import calculators_json
from generator.compute.site_data import SiteData
from generator.render import math, revisions
from generator.render.changes import atom_feed, recent_page
from generator.render.collection_pages import (
    a_to_z_page,
    areas_page,
    calculators_page,
    graph_json,
    graph_page,
    home_page,
    previews_json,
    tag_page,
    tags_page,
)
from generator.render.context import Site, site_history
from generator.render.entry_pages import entry_page, raw_entry
from generator.render.environment import TEMPLATES_DIR, make_environment
from generator.render.escape import unmark_markdown
from generator.render.fragments import Fragments, PackedTexts, pack
from generator.render.paths import page_path
from generator.workers import ForkedResults, forked_map, worth_forking


@dataclass(frozen=True)
class RenderedSite:
    """`pages`: docs-relative path -> Markdown for MkDocs, with `fragments` of finished HTML
    held apart (see `Fragments`); `files`: site path -> text. Both held packed (`PackedTexts`):
    at 10,000 entries the pages are 68 MB as text."""

    pages: PackedTexts
    files: MutableMapping[str, str] = field(default_factory=PackedTexts)
    fragments: dict[str, Fragments] = field(default_factory=dict)
    site: Site | None = None  # the indexes the pages were made with (render_site's `reuse`)

    def source(self, path: str) -> str:
        """A page as one Markdown document, its HTML fragments inline (for reading and tests),
        an author's `<` and `{` as another engine would read them (`unmark_markdown`)."""
        text = unmark_markdown(self.pages[path])
        fragments = self.fragments.get(path)
        return fragments.inline(text) if fragments else text


def render_site(
    data: SiteData,
    templates_dir: Path = TEMPLATES_DIR,
    write: Callable[[str, str], None] | None = None,
    entries: Collection[str] | None = None,
    *,
    lists: bool = True,
    reuse: Site | None = None,
    environment: jinja2.Environment | None = None,
) -> RenderedSite:
    """Every generated page and post-build file of the site, from `data` alone.

    `write(site_path, text)`, if given, takes each entry's raw Markdown copy and version
    stub as soon as they are made (in the worker process that made them) instead of
    `files` holding them. `entries`, if given, limits the entry pages (with their raw
    copies and version stubs) to those slugs; every other page and file is made as always
    (a rebuild while serving knows which entry pages an edit can change). With `lists`
    false, only those entries' pages, stubs and earlier revisions are made, and the feed: no
    list page and no other site-wide file (an edit to an entry's prose alone changes nothing
    else). `reuse`, the
    `site` of an earlier call, lends this one what has not changed since (Site);
    `environment`, one from `make_environment(templates_dir)` made earlier, saves compiling
    the templates again (the caller knows they have not changed).
    """
    env = environment or make_environment(templates_dir)
    site = Site(data, reuse)
    pages: dict[str, str] = {}  # the pages made here; entry pages come packed (`_render_entries`)
    files = PackedTexts()
    fragments: dict[str, Fragments] = {}

    def add(path: str, page: tuple[str, Fragments | None]) -> None:
        pages[path], found = page
        if found is not None:
            fragments[path] = found

    pages_of = _EntryPages(env, site, write, entries)  # in worker processes, for a large glossary, from now on
    try:
        rendered = pages_of.here(summaries=lists)
        collections: list[tuple[str, tuple[str, Fragments | None]]] = []
        later_files = {paths.FEED: atom_feed(site)}  # each entry's id is its version's address: its text
        if lists:
            # the paths come from site_paths, which also reserves their names (no entry, area or tag takes one)
            collections = [
                (paths.HOME, home_page(env, site)),
                (paths.AREAS, areas_page(env, site)),
                (paths.A_TO_Z, a_to_z_page(env, site)),
                (paths.TAGS, tags_page(env, site)),
            ]
            collections += [(paths.tag_page(tag), tag_page(env, site, tag)) for tag in site.tags]
            collections += [(paths.GRAPH, graph_page(env, site)), (paths.CALCULATORS, calculators_page(env, site))]
            collections.append((paths.RECENT, recent_page(env, site)))
            later_files |= {
                paths.GRAPH_JSON: json.dumps(graph_json(site), ensure_ascii=False, separators=(",", ":")),
                paths.PREVIEWS_JSON: json.dumps(previews_json(site), ensure_ascii=False, separators=(",", ":")),
                paths.CALCULATORS_JSON: json.dumps(calculators_json(), ensure_ascii=False, separators=(",", ":")),
            }
        versions: dict[str, str] = {}
        stubs_for = (pages_of.slugs if entries is not None else site.entries) if write is None else None
        revised = None if lists else pages_of.slugs
        _add_versions_and_api(env, site, versions, later_files, stubs_for, fragments, revised)
        rendered.update(pages_of.from_workers())
    finally:
        pages_of.close()
    packed = PackedTexts()
    for slug in sorted(rendered):
        path, text, found, raw_path, raw = rendered[slug]
        packed.put_packed(path, text)
        if found is not None:
            fragments[path] = found
        if raw is not None:
            files.put_packed(raw_path, raw)
    for path, page in collections:
        add(path, page)
    pages.update(versions)
    files.update(later_files)
    _draw_math(pages, fragments)
    packed.update(pages)
    return RenderedSite(packed, files, fragments, site)


def _draw_math(pages: dict[str, str], fragments: dict[str, Fragments]) -> None:
    """Every page's math drawn by KaTeX, all of it in one node process, and handed to the
    pages' fragments; `pages` with math say so in their front matter (the theme then loads
    KaTeX's stylesheet, and only then): entry pages say so already (`_render_entries`)."""
    wanted = dict.fromkeys(key for found in fragments.values() for key in found.math)
    if not wanted:
        return
    drawn = math.draw(wanted, math.cache_path())
    for path, found in fragments.items():
        if found.math:
            fragments[path] = dataclasses.replace(found, drawn=drawn)
            if path in pages:
                pages[path] = math.flag_page(pages[path])


# Each entry page depends only on the shared indexes, so a large glossary's pages are
# rendered by forked worker processes that inherit them; the results come back as plain
# strings and packed bytes.
_PARALLEL_ENTRIES = 400  # below this, starting workers costs more than it saves
_CHUNK = 50
# page path, Markdown (packed), fragments, raw copy's path, raw copy (packed; None if written already)
RenderedEntry = tuple[str, bytes, Fragments | None, str, bytes | None]


class _EntryPages:
    """The entry pages. For a large glossary, worker processes start on them at once: all
    but the area pages, which list their members with summaries. Meanwhile this process
    converts the summaries (once, not again in each worker) and renders the area pages
    (`here`) and the lists of entries, then collects the workers' pages (`from_workers`)."""

    def __init__(
        self,
        env: jinja2.Environment,
        site: Site,
        write: Callable[[str, str], None] | None,
        only: Collection[str] | None = None,
    ) -> None:
        self.env, self.site, self.write = env, site, write
        if only is None:
            slugs = sorted(site.entries)
        else:
            slugs = sorted(set(only) & site.entries.keys())
        self.slugs = slugs
        self._workers: ForkedResults[dict[str, RenderedEntry]] | None = None
        self._here = slugs
        if worth_forking(len(slugs), _PARALLEL_ENTRIES):
            site.graph.centrality  # noqa: B018 - computed once here, not once per worker
            site.names.prepare()  # likewise
            self._here = [slug for slug in slugs if site.entries[slug].kind == "area"]
            away = [slug for slug in slugs if site.entries[slug].kind != "area"]
            chunks = [away[i : i + _CHUNK] for i in range(0, len(away), _CHUNK)]
            self._workers = forked_map(lambda chunk: _render_entries(env, site, chunk, write), chunks)

    def here(self, *, summaries: bool = True) -> dict[str, RenderedEntry]:
        if summaries:
            for slug in self.site.entries:  # the lists made here need them all
                self.site.converted_summary(slug)
        return _render_entries(self.env, self.site, self._here, self.write)

    def from_workers(self) -> dict[str, RenderedEntry]:
        return {slug: entry for chunk in self._workers or () for slug, entry in chunk.items()}

    def close(self) -> None:
        if self._workers is not None:
            self._workers.close()


def _render_entries(
    env: jinja2.Environment, site: Site, slugs: list[str], write: Callable[[str, str], None] | None
) -> dict[str, RenderedEntry]:
    out = {}
    for slug in slugs:
        entry = site.entries[slug]
        path, raw_path = page_path(entry), entry.url_path + "index.md"
        text, found = entry_page(env, site, entry, path)
        if found is not None and found.math:  # as `_draw_math` marks the other pages
            text = math.flag_page(text)
        raw = raw_entry(env, site, entry)
        if write is not None:
            write(raw_path, raw)
            write(*revisions.version_stub(entry, site.records[slug]))
        out[slug] = (path, pack((text,)), found, raw_path, None if write is not None else pack((raw,)))
    return out


def _add_versions_and_api(
    env: jinja2.Environment,
    site: Site,
    pages: dict[str, str],
    files: MutableMapping[str, str],
    stubs_for: Collection[str] | None,
    fragments: dict[str, Fragments],
    revised: Collection[str] | None = None,
) -> None:
    """Pages of earlier revisions and, into `files`, forwarding stubs at the current versions'
    addresses of the entries `stubs_for` (None: the entries' pages wrote them). Earlier
    revisions of the entries `revised` only, if given.

    The /api/ exports are not made here: they are written straight to disk after the
    build (`export.write_site_files`), so a large glossary's JSON is never held whole.
    """
    found = site_history(site)
    pages.update(
        revisions.revision_pages(
            env,
            entries=site.entries,
            only=revised,
            history=found,
            names=site.names,
            titles=site.titles,
            site_url=site.config.base,
            site_name=site.config.site_name,
            day=site.config.build_day,
            fragments=fragments,
        )
    )
    if stubs_for is not None:
        chosen = {slug: site.entries[slug] for slug in stubs_for}
        files.update(revisions.current_version_stubs(chosen, site_url=site.config.base, records=site.records))
