"""Cache files that are safe to read back: a header, a checksum, then marshal data.

marshal rebuilds plain data only (unlike pickle it cannot run code), but it trusts its
input: damaged length fields can make it allocate without end. So every cache file
starts with a magic line, a fingerprint of what produced it and a checksum of the
payload, all verified before marshal sees a byte. A file that fails any check is simply
not a cache hit. Writes are atomic: readers see the old file or the new one, never half.
"""

from __future__ import annotations

import hashlib
import marshal
import os
from pathlib import Path
from typing import Any

_CHECKSUM_BYTES = 16


def read(path: Path, magic: bytes, fingerprint: bytes) -> Any | None:
    """The stored data, or None if the file is missing, foreign, stale or damaged."""
    try:
        blob = path.read_bytes()
    except OSError:
        return None
    head = len(magic) + len(fingerprint) + _CHECKSUM_BYTES
    if not blob.startswith(magic) or blob[len(magic): len(magic) + len(fingerprint)] != fingerprint:
        return None
    payload = blob[head:]
    if hashlib.blake2b(payload, digest_size=_CHECKSUM_BYTES).digest() != blob[head - _CHECKSUM_BYTES: head]:
        return None
    try:
        return marshal.loads(payload)
    except (EOFError, ValueError, TypeError, MemoryError):
        return None


def write(path: Path, magic: bytes, fingerprint: bytes, data: Any) -> None:
    """Store `data` atomically; a read-only location just means no cache next time."""
    import tempfile  # only when writing: keeps warm reads lean

    try:
        payload = marshal.dumps(data)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".cache-", suffix=".tmp")
        with os.fdopen(handle, "wb") as out:
            out.write(magic + fingerprint + hashlib.blake2b(payload, digest_size=_CHECKSUM_BYTES).digest())
            out.write(payload)  # apart: a large cache is not copied once more just to be written
        os.replace(temp, path)
    except (OSError, ValueError):
        pass
