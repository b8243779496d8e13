"""The on-disk search index cache: fast when warm, never stale.

A warm `glossary search` must answer in well under 150 ms on 10,000 entries, so it must
not parse YAML, nor read the 50 MB the index weighs at that size. The built index is
stored in `.glossary-cache/` beside the terms folder, or in the user cache folder when
that is not writable, in two files: its core (index.py), with marshal (plain data only:
loading cannot run code) under the signed cache's checksum (signed_cache.py), and its
blob (store.py), raw bytes read by ranges, each chunk checked against a digest the core
file holds. The blob's name carries a hash of its content, so a process still reading an
older one is not disturbed by a new build; older blobs are removed once the new core is
in place.

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
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from generator.search.sources import PROJECT, page_sources

# Imported where used, not here: fingerprint_meanwhile forks before a warm search imports
# them, so that their import overlaps the child's stat calls.
if TYPE_CHECKING:
    from generator.search.index import SearchIndex
    from generator.search.store import FileBlob

CACHE_DIR_NAME = ".glossary-cache"  # shared with generator/pipeline.py's parse cache
_FORMAT = 7  # 7: the core and a blob read by ranges (store.py)
RACY_NS = 3_000_000_000  # covers coarse (FAT: 2 s) timestamps as well as ns ones
_FINGERPRINT_BYTES = 20
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
    """The site pages the index reads (sources.page_sources): their text is searched too."""
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
    """A digest of a snapshot: what the cache is keyed by (cheaper to store and compare).

    marshal's version 2 has no back-references, so equal snapshots give equal bytes."""
    return hashlib.sha256(marshal.dumps(stats, 2)).digest()[:_FINGERPRINT_BYTES]


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


