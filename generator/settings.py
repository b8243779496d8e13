"""The project's settings, read from one place: where the project is, and `mkdocs.yml`.

`glossary cite` and `glossary export` must print the same site address and name as the
pages the build makes, so they read the same `mkdocs.yml` the build reads (its
`!ENV [GLOSSARY_SITE_URL, default]` included) through `site_settings`, the only reader of
that file outside MkDocs itself. Paths to the project's folders are defined here too, so
that a module's place inside the package never decides where the templates are.

The project is a folder with `mkdocs.yml`, `templates/` and `site_src/` (the hand-written
pages and vendored assets). The package does not carry them: an installed `glossary`
finds the project (`find_project`) in GLOSSARY_PROJECT, else the checkout the package
runs from (an editable install), else the folder holding `--terms` (the command line
sets GLOSSARY_PROJECT from it before anything here is imported), else the current folder
or one above it. Commands that need the project stop with a clear error when there is
none (`missing_project_message`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

PROJECT_ENV = "GLOSSARY_PROJECT"
PROJECT_PARTS = ("mkdocs.yml", "templates", "site_src")
_CHECKOUT = Path(__file__).resolve().parent.parent  # the package's parent: a checkout, or site-packages


def is_project(folder: Path) -> bool:
    return all((folder / part).exists() for part in PROJECT_PARTS)


def find_project(cwd: Path | None = None) -> Path | None:
    """The project folder (see the module's description), or None."""
    named = os.environ.get(PROJECT_ENV)
    if named:
        return Path(named).resolve() if is_project(Path(named)) else None
    if is_project(_CHECKOUT):
        return _CHECKOUT
    here = (cwd or Path.cwd()).resolve()
    return next((folder for folder in (here, *here.parents) if is_project(folder)), None)


def missing_project_message() -> str:
    named = os.environ.get(PROJECT_ENV)
    where = f"{PROJECT_ENV}={named} is not one" if named else "none in the current folder, above it or beside --terms"
    return (
        f"no glossary project found ({where}): the tools need its {', '.join(PROJECT_PARTS)}; "
        f"run from inside the project, give --terms DIR inside it, or set {PROJECT_ENV}=/path/to/project"
    )


_FOUND = find_project()
PROJECT_FOUND = _FOUND is not None
PROJECT_ROOT = _FOUND or _CHECKOUT
CONFIG_FILE = PROJECT_ROOT / "mkdocs.yml"
TEMPLATES_DIR = PROJECT_ROOT / "templates"
SCHEMA_DIR = PROJECT_ROOT / "schema"
KATEX_JS = PROJECT_ROOT / "site_src" / "assets" / "vendor" / "katex" / "katex.min.js"

SITE_NAME = "Leverage Glossary"
SITE_URL = "https://leverage-glossary.org/"
SITE_URL_ENV = "GLOSSARY_SITE_URL"  # the same variable mkdocs.yml reads


def site_base(site_url: str) -> str:
    """The site's address with the one trailing slash every page address is joined to."""
    return site_url if site_url.endswith("/") else site_url + "/"


def config_for_terms(terms: Path) -> Path:
    """The `mkdocs.yml` beside a terms folder (a copy of the project), else the project's."""
    local = terms.resolve().parent / "mkdocs.yml"
    return local if local.is_file() else CONFIG_FILE


def site_settings(config_file: Path | None = None) -> tuple[str, str]:
    """(site_url, site_name) as the site build sees them, so `glossary cite` matches the pages.

    Reads `mkdocs.yml` (its `!ENV [GLOSSARY_SITE_URL, default]` included); without one,
    `GLOSSARY_SITE_URL` or the published address.
    """
    url = os.environ.get(SITE_URL_ENV) or SITE_URL
    name = SITE_NAME
    if config_file is None or not config_file.is_file():
        return site_base(url), name
    data = _read_config(config_file, config_file.stat().st_mtime_ns)
    if data is None:
        return site_base(url), name
    url = str(_resolved(data.get("site_url")) or url)
    name = str(_resolved(data.get("site_name")) or name)
    return site_base(url), name


@dataclass(frozen=True)
class _Env:
    """An `!ENV [VAR, ..., default]` value, resolved when read (the environment may change)."""

    names: tuple[str, ...]
    default: Any


def _resolved(value: Any) -> Any:
    if not isinstance(value, _Env):
        return value
    for var in value.names:
        if os.environ.get(var):
            return os.environ[var]
    return value.default


@lru_cache(maxsize=4)
def _read_config(config_file: Path, _mtime: int) -> dict[str, Any] | None:
    """`mkdocs.yml` as data, parsed once per process and version of the file."""
    import yaml

    class _Loader(yaml.SafeLoader):
        pass

    def env_tag(loader: yaml.SafeLoader, node: yaml.Node) -> _Env:
        values = (
            loader.construct_sequence(node) if isinstance(node, yaml.SequenceNode) else [loader.construct_scalar(node)]
        )
        *names, default = values if len(values) > 1 else (*values, None)
        return _Env(tuple(str(var) for var in names), default)

    _Loader.add_constructor("!ENV", env_tag)
    _Loader.add_multi_constructor("", lambda loader, suffix, node: None)  # other tags (!!python/name ...)
    try:
        data = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506 - SafeLoader subclass
    except (OSError, yaml.YAMLError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None
