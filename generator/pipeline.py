"""load -> check -> link, as one call used by the CLI, the MkDocs plugin and benchmarks.

Checking runs in two stages. The per-file stage (parse, then every rule that needs only
that file) is most of the work, so it runs in worker processes, one file at a time, and
its result is small: the entry and its problems, without the node positions. Results are
cached by the content hash of each file: an unchanged file is never checked twice, and a
changed one can never be answered stale because its hash changes with it. The
cross-entry stage (slugs, names, links, KaTeX) then runs once over all entries; when it
must point at a line, it parses that one file again.
"""

from __future__ import annotations

import dataclasses
import hashlib
import marshal
import multiprocessing
import os
import sys
from collections.abc import Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from generator import signed_cache as sealed
from generator.check import cross_entry, fields
from generator.check.fields import check_bytes, unreadable
from generator.link import graph
from generator.link.graph import Graph
from generator.load import document as load
from generator.load.files import entry_files, read_entry_file
from generator.model import Document, Glossary, Problem, Severity
from generator.workers import CPU_WORKERS, can_fork

if TYPE_CHECKING:
    from generator.calc.worked_examples import ExampleResult

CACHE_DIR_NAME = ".glossary-cache"
_CACHE_FORMAT = 2
_PARALLEL_THRESHOLD = 400  # below this, starting worker processes costs more than it saves
_CHUNK = 64  # files per task sent to a worker


@dataclass(frozen=True)
class Loaded:
    """The glossary, plus the link graph later stages need (built on first use: validation
    needs only the orphans, which are found without it)."""

    glossary: Glossary
    links: graph.Links  # slug -> body link targets, found by the per-file stage
    # slug -> its worked examples as the checker computed them, in order: the one run of
    # each example, which the pages and charts are made from (empty with `problems_only`)
    examples: Mapping[str, tuple[ExampleResult, ...]]

    @cached_property
    def graph(self) -> graph.Graph:
        return graph.build_graph(self.glossary.entries, self.links)

    def use_graph(self, known: Graph) -> None:
        """Take `known` as the link graph instead of building it (a graph the caller knows
        to be this glossary's: `graph.Graph.with_entries`)."""
        self.__dict__["graph"] = known


def load_glossary(terms_dir: Path, *, use_cache: bool = True) -> Glossary:
    return load_all(terms_dir, use_cache=use_cache).glossary


def load_all(
    terms_dir: Path, *, use_cache: bool = True, problems_only: bool = False, save_cache: bool = True
) -> Loaded:
    """The checked glossary. With `problems_only` (and no cache), each entry keeps only what
    the cross-entry rules read: texts, formulas, examples, FAQ and sources are left behind
    in the workers. For callers that want the problems and nothing else (`validate`). With
    `save_cache` false the result cache is used and kept in this process but not written
    (a caller that has the file written by another, as `glossary serve` does)."""
    files, problems = entry_files(terms_dir)
    root = terms_dir.resolve()
    held: dict[str, bytes] = {}  # file bytes as checked, so a problem found later points into them
    checked = _check_files(
        files,
        root,
        _cache_path(terms_dir) if use_cache else None,
        held,
        outline=problems_only and not use_cache,
        save=save_cache,
    )
    paths = [str(path) for path in files]

    @cache
    def locate(shown: str) -> Document:
        data = held.get(shown)
        if data is None:
            data = read_entry_file(Path(shown), root, []) or b""
        doc, _ = load.load_bytes(data, shown)
        return doc if doc is not None else Document(shown, {}, {}, {}, {}, "")

    latex_cache = _cache_path(terms_dir).with_suffix(".latex") if use_cache else None
    entries, found = cross_entry.check_across(paths, checked, locate, latex_cache=latex_cache)
    problems.extend(found)
    links = {result.entry.slug: result.links for result in checked if result.entry is not None}
    examples = {
        result.entry.slug: result.examples
        for result in checked
        if result.entry is not None and result.entry.slug in entries and entries[result.entry.slug].path == result.path
    }
    orphans = graph.find_orphans(entries, links)
    docs = {slug: locate(entries[slug].path) for slug in orphans}
    problems.extend(cross_entry.orphan_warnings(orphans, entries, docs))
    problems.sort(key=lambda p: (p.path, p.mark.line, p.mark.column, p.severity is Severity.WARNING, p.code))
    return Loaded(Glossary(entries, tuple(problems)), links, examples)


