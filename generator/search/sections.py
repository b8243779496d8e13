"""What the search reads: every entry and every site page as a document of sections.

A section is a piece of a page a result can link to: its heading as shown, the element id
on the page (the anchor of the deep link; "" is the top of the page) and its plain text.

Entries: the top (summary, other names, areas, tags, In brief), each formula (title, result,
variables and their meanings, note, venue; anchored at the formula's own box), the worked
examples together (titles, notes, venues), the body's introduction and each body section
by heading, each FAQ facet of an area (the only pages that show one), the sources together
(titles, publishers, notes).
Site pages: the hand-written pages in site_src/ section by section, and the pages the
build generates from a template (A-Z, areas, tags, graph, calculators) by their title and
introduction.

Heading anchors are derived as Python-Markdown's toc extension derives them (its default
slugify over the heading's text, made unique on the page with _1, _2 ...), seeded with the
ids of the page's headings that come before the text (the title, Formulas, Worked
examples; an area's Scope). tests/browser/test_site_search.py checks every anchor against
the built pages.

The only imports from other stages are the entry model (below) and the site's addresses
(sources.py), so moving those modules means editing those lines alone.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from generator.search.sources import GENERATED_PAGES, PAGES_DIR, PROJECT, TEMPLATES_DIR, is_page, page_sources

if TYPE_CHECKING:  # the model costs a warm search a few ms to import; only building needs it
    from generator.model import Entry

PAGE_KIND = "page"


@dataclass(frozen=True, slots=True)
class Section:
    title: str  # the heading as shown ("" for the top of the page)
    anchor: str  # the element id on the page ("" for the top)
    text: str  # plain text, whitespace collapsed


@dataclass(frozen=True, slots=True)
class SearchDoc:
    """One page a result can open: an entry or a site page."""

    slug: str
    title: str
    kind: str  # an entry kind, or "page"
    url: str  # the page's address from the site root, "/term/liquidation-price/"
    summary: str
    aliases: tuple[str, ...]
    abbreviations: tuple[str, ...]
    sections: tuple[Section, ...]


# -- Markdown to plain text --------------------------------------------------------------

_FENCE = re.compile(r"^\s*(```+|~~~+)")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_ATTR_ID = re.compile(r"\s*\{\s*#([\w-]+)[^}]*\}\s*$")
_WIKILINK = re.compile(r"\[\[([^\]|]+?)(?:\|([^\]]+?))?\]\]")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_AUTOLINK = re.compile(r"<(https?://[^>\s]+)>")
_TAG = re.compile(r"<[^>]+>")
_MATH = re.compile(r"\$\$.*?\$\$|\\\(.*?\\\)|\\\[.*?\\\]|(?<![\w$])\$[^$\n]+\$(?![\w$])", re.S)
_EMPHASIS = re.compile(r"\*\*|__|(?<!\w)\*(?=\S)|(?<=\S)\*(?!\w)|`+")
_LINE_MARK = re.compile(r"^\s*(?:[-*+]\s+|\d+[.)]\s+|>\s?|!!!\s*\w+\s*|\?\?\?\+?\s*\w+\s*)", re.M)
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}.*$", re.M)


def plain(markdown: str, titles: Mapping[str, str] | None = None) -> str:
    """The text a reader sees of some author Markdown, on one line."""
    titles = titles or {}

    def wikilink(match: re.Match[str]) -> str:
        slug, label = match.group(1).strip(), match.group(2)
        return label.strip() if label else titles.get(slug, slug.replace("-", " "))

    # each pattern only where the characters it needs occur: most sections are plain prose,
    # and this runs for every section of every entry on every build
    text = _MATH.sub(" ", markdown) if "$" in markdown or "\\" in markdown else markdown
    if "[[" in text:
        text = _WIKILINK.sub(wikilink, text)
    if "](" in text:
        text = _LINK.sub(r"\1", text)
    if "<" in text:
        text = _TAG.sub(" ", _AUTOLINK.sub(r"\1", text))
    if "---" in text:
        text = _TABLE_RULE.sub(" ", text)
    text = _LINE_MARK.sub("", text)
    if "*" in text or "__" in text or "`" in text:
        text = _EMPHASIS.sub("", text)
    return " ".join(html.unescape(text.replace("|", " ")).split())


def toc_slugify(value: str) -> str:
    """Python-Markdown's toc.slugify with its default separator "-"."""
    value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    value = re.sub(r"[^\w\s-]", "", value).strip().lower()
    return re.sub(r"[-\s]+", "-", value)


