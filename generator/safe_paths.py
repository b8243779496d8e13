"""Where the tools may read and write, decided in one place.

Entries come from many authors, and a checkout can hold anything git can store: links
that loop, links to `/proc/kmsg` (a read that never returns) or to someone's secrets,
FIFOs, names hundreds of characters long. The tools in turn write a site, exports and new
entries, and one wrong path there deletes an author's work. Every such decision is made
here:

- `read_inside` reads an entry file only if it is, or links to, a regular file inside the
  terms folder; where a link leads is settled before anything opens it.
- `inside` gives the path of a file the build writes, refusing anything that could land
  outside the site folder, whatever a cache or an entry said.
- `check_site_dir` refuses a `--site-dir` whose replacement would lose files: the terms
  folder, the project, any folder holding them, a file, or a folder the build did not make.
- `write_atomic` writes a file in one step and replaces only a regular file.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from pathlib import Path
from typing import BinaryIO

SITE_MARKER = ".glossary-site"  # written into every site `glossary build` makes
_MARKER_TEXT = (
    "This folder is a site written by `glossary build`. The next build replaces all of it;\nkeep nothing else here.\n"
)
_TEMP_NAME_CHARS = 40  # of the target's name in a temporary file's name (names are limited to 255 bytes)


class Refused(Exception):
    """A path the tools will not read or write; `message` says why, `hint` what to do."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class TooLarge(Exception):
    """An entry file over the size limit; it is not read."""

    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.size = size


# -- reading entries ------------------------------------------------------------------------------


def read_inside(path: Path, root: Path, limit: int) -> bytes:
    """The bytes of entry file `path` in the terms folder `root` (already resolved).

    A link is followed only after `os.path.realpath` has settled, without opening
    anything, that it ends at a file inside `root`: a loop, a dangling link or a link out
    of the folder is refused unread. The file is then opened without following links and
    without blocking (a FIFO cannot stall the run) and must be a regular file; at most
    `limit` + 1 bytes are read. Raises Refused, TooLarge or OSError.
    """
    target = str(path)
    if path.is_symlink():
        try:
            target = os.path.realpath(path, strict=True)
        except OSError as error:
            if error.errno == errno.ELOOP:
                raise Refused(
                    "the file is a link that loops back on itself; it is not read",
                    "replace the link with the entry file itself",
                ) from None
            raise Refused(
                "the file is a link to nothing (its target does not exist)",
                "remove the link, or put the entry file itself in the terms folder",
            ) from None
        if not Path(target).is_relative_to(root):
            raise Refused(
                "the file is a link to a file outside the terms folder; it is not read",
                "put the entry itself in the terms folder instead of a link to it",
            )
    with open_regular(target) as file:
        size = os.fstat(file.fileno()).st_size
        if size > limit:
            raise TooLarge(size)
        data = file.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(len(data))
    return data


def open_regular(path: str | Path) -> BinaryIO:
    """`path` opened for reading, if it is a regular file that is not a link; else Refused.

    Without following a link and without blocking: a planted FIFO, device or link to
    `/proc/kmsg` cannot stall the run, and nothing is read from what a link points at.
    """
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
    try:
        handle = os.open(path, flags)
    except OSError as error:
        if error.errno == errno.ELOOP:  # O_NOFOLLOW met a link
            raise Refused("the file is a link; it is not read", "put the file itself there") from None
        raise
    file = os.fdopen(handle, "rb")
    if not stat.S_ISREG(os.fstat(handle).st_mode):
        file.close()
        raise Refused(
            "the file is not a regular file (a folder, FIFO, device or socket); it is not read",
            "entries are plain files; remove or rename it",
        )
    return file


# -- writing the site -----------------------------------------------------------------------------


def inside(root: str, relative: str) -> str:
    """The path of site file `relative` (a `/`-separated path) under `root`, or UnsafePath.

    `root` is the folder the build writes into, already resolved. Every part of
    `relative` must be a plain name: no `..`, no `.`, no empty part, no leading `/`, no
    backslash or NUL. Such a path cannot leave `root` by construction, and needs no
    system call to check: the build's staging folder is made empty by the build (mkdtemp)
    and nothing the build writes is a link, so no part of the path can lead elsewhere.
    """
    parts = relative.split("/")
    if not relative or "\\" in relative or "\x00" in relative or any(part in ("", ".", "..") for part in parts):
        raise UnsafePath(f"refusing to write {relative!r}: it is not a plain path inside the site folder")
    return os.path.join(root, *parts)


class UnsafePath(ValueError):
    """An output path that could leave the folder being written (a bug or an attack)."""


