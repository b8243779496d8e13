"""`glossary serve`: after an edit to the entries, rebuild only the pages the edit changed.

A full build made while serving leaves a `LiveState`: MkDocs' configuration, files, nav and
theme environment, the site's inputs, and a digest of every generated page's Markdown and
finished HTML fragments. On the next change `Rebuilder` patches the site from that state
when it can:

1. nothing but entries changed (templates/, the hand-written pages and mkdocs.yml are as
   they were, and it is still the same day); else a full build;
2. the entries are checked again (the per-file cache re-checks only the files that
   changed); errors stop here, before anything is written, and the last good site stays;
3. the site is rendered again; if its set of pages differs (an entry added, renamed or
   deleted, a tag gained or lost), a full build;
4. only the pages whose digest changed are converted and put in the theme, by the very
   steps a full build takes (`theme_render.render_pages`); the other files whose text
   changed are written, the sitemap again;
5. /api/ and the search index are written by a process of their own (`serve_exports`),
   so the edited page is served first; the next rebuild waits for it.

Rendering every page's Markdown is still done each time; converting and theming, most of a
build, is done for the changed pages only. `tests/emit/test_incremental.py` holds the patched
site to a full build's, byte for byte, over random sequences of edits.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import os
import subprocess
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import jinja2
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort
from mkdocs.structure.files import Files, InclusionLevel
from mkdocs.structure.nav import Navigation

from generator.emit import csp
from generator.emit.mkdocs import internals, page_convert, serve_exports, serve_status, theme_render
from generator.emit.mkdocs.site_output import SiteInputs, inside, real, stop_on_errors, writer
from generator.emit.mkdocs.worker_log import replay_log
from generator.model import Entry
from generator.pipeline import Loaded, load_all
from generator.render.environment import make_environment
from generator.render.fragments import Fragments
from generator.render.paths import page_path
from generator.render.site import render_site

log = logging.getLogger("mkdocs.plugins.glossary")


def page_digest(markdown: str, fragments: Fragments | None) -> bytes:
    """Everything a generated page is converted from: its Markdown and its finished HTML
    fragments with the math drawn for it."""
    digest = hashlib.blake2b(markdown.encode("utf-8"), digest_size=16)
    if fragments is not None:
        digest.update(b"\0" + fragments.prefix.encode("utf-8") + b"\0" + fragments.packed)
        for key in fragments.math:
            digest.update(b"\0" + fragments.drawn.get(key, "").encode("utf-8"))
    return digest.digest()


def snapshot(paths: Iterable[Path]) -> dict[str, tuple[int, int]]:
    """Modification time and size of every file under `paths` (files or folders)."""
    found: dict[str, tuple[int, int]] = {}
    for top in paths:
        if top.is_file():
            stat = top.stat()
            found[str(top)] = (stat.st_mtime_ns, stat.st_size)
            continue
        for folder, _, names in os.walk(top):
            for name in names:
                path = os.path.join(folder, name)
                try:
                    stat = os.stat(path)
                except OSError:
                    continue
                found[path] = (stat.st_mtime_ns, stat.st_size)
    return found


@dataclass
class LiveState:
    """What the last good build leaves for patching the site after the next edit."""

    config: MkDocsConfig
    files: Files
    nav: Navigation
    env: jinja2.Environment
    inputs: SiteInputs
    terms: Path
    templates: Path
    inputs_seen: dict[str, tuple[int, int]]  # `snapshot` of what is not an entry, as built
    watched: tuple[Path, ...]
    pages: dict[str, bytes]  # page path -> `page_digest`
    file_paths: set[str]  # the other files render made (raw copies, version stubs, JSON, feed)
    entries: Mapping[str, Entry]  # the entries as built
    edges: tuple[Any, ...]  # the link graph's edges as built
    exporting: Any = field(default=None)  # the process writing /api/ and the search index (serve_exports)
    site: Any = field(default=None)  # the last patch's render Site, lent to the next (render_site's `reuse`)
    graph: Any = field(default=None)  # the last patch's link graph, and the body links it was made from
    render_env: Any = field(default=None)  # the render stage's templates, compiled by the first patch
    links: Any = field(default=None)

    def wait(self) -> None:
        """Until /api/ and the search index of the last patch are written."""
        if self.exporting is not None:
            if self.exporting.wait() != 0:
                log.warning("glossary serve: /api/ and the search index were not written again")
            self.exporting = None

    def supersede(self) -> None:
        """Stop writing the last patch's exports: the next patch writes them all again."""
        if self.exporting is not None:
            self.exporting.terminate()
            try:
                self.exporting.wait(timeout=10)
            except subprocess.TimeoutExpired:  # the server must never wait for it for ever
                self.exporting.kill()
                self.exporting.wait()
            self.exporting = None


