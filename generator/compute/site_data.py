"""Everything the renderer needs, computed once: the `compute` step in front of `render`.

Render must be a pure function of its input, so the work that runs code on entry data
(recomputing worked examples, running calculators, drawing charts) happens here and
its results are handed over as plain frozen data. A chart is drawn where it is first
asked for (`WorkedExample.chart`): a function of its calculator run alone, it is the same
whoever draws it, and for a large glossary the pages that show it are rendered in worker
processes, which then draw the charts in parallel instead of this process alone.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from generator.compute import charts
from generator.link.graph import Graph
from generator.model import Entry, Example

if TYPE_CHECKING:
    from generator.calc.worked_examples import ExampleResult


@dataclass(frozen=True, slots=True)
class SiteConfig:
    """Facts about the published site that pages and citations state."""

    site_url: str
    site_name: str
    build_day: date
    # Python-Markdown as MkDocs sets it up (mkdocs.yml's markdown_extensions), for the author
    # text that goes into finished HTML; empty means "read mkdocs.yml" (tests, benchmarks)
    markdown_extensions: tuple[Any, ...] = ()
    mdx_configs: Mapping[str, Any] = field(default_factory=dict)

    @property
    def base(self) -> str:
        return self.site_url if self.site_url.endswith("/") else self.site_url + "/"


@dataclass(frozen=True, slots=True)
class WorkedExample:
    """One worked example as computed at build time, with its chart when there is one."""

    entry: str
    example: Example
    result: ExampleResult

    @property
    def chart(self) -> str | None:
        return _example_chart(self.example, self.result)


@dataclass(frozen=True, slots=True)
class CalculatorDoc:
    """A calculator for the /calculators/ page: its definition and one worked run."""

    calculator: Any  # leverage.Calculator
    example: WorkedExample | None
    run: Any  # leverage.CalcResult | None: the calculator's demonstration, when no entry has an example
    used_by: tuple[str, ...]  # slugs of entries with examples that use it

    @property
    def chart(self) -> str | None:
        return self.example.chart if self.example else _chart(self.run)


@dataclass(frozen=True)
class SiteData:
    entries: Mapping[str, Entry]
    graph: Graph
    examples: Mapping[str, tuple[WorkedExample, ...]]
    calculators: tuple[CalculatorDoc, ...]
    config: SiteConfig
    extra: Mapping[str, Any] = field(default_factory=dict)  # later stages' data, e.g. revision history


# A chart is a function of its calculator run alone, and the same runs come back on every
# rebuild while serving: each is drawn once per process.
_CHARTS: dict[tuple[str, str], str | None] = {}
_CHARTS_KEPT = 4096


def _chart(result: Any) -> str | None:
    if result is None:
        return None
    key = (result.calculator, repr(sorted(result.inputs.items())))
    if key not in _CHARTS:
        if len(_CHARTS) >= _CHARTS_KEPT:
            _CHARTS.clear()
        svg = charts.chart_for(result)
        _CHARTS[key] = svg if svg and _svg_is_inert(svg) else None
    return _CHARTS[key]


def _example_chart(example: Example, result: Any) -> str | None:
    """Charts draw the calculator run the example's result already holds."""
    if not example.calculator or result.error is not None or result.run is None:
        return None
    return _chart(result.run)


def _svg_is_inert(svg: str) -> bool:
    """Charts are generated from numbers, but check: no script, handlers or remote references."""
    lowered = svg.lower()
    if any(marker in lowered for marker in ("<script", "javascript:", "<foreignobject", "<iframe")):
        return False
    return not re.search(r"\son[a-z]+\s*=|(?:href|src)\s*=\s*[\"']?\s*(?:https?:)?//", lowered)


def collect_site_data(
    entries: Mapping[str, Entry], graph: Graph, config: SiteConfig, computed: Mapping[str, tuple[ExampleResult, ...]]
) -> SiteData:
    """The pages' data: each worked example as the checker computed it (`computed`, slug ->
    results in order: `pipeline.Loaded.examples`, or `worked_examples.compute_entry` for
    entries made in code), its chart, and a run of each calculator no entry demonstrates."""
    from generator.calc import calculators as leverage

    examples: dict[str, tuple[WorkedExample, ...]] = {}
    by_calculator: dict[str, list[WorkedExample]] = {}
    for slug, entry in entries.items():
        worked = []
        results = computed[slug] if entry.examples else ()
        if len(results) != len(entry.examples):
            raise ValueError(f"{slug}: {len(entry.examples)} worked examples but {len(results)} results")
        for example, result in zip(entry.examples, results, strict=True):
            worked_example = WorkedExample(slug, example, result)
            worked.append(worked_example)
            if example.calculator and result.ok:
                by_calculator.setdefault(example.calculator, []).append(worked_example)
        examples[slug] = tuple(worked)

    docs = []
    for name, calculator in leverage.CALCULATORS.items():
        uses = by_calculator.get(name, [])
        first = uses[0] if uses else None
        run = None
        if first is None and calculator.example:
            try:
                run = leverage.run(name, calculator.example)
            except leverage.CalculatorError:
                run = None  # the calculators' own tests catch a broken demonstration
        docs.append(
            CalculatorDoc(
                calculator=calculator,
                example=first,
                run=run,
                used_by=tuple(dict.fromkeys(w.entry for w in uses)),
            )
        )
    return SiteData(entries, graph, examples, tuple(docs), config)
