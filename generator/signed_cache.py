"""Cache files that are safe to read back: a header, a keyed checksum, then marshal data.

marshal rebuilds plain data only (unlike pickle it cannot run code), but it trusts its
input: damaged length fields can make it allocate without end. So every cache file
starts with a magic line, a fingerprint of what produced it and a checksum of all of it,
verified before marshal sees a byte. A file that fails any check is simply not a cache
hit. Writes are atomic: readers see the old file or the new one, never half.

The checksum is an HMAC-SHA256 under a secret key of the user's own (`secret_key`),
kept outside every project. A cache answers for input it was not made from if someone
plants it: a verdict "no problems" for a broken folder, or a checked entry whose tag
climbs out of the site folder. Caches sit beside the terms folder, where anyone who can
add a file to the project can add one; without the key nobody can make one the tools
accept. When the key cannot be read or made, the tools run without caches.
"""

from __future__ import annotations

import hashlib
import hmac
import marshal
import os
import stat
from functools import lru_cache
from pathlib import Path
from typing import Any

from generator.safe_paths import Refused, open_regular

_MAC_BYTES = 32
_KEY_BYTES = 32


def key_file() -> Path | None:
    """`$XDG_CACHE_HOME/leverage-glossary/key`, else `~/.cache/leverage-glossary/key`."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):  # the XDG rule: a relative value is ignored
        try:
            base = str(Path.home() / ".cache")
        except RuntimeError:  # no home directory at all
            return None
    return Path(base) / "leverage-glossary" / "key"


@lru_cache(maxsize=1)
def secret_key() -> bytes | None:
    """This user's cache key, made on first use (random, readable by the user alone); None
    if it can be neither read nor made, or is not private (then nothing is cached)."""
    path = key_file()
    if path is None:
        return None
    key = _read_key(path)
    if key is None and not os.path.lexists(path):
        _make_key(path)
        key = _read_key(path)
    return key


def _read_key(path: Path) -> bytes | None:
    """The key, if it is a regular file of the right size owned by this user and private."""
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    with os.fdopen(handle, "rb") as file:
        info = os.fstat(file.fileno())
        if (
            not stat.S_ISREG(info.st_mode)
            or info.st_size != _KEY_BYTES
            or info.st_mode & 0o077
            or (hasattr(os, "geteuid") and info.st_uid != os.geteuid())
        ):
            return None
        key = file.read(_KEY_BYTES + 1)
    return key if len(key) == _KEY_BYTES else None


def _make_key(path: Path) -> None:
    """Write a new key where none is: complete before it has its name, so a second process
    making one at the same time either wins or reads the winner's."""
    import tempfile

    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".key-")  # mode 0600
    except OSError:
        return
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(os.urandom(_KEY_BYTES))
            out.flush()
            os.fsync(out.fileno())
        os.link(temp, path)  # fails if another process made one first: theirs is used
    except OSError:
        pass
    finally:
        try:
            os.unlink(temp)
        except OSError:
            pass


def _mac(key: bytes, magic: bytes, fingerprint: bytes, payload: bytes | memoryview) -> bytes:
    mac = hmac.new(key, digestmod=hashlib.sha256)
    mac.update(len(magic).to_bytes(4, "big") + magic + len(fingerprint).to_bytes(4, "big") + fingerprint)
    mac.update(payload)  # apart: a large cache is not copied once more just to be checked
    return mac.digest()


def read(path: Path, magic: bytes, fingerprint: bytes) -> Any | None:
    """The stored data, or None if the file is missing, foreign, stale, damaged or not ours."""
    key = secret_key()
    if key is None:
        return None
    try:
        with open_regular(path) as handle:  # a planted link or FIFO is no cache, and cannot stall the run
            blob = handle.read()
    except (OSError, Refused):
        return None
    head = len(magic) + len(fingerprint) + _MAC_BYTES
    if not blob.startswith(magic) or blob[len(magic) : len(magic) + len(fingerprint)] != fingerprint:
        return None
    payload = memoryview(blob)[head:]
    if not hmac.compare_digest(_mac(key, magic, fingerprint, payload), blob[head - _MAC_BYTES : head]):
        return None
    try:
        return marshal.loads(payload)
    except (EOFError, ValueError, TypeError, MemoryError):
        return None


def write(path: Path, magic: bytes, fingerprint: bytes, data: Any) -> None:
    """Store `data` atomically; a read-only location (or no key) just means no cache next time."""
    import tempfile  # only when writing: keeps warm reads lean

    key = secret_key()
    if key is None:
        return
    temp = None
    try:
        payload = marshal.dumps(data)
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.parent.is_symlink():  # a planted link would have the cache written wherever it leads
            return
        handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".cache-", suffix=".tmp")
        with os.fdopen(handle, "wb") as out:
            out.write(magic + fingerprint + _mac(key, magic, fingerprint, payload))
            out.write(payload)
        os.replace(temp, path)
        temp = None
    except (OSError, ValueError):
        pass
    finally:
        if temp is not None:  # a full disk: no temporary file left behind
            try:
                os.unlink(temp)
            except OSError:
                pass