# One state per site folder: the server's (tests patch several sites in one process).
_STATES: dict[str, LiveState] = {}


def remember(state: LiveState) -> None:
    _STATES[os.path.realpath(state.config.site_dir)] = state


def state_of(site_dir: Path) -> LiveState | None:
    return _STATES.get(os.path.realpath(site_dir))


def warm(state: LiveState) -> None:
    """Compile, now, every template a patch renders with: the full build put its pages in
    the theme (and, for a large glossary, rendered its entry pages) in forked workers, so
    this process has compiled none of them, and the author's first edit would wait for it."""
    if state.render_env is None:
        state.render_env = make_environment(state.templates)
    for env in (state.render_env, state.env):
        for name in env.list_templates(filter_func=lambda name: name.endswith((".j2", ".html", ".xml"))):
            if "/languages/" in name:
                continue  # one is used, and it is small
            try:
                env.get_template(name)
            except jinja2.TemplateError:
                pass  # a theme template for features the site does not use (Material's blog)


class Rebuilder:
    """The dev server's builder: a patch of the site when `patch` can make one, else `full`."""

    def __init__(self, full: Callable[..., Any], site_dir: Path) -> None:
        self.full = full
        self.site_dir = site_dir
        self.changed: list[str] | None = None  # the last rebuild's changed pages (URLs); None: all

    def __call__(self, *args: Any, **kwargs: Any) -> None:
        self.changed = None
        state = state_of(self.site_dir)
        if state is not None:
            try:
                changed = patch(state)
                if changed is not None:
                    self.changed = changed
                    return
            except Exception as error:
                if not isinstance(error, Abort):
                    _STATES.pop(os.path.realpath(self.site_dir), None)  # unknown state: the next edit builds all
                raise
        if state is not None:
            state.supersede()  # the full build empties the site folder it writes into
        _STATES.pop(os.path.realpath(self.site_dir), None)  # the full build leaves its own
        self.full(*args, **kwargs)


