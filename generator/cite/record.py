"""One citation record per entry, and every format built from it.

The cite box, `glossary cite`, the Highwire `citation_*` meta tags, the JSON-LD and the
exports all read the same `CitationRecord`, so a reference manager, a search engine and
a person copying the APA line always agree on title, author, date, address and version.

Version identity: an entry's *fingerprint* is a short hash of its content (every field
but the file path); its *version id* is the modified date plus the fingerprint, e.g.
`2026-11-20-3f9a1c0b7d2e`. Every version also has a permanent address of its own,
`rev/<slug>/<fingerprint>/`, that keeps showing that text after the entry changes
(see `generator.history.revisions`). A record cites either the entry (its permanent URL, always
the latest text) or one version (`CitationRecord.for_version()`).

The access date is the reader's, not the build's: each format marks the one place it
goes (`ACCESSED`), `format()` fills it in for a given day, and the page's script fills
it in with the day the reader cites (`site_src/assets/javascripts/glossary.js` mirrors
`format_accessed`).

The styles follow their manuals' patterns for an entry in an online reference work
with a group author:

- APA 7 (dictionary entry, continuously updated): entry title in sentence case, the
  entry's date, `In <work> (Version ...)`, a retrieval date and the URL.
- MLA 9: title in quotes, container, version, date, URL, access date last; the
  publisher is left out because it has the same name as the website.
- Chicago 17 (bibliography, website content): author, title in quotes, site, version,
  last-modified date, access date, URL.
- BibTeX `@misc` (read by BibTeX and biblatex alike), RIS `DICT`, CSL-JSON
  `entry-dictionary`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from markupsafe import Markup, escape

from generator.model import Entry
from generator.settings import SITE_NAME, site_base

Style = Literal["apa", "mla", "chicago", "bibtex", "ris", "csl_json"]
STYLES: tuple[Style, ...] = ("apa", "mla", "chicago", "bibtex", "ris", "csl_json")
STYLE_LABELS: dict[Style, str] = {
    "apa": "APA",
    "mla": "MLA",
    "chicago": "Chicago",
    "bibtex": "BibTeX",
    "ris": "RIS",
    "csl_json": "CSL-JSON",
}
# The names people type (`glossary cite --style csl-json`); keys are STYLES.
STYLE_NAMES: dict[str, Style] = {
    "apa": "apa", "mla": "mla", "chicago": "chicago", "bibtex": "bibtex", "ris": "ris",
    "csl-json": "csl_json", "csl_json": "csl_json", "csljson": "csl_json", "csl": "csl_json",
}
ACCESSED = "\ue000"  # a private-use character: never in entry text (stripped from fields)

LICENSE_NAME = "CC BY 4.0"
LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/"
FINGERPRINT_CHARS = 12

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
_MLA_MONTHS = ("Jan.", "Feb.", "Mar.", "Apr.", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec.")
_BIBTEX_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def author_for(site_name: str) -> str:
    """The group author of every entry: `Leverage Glossary contributors`."""
    return f"{_clean(site_name)} contributors"


def parse_style(name: str) -> Style:
    """`csl-json`, `CSL_JSON`, `apa` ... -> a key of STYLES; KeyError lists the choices."""
    style = STYLE_NAMES.get(name.strip().lower())
    if style is None:
        raise KeyError(f"unknown citation style '{name}'; choose one of apa, mla, chicago, bibtex, ris, csl-json")
    return style


# -- version identity -------------------------------------------------------------------------


def fingerprint(entry: Entry) -> str:
    """A short content hash of the entry's fields: a new version whenever the text changes.

    sha256 over canonical JSON (sorted keys, tuples as lists, nested records as objects,
    anything else as text) of every field except the file path, so the same content gives
    the same fingerprint in any checkout, commit or folder; the first 12 hex digits are
    kept. The JSON is the same as `dataclasses.asdict` would give, without its deep copy.
    """
    fields = {name: getattr(entry, name) for name in _ENTRY_FIELDS}
    canonical = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_json_default)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:FINGERPRINT_CHARS]


# where the file sits is not part of what is cited
_ENTRY_FIELDS = tuple(f.name for f in dataclasses.fields(Entry) if f.name != "path")


_RECORD_FIELDS: dict[type, tuple[str, ...] | None] = {}


def _json_default(value: Any) -> Any:
    """Nested records (formulas, examples, sources ...) as objects of their fields; the rest as text."""
    kind = type(value)
    if kind not in _RECORD_FIELDS:
        record = dataclasses.is_dataclass(value) and not isinstance(value, type)
        _RECORD_FIELDS[kind] = tuple(f.name for f in dataclasses.fields(value)) if record else None
    names = _RECORD_FIELDS[kind]
    return str(value) if names is None else {name: getattr(value, name) for name in names}


def version_id(day: date, print_: str) -> str:
    """`2026-11-20-3f9a1c0b7d2e`: the modified date, then the content fingerprint."""
    return f"{day.isoformat()}-{print_}"


def revision_url_path(slug: str, print_: str) -> str:
    """Site-relative permanent address of one version: `rev/liquidation-price/3f9a1c0b7d2e/`.

    It does not depend on the entry's kind, so it survives a definition growing into a term.
    """
    return f"rev/{slug}/{print_}/"


def parse_day(value: str) -> date:
    """The calendar day of an ISO date or date-time (`2026-03-14T05:16:17+00:00`)."""
    return date.fromisoformat(value[:10])


def _clean(text: str) -> str:
    return " ".join(text.replace(ACCESSED, "").split())


# -- the record -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CitationRecord:
    """What is cited: one entry, at one address, in one version.

    `issued` is the day of the version being cited (the entry's last modification),
    which is what APA and MLA ask for with continuously updated reference works.
    `url` is what the citation points at: the entry's permanent URL (`entry_url`) or,
    for `for_version()`, the version's own permanent address (`version_url`).
    """

    slug: str
    title: str
    summary: str
    kind: str
    url: str
    container: str
    author: str
    published: date
    issued: date
    version: str  # the version id: issued date + fingerprint
    fingerprint: str = ""
    entry_url: str = ""
    version_url: str = ""
    publisher: str = ""

    @classmethod
    def from_entry(cls, entry: Entry, *, site_url: str, site_name: str = SITE_NAME,
                   author: str | None = None) -> CitationRecord:
        base = site_base(site_url)
        issued = parse_day(entry.modified or entry.published)
        print_ = fingerprint(entry)
        entry_url = base + entry.url_path
        return cls(
            slug=entry.slug,
            title=_clean(entry.title),
            summary=_clean(entry.summary),
            kind=entry.kind,
            url=entry_url,
            container=_clean(site_name),
            author=_clean(author) if author else author_for(site_name),
            published=parse_day(entry.published or entry.modified),
            issued=issued,
            version=version_id(issued, print_),
            fingerprint=print_,
            entry_url=entry_url,
            version_url=base + revision_url_path(entry.slug, print_),
            publisher=_clean(site_name),
        )

    def for_version(self) -> CitationRecord:
        """The same citation pointing at this version's permanent address ("cite this version")."""
        return dataclasses.replace(self, url=self.version_url or self.url)

    @property
    def cites_version(self) -> bool:
        return bool(self.version_url) and self.url == self.version_url

    @property
    def key(self) -> str:
        """A BibTeX key: site + slug, plus the fingerprint when one version is cited."""
        key = "leverage-glossary-" + self.slug
        return f"{key}-{self.fingerprint}" if self.cites_version else key

    def format(self, style: Style | str, accessed: date) -> str:
        """The finished citation for a reader who accessed the page on `accessed`."""
        style = parse_style(style)
        return self.template(style).replace(ACCESSED, format_accessed(style, accessed))

    def template(self, style: Style | str) -> str:
        """The citation with `ACCESSED` (exactly once) where the reader's access date goes."""
        return _FORMATTERS[parse_style(style)](self)

    def csl_item(self, accessed: date | None = None) -> dict[str, Any]:
        """The CSL-JSON item as data (no access date unless one is given)."""
        item: dict[str, Any] = {
            "id": self.key,
            "type": "entry-dictionary",
            "title": self.title,
            "container-title": self.container,
            "publisher": self.publisher or self.container,
            "author": [{"literal": self.author}],
            "issued": {"date-parts": [[self.issued.year, self.issued.month, self.issued.day]]},
            "version": self.version,
            "abstract": self.summary,
            "URL": self.url,
            "language": "en",
        }
        if accessed is not None:
            item["accessed"] = {"date-parts": [[accessed.year, accessed.month, accessed.day]]}
        return item

    def highwire(self) -> list[tuple[str, str]]:
        """Google Scholar's citation_* meta tags (no journal title: this is not a journal)."""
        return [
            ("citation_title", self.title),
            ("citation_author", self.author),
            ("citation_publication_date", self.issued.strftime("%Y/%m/%d")),
            ("citation_online_date", self.published.strftime("%Y/%m/%d")),
            ("citation_public_url", self.url),
            ("citation_publisher", self.publisher or self.container),
        ]


def format_accessed(style: Style | str, day: date) -> str:
    """The access date as each style writes it (the page script mirrors this)."""
    style = STYLE_NAMES.get(str(style).lower(), style)
    if style == "apa" or style == "chicago":
        return f"{_MONTHS[day.month - 1]} {day.day}, {day.year}"
    if style == "mla":
        return f"{day.day} {_MLA_MONTHS[day.month - 1]} {day.year}"
    if style == "bibtex":
        return day.isoformat()
    if style == "ris":
        return day.strftime("%Y/%m/%d")
    return f"[{day.year}, {day.month}, {day.day}]"


def html_views(record: CitationRecord, day: date, *, modifier: str = "") -> list[dict[str, Any]]:
    """Each style's text as HTML for a cite box: the access date sits in a span the page
    script rewrites with the reader's day (`day` is what readers without script see).
    `modifier` adds a `gl-accessed--<modifier>` class (e.g. `version` for the second box)."""
    css = escape("gl-accessed" + (f" gl-accessed--{modifier}" if modifier else ""))
    views = []
    for style in STYLES:
        before, _, after = record.template(style).partition(ACCESSED)
        accessed = f'<span class="{css}" data-style="{escape(style)}">{escape(format_accessed(style, day))}</span>'
        views.append({"style": style, "label": STYLE_LABELS[style],
                      "html": Markup(f"{escape(before)}{accessed}{escape(after)}")})
    return views


_CHECKED = 'checked="checked" '


def cite_box_html(views: list[dict[str, Any]], record: CitationRecord, *, box_id: str) -> Markup:
    """A second cite box with its own ids (the page's main box comes from the templates).

    Same structure and classes as `templates/_macros.md.j2`'s `cite_box`, so the page
    script's copy button and access-date filling work on it unchanged.
    """
    name = escape("__" + box_id.replace("-", "_"))
    inputs = "".join(
        f'<input {_CHECKED if i == 1 else ""}id="{name}_{i}" name="{name}" type="radio">'
        for i in range(1, len(views) + 1))
    labels = "".join(f'<label for="{name}_{i}">{escape(view["label"])}</label>'
                     for i, view in enumerate(views, start=1))
    blocks = "\n".join(
        f'<div class="tabbed-block"><pre class="gl-cite__text" data-style="{escape(view["style"])}"><code>'
        f'{escape(view["html"])}</code></pre></div>' for view in views)
    box = escape(box_id)
    return Markup(
        f'<div class="gl-cite" id="{box}" data-version="{escape(record.version)}">\n'
        f'<div class="tabbed-set tabbed-alternate" data-tabs="{box}:{len(views)}">\n{inputs}\n'
        f'<div class="tabbed-labels">{labels}</div>\n'
        f'<div class="tabbed-content">\n{blocks}\n</div>\n</div>\n'
        '<p class="gl-cite__actions"><button type="button" class="md-button md-button--primary gl-cite__copy">'
        'Copy citation</button> <span class="gl-cite__status" role="status" aria-live="polite"></span></p>\n'
        '</div>'
    )


# -- the styles ---------------------------------------------------------------------------------


def _long_date(day: date) -> str:
    return f"{_MONTHS[day.month - 1]} {day.day}, {day.year}"


def _mla_date(day: date) -> str:
    return f"{day.day} {_MLA_MONTHS[day.month - 1]} {day.year}"


def _lower_word(part: str) -> str:
    """`Price` -> `price`; acronyms and mixed case (`ETF`, `DeFi`, `III`, `PnL`) stay."""
    if len(part) > 1 and part[0].isupper() and part[1:].islower():
        return part.lower()
    return part


def sentence_case(title: str) -> str:
    """APA's sentence case for titles of parts of a work: `Loan-to-Value Ratio` -> `Loan-to-value ratio`.

    The first word (and the first after a colon) keeps its capital; words written with
    capitals inside (acronyms, `DeFi`) are kept. Proper nouns other than the first word
    cannot be recognised and are lowered - entry titles are common nouns.
    """
    out: list[str] = []
    keep_next = True
    for word in title.split(" "):
        parts = word.split("-")
        if keep_next:
            parts = [parts[0], *(_lower_word(p) for p in parts[1:])]
        else:
            parts = [_lower_word(p) for p in parts]
        out.append("-".join(parts))
        if word:
            keep_next = word.endswith((":", "?", "!"))
    return " ".join(out)


def _apa(r: CitationRecord) -> str:
    when = f"{r.issued.year}, {_MONTHS[r.issued.month - 1]} {r.issued.day}"
    return (f"{r.author}. ({when}). {sentence_case(r.title)}. In {r.container} (Version {r.version}). "
            f"Retrieved {ACCESSED}, from {r.url}")


def _mla(r: CitationRecord) -> str:
    return (f"\u201c{r.title}.\u201d {r.container}, version {r.version}, {_mla_date(r.issued)}, {r.url}. "
            f"Accessed {ACCESSED}.")


def _chicago(r: CitationRecord) -> str:
    return (f"{r.author}. \u201c{r.title}.\u201d {r.container}. Version {r.version}. "
            f"Last modified {_long_date(r.issued)}. Accessed {ACCESSED}. {r.url}.")


_BIBTEX_SPECIAL = str.maketrans({"&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
                                  "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
                                  "\\": None, "{": None, "}": None})


def bibtex_escape(text: str) -> str:
    """Plain text for a braced BibTeX field: braces and backslashes dropped, specials escaped."""
    return _clean(text).translate(_BIBTEX_SPECIAL)


def _bibtex_url(url: str) -> str:
    """URLs are verbatim in biblatex; only what would break the braces is percent-encoded."""
    return url.replace("{", "%7B").replace("}", "%7D").replace("\\", "%5C")


def _bibtex(r: CitationRecord) -> str:
    fields = [
        ("author", "{" + bibtex_escape(r.author) + "}"),  # inner braces: a group author, not "contributors, L. G."
        ("title", "{" + bibtex_escape(r.title) + "}"),  # inner braces: keep the capitals
        ("howpublished", bibtex_escape(r.container)),
        ("organization", bibtex_escape(r.publisher or r.container)),
        ("year", str(r.issued.year)),
        ("month", None),
        ("date", r.issued.isoformat()),
        ("version", bibtex_escape(r.version)),
        ("note", f"Version {bibtex_escape(r.version)}, last modified {r.issued.isoformat()}"),
        ("url", _bibtex_url(r.url)),
        ("urldate", ACCESSED),
    ]
    lines = []
    for name, value in fields:
        if name == "month":
            lines.append(f"  month = {_BIBTEX_MONTHS[r.issued.month - 1]}")  # the predefined macro
        else:
            lines.append(f"  {name} = {{{value}}}")
    return f"@misc{{{r.key},\n" + ",\n".join(lines) + "\n}"


def _ris_value(text: str) -> str:
    return _clean(text)


def _ris(r: CitationRecord) -> str:
    lines = [
        ("TY", "DICT"),
        ("AU", r.author),
        ("TI", r.title),
        ("T2", r.container),
        ("PB", r.publisher or r.container),
        ("PY", str(r.issued.year)),
        ("DA", r.issued.strftime("%Y/%m/%d")),
        ("ET", r.version),
        ("AB", r.summary),
        ("LA", "en"),
        ("UR", r.url),
        ("Y2", ACCESSED),
        ("ER", ""),
    ]
    return "\n".join(f"{tag}  - {_ris_value(value) if value != ACCESSED else value}" for tag, value in lines)


def _csl_json(r: CitationRecord) -> str:
    """A CSL-JSON file: an array holding the one item (what Zotero and citeproc read)."""
    item = r.csl_item()
    item["issued"] = {"date-parts": "\ue001"}
    item["accessed"] = {"date-parts": "\ue002"}
    text = json.dumps([item], indent=2, ensure_ascii=False)
    issued = f"[[{r.issued.year}, {r.issued.month}, {r.issued.day}]]"
    return text.replace('"\ue001"', issued).replace('"\ue002"', f"[{ACCESSED}]")


_FORMATTERS = {
    "apa": _apa,
    "mla": _mla,
    "chicago": _chicago,
    "bibtex": _bibtex,
    "ris": _ris,
    "csl_json": _csl_json,
}
