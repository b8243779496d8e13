"""MkDocs' theme rendering of the pages, in forked worker processes.

Once every page is converted, MkDocs puts the pages in the theme one after another
(`mkdocs.commands.build._build_page`: context, template, `page_context` and `post_page`
events, write): a large share of a large glossary's build. For a large glossary the MkDocs
plugin instead has forked workers take exactly those steps, short of writing, on their
share of the pages, write each finished page where MkDocs would, and hand back what was
logged meanwhile (so that `--strict` still counts each warning). MkDocs' own loop still
runs in the parent, page by page and in the same order, but each page now names a one-line
template (TEMPLATE) that prints nothing: the page is written already, and `Prebuilt.take`
only re-logs the worker's messages and raises its error, at that page. (A worker that
writes pages ahead of a page that fails elsewhere writes pages MkDocs would not have; a
failed build's site is not used, and `glossary build` throws it away.)

The workers fork before the parent changes anything on a page, and see each page just as
MkDocs' loop would. Not used when other plugins also listen to the page events (they
would run twice) or when some pages are drafts (`mkdocs serve` would build more pages).

When the plugin knows early (`possible`, at MkDocs' `nav` event) that the pages will be put
in the theme here, they leave the generated pages unconverted (`deferred`), and each
worker converts such a page with MkDocs' own `Page.render` just before putting it in the
theme: the converted HTML then never travels between processes, and the parent only sets
what MkDocs checks after its loop (anchors, links to anchors).
"""

from __future__ import annotations

import itertools
import logging
import pickle
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import jinja2
from mkdocs import utils
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from generator.emit.mkdocs import internals
from generator.emit.mkdocs.page_convert import Found, let_go, render_page
from generator.emit.mkdocs.worker_log import capture_mkdocs_log, replay_log
from generator.workers import forked_map, give_back_free_memory, worth_forking

PARALLEL_PAGES = 400  # below this, starting workers costs more than it saves
_CHUNK = 20
TEMPLATE = "glossary-prebuilt.html"  # in templates/overrides: prints nothing


@dataclass(frozen=True, slots=True)
class Rendered:
    """One page that a worker put in the theme and wrote (`written`: False if its output was
    empty, as `_build_page` would not write it), or the error that stopped it, and what was
    logged meanwhile (logger name, level, message)."""

    src_uri: str
    written: bool
    messages: tuple[tuple[str, int, str], ...]
    error: BaseException | None = None
    trace: str = ""  # the worker's traceback of `error`
    converted: Found | None = None  # what converting a deferred page found


class WorkerTraceback(Exception):
    """Where in a worker an error was raised (the cause of the error raised again here)."""

    def __str__(self) -> str:
        return f"\n{self.args[0]}"


class _WrittenNotSkipped(logging.Filter):
    """MkDocs' loop gets empty output for a page a worker wrote, and would report it skipped."""

    def __init__(self) -> None:
        super().__init__()
        self.message: str | None = None  # what not to report, once

    def filter(self, record: logging.LogRecord) -> bool:
        if self.message is None or record.getMessage() != self.message:
            return True
        self.message = None
        return False


class Prebuilt:
    """The workers' pages, taken in MkDocs' order as its loop reaches them."""

    def __init__(self, results: Iterator[Rendered], close: Callable[[], None], files: Files) -> None:
        self._results = results
        self._close = close
        self._files = files
        self._quiet = _WrittenNotSkipped()
        self._logger = logging.getLogger("mkdocs.commands.build")
        self._logger.addFilter(self._quiet)

    def take(self, page: Page) -> None:
        """Call as MkDocs' loop reaches `page`, which a worker wrote: re-logs what was logged
        meanwhile, raises what was raised."""
        uri = page.file.src_uri
        # Pages MkDocs' loop passes over (`--dirty`) the workers passed over too.
        done = next((done for done in self._results if done.src_uri == uri), None)
        if done is None:
            raise RuntimeError(f"no page rendered in a worker for '{uri}'")
        replay_log(done.messages)
        if done.error is not None:
            raise done.error from WorkerTraceback(done.trace)
        if done.converted is not None:  # what MkDocs reads after its loop, as `Page.render` sets it
            done.converted.set_on(page, self._files)
        self._quiet.message = internals.SKIPPED_MESSAGE.format(uri) if done.written else None

    def close(self) -> None:
        """Stop the workers (those still needed for pages not taken are cancelled)."""
        self._logger.removeFilter(self._quiet)
        self._close()


def is_prebuilt(page: Page) -> bool:
    return page.meta.get("template") == TEMPLATE


def possible(config: MkDocsConfig, files: Files, own_events: dict[str, Callable[..., object]]) -> bool:
    """Whether `start` will fork: a tested MkDocs (`internals.fast_paths`), enough pages, fork
    available, no drafts, and `own_events` (event -> the caller's handler) the only handlers
    of the page events."""
    if not internals.fast_paths():
        return False
    doc_files = files.documentation_pages(inclusion=InclusionLevel.is_included)
    return (
        worth_forking(len(doc_files), PARALLEL_PAGES)
        and len(files.documentation_pages(inclusion=InclusionLevel.is_in_serve)) == len(doc_files)
        and all(config.plugins.events[event] == [handler] for event, handler in own_events.items())
    )


