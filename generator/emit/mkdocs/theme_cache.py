"""Theme partials rendered once for all the pages that would render them alike.

Material renders its navigation (the tabs and the primary nav, `partials/tabs.html` and
`partials/nav.html`) afresh for every page: a tree of macro calls over the whole nav. A
glossary's entry pages are not in the nav, so nothing in it is active for any of them,
and their copies differ only in the relative URLs the `url` filter writes from the page.
The overrides of those two partials (templates/overrides/partials) call
`glossary_partial(name)`, which renders the theme's own partial (under THEME_PREFIX) and
keeps the output for the next page outside the nav whose base URL and relative nav URLs
are the same. Pages in the nav are rendered every time, and every page is when `cache` is
off (an untested Material: `internals.fast_paths`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import jinja2
from markupsafe import Markup
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.nav import Link, Navigation, Section
from mkdocs.structure.pages import Page
from mkdocs.utils import normalize_url

THEME_PREFIX = "theme/"  # "theme/partials/nav.html" is the theme's own file, not an override
GLOBAL = "glossary_partial"


def install(env: jinja2.Environment, config: MkDocsConfig, nav: Navigation, *, cache: bool = True) -> None:
    """Let the overrides call `glossary_partial(name)` in `env` for this build's `nav`; with
    `cache` off it renders the theme's own partial for every page."""
    own_dirs = [d for d in config.theme.dirs if d != config.theme.custom_dir]
    prefixed = jinja2.PrefixLoader({THEME_PREFIX.rstrip("/"): jinja2.FileSystemLoader(own_dirs)})
    env.loader = jinja2.ChoiceLoader([env.loader, prefixed] if env.loader is not None else [prefixed])
    in_nav = {id(page) for page in nav.pages}
    urls = [nav.homepage.url if nav.homepage else "", *_urls(nav.items)]
    extra: Any = config.extra or {}
    homepage = extra.get("homepage")
    if homepage:
        urls.append(str(homepage))
    rendered: dict[tuple[Any, ...], Markup] = {}

    @jinja2.pass_context
    def glossary_partial(context: jinja2.runtime.Context, name: str) -> Markup:
        page = context.get("page")
        key = None
        if cache and isinstance(page, Page) and id(page) not in in_nav:
            key = (name, context.get("base_url"), tuple(normalize_url(url, page) for url in urls))
        found = rendered.get(key) if key is not None else None
        if found is None:
            found = Markup(env.get_template(THEME_PREFIX + name).render(context.get_all()))
            if key is not None:
                rendered[key] = found
        return found

    env.globals[GLOBAL] = glossary_partial


def _urls(items: list[Any]) -> Iterator[str]:
    for item in items:
        if isinstance(item, Section):
            yield from _urls(item.children)
        elif isinstance(item, (Page, Link)):
            yield item.url
