"""While `glossary serve` runs: an edit that breaks the glossary is shown in the browser,
over the last good site, and the next good edit takes it away.

MkDocs' dev server rebuilds on every change. When the entries have errors, the plugin stops
the build in `on_config`, before MkDocs empties the site folder, so the last good site is
still served; but the server then "appears stuck": the terminal has the errors and the
browser shows nothing. So, in serve mode only:

- `guard` wraps the server's builder: a build stopped by `Abort` (or by a bug of ours)
  writes the message to STATUS_FILE in the site folder, logs it, and lets the server reload
  the browsers as after a good build;
- every page gets SCRIPT (`with_status_script`), which reads STATUS_FILE and, if there is
  one, shows the errors in a banner over the page;
- the next good build empties the site folder, STATUS_FILE with it, and the reloaded
  pages show no banner.

The same script reloads a page only when a rebuild changed it. MkDocs' live reload asks the
server for the site's version (its "epoch", a millisecond clock) and reloads the page on any
newer one; the script takes over that loop (it stands in for MkDocs' `livereload` function,
which the server's injected script assigns and calls) and, on a newer version, reads
CHANGES_FILE (`BuildLog`): each build since the server started, when it started by that same
clock, and the URLs of the pages it changed (or "all", for a full build, a broken edit and
the build after it). A page reloads when a build after its own changed it, and otherwise
goes on waiting. Where anything is amiss (no log, a log that does not reach back far enough,
MkDocs' script changed), it reloads, as MkDocs would.

A published site has none of this: the script is added only while serving.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from mkdocs.exceptions import Abort

from generator import safe_paths
from generator.emit.csp import SERVE_ENV

STATUS_FILE = "glossary-serve-status.json"
CHANGES_FILE = "glossary-serve-changes.json"
SCRIPT = "assets/javascripts/serve-status.js"

log = logging.getLogger("mkdocs.plugins.glossary")


def serving() -> bool:
    """Whether this build is one of `glossary serve`'s (which sets SERVE_ENV for MkDocs)."""
    return bool(os.environ.get(SERVE_ENV))


def clock_ms() -> int:
    """The clock MkDocs' dev server versions the site by (milliseconds of time.monotonic)."""
    return round(time.monotonic() * 1000)


class BuildLog:
    """The builds of one serve session, oldest first: when each started (clock_ms) and the
    URLs of the pages it changed, None for all of them; kept in CHANGES_FILE."""

    KEEP = 500  # builds; a page older than all of them reloads on the next one

    def __init__(self, site_dir: Path) -> None:
        self.site_dir = site_dir
        # the first build ran before the plugin saw the server, and after the server took its
        # first version: any time from now on is later than that version
        self.builds: list[tuple[int, list[str] | None]] = [(clock_ms(), None)]
        self.trimmed = False  # whether the oldest builds have been let go
        self.broken = False
        self.write()

    def add(self, started: int, changed: list[str] | None, *, broken: bool = False) -> None:
        """A finished build; after a broken one, the next reloads every page (its banner goes)."""
        self.builds.append((started, None if broken or self.broken else changed))
        self.broken = broken
        if len(self.builds) > self.KEEP:
            del self.builds[: -self.KEEP]
            self.trimmed = True
        self.write()

    def write(self) -> None:
        # if it cannot be written, the pages reload on every build, as MkDocs' own do
        _write_json(self.site_dir / CHANGES_FILE, {"builds": self.builds, "trimmed": self.trimmed})


def guard(
    builder: Callable[..., Any], site_dir: Path, changed: Callable[[], list[str] | None] = lambda: None
) -> Callable[..., None]:
    """`builder`, except that a build that fails (`Abort`: the entries' errors; anything
    else: a bug) is reported (terminal, STATUS_FILE) instead of raised, so the server reloads
    the browsers, which then show the report; each finished build goes into the BuildLog,
    with what `changed` says it changed."""
    builds = BuildLog(site_dir)

    def build_or_report(*args: Any, **kwargs: Any) -> None:
        started = clock_ms()  # the server took the new version just before calling
        try:
            builder(*args, **kwargs)
        except Exception as error:  # noqa: BLE001 - raised, it would stall every page
            # MkDocs' server holds back every page until a build succeeds: the author would
            # see a browser waiting for ever. Say why, and serve what the folder holds.
            if isinstance(error, Abort):  # the entries' errors
                log.error("%s", error)
                log.error("glossary serve: the site shown is the last good build; fix the entries and save again")
                report = str(error)
            else:  # a bug of ours
                log.exception("glossary serve: the rebuild failed (a bug in the glossary, please report it)")
                report = f"The rebuild failed with an internal error (a bug; please report it): {error!r}"
            write_status(site_dir, report)
            builds.add(started, None, broken=True)
            return
        builds.add(started, changed())

    return build_or_report


def write_status(site_dir: Path, message: str) -> None:
    """The report the banner shows (the terminal has it already, should it not be written)."""
    _write_json(site_dir / STATUS_FILE, {"message": message})


def _write_json(target: Path, data: object) -> None:
    """`data` as JSON at `target`, written whole in one step (safe_paths.write_atomic); a
    failure is logged, never raised: the page scripts then fall back to MkDocs' ways."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    try:
        safe_paths.write_atomic(target, text.encode("utf-8"), force=True)
    except (OSError, safe_paths.Refused) as error:
        reason = error.message if isinstance(error, safe_paths.Refused) else error.strerror or error
        log.warning("glossary serve: could not write %s: %s", target, reason)


def with_status_script(html: str, site_url: str | None) -> str:
    """A served page with SCRIPT loaded at the end of its body."""
    root = urlsplit(site_url or "/").path.rstrip("/")
    tag = f'<script src="{root}/{SCRIPT}"></script>'
    end = html.rfind("</body>")
    return html[:end] + tag + html[end:] if end >= 0 else html + tag
