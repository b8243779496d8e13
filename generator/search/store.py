"""The bulk of a cached search index: one blob of bytes, read by ranges, checked by chunks.

A warm `glossary search` on 10,000 entries needs only a sliver of its index: the postings
of the query's few terms and the rows of ten hits. The rest (every term's postings, every
section's text: some 45 MB at that size) must not be read, let alone checked with the
cache's HMAC, which reads every byte. So the cache (cache.py) keeps the bulk in a blob
file of its own, and in its signed part a SHA-256 digest of each CHUNK of the blob: a
read checks the chunks it touches against those digests, so a blob that was damaged or
planted is caught, without a key, before a byte of it is used. Nothing in the blob is
ever unmarshalled: it holds integer arrays and UTF-8 text only.

An index built in this process keeps its blob in memory (MemoryBlob) and reads it the
same way, so the two kinds of index rank through the same code.
"""

from __future__ import annotations

import hashlib
import os
from typing import BinaryIO, Protocol

CHUNK = 1 << 16
DIGEST = 16  # bytes of SHA-256 kept per chunk


class Damaged(Exception):
    """A blob that does not match the digests its cache recorded (or cannot be read)."""


class Blob(Protocol):
    def read(self, start: int, end: int) -> bytes: ...


class MemoryBlob:
    """A blob built in this process: nothing to check."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def read(self, start: int, end: int) -> bytes:
        return self.data[start:end]


def digests(data: bytes) -> bytes:
    """The digest of every CHUNK of `data`, in order, as one bytes object."""
    view = memoryview(data)
    sha = hashlib.sha256
    return b"".join(sha(view[at : at + CHUNK]).digest()[:DIGEST] for at in range(0, len(data), CHUNK))


class FileBlob:
    """A blob in a file, read by ranges; each chunk is checked once, on first use.

    The file stays open: a cache replaced meanwhile (os.replace, unlink) cannot change
    what this process reads.
    """

    def __init__(self, handle: BinaryIO, chunk_digests: bytes, size: int) -> None:
        self._handle = handle
        self._fd = handle.fileno()
        self._digests = chunk_digests
        self._size = size
        self._checked: set[int] = set()

    def read(self, start: int, end: int) -> bytes:
        if start >= end:
            return b""
        if start < 0 or end > self._size:
            raise Damaged("a range outside the search cache's blob")
        first, last = start // CHUNK, (end - 1) // CHUNK
        try:
            data = os.pread(self._fd, min(self._size, (last + 1) * CHUNK) - first * CHUNK, first * CHUNK)
        except OSError as error:
            raise Damaged(str(error)) from None
        view = memoryview(data)
        for number in range(first, last + 1):
            if number in self._checked:
                continue
            at = (number - first) * CHUNK
            expected = self._digests[number * DIGEST : (number + 1) * DIGEST]
            if hashlib.sha256(view[at : at + CHUNK]).digest()[:DIGEST] != expected:
                raise Damaged("the search cache's blob does not match its digests")
            self._checked.add(number)
        return data[start - first * CHUNK : end - first * CHUNK]

    def close(self) -> None:
        self._handle.close()
