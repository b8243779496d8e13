"""The thin bridge into MkDocs: each event hands over to one pipeline stage.

on_config  load and validate terms/; abort with the validator's messages on any error
on_files   (the site folder is clean now) render the site, the entries' raw Markdown
           copies and version stubs written as they are made; then start writing /api/
           and the search index in a forked process; write the graph and preview JSON;
           add every generated page in memory (File.generated)
on_nav     hand each generated page its finished HTML fragments (render.Fragments); for a
           large glossary, leave the generated pages outside the nav to be converted
           by the theme workers (below), or else convert them in worker processes now
           (generator/emit/mkdocs/page_convert.py); MkDocs' own pass then skips them (GeneratedPage)
on_page_content  generated pages made final: fragments back in, then the whole content
                 through the output allowlist (page_convert.finish); the workers'
                 conversions, which did the same, filled in
on_env     let the theme render its navigation and the rest of its frame but the page's own
           parts once for all the pages outside the nav
           (generator/emit/mkdocs/theme_cache.py); for a large glossary, convert the pages left and
           put every page in the theme in worker processes, which also write them
           (generator/emit/mkdocs/theme_render.py); on_page_context then passes on, page by page,
           what a worker logged or raised
on_post_page     every page gets the Content-Security-Policy of its inline scripts
                 (generator/emit/csp.py; in the workers, for pages rendered there);
                 on_post_template does the same for 404.html
on_post_build    wait for /api/ (or write it here, where there was no fork) and write the
                 search index, if the search stage provides one

`GlossaryPlugin` is an installed MkDocs plugin (the `mkdocs.plugins` entry point `glossary`
in pyproject.toml, named under `plugins:` in mkdocs.yml), so MkDocs runs the code of the
installed package, wherever the project folder is. MkDocs makes one instance each time it
loads the configuration (every build and every `serve` rebuild), so its state lives
exactly one build.
On an MkDocs or Material version outside the tested ranges (`internals.fast_paths`) the
build takes MkDocs' plain path: no page or theme workers, no shared nav rendering.
"""

from __future__ import annotations

import dataclasses
import gc
import logging
import multiprocessing
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from generator.emit import csp
from generator.emit.mkdocs import (
    internals,
    lifeline,
    live,
    page_convert,
    serve_status,
    site_output,
    theme_cache,
    theme_render,
)
from generator.emit.mkdocs.site_build import REPORT_ENV, TERMS_ENV, write_report
from generator.model import Glossary
from generator.pipeline import Loaded, load_all
from generator.render.fragments import unpack
from generator.render.site import RenderedSite, render_site
from generator.workers import can_fork, give_back_free_memory, yield_cores

log = logging.getLogger("mkdocs.plugins.glossary")


def _project_root(config: MkDocsConfig) -> Path:
    return Path(config.config_file_path).resolve().parent


def _terms(config: MkDocsConfig) -> Path:
    return Path(os.environ.get(TERMS_ENV) or _project_root(config) / "terms")


# A build makes hundreds of thousands of objects that live until it ends; at Python's default
# (a young collection every 700 new objects, older generations every tenth and hundredth of
# those) the collector keeps walking them for nothing: a few percent of a build. Looking
# less often costs a few MB. Restored when the build ends (`glossary serve` goes on).
_GC_THRESHOLD = 100_000


class NoOptions(Config):
    """The plugin reads no options of its own: everything it needs is in mkdocs.yml already."""


