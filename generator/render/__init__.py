"""Stage 5, render: the engine-neutral site, {page path: Markdown}, from entries and computed data."""
