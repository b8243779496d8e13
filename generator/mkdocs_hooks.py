"""The thin bridge into MkDocs: each event hands over to one pipeline stage.

on_config  load and validate terms/; abort with the validator's messages on any error
on_files   render every generated page and add it in memory (File.generated)
on_page_content  put the finished HTML fragments back into generated pages (render.Fragments),
                 then the last-line URL guard
on_post_build    write the post-build files (raw Markdown, graph and preview JSON) and
                 the search index, if the search stage provides one

MkDocs loads this file afresh for every build (and every `serve` rebuild), so module
state lives exactly one build.
"""

from __future__ import annotations

import dataclasses
import importlib
import importlib.util
import logging
import os
from datetime import date
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from generator.history import collect_history
from generator.model import Glossary
from generator.pipeline import load_all
from generator.render import RenderedSite, render_site
from generator.sanitize import neutralise_html_urls
from generator.site_build import TERMS_ENV
from generator.sitedata import SiteConfig, collect_site_data

log = logging.getLogger("mkdocs.plugins.glossary")

_glossary: Glossary | None = None
_rendered: RenderedSite | None = None


def _project_root(config: MkDocsConfig) -> Path:
    return Path(config.config_file_path).resolve().parent


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    global _glossary, _rendered
    if not config.use_directory_urls:
        raise Abort("the glossary's generated pages link with directory URLs: set use_directory_urls: true")
    root = _project_root(config)
    terms = Path(os.environ.get(TERMS_ENV) or root / "terms")
    loaded = load_all(terms)
    glossary = loaded.glossary
    if glossary.errors:
        messages = "\n".join(problem.format() for problem in glossary.errors)
        raise Abort(f"{len(glossary.errors)} error(s) in {terms}; fix them and build again:\n{messages}")
    for problem in glossary.warnings:
        log.info("validator: %s", problem.format())
    site = SiteConfig(site_url=config.site_url or "/", site_name=config.site_name, build_day=date.today(),
                      markdown_extensions=tuple(config.markdown_extensions), mdx_configs=dict(config.mdx_configs))
    data = collect_site_data(glossary.entries, loaded.graph, site)
    # Issue 7 (generator/history.py): earlier revisions from git when terms/ is in a checkout.
    found = collect_history(terms, slugs=glossary.entries)
    log.info("glossary: %s", found.note)
    data = dataclasses.replace(data, extra={**data.extra, "history": found})
    _glossary = glossary
    _rendered = render_site(data, root / "templates")
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    assert _rendered is not None, "on_config did not run"
    for path, text in _rendered.pages.items():
        existing = files.get_file_from_path(path)
        if existing is not None and not existing.generated_by:
            raise Abort(f"{config.docs_dir}/{path} clashes with a generated page; rename or remove it")
        # entry, tag and revision pages are reached by links, never the nav: say so, so that
        # MkDocs does not list every one of them as "not included in the nav" on each build
        files.append(File.generated(config, path, content=text, inclusion=InclusionLevel.NOT_IN_NAV))
    return files


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if page.file.generated_by:
        assert _rendered is not None, "on_config did not run"
        fragments = _rendered.fragments.get(page.file.src_uri)
        return neutralise_html_urls(fragments.restore(html) if fragments else html)
    return html


def on_post_build(config: MkDocsConfig) -> None:
    assert _rendered is not None and _glossary is not None, "on_config did not run"
    site_dir = Path(config.site_dir)
    for path, text in _rendered.files.items():
        target = site_dir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    _write_search_index(_glossary, site_dir)


def _write_search_index(glossary: Glossary, site_dir: Path) -> None:
    """The search stage's index, when it offers one (its own errors are not hidden)."""
    if importlib.util.find_spec("generator.search") is None:
        return
    search = importlib.import_module("generator.search")
    writer: Any = getattr(search, "write_site_index", None)
    if writer is not None:
        writer(glossary, site_dir)