def patch(state: LiveState) -> list[str] | None:
    """Bring the site up to date with the entries by rebuilding only what changed; returns
    the URLs of the pages that changed, or None when only a full build can (nothing has been
    written then)."""
    if not internals.fast_paths():
        return None  # patching takes MkDocs' own steps, known for the tested versions only
    if date.today() != state.inputs.site.build_day or snapshot(state.watched) != state.inputs_seen:
        return None
    loaded = load_all(state.terms, save_cache=False)  # serve_exports, started below, writes the cache file
    stop_on_errors(loaded.glossary, state.terms)  # the last good site stays, its exports too
    state.supersede()
    for problem in loaded.glossary.warnings:
        log.info("validator: %s", problem.format())
    entries = loaded.glossary.entries
    paths = {slug: page_path(entry) for slug, entry in entries.items()}
    if paths != {slug: page_path(entry) for slug, entry in state.entries.items()}:
        return None  # an entry added, deleted or renamed, or of another kind: other pages
    changed_entries = {slug for slug, entry in entries.items() if state.entries.get(slug) is not entry}
    changed_entries = {slug for slug in changed_entries if state.entries.get(slug) != entries[slug]}
    if state.graph is not None and all(_same_links(state, loaded, slug) for slug in changed_entries):
        loaded.use_graph(state.graph.with_entries(entries))  # building it is most of a patch of a large glossary
    only = _entry_pages_to_render(state, loaded, changed_entries)
    # prose alone (body, In brief) shows on the entry's own page and its earlier revisions'
    # (their changes against it), on no list and in no site-wide file
    lists = only is None or any(_prose_aside(state.entries[s]) != _prose_aside(entries[s]) for s in changed_entries)
    if state.render_env is None:  # the templates are as at the full build (checked above): compiled once
        state.render_env = make_environment(state.templates)
    rendered = render_site(
        state.inputs.data(loaded),
        state.templates,
        entries=only,
        lists=lists,
        reuse=state.site,
        environment=state.render_env,
    )
    entry_paths = set(paths.values())
    if lists and rendered.pages.keys() - entry_paths != state.pages.keys() - entry_paths:
        return None  # a tag gained or lost, or another revision page: other pages
    for slug in () if lists or only is None else only:  # an edit back to a committed text hides a revision
        prefix = f"rev/{slug}/"
        if {p for p in rendered.pages if p.startswith(prefix)} != {p for p in state.pages if p.startswith(prefix)}:
            return None
    config, site_dir = state.config, Path(state.config.site_dir)
    digests = {path: page_digest(text, rendered.fragments.get(path)) for path, text in rendered.pages.items()}
    changed = [path for path, digest in digests.items() if digest != state.pages[path]]
    doc_files = state.files.documentation_pages(inclusion=InclusionLevel.is_included)
    urls = []
    for path in changed:
        urls.append(_emit(state, path, rendered.pages[path], rendered.fragments.get(path), doc_files))
        state.pages[path] = digests[path]
    write = writer(site_dir)
    for path, text in rendered.files.items():
        if _differs(site_dir / path, csp.add_policy(text) if path.endswith(".html") else text):
            write(path, text)
    root = real(str(site_dir))
    owned = state.file_paths if only is None else {p for p in state.file_paths if _owner(p) in only}
    for path in owned - rendered.files.keys():  # a version stub whose version has changed
        Path(inside(root, path)).unlink(missing_ok=True)
    state.file_paths = (state.file_paths - owned) | set(rendered.files)
    state.entries, state.edges, state.site = entries, loaded.graph.edges, rendered.site
    state.graph, state.links = loaded.graph, loaded.links
    if changed:
        internals.build_theme_template("sitemap.xml", state.env, state.files, config, state.nav)
    (site_dir / serve_status.STATUS_FILE).unlink(missing_ok=True)
    site = state.inputs.site
    state.exporting = serve_exports.start(state.terms, site_dir, site.site_url, site.site_name, site.build_day)
    log.info("glossary serve: %d of %d pages rebuilt", len(changed), len(digests))
    return sorted(urls)


def _entry_pages_to_render(state: LiveState, loaded: Loaded, changed: set[str]) -> set[str] | None:
    """The entries whose pages an edit can have changed, or None for all of them.

    An entry page shows the entry itself and, of other entries, only what its neighbours
    in the link graph (relations and links either way) show of themselves: title, kind,
    summary (an area page: what its members show). It also shows names anywhere in its
    text as links (the autolinker) and each neighbour's PageRank (the local graph), which
    depend on every entry. So: when a name or the graph changed, every page; else the
    changed entries, and when what others show of one changed, its neighbours and areas.
    (Lists and the other pages are rendered again unless only prose changed: `patch`.)
    """
    entries, graph = loaded.glossary.entries, loaded.graph
    if graph.edges != state.edges:
        return None
    for slug in changed:
        before, after = state.entries[slug], entries[slug]
        if before.names != after.names:
            return None
    shown = {slug for slug in changed if _card(state.entries[slug]) != _card(entries[slug])}
    areas = {area for slug in shown for area in (*state.entries[slug].areas, *entries[slug].areas)}
    return changed | areas | {near for slug in shown for near in graph.neighbours(slug)}


