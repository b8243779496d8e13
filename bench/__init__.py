"""Benchmarks for the Leverage Glossary: how fast it validates, renders, builds and searches.

    python -m bench corpus --n 1000 --out DIR [--seed S] [--force]
    python -m bench run [--n 1000,10000] [--reps 3] [--only validate_cold,...] [--write-docs]
    python -m bench profile --n 10000 --what validate|render|build

`bench.corpus` writes synthetic entries with the size and field mix of the real ones;
`bench.run` measures every contender in a fresh subprocess, interleaving repetitions so
noise on a shared machine hits all contenders alike; `bench.peers` writes the two
reference projects (MkDocs with plain pages, Sphinx with `glossary` directives).
Results go to `bench/out/` (git-ignored); the table in
`site_src/reference/performance.md` is written from one real run.
"""

SEED = 9
# Bump when the generated text changes, so `bench run` regenerates cached corpora.
CORPUS_VERSION = 2  # 2: terms carry the in_brief the checker requires
