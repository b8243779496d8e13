"""The whole glossary as data files: JSON, CSV, SKOS and BibTeX."""