def start(
    config: MkDocsConfig,
    files: Files,
    nav: Navigation,
    env: jinja2.Environment,
    own_events: dict[str, Callable[..., object]],
    deferred: set[str],
) -> Prebuilt | None:
    """Fork workers that put every page in the theme; None when not `possible`.

    Call it when MkDocs has converted every page (its `env` event) but those in `deferred`
    (src_uri), which the workers convert; nothing may have changed the pages since. If it
    returns None, the deferred pages have been converted here.
    """
    doc_files = files.documentation_pages(inclusion=InclusionLevel.is_included)
    pages = [file.page for file in doc_files if file.page is not None]
    if not possible(config, files, own_events):
        for page in pages:
            if page.file.src_uri in deferred:
                render_page(page, config, files)
                page.markdown = ""  # as the plugin leaves a converted generated page
        return None
    ranges = [(start, min(start + _CHUNK, len(pages))) for start in range(0, len(pages), _CHUNK)]

    def render_range(bounds: tuple[int, int]) -> list[Rendered]:
        done = _render(pages[bounds[0] : bounds[1]], config, files, doc_files, nav, env, deferred)
        give_back_free_memory()  # a worker's pages are let go as written (1 ms a chunk)
        return done

    _compile_templates(pages[0], config, doc_files, nav, env)
    chunks = forked_map(render_range, ranges)  # the workers fork here: before anything below changes a page
    for page in pages:
        page.meta["template"] = TEMPLATE  # from here on, MkDocs' loop only takes the page
    return Prebuilt(itertools.chain.from_iterable(chunks), chunks.close, files)


def _compile_templates(
    page: Page, config: MkDocsConfig, doc_files: Sequence[File], nav: Navigation, env: jinja2.Environment
) -> None:
    """Compile the theme's templates here, once, by putting one page in the theme and throwing
    the output away (no page events run), so that each worker inherits them instead of
    compiling its own (a Material page takes some thirty templates).

    Whatever this logs or raises, a worker logs or raises again on the same page: silenced.
    """
    silenced = logging.root.manager.disable
    logging.disable(logging.CRITICAL)
    internals.set_current_page(config, page)
    page.active = True
    try:
        env.get_template(page.meta.get("template", "main.html")).render(
            internals.theme_context(nav, doc_files, config, page)
        )
    except Exception:
        pass
    finally:
        page.active = False
        internals.set_current_page(config, None)
        logging.disable(silenced)


def render_pages(
    pages: list[Page],
    config: MkDocsConfig,
    files: Files,
    doc_files: Sequence[File],
    nav: Navigation,
    env: jinja2.Environment,
) -> list[Rendered]:
    """Here, not in a worker: each page converted, put in the theme and written, as a
    worker does it (a rebuild while serving, of the few pages an edit changed); what it
    logs is logged here, as it happens."""
    return _render(pages, config, files, doc_files, nav, env, {page.file.src_uri for page in pages}, capture=False)


def _render(
    pages: list[Page],
    config: MkDocsConfig,
    files: Files,
    doc_files: Sequence[File],
    nav: Navigation,
    env: jinja2.Environment,
    deferred: set[str],
    *,
    capture: bool = True,
) -> list[Rendered]:
    """In a worker: `_build_page` for each page (a deferred page converted first); the log
    captured (unless not `capture`: in the parent itself).

    A page that raises ends the chunk: MkDocs stops the build at that page.
    """
    captured = capture_mkdocs_log() if capture else []
    out = []
    for page in pages:
        if not page.file.is_modified():
            continue  # `--dirty`, and the page is up to date: MkDocs' loop passes over it too
        captured.clear()
        converted = None
        try:
            if page.file.src_uri in deferred:
                render_page(page, config, files)
                converted = Found.on(page)
        except Exception as error:  # raised again in the parent, at this page
            out.append(Rendered(page.file.src_uri, False, tuple(captured), _portable(error), traceback.format_exc()))
            break
        internals.set_current_page(config, page)
        try:
            page.active = True
            context = internals.theme_context(nav, doc_files, config, page)
            template = env.get_template(page.meta.get("template", "main.html"))
            context = config.plugins.on_page_context(context, page=page, config=config, nav=nav)
            output = template.render(context)
            output = config.plugins.on_post_page(output, page=page, config=config)
            written = bool(output.strip())
            if written:  # as `_build_page` writes it
                utils.write_file(output.encode("utf-8", errors="xmlcharrefreplace"), page.file.abs_dest_path)
        except Exception as error:  # raised again in the parent, at this page
            out.append(Rendered(page.file.src_uri, False, tuple(captured), _portable(error), traceback.format_exc()))
            break
        finally:
            page.active = False
            internals.set_current_page(config, None)
        out.append(Rendered(page.file.src_uri, written, tuple(captured), converted=converted))
        if converted is not None:  # written, and what MkDocs checks after its loop taken
            let_go(page)
    return out


def _portable(error: Exception) -> BaseException:
    """`error` if it survives the trip to the parent, else a RuntimeError with its text."""
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:
        return RuntimeError(f"{type(error).__name__}: {error}")
    return error
