"""`glossary serve` - the site on a local address, rebuilt and reloaded on every change.

MkDocs' own server does the work; mkdocs.yml already watches terms/ and templates/,
and a --terms folder outside the project is added to the watch list here.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from generator.cli.terms_option import add_terms_option


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_terms_option(parser)
    parser.add_argument(
        "--dev-addr",
        default="127.0.0.1:8000",
        metavar="HOST:PORT",
        help="address to serve on (default: 127.0.0.1:8000)",
    )


def run(args: argparse.Namespace) -> int:
    from generator.emit.csp import SERVE_ENV
    from generator.emit.mkdocs.site_build import mkdocs_env
    from generator.settings import CONFIG_FILE, PROJECT_ROOT

    terms: Path = args.terms.resolve()
    if not terms.is_dir():
        print(f"glossary serve: error: no terms folder at {args.terms}", file=sys.stderr)
        return 2
    command = [
        sys.executable,
        "-m",
        "mkdocs",
        "serve",
        "--config-file",
        str(CONFIG_FILE),
        "--dev-addr",
        args.dev_addr,
        "--livereload",
    ]
    if terms != (PROJECT_ROOT / "terms").resolve():
        command += ["--watch", str(terms)]
    # exec: Ctrl-C and signals reach MkDocs directly, and its exit code is ours.
    os.chdir(PROJECT_ROOT)
    env = mkdocs_env(terms)
    env[SERVE_ENV] = "1"  # the preview allows MkDocs' live-reload script (generator/emit/csp.py)
    os.execve(sys.executable, command, env)
    return 0  # pragma: no cover - execve does not return
