"""Earlier versions of entries, from git, published at permanent addresses.

When the terms folder sits in a git checkout, every distinct earlier content of an
entry file becomes a *revision*: parsed with today's loader and reader, identified by
its content fingerprint (see `generator.cite.record`), and published at
`rev/<slug>/<fingerprint>/` as an old-revision page that links to the current entry -
the way Wikipedia keeps `oldid` links. Outside a checkout (or without git) the build
still works; `History.available` is False and `History.reason` says why.

Bounded and fast: one `git log` over the whole folder (first-parent history, so merges
count once), then one `git cat-file --batch` for the blobs, at most
`MAX_REVISIONS_PER_ENTRY` distinct blobs per entry, newest first. History never fails
a build: a blob that does not load or read as an entry any more is skipped.

`collect_history` is the only function here that touches the outside world; the page
builders (`revision_pages`, `current_version_stubs`, `version_block`) are pure: data in,
`{path: text}` out.
"""

from __future__ import annotations

import logging
import os
import posixpath
import re
import shutil
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

from generator.cite import record as cite
from generator.model import Entry, Severity

log = logging.getLogger("mkdocs.plugins.glossary.history")

MAX_REVISIONS_PER_ENTRY = 50
# A field the format made required after a revision was written (a source's `type`) is
# missing data, not a danger: such a revision is still published, as it was.
_FORMAT_GROWTH = frozenset({"MISSING_FIELD"})
GIT_TIMEOUT_SECONDS = 120
_NULL_BLOB = "0" * 40
_GIT_ENV_DROP = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_COMMON_DIR")


@dataclass(frozen=True, slots=True)
class Revision:
    """One distinct content of an entry file, as first committed."""

    slug: str
    fingerprint: str
    version: str  # version id: the entry's modified date + fingerprint
    commit: str  # the first (oldest) commit that had this content; "" for uncommitted text
    committed: str  # that commit's ISO committer date; "" for uncommitted text
    entry: Entry

    @property
    def url_path(self) -> str:
        return cite.revision_url_path(self.slug, self.fingerprint)

    @property
    def page_path(self) -> str:
        """The docs path MkDocs builds this revision's page from."""
        return self.url_path.rstrip("/") + ".md"

    @property
    def short_commit(self) -> str:
        return self.commit[:10]


@dataclass(frozen=True)
class History:
    """Revisions per slug, newest first; `available` False when there is no git history."""

    available: bool
    reason: str = ""  # for logs: may name local paths
    revisions: Mapping[str, tuple[Revision, ...]] = field(default_factory=dict)
    public_reason: str = ""  # for pages and exports: no local paths
    skipped: tuple[str, ...] = ()  # old revisions left out, each with its commit and why

    def of(self, slug: str) -> tuple[Revision, ...]:
        return tuple(self.revisions.get(slug, ()))

    def earlier(self, entry: Entry, current: str | None = None) -> tuple[Revision, ...]:
        """Every revision of `entry` whose content differs from the current one, newest first.

        `current` is the entry's fingerprint when the caller has it already.
        """
        revisions = self.revisions.get(entry.slug, ())
        if not revisions:
            return ()
        current = current or cite.fingerprint(entry)
        return tuple(r for r in revisions if r.fingerprint != current)

    @property
    def note(self) -> str:
        """One line for logs and pages."""
        if not self.available:
            return f"no revision history: {self.reason}"
        count = sum(len(r) for r in self.revisions.values())
        return f"revision history from git: {count} distinct version(s) of {len(self.revisions)} entries"

    @property
    def public_note(self) -> str:
        """One line for pages and exports (never a local path)."""
        if not self.available:
            return f"no revision history: {self.public_reason or 'git history was not read'}"
        return "earlier versions read from git history"


def no_history(reason: str, public: str | None = None) -> History:
    """No revisions; `reason` goes to logs, `public` (default: `reason`) to pages and exports."""
    return History(False, reason, {}, public if public is not None else reason)


# -- reading git --------------------------------------------------------------------------------


def _git(args: list[str], cwd: Path, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if k not in _GIT_ENV_DROP}
    env["GIT_TERMINAL_PROMPT"] = "0"
    return subprocess.run(
        ["git", "-c", "log.showSignature=false", "-c", "core.quotePath=false", *args],
        cwd=cwd, input=stdin, capture_output=True, env=env, timeout=GIT_TIMEOUT_SECONDS, check=False,
    )