class GlossaryPlugin(BasePlugin[NoOptions]):
    """One build's bridge into MkDocs, and what it holds from one event to the next."""

    def __init__(self) -> None:
        super().__init__()
        self.loaded: Loaded | None = None  # from on_config to on_files
        self.glossary: Glossary | None = None
        self.rendered: RenderedSite | None = None
        self.exports: Callable[[], None] | None = None  # writes /api/ into the site folder
        self.exporting: multiprocessing.process.BaseProcess | None = None  # a forked process writing /api/
        self.converted: dict[str, page_convert.Converted] = {}  # generated pages already converted, by src_uri
        self.deferred: set[str] = set()  # generated pages left for the theme workers to convert, by src_uri
        self.held = 0  # of those, how many MkDocs has read (`page_convert.hold_markdown`)
        self.nav: Navigation | None = None
        self.prebuilt: theme_render.Prebuilt | None = None  # pages put in the theme by workers, in MkDocs' order
        self.gc_default: tuple[int, int, int] | None = None
        self.fast = True  # the fast paths (internals.fast_paths), decided in on_config
        self.inputs: site_output.SiteInputs | None = None
        # while serving, what `live` patches the site from after the next edit
        self.serving = serve_status.serving()
        self.watched: tuple[Path, ...] = ()
        self.inputs_seen: dict[str, tuple[int, int]] = {}
        self.page_digests: dict[str, bytes] = {}
        self.file_paths: set[str] = set()
        self.loaded_entries: Any = {}
        self.loaded_edges: tuple[Any, ...] = ()
        self.loaded_graph: Any = None
        self.rendered_with: Any = None
        self.loaded_links: Any = None
        self.files: Files | None = None
        self.env: jinja2.Environment | None = None

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        lifeline.die_with_parent_if_asked()  # MkDocs dies with `glossary build`
        lifeline.forks_die_with_parent()  # and the workers forked below with MkDocs
        if self.serving:  # what the last build freed, before this one takes more
            _return_free_memory()
        if self.gc_default is None:
            self.gc_default = gc.get_threshold()
            gc.set_threshold(_GC_THRESHOLD, *self.gc_default[1:])
        if not config.use_directory_urls:
            raise Abort("the glossary's generated pages link with directory URLs: set use_directory_urls: true")
        self.fast = internals.fast_paths()
        if not self.fast:
            log.info(internals.explain())
        terms = _terms(config)
        if self.serving:  # seen before anything is read: a change during the build makes the next one full
            self.watched = (Path(config.config_file_path), Path(config.docs_dir), _project_root(config) / "templates")
            self.inputs_seen = live.snapshot(self.watched)
        loaded = load_all(terms)
        glossary = loaded.glossary
        if os.environ.get(REPORT_ENV):  # `glossary build` prints these itself
            write_report(Path(os.environ[REPORT_ENV]), len(glossary.entries), glossary.problems)
        site_output.stop_on_errors(glossary, terms)
        for problem in glossary.warnings:
            log.info("validator: %s", problem.format())
        self.loaded = loaded
        return config

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        assert self.loaded is not None, "on_config did not run"
        loaded, glossary, site_dir = self.loaded, self.loaded.glossary, Path(config.site_dir)
        # earlier revisions from git when terms/ is in a checkout (generator/history/revisions.py)
        inputs = self.inputs = site_output.site_inputs(config, _terms(config), glossary.entries)
        self.exports = inputs.exports(loaded, site_dir)
        self._start_exports()
        self.glossary = glossary
        write = site_output.writer(site_dir)
        # while serving, every file comes back here (none written in the workers), so that the
        # next edit's patch knows them all, as it knows the pages by their digests
        rendered = render_site(
            inputs.data(loaded), _project_root(config) / "templates", write=None if self.serving else write
        )
        if self.serving:
            self.page_digests = {
                path: live.page_digest(text, rendered.fragments.get(path)) for path, text in rendered.pages.items()
            }
            self.file_paths = set(rendered.files)
            self.loaded_entries, self.loaded_edges = glossary.entries, loaded.graph.edges
            self.loaded_graph, self.loaded_links = loaded.graph, loaded.links
            self.rendered_with = rendered.site  # lent to the first patch, as each patch lends the next
        for path in rendered.files:
            _claim(path, "file", files, config)
        for path, text in rendered.files.items():
            write(path, text)
        rendered = self.rendered = dataclasses.replace(rendered, files={})  # written
        in_nav = _nav_paths(config.nav or [])
        for path in list(rendered.pages):
            _claim(path, "page", files, config)
            # Held packed until MkDocs reads it (`GeneratedPage.source`), or, for a page in the
            # nav (MkDocs makes its page itself), as UTF-8 bytes: as text, one non-ASCII character
            # makes Python store a whole page at two bytes a character. Entry, tag and revision
            # pages are reached by links, never the nav: say so, so that MkDocs does not list
            # every one of them as "not included in the nav" on each build.
            packed = rendered.pages.pop_packed(path)
            held = self.fast and path not in in_nav
            content = b"" if held else unpack(packed)[0].encode("utf-8")
            file = File.generated(config, path, content=content, inclusion=InclusionLevel.NOT_IN_NAV)
            if held:
                page_convert.GeneratedPage(None, file, config).source = packed
            files.append(file)
        return files

    def _start_exports(self) -> None:
        """Fork the process that writes /api/ and the search index, before the pages are rendered.

        They need only the entries and the hand-written pages. A forked process's resident
        memory starts at its parent's: forked here, while this process holds the entries
        alone, it peaked at 410 MB at 10,000 entries; forked once the pages were rendered, at
        720 MB, the peak of the whole build. It takes about a seventh of the build's CPU and
        is needed only at the end, so it runs at a lower priority (`_in_background`): it takes
        what the page workers leave of the cores (while MkDocs reads the pages, one sits
        idle) instead of slowing them. (A bare process, not a pool: a pool's helper thread
        would stop the page workers forking.)
        """
        if self.exports is not None and can_fork():
            _return_free_memory()  # as before the theme workers fork (on_env)
            self.exporting = multiprocessing.get_context("fork").Process(target=_in_background, args=(self.exports,))
            self.exporting.start()

    def page_events(self) -> dict[str, Callable[..., Any]]:
        return {"page_context": self.on_page_context, "post_page": self.on_post_page}

    def on_nav(self, nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
        self.nav, self.files = nav, files
        self._hand_fragments(files)
        pages = [file.page for file in files.documentation_pages() if isinstance(file.page, page_convert.GeneratedPage)]
        if theme_render.possible(config, files, self.page_events()):
            self.deferred = {page.file.src_uri for page in pages}  # converted by the theme workers (on_env)
        else:
            self.converted = page_convert.convert(pages, config, files)
        for page in pages:
            page.converted_elsewhere = page.file.src_uri in self.deferred or page.file.src_uri in self.converted
        return nav

    def _hand_fragments(self, files: Files) -> None:
        """Each generated page gets its fragments, which `page_convert.finish` puts back and
        checks with the rest of its content wherever the page is converted."""
        assert self.rendered is not None, "on_files did not run"
        for file in files.documentation_pages():
            fragments = self.rendered.fragments.pop(file.src_uri, None)
            if fragments is not None and file.page is not None:
                setattr(file.page, page_convert.FRAGMENTS, fragments)

    def on_page_content(self, html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        if not page.file.generated_by:
            return html
        if isinstance(page, page_convert.GeneratedPage) and page.file.src_uri in self.deferred:
            page_convert.hold_markdown(page)
            self.held += 1
            if self.held % 1000 == 0:  # what MkDocs read for the pages held so far, handed back
                give_back_free_memory()
            return ""  # converted later, in a theme worker
        page_convert.forget_source(page)
        done = self.converted.pop(page.file.src_uri, None)
        if done is not None:
            return page_convert.apply(page, done, files)
        page.present_anchor_ids = set(page.present_anchor_ids or ()) | page_convert.fragment_ids(page)
        return page_convert.finish(page, html)

    def on_env(self, env: jinja2.Environment, config: MkDocsConfig, files: Files) -> jinja2.Environment:
        assert self.nav is not None, "on_nav did not run"
        theme_cache.install(env, config, self.nav, cache=self.fast)
        self.env = env
        # a forked worker's resident memory counts every page of this process it inherits,
        # the freed ones that glibc keeps too: give those back first
        _return_free_memory()
        self.prebuilt = theme_render.start(config, files, self.nav, env, self.page_events(), self.deferred)
        return env

    def on_page_context(self, context: Any, page: Page, config: MkDocsConfig, nav: Navigation) -> Any:
        if self.prebuilt is not None and theme_render.is_prebuilt(page):
            self.prebuilt.take(page)  # put in the theme and written by a worker
        return context

    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        """Every page, as it is written, gets the Content-Security-Policy of its own inline scripts
        (and, while serving, the script that shows a broken edit's errors)."""
        if page.file.generated_by:
            page.content = None  # written now; nothing reads it again
            if hasattr(page, page_convert.FRAGMENTS):
                delattr(page, page_convert.FRAGMENTS)
        if serve_status.serving() and output.strip():  # empty: a theme worker wrote the page already
            output = serve_status.with_status_script(output, config.site_url)
        return csp.add_policy(output)

    def on_post_template(self, output: str, template_name: str, config: MkDocsConfig) -> str:
        """Theme pages outside the docs (404.html, the sitemap) get the policy too."""
        if not template_name.endswith(".html"):
            return output
        if serve_status.serving():
            output = serve_status.with_status_script(output, config.site_url)
        return csp.add_policy(output)

    def on_serve(self, server: LiveReloadServer, config: MkDocsConfig, builder: Callable[..., Any]) -> LiveReloadServer:
        """A rebuild stopped by errors in the entries keeps the last good site and shows the
        errors in the browser (`serve_status`); the first build is not guarded, so `glossary
        serve` on a broken glossary stops with the errors."""
        site_dir = Path(config.site_dir)
        rebuilder = live.Rebuilder(builder, site_dir)
        server.builder = serve_status.guard(rebuilder, site_dir, lambda: rebuilder.changed)
        live.watch_closely(server, config, _terms(config))
        return server

    def on_post_build(self, config: MkDocsConfig) -> None:
        assert self.rendered is not None and self.glossary is not None and self.exports is not None, (
            "on_files did not run"
        )
        if self.prebuilt is not None:
            self.prebuilt.close()  # every page taken: the workers are done
        self.rendered = None
        if self.exporting is not None:
            self.exporting.join()  # a failure has printed its traceback and stops the build
            if self.exporting.exitcode != 0:
                raise Abort(f"writing the /api/ exports failed (exit status {self.exporting.exitcode})")
        else:
            self.exports()
        csp.write_headers(Path(config.site_dir))
        if self.serving:
            self._leave_live_state(config)
        self.release()

    def on_build_error(self, error: Exception) -> None:
        self.release()

    def _leave_live_state(self, config: MkDocsConfig) -> None:
        """What `glossary serve` patches the site from after the next edit (`live`)."""
        assert self.files is not None and self.nav is not None and self.env is not None and self.inputs is not None
        state = live.LiveState(
            config=config,
            files=self.files,
            nav=self.nav,
            env=self.env,
            inputs=self.inputs,
            terms=_terms(config),
            templates=_project_root(config) / "templates",
            inputs_seen=self.inputs_seen,
            watched=self.watched,
            pages=self.page_digests,
            file_paths=self.file_paths,
            entries=self.loaded_entries,
            edges=self.loaded_edges,
            graph=self.loaded_graph,
            site=self.rendered_with,
            links=self.loaded_links,
        )
        live.warm(state)
        live.remember(state)

    def release(self) -> None:
        """Let this build's data go now: `glossary serve` keeps the process (and this module,
        until the next build loads it afresh) alive, and two builds' worth would not fit."""
        if self.prebuilt is not None:
            self.prebuilt.close()
        if self.exporting is not None and self.exporting.is_alive():  # a failed build: its /api/ is not wanted
            self.exporting.terminate()
            self.exporting.join()
        self.loaded = self.glossary = self.rendered = self.exports = self.exporting = self.nav = self.prebuilt = None
        self.files = self.env = self.inputs = None
        self.page_digests, self.file_paths, self.loaded_entries, self.loaded_edges = {}, set(), {}, ()
        self.converted = {}
        self.deferred = set()
        self.held = 0
        if self.gc_default is not None:
            gc.set_threshold(*self.gc_default)
            self.gc_default = None
        if self.serving:  # the server idles at what its state needs, not at the build's peak
            _return_free_memory()  # (`glossary build` ends here: collecting would only delay it)


def _claim(path: str, what: str, files: Files, config: MkDocsConfig) -> None:
    """Stop if a generated `what` (page or file) could be written outside the site folder
    (`site_output.inside`), or if a file in docs_dir has its path."""
    site_output.inside(site_output.real(config.site_dir), path)
    existing = files.get_file_from_path(path)
    if existing is not None and not existing.generated_by:
        raise Abort(f"{config.docs_dir}/{path} clashes with a generated {what}; rename or remove it")


def _nav_paths(nav: Any) -> set[str]:
    """Every page path the `nav` setting names (a path may be written with a leading `/`)."""
    if isinstance(nav, str):
        return {nav, nav.lstrip("/")}
    items = nav.values() if isinstance(nav, dict) else nav if isinstance(nav, list) else ()
    return set().union(*(_nav_paths(item) for item in items))


def _in_background(work: Callable[[], None]) -> None:
    """`work`, in a forked process, yielding the cores to the build's other processes."""
    yield_cores()
    work()


def _return_free_memory() -> None:
    """Collect and hand freed memory back to the system (`give_back_free_memory`), so that
    a rebuild's peak is its own, not added to what the last build left behind."""
    gc.collect()
    give_back_free_memory()
