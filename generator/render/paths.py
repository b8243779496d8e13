"""Where pages sit and how they link: docs paths, relative Markdown links, final URLs.

Links in Markdown are relative `.md` links, which MkDocs checks in strict mode and
rewrites; links in finished HTML are final relative URLs for `use_directory_urls: true`.
"""

from __future__ import annotations

import posixpath
import re

from generator.model import Entry

_MD_HREF = re.compile(r'href="(?![a-z][a-z0-9+.-]*:|/|#)([^"#?]*\.md)(#[^"]*)?"')  # relative links to pages


def page_path(entry: Entry) -> str:
    """Where an entry's page sits among the docs: `term/liquidation-price.md`."""
    return entry.url_path.rstrip("/") + ".md"


def relpath(target: str, start: str) -> str:
    """`posixpath.relpath(target, start)`, without its normalising and its working directory.

    Pages make tens of links each, so this runs often; paths with a `..` part, or one
    absolute and one relative path, are left to `posixpath`.
    """
    if target and (target[:1] == "/") == (start[:1] == "/"):
        to = [part for part in target.split("/") if part and part != "."]
        here = [part for part in start.split("/") if part and part != "."]
        if ".." not in to and ".." not in here:
            common = 0
            for a, b in zip(to, here):
                if a != b:
                    break
                common += 1
            return "/".join([".."] * (len(here) - common) + to[common:]) or "."
    return posixpath.relpath(target, start)


def relative(from_page: str, to_page: str) -> str:
    """A relative link between two docs paths, as MkDocs expects in Markdown."""
    return relpath(to_page, posixpath.dirname(from_page) or ".")


def url_dir(docs_path: str) -> str:
    """The folder a docs path is served from with directory URLs: `term/x.md` -> `term/x/`."""
    stem = docs_path[: -len(".md")]
    if stem == "index" or stem.endswith("/index"):
        stem = stem[: -len("index")]
    else:
        stem += "/"
    return stem


def relative_url(from_page: str, to_page: str) -> str:
    """The final relative URL between two docs paths, as MkDocs would write it: `../../area/x/`."""
    return url_between("/" + url_dir(from_page), "/" + url_dir(to_page))


def url_between(from_dir: str, to_dir: str) -> str:
    link = relpath(to_dir, from_dir)
    return "./" if link == "." else link + "/"


def final_links(html: str, from_page: str, written_on: str) -> str:
    """`.md` links in converted HTML as final URLs from `from_page`, as MkDocs would write them.

    An author's relative link means a page relative to where the author wrote it
    (`written_on`, the entry's own page), wherever the text is shown.
    """

    def final(match: re.Match[str]) -> str:
        target = posixpath.normpath(posixpath.join(posixpath.dirname(written_on), match.group(1)))
        return f'href="{relative_url(from_page, target)}{match.group(2) or ""}"'

    return _MD_HREF.sub(final, html)
