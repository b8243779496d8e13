"""One rule for fenced code: `markup.fenced_code` reads fences as the site's parser
(pymdownx.superfences) does, so a `[[link]]` counts as a link exactly when the page does not
show it in a code block, and the Markdown-side escaping treats as fenced code exactly what
renders as a code block."""

from __future__ import annotations

import re

import markdown
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.markup import iter_wikilinks

_BLOCK = re.compile(r"<pre>.*?</pre>", re.DOTALL)  # fenced code; inline code spans are another rule


def _shown_as_text(body: str) -> set[str]:
    """The [[targets]] that the real parser leaves outside fenced code blocks."""
    html = markdown.Markdown(extensions=["pymdownx.superfences", "md_in_html", "attr_list"]).convert(body)
    return set(re.findall(r"\[\[([a-z]+)\]\]", _BLOCK.sub("", html)))


CASES = [
    "```\n[[a]]\n```",
    "  ```\n  [[a]]\n  ```",  # an indented fence is still a fence
    "```!\n[[a]]\n```",  # an info string superfences refuses: no fence at all
    "```\n[[a]]\n````",  # a longer closer does not close
    "````\n[[a]]\n```\n[[b]]\n````",
    "~~~\n[[a]]\n~~~",
    "```python\n[[a]]\n```",
    "``` {.x}\n[[a]]\n```",
    "```\n[[a]]",  # never closed
    "  ```\n[[a]]\n  ```",  # a line less indented than its fence ends it
    "```\n[[a]]\n```\n\n[[b]]",
    "```\n[[a]]\n  ```",
]


@pytest.mark.parametrize("body", CASES)
def test_links_count_where_the_page_shows_them_as_text(body: str) -> None:
    found = {link.slug for link in iter_wikilinks(body)}
    assert found == _shown_as_text(body)


_LINE = st.sampled_from(
    ["```", "````", "~~~", "  ```", "```py", "```!", "``` x=1", "[[a]]", "[[b]]", "text", "", "   ~~~~", "- ```"]
)
# Not in the soup: a fence indented four spaces or more. Python-Markdown may read that line
# as an indented code block and then place a later fence's output inside a paragraph,
# which this rule does not model (noted in site_src/reference/hostile-input.md).


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_LINE, max_size=12))
def test_fence_soups_agree_with_superfences(lines: list[str]) -> None:
    body = "\n".join(lines)
    assert {link.slug for link in iter_wikilinks(body)} == _shown_as_text(body)
