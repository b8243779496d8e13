"""What a build makes from the checked glossary besides MkDocs' pages, and where it may write.

Shared by a full build (the plugin's `on_files`) and a rebuild while serving (`live`), so
that both render from the same inputs and write the same files the same way.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort

from generator import safe_paths
from generator.compute.site_data import SiteConfig, SiteData, collect_site_data
from generator.emit import csp
from generator.export import formats as export
from generator.history.revisions import collect_history
from generator.model import Glossary
from generator.pipeline import Loaded

log = logging.getLogger("mkdocs.plugins.glossary")


@dataclass(frozen=True)
class SiteInputs:
    """What render and the exports read besides the entries: facts about the site and the
    revision history (read from git once per full build)."""

    site: SiteConfig
    history: Any  # history.revisions.History

    def data(self, loaded: Loaded) -> SiteData:
        data = collect_site_data(loaded.glossary.entries, loaded.graph, self.site, loaded.examples)
        return dataclasses.replace(data, extra={**data.extra, "history": self.history})

    def exports(self, loaded: Loaded, site_dir: Path) -> Callable[[], None]:
        """Writes /api/ and the search index into `site_dir` when called."""
        glossary = loaded.glossary
        context = export.ExportContext(
            site_url=self.site.base, site_name=self.site.site_name, day=self.site.build_day, history=self.history
        )

        def write() -> None:
            from generator.search import write_site_index

            export.write_site_files(export.directory_opener(site_dir), glossary.entries, loaded.graph, context)
            write_site_index(glossary, site_dir)

        return write


def site_inputs(config: MkDocsConfig, terms: Path, slugs: Any) -> SiteInputs:
    """The inputs of a full build: the site's address and name, today, and the earlier
    revisions of `slugs` from git when the terms folder is in a checkout."""
    site = SiteConfig(
        site_url=config.site_url or "/",
        site_name=config.site_name,
        build_day=date.today(),
        markdown_extensions=tuple(config.markdown_extensions),
        mdx_configs=dict(config.mdx_configs),
    )
    found = collect_history(terms, slugs=slugs)
    log.info("glossary: %s", found.note)
    for skipped in found.skipped:  # info, not warning: an old commit must not fail a strict build
        log.info("glossary: warning: old revision of %s left out of /rev/", skipped)
    return SiteInputs(site, found)


def stop_on_errors(glossary: Glossary, terms: Path) -> None:
    """Stop the build with the validator's messages if the entries have errors."""
    if glossary.errors:
        messages = "\n".join(problem.format() for problem in glossary.errors)
        raise Abort(f"{len(glossary.errors)} error(s) in {terms}; fix them and build again:\n{messages}")


@functools.lru_cache(maxsize=4)
def real(site_dir: str) -> str:
    """The site folder resolved, once per build rather than once per page."""
    return os.path.realpath(site_dir)


def inside(root: str, path: str) -> str:
    """Where site file `path` goes under `root`; the build stops rather than write anywhere
    else, whatever an entry or a cache said (`safe_paths.inside`: no `..`, no absolute path)."""
    try:
        return safe_paths.inside(root, path)
    except safe_paths.UnsafePath as error:
        raise Abort(f"{error}; nothing is written outside the site folder") from None


def writer(site_dir: Path) -> Callable[[str, str], None]:
    """`write(site path, text)` into `site_dir`; an HTML file (a version stub) gets its policy."""
    root = real(str(site_dir))
    made: set[Path] = set()  # folders known to exist: asking again costs a failed mkdir per file

    def write(path: str, text: str) -> None:
        target = Path(inside(root, path))
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        if path.endswith(".html"):  # a page written beside MkDocs' (the version stubs): its policy too
            text = csp.add_policy(text)
        target.write_text(text, encoding="utf-8")

    return write
