"""While serving: /api/ and the search index written by a process of their own after a patch.

The dev server holds back every page while its builder runs, so the exports, a large
share of a rebuild's work, must not run inside it; and a process with threads (the
server's) must not fork. So `start` launches `python -m generator.emit.mkdocs.serve_exports`,
which checks the entries again (from the per-file cache: nothing is parsed again) and
writes the same files a full build writes, from the same inputs, while the edited page is
already served.

    python -m generator.emit.mkdocs.serve_exports TERMS SITE_DIR SITE_URL SITE_NAME DAY
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

from generator.emit.mkdocs import lifeline


def start(terms: Path, site_dir: Path, site_url: str, site_name: str, day: date) -> subprocess.Popen[bytes]:
    """The exports of the entries now in `terms`, being written into `site_dir`."""
    command = [sys.executable, "-m", __name__, str(terms), str(site_dir), site_url, site_name, day.isoformat()]
    # its own session: Ctrl-C in the terminal stops the server, which takes this process with it
    return subprocess.Popen(command, stdin=subprocess.DEVNULL, start_new_session=True, env=lifeline.child_env())


def main(argv: list[str]) -> int:
    lifeline.die_with_parent_if_asked()
    from generator.compute.site_data import SiteConfig
    from generator.emit.mkdocs.site_output import SiteInputs
    from generator.history.revisions import collect_history
    from generator.pipeline import load_all
    from generator.workers import yield_cores

    terms, site_dir, site_url, site_name, day = argv
    yield_cores()  # the next edit's patch, which the author waits for, goes first
    loaded = load_all(Path(terms))
    if loaded.glossary.errors:
        return 1  # edited again meanwhile, and broken: the server reports it
    site = SiteConfig(site_url=site_url, site_name=site_name, build_day=date.fromisoformat(day))
    history = collect_history(Path(terms), slugs=loaded.glossary.entries)
    SiteInputs(site, history).exports(loaded, Path(site_dir))()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
