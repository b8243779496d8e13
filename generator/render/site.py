"""Entries, graph and computed examples -> Markdown pages, through the Jinja templates.

`render_site` is a pure function: the same `SiteData` always gives the same
`RenderedSite`, and nothing here reads YAML or touches the file system except the
templates. MkDocs receives `pages` in memory (`File.generated`); `files` are written
verbatim into the built site afterwards (raw Markdown copies, graph and preview JSON).

Only what needs Markdown is left to MkDocs: headings (for the table of contents) and
author text. The parts we generate are finished HTML (`{% filter html %}` blocks),
kept out of the Markdown as `Fragments` and put back after conversion: Python-Markdown
parses raw HTML slowly, and it has nothing to do for it. Links in Markdown are relative
`.md` links, which MkDocs checks in strict mode and rewrites; links in the finished HTML
are final relative URLs for `use_directory_urls: true`.
"""

from __future__ import annotations

import functools
import json
import posixpath
import re
import secrets
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from generator.cite import record as cite
from generator.history import revisions as history
from generator.render import revisions
from generator import site_paths as paths
from generator.workers import ForkedResults, forked_map, worth_forking
from generator.render.autolink import NameIndex, link_text, render_markdown
from generator.calc.parse import format_number
from generator.render.escape import escape_html_line, escape_markdown_prose, escape_math, plain_markdown
from generator.render.metadata import entry_jsonld, head_html
from generator import settings
from generator.model import RELATION_TYPES, Entry
from generator.render.sanitize import safe_href
from generator.compute.site_data import SiteData, WorkedExample

TEMPLATES_DIR = settings.TEMPLATES_DIR

RELATION_LABELS: dict[str, str] = {
    "broader": "Broader",
    "narrower": "Narrower",
    "related": "Related",
    "contrasts": "Contrasts with",
    "uses": "Uses",
    "used_by": "Used by",
}
KIND_LABELS: dict[str, str] = {"term": "Article", "definition": "Definition", "area": "Area"}
KIND_PLURALS: dict[str, str] = {"term": "Articles", "definition": "Definitions", "area": "Areas"}
FACET_ORDER = ("Capital", "Calculation", "Consequence")
CENTRAL_ON_HOME = 12
CENTRAL_IN_AREA = 6
# A fragment's marker in a rendered template: NUL, a token drawn afresh for each process
# that renders, the fragment's number, NUL. Author text cannot forge one: it would have to
# guess the token (and entries cannot hold NUL at all).
_TOKEN = secrets.token_hex(8)
_MARK = f"\x00{_TOKEN}"
_MARKER = re.compile(rf"\x00{_TOKEN}(\d+)\x00")
_MARKER_RUN = re.compile(rf"\x00{_TOKEN}\d+\x00(?:\n+\x00{_TOKEN}\d+\x00)*")  # only blank lines between
_ELEMENT_ID = re.compile(r'\sid="([^"]*)"')  # the templates quote attributes with "
_MD_HREF = re.compile(r'href="(?![a-z][a-z0-9+.-]*:|/|#)([^"#?]*\.md)(#[^"]*)?"')  # relative links to pages


def _pack(texts: Iterable[str]) -> bytes:
    """Texts in one compressed block, framed by their lengths: no character of theirs, NUL
    included, can be read as a boundary. zlib at its fastest level: generated HTML and
    exports shrink five- to tenfold, which keeps a 10,000-entry build in memory."""
    encoded = [text.encode("utf-8") for text in texts]
    header = " ".join(str(len(part)) for part in encoded).encode("ascii")
    return zlib.compress(header + b"\n" + b"\n".join(encoded), 1)


def _unpack(packed: bytes) -> list[str]:
    data = zlib.decompress(packed)
    end = data.index(b"\n")
    out, at = [], end + 1
    for size in map(int, data[:end].split()):
        out.append(data[at:at + size].decode("utf-8"))
        at += size + 1
    return out


@dataclass(frozen=True, slots=True)
class Fragments:
    """Finished HTML kept out of one page's Markdown; the paragraph `{prefix}{n}` stands for fragment n.

    `prefix` occurs nowhere else in the page, so author text cannot call a fragment up.
    The fragments are held compressed until the page is written.
    """

    prefix: str
    packed: bytes
    ids: frozenset[str] = frozenset()  # the element ids in the fragments: anchors of the page

    @classmethod
    def of(cls, prefix: str, html: Iterable[str]) -> Fragments:
        html = list(html)
        ids = frozenset(unescape(found) for part in html for found in _ELEMENT_ID.findall(part))
        return cls(prefix, _pack(html), ids)

    @property
    def html(self) -> list[str]:
        return _unpack(self.packed)

    def restore(self, html: str, finish: Callable[[str], str] = str) -> str:
        """The converted page with each placeholder paragraph `<p>{prefix}{n}</p>` replaced.

        Only whole paragraphs count: a heading id or any other text that merely contains
        the prefix (the table of contents lower-cases and transliterates titles) stays.
        `finish` is applied to each fragment as it goes in.
        """
        parts = self.html
        pattern = re.compile(rf"<p>{self.prefix}(\d+)</p>")
        return pattern.sub(lambda m: finish(parts[int(m.group(1))]), html)

    def inline(self, markdown: str) -> str:
        """The page's Markdown with its fragments in place, as one document to read."""
        parts = self.html
        pattern = re.compile(rf"^{self.prefix}(\d+)$", re.MULTILINE)
        return pattern.sub(lambda m: parts[int(m.group(1))], markdown)


