"""The package as a user installs it: a wheel, in a fresh virtual environment, run from
another folder on the shipped terms.

Offline and quick: the wheel is built without build isolation (the project's venv has
setuptools, pinned in constraints.txt) from a copy of the sources, so nothing is written
into the checkout; the fresh venv gets the wheel alone (`--no-deps`) and sees the project
venv's packages (MkDocs, Material, ...) through a `.pth` line, which adds that folder
without running its own `.pth` files (the editable install of this checkout among them).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})},
    )


def test_an_installed_wheel_validates_and_builds_from_another_folder(tmp_path: Path) -> None:
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    shutil.copytree(ROOT / "generator", source / "generator", ignore=shutil.ignore_patterns("__pycache__"))
    built = run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "--no-build-isolation",
        "--no-index",
        "-w",
        tmp_path / "dist",
        ".",
        cwd=source,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    (wheel,) = (tmp_path / "dist").glob("leverage_glossary-*.whl")

    fresh = tmp_path / "fresh"
    venv.create(fresh, with_pip=False)
    python = fresh / "bin" / "python"
    purelib = Path(
        run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))", cwd=tmp_path).stdout.strip()
    )
    (purelib / "project-venv.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    installed = run(
        sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index", wheel, cwd=tmp_path
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    glossary = fresh / "bin" / "glossary"
    where = run(python, "-c", "import generator; print(generator.__file__)", cwd=tmp_path)
    assert where.stdout.startswith(str(purelib)), where.stdout + where.stderr  # the wheel's, not the checkout's

    # a project folder as authors have it, without the generator's code: MkDocs must find the
    # glossary plugin in the installed wheel, not by a path into a checkout
    project = tmp_path / "project"
    for name in ("terms", "templates", "site_src", "schema"):
        shutil.copytree(ROOT / name, project / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    terms = project / "terms"
    validated = run(glossary, "validate", "--terms", terms, cwd=elsewhere)
    assert validated.returncode == 0, validated.stdout + validated.stderr
    site_dir = elsewhere / "site"
    done = run(glossary, "build", "--terms", terms, "--site-dir", site_dir, cwd=elsewhere)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "196 entries" in done.stdout or "entries ->" in done.stdout
    page = (site_dir / "term" / "liquidation-price" / "index.html").read_text(encoding="utf-8")
    assert "The mark price at which a leveraged position" in page

    # without a project in reach: a clear error, not a traceback
    lone = tmp_path / "lone"
    shutil.copytree(terms, lone / "terms")
    refused = run(glossary, "validate", "--terms", lone / "terms", cwd=lone)
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert "no glossary project found" in refused.stderr and "GLOSSARY_PROJECT" in refused.stderr
    assert run(glossary, "calc", "--list", cwd=lone).returncode == 0  # what needs no project still works
