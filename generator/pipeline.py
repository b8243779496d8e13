"""load -> check -> link, as one call used by the CLI, the MkDocs hooks and benchmarks.

Parsing dominates the cost of validation, so parsed documents are cached by the
content hash of each file: an unchanged file is never parsed twice, and a changed one
can never be served stale because its hash changes with it.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import tempfile
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from generator import check, graph, load
from generator.model import Document, Glossary, Mark, Problem, Severity

CACHE_DIR_NAME = ".glossary-cache"
_CACHE_FORMAT = 1
_PARALLEL_THRESHOLD = 400  # below this, starting worker processes costs more than it saves


@dataclass(frozen=True)
class Loaded:
    """The glossary plus what later stages need without re-reading YAML."""

    glossary: Glossary
    graph: graph.Graph
    documents: dict[str, Document]


def entry_files(terms_dir: Path) -> tuple[list[Path], list[Problem]]:
    """Entry files in a stable order; stray `.yml` files are reported, other files ignored."""
    files: list[Path] = []
    problems: list[Problem] = []
    for path in sorted(terms_dir.iterdir(), key=lambda p: p.name):
        if path.name.startswith(".") or not path.is_file():
            continue
        if path.suffix == ".yaml":
            files.append(path)
        elif path.suffix == ".yml":
            problems.append(Problem(str(path), Mark(1, 1), "BAD_SLUG", "entry files end in .yaml, not .yml",
                                    f"rename it to {path.stem}.yaml"))
    return files, problems


def load_glossary(terms_dir: Path, *, use_cache: bool = True) -> Glossary:
    return load_all(terms_dir, use_cache=use_cache).glossary


def load_all(terms_dir: Path, *, use_cache: bool = True) -> Loaded:
    files, problems = entry_files(terms_dir)
    contents = [(str(path), path.read_bytes()) for path in files if _size_ok(path, problems)]
    documents, load_problems = _parse_all(contents, terms_dir, use_cache)
    problems.extend(load_problems)
    paths = [str(path) for path in files]
    entries, found = check.check_glossary(paths, documents)
    problems.extend(found)
    link_graph = graph.build_graph(entries)
    docs = {check.slug_of(doc.path): doc for doc in documents}
    problems.extend(check.orphan_warnings(link_graph.orphans, entries, docs))
    problems.sort(key=lambda p: (p.path, p.mark.line, p.mark.column, p.severity is Severity.WARNING, p.code))
    return Loaded(Glossary(entries, tuple(problems)), link_graph, docs)


def _size_ok(path: Path, problems: list[Problem]) -> bool:
    size = path.stat().st_size
    if size > load.MAX_FILE_BYTES:
        problems.append(load._too_large(str(path), size))
        return False
    return True


def _parse_one(item: tuple[str, bytes]) -> tuple[Document | None, list[Problem]]:
    shown, data = item
    return load.load_bytes(data, shown)


def _parse_all(contents: list[tuple[str, bytes]], terms_dir: Path,
               use_cache: bool) -> tuple[list[Document], list[Problem]]:
    cache_file = _cache_path(terms_dir)
    cached = _read_cache(cache_file) if use_cache else {}
    keys = [hashlib.blake2b(data, digest_size=16).digest() for _, data in contents]
    results: list[tuple[Document | None, list[Problem]] | None] = [None] * len(contents)
    missing: list[int] = []
    for i, ((shown, _), key) in enumerate(zip(contents, keys)):
        hit = cached.get((shown, key))
        if hit is not None:
            results[i] = _thaw(hit)
        else:
            missing.append(i)
    todo = [contents[i] for i in missing]
    if len(todo) >= _PARALLEL_THRESHOLD and (os.cpu_count() or 1) > 1:
        with ProcessPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
            parsed = list(pool.map(_parse_one, todo, chunksize=64))
    else:
        parsed = [_parse_one(item) for item in todo]
    for i, result in zip(missing, parsed):
        results[i] = result
    if use_cache and missing:
        fresh = {(contents[i][0], keys[i]): _freeze(*results[i]) for i in range(len(contents))}  # type: ignore[misc]
        _write_cache(cache_file, fresh)
    documents = [doc for doc, _ in results if doc is not None]  # type: ignore[misc]
    problems = [p for _, found in results for p in found]  # type: ignore[misc]
    return documents, problems


# -- the parse cache ----------------------------------------------------------------------
# marshal, not pickle: it can only rebuild plain data, so a tampered cache file cannot run code.

def _cache_path(terms_dir: Path) -> Path:
    resolved = str(terms_dir.resolve())
    digest = hashlib.blake2b(resolved.encode(), digest_size=8).hexdigest()
    return terms_dir.resolve().parent / CACHE_DIR_NAME / f"parse-{digest}.marshal"


def _freeze(doc: Document | None, problems: Iterable[Problem]) -> tuple:
    frozen_doc = None
    if doc is not None:
        frozen_doc = (
            doc.path, doc.data,
            {k: (m.line, m.column) for k, m in doc.marks.items()},
            {k: (m.line, m.column) for k, m in doc.key_marks.items()},
            doc.raw, doc.text,
        )
    frozen_problems = [(p.path, p.mark.line, p.mark.column, p.code, p.message, p.hint, p.severity.value)
                       for p in problems]
    return frozen_doc, frozen_problems


def _thaw(frozen: tuple) -> tuple[Document | None, list[Problem]]:
    frozen_doc, frozen_problems = frozen
    doc = None
    if frozen_doc is not None:
        path, data, marks, key_marks, raw, text = frozen_doc
        doc = Document(path, data, {k: Mark(*v) for k, v in marks.items()},
                       {k: Mark(*v) for k, v in key_marks.items()}, raw, text)
    problems = [Problem(path, Mark(line, col), code, message, hint, Severity(severity))
                for path, line, col, code, message, hint, severity in frozen_problems]
    return doc, problems


def _read_cache(cache_file: Path) -> dict:
    try:
        with cache_file.open("rb") as handle:
            payload = marshal.load(handle)
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    if not isinstance(payload, tuple) or len(payload) != 2 or payload[0] != _CACHE_FORMAT:
        return {}
    return payload[1] if isinstance(payload[1], dict) else {}


def _write_cache(cache_file: Path, entries: dict) -> None:
    """Atomic: write a temporary file and rename it, so readers never see half a cache."""
    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=cache_file.parent, prefix=".parse-", suffix=".tmp")
        with os.fdopen(handle, "wb") as out:
            marshal.dump((_CACHE_FORMAT, entries), out)
        os.replace(temp, cache_file)
    except OSError:
        pass  # a read-only checkout still validates, just without the speed-up
