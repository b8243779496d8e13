"""One module per `glossary` subcommand; see generator/cli.py for the contract."""
