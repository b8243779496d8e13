"""What changed lately: the "Recent changes" page and its Atom feed, both from each entry's
`modified` date, newest first.

The feed (`feed.xml` at the site root, RFC 4287) holds the `FEED_SIZE` most recently
modified entries. Each item is one version of an entry: its `id` is that version's
permanent address (`/rev/<slug>/<fingerprint>/`), so a feed reader shows an entry again
when it changes; its link is the entry's current page. Dates are the authors' own
`modified` and `published`, never the build's, so an unchanged glossary gives the same feed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from xml.sax.saxutils import escape, quoteattr

import jinja2

from generator import __version__
from generator import site_paths as paths
from generator.cite import record as cite
from generator.model import KIND_LABELS
from generator.render.context import Page, Site, front_matter, plain_head
from generator.render.fragments import Fragments
from generator.render.paths import relpath, url_dir

FEED_SIZE = 50
FEED_TYPE = "application/atom+xml"
_ATOM = "http://www.w3.org/2005/Atom"
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")  # outside XML 1.0's Char
_WIKILINK = re.compile(r"\[\[([^\]|]+?)(?:\|([^\]]+?))?\]\]")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARKS = re.compile(r"\*\*|__|(?<!\w)\*(?=\S)|(?<=\S)\*(?!\w)|`+")


@dataclass(frozen=True, slots=True)
class Change:
    """One entry at its last modification."""

    slug: str
    day: date  # the modified day, as the page shows it
    stamp: str  # `modified` as an RFC 3339 date-time (a plain date is taken as midnight UTC)
    published: str  # likewise for `published`
    added: bool  # modified on the day it was published: a new entry

    @property
    def month(self) -> str:
        return self.day.strftime("%B %Y")

    @property
    def month_id(self) -> str:
        return self.day.strftime("month-%Y-%m")


def rfc3339(value: str) -> str:
    """`2026-11-20` -> `2026-11-20T00:00:00Z`; a date-time with its offset is kept as it is."""
    moment = datetime.fromisoformat(value)
    if len(value) <= 10 or moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    text = moment.isoformat()
    return text[: -len("+00:00")] + "Z" if text.endswith("+00:00") else text


def changes(site: Site) -> list[Change]:
    """Every entry by its modified date (to the second, where an entry gives one), newest
    first; entries changed at the same moment by title."""
    found = []
    for slug, entry in site.entries.items():
        modified = entry.modified or entry.published
        published = entry.published or modified
        stamp = rfc3339(modified)
        found.append(
            (
                datetime.fromisoformat(stamp.replace("Z", "+00:00")),
                entry.title.casefold(),
                Change(slug, cite.parse_day(modified), stamp, rfc3339(published), modified[:10] == published[:10]),
            )
        )
    found.sort(key=lambda item: item[1])
    found.sort(key=lambda item: item[0], reverse=True)
    return [change for _, _, change in found]


def recent_page(env: jinja2.Environment, site: Site) -> tuple[str, Fragments | None]:
    """The "Recent changes" page: every entry by modified date, month by month, newest first."""
    path = paths.RECENT
    title = "Recent changes"
    description = "Every entry of the Leverage Glossary by the day it was last changed, newest first."
    found = changes(site)
    months: dict[str, tuple[str, list[Change]]] = {}
    for change in found:
        months.setdefault(change.month_id, (change.month, []))[1].append(change)
    meta = {"glossary_modified": found[0].day.isoformat() if found else site.config.build_day.isoformat()}
    front = front_matter(title, description, plain_head(site, path, title, description, None), meta=meta)
    page = Page(site, path)
    text = env.get_template("recent.md.j2").render(
        page=page,
        site=site,
        months=[(anchor, name, items) for anchor, (name, items) in months.items()],
        feed_href=relpath(paths.FEED, url_dir(path)),
        feed_type=FEED_TYPE,
        count=len(found),
    )
    sealed, fragments = page.seal(text)
    return front + sealed, fragments


def plain_text(markdown: str, titles: dict[str, str]) -> str:
    """A summary as readers see it, for the feed: links as their text, no emphasis marks."""

    def wikilink(match: re.Match[str]) -> str:
        slug, label = match.group(1).strip(), match.group(2)
        return label.strip() if label else titles.get(slug, slug.replace("-", " "))

    text = _LINK.sub(r"\1", _WIKILINK.sub(wikilink, markdown))
    return " ".join(_MARKS.sub("", text).split())


def _text(value: str) -> str:
    return escape(_NOT_XML.sub("", value))


def _attr(value: str) -> str:
    return quoteattr(_NOT_XML.sub("", value))


def atom_feed(site: Site, size: int = FEED_SIZE) -> str:
    """The Atom feed of the `size` most recently modified entries."""
    base = site.config.base
    name = site.config.site_name
    found = changes(site)[:size]
    updated = found[0].stamp if found else rfc3339(site.config.build_day.isoformat())
    feed_url = base + paths.FEED
    page_url = site.url(paths.RECENT)
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<feed xmlns="{_ATOM}" xml:lang="en">',
        f"  <title>{_text(name)}: recent changes</title>",
        f"  <subtitle>{_text(f'Entries of the {name} by the day they were last changed, newest first.')}</subtitle>",
        f"  <id>{_text(feed_url)}</id>",
        f'  <link rel="self" type="{FEED_TYPE}" href={_attr(feed_url)}/>',
        f'  <link rel="alternate" type="text/html" href={_attr(page_url)}/>',
        f"  <updated>{updated}</updated>",
        f"  <author><name>{_text(name)}</name><uri>{_text(base)}</uri></author>",
        f"  <rights>{_text(f'Content: {cite.LICENSE_NAME} ({cite.LICENSE_URL})')}</rights>",
        f'  <generator version="{_text(__version__)}">leverage-glossary</generator>',
    ]
    for change in found:
        entry, record = site.entries[change.slug], site.records[change.slug]
        lines += [
            "  <entry>",
            f"    <title>{_text(entry.title)}</title>",
            f"    <id>{_text(record.version_url or record.entry_url)}</id>",
            f'    <link rel="alternate" type="text/html" href={_attr(record.entry_url)}/>',
            f"    <updated>{change.stamp}</updated>",
            f"    <published>{change.published}</published>",
            f'    <summary type="text">{_text(plain_text(entry.summary, site.titles))}</summary>',
            f"    <category term={_attr(entry.kind)} label={_attr(KIND_LABELS[entry.kind])}/>",
            "  </entry>",
        ]
    lines.append("</feed>")
    return "\n".join(lines) + "\n"
