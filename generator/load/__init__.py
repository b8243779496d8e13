"""Stage 1, load: entry files as bytes -> YAML data with the line and column of every node."""
