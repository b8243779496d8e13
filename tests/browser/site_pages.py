"""What the accessibility, keyboard and phone tests share: one page of each template of the
built site, the vendored axe-core, and the phone viewports.

axe-core is vendored under tests/browser/vendor/ (its version, licence and checksum in
vendor/VERSIONS.txt) so the tests need no network and no npm; it is run in the page with
`page.evaluate`, which the pages' Content-Security-Policy does not govern.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

VENDOR = Path(__file__).resolve().parent / "vendor"
AXE = VENDOR / "axe-core" / "axe.min.js"

PHONES = {"360": {"width": 360, "height": 780}, "390": {"width": 390, "height": 844}}
DESKTOP = {"width": 1280, "height": 900}


def template_pages(site_root: Path) -> dict[str, str]:
    """One address (relative to the site root) for every page template of the site."""
    revisions = sorted((site_root / "rev" / "liquidation-price").glob("*/index.html"))
    pages = {
        "home": "",
        "area": "area/margin-and-liquidation/",
        "term": "term/liquidation-price/",
        "definition": "definition/margin-call/",
        "a-z": "a-z/",
        "tags": "tags/",
        "tag": "tags/margin/",
        "graph": "graph/",
        "calculators": "calculators/",
        "reference": "reference/architecture/",
        "404": "term/no-such-entry/",
    }
    if revisions:
        pages["revision"] = revisions[0].parent.relative_to(site_root).as_posix() + "/"
    return pages


def settle(page: Any) -> None:
    """Wait until the page's scripts have drawn it: load, math, forms, a11y.js's pass."""
    page.wait_for_load_state("load")
    page.wait_for_timeout(600)


def run_axe(page: Any, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict[str, Any]]:
    """axe-core's violations of the given impacts on the page as it is now: id, impact,
    help and, per node, its selector and axe's summary of what to fix."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    return page.evaluate(
        """async (impacts) => {
            const result = await axe.run(document, {resultTypes: ['violations']});
            return result.violations
                .filter((v) => impacts.includes(v.impact))
                .map((v) => ({
                    id: v.id,
                    impact: v.impact,
                    help: v.help,
                    nodes: v.nodes.map((n) => ({target: n.target.join(' '), summary: n.failureSummary})),
                }));
        }""",
        list(impacts),
    )


def describe(violations: list[dict[str, Any]], limit: int = 3) -> str:
    lines = []
    for v in violations:
        lines.append(f"  {v['id']} ({v['impact']}, {len(v['nodes'])} nodes): {v['help']}")
        for node in v["nodes"][:limit]:
            summary = " ".join(str(node["summary"]).split())[:300]
            lines.append(f"    {node['target']}: {summary}")
    return "\n".join(lines)
