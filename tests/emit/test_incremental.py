"""`glossary serve` patches the site after an edit (generator/emit/mkdocs/live.py): after every
step of a random sequence of edits, the patched site is the site a full build makes of the
same entries, byte for byte; an edit that breaks the glossary changes nothing."""

from __future__ import annotations

import os
import random
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # `bench` is not installed
    sys.path.insert(0, str(ROOT))

from bench.corpus import write_corpus  # noqa: E402

SERVE_URL = "http://127.0.0.1:8000/"


def _files(site: Path) -> dict[str, bytes]:
    return {str(path.relative_to(site)): path.read_bytes() for path in sorted(site.rglob("*")) if path.is_file()}


def _different(a: Path, b: Path) -> list[str]:
    left, right = _files(a), _files(b)
    return sorted(path for path in left.keys() | right.keys() if left.get(path) != right.get(path))


class Terms:
    """The entry files, read and written as data."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def slugs(self) -> list[str]:
        return sorted(path.stem for path in self.folder.glob("*.yaml"))

    def read(self, slug: str) -> dict[str, Any]:
        return yaml.safe_load((self.folder / f"{slug}.yaml").read_text(encoding="utf-8"))

    def write(self, slug: str, data: dict[str, Any]) -> None:
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
        (self.folder / f"{slug}.yaml").write_text(text, encoding="utf-8")


KINDS = (
    "body",
    "in brief",
    "summary",
    "modified",
    "relation",
    "unrelate",
    "area",
    "alias",
    "tag",
    "new tag",
    "title",
    "example",
    "add",
    "break",
)


def _edits(terms: Terms, rng: random.Random) -> Iterator[tuple[str, bool]]:
    """(what was done, whether the glossary is still valid), one edit at a time: every kind
    of edit once, and two more, in a random order."""
    plan = [*KINDS, *rng.choices(KINDS, k=2)]
    rng.shuffle(plan)
    added: list[str] = []
    areas = [s for s in terms.slugs() if terms.read(s)["kind"] == "area"]
    for step, choice in enumerate(plan):
        slugs = [s for s in terms.slugs() if terms.read(s)["kind"] != "area"]
        slug = rng.choice(slugs)
        data = terms.read(slug)
        if choice == "body":
            data["body"] += f"\nOne more sentence, number {step}.\n"
        elif choice == "in brief":
            slug = next((s for s in slugs if terms.read(s).get("in_brief")), slug)
            data = terms.read(slug)
            data["in_brief"] = data.get("in_brief", "") + f" Edited at step {step}."
        elif choice == "summary":
            data["summary"] = f"Edited at step {step}: " + data["summary"]
        elif choice == "modified":
            data["modified"] = f"2026-12-{rng.randint(1, 6):02d}"
        elif choice == "relation":
            other = rng.choice([s for s in slugs if s != slug])
            data.setdefault("relations", {}).setdefault("related", []).append(other)
        elif choice == "unrelate":
            slug = next((s for s in slugs if terms.read(s).get("relations", {}).get("related")), slug)
            data = terms.read(slug)
            data.get("relations", {}).get("related", [None]).pop()
        elif choice == "area":
            data["areas"] = [rng.choice([a for a in areas if a not in data["areas"]])]
        elif choice == "alias":
            data["aliases"] = [*data.get("aliases", []), f"alias at step {step}"]
        elif choice in ("tag", "new tag"):
            known = sorted({t for s in slugs for t in terms.read(s).get("tags", [])}) or ["margin"]
            data["tags"] = sorted({*data.get("tags", []), f"step-{step}" if choice == "new tag" else rng.choice(known)})
        elif choice == "title":
            data["title"] += f" Step{step}"
        elif choice == "example":
            slug = next((s for s in slugs if terms.read(s).get("examples")), slug)
            data = terms.read(slug)
            data.get("examples", [{}])[0]["title"] = f"Example retitled at step {step}"
        elif choice == "add":
            new = f"added-entry-{step}"
            data.update(title=f"Added Entry {step}", relations={"related": [slug]})
            data.pop("aliases", None)  # a name leads to one entry
            data.pop("abbreviations", None)
            terms.write(new, data)
            added.append(new)
            data = terms.read(slug)  # unchanged
        else:  # break an entry, show that nothing changes, then mend it
            good = (terms.folder / f"{slug}.yaml").read_bytes()
            terms.write(slug, {key: value for key, value in data.items() if key != "kind"})
            yield f"break {slug}", False
            (terms.folder / f"{slug}.yaml").write_bytes(good)
            data, choice = terms.read(slug), "mend"
        terms.write(slug, data)
        if choice == "add" or not added or rng.random() < 0.7:
            yield f"{choice} {slug}", True
            continue
        gone = added.pop()  # delete an entry added earlier: nothing links to it
        (terms.folder / f"{gone}.yaml").unlink()
        yield f"{choice} {slug}, delete {gone}", True


def test_a_patched_site_equals_a_full_build_after_every_edit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort

    from generator.emit.mkdocs import live
    from generator.settings import CONFIG_FILE

    folder = tmp_path / "terms"
    write_corpus(40, folder)
    monkeypatch.setenv("GLOSSARY_TERMS", str(folder))
    monkeypatch.setenv("GLOSSARY_SERVE", "1")
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")

    def config(site: Path) -> Any:
        made = load_config(str(CONFIG_FILE), site_dir=str(site))
        made.site_url = SERVE_URL  # as `mkdocs serve` sets it
        return made

    lists_made: list[bool] = []
    render = live.render_site

    def render_site(*args: Any, **kwargs: Any) -> Any:
        lists_made.append(kwargs.get("lists", True))
        return render(*args, **kwargs)

    monkeypatch.setattr(live, "render_site", render_site)
    served, fresh = tmp_path / "served", tmp_path / "fresh"
    build(config(served))
    rebuild = live.Rebuilder(lambda: build(config(served)), served)
    patched = 0
    for done, valid in _edits(Terms(folder), random.Random(20261206)):
        before = _files(served)
        if not valid:
            with pytest.raises(Abort, match="error"):
                rebuild()
            assert _files(served) == before, f"{done}: a broken edit changed the site"
            continue
        state = live.state_of(served)
        rebuild()
        patched += state is not None and live.state_of(served) is state  # patched, not built anew
        live.state_of(served).wait()
        shutil.rmtree(fresh, ignore_errors=True)
        build(config(fresh))
        assert not _different(served, fresh), f"after '{done}': {_different(served, fresh)[:10]}"
    assert patched >= len(KINDS) // 3  # many edits were patched in place, not rebuilt whole
    assert False in lists_made  # prose edits left the lists as they were, and still equal a full build
    assert os.path.isdir(served)


def test_while_serving_a_page_a_theme_worker_wrote_is_left_as_written(monkeypatch: pytest.MonkeyPatch) -> None:
    """MkDocs writes a page only if the theme's output is not empty; a page a theme worker
    has written comes back empty, and the serve banner's script must not make it otherwise
    (it would replace the page with the script alone)."""
    from types import SimpleNamespace

    from generator.emit.mkdocs.plugin import GlossaryPlugin

    monkeypatch.setenv("GLOSSARY_SERVE", "1")
    plugin = GlossaryPlugin()
    page = SimpleNamespace(file=SimpleNamespace(generated_by=None))
    config = SimpleNamespace(site_url=SERVE_URL)
    assert plugin.on_post_page("", page=page, config=config) == ""
    written = plugin.on_post_page("<html><head></head><body><p>x</p></body></html>", page=page, config=config)
    assert written.count("serve-status.js") == 1 and "<p>x</p>" in written
