"""Stage 2, check: typed entries from loaded documents, and every problem at once with a hint."""
