"""Stage 6, emit: the output boundary. Engine-neutral: the HTML allowlist and the Content-Security-Policy."""