# -- choosing the site folder ---------------------------------------------------------------------


def check_site_dir(site: Path, *, terms: Path, project: Path) -> None:
    """Refuse a `--site-dir` whose replacement by a new site could lose anything.

    Refused: the terms folder, the project folder (`project`, and the folder holding the
    terms), any folder that holds one of them, a folder inside the terms folder, a path
    that is not a folder (a file, FIFO, device, a link to one), and a folder with files
    in it that `glossary build` did not make (it has no SITE_MARKER). An empty folder or
    a path that does not exist yet is fine.
    """
    real = Path(os.path.realpath(site))
    terms_real = Path(os.path.realpath(terms))
    for guarded, name in (
        (terms_real, "the terms folder"),
        (Path(os.path.realpath(project)), "the project folder"),
        (terms_real.parent, "the folder that holds the terms folder"),
    ):
        if real == guarded:
            raise Refused(
                f"--site-dir {site} is {name}; building there would delete it",
                "give a folder of its own, such as ./site",
            )
        if guarded.is_relative_to(real):
            raise Refused(
                f"--site-dir {site} holds {name} ({guarded}); building there would delete it",
                "give a folder of its own, such as ./site",
            )
    if real.is_relative_to(terms_real):
        raise Refused(f"--site-dir {site} is inside the terms folder", "give a folder outside it, such as ./site")
    if not os.path.lexists(site):
        return
    if not real.is_dir():
        raise Refused(
            f"--site-dir {site} exists and is not a folder; it is not replaced",
            "give the path of a folder, or a new one",
        )
    with os.scandir(real) as found:
        empty = next(found, None) is None
    if empty or (real / SITE_MARKER).is_file():
        return
    if (real / "index.html").is_file() and (real / "sitemap.xml").is_file():
        raise Refused(
            f"--site-dir {site} looks like a site from an older glossary build, which did not mark "
            f"its sites ({SITE_MARKER}); it is not replaced in case it is something else",
            f"if it is that old site, delete it by hand (rm -r '{site}') and build again",
        )
    raise Refused(
        f"--site-dir {site} is a folder with files that `glossary build` did not make; "
        "building there would delete them",
        "give a new or empty folder, such as ./site",
    )


def mark_site(folder: Path) -> None:
    """Leave SITE_MARKER in a site the build made, so the next build may replace it."""
    (folder / SITE_MARKER).write_text(_MARKER_TEXT, encoding="utf-8")


# -- writing one file -----------------------------------------------------------------------------


def check_replaceable(path: Path) -> bool:
    """Whether `path` exists; Refused unless it is absent or a regular file (not a link).

    A folder, FIFO, device node or socket (or a link to anything) is never replaced by a
    file, even with --force: replacing /dev/null or a named pipe with a file breaks
    whatever uses it, and a link would be replaced rather than what it points to.
    """
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return False
    if stat.S_ISREG(info.st_mode):
        return True
    kind = (
        "a link"
        if stat.S_ISLNK(info.st_mode)
        else "a folder"
        if stat.S_ISDIR(info.st_mode)
        else "a named pipe (FIFO)"
        if stat.S_ISFIFO(info.st_mode)
        else "a device"
        if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode)
        else "a socket"
    )
    raise Refused(
        f"{path} is {kind}, not a regular file; it is never replaced", "give the path of a regular file, or a new one"
    )


def write_atomic(target: Path, data: bytes, *, force: bool) -> bool:
    """Write `data` to `target` in one step; False (nothing written) if it exists and not `force`.

    The bytes go to a temporary file beside the target, which then takes the target's
    name: by a hard link without `force` (it fails if the name exists, so of two racing
    writers one wins and the other is told), by a rename over the old file with it. A
    failed write (a full disk) removes the temporary file: nothing empty or half-written
    is left. Raises Refused for a target that is not a regular file (`check_replaceable`).
    """
    exists = check_replaceable(target)
    if exists and not force:
        return False
    folder = target.parent if str(target.parent) else Path(".")
    handle, temp = tempfile.mkstemp(dir=folder, prefix=f".{target.name[:_TEMP_NAME_CHARS]}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        mode = os.stat(target).st_mode & 0o777 if exists else 0o666 & ~_umask()
        os.chmod(temp, mode)
        if force:
            check_replaceable(target)  # not swapped for something else meanwhile
            os.replace(temp, target)
            return True
        try:
            os.link(temp, target)  # fails instead of replacing
        except FileExistsError:
            return False
        except OSError as error:
            if error.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
                raise
            if os.path.lexists(target):  # no hard links on this file system: check, then rename
                return False
            os.replace(temp, target)
        return True
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
