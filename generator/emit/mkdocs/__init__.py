"""Everything specific to MkDocs and Material: hooks, page conversion, theme workers, the nav cache, the build runner."""
