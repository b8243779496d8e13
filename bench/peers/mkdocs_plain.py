"""An MkDocs project with one plain Markdown page per entry: MkDocs' own floor.

Same engine, theme, Markdown extensions, assets and nav policy as the real site
(`mkdocs.yml`: entries are left out of the nav), but not the glossary plugin and no templates: each page
is the entry's title, summary, body (with `[[links]]` as ordinary Markdown links),
formulas as display math, and sources.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml

from bench.peers import WIKILINK, read_entries

ROOT = Path(__file__).resolve().parent.parent.parent
COPIED_KEYS = (
    "theme",
    "plugins",
    "markdown_extensions",
    "extra_css",
    "extra_javascript",
    "validation",
    "use_directory_urls",
)


def real_config() -> dict[str, Any]:
    from mkdocs.utils.yaml import get_yaml_loader

    with (ROOT / "mkdocs.yml").open("rb") as handle:
        return yaml.load(handle, Loader=get_yaml_loader()) or {}


def config_for(project: Path) -> dict[str, Any]:
    real = real_config()
    config: dict[str, Any] = {
        "site_name": "Plain pages",
        "site_url": "https://example.org/",
        "docs_dir": "docs",
        "strict": True,
    }
    for key in COPIED_KEYS:
        if key in real:
            config[key] = real[key]
    # the engine's own plugins only: the glossary plugin is the generator being compared
    config["plugins"] = [plugin for plugin in config.get("plugins") or [] if plugin != "glossary"]
    theme = dict(config.get("theme") or {"name": "material"})
    theme.pop("custom_dir", None)  # the glossary's own overrides are part of the generator, not the engine
    config["theme"] = theme
    config["nav"] = [{"Home": "index.md"}]
    return config


def page(slug: str, entry: dict[str, Any], titles: dict[str, str]) -> str:
    def link(match: Any) -> str:
        target = match.group(1).strip()
        text = (match.group(2) or titles.get(target, target)).strip()
        return f"[{text}]({target}.md)"

    lines = [f"# {entry['title']}", "", entry["summary"].strip(), "", WIKILINK.sub(link, entry["body"]).strip(), ""]
    for formula in entry.get("formulas") or []:
        lines += [f"## {formula['title']}", "", "$$", formula["latex"], "$$", "", f"`{formula['expr']}`", ""]
    if entry.get("sources"):
        lines += ["## Sources", ""]
        lines += [f"{i}. [{s['title']}]({s['url']}), {s['publisher']}" for i, s in enumerate(entry["sources"], 1)]
    return "\n".join(lines) + "\n"


def write_project(terms: Path, project: Path) -> int:
    """Write the project into `project` (replaced); returns the number of entry pages."""
    if project.exists():
        shutil.rmtree(project)
    docs = project / "docs"
    (docs / "entries").mkdir(parents=True)
    assets = ROOT / "site_src" / "assets"
    if assets.is_dir():
        shutil.copytree(assets, docs / "assets")
    entries = read_entries(terms)
    titles = {slug: entry["title"] for slug, entry in entries.items()}
    for slug, entry in entries.items():
        (docs / "entries" / f"{slug}.md").write_text(page(slug, entry, titles), encoding="utf-8")
    (docs / "index.md").write_text(f"# Plain pages\n\n{len(entries)} entry pages, one per entry.\n", encoding="utf-8")
    (project / "mkdocs.yml").write_text(
        yaml.safe_dump(config_for(project), sort_keys=False, allow_unicode=True), encoding="utf-8"
    )
    return len(entries)
