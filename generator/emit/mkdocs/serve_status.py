"""While `glossary serve` runs: an edit that breaks the glossary is shown in the browser,
over the last good site, and the next good edit takes it away.

MkDocs' dev server rebuilds on every change. When the entries have errors, the plugin stops
the build in `on_config`, before MkDocs empties the site folder, so the last good site is
still served; but the server then "appears stuck": the terminal has the errors and the
browser shows nothing. So, in serve mode only:

- `guard` wraps the server's builder: a build stopped by `Abort` writes the message to
  STATUS_FILE in the site folder, logs it, and lets the server reload the browsers as after
  a good build;
- every page gets SCRIPT (`with_status_script`), which reads STATUS_FILE and, if there is
  one, shows the errors in a banner over the page;
- the next good build empties the site folder, STATUS_FILE with it, and the reloaded
  pages show no banner.

A published site has neither: the script is added only while serving.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from mkdocs.exceptions import Abort

from generator.emit.csp import SERVE_ENV

STATUS_FILE = "glossary-serve-status.json"
SCRIPT = "assets/javascripts/serve-status.js"

log = logging.getLogger("mkdocs.plugins.glossary")


def serving() -> bool:
    """Whether this build is one of `glossary serve`'s (which sets SERVE_ENV for MkDocs)."""
    return bool(os.environ.get(SERVE_ENV))


def guard(builder: Callable[..., Any], site_dir: Path) -> Callable[..., None]:
    """`builder`, except that a build stopped by `Abort` is reported (terminal, STATUS_FILE)
    instead of raised, so the server reloads the browsers, which then show the report."""

    def build_or_report(*args: Any, **kwargs: Any) -> None:
        try:
            builder(*args, **kwargs)
        except Abort as stopped:
            log.error("%s", stopped)
            log.error("glossary serve: the site shown is the last good build; fix the entries and save again")
            write_status(site_dir, str(stopped))

    return build_or_report


def write_status(site_dir: Path, message: str) -> None:
    """The report the banner shows; written whole, then moved into place."""
    target = site_dir / STATUS_FILE
    partial = target.with_name(target.name + ".partial")
    try:
        partial.write_text(json.dumps({"message": message}, ensure_ascii=False), encoding="utf-8")
        os.replace(partial, target)
    except OSError as error:  # the terminal has the report already
        log.warning("glossary serve: could not write %s: %s", target, error.strerror or error)


def with_status_script(html: str, site_url: str | None) -> str:
    """A served page with SCRIPT loaded at the end of its body."""
    root = urlsplit(site_url or "/").path.rstrip("/")
    tag = f'<script src="{root}/{SCRIPT}"></script>'
    end = html.rfind("</body>")
    return html[:end] + tag + html[end:] if end >= 0 else html + tag