def _first_line(data: bytes) -> str:
    text = data.decode("utf-8", "replace").strip()
    return text.splitlines()[0] if text else "git failed"


@dataclass(frozen=True, slots=True)
class _Change:
    commit: str
    committed: str
    slug: str
    blob: str


def _log(terms_dir: Path) -> list[_Change]:
    """Every change to a top-level `*.yaml` in the folder, newest first (first-parent history)."""
    result = _git(["log", "--first-parent", "-m", "--raw", "--no-renames", "--no-abbrev", "-z", "--relative",
                   "--format=%x1e%H%x00%cI", "--", "."], terms_dir)
    if result.returncode != 0:
        raise _NoHistory(_first_line(result.stderr))
    changes: list[_Change] = []
    for chunk in result.stdout.decode("utf-8", "replace").split("\x1e"):
        tokens = chunk.split("\0")
        if len(tokens) < 2:
            continue
        commit, committed, rest = tokens[0].strip(), tokens[1].strip(), tokens[2:]
        for meta, path in zip(rest[0::2], rest[1::2]):
            parts = meta.strip().lstrip(":").split()
            if len(parts) < 5 or "/" in path or not path.endswith(".yaml"):
                continue
            blob, status = parts[3], parts[4]
            if status.startswith("D") or blob == _NULL_BLOB:
                continue
            changes.append(_Change(commit, committed, path[: -len(".yaml")], blob))
    return changes


def _cat_blobs(terms_dir: Path, blobs: list[str]) -> dict[str, bytes]:
    """Blob contents by id, in one `git cat-file --batch` call."""
    if not blobs:
        return {}
    result = _git(["cat-file", "--batch"], terms_dir, stdin="".join(b + "\n" for b in blobs).encode())
    if result.returncode != 0:
        raise _NoHistory(_first_line(result.stderr))
    out, pos, found = result.stdout, 0, {}
    while pos < len(out):
        end = out.index(b"\n", pos)
        header = out[pos:end].decode("ascii", "replace").split()
        pos = end + 1
        if len(header) != 3:  # "<id> missing"
            continue
        size = int(header[2])
        found[header[0]] = out[pos:pos + size]
        pos += size + 1
    return found


class _NoHistory(Exception):
    pass


def collect_history(
    terms_dir: Path,
    *,
    slugs: Iterable[str] | None = None,
    max_per_entry: int = MAX_REVISIONS_PER_ENTRY,
) -> History:
    """The revisions of the entries in `terms_dir` (only `slugs`, when given) from git."""
    terms_dir = Path(terms_dir)
    wanted = set(slugs) if slugs is not None else None
    if shutil.which("git") is None:
        return no_history("git is not installed", "git was not available")
    if not terms_dir.is_dir():
        return no_history(f"{terms_dir} is not a folder", "the glossary was not read from a git checkout")
    try:
        probe = _git(["rev-parse", "--is-inside-work-tree"], terms_dir)
        if probe.returncode != 0 or probe.stdout.strip() != b"true":
            return no_history(f"{terms_dir} is not in a git checkout", "the glossary was not read from a git checkout")
        changes = _log(terms_dir)
        chosen: dict[str, list[_Change]] = {}
        for change in changes:  # newest first
            if wanted is not None and change.slug not in wanted:
                continue
            picked = chosen.setdefault(change.slug, [])
            if any(c.blob == change.blob for c in picked):
                picked[:] = [change if c.blob == change.blob else c for c in picked]  # keep the oldest commit
            elif len(picked) < max_per_entry:
                picked.append(change)
        blobs = _cat_blobs(terms_dir, sorted({c.blob for picked in chosen.values() for c in picked}))
    except subprocess.TimeoutExpired:
        return no_history(f"git took longer than {GIT_TIMEOUT_SECONDS} s", "git history could not be read")
    except (OSError, ValueError, _NoHistory) as error:
        return no_history(f"git history could not be read ({error})", "git history could not be read")

    rel = terms_dir.name or "terms"
    revisions: dict[str, tuple[Revision, ...]] = {}
    skipped: list[str] = []
    for slug, picked in sorted(chosen.items()):
        by_print: dict[str, Revision] = {}
        order: list[str] = []
        for change in picked:  # newest first
            entry, why = _read_blob(blobs.get(change.blob), f"{rel}/{slug}.yaml")
            if entry is None:
                skipped.append(f"{slug} at commit {change.commit[:12]}: {why}")
                continue
            try:
                print_ = cite.fingerprint(entry)
                version = cite.version_id(cite.parse_day(entry.modified or entry.published), print_)
            except (ValueError, TypeError):
                continue
            if print_ not in by_print:
                order.append(print_)
            # a later (older) occurrence of the same content wins: the first commit that had it
            by_print[print_] = Revision(slug, print_, version, change.commit, change.committed, entry)
        if order:
            revisions[slug] = tuple(by_print[p] for p in order)
    return History(True, "", revisions, skipped=tuple(skipped))


