"""`python -m generator` is the same as the `glossary` command."""

from generator.cli import main

raise SystemExit(main())
