"""`python -m bench corpus|run|profile|peers|boundary|serve_edit|compare_build` - see bench/__init__.py."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    commands = ("corpus", "run", "profile", "peers", "boundary", "serve_edit", "compare_build")
    if not args or args[0] not in commands:
        print(
            "usage: python -m bench {corpus,run,profile,peers,boundary,serve_edit,compare_build} [options]"
            "   (-h after a command for its options)",
            file=sys.stderr,
        )
        return 2
    command, rest = args[0], args[1:]
    if command == "corpus":
        from bench.corpus import main as run
    elif command == "run":
        from bench.run import main as run
    elif command == "peers":
        from bench.peers import main as run
    elif command == "boundary":
        from bench.boundary import main as run
    elif command == "serve_edit":
        from bench.serve_edit import main as run
    elif command == "compare_build":
        from bench.compare_build import main as run
    else:
        from bench.profile import main as run
    return run(rest)


if __name__ == "__main__":
    raise SystemExit(main())