def _read_blob(data: bytes | None, shown: str) -> tuple[Entry | None, str]:
    """An old file as an entry, held to today's rules: the same loader and per-file checks
    as a current entry (limits on size, nesting and markup included, so no old text can
    make the build slow or fail). (None, why) when it does not pass."""
    if data is None:
        return None, "its content could not be read from git"
    from generator import pipeline
    from generator.load import document as load

    if len(data) > load.MAX_FILE_BYTES:
        return None, f"it is larger than {load.MAX_FILE_BYTES:,} bytes"
    try:
        checked = pipeline.check_bytes(shown, data)
    except Exception as error:  # noqa: BLE001 - an old file must never break today's build
        return None, f"it could not be checked ({type(error).__name__})"
    errors = [problem for problem in checked.problems
              if problem.severity is Severity.ERROR and problem.code not in _FORMAT_GROWTH]
    if errors:
        return None, f"it fails today's checks ({errors[0].code}: {errors[0].message})"
    entry = checked.entry
    if entry is None or not entry.published and not entry.modified:
        return None, "it has no published or modified date"
    return entry, ""


# -- pages -----------------------------------------------------------------------------------


def _page_path(entry: Entry) -> str:
    return entry.url_path.rstrip("/") + ".md"


def _relative(from_page: str, to_page: str) -> str:
    return posixpath.relpath(to_page, posixpath.dirname(from_page) or ".")


def _day(text: str) -> str:
    try:
        return cite.parse_day(text).strftime("%-d %B %Y")
    except ValueError:
        return text


_LINK = re.compile(r"^(!?)\[(.*)\]\(\s*<?([^\s>)]*)", re.DOTALL)
_ABSOLUTE = re.compile(r"^(?:https?:|mailto:)", re.IGNORECASE)


def _without_local_links(markdown: str) -> str:
    """Old text: relative links and anchors become plain text (they may point nowhere now)."""
    from generator.render.sanitize import segments

    parts: list[str] = []
    for segment in segments(markdown):
        if segment.kind == "link":
            match = _LINK.match(segment.text)
            if match and not _ABSOLUTE.match(match.group(3)):
                parts.append(match.group(2))
                continue
        elif segment.kind == "refdef":
            url = segment.text.split(":", 1)[1].strip().split()[0] if ":" in segment.text else ""
            if not _ABSOLUTE.match(url.strip("<>")):
                continue
        parts.append(segment.text)
    return "".join(parts)


class _RevisionPage:
    """What the macros and the template need from a page: links from it and Markdown."""

    def __init__(self, path: str, entries: Mapping[str, Entry], names: Any, titles: Mapping[str, str]) -> None:
        self.path = path
        self.entries = entries
        self.names = names
        self.titles = titles
        self.linked: set[str] = set()

    def href(self, slug: str) -> str:
        return _relative(self.path, _page_path(self.entries[slug]))

    def to(self, target: str) -> str:
        return _relative(self.path, target)

    def md(self, text: str, *, self_slug: str | None = None, autolink: bool = True) -> Markup:
        from generator.render.autolink import render_markdown

        return Markup(render_markdown(_without_local_links(text), self_slug=self_slug, index=self.names,
                                      titles=self.titles, href_for=self.href, linked=self.linked,
                                      autolink=autolink))

    def entry_link(self, slug: str) -> Markup:
        from generator.render.autolink import link_text

        return Markup("[{}]({})").format(Markup(link_text(self.entries[slug].title)), self.href(slug))