def _open_blob(folder: Path, name: str, chunk_digests: bytes, size: int) -> FileBlob:
    """The blob a core file names, opened (not read); OSError if it is not that file."""
    from generator.safe_paths import Refused, open_regular
    from generator.search import store as blobs

    if not isinstance(name, str) or "/" in name or "\\" in name or not name.endswith(".blob"):
        raise OSError("not a blob name")
    try:
        handle = open_regular(folder / name)
    except Refused as refusal:
        raise OSError(refusal.message) from None
    if os.fstat(handle.fileno()).st_size != size or len(chunk_digests) != -(-size // blobs.CHUNK) * blobs.DIGEST:
        handle.close()
        raise OSError("the blob is not the one this cache recorded")
    return blobs.FileBlob(handle, chunk_digests, size)


def fingerprint_meanwhile(terms_dir: Path) -> Callable[[], bytes]:
    """The fingerprint of the current snapshot, worked out by a forked child process while
    this one goes on; call the function returned to wait for it.

    Stat-ing every file is a third of a warm search on 10,000 entries, nearly all of it
    spent in the kernel, and needs nothing but the paths: a child does it while the parent
    imports the ranking and reads the index (load's `current`), on another core where there
    is one. Where there is no fork (Windows), or the child fails, the fingerprint is worked
    out in this process when asked for, as load does without it.
    """
    fork = getattr(os, "fork", None)
    if fork is None:
        return lambda: fingerprint(snapshot(terms_dir))
    try:
        read_end, write_end = os.pipe()
    except OSError:
        return lambda: fingerprint(snapshot(terms_dir))
    try:
        pid = fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        return lambda: fingerprint(snapshot(terms_dir))
    if pid == 0:  # the child: one answer down the pipe, then out without any clean-up of the parent's
        try:
            os.close(read_end)
            os.write(write_end, fingerprint(snapshot(terms_dir)))
        except BaseException:  # noqa: BLE001 - the parent works it out itself on a short answer
            pass
        finally:
            os._exit(0)
    os.close(write_end)
    answer: list[bytes] = []

    def wait() -> bytes:
        if not answer:  # the first call reads the child's answer and reaps it; later ones repeat it
            with os.fdopen(read_end, "rb") as pipe:
                got = pipe.read()
            os.waitpid(pid, 0)
            answer.append(got if len(got) == _FINGERPRINT_BYTES else fingerprint(snapshot(terms_dir)))
        return answer[0]

    return wait


def load(path: Path, terms_dir: Path, current: Callable[[], bytes] | None = None) -> SearchIndex | None:
    """The cached index if it is provably current, else None. `current` gives the
    snapshot's fingerprint (fingerprint_meanwhile: it is always waited for), else it is
    taken here, after the index is read."""
    from generator import signed_cache as sealed
    from generator.search.index import SearchIndex

    try:
        payload = sealed.read(path, _MAGIC, _header())
        if not isinstance(payload, tuple) or len(payload) != 4:
            return None
        stored, racy, built_ns, data = payload
        core, blob_name, chunk_digests, size = data
        index = SearchIndex(core, _open_blob(path.parent, blob_name, chunk_digests, size))
        if stored != (current() if current is not None else fingerprint(snapshot(terms_dir))):
            return None
        for name, digest in racy.items():
            if _hash_file(_source(terms_dir, name)) != digest:
                return None
    except (OSError, TypeError, ValueError):
        return None
    finally:
        if current is not None:
            current()  # no child left behind, whichever way this went
    if racy and time.time_ns() > built_ns + RACY_NS:
        # Verified after the racy window: any later edit now changes ctime, so the
        # hashes are no longer needed and later loads skip reading the files.
        _write(path, (stored, {}, built_ns, data))
    return index


def _write(path: Path, payload: tuple) -> None:
    from generator import signed_cache as sealed

    sealed.write(path, _MAGIC, _header(), payload)


def _write_blob(path: Path, blob: bytes) -> str | None:
    """Write the blob beside the core file `path`; its name, or None if it cannot be written."""
    from generator.safe_paths import Refused, write_atomic

    name = f"{path.stem}-{hashlib.sha256(blob).hexdigest()[:16]}.blob"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.parent.is_symlink():  # a planted link would have the blob written wherever it leads
            return None
        write_atomic(path.parent / name, blob, force=True)
    except (OSError, Refused):
        return None
    return name


def _remove_old_blobs(path: Path, keep: str) -> None:
    """Blobs no core file names any more (a process still reading one keeps it open)."""
    try:
        names = os.listdir(path.parent)
    except OSError:
        return
    for name in names:
        if name.startswith(f"{path.stem}-") and name.endswith(".blob") and name != keep:
            try:
                os.unlink(path.parent / name)
            except OSError:
                pass


def store(path: Path, terms_dir: Path, build: Callable[[], SearchIndex]) -> SearchIndex:
    """Build the index and store it, unless a file changed while it was being built.

    Files touched within `RACY_NS` of now are hashed before and after the build: equal
    hashes and equal stats mean the build read exactly the bytes the hashes describe.
    """
    from generator import signed_cache as sealed
    from generator.search import store as blobs

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
    if sealed.secret_key() is None:
        return index  # no key, no cache: the blob would be written for nothing
    core, blob = index.to_data()
    name = _write_blob(path, blob)
    if name is None:
        return index
    _write(path, (fingerprint(before), racy, built_ns, (core, name, blobs.digests(blob), len(blob))))
    _remove_old_blobs(path, name)
    return index


def load_or_build(
    terms_dir: Path,
    build: Callable[[], SearchIndex],
    *,
    use_cache: bool = True,
    refresh: bool = False,
    current: Callable[[], bytes] | None = None,
) -> SearchIndex:
    """The index for `terms_dir`: from the cache when current (`current` as load takes it),
    otherwise built (and stored); `refresh` builds and stores it whatever the cache holds
    (its blob was found damaged)."""
    if not use_cache:
        return build()
    path = cache_file(terms_dir)
    index = None if refresh else load(path, terms_dir, current)
    return index if index is not None else store(path, terms_dir, build)
