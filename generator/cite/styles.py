"""The citation styles, each built from a `CitationRecord`.

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

Each style marks the one place the reader's access date goes (`ACCESSED`);
`format_accessed` writes that date as the style does.
"""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from generator.cite.record import CitationRecord


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
    "apa": "apa",
    "mla": "mla",
    "chicago": "chicago",
    "bibtex": "bibtex",
    "ris": "ris",
    "csl-json": "csl_json",
    "csl_json": "csl_json",
    "csljson": "csl_json",
    "csl": "csl_json",
}
ACCESSED = "\ue000"  # a private-use character: never in entry text (stripped from fields)
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_MLA_MONTHS = ("Jan.", "Feb.", "Mar.", "Apr.", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec.")
_BIBTEX_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def clean(text: str) -> str:
    """One line of text with no access-date mark in it (`ACCESSED` is ours alone)."""
    return " ".join(text.replace(ACCESSED, "").split())


def parse_style(name: str) -> Style:
    """`csl-json`, `CSL_JSON`, `apa` ... -> a key of STYLES; KeyError lists the choices."""
    style = STYLE_NAMES.get(name.strip().lower())
    if style is None:
        raise KeyError(f"unknown citation style '{name}'; choose one of apa, mla, chicago, bibtex, ris, csl-json")
    return style


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
    return (
        f"{r.author}. ({when}). {sentence_case(r.title)}. In {r.container} (Version {r.version}). "
        f"Retrieved {ACCESSED}, from {r.url}"
    )


def _mla(r: CitationRecord) -> str:
    return (
        f"\u201c{r.title}.\u201d {r.container}, version {r.version}, {_mla_date(r.issued)}, {r.url}. "
        f"Accessed {ACCESSED}."
    )


def _chicago(r: CitationRecord) -> str:
    return (
        f"{r.author}. \u201c{r.title}.\u201d {r.container}. Version {r.version}. "
        f"Last modified {_long_date(r.issued)}. Accessed {ACCESSED}. {r.url}."
    )


_BIBTEX_SPECIAL = str.maketrans(
    {
        "&": r"\&",
        "%": r"\%",
        "$": r"\$",
        "#": r"\#",
        "_": r"\_",
        "~": r"\textasciitilde{}",
        "^": r"\textasciicircum{}",
        "\\": None,
        "{": None,
        "}": None,
    }
)


def bibtex_escape(text: str) -> str:
    """Plain text for a braced BibTeX field: braces and backslashes dropped, specials escaped."""
    return clean(text).translate(_BIBTEX_SPECIAL)


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
    return clean(text)


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


FORMATTERS = {
    "apa": _apa,
    "mla": _mla,
    "chicago": _chicago,
    "bibtex": _bibtex,
    "ris": _ris,
    "csl_json": _csl_json,
}
