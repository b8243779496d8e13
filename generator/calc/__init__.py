"""The safe expression language and the named calculators: one definition serves the checker, the pages and `glossary calc`."""
