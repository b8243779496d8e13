"""MkDocs' own Markdown conversion of the generated pages, in forked worker processes.

MkDocs converts pages one after another. For a large glossary the glossary plugin instead
have forked workers take the very steps of `Page.render` (same extensions, link checks
and rewriting, anchors, table of contents; see `render_page`) on their share of the
generated pages before MkDocs gets to them, and hand back what that call sets on the
page, plus every log message it wrote, so that `--strict` still counts each warning.
MkDocs then skips the conversion of those pages (`apply` fills them in).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import markdown
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.utils.meta import get_data

from generator.emit import allowlist
from generator.emit.mkdocs import internals
from generator.emit.mkdocs.worker_log import capture_mkdocs_log, replay_log
from generator.render.escape import unmark_html
from generator.render.fragments import pack, unpack
from generator.workers import forked_map, worth_forking

PARALLEL_PAGES = 400  # below this, starting workers costs more than it saves
_CHUNK = 40


@dataclass(frozen=True, slots=True)
class Found:
    """What `Page.render` found that MkDocs reads after it: the title from the first heading,
    the page's anchors and its links to other pages' anchors (by src_uri of the linked file)."""

    title: str | None
    anchors: frozenset[str]
    links_to_anchors: dict[str, dict[str, str]]

    @classmethod
    def on(cls, page: Page) -> Found:
        links = {file.src_uri: dict(found) for file, found in (page.links_to_anchors or {}).items()}
        return cls(internals.title_from_render(page), frozenset(page.present_anchor_ids or ()), links)

    def set_on(self, page: Page, files: Files) -> None:
        internals.set_title_from_render(page, self.title)
        page.present_anchor_ids = set(self.anchors)
        page.links_to_anchors = {
            file: links
            for uri, links in self.links_to_anchors.items()
            if (file := files.get_file_from_path(uri)) is not None
        }


@dataclass(frozen=True, slots=True)
class Converted:
    """What `Page.render` set on one page, and what it logged (logger name, level, message)."""

    content: str
    toc: Any
    found: Found
    messages: tuple[tuple[str, int, str], ...]


class GeneratedPage(Page):
    """A generated page (the plugin creates it, for pages outside the nav). When it is converted
    elsewhere (`converted_elsewhere`: in a worker, by `render_page`), MkDocs' own conversion
    in the parent sets an empty page instead, without building a Markdown instance for
    nothing (a quarter of a millisecond a page), and the plugin fills in what the worker found."""

    converted_elsewhere = False
    # The page's Markdown file, packed (`fragments.pack`), while its `File` holds nothing: the
    # plugin hands MkDocs every page at once, and held as bytes they were 68 MB at 10,000 entries.
    source: bytes | None = None
    # Once MkDocs has read it, for a page a theme worker converts: its Markdown and head HTML,
    # packed together (`hold_markdown`), until `render_page`.
    held: bytes | None = None

    def read_source(self, config: MkDocsConfig) -> None:
        """`Page.read_source`, from `source` when the page has one."""
        if self.source is None:
            super().read_source(config)
            return
        found = config.plugins.on_page_read_source(page=self, config=config)
        self.markdown, self.meta = get_data(found if found is not None else unpack(self.source)[0])

    def render(self, config: MkDocsConfig, files: Files) -> None:
        if not self.converted_elsewhere:
            super().render(config, files)
            return
        self.content, self.toc = "", get_toc([])
        self.present_anchor_ids = set[str]()
        self.links_to_anchors = dict[Any, Any]()


def render_page(page: Page, config: MkDocsConfig, files: Files) -> None:
    """A generated page converted as MkDocs would (`Page.render`), then made final (`finish`:
    fragments in, output allowlist).

    This is `Page.render` step for step, except that one Markdown instance per process
    serves every page, reset in between, as Python-Markdown allows: building one, with
    every extension, costs as much as converting a short page. MkDocs' own processors,
    which hold one page's state, are made afresh for each page and replace the last ones.
    """
    if isinstance(page, GeneratedPage) and page.held is not None:  # MkDocs' loop read it before the workers forked
        page.markdown, *head = unpack(page.held)
        if head:
            page.meta[_HEAD] = head[0]
    else:
        page.read_source(config)
    md = _markdown(config)
    md.reset()
    raw_html, anchors, relative_paths, title = internals.page_processors(md, page.file, files, config)
    html = md.convert(page.markdown or "")
    page.toc = get_toc(getattr(md, "toc_tokens", []))
    internals.set_title_from_render(page, title.title)
    page.content = finish(page, html)
    page.present_anchor_ids = anchors.present_anchor_ids | raw_html.present_anchor_ids | fragment_ids(page)
    if internals.page_log_level() > logging.DEBUG:  # as Page.render decides
        page.links_to_anchors = relative_paths.links_to_anchors


FRAGMENTS = "glossary_fragments"  # the page attribute that holds a generated page's render.Fragments
_HEAD = "glossary_head"  # the front matter key of a generated page's head HTML (render.context.front_matter)


def hold_markdown(page: GeneratedPage) -> None:
    """Keep what a page needs only when a theme worker converts it (`render_page`): its Markdown,
    as MkDocs' loop read it, and its head HTML (a front matter field), compressed together;
    the file's content goes. The parent holds every page until the workers fork, and each
    worker starts as large as the parent: at 10,000 entries, 68 MB of files and 26 MB of head
    HTML against some 21 MB held."""
    texts = (page.markdown or "", page.meta.pop(_HEAD)) if _HEAD in page.meta else (page.markdown or "",)
    page.held = pack(texts)
    forget_source(page)


def forget_source(page: Page) -> None:
    """A generated page's Markdown let go once MkDocs has read it (and, for a page in the nav,
    converted it): only the title is read from it again, and that comes from the front matter."""
    page.markdown = ""
    page.file.content_bytes = b""
    if isinstance(page, GeneratedPage):
        page.source = None


def finish(page: Page, html: str) -> str:
    """A generated page's converted content made final: its finished HTML fragments put back
    in place of their placeholders, each `<` and `{` of author text as typed (in the content,
    the table of contents and the title: `escape.unmark_html`), then the whole through the
    output allowlist, so that no fragment and no converted Markdown reaches the theme
    unchecked; then its math, each drawing through the allowlist too (once per drawing in a
    process: `allowlist.clean_part`)."""
    _unmark_toc(page.toc or [])
    title = internals.title_from_render(page)
    if title:
        internals.set_title_from_render(page, unmark_html(title))
    fragments = getattr(page, FRAGMENTS, None)
    if fragments is None:
        return allowlist.clean(unmark_html(html))
    return fragments.draw(allowlist.clean(unmark_html(fragments.restore(html))), allowlist.clean_part)


def _unmark_toc(items: Iterable[Any]) -> None:
    for item in items:
        item.title = unmark_html(item.title)
        _unmark_toc(item.children)


def let_go(page: Page) -> None:
    """What converting a page in a theme worker (`render_page`) gave it, let go once it is
    written: its Markdown, head HTML, table of contents and anchors (`Found` has taken those)."""
    page.markdown, page.toc = "", get_toc([])
    page.present_anchor_ids, page.links_to_anchors = set(), {}
    page.meta.pop(_HEAD, None)


def fragment_ids(page: Page) -> set[str]:
    """Ids in a page's fragments (a formula, a source, the cite box): anchors of the page too."""
    fragments = getattr(page, FRAGMENTS, None)
    return set(fragments.ids) if fragments is not None else set()