class PackedTexts(MutableMapping[str, str]):
    """Site path -> text, held compressed: the exports of a large glossary are hundreds of MB."""

    def __init__(self, items: Iterable[tuple[str, str]] = ()) -> None:
        self._packed: dict[str, bytes] = {}
        self.update(items)

    def __getitem__(self, path: str) -> str:
        return _unpack(self._packed[path])[0]

    def __setitem__(self, path: str, text: str) -> None:
        self._packed[path] = _pack((text,))

    def __delitem__(self, path: str) -> None:
        del self._packed[path]

    def put_packed(self, path: str, packed: bytes) -> None:
        """Store text that was packed elsewhere (a worker process)."""
        self._packed[path] = packed

    def __iter__(self) -> Iterator[str]:
        return iter(self._packed)

    def __len__(self) -> int:
        return len(self._packed)


@dataclass(frozen=True)
class RenderedSite:
    """`pages`: docs-relative path -> Markdown for MkDocs, with `fragments` of finished HTML
    held apart (see `Fragments`); `files`: site path -> text."""

    pages: dict[str, str]
    files: MutableMapping[str, str] = field(default_factory=PackedTexts)
    fragments: dict[str, Fragments] = field(default_factory=dict)

    def source(self, path: str) -> str:
        """A page as one Markdown document, its HTML fragments inline (for reading and tests)."""
        text = self.pages[path]
        fragments = self.fragments.get(path)
        return fragments.inline(text) if fragments else text


def page_path(entry: Entry) -> str:
    """Where an entry's page sits among the docs: `term/liquidation-price.md`."""
    return entry.url_path.rstrip("/") + ".md"


def _relpath(target: str, start: str) -> str:
    """`posixpath.relpath(target, start)`, without its normalising and its working directory.

    Pages make tens of links each, so this runs often; paths with a `..` part, or one
    absolute and one relative path, are left to `posixpath`.
    """
    if target and (target[:1] == "/") == (start[:1] == "/"):
        to = [part for part in target.split("/") if part and part != "."]
        here = [part for part in start.split("/") if part and part != "."]
        if ".." not in to and ".." not in here:
            common = 0
            for a, b in zip(to, here):
                if a != b:
                    break
                common += 1
            return "/".join([".."] * (len(here) - common) + to[common:]) or "."
    return posixpath.relpath(target, start)


def relative(from_page: str, to_page: str) -> str:
    """A relative link between two docs paths, as MkDocs expects in Markdown."""
    return _relpath(to_page, posixpath.dirname(from_page) or ".")


def url_dir(docs_path: str) -> str:
    """The folder a docs path is served from with directory URLs: `term/x.md` -> `term/x/`."""
    stem = docs_path[: -len(".md")]
    if stem == "index" or stem.endswith("/index"):
        stem = stem[: -len("index")]
    else:
        stem += "/"
    return stem


def relative_url(from_page: str, to_page: str) -> str:
    """The final relative URL between two docs paths, as MkDocs would write it: `../../area/x/`."""
    return _url_between("/" + url_dir(from_page), "/" + url_dir(to_page))


def _url_between(from_dir: str, to_dir: str) -> str:
    link = _relpath(to_dir, from_dir)
    return "./" if link == "." else link + "/"


@functools.cache
def kind_badge(kind: str) -> Markup:
    """The small label that says whether an entry is a definition, an article or an area."""
    return Markup('<span class="gl-kind gl-kind--{}">{}</span>').format(kind, KIND_LABELS[kind])


