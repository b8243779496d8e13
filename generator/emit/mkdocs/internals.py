"""Every private MkDocs and Material internal the glossary relies on, and the versions tested.

The fast paths (`page_convert`, `theme_render`, `theme_cache`) take MkDocs' own steps in
worker processes or once for many pages, and for that they reach past MkDocs' public API.
This module is the only place that names those internals:

MkDocs (`mkdocs.structure.pages`, `mkdocs.commands.build`):
- `_RawHTMLPreprocessor`, `_ExtractAnchorsTreeprocessor`, `_RelativePathTreeprocessor`,
  `_ExtractTitleTreeprocessor` and their `._register(md)`: the processors `Page.render`
  adds to Python-Markdown (page_convert.render_page is `Page.render` step for step)
- `Page._title_from_render`: the title `Page.render` found in the first heading
- `mkdocs.structure.pages.log`: the logger whose level `Page.render` consults
- `mkdocs.commands.build.get_context` and `config._current_page`: what
  `mkdocs.commands.build._build_page` sets up before it puts a page in the theme
  (theme_render copies `_build_page`), and SKIPPED_MESSAGE, the exact text it logs for
  a page with empty output
- `mkdocs.commands.build._build_theme_template`: the sitemap written again when `glossary
  serve` patches the site after an edit (live.py)
- the dev server's `LiveReloadServer.observer` (replaced by one that polls more often) and
  `.build_delay` (the quiet time it waits for after a change), both set by live.watch_closely
Material (`material/templates`):
- `partials/nav.html` and `partials/tabs.html`, and base.html's blocks `libs`, `fonts`,
  `analytics`, `footer`, `config`, `styles` and `scripts`, render alike for every page
  outside the nav, given the same base URL and relative URLs (theme_cache keeps one
  rendering for them all)
- templates/overrides/partials/header.html is a copy of Material 9.8's header
  (one block changed) and templates/overrides/sitemap.xml a copy of MkDocs 1.6's sitemap

`fast_paths()` says whether the installed MkDocs and Material are inside TESTED (the
ranges `pyproject.toml` pins). Outside them the build takes MkDocs' plain path: its own
`Page.render`, its own theme loop, Material's partials rendered for every page; and logs
one line saying so. The output is the same; only slower.
"""

from __future__ import annotations

import functools
import logging
import re
from importlib import metadata
from typing import Any

# distribution -> (lowest tested version, first version not tested); keep pyproject.toml in step
TESTED: dict[str, tuple[tuple[int, ...], tuple[int, ...]]] = {
    "mkdocs": ((1, 6, 1), (1, 7)),
    "mkdocs-material": ((9, 8), (9, 9)),
}

SKIPPED_MESSAGE = "Page skipped: '{}'. Generated empty output."  # what `_build_page` logs of empty output

log = logging.getLogger("mkdocs.plugins.glossary")


def installed_version(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def _release(version: str) -> tuple[int, ...]:
    """The leading release numbers of a version string: "9.8.1" -> (9, 8, 1), "1.7.0rc1" -> (1, 7, 0)."""
    numbers = []
    for part in version.split("."):
        match = re.match(r"\d+", part)
        if match is None:
            break
        numbers.append(int(match.group()))
        if match.end() != len(part):  # a pre-release or local suffix ends the release numbers
            break
    return tuple(numbers)


def untested() -> list[str]:
    """ "name version" of each engine distribution outside its tested range (or not found)."""
    out = []
    for name, (low, high) in TESTED.items():
        version = installed_version(name)
        if version is None or not low <= _release(version) < high:
            out.append(f"{name} {version or '(not installed)'}")
    return out


@functools.lru_cache(maxsize=1)
def _checked() -> tuple[str, ...]:
    return tuple(untested())


def fast_paths() -> bool:
    """Whether the fast paths may use the internals above: the installed versions are tested,
    and the private names are still there."""
    return not _checked() and _imported() is not None


def explain() -> str:
    """The one line the build logs when it takes the plain path."""
    found = list(_checked()) or ["mkdocs private names missing"]
    ranges = ", ".join(
        f"{name} >={'.'.join(map(str, low))},<{'.'.join(map(str, high))}" for name, (low, high) in TESTED.items()
    )
    return (
        f"glossary: warning: {', '.join(found)} not among the tested versions ({ranges}): "
        "building with MkDocs' plain page and theme rendering (slower, same pages)"
    )


def forget() -> None:
    """Check the versions again (a test changes them)."""
    _checked.cache_clear()


@functools.lru_cache(maxsize=1)
def _imported() -> dict[str, Any] | None:
    """The private names, imported only here; None if this MkDocs lacks one."""
    try:
        from mkdocs.commands.build import _build_theme_template, get_context
        from mkdocs.structure.pages import (
            _ExtractAnchorsTreeprocessor,
            _ExtractTitleTreeprocessor,
            _RawHTMLPreprocessor,
            _RelativePathTreeprocessor,
        )
        from mkdocs.structure.pages import log as page_log
    except ImportError:
        return None
    return {
        "get_context": get_context,
        "build_theme_template": _build_theme_template,
        "RawHTML": _RawHTMLPreprocessor,
        "Anchors": _ExtractAnchorsTreeprocessor,
        "RelativePaths": _RelativePathTreeprocessor,
        "Title": _ExtractTitleTreeprocessor,
        "page_log": page_log,
    }


def _name(key: str) -> Any:
    found = _imported()
    if found is None:
        raise RuntimeError("a fast path ran without the MkDocs internals it needs (internals.fast_paths())")
    return found[key]


# -- the internals, by what they do --------------------------------------------------------------


def page_processors(md: Any, file: Any, files: Any, config: Any) -> tuple[Any, Any, Any, Any]:
    """`Page.render`'s own processors for one page, registered on `md`:
    (raw HTML, anchors, relative paths, title)."""
    made = (
        _name("RawHTML")(),
        _name("Anchors")(file, files, config),
        _name("RelativePaths")(file, files, config),
        _name("Title")(),
    )
    for processor in made:
        processor._register(md)
    return made


def page_log_level() -> int:
    """The effective level of the logger `Page.render` consults before it keeps links to anchors."""
    return int(_name("page_log").getEffectiveLevel())


def title_from_render(page: Any) -> str | None:
    return page._title_from_render


def set_title_from_render(page: Any, title: str | None) -> None:
    page._title_from_render = title


def theme_context(nav: Any, doc_files: Any, config: Any, page: Any) -> Any:
    """The template context `_build_page` gives a page."""
    return _name("get_context")(nav, doc_files, config, page)


def set_current_page(config: Any, page: Any) -> None:
    """What `_build_page` sets while it renders a page (MkDocs reads it for warnings)."""
    config._current_page = page


def build_theme_template(name: str, env: Any, files: Any, config: Any, nav: Any) -> None:
    """A theme's own template (the sitemap) rendered and written, as a full build does."""
    _name("build_theme_template")(name, env, files, config, nav)