def unique_id(wanted: str, used: set[str]) -> str:
    """toc.unique: the id, or the first free id_1, id_2 ... once it is taken."""
    if wanted in used or not wanted:
        count = 1
        while f"{wanted}_{count}" in used:
            count += 1
        wanted = f"{wanted}_{count}"
    used.add(wanted)
    return wanted


def heading_id(heading: str, used: set[str], titles: Mapping[str, str] | None = None) -> tuple[str, str]:
    """(shown text, id) of a Markdown heading; an explicit `{ #id }` is kept as it is."""
    explicit = _ATTR_ID.search(heading)
    if explicit:
        shown = plain(heading[: explicit.start()], titles)
        used.add(explicit.group(1))
        return shown, explicit.group(1)
    shown = plain(heading, titles)
    return shown, unique_id(toc_slugify(shown), used)


def split_sections(
    markdown: str, used: set[str], titles: Mapping[str, str] | None = None, *, top: str = ""
) -> tuple[str, list[Section]]:
    """(the page title from a level-1 heading or "", sections by heading).

    Text before the first heading is a section anchored at `top` with no title. Headings
    inside fenced code are code, not headings.
    """
    page_title = ""
    sections: list[Section] = []
    heading, anchor = "", top
    lines: list[str] = []
    fence = ""

    def flush() -> None:
        text = plain("\n".join(lines), titles)
        if text or heading:
            sections.append(Section(heading, anchor, text))

    for line in markdown.splitlines():
        opened = _FENCE.match(line)
        if fence:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = ""
            else:
                lines.append(line)
            continue
        if opened:
            fence = opened.group(1)
            continue
        found = _HEADING.match(line)
        if not found:
            lines.append(line)
            continue
        if len(found.group(1)) == 1 and not page_title:
            page_title, _ = heading_id(found.group(2), used, titles)
            continue
        flush()
        heading, anchor = heading_id(found.group(2), used, titles)
        lines = []
    flush()
    return page_title, sections


# -- entries ------------------------------------------------------------------------------


def _plural(word: str, count: int) -> str:
    return word if count == 1 else word + "s"


def entry_doc(entry: Entry, titles: Mapping[str, str]) -> SearchDoc:
    """An entry's sections, in the order of its page."""
    from generator.model import KIND_SECTIONS

    used: set[str] = {toc_slugify(entry.title)}
    names = ", ".join((*entry.aliases, *entry.abbreviations))
    areas = ", ".join(titles.get(slug, slug.replace("-", " ")) for slug in entry.areas)
    top = " ".join(
        part
        for part in (
            plain(entry.summary, titles),
            f"Also called {names}." if names else "",
            f"In {areas}." if areas else "",
            f"Tags: {', '.join(entry.tags)}." if entry.tags else "",
            plain(entry.in_brief, titles) if entry.in_brief else "",
        )
        if part
    )
    sections = [Section("", "", top)]
    if entry.formulas:
        used.add(toc_slugify(_plural("Formula", len(entry.formulas))))
        for formula in entry.formulas:
            variables = "; ".join(f"{v.name.replace('_', ' ')}: {v.meaning}" for v in formula.variables)
            text = " ".join(
                part
                for part in (
                    f"Result: {formula.result.name.replace('_', ' ')}.",
                    f"Variables: {variables}.",
                    plain(formula.note, titles),
                    f"Venue: {formula.venue}." if formula.venue else "",
                )
                if part
            )
            sections.append(Section(formula.title, f"formula-{formula.id}", text))
    if entry.examples:
        heading = _plural("Worked example", len(entry.examples))
        example_id = unique_id(toc_slugify(heading), used)
        text = " ".join(
            part
            for example in entry.examples
            for part in (
                f"{example.title}.",
                plain(example.note, titles),
                f"Venue: {example.venue}." if example.venue else "",
            )
            if part
        )
        sections.append(Section(heading, example_id, text))
    if entry.kind == "area":
        unique_id("scope", used)
    _, body = split_sections(entry.body, used, titles)
    sections.extend(body)
    if entry.faq and entry.kind == "area":  # only an area's page shows its questions
        unique_id("questions", used)
        facets: dict[str, list[str]] = {}
        for item in entry.faq:
            facets.setdefault(item.facet, []).append(f"{item.question} {plain(item.answer, titles)}")
        for facet, items in facets.items():
            shown, anchor = heading_id(facet, used)
            sections.append(Section(shown, anchor, " ".join(items)))
    if entry.sources:  # one section: the list sits under one heading, after the body
        text = " ".join(
            part
            for source in entry.sources
            for part in (f"{source.title}.", source.publisher, plain(source.note, titles))
            if part
        )
        sections.append(Section("Sources", unique_id("sources", used), text))
    section = KIND_SECTIONS.get(entry.kind, entry.kind)
    return SearchDoc(
        entry.slug,
        entry.title,
        entry.kind,
        f"/{section}/{entry.slug}/",
        " ".join(entry.summary.split()),
        tuple(entry.aliases),
        tuple(entry.abbreviations),
        tuple(s for s in sections if s.text or s.title),
    )


