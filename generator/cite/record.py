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

The styles are written in `generator.cite.styles`, the cite boxes' HTML in
`generator.cite.html`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from generator.cite.styles import ACCESSED, FORMATTERS, Style, clean, format_accessed, parse_style
from generator.model import Entry
from generator.settings import SITE_NAME, site_base

LICENSE_NAME = "CC BY 4.0"
LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/"
FINGERPRINT_CHARS = 12


def author_for(site_name: str) -> str:
    """The group author of every entry: `Leverage Glossary contributors`."""
    return f"{clean(site_name)} contributors"


def fingerprint(entry: Entry) -> str:
    """A short content hash of the entry's fields: a new version whenever the text changes.

    sha256 over canonical JSON (sorted keys, tuples as lists, nested records as objects,
    anything else as text) of every field except the file path, so the same content gives
    the same fingerprint in any checkout, commit or folder; the first 12 hex digits are
    kept. The JSON is the same as `dataclasses.asdict` would give, without its deep copy.
    """
    fields = {name: getattr(entry, name) for name in _ENTRY_FIELDS}
    for name in _LATER_FIELDS:
        if not fields[name]:
            del fields[name]
    canonical = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_json_default)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:FINGERPRINT_CHARS]


# where the file sits is not part of what is cited
_ENTRY_FIELDS = tuple(f.name for f in dataclasses.fields(Entry) if f.name != "path")
# Fields the format gained later: hashed only when set, so an entry without one keeps the
# fingerprint (and the cited version addresses) it had before the field existed.
_LATER_FIELDS = ("in_brief",)
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
    def from_entry(
        cls, entry: Entry, *, site_url: str, site_name: str = SITE_NAME, author: str | None = None
    ) -> CitationRecord:
        base = site_base(site_url)
        issued = parse_day(entry.modified or entry.published)
        print_ = fingerprint(entry)
        entry_url = base + entry.url_path
        return cls(
            slug=entry.slug,
            title=clean(entry.title),
            summary=clean(entry.summary),
            kind=entry.kind,
            url=entry_url,
            container=clean(site_name),
            author=clean(author) if author else author_for(site_name),
            published=parse_day(entry.published or entry.modified),
            issued=issued,
            version=version_id(issued, print_),
            fingerprint=print_,
            entry_url=entry_url,
            version_url=base + revision_url_path(entry.slug, print_),
            publisher=clean(site_name),
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
        return FORMATTERS[parse_style(style)](self)

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
