"""Earlier revisions of entries, read from git."""
