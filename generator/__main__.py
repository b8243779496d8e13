"""`python -m generator` is the same as the `glossary` command."""

from generator.cli import main

if __name__ == "__main__":  # not when a spawned worker process imports this module again
    raise SystemExit(main())