def _check_path(path: Path, root: Path) -> fields.FileCheck:
    problems: list[Problem] = []
    data = read_entry_file(path, root, problems)
    return unreadable(str(path), problems) if data is None else check_bytes(str(path), data)


def _work(task: tuple[list[tuple[str, bytes | None]], Path, bool]) -> list[tuple]:
    """A worker's share: files given by bytes (already read) or by path (read here)."""
    from generator.check.codec import to_plain

    items, root, outline = task
    results = (
        check_bytes(shown, data) if data is not None else _check_path(Path(shown), root) for shown, data in items
    )
    return [to_plain(_outline(result) if outline else result) for result in results]


def _outline(result: fields.FileCheck) -> fields.FileCheck:
    """The result with only what the cross-entry rules read of its entry (the body only
    when its links must be scanned again; a link to a missing entry is found in the file)."""
    entry = result.entry
    if entry is None:
        return result
    return dataclasses.replace(
        result,
        entry=dataclasses.replace(
            entry, summary="", body=entry.body if result.odd_links else "", formulas=(), examples=(), faq=(), sources=()
        ),
        examples=(),
    )


def _check_files(
    files: list[Path],
    root: Path,
    cache_file: Path | None,
    held: dict[str, bytes],
    *,
    outline: bool = False,
    save: bool = True,
) -> list[fields.FileCheck]:
    """The per-file stage for every file: from the cache, or computed (in parallel when many)."""
    from generator.check.codec import from_plain, to_plain

    todo: list[tuple[str, bytes | None]] = []
    results: dict[str, fields.FileCheck] = {}
    keys: dict[str, tuple[str, bytes]] = {}  # file -> its cache key (file, content hash)
    # This process's last results for this cache stand in for the cache file: no need to
    # read it again, and the plain data it holds (as much again as the entries) is not kept.
    memo = _LAST_RUN[1] if cache_file is not None and _LAST_RUN and _LAST_RUN[0] == cache_file else {}
    cached = _read_cache(cache_file) if cache_file is not None and not memo else {}
    store: dict[tuple[str, bytes], tuple] = {}  # what the cache file gets: key -> plain result
    for path in files:
        shown = str(path)
        if cache_file is None:
            todo.append((shown, None))  # no cache: the workers read the files themselves
            continue
        problems: list[Problem] = []
        data = read_entry_file(path, root, problems)
        if data is None:
            results[shown] = unreadable(shown, problems)
            continue
        held[shown] = data
        key = keys[shown] = (shown, hashlib.blake2b(data, digest_size=16).digest())
        known = memo.get(key)
        if known is not None:
            results[shown] = known
            continue
        hit = cached.get(key)
        if hit is not None:
            try:
                results[shown] = from_plain(hit)
                store[key] = hit
                continue
            except (TypeError, ValueError, AttributeError):
                pass  # a cache entry of the wrong shape is a miss
        todo.append((shown, data))
    changed = False
    for plain in _run(todo, root, outline):
        result = from_plain(plain)
        results[result.path] = result
        if result.path in keys:
            store[keys[result.path]] = plain
            changed = True
    if save and cache_file is not None and (changed or len(keys) != len(memo or cached)):  # new, or files gone
        for shown, key in keys.items():
            if key not in store:  # known from the last run: its plain form again
                store[key] = to_plain(results[shown])
        _write_cache(cache_file, store)
    del store, cached
    _LAST_RUN[:] = [cache_file, {key: results[shown] for shown, key in keys.items()}] if cache_file is not None else []
    return [results[str(path)] for path in files]


# This process's last results, by cache key (file and content hash), for one cache file:
# `glossary serve` checks the same folder after every edit, and an unchanged file then gives
# the very same entry object (the serve patch compares entries; the same object at once).
_LAST_RUN: list = []  # [cache file, {key: FileCheck}]


def _run(todo: list[tuple[str, bytes | None]], root: Path, outline: bool) -> Iterator[tuple]:
    """`_work` over all of `todo`, in worker processes when there are enough files to pay for them."""
    chunks = [(todo[i : i + _CHUNK], root, outline) for i in range(0, len(todo), _CHUNK)]
    if len(todo) < _PARALLEL_THRESHOLD or CPU_WORKERS < 2:
        for chunk in chunks:
            yield from _work(chunk)
        return
    # forked workers start at once (no imports); elsewhere the platform's default start method
    context = multiprocessing.get_context("fork" if can_fork() else None)
    with ProcessPoolExecutor(max_workers=CPU_WORKERS, mp_context=context) as pool:
        for done in pool.map(_work, chunks):
            yield from done


