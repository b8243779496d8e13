"""What every page is rendered with: the site's shared indexes (`Site`), one page's
links and autolink state (`Page`), and front matter.

Each page's Markdown links are relative `.md` links (see `generator.render.paths`);
summaries shown in lists are converted to HTML once, with Python-Markdown set up as
MkDocs sets it up, and their links made final for each folder they are shown from.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from markupsafe import Markup, escape

from generator.cite import record as cite
from generator.compute.site_data import SiteData
from generator.history import revisions as history
from generator.render import math
from generator.render.autolink import NameIndex, link_text, render_markdown
from generator.render.environment import TEMPLATES_DIR, kind_badge
from generator.render.escape import escape_html_line, unmark_html
from generator.render.fragments import MARK, MARKER, MARKER_RUN, Fragments
from generator.render.metadata import head_html
from generator.render.paths import final_links, page_path, relative, relpath, url_between, url_dir


class Page:
    """Helpers bound to one page: links from it, and its once-per-page autolink state."""

    def __init__(self, site: Site, path: str) -> None:
        self.site = site
        self.path = path
        self.linked: set[str] = set()
        self.fragments: list[str] = []
        self._folder = posixpath.dirname(path) or "."  # where Markdown links start
        self._url_dir = "/" + url_dir(path)  # where the page is served, for final URLs
        self._links: dict[str, Markup] = {}  # slug -> `a(slug)`: relations and backlinks overlap

    def href(self, slug: str) -> str:
        """Link to an entry for Markdown (MkDocs checks and rewrites it)."""
        return relpath(self.site.paths[slug], self._folder)

    def to(self, target: str) -> str:
        return relpath(target, self._folder)

    def url(self, target: str) -> str:
        """Final URL of a docs path, for finished HTML."""
        return url_between(self._url_dir, "/" + url_dir(target))

    def a(self, slug: str) -> Markup:
        """An HTML link to an entry, for finished HTML."""
        found = self._links.get(slug)
        if found is None:
            url = escape(self.url(self.site.paths[slug]))
            found = self._links[slug] = Markup(f'<a href="{url}">{self.site.titles_html[slug]}</a>')
        return found

    def links(self, slugs: Iterable[str], separator: str) -> Markup:
        """HTML links to entries, one after the other: `page.links(slugs, " · ")`."""
        return Markup(str(escape(separator)).join([self.a(slug) for slug in slugs]))

    def stash(self, html: str) -> Markup:
        """Keep finished HTML out of the Markdown: a marker now, a placeholder after `seal`."""
        self.fragments.append(str(html).strip("\n"))
        return Markup(f"\n\n{MARK}{len(self.fragments) - 1}\x00\n\n")

    def seal(self, text: str) -> tuple[str, Fragments | None]:
        """The page's Markdown with its markers as placeholder paragraphs, and the fragments."""
        if not self.fragments and not math.has_math(text):
            return text, None
        prefix = math.unused_prefix([text, *self.fragments])  # author text holding our word: another
        merged: list[str] = []

        def place(run: re.Match[str]) -> str:
            # Markers with only blank lines between them become one placeholder: the HTML of
            # consecutive paragraphs is joined by one newline, so the page comes out the same,
            # and Python-Markdown has fewer paragraphs to parse.
            merged.append("\n".join(self.fragments[int(n)] for n in MARKER.findall(run.group(0))))
            return f"{prefix}{len(merged) - 1}"

        text = MARKER_RUN.sub(place, text)
        text, merged, keys = math.place(prefix, text, merged)  # math drawn at build time, put back after
        return text, Fragments.of(prefix, merged, keys)

    def md(self, text: str, *, self_slug: str | None = None, autolink: bool = True) -> Markup:
        """Author Markdown made safe, wikilinks resolved, first mentions linked."""
        return Markup(
            render_markdown(
                text.replace("\x00", ""),
                self_slug=self_slug,
                index=self.site.names,
                titles=self.site.titles,
                href_for=self.href,
                linked=self.linked,
                autolink=autolink,
                math=math.segment_marker,
            )
        )

    def entry_link(self, slug: str) -> Markup:
        entry = self.site.entries[slug]
        return Markup(f"[{link_text(entry.title)}]({escape(self.href(slug))})")

    def item(self, slug: str, with_summary: bool = True) -> Markup:
        """One entry of a list, as finished HTML: link, kind badge and summary."""
        html = f"<li>{self.a(slug)} {kind_badge(self.site.entries[slug].kind)}"
        if with_summary:
            html += f"<br>{self.site.summary_html(slug, self.path)}"
        return Markup(html + "</li>")