def _card(entry: Entry) -> Entry:
    """What other entries' pages may show of an entry: all but its texts, formulas,
    examples, FAQ, sources and dates."""
    return dataclasses.replace(
        entry, body="", in_brief="", formulas=(), examples=(), faq=(), sources=(), published="", modified=""
    )


def _same_links(state: LiveState, loaded: Loaded, slug: str) -> bool:
    """Whether what the link graph takes from entry `slug` is as at the last patch: its
    relations, areas, body links and title (the graph's lists are sorted by title)."""
    before, after = state.entries[slug], loaded.glossary.entries[slug]
    return (
        before.relations == after.relations
        and before.areas == after.areas
        and before.title == after.title
        and tuple(state.links.get(slug, ())) == tuple(loaded.links.get(slug, ()))
    )


def _prose_aside(entry: Entry) -> Entry:
    """An entry without the prose only its own page shows (body, In brief)."""
    return dataclasses.replace(entry, body="", in_brief="")


def _owner(path: str) -> str | None:
    """The entry whose version stub `path` is (`rev/<slug>/<version>/index.html`), if one."""
    parts = path.split("/")
    return parts[1] if len(parts) == 4 and parts[0] == "rev" and parts[3] == "index.html" else None


def _emit(state: LiveState, path: str, markdown: str, fragments: Fragments | None, doc_files: Any) -> str:
    """One changed page converted, put in the theme and written, as a full build does it;
    returns its URL."""
    file = state.files.get_file_from_path(path)
    if file is None:
        raise RuntimeError(f"no file for the generated page {path}")
    file.content_bytes = markdown.encode("utf-8")
    page = file.page
    if page is None or isinstance(page, page_convert.GeneratedPage):
        page = page_convert.GeneratedPage(None, file, state.config)  # afresh, as a full build makes it
    if fragments is not None:
        setattr(page, page_convert.FRAGMENTS, fragments)
    for done in theme_render.render_pages([page], state.config, state.files, doc_files, state.nav, state.env):
        replay_log(done.messages)
        if done.error is not None:
            raise done.error from theme_render.WorkerTraceback(done.trace)
    page.content = None  # written; as after a full build
    if hasattr(page, page_convert.FRAGMENTS):
        delattr(page, page_convert.FRAGMENTS)
    return file.url


def _differs(target: Path, text: str) -> bool:
    try:
        return target.read_bytes() != text.encode("utf-8")
    except OSError:
        return True


POLL_SECONDS = (0.05, 0.5)  # how often the dev server looks for changes: most and least often
POLL_FILES_PER_TENTH = 2_000  # files it can stat every tenth of a second without a core to spare


def watch_closely(server: Any, config: MkDocsConfig, terms: Path) -> None:
    """Have the dev server look for changes as often as the watched files allow.

    MkDocs' server polls every half second, so an edit waited a quarter of a second on
    average, and up to half, before any rebuilding began: more than a whole patch of the
    shipped glossary; and once it sees a change it waits a tenth of a second for the writes
    to stop. Polling stats every watched file; a twentieth of a second is cheap for up to a
    thousand files, and the interval grows with the folders up to MkDocs' own half second;
    the quiet time is the interval, at most a tenth. (Its own watches, made before the plugin
    sees the server, move to the new observer; the others are made after.) Only with the
    MkDocs versions tested (`internals.fast_paths`): these are its server's internals.
    """
    from watchdog.observers.polling import PollingObserver

    if not internals.fast_paths():
        return

    files = len(snapshot([terms, Path(config.docs_dir)]))
    interval = min(POLL_SECONDS[1], max(POLL_SECONDS[0], POLL_SECONDS[0] * files / POLL_FILES_PER_TENTH))
    before = [config.docs_dir, config.config_file_path]
    for path in before:
        server.unwatch(path)
    server.observer = PollingObserver(timeout=interval)
    server.build_delay = min(server.build_delay, interval)
    for path in before:
        server.watch(path)