# -- the result cache ---------------------------------------------------------------------
# marshal, not pickle: it can only rebuild plain data, so a tampered cache file cannot run code.


def _cache_path(terms_dir: Path) -> Path:
    resolved = str(terms_dir.resolve())
    digest = hashlib.blake2b(resolved.encode(), digest_size=8).hexdigest()
    return terms_dir.resolve().parent / CACHE_DIR_NAME / f"checked-{digest}.marshal"


_MAGIC = b"glossary-check-cache\n"
_PACKAGE = Path(__file__).resolve().parent


@lru_cache(maxsize=1)
def _fingerprint() -> bytes:
    """Cached results hold for one Python, one marshal format and one version of the checker
    (the code this process runs: it is read once, however often the caches are used)."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{_CACHE_FORMAT}/{sys.version_info[:2]}/{marshal.version}".encode())
    try:
        for source in sorted(_PACKAGE.rglob("*.py")):
            digest.update(source.read_bytes())
    except OSError:
        pass
    return digest.digest()


def _read_cache(cache_file: Path) -> dict:
    """The cache, or {} if it is missing, stale or damaged."""
    loaded = sealed.read(cache_file, _MAGIC, _fingerprint())
    if not isinstance(loaded, tuple) or len(loaded) != 2 or loaded[0] != _CACHE_FORMAT:
        return {}
    return loaded[1] if isinstance(loaded[1], dict) else {}


def _write_cache(cache_file: Path, entries: dict) -> None:
    sealed.write(cache_file, _MAGIC, _fingerprint(), (_CACHE_FORMAT, entries))


# -- the verdict cache -----------------------------------------------------------------------
# `glossary validate` needs only the problems. When no input changed since the last run,
# they are read back whole: the key covers every file in the terms folder (by content),
# the folder as named, the checker's own source code and whether Node.js is there to
# check LaTeX, so a stored verdict can never answer for different input.

_VERDICT_MAGIC = b"glossary-verdict-cache\n"


def _verdict_key(terms_dir: Path) -> bytes | None:
    """Everything a verdict depends on: each name in the folder with its type, each entry
    file as the checker reads it (`_read`: a link out of the folder or a FIFO is not read
    here either, its refusal counts instead), the checker's code, KaTeX and Node.js."""
    from generator.check import katex

    digest = hashlib.blake2b(digest_size=16)
    digest.update(_fingerprint())  # this Python, marshal format and checker code
    digest.update(f"{terms_dir}/{katex.node_binary()}".encode())
    root = terms_dir.resolve()
    try:
        if katex.KATEX_JS.is_file():
            digest.update(katex.KATEX_JS.read_bytes())
        with os.scandir(terms_dir) as found:
            items = sorted(found, key=lambda item: item.name)
        for item in items:
            digest.update(os.fsencode(item.name) + b"\0")
            if item.is_symlink():
                digest.update(os.fsencode(os.readlink(item.path)) + b"\0")
            elif not item.is_file(follow_symlinks=False):
                digest.update(b"not a file\0")
                continue
            if not item.name.endswith(".yaml"):
                continue  # only the name of any other file counts
            problems: list[Problem] = []
            data = read_entry_file(Path(item.path), root, problems)
            digest.update(
                hashlib.blake2b(data, digest_size=16).digest()
                if data is not None
                else repr([p.as_row() for p in problems]).encode()
            )
    except OSError:
        return None
    return digest.digest()


def validate(terms_dir: Path, *, use_cache: bool = True) -> tuple[int, tuple[Problem, ...]]:
    """How many entries were checked and every problem found; unchanged input is answered from cache."""
    if not use_cache:
        glossary = load_all(terms_dir, use_cache=False, problems_only=True).glossary
        return len(glossary.entries), glossary.problems
    key = _verdict_key(terms_dir)
    verdict_file = _cache_path(terms_dir).with_suffix(".verdict")
    if key is not None:
        stored = sealed.read(verdict_file, _VERDICT_MAGIC, key)
        if isinstance(stored, tuple) and len(stored) == 2 and isinstance(stored[0], int):
            return stored[0], tuple(Problem.from_row(row) for row in stored[1])
    glossary = load_glossary(terms_dir)
    if key is not None and _verdict_key(terms_dir) == key:  # nothing changed while we checked
        sealed.write(
            verdict_file, _VERDICT_MAGIC, key, (len(glossary.entries), [p.as_row() for p in glossary.problems])
        )
    return len(glossary.entries), glossary.problems
