"""Bad input is a clean error, and nothing an author writes reaches the terminal raw.

Each test runs the command as an author would and states what they see: exit 1 (or 2 for
a bad option), `path:line:col: CODE message` with a hint, no traceback, in seconds.

- YAML 1.2 scalars: `1:30`, `010`, `0x10`, `0b11`, `1_000`, `yes`/`no`/`on`/`off`, `y`/`n`
  are the text written, on the fast (libyaml composer) and the careful (event) route
  alike, and an error where a number is expected - never silently another value.
- Control characters are refused in every value; invisible and bidi characters are
  stripped from all that commands print, and names differing only by them clash.
- Lists nested by indentation, links that loop or lead to /proc/kmsg or a FIFO, a title
  too long for a file name, /dev/full: each is one clear line.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.load.careful import parse_events
from generator.load.fast import compose_fast
from generator.safe_text import for_terminal
from tests.conftest import body_text, entry_yaml, write_clean_glossary

ROOT = Path(__file__).resolve().parents[2]
RELATED = "relations: {related: [margin]}"


def run(*args: str, cache: Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "XDG_CACHE_HOME": str(cache)}
    return subprocess.run(
        [sys.executable, "-m", "generator", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )


def clean_error(result: subprocess.CompletedProcess[str], code: int = 1) -> str:
    output = result.stdout + result.stderr
    assert result.returncode == code, output
    assert "Traceback" not in output and "internal error" not in output, output
    return output


# -- 8. YAML 1.2 scalars -------------------------------------------------------------------------

YAML11_LOOKALIKES = [
    "1:30",
    "010",
    "0x10",
    "0b11",
    "1_000",
    "0o10",
    "yes",
    "no",
    "on",
    "off",
    "y",
    "n",
    "Yes",
    "OFF",
    "+.5e",
    "1__0",
    "0x",
    "12:30:45",
]


def both_routes(text: str) -> tuple[object, object, list[str]]:
    """The data the fast route and the careful route make of `text` (fast: None if it steps aside)."""
    fast = compose_fast(text, "x.yaml")
    careful, problems = parse_events(text, "x.yaml")
    assert careful is not None
    return (fast.data if fast else None), careful.data, [p.code for p in problems]


@pytest.mark.parametrize("written", YAML11_LOOKALIKES)
@pytest.mark.parametrize("layout", ["block", "flow", "list"])
def test_yaml11_lookalikes_are_the_text_written_on_both_routes(written: str, layout: str) -> None:
    text = {"block": f"a: {written}\n", "flow": f"a: {{b: {written}}}\n", "list": f"a:\n  - {written}\n"}[layout]
    fast, careful, problems = both_routes(text)
    expected = {"block": {"a": written}, "flow": {"a": {"b": written}}, "list": {"a": [written]}}[layout]
    assert fast == careful == expected and problems == []


@pytest.mark.parametrize(
    "written, value",
    [
        ("12", 12),
        ("-3", -3),
        ("+7", 7),
        ("0", 0),
        ("0.5", 0.5),
        ("-.5", -0.5),
        ("1e3", 1000.0),
        ("2.5E-3", 0.0025),
        (".inf", math.inf),
        ("-.Inf", -math.inf),
        ("true", True),
        ("FALSE", False),
        ("~", None),
        ("null", None),
        ("", None),
        ("2026-11-20", "2026-11-20"),
    ],
)
def test_decimal_numbers_and_true_false_are_read_alike_on_both_routes(written: str, value: object) -> None:
    fast, careful, _ = both_routes(f"a: {written}\nb: [{written}]\n")
    assert fast == careful
    assert careful["a"] == value and type(careful["a"]) is type(value)


def test_nan_is_a_number_on_both_routes() -> None:
    fast, careful, _ = both_routes("a: .nan\n")
    assert math.isnan(fast["a"]) and math.isnan(careful["a"])


@pytest.mark.parametrize("written", ["!!int 0x10", "!!int 010", "!!int 1_000", "!!bool yes", "!!float 1:30"])
def test_an_explicit_tag_on_a_yaml11_form_is_an_error_not_a_value(written: str) -> None:
    fast, careful, problems = both_routes(f"a: {written}\n")
    assert fast is None  # the fast route steps aside; the careful one explains
    assert problems == ["BAD_VALUE"] and careful["a"] == written.split(" ", 1)[1]


def test_the_shipped_entries_read_the_same_on_both_routes() -> None:
    for path in sorted((ROOT / "terms").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        fast = compose_fast(text, str(path))
        careful, _ = parse_events(text, str(path))
        if fast is not None and careful is not None:
            assert (fast.data, fast.raw) == (careful.data, careful.raw), path.name


@pytest.mark.parametrize(
    "written, reading", [("1:30", "90"), ("010", "8"), ("0x10", "16"), ("0b11", "3"), ("1_000", "1000")]
)
def test_a_yaml11_number_in_an_example_is_an_error_not_a_silent_value(
    glossary_dir: Path, tmp_path: Path, written: str, reading: str
) -> None:
    source = (ROOT / "tests" / "hostile" / "entries" / "example-wrong-value.yaml").read_text()
    (glossary_dir / "doubling.yaml").write_text(
        source.replace("inputs: {y: 1}", f"inputs: {{y: {written}}}").replace("expect: {x: 3}", "expect: {x: 2}")
    )
    output = clean_error(run("validate", "--terms", str(glossary_dir), cache=tmp_path / "cache"))
    line = next(line for line in output.splitlines() if "AMBIGUOUS_VALUE" in line)
    assert line.startswith(f"{glossary_dir / 'doubling.yaml'}:18:17: AMBIGUOUS_VALUE '{written}' is text here")
    assert f"read it as {reading}" in line
    assert "EXAMPLE_MISMATCH" not in output  # never computed as if it were that number


def test_a_number_in_a_text_field_is_kept_as_written(glossary_dir: Path) -> None:
    from generator.pipeline import load_glossary

    margin = glossary_dir / "margin.yaml"
    margin.write_text(
        margin.read_text().replace("aliases: [call]", "aliases: [call, 010, 1.50, on]", 1)
        if "aliases: [call]" in margin.read_text()
        else margin.read_text().replace("title: Margin\n", "title: Margin\naliases: [010, 1.50, on]\n")
    )
    entry = load_glossary(glossary_dir, use_cache=False).entries["margin"]
    assert {"010", "1.50", "on"} <= set(entry.aliases)


# -- 9. control and invisible characters ---------------------------------------------------------


@pytest.mark.parametrize(
    "escape, shown",
    [
        ("\\0", "U+0000 (NUL)"),
        ("\\e", "U+001B (ESC)"),
        ("\\x9b", "U+009B (CSI)"),
        ("\\r", "U+000D (CR)"),
        ("\\x7f", "U+007F (DEL)"),
        ("\\a", "U+0007 (BEL)"),
    ],
)
def test_control_characters_are_refused_in_every_field_with_a_position(
    glossary_dir: Path, tmp_path: Path, escape: str, shown: str
) -> None:
    text = entry_yaml("Controlled", relations=RELATED, extra=f'aliases: ["plain", "x{escape}y"]')
    (glossary_dir / "controlled.yaml").write_text(text)
    output = clean_error(run("validate", "--no-cache", "--terms", str(glossary_dir), cache=tmp_path / "cache"))
    assert f"controlled.yaml:6:20: CONTROL_CHAR the text holds the control character {shown}" in output
    assert "    hint: remove it" in output


def test_tab_and_line_breaks_stay_allowed() -> None:
    fast, careful, problems = both_routes('a: "one\\ttwo\\nthree"\n')
    assert fast == careful == {"a": "one\ttwo\nthree"} and problems == []


def test_names_differing_only_by_invisible_characters_clash(glossary_dir: Path, tmp_path: Path) -> None:
    for slug, title in (
        ("zero-width", "Mar\u200bgin"),
        ("soft-hyphen", "Mar\u00adgin Call"),
        ("bidi", "\u202eLiquidation"),
    ):
        (glossary_dir / f"{slug}.yaml").write_text(entry_yaml(title, relations=RELATED))
    output = clean_error(run("validate", "--terms", str(glossary_dir), cache=tmp_path / "cache"))
    clashes = [line for line in output.splitlines() if ":1:8: NAME_CLASH" in line]
    for slug in ("zero-width", "soft-hyphen", "bidi"):  # reported on whichever of the two gives the name up
        assert any(f"{slug}.yaml:1:8:" in line or f"of '{slug}'" in line for line in clashes), (slug, output)
    assert len(clashes) == 3


def test_what_commands_print_holds_no_invisible_or_bidi_characters(glossary_dir: Path, tmp_path: Path) -> None:
    margin = glossary_dir / "margin.yaml"
    margin.write_text(
        margin.read_text().replace("title: Margin", "title: \u202eMar\u200bgin\u2066 Deposit\u2069\ufeff")
    )
    cache = tmp_path / "cache"
    outputs = [
        run("search", "margin", "--terms", str(glossary_dir), cache=cache),
        run("search", "margin", "--json", "--terms", str(glossary_dir), cache=cache),
        run("cite", "margin", "--terms", str(glossary_dir), cache=cache),
        run("cite", "margin", "--style", "bibtex", "--terms", str(glossary_dir), cache=cache),
    ]
    (glossary_dir / "margin-deposit.yaml").write_text(entry_yaml("Margin\u200b Deposit\u202e", relations=RELATED))
    outputs.append(run("validate", "--terms", str(glossary_dir), cache=cache))  # messages quote the titles
    for result in outputs:
        printed = result.stdout + result.stderr
        assert "Traceback" not in printed
        assert not any(ch in printed for ch in "\u202e\u200b\u2066\u2069\ufeff\x1b"), printed
    assert "Margin Deposit" in outputs[0].stdout and "margin deposit" in outputs[2].stdout.lower()


@pytest.mark.parametrize(
    "text, shown",
    [
        ("a\x1b[2Jb", "a[2Jb"),
        ("x\u202ey\u200bz", "xyz"),
        ("t\tn\n", "t\tn\n"),
        ("\x9b31m\r", "31m"),
        ("plain", "plain"),
        ("Zürich €", "Zürich €"),
    ],
)
def test_for_terminal(text: str, shown: str) -> None:
    assert for_terminal(text) == shown


# -- 9. deep nesting, links, long names, write errors ---------------------------------------------


def test_a_list_nested_260_levels_by_indentation_is_a_clean_error_in_validate_and_build(
    glossary_dir: Path, tmp_path: Path
) -> None:
    body = body_text(100) + "\n\n" + "\n".join(" " * (4 * level) + "- item" for level in range(260)) + "\n"
    (glossary_dir / "deep.yaml").write_text(entry_yaml("Deep", relations=RELATED, body=body))
    started = time.monotonic()
    output = clean_error(run("validate", "--terms", str(glossary_dir), cache=tmp_path / "cache"))
    assert "deep.yaml:10:7: MARKUP_LIMIT a line is indented 132 columns or more" in output
    built = run(
        "build",
        "--terms",
        str(glossary_dir),
        "--site-dir",
        str(tmp_path / "site"),
        cache=tmp_path / "cache",
        timeout=120,
    )
    output = clean_error(built)
    assert "MARKUP_LIMIT" in output and "RecursionError" not in output
    assert time.monotonic() - started < 20  # each well under 10 s; two interpreters and a MkDocs start


@pytest.mark.parametrize("cached", [True, False], ids=["cache", "no-cache"])
@pytest.mark.parametrize("link", ["loop", "pair-loop", "proc-kmsg", "fifo-inside", "fifo-outside", "dangling"])
def test_bad_links_are_clean_errors_before_anything_reads_them(
    glossary_dir: Path, tmp_path: Path, link: str, cached: bool
) -> None:
    if link == "proc-kmsg" and not os.path.exists("/proc/kmsg"):
        pytest.skip("no /proc/kmsg here")
    name = glossary_dir / "bad-link.yaml"
    if link == "loop":
        name.symlink_to("bad-link.yaml")
    elif link == "pair-loop":
        name.symlink_to("other.yaml")
        (glossary_dir / "other.yaml").symlink_to("bad-link.yaml")
    elif link == "proc-kmsg":
        name.symlink_to("/proc/kmsg")  # reading it waits for kernel messages: forever
    elif link == "fifo-inside":
        os.mkfifo(glossary_dir / ".pipe")
        name.symlink_to(".pipe")
    elif link == "fifo-outside":
        os.mkfifo(tmp_path / "pipe")
        name.symlink_to(tmp_path / "pipe")
    else:
        name.symlink_to("missing.yaml")
    args = ["validate", "--terms", str(glossary_dir)] + ([] if cached else ["--no-cache"])
    started = time.monotonic()
    output = clean_error(run(*args, cache=tmp_path / "cache", timeout=30))
    assert time.monotonic() - started < 10
    assert f"{name}:1:1: FILE_UNREADABLE" in output and "    hint: " in output
    search = run("search", "margin", "--terms", str(glossary_dir), cache=tmp_path / "cache", timeout=30)
    assert search.returncode == 0 and "Traceback" not in search.stderr


def test_new_with_a_300_character_title_is_a_clean_error(glossary_dir: Path, tmp_path: Path) -> None:
    before = sorted(p.name for p in glossary_dir.iterdir())
    result = run("new", "Leverage " * 33 + "Ratio", "--terms", str(glossary_dir), cache=tmp_path / "cache")
    output = clean_error(result, code=2)
    assert "the limit is 100" in output
    assert sorted(p.name for p in glossary_dir.iterdir()) == before


def test_new_on_a_full_disk_is_a_clean_error_and_leaves_nothing(
    glossary_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator.cli import main

    def full(*args: object, **kwargs: object) -> object:
        raise OSError(28, "No space left on device")

    before = sorted(p.name for p in glossary_dir.iterdir())
    monkeypatch.setattr(os, "fdopen", full)
    assert main(["new", "Funding Basis", "--terms", str(glossary_dir)]) == 1
    monkeypatch.undo()
    assert "No space left on device" in capsys.readouterr().err
    assert sorted(p.name for p in glossary_dir.iterdir()) == before  # no empty entry, no temporary file


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
@pytest.mark.parametrize(
    "command",
    [
        ["export", "json", "--no-history"],
        ["export", "csv", "--no-history"],
        ["validate"],
        ["search", "margin"],
        ["cite", "margin"],
    ],
)
def test_writing_to_a_full_device_is_a_clean_error(glossary_dir: Path, tmp_path: Path, command: list[str]) -> None:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "XDG_CACHE_HOME": str(tmp_path / "cache")}
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "generator", *command, "--terms", str(glossary_dir)],
            cwd=ROOT,
            env=env,
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    assert result.returncode == 1, result.stderr
    assert result.stderr.strip().endswith("cannot write the output: No space left on device"), result.stderr
    assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr


def test_site_dir_on_an_unwritable_path_is_a_clean_error(glossary_dir: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n")
    for site in (blocker / "site", Path("/proc/self/site")):
        output = clean_error(
            run("build", "--terms", str(glossary_dir), "--site-dir", str(site), cache=tmp_path / "cache")
        )
        assert "cannot write the site" in output and "unchanged" in output
    assert blocker.read_text() == "not a folder\n"


def test_the_checker_never_sees_a_control_character_from_either_route() -> None:
    """Both routes agree on a file with an escape: the fast one steps aside, the careful one reports."""
    fast = compose_fast('title: "a\\x01b"\n', "x.yaml")
    careful, problems = parse_events('title: "a\\x01b"\n', "x.yaml")
    assert fast is None and careful is not None
    assert careful.data == {"title": "ab"} and [p.code for p in problems] == ["CONTROL_CHAR"]


def test_a_fresh_glossary_still_validates(tmp_path: Path) -> None:
    terms = write_clean_glossary(tmp_path / "terms")
    result = run("validate", "--terms", str(terms), cache=tmp_path / "cache")
    assert result.returncode == 0 and result.stdout.strip() == "4 entries checked: no problems."
