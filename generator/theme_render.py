"""MkDocs' theme rendering of the pages, in forked worker processes.

Once every page is converted, MkDocs puts the pages in the theme one after another
(`mkdocs.commands.build._build_page`: context, template, `page_context` and `post_page`
events, write): a large share of a large glossary's build. For a large glossary the MkDocs
hooks instead have forked workers take exactly those steps, short of writing, on their
share of the pages, and hand back each finished page, compressed, with every log message
written meanwhile (so that `--strict` still counts each warning). MkDocs' own loop still
runs in the parent, page by page and in the same order, but each page now names a one-line
template (TEMPLATE) that prints the worker's output, which `Prebuilt.take` hands over.

The workers fork before the parent changes anything on a page, and see each page just as
MkDocs' loop would. Not used when other plugins also listen to the page events (they
would run twice) or when some pages are drafts (`mkdocs serve` would build more pages).
"""

from __future__ import annotations

import itertools
import logging
import pickle
import traceback
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import jinja2
from mkdocs.commands.build import get_context
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from generator.workers import capture_mkdocs_log, forked_map, replay_log, worth_forking

PARALLEL_PAGES = 400  # below this, starting workers costs more than it saves
_CHUNK = 20
TEMPLATE = "glossary-prebuilt.html"  # in templates/overrides: prints VARIABLE, nothing else
VARIABLE = "glossary_prebuilt"


@dataclass(frozen=True, slots=True)
class Rendered:
    """One page as `_build_page` would write it (zlib, UTF-8), or the error that stopped it,
    and what was logged meanwhile (logger name, level, message)."""

    src_uri: str
    output: bytes
    messages: tuple[tuple[str, int, str], ...]
    error: BaseException | None = None
    trace: str = ""  # the worker's traceback of `error`


class WorkerTraceback(Exception):
    """Where in a worker an error was raised (the cause of the error raised again here)."""

    def __str__(self) -> str:
        return f"\n{self.args[0]}"


class Prebuilt:
    """The workers' pages, handed out in MkDocs' order as its loop reaches them."""

    def __init__(self, results: Iterator[Rendered], close: Callable[[], None]) -> None:
        self._results = results
        self._close = close

    def take(self, page: Page) -> str:
        """`page` as the theme renders it; re-logs what was logged meanwhile, raises what was raised."""
        uri = page.file.src_uri
        # Pages MkDocs' loop passes over (`--dirty`) are skipped here too.
        done = next((done for done in self._results if done.src_uri == uri), None)
        if done is None:
            raise RuntimeError(f"no page rendered in a worker for '{uri}'")
        replay_log(done.messages)
        if done.error is not None:
            raise done.error from WorkerTraceback(done.trace)
        return zlib.decompress(done.output).decode("utf-8", "surrogatepass")

    def close(self) -> None:
        """Stop the workers (those still needed for pages not taken are cancelled)."""
        self._close()


def is_prebuilt(page: Page) -> bool:
    return page.meta.get("template") == TEMPLATE


def start(config: MkDocsConfig, files: Files, nav: Navigation, env: jinja2.Environment,
          own_events: dict[str, Callable[..., object]]) -> Prebuilt | None:
    """Fork workers that put every page in the theme; None when too few pages, no fork, or
    `own_events` (event -> the caller's handler) are not the only page event handlers.

    Call it when MkDocs has converted every page (its `env` event), and nothing has changed
    the pages since.
    """
    doc_files = files.documentation_pages(inclusion=InclusionLevel.is_included)
    pages = [file.page for file in doc_files if file.page is not None]
    if (not worth_forking(len(pages), PARALLEL_PAGES)
            or len(files.documentation_pages(inclusion=InclusionLevel.is_in_serve)) != len(doc_files)
            or any(config.plugins.events[event] != [handler] for event, handler in own_events.items())):
        return None
    ranges = [(start, min(start + _CHUNK, len(pages))) for start in range(0, len(pages), _CHUNK)]

    def render_range(bounds: tuple[int, int]) -> list[Rendered]:
        return _render(pages[bounds[0]:bounds[1]], config, doc_files, nav, env)

    _compile_templates(pages[0], config, doc_files, nav, env)
    chunks = forked_map(render_range, ranges)
    first = next(chunks)  # forks the workers now: before anything below changes a page
    for page in pages:
        page.meta["template"] = TEMPLATE  # from here on, MkDocs' loop only writes the page out
    return Prebuilt(itertools.chain(first, itertools.chain.from_iterable(chunks)), chunks.close)


def _compile_templates(page: Page, config: MkDocsConfig, doc_files: list, nav: Navigation,
                       env: jinja2.Environment) -> None:
    """Compile the theme's templates here, once, by putting one page in the theme and throwing
    the output away (no page events run), so that each worker inherits them instead of
    compiling its own (a Material page takes some thirty templates).

    Whatever this logs or raises, a worker logs or raises again on the same page: silenced.
    """
    silenced = logging.root.manager.disable
    logging.disable(logging.CRITICAL)
    config._current_page = page
    page.active = True
    try:
        env.get_template(page.meta.get("template", "main.html")).render(get_context(nav, doc_files, config, page))
    except Exception:
        pass
    finally:
        page.active = False
        config._current_page = None
        logging.disable(silenced)


def _render(pages: list[Page], config: MkDocsConfig, doc_files: list, nav: Navigation,
            env: jinja2.Environment) -> list[Rendered]:
    """In a worker: `_build_page` for each page, short of writing it; the log captured.

    A page that raises ends the chunk: MkDocs stops the build at that page.
    """
    captured = capture_mkdocs_log()
    out = []
    for page in pages:
        captured.clear()
        config._current_page = page
        try:
            page.active = True
            context = get_context(nav, doc_files, config, page)
            template = env.get_template(page.meta.get("template", "main.html"))
            context = config.plugins.on_page_context(context, page=page, config=config, nav=nav)
            output = template.render(context)
            output = config.plugins.on_post_page(output, page=page, config=config)
        except Exception as error:  # raised again in the parent, at this page
            out.append(Rendered(page.file.src_uri, b"", tuple(captured), _portable(error), traceback.format_exc()))
            break
        finally:
            page.active = False
            config._current_page = None
        out.append(Rendered(page.file.src_uri, zlib.compress(output.encode("utf-8", "surrogatepass"), 1),
                            tuple(captured)))
    return out


def _portable(error: Exception) -> BaseException:
    """`error` if it survives the trip to the parent, else a RuntimeError with its text."""
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:
        return RuntimeError(f"{type(error).__name__}: {error}")
    return error
