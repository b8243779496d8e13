"""Reference projects built from the same entries: the engine's floor and the peer.

`mkdocs_plain` writes an MkDocs + Material project with one plain Markdown page per entry
(no glossary plugin, no templates): what MkDocs itself costs for that many pages. `sphinx_project`
writes a Sphinx project with one page per entry as a `glossary` directive whose text links
other entries with `:term:` cross-references: the same content in the usual Python peer.
Both read the entry YAML once at setup time; only their builds are measured.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

WIKILINK = re.compile(r"\[\[([^\[\]|\n]{1,200})(?:\|([^\[\]\n]{1,300}))?\]\]")


def read_entries(terms: Path) -> dict[str, dict[str, Any]]:
    """slug -> entry data, in slug order (plain PyYAML: setup, not measured)."""
    return {path.stem: yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader) for path in sorted(terms.glob("*.yaml"))}


def blocks(markdown: str) -> list[str]:
    """Blank-line separated blocks of an entry body."""
    return [b.strip("\n") for b in re.split(r"\n\s*\n", markdown.strip()) if b.strip()]


def main(argv: list[str] | None = None) -> int:
    """`python -m bench peers --terms DIR --plain DIR --sphinx DIR`: write both projects."""
    import argparse

    from bench.peers import mkdocs_plain, sphinx_project

    parser = argparse.ArgumentParser(prog="python -m bench peers", description=main.__doc__)
    parser.add_argument("--terms", type=Path, required=True)
    parser.add_argument("--plain", type=Path, help="where to write the MkDocs plain-pages project")
    parser.add_argument("--sphinx", type=Path, help="where to write the Sphinx project")
    args = parser.parse_args(argv)
    if args.plain:
        mkdocs_plain.write_project(args.terms, args.plain)
    if args.sphinx:
        sphinx_project.write_project(args.terms, args.sphinx)
    return 0
