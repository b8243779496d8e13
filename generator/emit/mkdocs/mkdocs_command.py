"""MkDocs' own command line, as `glossary build` runs it, ended without tearing Python down.

    python -m generator.emit.mkdocs.mkdocs_command build --strict ...

When a build is done its process still holds the whole site's data, and Python's normal
exit frees it object by object (0.15 s at 1,000 entries) while the `glossary build` waiting
for it cannot yet swap the new site in. So this runs MkDocs' command, flushes what it wrote
and what its loggers hold, and ends the process at once with the command's exit status. Its
workers have ended by then (a build joins them, and `lifeline` kills any left with it), and
every file it writes is closed as it is written.
"""

from __future__ import annotations

import logging
import os
import sys

from mkdocs.__main__ import cli


def main(args: list[str]) -> int:
    """MkDocs' exit status for `mkdocs ARGS` (click ends its command with SystemExit)."""
    try:
        cli.main(args=args, prog_name="mkdocs")
    except SystemExit as done:
        code = done.code
        if code is None or isinstance(code, int):
            return code or 0
        print(code, file=sys.stderr)  # sys.exit("message"): printed, status 1, as Python does
        return 1
    return 0


if __name__ == "__main__":
    status = main(sys.argv[1:])
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