# Summaries converted to HTML, by Markdown settings and text: the same conversion for the
# same text, so a rebuild in the same process reuses them.
_CONVERTED: dict[tuple[str, str], str] = {}
_CONVERTED_KEPT = 50_000


class Site:
    """Indexes over the entries that every page needs."""

    def __init__(self, data: SiteData, reuse: Site | None = None) -> None:
        """`reuse`, the Site of an earlier build of the same site (`glossary serve` patching
        it after an edit), lends what depends only on what has not changed: the name index
        when no entry's names changed, and each unchanged entry's citation record and
        converted summary (an unchanged entry is the very same object)."""
        self.data = data
        self.entries = data.entries
        self.graph = data.graph
        self.config = data.config
        if reuse is not None and (reuse.config != data.config or reuse.entries.keys() != data.entries.keys()):
            reuse = None
        same_names = reuse is not None and all(
            entry is reuse.entries[slug] or entry.names == reuse.entries[slug].names
            for slug, entry in data.entries.items()
        )
        self.names: NameIndex = (
            reuse.names if reuse is not None and same_names else NameIndex.build(data.entries.values())
        )
        self.titles = {slug: entry.title for slug, entry in data.entries.items()}
        self.titles_html = {slug: escape(title) for slug, title in self.titles.items()}
        self.paths = {slug: page_path(entry) for slug, entry in data.entries.items()}  # docs paths
        kept = {slug for slug, entry in data.entries.items() if reuse is not None and entry is reuse.entries[slug]}
        self.records: dict[str, cite.CitationRecord] = {
            slug: reuse.records[slug]
            if reuse is not None and slug in kept
            else cite.CitationRecord.from_entry(entry, site_url=self.config.base, site_name=self.config.site_name)
            for slug, entry in data.entries.items()
        }
        self.urls = {slug: record.url for slug, record in self.records.items()}  # absolute entry URLs
        self.areas = sorted((e for e in data.entries.values() if e.kind == "area"), key=lambda e: e.title.casefold())
        tags: dict[str, list[str]] = defaultdict(list)
        for slug, entry in data.entries.items():
            for tag in entry.tags:
                tags[tag].append(slug)
        self.tags = {tag: self.by_title(slugs) for tag, slugs in sorted(tags.items())}
        self._summaries: dict[tuple[str, str], Markup] = {}
        self._converted: dict[str, str] = {}
        if reuse is not None and same_names:  # a summary's links depend on the names alone
            self._converted = {slug: html for slug, html in reuse._converted.items() if slug in kept}
            self._summaries = {key: html for key, html in reuse._summaries.items() if key[0] in kept}
        self._markdown: Any = None

    def summary_html(self, slug: str, from_page: str) -> Markup:
        """An entry's summary as finished HTML for a list on `from_page`.

        The same summary appears on the A–Z page, in every tag and area it belongs to and
        on the home page. It is converted once; only its links, which depend on the folder
        they start from, are made final for each folder.
        """
        key = (slug, url_dir(from_page))
        found = self._summaries.get(key)
        if found is None:
            home = self.paths[slug]  # links are written from the entry's own page
            found = self._summaries[key] = Markup(final_links(self.converted_summary(slug), from_page, home))
        return found

    def converted_summary(self, slug: str) -> str:
        """An entry's summary as HTML, its links still relative `.md` paths from its own page."""
        html = self._converted.get(slug)
        if html is None:
            home = self.paths[slug]
            text = render_markdown(
                self.entries[slug].summary,
                self_slug=None,
                index=self.names,
                titles=self.titles,
                linked=set(),
                autolink=False,
                href_for=lambda target: relative(home, self.paths[target]),
                math=math.segment_marker,
            )
            html = self._converted[slug] = math.convert_around(text, self._to_html)
        return html

    def _to_html(self, markdown_text: str) -> str:
        """Python-Markdown as MkDocs sets it up; one paragraph comes back inline, as a list
        item holds it. Links to `.md` pages are left for `final_links`. A summary unchanged
        since the last build in this process (`glossary serve`) is not converted again."""
        key = (self._settings_key(), markdown_text)
        found = _CONVERTED.get(key)
        if found is None:
            if len(_CONVERTED) >= _CONVERTED_KEPT:
                _CONVERTED.clear()
            found = _CONVERTED[key] = self._convert(markdown_text)
        return found

    def _settings_key(self) -> str:
        return repr((self.config.markdown_extensions, sorted(self.config.mdx_configs.items())))

    def _convert(self, markdown_text: str) -> str:
        if self._markdown is None:
            import markdown

            extensions, configs = self.config.markdown_extensions, self.config.mdx_configs
            if not extensions:
                from mkdocs.config import load_config

                loaded = load_config(str(TEMPLATES_DIR.parent / "mkdocs.yml"))
                extensions, configs = tuple(loaded.markdown_extensions), loaded.mdx_configs
            self._markdown = markdown.Markdown(extensions=list(extensions), extension_configs=dict(configs))
        self._markdown.reset()
        html = unmark_html(self._markdown.convert(markdown_text))
        if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
            html = html[3:-4]
        return html

    def by_title(self, slugs: Iterable[str]) -> list[str]:
        return sorted(set(slugs), key=lambda s: self.entries[s].title.casefold())

    def url(self, path: str) -> str:
        """Absolute URL of a docs path (`term/x.md` -> https://site/term/x/)."""
        if path == "index.md":
            return self.config.base
        stem = path[: -len(".md")]
        if stem.endswith("/index"):
            stem = stem[: -len("/index")]
        return self.config.base + stem + "/"


