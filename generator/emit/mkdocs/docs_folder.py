"""`glossary render --out DIR`: the site as a plain MkDocs project, without the glossary plugin.

The folder holds what stock `mkdocs build --strict -f DIR/mkdocs.yml` (or another engine
that reads `mkdocs.yml`) needs to make the site:

    DIR/mkdocs.yml    the project's settings (theme, extensions, nav) with `plugins: []` and no
                      `watch:`; docs_dir and custom_dir point into DIR
    DIR/docs/         every generated page as Markdown with front matter, its finished
                      HTML fragments (the templates' own HTML) inlined, the
                      hand-written pages and assets of site_src/, the graph and preview
                      JSON, the version stubs of earlier revisions, /api/ and the search index
    DIR/overrides/    the theme overrides, less the two partials that only the plugin's shared
                      nav rendering needs (Material's own are used instead)

What only the plugin does is absent: the output allowlist over each page's converted
Markdown (the author text in it is already rendered safe: raw HTML shown as text), the
Content-Security-Policy of each page and `_headers`, and the entries' raw Markdown copies
(`term/<slug>/index.md` would be a second page for the same address here).

The folder is made beside DIR and swapped in; DIR must be new, empty or a folder this
command made (it carries the site marker `safe_paths.SITE_MARKER`), and one it made is
replaced only with `force`.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import tempfile
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from generator import safe_paths
from generator.model import Glossary
from generator.render.escape import unmark_markdown

if TYPE_CHECKING:
    from generator.pipeline import Loaded

DOCS = "docs"
OVERRIDES = "overrides"
_HOOKS_ONLY_TEMPLATES = ("partials/nav.html", "partials/tabs.html", "glossary-prebuilt.html")
# `glossary_cached(name) or glossary_keep(name, part)`: a part of the theme's frame kept from
# page to page by the plugin (theme_cache.py); without it, the part itself, on every page.
_KEPT_PART = re.compile(r'glossary_cached\("([^"]+)"\) or glossary_keep\("\1", ((?:[^()]|\([^()]*\))*)\)')
_DROPPED_SETTINGS = ("watch",)


class NotReplaced(Exception):
    """DIR is a folder this command made, and `force` was not given."""


def render_folder(out: Path, terms: Path, project: Path, *, force: bool) -> Glossary:
    """Write the plain docs folder for the entries in `terms` (the project's settings,
    templates and site_src from `project`) into `out`. Returns the loaded glossary; if it
    has errors nothing was written.

    Raises safe_paths.Refused for a folder whose replacement could lose files, NotReplaced
    for an earlier rendering without `force`.
    """
    safe_paths.check_site_dir(out, terms=terms, project=project)
    if out.is_dir() and any(out.iterdir()) and not force:
        raise NotReplaced(str(out))
    from generator.pipeline import load_all

    loaded = load_all(terms)
    if loaded.glossary.errors:
        return loaded.glossary
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".rendering-{out.name}-{os.getpid()}-", dir=out.parent))
    try:
        _write(staging, loaded, terms, project)
        safe_paths.mark_site(staging)
        from generator.emit.mkdocs.site_build import _swap_in

        _swap_in(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return loaded.glossary


def _write(folder: Path, loaded: Loaded, terms: Path, project: Path) -> None:
    from mkdocs.config import load_config

    from generator.compute.site_data import SiteConfig, collect_site_data
    from generator.export import formats as export
    from generator.history.revisions import collect_history
    from generator.render.site import render_site
    from generator.search import write_site_index
    from generator.settings import site_settings

    config_file = project / "mkdocs.yml"
    config = load_config(str(config_file))
    glossary, graph = loaded.glossary, loaded.graph
    site_url, site_name = site_settings(config_file)
    site = SiteConfig(
        site_url=site_url,
        site_name=site_name,
        build_day=date.today(),
        markdown_extensions=tuple(config.markdown_extensions),
        mdx_configs=dict(config.mdx_configs),
    )
    found = collect_history(terms, slugs=glossary.entries)
    data = collect_site_data(glossary.entries, graph, site, loaded.examples)
    data = dataclasses.replace(data, extra={**data.extra, "history": found})
    rendered = render_site(data, project / "templates")
    docs = folder / DOCS
    shutil.copytree(project / "site_src", docs, ignore=shutil.ignore_patterns(".*"))
    for path in rendered.pages:
        _put(docs, path, page_markdown(rendered, path))
    for path, text in rendered.files.items():
        if not path.endswith(".md"):  # a raw Markdown copy would be a second page at its address
            _put(docs, path, text)
    context = export.ExportContext(site_url=site.base, site_name=site.site_name, day=site.build_day, history=found)
    export.write_site_files(export.directory_opener(docs), glossary.entries, graph, context)
    write_site_index(glossary, docs)
    overrides = folder / OVERRIDES
    shutil.copytree(project / "templates" / "overrides", overrides)
    for name in _HOOKS_ONLY_TEMPLATES:
        (overrides / name).unlink(missing_ok=True)
    for template in overrides.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        if "glossary_cached" in text:
            template.write_text(_KEPT_PART.sub(r"\2", text), encoding="utf-8")
    (folder / "mkdocs.yml").write_text(plain_config(config_file.read_text(encoding="utf-8")), encoding="utf-8")


_TAG = re.compile(r"<(/?)(?:div|details|section|aside)\b[^>]*>")


def page_markdown(rendered: object, path: str) -> str:
    """A generated page as one Markdown document, its finished HTML fragments inlined.

    A fragment may open an element that a later fragment closes, with the page's own
    Markdown between them (a summary inside `<div class="gl-summary">`). Inlined as they
    are, Python-Markdown would take everything up to the close as raw HTML, so such an
    opening tag gets `markdown="1"` (md_in_html: convert what is inside; the attribute is
    dropped from the output), as the placeholders let the plugin's conversion do."""
    text: str = unmark_markdown(rendered.pages[path])  # type: ignore[attr-defined]
    fragments = rendered.fragments.get(path)  # type: ignore[attr-defined]
    if fragments is None:
        return text
    parts = [_markdown_inside(part) for part in fragments.html]
    pattern = re.compile(rf"^{fragments.prefix}(\d+)$", re.MULTILINE)
    return fragments.inline_math(pattern.sub(lambda m: parts[int(m.group(1))], text))  # math as drawn