_REVISION_TEMPLATE = """\
{% import "_macros.md.j2" as m %}
# {{ old.title }}

!!! warning "Old revision"
    This is an old revision of {{ page.entry_link(entry.slug) }}: version `{{ rev.version }}`, last modified {{ modified }}{% if rev.commit %}, first published in commit `{{ rev.short_commit }}` on {{ committed }}{% endif %}. It may differ a lot from the current version.

    [Read the current version]({{ current_href }}){{ " · [Newer revision](%s)"|format(newer) if newer else "" }}{{ " · [Older revision](%s)"|format(older) if older else "" }}


<div class="gl-summary" markdown>
{{ summary }}
</div>

{% if old.aliases or old.abbreviations %}
<div class="gl-names" markdown>
{% if old.abbreviations %}**Abbreviations:** {{ old.abbreviations|join(", ") }}{% if old.aliases %} · {% endif %}{% endif %}{% if old.aliases %}**Also called:** {{ old.aliases|join(", ") }}{% endif %}

</div>

{% endif %}
{% for f in old.formulas %}
{% if loop.first %}
## {{ "Formulas" if old.formulas|length > 1 else "Formula" }}

{% endif %}
### {{ f.title }}

{{ m.math_block(f.latex) }}

<table class="gl-vars">
<thead><tr><th>Symbol</th><th>Meaning</th><th>Unit</th><th>Name</th></tr></thead>
<tbody>
<tr class="gl-vars__result"><td>{{ m.math_inline(f.result.symbol) }}</td><td><strong>Result:</strong> {{ f.result.name|replace("_", " ") }}</td><td>{{ f.result.unit }}</td><td><code>{{ f.result.name }}</code></td></tr>
{% for v in f.variables %}
<tr><td>{{ m.math_inline(v.symbol) }}</td><td>{{ v.meaning }}</td><td>{{ v.unit }}</td><td><code>{{ v.name }}</code></td></tr>
{% endfor %}
</tbody>
</table>

{% endfor %}
{% for x in old.examples %}
{% if loop.first %}
## {{ "Worked examples" if old.examples|length > 1 else "Worked example" }} (as stated then)

{% endif %}
<p class="gl-revision-example"><strong>{{ x.title }}</strong>: {% for name, value in x.inputs.items() %}<code>{{ name }}</code> = {{ value|num }}{% if not loop.last %}, {% endif %}{% endfor %} → {% for name, value in x.expect.items() %}<code>{{ name }}</code> = {{ value|num }}{% if not loop.last %}, {% endif %}{% endfor %}</p>

{% endfor %}
{{ body }}

{% if relations %}
## Related entries

<div class="gl-relations" markdown>
{% for label, slugs in relations %}
**{{ label }}:** {% for slug in slugs %}{% if slug in page.entries %}{{ page.entry_link(slug) }}{% else %}{{ slug }}{% endif %}{% if not loop.last %} · {% endif %}{% endfor %}

{% endfor %}
</div>

{% endif %}
{% if sources %}
## Sources

{{ m.sources_list(sources) }}

{% endif %}
## Cite this version

{{ m.cite_box(cite, record) }}

<p class="gl-dates">Published {{ published }} · Last modified {{ modified }} · Version <code>{{ rev.version }}</code> · Permanent address <a href="{{ record.url }}">{{ record.url }}</a></p>
"""

_RELATION_LABELS = {"broader": "Broader", "narrower": "Narrower", "related": "Related",
                    "contrasts": "Contrasts with", "uses": "Uses", "used_by": "Used by"}


def _front_matter(title: str, description: str, head: str) -> str:
    import json

    from generator.render.metadata import escape_text

    return "\n".join([
        "---",
        f"title: {json.dumps(escape_text(title), ensure_ascii=False)}",
        f"description: {json.dumps(escape_text(description), ensure_ascii=False)}",
        f"glossary_head: {json.dumps(head, ensure_ascii=False)}",
        "---",
    ]) + "\n\n"