class _Environment(jinja2.Environment):
    """Jinja reads `view.key` of a dict only after `getattr` fails, and the pages' views
    (sources, formulas, examples, citation styles) are dicts read a hundred times a page:
    their keys are looked up first here, with the same result."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        try:
            return getattr(obj, attribute)
        except AttributeError:
            return super().getattr(obj, attribute)  # items of other mappings, or undefined


_DICT_ATTRIBUTES = frozenset(dir(dict))  # `d.items` is the method, as in Jinja


def make_environment(templates_dir: Path = TEMPLATES_DIR) -> jinja2.Environment:
    """Autoescaping on: entry text reaches the page as text unless a filter says otherwise.

    Templates are read once: each build makes its own environment, and without
    `auto_reload` Jinja does not look at the files' times at every include and import.
    """
    env = _Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir)),
        auto_reload=False,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["num"] = _number
    env.filters["times"] = lambda text: str(text).replace(" ** ", "^").replace(" * ", " × ")
    env.filters["safe_href"] = safe_href
    env.filters["link_text"] = lambda text: Markup(link_text(str(text)))
    env.filters["plain"] = lambda text: Markup(plain_markdown(str(text)))
    env.filters["t"] = lambda text: escape_markdown_prose(str(text))
    env.filters["tex"] = lambda text: escape_math(str(text))
    env.filters["html"] = _stash
    env.filters["checked"] = checked_note
    env.globals["KIND_LABELS"] = KIND_LABELS
    env.globals["kind_badge"] = kind_badge
    return env


def checked_note(item: Any) -> str:
    """`Binance rule as checked 2026-11-20` for a formula or example stating a venue's rule, else "".

    Plain text: templates escape it like any other field, it never goes through Markdown.
    """
    venue, as_of = getattr(item, "venue", ""), getattr(item, "as_of", "")
    return f"{venue} rule as checked {as_of}" if venue and as_of else ""


@jinja2.pass_context
def _stash(context: jinja2.runtime.Context, html: str) -> Markup:
    """`{% filter html %}...{% endfilter %}`: finished HTML, kept out of the page's Markdown."""
    return context["page"].stash(html)