def _markdown_inside(html: str) -> str:
    """`html` with `markdown="1"` on each element it opens and leaves open."""
    open_: list[re.Match[str]] = []
    for tag in _TAG.finditer(html):
        if tag.group(1):  # a closing tag
            if open_:
                open_.pop()
        elif 'markdown="' not in tag.group(0):
            open_.append(tag)
    for tag in reversed(open_):
        html = html[: tag.end() - 1] + ' markdown="1">' + html[tag.end() :]
    return html


def _put(root: Path, path: str, text: str) -> None:
    target = Path(safe_paths.inside(str(root), path))
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")


_TOP_LEVEL = re.compile(r"^([A-Za-z_][\w-]*)\s*:")


def plain_config(text: str) -> str:
    """The project's mkdocs.yml for the plain folder: `plugins: []` and no `watch:` (the
    blocks and the comments just above them dropped), docs_dir and the theme's custom_dir
    pointing into the folder. Edited as text, so that `!ENV` and comments stay."""
    blocks: list[tuple[str | None, list[str]]] = []
    pending: list[str] = []  # comment and blank lines, attached to the next block
    for line in text.splitlines(keepends=True):
        top = _TOP_LEVEL.match(line)
        if top:
            blocks.append((top.group(1), [*pending, line]))
            pending = []
        elif line.startswith("#") or not line.strip():
            pending.append(line)
        elif blocks:
            blocks[-1][1].extend([*pending, line])
            pending = []
        else:
            pending.append(line)
    out = []
    for key, lines in blocks:
        if key in _DROPPED_SETTINGS:
            continue
        if key == "plugins":  # the glossary plugin is what this folder does without
            lines = [line for line in lines if line.startswith("#")] + ["plugins: []\n"]
        if key == "docs_dir":
            lines = [re.sub(r"^docs_dir:.*$", f"docs_dir: {DOCS}", line) for line in lines]
        if key == "theme":
            lines = [re.sub(r"^(\s+custom_dir:).*$", rf"\1 {OVERRIDES}", line) for line in lines]
        out.extend(lines)
    out.extend(pending)
    body = "".join(out)
    body = re.sub(r"\A(#[^\n]*\n)+", "", body)  # the project's own header speaks of the plugin
    return (
        "# Written by `glossary render`: the Leverage Glossary as a plain MkDocs project, no glossary plugin.\n"
        "# Build it with `mkdocs build --strict -f mkdocs.yml`.\n" + body
    )
