"""Contender c: the generator to Markdown, without MkDocs.

    python -m bench.render_pages TERMS OUT

load -> check -> link (no cache, like a cold `glossary validate`), then the compute
stage (`generator.compute.site_data.collect_site_data`) and the pure render function
(`generator.render.site.render_site`); every page (its HTML fragments inline) and post-build
file is written under OUT, and the /api/ exports (`generator.export.formats.write_site_files`).
Prints the time of each phase as JSON.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import date
from pathlib import Path


def main() -> int:
    terms, out = Path(sys.argv[1]), Path(sys.argv[2])
    phases: dict[str, float] = {}
    started = time.perf_counter()
    from generator.compute.site_data import SiteConfig, collect_site_data
    from generator.pipeline import load_all
    from generator.render.site import render_site

    phases["import"] = time.perf_counter() - started
    mark = time.perf_counter()
    loaded = load_all(terms, use_cache=False)
    if loaded.glossary.errors:
        print(f"{len(loaded.glossary.errors)} errors in {terms}", file=sys.stderr)
        return 1
    phases["load_check_link"] = time.perf_counter() - mark
    mark = time.perf_counter()
    config = SiteConfig(
        site_url="https://leverage-glossary.org/", site_name="Leverage Glossary", build_day=date(2026, 11, 24)
    )
    data = collect_site_data(loaded.glossary.entries, loaded.graph, config, loaded.examples)
    phases["compute"] = time.perf_counter() - mark
    mark = time.perf_counter()
    rendered = render_site(data)
    phases["render"] = time.perf_counter() - mark
    mark = time.perf_counter()
    for path in rendered.pages:
        _write(out / path, rendered.source(path))
    for path, text in rendered.files.items():
        _write(out / path, text)
    phases["write"] = time.perf_counter() - mark
    mark = time.perf_counter()
    from generator.export import formats as export

    ctx = export.ExportContext(site_url=config.base, site_name=config.site_name, day=config.build_day)
    export.write_site_files(export.directory_opener(out), loaded.glossary.entries, loaded.graph, ctx)
    phases["exports"] = time.perf_counter() - mark
    print(
        json.dumps(
            {
                "pages": len(rendered.pages),
                "files": len(rendered.files),
                "phases": {k: round(v, 3) for k, v in phases.items()},
            }
        )
    )
    return 0


def _write(target: Path, text: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    raise SystemExit(main())