def _number(value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return format_number(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None:
        return "none"
    if isinstance(value, (list, tuple)):
        return ", ".join(_number(v) for v in value)
    return str(value)


class _Page:
    """Helpers bound to one page: links from it, and its once-per-page autolink state."""

    def __init__(self, site: _Site, path: str) -> None:
        self.site = site
        self.path = path
        self.linked: set[str] = set()
        self.fragments: list[str] = []
        self._folder = posixpath.dirname(path) or "."  # where Markdown links start
        self._url_dir = "/" + url_dir(path)  # where the page is served, for final URLs
        self._links: dict[str, Markup] = {}  # slug -> `a(slug)`: relations and backlinks overlap

    def href(self, slug: str) -> str:
        """Link to an entry for Markdown (MkDocs checks and rewrites it)."""
        return _relpath(self.site.paths[slug], self._folder)

    def to(self, target: str) -> str:
        return _relpath(target, self._folder)

    def url(self, target: str) -> str:
        """Final URL of a docs path, for finished HTML."""
        return _url_between(self._url_dir, "/" + url_dir(target))

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
        return Markup(f"\n\n{_MARK}{len(self.fragments) - 1}\x00\n\n")

    def seal(self, text: str) -> tuple[str, Fragments | None]:
        """The page's Markdown with its markers as placeholder paragraphs, and the fragments."""
        if not self.fragments:
            return text, None
        prefix, n = "glhtml", 0
        while prefix in text:  # author text holding our word: pick one it does not hold
            n += 1
            prefix = f"glhtml{n}x"
        merged: list[str] = []

        def place(run: re.Match[str]) -> str:
            # Markers with only blank lines between them become one placeholder: the HTML of
            # consecutive paragraphs is joined by one newline, so the page comes out the same,
            # and Python-Markdown has fewer paragraphs to parse.
            merged.append("\n".join(self.fragments[int(n)] for n in _MARKER.findall(run.group(0))))
            return f"{prefix}{len(merged) - 1}"

        text = _MARKER_RUN.sub(place, text)
        return text, Fragments.of(prefix, merged)

    def md(self, text: str, *, self_slug: str | None = None, autolink: bool = True) -> Markup:
        """Author Markdown made safe, wikilinks resolved, first mentions linked."""
        return Markup(render_markdown(
            text.replace("\x00", ""),
            self_slug=self_slug,
            index=self.site.names,
            titles=self.site.titles,
            href_for=self.href,
            linked=self.linked,
            autolink=autolink,
        ))

    def entry_link(self, slug: str) -> Markup:
        entry = self.site.entries[slug]
        return Markup(f"[{link_text(entry.title)}]({escape(self.href(slug))})")

    def item(self, slug: str, with_summary: bool = True) -> Markup:
        """One entry of a list, as finished HTML: link, kind badge and summary."""
        html = f"<li>{self.a(slug)} {kind_badge(self.site.entries[slug].kind)}"
        if with_summary:
            html += f"<br>{self.site.summary_html(slug, self.path)}"
        return Markup(html + "</li>")


class _Site:
    """Indexes over the entries that every page needs."""

    def __init__(self, data: SiteData) -> None:
        self.data = data
        self.entries = data.entries
        self.graph = data.graph
        self.config = data.config
        self.names = NameIndex.build(data.entries.values())
        self.titles = {slug: entry.title for slug, entry in data.entries.items()}
        self.titles_html = {slug: escape(title) for slug, title in self.titles.items()}
        self.paths = {slug: page_path(entry) for slug, entry in data.entries.items()}  # docs paths
        self.records = {
            slug: cite.CitationRecord.from_entry(entry, site_url=self.config.base, site_name=self.config.site_name)
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
            found = self._summaries[key] = Markup(_final_links(self.converted_summary(slug), from_page, home))
        return found

    def converted_summary(self, slug: str) -> str:
        """An entry's summary as HTML, its links still relative `.md` paths from its own page."""
        html = self._converted.get(slug)
        if html is None:
            home = self.paths[slug]
            text = render_markdown(self.entries[slug].summary, self_slug=None, index=self.names,
                                   titles=self.titles, linked=set(), autolink=False,
                                   href_for=lambda target: relative(home, self.paths[target]))
            html = self._converted[slug] = self._to_html(text)
        return html

    def _to_html(self, markdown_text: str) -> str:
        """Python-Markdown as MkDocs sets it up; one paragraph comes back inline, as a list
        item holds it. Links to `.md` pages are left for `_final_links`."""
        if self._markdown is None:
            import markdown

            extensions, configs = self.config.markdown_extensions, self.config.mdx_configs
            if not extensions:
                from mkdocs.config import load_config

                loaded = load_config(str(TEMPLATES_DIR.parent / "mkdocs.yml"))
                extensions, configs = tuple(loaded.markdown_extensions), loaded.mdx_configs
            self._markdown = markdown.Markdown(extensions=list(extensions), extension_configs=dict(configs))
        self._markdown.reset()
        html = self._markdown.convert(markdown_text)
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


def render_site(data: SiteData, templates_dir: Path = TEMPLATES_DIR,
                write: Callable[[str, str], None] | None = None) -> RenderedSite:
    """Every generated page and post-build file of the site, from `data` alone.

    `write(site_path, text)`, if given, takes each entry's raw Markdown copy and version
    stub as soon as they are made (in the worker process that made them) instead of
    `files` holding them.
    """
    env = make_environment(templates_dir)
    site = _Site(data)
    pages: dict[str, str] = {}
    files = PackedTexts()
    fragments: dict[str, Fragments] = {}

    def add(path: str, page: tuple[str, Fragments | None]) -> None:
        pages[path], found = page
        if found is not None:
            fragments[path] = found

    entries = _EntryPages(env, site, write)  # in worker processes, for a large glossary, from now on
    try:
        rendered = entries.here()
        # the paths come from site_paths, which also reserves their names (no entry, area or tag takes one)
        collections = [(paths.HOME, _home(env, site)), (paths.AREAS, _areas(env, site)),
                       (paths.A_TO_Z, _a_to_z(env, site)), (paths.TAGS, _tags(env, site))]
        collections += [(paths.tag_page(tag), _tag(env, site, tag)) for tag in site.tags]
        collections += [(paths.GRAPH, _graph_page(env, site)), (paths.CALCULATORS, _calculators(env, site))]
        later_files = {paths.GRAPH_JSON: json.dumps(_graph_json(site), ensure_ascii=False, separators=(",", ":")),
                       paths.PREVIEWS_JSON: json.dumps(_previews(site), ensure_ascii=False, separators=(",", ":"))}
        versions: dict[str, str] = {}
        _add_versions_and_api(env, site, versions, later_files if write is None else None)  # issue 7
        rendered.update(entries.from_workers())
    finally:
        entries.close()
    for slug in sorted(rendered):
        path, text, found, raw_path, raw = rendered[slug]
        add(path, (text, found))
        if raw is not None:
            files.put_packed(raw_path, raw)
    for path, page in collections:
        add(path, page)
    pages.update(versions)
    files.update(later_files)
    return RenderedSite(pages, files, fragments)


def _final_links(html: str, from_page: str, written_on: str) -> str:
    """`.md` links in converted HTML as final URLs from `from_page`, as MkDocs would write them.

    An author's relative link means a page relative to where the author wrote it
    (`written_on`, the entry's own page), wherever the text is shown.
    """
    def final(match: re.Match[str]) -> str:
        target = posixpath.normpath(posixpath.join(posixpath.dirname(written_on), match.group(1)))
        return f'href="{relative_url(from_page, target)}{match.group(2) or ""}"'

    return _MD_HREF.sub(final, html)


# -- entry pages, in parallel when there are many ----------------------------------------
# Each entry page depends only on the shared indexes, so a large glossary's pages are
# rendered by forked worker processes that inherit them; the results come back as plain
# strings and packed bytes.

_PARALLEL_ENTRIES = 400  # below this, starting workers costs more than it saves
_CHUNK = 50

# page path, Markdown, fragments, raw copy's path, raw copy (packed; None if written already)
RenderedEntry = tuple[str, str, Fragments | None, str, bytes | None]


class _EntryPages:
    """The entry pages. For a large glossary, worker processes start on them at once: all
    but the area pages, which list their members with summaries. Meanwhile this process
    converts the summaries (once, not again in each worker) and renders the area pages
    (`here`) and the lists of entries, then collects the workers' pages (`from_workers`)."""

    def __init__(self, env: jinja2.Environment, site: _Site, write: Callable[[str, str], None] | None) -> None:
        self.env, self.site, self.write = env, site, write
        slugs = sorted(site.entries)
        self._workers: ForkedResults[dict[str, RenderedEntry]] | None = None
        self._here = slugs
        if worth_forking(len(slugs), _PARALLEL_ENTRIES):
            site.graph.centrality  # noqa: B018 - computed once here, not once per worker
            site.names.prepare()  # likewise
            self._here = [slug for slug in slugs if site.entries[slug].kind == "area"]
            away = [slug for slug in slugs if site.entries[slug].kind != "area"]
            chunks = [away[i:i + _CHUNK] for i in range(0, len(away), _CHUNK)]
            self._workers = forked_map(lambda chunk: _render_entries(env, site, chunk, write), chunks)

    def here(self) -> dict[str, RenderedEntry]:
        for slug in self.site.entries:  # the lists made here need them all
            self.site.converted_summary(slug)
        return _render_entries(self.env, self.site, self._here, self.write)

    def from_workers(self) -> dict[str, RenderedEntry]:
        return {slug: entry for chunk in self._workers or () for slug, entry in chunk.items()}

    def close(self) -> None:
        if self._workers is not None:
            self._workers.close()


def _render_entries(env: jinja2.Environment, site: _Site, slugs: list[str],
                    write: Callable[[str, str], None] | None) -> dict[str, RenderedEntry]:
    out = {}
    for slug in slugs:
        entry = site.entries[slug]
        path, raw_path = page_path(entry), entry.url_path + "index.md"
        text, found = _entry_page(env, site, entry, path)
        raw = _raw_entry(env, site, entry)
        if write is not None:
            write(raw_path, raw)
            write(*revisions.version_stub(entry, site.records[slug]))
        out[slug] = (path, text, found, raw_path, None if write is not None else _pack((raw,)))
    return out


# -- front matter ----------------------------------------------------------------------


def _front_matter(title: str, description: str, head: str = "", hide: Iterable[str] = ()) -> str:
    """YAML front matter. Title and description are HTML-escaped: the theme prints them raw."""
    lines = ["---", f"title: {json.dumps(escape_html_line(title), ensure_ascii=False)}",
             f"description: {json.dumps(escape_html_line(description), ensure_ascii=False)}"]
    if head:
        lines.append(f"glossary_head: {json.dumps(head, ensure_ascii=False)}")
    hidden = list(hide)
    if hidden:
        lines.append(f"hide: {json.dumps(hidden)}")
    lines.append("---")
    return "\n".join(lines) + "\n\n"


def _plain_head(site: _Site, path: str, title: str, description: str, jsonld: Mapping[str, Any] | None) -> str:
    return head_html(record=None, site_name=site.config.site_name, title=title, description=description,
                     url=site.url(path), jsonld=jsonld)


# -- entry pages ---------------------------------------------------------------------------


def _crumbs(site: _Site, entry: Entry) -> list[tuple[str, str]]:
    """(name, docs path) from home to the entry: Home > first area > entry, or Home > Areas > area."""
    crumbs = [("Home", "index.md")]
    if entry.kind == "area":
        crumbs.append(("Areas", "area/index.md"))
    else:
        area = next((a for a in entry.areas if a in site.entries), None)
        if area:
            crumbs.append((site.entries[area].title, page_path(site.entries[area])))
    crumbs.append((entry.title, page_path(entry)))
    return crumbs


def _entry_page(env: jinja2.Environment, site: _Site, entry: Entry, path: str) -> tuple[str, Fragments | None]:
    page = _Page(site, path)
    record = site.records[entry.slug]
    crumbs = _crumbs(site, entry)
    members = site.graph.members(entry.slug) if entry.kind == "area" else ()
    jsonld = entry_jsonld(
        entry, record, site_url=site.config.base,
        crumbs=[(name, site.url(p)) for name, p in crumbs],
        members=[(site.entries[m].title, record_url) for m in members
                 for record_url in [site.records[m].url]],
    )
    head = head_html(record=record, site_name=site.config.site_name, title=entry.title,
                     description=entry.summary, url=record.url, jsonld=jsonld)
    summary = page.md(entry.summary, self_slug=entry.slug, autolink=False)
    body = page.md(entry.body, self_slug=entry.slug)
    context = {
        "entry": entry,
        "page": page,
        "crumbs": [(name, page.url(p)) for name, p in crumbs[:-1]],
        "summary": summary,
        "body": body,
        "areas": [a for a in entry.areas if a in site.entries],
        "tags": [(tag, page.url(f"tags/{tag}.md")) for tag in entry.tags],
        "formulas": [_formula_view(page, entry, f) for f in entry.formulas],
        "examples": [_example_view(page, entry, w) for w in site.data.examples.get(entry.slug, ())],
        "relations": _relations(site, entry.slug),
        "backlinks": [s for s in site.graph.backlinks(entry.slug) if s in site.entries],
        "local_graph": _local_graph(site, entry.slug),
        "sources": [_source_view(s, i) for i, s in enumerate(entry.sources, start=1)],
        "cite": cite.html_views(record, site.config.build_day),
        "record": record,
        "published": cite.parse_day(entry.published),
        "modified": cite.parse_day(entry.modified or entry.published),
    }
    if entry.kind == "area":
        context.update(_area_context(site, page, entry))
        template = "area.md.j2"
    else:
        template = "entry.md.j2"
    text = env.get_template(template).render(**context)
    # issue 7: "cite this version", earlier versions; finished HTML unless it asks for Markdown
    block = _version_block(site, entry, record, path)
    text += block if " markdown>" in block else str(page.stash(block))
    text, fragments = page.seal(text)
    return _front_matter(entry.title, entry.summary, head) + text, fragments


def _formula_view(page: _Page, entry: Entry, formula: Any) -> dict[str, Any]:
    return {
        "formula": formula,
        "anchor": f"formula-{formula.id}",
        "note": page.md(formula.note, self_slug=entry.slug, autolink=False) if formula.note else "",
    }


def _example_view(page: _Page, entry: Entry, worked: WorkedExample) -> dict[str, Any]:
    example = worked.example
    result = worked.result
    source = next((s for s in entry.sources if example.source and s.id == example.source), None)
    source_number = entry.sources.index(source) + 1 if source else None
    units = _input_units(entry, example)
    return {
        "example": example,
        "result": result,
        "inputs": [(name, value, units.get(name, "")) for name, value in example.inputs.items()],
        "checks": _checks(entry, result),
        "steps": tuple(result.steps),
        "chart": Markup(worked.chart) if worked.chart else None,
        "source": source,
        "source_href": _source_href(page, entry, source_number),
        "source_number": source_number,
        "note": page.md(example.note, self_slug=entry.slug, autolink=False) if example.note else "",
    }


def _source_href(page: _Page, entry: Entry, number: int | None) -> str | None:
    """The example's source in the entry's source list, from whichever page shows it."""
    if number is None:
        return None
    here = page.path == page_path(entry)
    return f"#source-{number}" if here else f"{page.url(page_path(entry))}#source-{number}"


def _input_units(entry: Entry, example: Any) -> dict[str, str]:
    """Units of an example's inputs, from its formula's variables or its calculator's params."""
    if example.formula:
        formula = next((f for f in entry.formulas if f.id == example.formula), None)
        return {v.name: v.unit for v in formula.variables} if formula else {}
    if example.calculator:
        from generator.calc import calculators as leverage

        calculator = leverage.CALCULATORS.get(example.calculator)
        return {p.name: p.unit for p in calculator.params} if calculator else {}
    return {}


def _output_units(entry: Entry, example: Any) -> dict[str, str]:
    if example.formula:
        formula = next((f for f in entry.formulas if f.id == example.formula), None)
        return {formula.result.name: formula.result.unit} if formula else {}
    if example.calculator:
        from generator.calc import calculators as leverage

        calculator = leverage.CALCULATORS.get(example.calculator)
        return {o.name: o.unit for o in calculator.outputs} if calculator else {}
    return {}


def _checks(entry: Entry, result: Any) -> list[dict[str, Any]]:
    """Stated vs computed for each expected output, in a shape the template can show."""
    units = _output_units(entry, result.example)
    return [
        {"name": c.name, "stated": c.expected, "computed": c.computed, "unit": units.get(c.name, ""), "ok": c.ok}
        for c in result.comparisons
    ]


def _relations(site: _Site, slug: str) -> list[tuple[str, list[str]]]:
    relations = site.graph.relations(slug)
    return [
        (RELATION_LABELS[kind], [s for s in relations[kind] if s in site.entries])
        for kind in RELATION_TYPES
        if relations.get(kind)
    ]


def _local_graph(site: _Site, slug: str) -> dict[str, Any]:
    data = site.graph.neighbourhood_json(slug, depth=1)
    data["focus"] = slug
    return data


def _source_view(source: Any, number: int) -> dict[str, Any]:
    url = source.url if source.url.lower().startswith(("https://", "http://")) else None
    return {"source": source, "number": number, "anchor": f"source-{number}", "url": url}


def _area_context(site: _Site, page: _Page, area: Entry) -> dict[str, Any]:
    members = [m for m in site.graph.members(area.slug) if m in site.entries]
    central = sorted(members, key=lambda s: -site.graph.centrality.get(s, 0.0))[:CENTRAL_IN_AREA]
    facets: dict[str, list[Any]] = defaultdict(list)
    for item in area.faq:
        facets[item.facet].append({"question": item.question,
                                   "answer": page.md(item.answer, self_slug=area.slug)})
    ordered = [f for f in FACET_ORDER if f in facets] + sorted(f for f in facets if f not in FACET_ORDER)
    counts = defaultdict(int)
    for slug in members:
        counts[site.entries[slug].kind] += 1
    return {
        "members": site.by_title(members),
        "central": central,
        "faq": [(facet, facets[facet]) for facet in ordered],
        "member_counts": [(KIND_PLURALS[k], counts[k]) for k in ("term", "definition") if counts[k]],
        "other_areas": [a.slug for a in site.areas if a.slug != area.slug],
    }


def _raw_entry(env: jinja2.Environment, site: _Site, entry: Entry) -> str:
    """The Markdown copy beside the page: readable as text, links absolute, no front matter."""
    linked: set[str] = set()

    def absolute(slug: str) -> str:
        return site.records[slug].url

    def md(text: str) -> str:
        return render_markdown(text, self_slug=entry.slug, index=site.names, titles=site.titles,
                               href_for=absolute, linked=linked, autolink=False)

    return env.get_template("entry.raw.md.j2").render(
        entry=entry,
        record=site.records[entry.slug],
        summary=Markup(md(entry.summary)),
        body=Markup(md(entry.body)),
        sources=[_source_view(s, i) for i, s in enumerate(entry.sources, start=1)],
        relations=_relations(site, entry.slug),
        titles=site.titles,
        urls=site.urls,
        apa=site.records[entry.slug].format("apa", site.config.build_day),
    )


# -- collection pages ------------------------------------------------------------------------


def _render(env: jinja2.Environment, template: str, front: str, *, page: _Page,
            **context: Any) -> tuple[str, Fragments | None]:
    text, fragments = page.seal(env.get_template(template).render(page=page, **context))
    return front + text, fragments


def _home(env: jinja2.Environment, site: _Site) -> tuple[str, Fragments | None]:
    path = "index.md"
    page = _Page(site, path)
    ranked = [s for s in site.graph.ranked() if site.entries[s].kind != "area"][:CENTRAL_ON_HOME]
    description = ("An open, citable glossary of leverage in crypto and derivatives markets: "
                   "definitions, formulas, worked examples and how the ideas connect.")
    jsonld = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebSite", "@id": site.config.base, "name": site.config.site_name, "url": site.config.base},
            {**_defined_term_set(site), "hasDefinedTerm": [
                {"@type": "DefinedTerm", "name": e.title, "url": site.records[s].url}
                for s, e in sorted(site.entries.items())]},
        ],
    }
    counts = defaultdict(int)
    for entry in site.entries.values():
        counts[entry.kind] += 1
    return _render(
        env, "home.md.j2",
        _front_matter(site.config.site_name, description, _plain_head(site, path, site.config.site_name, description, jsonld),
                      hide=["navigation", "toc"]),
        page=page, site=site, central=ranked, areas=[a.slug for a in site.areas],
        counts=counts, calculators=len(site.data.calculators),
    )


def _defined_term_set(site: _Site) -> dict[str, Any]:
    return {"@type": "DefinedTermSet", "@id": site.config.base, "name": site.config.site_name,
            "url": site.config.base}


def _areas(env: jinja2.Environment, site: _Site) -> tuple[str, Fragments | None]:
    path = "area/index.md"
    page = _Page(site, path)
    description = "The areas of the Leverage Glossary, each with its scope, questions and member entries."
    return _render(env, "areas.md.j2", _front_matter("Areas", description, _plain_head(site, path, "Areas", description, None)),
                   page=page, site=site, areas=[a.slug for a in site.areas])


def _a_to_z(env: jinja2.Environment, site: _Site) -> tuple[str, Fragments | None]:
    path = "a-z.md"
    page = _Page(site, path)
    items: list[dict[str, Any]] = []
    for slug, entry in site.entries.items():
        items.append({"sort": entry.title.casefold(), "name": entry.title, "slug": slug, "see": None})
        for name in (*entry.aliases, *entry.abbreviations):
            items.append({"sort": name.casefold(), "name": name, "slug": slug, "see": entry.title})
    items.sort(key=lambda item: (item["sort"], item["see"] is not None))
    letters: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for item in items:
        first = item["sort"][:1].upper()
        letters[first if first.isalpha() else "0–9"].append(item)
    description = "Every entry of the Leverage Glossary from A to Z, with other names pointing to the entry."
    return _render(env, "a-z.md.j2", _front_matter("A–Z", description, _plain_head(site, path, "A–Z", description, None)),
                   page=page, site=site, letters=sorted(letters.items()))


def _tags(env: jinja2.Environment, site: _Site) -> tuple[str, Fragments | None]:
    path = "tags/index.md"
    page = _Page(site, path)
    description = "Entries of the Leverage Glossary by tag."
    return _render(env, "tags.md.j2", _front_matter("Tags", description, _plain_head(site, path, "Tags", description, None)),
                   page=page, site=site, tags=site.tags)


def _tag(env: jinja2.Environment, site: _Site, tag: str) -> tuple[str, Fragments | None]:
    path = f"tags/{tag}.md"
    page = _Page(site, path)
    title = f"Tag: {tag}"
    description = f"Entries of the Leverage Glossary tagged {tag}."
    return _render(env, "tag.md.j2", _front_matter(title, description, _plain_head(site, path, title, description, None)),
                   page=page, site=site, tag=tag, slugs=site.tags[tag])


def _graph_page(env: jinja2.Environment, site: _Site) -> tuple[str, Fragments | None]:
    path = "graph.md"
    description = "The cross-reference graph of the Leverage Glossary: every entry and how it relates to the others."
    return _render(env, "graph.md.j2",
                   _front_matter("Graph", description, _plain_head(site, path, "Graph", description, None),
                                hide=["navigation", "toc"]),
                   page=_Page(site, path), site=site, areas=[a.slug for a in site.areas])


def _calculators(env: jinja2.Environment, site: _Site) -> tuple[str, Fragments | None]:
    path = "calculators.md"
    page = _Page(site, path)
    views = []
    for doc in site.data.calculators:
        worked = doc.example
        entry = site.entries.get(worked.entry) if worked else None
        views.append({
            "doc": doc,
            "calculator": doc.calculator,
            "example": _example_view(_Page(site, path), entry, worked) if worked and entry else None,
            "entry": entry,
            "run_steps": tuple(doc.run.steps) if doc.run is not None else (),
            "run_inputs": dict(doc.run.inputs) if doc.run is not None else {},
            "run_outputs": dict(doc.run.outputs) if doc.run is not None else {},
            "chart": Markup(doc.chart) if doc.chart else None,
            "used_by": [s for s in doc.used_by if s in site.entries],
        })
    description = "Every leverage calculator of the glossary: inputs, outputs, units, formulas and a worked example."
    return _render(env, "calculators.md.j2",
                   _front_matter("Calculators", description, _plain_head(site, path, "Calculators", description, None)),
                   page=page, site=site, calculators=views)


# -- JSON for the browser ---------------------------------------------------------------------


def _graph_json(site: _Site) -> dict[str, Any]:
    data = site.graph.to_json()
    data["areas"] = [{"id": a.slug, "title": a.title} for a in site.areas]
    return data


def _previews(site: _Site) -> dict[str, Any]:
    """Title and summary per entry for hover previews, the 404 page and quick find."""
    return {
        slug: {
            "title": entry.title,
            "summary": " ".join(entry.summary.split()),
            "kind": entry.kind,
            "url": entry.url_path,
            "names": [*entry.aliases, *entry.abbreviations],
        }
        for slug, entry in sorted(site.entries.items())
    }


# -- versions, old revisions and /api/ (issue 7; the work is in generator/history/revisions.py and export.py) --


def _history(site: _Site) -> Any:
    """The revision history the hooks collected (SiteData.extra["history"]), or none."""
    return site.data.extra.get("history") or history.no_history("this build did not read git history")


def _version_block(site: _Site, entry: Entry, record: cite.CitationRecord, path: str) -> str:
    return revisions.version_block(entry, record, _history(site), page_path=path, day=site.config.build_day)


def _add_versions_and_api(env: jinja2.Environment, site: _Site, pages: dict[str, str],
                          files: MutableMapping[str, str] | None) -> None:
    """Pages of earlier revisions and, into `files` (unless the entries' pages wrote them),
    forwarding stubs at current versions' addresses.

    The /api/ exports are not made here: they are written straight to disk after the
    build (`export.write_site_files`), so a large glossary's JSON is never held whole.
    """
    found = _history(site)
    pages.update(revisions.revision_pages(
        env, entries=site.entries, history=found, names=site.names, titles=site.titles,
        site_url=site.config.base, site_name=site.config.site_name, day=site.config.build_day))
    if files is not None:
        files.update(revisions.current_version_stubs(site.entries, site_url=site.config.base, records=site.records))