_MARKDOWN: dict[int, markdown.Markdown] = {}  # id(config) -> its Markdown instance, in this process


def _markdown(config: MkDocsConfig) -> markdown.Markdown:
    found = _MARKDOWN.get(id(config))
    if found is None:
        _MARKDOWN.clear()  # another build's (`serve` rebuilds)
        found = _MARKDOWN[id(config)] = markdown.Markdown(
            extensions=config["markdown_extensions"], extension_configs=config["mdx_configs"] or {}
        )
    return found


def convert(pages: Sequence[Page], config: MkDocsConfig, files: Files) -> dict[str, Converted]:
    """src_uri -> conversion of each page, done in workers; {} when too few pages, no fork, or
    an untested MkDocs (`internals.fast_paths`)."""
    if not internals.fast_paths() or not worth_forking(len(pages), PARALLEL_PAGES):
        return {}
    ranges = [(start, min(start + _CHUNK, len(pages))) for start in range(0, len(pages), _CHUNK)]

    def convert_range(bounds: tuple[int, int]) -> list[tuple[str, Converted]]:
        return _convert(pages[bounds[0] : bounds[1]], config, files)

    return {uri: done for chunk in forked_map(convert_range, ranges) for uri, done in chunk}


def _convert(pages: Sequence[Page], config: MkDocsConfig, files: Files) -> list[tuple[str, Converted]]:
    """In a worker: `render_page` on each page, its log messages captured instead of printed."""
    captured = capture_mkdocs_log()  # the parent prints (and counts) them
    out = []
    for page in pages:
        captured.clear()
        render_page(page, config, files)
        out.append((page.file.src_uri, Converted(page.content or "", page.toc, Found.on(page), tuple(captured))))
    return out


def apply(page: Page, done: Converted, files: Files) -> str:
    """Set on `page` what `Page.render` would have, re-log its messages; the content to use."""
    page.toc = done.toc
    done.found.set_on(page, files)
    replay_log(done.messages)
    return done.content
