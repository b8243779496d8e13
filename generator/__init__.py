"""Leverage Glossary: load, check, link, compute and render a YAML knowledge base."""

__version__ = "0.1.0"
