"""The on-disk search index cache: fast when warm, never stale.

A warm `glossary search` must answer in well under 150 ms on 10,000 entries, so it must
not parse YAML. The built index is stored with marshal (plain data only: loading cannot
run code) in `.glossary-cache/` beside the terms folder, or in the user cache folder when
that is not writable.

Freshness is decided from `stat` alone, which is cheap:
- the cache is keyed by a fingerprint of (name, size, mtime_ns, ctime_ns, inode) of every
  file in the terms folder and of every source file of the `generator` package, and is
  used only if none of them changed. ctime cannot be set back by tools that restore
  mtimes, and any added, removed or renamed file changes the fingerprint;
- a file changed twice within one timestamp tick could keep its size and times (the
  "racy" case git also guards against), so files whose times are within `RACY_NS` of the
  moment the index was built also carry a content hash, checked on load.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
import time
from array import array
from collections.abc import Callable
from pathlib import Path

from generator import signed_cache as sealed
from generator.search.index import SearchIndex

CACHE_DIR_NAME = ".glossary-cache"  # shared with generator/pipeline.py's parse cache
_FORMAT = 6
RACY_NS = 3_000_000_000  # covers coarse (FAT: 2 s) timestamps as well as ns ones
_PACKAGE_DIR = Path(__file__).resolve().parent.parent

Stat = tuple[str, int, int, int, int]


def _stats(folder: str, prefix: str = "", suffix: str = "") -> list[Stat]:
    """(name, size, mtime_ns, ctime_ns, inode) of each non-hidden name in `folder`.

    Links are not followed: one may loop or lead out of the folder (and is then not read
    as an entry at all); one to a file inside the folder has that file's own stats beside it.

    `os.stat(name, dir_fd=...)` on bare names is the cheapest way to stat 10,000 files
    from Python (about a third faster than DirEntry.stat with full paths).
    """
    fd = os.open(folder, os.O_RDONLY)
    try:
        names = sorted(n for n in os.listdir(fd) if not n.startswith(".") and n.endswith(suffix))
        stat = os.stat
        return [
            (prefix + name, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
            for name in names
            for st in (stat(name, dir_fd=fd, follow_symlinks=False),)
        ]
    finally:
        os.close(fd)


def _package_stats() -> list[Stat]:
    """The generator's own source: a code change may change what the index holds."""
    found: list[Stat] = []
    for folder, dirs, _ in os.walk(_PACKAGE_DIR):
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "__")))
        relative = os.path.relpath(folder, _PACKAGE_DIR).replace(os.sep, "/")
        prefix = "generator/" if relative == "." else f"generator/{relative}/"
        found.extend(_stats(folder, prefix=prefix, suffix=".py"))
    return found


def _page_stats() -> list[Stat]:
    """The site pages the index reads (sections.page_sources): their text is searched too."""
    from generator.search.sections import PROJECT, page_sources

    found: list[Stat] = []
    for path in page_sources():
        try:
            st = os.stat(path, follow_symlinks=False)
        except OSError:
            continue
        found.append((path.relative_to(PROJECT).as_posix(), st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino))
    return found


def snapshot(terms_dir: Path) -> list[Stat]:
    """What the index depends on: every terms file, every generator source file and page."""
    return _stats(str(terms_dir)) + _package_stats() + _page_stats()


def fingerprint(stats: list[Stat]) -> bytes:
    """A digest of a snapshot: what the cache is keyed by (cheaper to store and compare)."""
    numbers = array("q", [n for _, *values in stats for n in values])
    digest = hashlib.blake2b(numbers.tobytes(), digest_size=20)
    digest.update("\0".join(name for name, *_ in stats).encode("utf-8", "surrogateescape"))
    return digest.digest()


def _hash_file(path: str) -> bytes:
    """The content hash of a source or terms file; a link, FIFO or device is not read
    (safe_paths.Refused, an OSError here: such a name is never cached as racy-but-current)."""
    from generator.safe_paths import Refused, open_regular

    try:
        with open_regular(path) as handle:
            return hashlib.blake2b(handle.read(), digest_size=16).digest()
    except Refused as refusal:
        raise OSError(refusal.message) from None


def _source(terms_dir: Path, name: str) -> str:
    """The file a snapshot name stands for."""
    if name.startswith(("generator/", "site_src/", "templates/")):
        return str(_PACKAGE_DIR.parent / name)
    return str(terms_dir / name)


def cache_file(terms_dir: Path) -> Path:
    """`.glossary-cache/search-<digest>.marshal` beside the terms folder, else user cache."""
    resolved = terms_dir.resolve()
    digest = hashlib.blake2b(str(resolved).encode(), digest_size=8).hexdigest()
    name = f"search-{digest}.marshal"
    local = resolved.parent / CACHE_DIR_NAME
    if os.access(local if local.exists() else resolved.parent, os.W_OK):
        return local / name
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "leverage-glossary" / name


_MAGIC = b"glossary-search-cache\n"


def _header() -> bytes:
    """What must match for a stored index to be readable: this format and this Python."""
    return hashlib.blake2b(f"{_FORMAT}/{sys.version_info[:2]}/{marshal.version}".encode(), digest_size=16).digest()


def load(path: Path, terms_dir: Path) -> SearchIndex | None:
    """The cached index if it is provably current, else None."""
    payload = sealed.read(path, _MAGIC, _header())
    if not isinstance(payload, tuple) or len(payload) != 4:
        return None
    stored, racy, built_ns, data = payload
    if stored != fingerprint(snapshot(terms_dir)):
        return None
    try:
        for name, digest in racy.items():
            if _hash_file(_source(terms_dir, name)) != digest:
                return None
        index = SearchIndex.from_data(data)
    except (OSError, TypeError, ValueError):
        return None
    if racy and time.time_ns() > built_ns + RACY_NS:
        # Verified after the racy window: any later edit now changes ctime, so the
        # hashes are no longer needed and later loads skip reading the files.
        _write(path, (stored, {}, built_ns, data))
    return index


def _write(path: Path, payload: tuple) -> None:
    sealed.write(path, _MAGIC, _header(), payload)


def store(path: Path, terms_dir: Path, build: Callable[[], SearchIndex]) -> SearchIndex:
    """Build the index and store it, unless a file changed while it was being built.

    Files touched within `RACY_NS` of now are hashed before and after the build: equal
    hashes and equal stats mean the build read exactly the bytes the hashes describe.
    """
    built_ns = time.time_ns()
    before = snapshot(terms_dir)
    racy_names = [n for n, _, mtime, ctime, _ in before if max(mtime, ctime) >= built_ns - RACY_NS]
    try:
        racy = {n: _hash_file(_source(terms_dir, n)) for n in racy_names}
    except OSError:
        return build()
    index = build()
    try:
        if snapshot(terms_dir) != before or any(_hash_file(_source(terms_dir, n)) != racy[n] for n in racy_names):
            return index  # the folder moved under us: serve this answer, cache nothing
    except OSError:
        return index
    _write(path, (fingerprint(before), racy, built_ns, index.to_data()))
    return index


def load_or_build(terms_dir: Path, build: Callable[[], SearchIndex], *, use_cache: bool = True) -> SearchIndex:
    """The index for `terms_dir`: from the cache when current, otherwise built (and stored)."""
    if not use_cache:
        return build()
    path = cache_file(terms_dir)
    return load(path, terms_dir) or store(path, terms_dir, build)