def revision_pages(
    env: Any,
    *,
    entries: Mapping[str, Entry],
    history: History,
    names: Any,
    titles: Mapping[str, str],
    site_url: str,
    site_name: str,
    day: date,
) -> dict[str, str]:
    """Docs path -> Markdown for every earlier revision of every current entry.

    `env` is the site's Jinja environment (for the shared macros and filters), `names`
    and `titles` the autolink index of today's entries: old text links to today's pages.
    A revision that fails to render is skipped and logged, never fatal.
    """
    from generator.render.metadata import head_html

    template = env.from_string(_REVISION_TEMPLATE)
    pages: dict[str, str] = {}
    for slug in sorted(entries):
        current = entries[slug]
        earlier = history.earlier(current)
        for index, rev in enumerate(earlier):
            path = rev.page_path
            try:
                old = rev.entry
                record = cite.CitationRecord.from_entry(old, site_url=site_url, site_name=site_name).for_version()
                page = _RevisionPage(path, entries, names, titles)
                newer = _relative(path, earlier[index - 1].page_path) if index > 0 else None
                older = _relative(path, earlier[index + 1].page_path) if index + 1 < len(earlier) else None
                relations = [(_RELATION_LABELS.get(kind, kind), list(targets))
                             for kind, targets in old.relations.items() if targets]
                sources = [{"source": s, "number": i, "anchor": f"source-{i}",
                            "url": s.url if s.url.lower().startswith(("https://", "http://")) else None}
                           for i, s in enumerate(old.sources, start=1)]
                text = template.render(
                    page=page, entry=current, old=old, rev=rev, record=record,
                    summary=page.md(old.summary, self_slug=slug, autolink=False),
                    body=page.md(old.body, self_slug=slug),
                    relations=relations, sources=sources,
                    cite=cite.html_views(record, day),
                    current_href=page.href(slug), newer=newer, older=older,
                    modified=_day(old.modified or old.published), published=_day(old.published),
                    committed=_day(rev.committed),
                )
                head = head_html(record=record, site_name=site_name, title=old.title, description=old.summary,
                                 url=record.url, jsonld=None)
                head += '\n<meta name="robots" content="noindex">'
                title = f"{old.title} (old revision {rev.version})"
                pages[path] = _front_matter(title, old.summary, head) + text
            except Exception as error:  # noqa: BLE001 - history must never break the build
                log.info("glossary: skipped old revision %s of %s: %s", rev.fingerprint, slug, error)
    return pages


def current_version_stubs(entries: Mapping[str, Entry], *, site_url: str,
                          records: Mapping[str, cite.CitationRecord] | None = None) -> dict[str, str]:
    """Site path -> HTML: the current version's permanent address forwards to the entry page.

    When the entry changes, a build from git publishes the full old-revision page at the
    same address instead, so the address keeps showing the cited text. `records` (made
    for `site_url`) saves recomputing the pages' citation records.
    """
    known = records or {}
    return dict(version_stub(entry, known.get(slug) or cite.CitationRecord.from_entry(entry, site_url=site_url))
                for slug, entry in sorted(entries.items()))


def version_stub(entry: Entry, record: cite.CitationRecord) -> tuple[str, str]:
    """Site path and HTML of one entry's stub (see `current_version_stubs`)."""
    here = cite.revision_url_path(entry.slug, record.fingerprint)
    target = posixpath.relpath(entry.url_path, here) + "/"
    title = escape(f"{entry.title} (version {record.version})")
    return here + "index.html", (
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<title>{title}</title>\n"
        f"<link rel=\"canonical\" href=\"{escape(record.entry_url)}\">\n"
        "<meta name=\"robots\" content=\"noindex\">\n"
        f"<meta http-equiv=\"refresh\" content=\"0; url={escape(target)}\">\n"
        "</head>\n<body>\n"
        f"<p>Version <code>{escape(record.version)}</code> is the current version of "
        f"<a href=\"{escape(target)}\">{escape(entry.title)}</a>.</p>\n</body>\n</html>\n"
    )


def version_block(entry: Entry, record: cite.CitationRecord, history: History, *, page_path: str,
                  day: date) -> str:
    """Markdown/HTML for the end of an entry page: "Cite this version" and earlier revisions."""
    version = record.for_version()
    box = cite.cite_box_html(cite.html_views(version, day, modifier="version"), version, box_id="cite-version-box")
    url = escape(version.url)
    lines = [
        "",
        '<details class="gl-cite-version">',
        "<summary>Cite this version</summary>",
        "",
        f'<p>This citation points at the permanent address of version <code>{escape(version.version)}</code>, '
        f'which keeps showing this text after the entry changes: <a href="{url}">{url}</a></p>',
        "",
        box,
        "",
        "</details>",
        "",
    ]
    earlier = history.earlier(entry, record.fingerprint)
    if not history.available:
        reason = escape(history.public_reason or "git history was not read")
        lines.append(f'<p class="gl-revisions">Earlier versions: not published by this build ({reason}).</p>')
    elif earlier:
        links = " · ".join(f"[{_day(r.entry.modified or r.entry.published)} (`{r.fingerprint}`)]"
                           f"({_relative(page_path, r.page_path)})" for r in earlier)
        lines.append(f'<div class="gl-revisions" markdown>\n**Earlier versions:** {links}\n\n</div>')
    else:
        lines.append('<p class="gl-revisions">Earlier versions: none.</p>')
    return "\n".join(str(line) for line in lines) + "\n"
