"""Earlier versions of entries, from git, published at permanent addresses.

When the terms folder sits in a git checkout, every distinct earlier content of an
entry file becomes a *revision*: parsed with today's loader and reader, identified by
its content fingerprint (see `generator.cite.record`), and published at
`rev/<slug>/<fingerprint>/` as an old-revision page that links to the current entry -
the way Wikipedia keeps `oldid` links. Outside a checkout (or without git) the build
still works; `History.available` is False and `History.reason` says why.

Bounded and fast: one `git log` over the whole folder (first-parent history, so merges
count once; each commit's subject line is kept as the change summary of the content it
introduced), then one `git cat-file --batch` for the blobs, at most
`MAX_REVISIONS_PER_ENTRY` distinct blobs per entry, newest first. History never fails
a build: a blob that does not load or read as an entry any more is skipped.

This module only collects; the pages are built by `generator.render.revisions`, from
the `History` made here.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from generator.cite import record as cite
from generator.model import Entry, Severity
from generator.safe_text import without_control, without_invisible

MAX_REVISIONS_PER_ENTRY = 50
MAX_MESSAGE_CHARS = 300  # a change summary longer than this is cut, with an ellipsis
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
    message: str = ""  # that commit's subject line (plain text, one line): the change summary

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
        cwd=cwd,
        input=stdin,
        capture_output=True,
        env=env,
        timeout=GIT_TIMEOUT_SECONDS,
        check=False,
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
    message: str = ""


def clean_message(subject: str) -> str:
    """A commit subject as a change summary: one line of plain text, no control or
    invisible characters, at most `MAX_MESSAGE_CHARS` characters."""
    text = " ".join(without_invisible(without_control(subject.replace("\t", " "))).split())
    if len(text) > MAX_MESSAGE_CHARS:
        text = text[: MAX_MESSAGE_CHARS - 1].rstrip() + "\u2026"
    return text


def _log(terms_dir: Path) -> list[_Change]:
    """Every change to a top-level `*.yaml` in the folder, newest first (first-parent history)."""
    result = _git(
        [
            "log",
            "--first-parent",
            "-m",
            "--raw",
            "--no-renames",
            "--no-abbrev",
            "-z",
            "--relative",
            "--format=%x1e%H%x00%cI%x00%s",
            "--",
            ".",
        ],
        terms_dir,
    )
    if result.returncode != 0:
        raise _NoHistory(_first_line(result.stderr))
    # NUL-separated tokens, read in order: "\x1e<hash>", date, subject, then (":<meta>", path)
    # pairs. Read by position, so a subject or path holding "\x1e" or ":" cannot confuse it.
    tokens = result.stdout.decode("utf-8", "replace").split("\0")
    changes: list[_Change] = []
    commit = committed = message = ""
    i = 0
    while i < len(tokens):
        token = tokens[i].lstrip("\n")
        if token.startswith("\x1e") and i + 2 < len(tokens):
            commit, committed, message = token[1:].strip(), tokens[i + 1].strip(), clean_message(tokens[i + 2])
            i += 3
            continue
        if not token.startswith(":") or i + 1 >= len(tokens):
            i += 1
            continue
        meta, path = token, tokens[i + 1]
        i += 2
        parts = meta.lstrip(":").split()
        if not commit or len(parts) < 5 or "/" in path or not path.endswith(".yaml"):
            continue
        blob, status = parts[3], parts[4]
        if status.startswith("D") or blob == _NULL_BLOB:
            continue
        changes.append(_Change(commit, committed, path[: -len(".yaml")], blob, message))
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
        found[header[0]] = out[pos : pos + size]
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
            by_print[print_] = Revision(slug, print_, version, change.commit, change.committed, entry, change.message)
        if order:
            revisions[slug] = tuple(by_print[p] for p in order)
    return History(True, "", revisions, skipped=tuple(skipped))


def _read_blob(data: bytes | None, shown: str) -> tuple[Entry | None, str]:
    """An old file as an entry, held to today's rules: the same loader and per-file checks
    as a current entry (limits on size, nesting and markup included, so no old text can
    make the build slow or fail). (None, why) when it does not pass."""
    if data is None:
        return None, "its content could not be read from git"
    from generator.check.fields import check_bytes
    from generator.load import document as load

    if len(data) > load.MAX_FILE_BYTES:
        return None, f"it is larger than {load.MAX_FILE_BYTES:,} bytes"
    try:
        checked = check_bytes(shown, data)
    except Exception as error:  # noqa: BLE001 - an old file must never break today's build
        return None, f"it could not be checked ({type(error).__name__})"
    errors = [
        problem
        for problem in checked.problems
        if problem.severity is Severity.ERROR and problem.code not in _FORMAT_GROWTH
    ]
    if errors:
        return None, f"it fails today's checks ({errors[0].code}: {errors[0].message})"
    entry = checked.entry
    if entry is None or (not entry.published and not entry.modified):
        return None, "it has no published or modified date"
    return entry, ""
