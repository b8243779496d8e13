"""Theme output rendered once for all the pages that would render it alike.

Material renders its whole frame afresh for every page: the navigation (`partials/tabs.html`
and `partials/nav.html`, a tree of macro calls over the whole nav), the header, the footer,
the stylesheet and script links and the `__config` data the theme's script reads. A
glossary's entry pages are not in the nav, so nothing in it is active for any of them, and
those parts of their frames differ only in the relative URLs the `url` filter writes from the
page. So the overrides (templates/overrides) keep one rendering for the next page outside the
nav whose base URL and relative URLs are the same:

- `glossary_partial(name)` renders the theme's own partial (under THEME_PREFIX) or gives the
  kept copy;
- `glossary_cached(name) or glossary_keep(name, super())` gives the kept copy of a block, or
  renders the theme's block and keeps it: Jinja's `or` calls `super()` only when nothing is
  kept.

Only parts that read nothing of the page but its URLs go through them (the header's page
title, for one, is left out). Pages in the nav are rendered every time, and every page is
when `cache` is off (an untested Material: `internals.fast_paths`); a test holds the two to
the same site, byte for byte.
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


def install(env: jinja2.Environment, config: MkDocsConfig, nav: Navigation, *, cache: bool = True) -> None:
    """Let the overrides call `glossary_partial`, `glossary_cached` and `glossary_keep` in `env`
    for this build's `nav`; with `cache` off nothing is kept and every page renders it all."""
    own_dirs = [d for d in config.theme.dirs if d != config.theme.custom_dir]
    prefixed = jinja2.PrefixLoader({THEME_PREFIX.rstrip("/"): jinja2.FileSystemLoader(own_dirs)})
    env.loader = jinja2.ChoiceLoader([env.loader, prefixed] if env.loader is not None else [prefixed])
    in_nav = {id(page) for page in nav.pages}
    extra: Any = config.extra or {}
    # every URL a kept part may write: the nav's, the homepage's, the assets' and the extra
    # stylesheets' and scripts' (as the `url` filter writes them from the page, in the key)
    urls = [nav.homepage.url if nav.homepage else "", *_urls(nav.items), "assets/"]
    urls += [str(extra.get("homepage") or ""), *map(str, config.extra_css), *map(str, config.extra_javascript)]
    kept: dict[tuple[Any, ...], Markup] = {}
    last: list[Any] = [None, None]  # the page whose key was computed last, and that key

    def page_key(context: jinja2.runtime.Context) -> tuple[Any, ...] | None:
        """What a kept part depends on, for the page rendered in `context`; None: render it."""
        page = context.get("page")
        if not cache or not isinstance(page, Page) or id(page) in in_nav:
            return None
        if last[0] is not page:  # asked several times a page: the URLs are made once
            last[:] = [page, (context.get("base_url"), *(normalize_url(url, page) for url in urls))]
        return last[1]

    @jinja2.pass_context
    def glossary_partial(context: jinja2.runtime.Context, name: str) -> Markup:
        found = glossary_cached(context, name)
        return found or glossary_keep(context, name, env.get_template(THEME_PREFIX + name).render(context.get_all()))

    @jinja2.pass_context
    def glossary_cached(context: jinja2.runtime.Context, name: str) -> Markup:
        key = page_key(context)
        return kept.get((name, key), Markup()) if key is not None else Markup()

    @jinja2.pass_context
    def glossary_keep(context: jinja2.runtime.Context, name: str, html: str) -> Markup:
        found = Markup(html)
        key = page_key(context)
        if key is not None:
            kept[(name, key)] = found
        return found

    env.globals.update(
        {"glossary_partial": glossary_partial, "glossary_cached": glossary_cached, "glossary_keep": glossary_keep}
    )


def _urls(items: list[Any]) -> Iterator[str]:
    for item in items:
        if isinstance(item, Section):
            yield from _urls(item.children)
        elif isinstance(item, (Page, Link)):
            yield item.url