# -- site pages ---------------------------------------------------------------------------

_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.S)


def _front_matter(text: str) -> tuple[dict[str, str], str]:
    found = _FRONT_MATTER.match(text)
    if not found:
        return {}, text
    meta: dict[str, str] = {}
    for line in found.group(1).splitlines():
        key, sep, value = line.partition(":")
        if sep and not line.startswith((" ", "\t")):
            meta[key.strip()] = value.strip().strip("'\"")
    return meta, text[found.end() :]


def page_url(path: str) -> str:
    """A docs file's address with directory URLs: reference/x.md -> /reference/x/."""
    stem = path[: -len(".md")]
    if stem == "index" or stem.endswith("/index"):
        stem = stem[: -len("index")].rstrip("/")
    return f"/{stem}/" if stem else "/"


def page_doc(path: str, text: str, titles: Mapping[str, str]) -> SearchDoc | None:
    """A hand-written page's sections; its title from front matter or its first heading."""
    meta, markdown = _front_matter(text)
    used: set[str] = set()
    heading, sections = split_sections(markdown, used, titles)
    title = meta.get("title") or heading
    if not title:
        return None
    summary = meta.get("description") or next((s.text for s in sections if s.text), "")
    slug = path[: -len(".md")]
    return SearchDoc(slug, title, PAGE_KIND, page_url(path), " ".join(summary.split()), (), (), tuple(sections))


_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)


def generated_page_doc(path: str, template: str) -> SearchDoc | None:
    """A generated page by its template's title and introduction (the paragraph after it)."""
    title, intro = "", ""
    template = re.sub(r"(?m)^\s*\{%.*?%\}\s*$", "", template)
    for paragraph in re.split(r"\n\s*\n", template):
        paragraph = paragraph.strip()
        if not title:
            found = _HEADING.match(paragraph.splitlines()[0]) if paragraph else None
            if found and len(found.group(1)) == 1 and "{" not in found.group(2):
                title = found.group(2)
            continue
        if paragraph and not paragraph.startswith(("{", "<", "#")):
            intro = " ".join(plain(_JINJA.sub(" ", paragraph)).split())
            break
    if not title:
        return None
    slug = path[: -len(".md")]
    return SearchDoc(slug, title, PAGE_KIND, page_url(path), intro, (), (), (Section("", "", intro),))


def site_pages(
    titles: Mapping[str, str], pages_dir: Path = PAGES_DIR, templates_dir: Path = TEMPLATES_DIR
) -> list[SearchDoc]:
    """Every hand-written page (Markdown under `pages_dir`) and every generated page."""
    docs: list[SearchDoc] = []
    if pages_dir.is_dir():
        for path in sorted(pages_dir.rglob("*.md")):
            relative = path.relative_to(pages_dir).as_posix()
            if not is_page(relative):
                continue
            doc = page_doc(relative, path.read_text(encoding="utf-8"), titles)
            if doc is not None:
                docs.append(doc)
    for address, name in GENERATED_PAGES.items():
        template = templates_dir / name
        if template.is_file() and not (pages_dir / address).is_file():
            doc = generated_page_doc(address, template.read_text(encoding="utf-8"))
            if doc is not None:
                docs.append(doc)
    return docs


def documents(entries: Iterable[Entry], *, pages: bool = True) -> list[SearchDoc]:
    """Every entry and (unless `pages` is false) every site page, as search documents."""
    entries = list(entries)
    titles = {e.slug: e.title for e in entries}
    docs = [entry_doc(entry, titles) for entry in entries]
    if pages:
        docs.extend(site_pages(titles))
    return docs


__all__ = [
    "GENERATED_PAGES",
    "PAGES_DIR",
    "PAGE_KIND",
    "PROJECT",
    "TEMPLATES_DIR",
    "SearchDoc",
    "Section",
    "documents",
    "entry_doc",
    "page_doc",
    "page_sources",
    "plain",
    "site_pages",
    "split_sections",
    "toc_slugify",
]
