"""Stage 4, compute: worked examples recomputed, charts drawn, everything render needs gathered once."""