def front_matter(
    title: str, description: str, head: str = "", hide: Iterable[str] = (), meta: Mapping[str, str] | None = None
) -> str:
    """YAML front matter. Title and description are HTML-escaped: the theme prints them raw.

    `meta`: more keys for the theme (`glossary_modified` for the sitemap's lastmod,
    `glossary_source` for the edit link), each a JSON string, so YAML reads it as written.
    Every generated page says `glossary_source`: its entry's file in terms/, or "" for a
    page with no file to edit (so no "Edit this page" at a generated Markdown file).
    """
    meta = {"glossary_source": "", **(meta or {})}
    lines = [
        "---",
        f"title: {json.dumps(escape_html_line(title), ensure_ascii=False)}",
        f"description: {json.dumps(escape_html_line(description), ensure_ascii=False)}",
    ]
    if head:
        lines.append(f"glossary_head: {json.dumps(head, ensure_ascii=False)}")
    for key, value in meta.items():
        lines.append(f"{key}: {json.dumps(value, ensure_ascii=False)}")
    hidden = list(hide)
    if hidden:
        lines.append(f"hide: {json.dumps(hidden)}")
    lines.append("---")
    return "\n".join(lines) + "\n\n"


def plain_head(site: Site, path: str, title: str, description: str, jsonld: Mapping[str, Any] | None) -> str:
    return head_html(
        record=None,
        site_name=site.config.site_name,
        title=title,
        description=description,
        url=site.url(path),
        jsonld=jsonld,
    )


def site_history(site: Site) -> Any:
    """The revision history the hooks collected (SiteData.extra["history"]), or none."""
    return site.data.extra.get("history") or history.no_history("this build did not read git history")
