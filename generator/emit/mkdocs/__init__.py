"""Everything specific to MkDocs and Material: the plugin, page conversion, theme workers, the nav cache, the build runner."""
