"""Stage 3, link: the graph of typed relations between entries."""
