"""load -> check -> link, as one call used by the CLI, the MkDocs hooks and benchmarks.

Parsing dominates the cost of validation, so parsed documents are cached by the
content hash of each file: an unchanged file is never parsed twice, and a changed one
can never be served stale because its hash changes with it.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from generator import check, graph, load, model, sealed
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
        if path.suffix == ".yaml" and not _printable(path.name):
            # undecodable bytes or control characters in a name would break every report line
            problems.append(Problem(_shown(path), Mark(1, 1), "BAD_SLUG",
                                    "the file name has bytes that are not UTF-8 text, or control characters",
                                    "rename the file to its slug: lower-case letters, digits and hyphens"))
        elif path.suffix == ".yaml":
            files.append(path)
        elif path.suffix == ".yml":
            problems.append(Problem(str(path), Mark(1, 1), "BAD_SLUG", "entry files end in .yaml, not .yml",
                                    f"rename it to {path.stem}.yaml"))
    return files, problems


def load_glossary(terms_dir: Path, *, use_cache: bool = True) -> Glossary:
    return load_all(terms_dir, use_cache=use_cache).glossary


def _printable(name: str) -> bool:
    return not any(0xDC80 <= ord(ch) <= 0xDCFF or ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 for ch in name)


def _shown(path: Path) -> str:
    """A path safe to print: undecodable bytes and control characters escaped."""
    text = os.fsencode(path).decode("utf-8", "backslashreplace")
    return "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text)


def load_all(terms_dir: Path, *, use_cache: bool = True) -> Loaded:
    files, problems = entry_files(terms_dir)
    root = terms_dir.resolve()
    contents = [(str(path), data) for path in files if (data := _read(path, root, problems)) is not None]
    documents, load_problems = _parse_all(contents, terms_dir, use_cache)
    problems.extend(load_problems)
    paths = [str(path) for path in files]
    latex_cache = _cache_path(terms_dir).with_suffix(".latex.json") if use_cache else None
    entries, found = check.check_glossary(paths, documents, latex_cache=latex_cache)
    problems.extend(found)
    link_graph = graph.build_graph(entries)
    docs = {check.slug_of(doc.path): doc for doc in documents}
    problems.extend(check.orphan_warnings(link_graph.orphans, entries, docs))
    problems.sort(key=lambda p: (p.path, p.mark.line, p.mark.column, p.severity is Severity.WARNING, p.code))
    return Loaded(Glossary(entries, tuple(problems)), link_graph, docs)


def _read(path: Path, root: Path, problems: list[Problem]) -> bytes | None:
    """The file's bytes, read at most one byte past the size limit; problems instead of errors."""
    shown = str(path)
    if path.is_symlink() and not path.resolve().is_relative_to(root):
        problems.append(Problem(shown, Mark(1, 1), "FILE_UNREADABLE",
                                "the file is a link to a file outside the terms folder; it is not read",
                                "put the entry itself in the terms folder instead of a link to it"))
        return None
    try:
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            data = handle.read(load.MAX_FILE_BYTES + 1) if size <= load.MAX_FILE_BYTES else b""
    except OSError as error:
        problems.append(Problem(shown, Mark(1, 1), "FILE_UNREADABLE",
                                f"cannot read the file: {error.strerror or error}",
                                "check the file exists and is readable"))
        return None
    if size > load.MAX_FILE_BYTES or len(data) > load.MAX_FILE_BYTES:
        problems.append(load._too_large(shown, max(size, len(data))))
        return None
    return data


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
        try:
            results[i] = _thaw(hit) if hit is not None else None
        except (TypeError, ValueError, AttributeError):
            results[i] = None  # a cache entry of the wrong shape is a miss
        if results[i] is None:
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


_MAGIC = b"glossary-parse-cache\n"


def _fingerprint() -> bytes:
    """Cached results hold for one Python, one marshal format and one version of the loader."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{_CACHE_FORMAT}/{sys.version_info[:2]}/{marshal.version}".encode())
    for module in (load, model):
        try:
            digest.update(Path(module.__file__ or "").read_bytes())
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
_PACKAGE = Path(__file__).resolve().parent


def _verdict_key(terms_dir: Path) -> bytes | None:
    from generator import latex

    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{_CACHE_FORMAT}/{sys.version_info[:2]}/{terms_dir}/{latex.node_binary()}".encode())
    try:
        for source in sorted(_PACKAGE.rglob("*.py")):
            digest.update(source.read_bytes())
        if latex.KATEX_JS.is_file():
            digest.update(latex.KATEX_JS.read_bytes())
        for path in sorted(terms_dir.iterdir(), key=lambda p: p.name):
            digest.update(os.fsencode(path.name) + b"\0")
            if path.is_symlink():
                digest.update(os.fsencode(os.readlink(path)) + b"\0")
            if not path.is_file():
                continue
            stat = path.stat()
            if stat.st_size > load.MAX_FILE_BYTES:  # refused unread: its size is all that counts
                digest.update(f"{stat.st_size}".encode())
                continue
            digest.update(hashlib.blake2b(path.read_bytes(), digest_size=16).digest())
    except OSError:
        return None
    return digest.digest()


def validate(terms_dir: Path, *, use_cache: bool = True) -> tuple[int, tuple[Problem, ...]]:
    """How many entries were checked and every problem found; unchanged input is answered from cache."""
    if not use_cache:
        glossary = load_glossary(terms_dir, use_cache=False)
        return len(glossary.entries), glossary.problems
    key = _verdict_key(terms_dir)
    verdict_file = _cache_path(terms_dir).with_suffix(".verdict")
    if key is not None:
        stored = sealed.read(verdict_file, _VERDICT_MAGIC, key)
        if isinstance(stored, tuple) and len(stored) == 2 and isinstance(stored[0], int):
            return stored[0], tuple(_thaw((None, stored[1]))[1])
    glossary = load_glossary(terms_dir)
    if key is not None and _verdict_key(terms_dir) == key:  # nothing changed while we checked
        sealed.write(verdict_file, _VERDICT_MAGIC, key, (len(glossary.entries), _freeze(None, glossary.problems)[1]))
    return len(glossary.entries), glossary.problems
