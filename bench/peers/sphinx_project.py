"""The peer: a Sphinx project with one page per entry, as a `glossary` directive.

Each page holds one `.. glossary::` item (the title and aliases as terms, the summary and
body as the definition), the formulas as `.. math::`, the worked examples, the relations
and the sources. `[[slug]]` links become `:term:` cross-references, which Sphinx resolves
across the whole project. Pages are `:orphan:` and out of any toctree, as the entry pages
are out of the MkDocs nav; the theme is Sphinx's default (alabaster).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from bench.peers import WIKILINK, blocks, read_entries

CONF = """project = "Leverage Glossary (Sphinx peer)"
extensions = ["sphinx.ext.mathjax"]
html_theme = "alabaster"
exclude_patterns = ["_build"]
"""


def rst_text(text: str) -> str:
    """Escape the few characters RST would read as markup."""
    out = text.replace("\\", "\\\\")
    for char in ("*", "`", "|", "_"):
        out = out.replace(char, "\\" + char)
    return out


def _term_text(markdown: str, titles: dict[str, str]) -> str:
    pieces: list[str] = []
    last = 0
    for match in WIKILINK.finditer(markdown):
        pieces.append(rst_text(markdown[last : match.start()]))
        target = match.group(1).strip()
        title = titles.get(target, target)
        shown = match.group(2)
        pieces.append(f":term:`{shown.strip()} <{title}>`" if shown else f":term:`{title}`")
        last = match.end()
    pieces.append(rst_text(markdown[last:]))
    return "".join(pieces)


def _body(markdown: str, titles: dict[str, str], indent: str) -> list[str]:
    lines: list[str] = []
    for block in blocks(markdown):
        if block.startswith("#"):
            lines += [f"{indent}.. rubric:: {rst_text(block.lstrip('#').strip())}", ""]
        elif block.startswith("- "):
            lines += [
                f"{indent}- {_term_text(item[2:].replace(chr(10), ' '), titles)}"
                for item in block.split("\n")
                if item.startswith("- ")
            ]
            lines.append("")
        else:
            lines += [indent + _term_text(" ".join(block.split("\n")), titles), ""]
    return lines


def page(slug: str, entry: dict[str, Any], titles: dict[str, str]) -> str:
    title = entry["title"]
    lines = [":orphan:", "", title, "=" * len(title), "", ".. glossary::", ""]
    lines += [f"   {name}" for name in [title, *(entry.get("aliases") or []), *(entry.get("abbreviations") or [])]]
    lines += [f"      {_term_text(' '.join(entry['summary'].split()), titles)}", ""]
    lines += _body(entry["body"], titles, "      ")
    for formula in entry.get("formulas") or []:
        lines += [
            rst_text(formula["title"]),
            "-" * len(rst_text(formula["title"])),
            "",
            ".. math::",
            "",
            f"   {formula['latex']}",
            "",
        ]
        lines += [
            f"- {rst_text(name)}: {rst_text(spec['meaning'])} ({rst_text(spec['unit'])})"
            for name, spec in formula["variables"].items()
        ]
        lines.append("")
    if entry.get("examples"):
        lines += ["Worked examples", "---------------", ""]
        for example in entry["examples"]:
            inputs = ", ".join(f"{k} = {v}" for k, v in example["inputs"].items())
            expect = ", ".join(f"{k} = {v}" for k, v in example["expect"].items())
            lines.append(f"- {rst_text(example['title'])}: {rst_text(inputs)}; {rst_text(expect)}")
        lines.append("")
    relations = entry.get("relations") or {}
    if relations:
        lines += ["Related entries", "---------------", ""]
        for kind, targets in relations.items():
            refs = ", ".join(f":term:`{titles.get(t, t)}`" for t in targets)
            lines.append(f"- {rst_text(kind)}: {refs}")
        lines.append("")
    if entry.get("sources"):
        lines += ["Sources", "-------", ""]
        lines += [f"#. `{rst_text(s['title'])} <{s['url']}>`__, {rst_text(s['publisher'])}" for s in entry["sources"]]
        lines.append("")
    return "\n".join(lines) + "\n"


def write_project(terms: Path, project: Path) -> int:
    if project.exists():
        shutil.rmtree(project)
    (project / "entries").mkdir(parents=True)
    entries = read_entries(terms)
    titles = {slug: entry["title"] for slug, entry in entries.items()}
    for slug, entry in entries.items():
        (project / "entries" / f"{slug}.rst").write_text(page(slug, entry, titles), encoding="utf-8")
    (project / "conf.py").write_text(CONF, encoding="utf-8")
    (project / "index.rst").write_text(
        "Leverage Glossary (Sphinx peer)\n===============================\n\n"
        f"{len(entries)} entry pages; see the :ref:`genindex` for every term.\n",
        encoding="utf-8",
    )
    return len(entries)
