"""Run `mkdocs build --strict` so that a failed or killed build never damages the live site.

MkDocs writes into its site directory as it goes, so building in place would leave a
half-written site behind whenever a build fails. Instead we build into a fresh folder
next to the target (same file system, so renames are atomic) and swap it in only after
MkDocs has succeeded.

The entries are validated once, inside the MkDocs process (the plugin's `on_config`),
which leaves what it found in a small report file (`REPORT_ENV` names it) for the
caller to print: the command shows the validator's messages, not MkDocs' abort text.

Replacing a folder is deleting it, so the site folder is checked first
(`safe_paths.check_site_dir`: never the terms folder, the project or a folder of files
the build did not make), and every site the build makes carries a marker file that says
it may be replaced. MkDocs dies with this process (`lifeline`): a killed `glossary build`
leaves no build running on its own.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from generator import safe_paths
from generator.emit.mkdocs import lifeline
from generator.model import Problem, Severity
from generator.settings import CONFIG_FILE

TERMS_ENV = "GLOSSARY_TERMS"
REPORT_ENV = "GLOSSARY_BUILD_REPORT"  # where on_config writes what validation found (JSON)
_TMP_PREFIX = ".building-"
_OLD_PREFIX = ".replaced-"


@dataclass(frozen=True, slots=True)
class BuildResult:
    ok: bool
    returncode: int
    output: str
    site_dir: Path
    entries: int | None = None  # None: validation did not get to report
    problems: tuple[Problem, ...] = ()  # what validation found, warnings included

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity is Severity.ERROR)


def write_report(path: Path, entries: int, problems: tuple[Problem, ...]) -> None:
    """What validation found, for `read_report` in the process that started the build."""
    path.write_text(json.dumps({"entries": entries, "problems": [p.as_row() for p in problems]}), encoding="utf-8")


def read_report(path: Path) -> tuple[int | None, tuple[Problem, ...]]:
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None, ()
    return report["entries"], tuple(Problem.from_row(row) for row in report["problems"])


def mkdocs_env(terms_dir: Path) -> dict[str, str]:
    """The environment the plugin reads: which terms to load; no MkDocs 2 banner."""
    return {**os.environ, TERMS_ENV: str(terms_dir.resolve()), "NO_MKDOCS_2_WARNING": "1"}


def build_site(site_dir: Path, terms_dir: Path, *, config_file: Path = CONFIG_FILE) -> BuildResult:
    """Build into a sibling temp folder, then swap it in; on failure the old site stays as it was.

    Raises safe_paths.Refused for a site folder whose replacement could lose files, and
    OSError when the folder cannot be made (an unwritable path, a full disk).
    """
    safe_paths.check_site_dir(site_dir, terms=terms_dir, project=config_file.parent)
    site_dir = site_dir.resolve()
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(site_dir)
    staging = Path(tempfile.mkdtemp(prefix=f"{_TMP_PREFIX}{site_dir.name}-{os.getpid()}-", dir=site_dir.parent))
    report = staging.with_name(staging.name + ".report")  # beside the staging folder, not in the site
    try:
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "generator.emit.mkdocs.mkdocs_command",  # `mkdocs`, minus Python's teardown at the end
                "build",
                "--strict",
                "--clean",
                "--config-file",
                str(config_file),
                "--site-dir",
                str(staging),
            ],
            cwd=config_file.parent,
            env=lifeline.child_env({**mkdocs_env(terms_dir), REPORT_ENV: str(report)}),  # dies with this process
            capture_output=True,
            text=True,
        )
        output = proc.stdout + proc.stderr
        entries, problems = read_report(report)
        if proc.returncode != 0:
            return BuildResult(False, proc.returncode, output, site_dir, entries, problems)
        safe_paths.mark_site(staging)
        _swap_in(staging, site_dir)
        return BuildResult(True, 0, output, site_dir, entries, problems)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        report.unlink(missing_ok=True)


def _swap_in(staging: Path, site_dir: Path) -> None:
    """Make `staging` the site: one atomic exchange where the kernel offers it."""
    if site_dir.is_dir() and not site_dir.is_symlink() and _exchange(staging, site_dir):
        return  # staging now holds the old site; the caller removes it
    if site_dir.exists() or site_dir.is_symlink():
        old = site_dir.with_name(f"{_OLD_PREFIX}{site_dir.name}-{os.getpid()}")
        os.rename(site_dir, old)
        try:
            os.rename(staging, site_dir)
        except BaseException:
            os.rename(old, site_dir)
            raise
        shutil.rmtree(old, ignore_errors=True)
    else:
        try:
            os.rename(staging, site_dir)
        except OSError:
            # a concurrent first build put its site there a moment ago: swap with it instead
            if not (site_dir.is_dir() and _exchange(staging, site_dir)):
                raise


def _exchange(a: Path, b: Path) -> bool:
    """Linux renameat2(RENAME_EXCHANGE): swap two directories in one step; False if unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return result == 0


def _remove_leftovers(site_dir: Path) -> None:
    """Folders (and reports) left by a build that was killed before it could clean up (its process is gone)."""
    for prefix in (_TMP_PREFIX, _OLD_PREFIX):
        for path in site_dir.parent.glob(f"{prefix}{site_dir.name}-*"):
            pid = path.name[len(prefix) + len(site_dir.name) + 1 :].split("-", 1)[0]
            if pid.isdigit() and _alive(int(pid)):
                continue
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            elif path.name.endswith(".report"):
                path.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
