"""The site pages the search reads, by path: known without reading them.

Apart from sections.py (which reads them) so that a warm `glossary search`, which only
stats these files to tell whether its cache is current (cache.py), imports neither the
Markdown-to-text machinery nor the entry model.
"""

from __future__ import annotations

from pathlib import Path

from generator import site_paths

PROJECT = Path(__file__).resolve().parents[2]
PAGES_DIR = PROJECT / "site_src"  # mkdocs.yml's docs_dir
TEMPLATES_DIR = PROJECT / "templates"
# Pages the build generates from a template, by address: indexed by title and introduction.
GENERATED_PAGES: dict[str, str] = {
    site_paths.AREAS: "areas.md.j2",
    site_paths.A_TO_Z: "a-z.md.j2",
    site_paths.TAGS: "tags.md.j2",
    site_paths.GRAPH: "graph.md.j2",
    site_paths.CALCULATORS: "calculators.md.j2",
}


def is_page(relative: str) -> bool:
    """Whether a Markdown file under PAGES_DIR (its path there) is a page, not an asset."""
    return not relative.startswith(("assets/", "."))


def page_sources(pages_dir: Path = PAGES_DIR, templates_dir: Path = TEMPLATES_DIR) -> list[Path]:
    """The files site_pages reads (the search cache is keyed by them too)."""
    found = (
        sorted(p for p in pages_dir.rglob("*.md") if is_page(p.relative_to(pages_dir).as_posix()))
        if pages_dir.is_dir()
        else []
    )
    return found + [templates_dir / name for name in GENERATED_PAGES.values() if (templates_dir / name).is_file()]
