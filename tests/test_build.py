"""`python build.py` as a user runs it: outputs, progress lines, seeds, errors, no damage."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import EPOCH, LESSON, run_build

TINY = """\
---
jupyter:
  kernelspec: {name: python3, display_name: Python 3, language: python}
  lesson: {title: Tiny}
---

# Tiny

Some text with {{ 1 + 1 }}.

<!-- notes -->
notes
<!-- /notes -->

## Second

![a figure](figure:rnn?T=3)

<!-- notes -->
more notes
<!-- /notes -->
"""


def test_full_build_writes_every_output_and_reports_it(built):
    for path in [
        built / "slides" / f"{LESSON}.ipynb",
        built / "slides" / f"{LESSON}.html",
        built / "slides" / f"{LESSON}.css",
        built / "cards" / f"{LESSON}.apkg",
        built / "figures" / "index.html",
    ]:
        assert path.is_file() and path.stat().st_size > 0, path
    assert list((built / "figures" / LESSON).glob("*.svg"))
    assert not list(built.rglob("*.tmp"))


def test_progress_line_per_artifact_and_seed(tmp_path):
    slides = tmp_path / "slides"
    slides.mkdir()
    (slides / "tiny.md").write_text(TINY)
    done = run_build("--out", str(tmp_path / "out"), "--slides-dir", str(slides), "--no-html")
    assert done.returncode == 0, done.stderr
    seed = re.search(r"seed (\d+) \(drawn fresh; rebuild these numbers with --seed \1\)", done.stdout)
    assert seed, done.stdout
    written = re.findall(r"^wrote (\S+)  \((\d+\.\d\d) s\)$", done.stdout, re.M)
    paths = {Path(p).relative_to(tmp_path / "out").as_posix() for p, _ in written}
    assert {"slides/tiny.ipynb", "slides/tiny.css", "figures/index.html"} <= paths
    assert any(p.startswith("figures/tiny/") and p.endswith(".svg") for p in paths)
    for path, _ in written:
        assert Path(path).exists()


def test_help_names_the_options():
    done = run_build("--help")
    assert done.returncode == 0
    for option in ("--out", "--seed", "LESSON", "practice"):
        assert option in done.stdout


def _lesson_dir(tmp_path: Path, text: str) -> Path:
    slides = tmp_path / "slides"
    slides.mkdir(exist_ok=True)
    (slides / "tiny.md").write_text(text)
    return slides


BROKEN = [
    ("malformed marker", TINY.replace("<!-- notes -->\nmore", "<!-- notse -->\nmore"), "<!-- notse -->", "unknown marker"),
    ("unclosed notes", TINY.replace("more notes\n<!-- /notes -->", "more notes"), "<!-- notes -->\nmore", "never closed"),
    ("jinja error", TINY.replace("{{ 1 + 1 }}", "{{ nothing_here }}"), "nothing_here", "template error"),
    ("jinja syntax", TINY.replace("{{ 1 + 1 }}", "{{ 1 + }}"), "{{ 1 + }}", "template error"),
    ("unknown figure", TINY.replace("figure:rnn?T=3", "figure:rnnn?T=3"), "figure:rnnn", "unknown figure"),
    ("bad figure parameter", TINY.replace("figure:rnn?T=3", "figure:rnn?T=0"), "figure:rnn?T=0", "T"),
    # The line comes from the lesson model (front-matter positions kept by the parser).
    ("bad worked example", TINY.replace("  lesson: {title: Tiny}\n", "  lesson:\n    title: Tiny\n    worked_example:\n      seed: -1\n"),
     "    worked_example:", "worked_example"),
]


@pytest.mark.parametrize("name, text, needle, words", BROKEN, ids=[b[0] for b in BROKEN])
def test_bad_source_is_one_line_and_leaves_outputs_intact(tmp_path, name, text, needle, words):
    out = tmp_path / "out"
    slides = _lesson_dir(tmp_path, TINY)
    first = run_build("--out", str(out), "--slides-dir", str(slides), "--no-html", "--seed", "5")
    assert first.returncode == 0, first.stderr
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file() and ".cache" not in p.parts}

    (slides / "tiny.md").write_text(text)
    done = run_build("--out", str(out), "--slides-dir", str(slides), "--no-html", "--seed", "6")
    assert done.returncode == 1
    lines = done.stderr.strip().split("\n")
    assert len(lines) == 1 and "Traceback" not in done.stderr
    first_line = text[: text.index(needle)].count("\n") + 1
    assert lines[0].startswith(f"{slides / 'tiny.md'}:{first_line}: "), lines[0]
    assert words in lines[0]
    after = {p: p.read_bytes() for p in out.rglob("*") if p.is_file() and ".cache" not in p.parts}
    assert after == before


def test_unknown_lesson_is_one_line_error(tmp_path):
    done = run_build("no-such-lesson", "--out", str(tmp_path))
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "unknown" in done.stderr and LESSON in done.stderr
    assert not (tmp_path / "slides").exists()


def test_impossible_seed_is_rejected(tmp_path):
    done = run_build("--seed", "-3", "--out", str(tmp_path))
    assert done.returncode != 0 and "--seed" in done.stderr and "Traceback" not in done.stderr


def test_same_seed_builds_are_byte_identical(built, tmp_path):
    again = tmp_path / "again"
    done = run_build("--out", str(again), "--seed", "1234")
    assert done.returncode == 0, done.stderr
    files = sorted(p.relative_to(built) for p in built.rglob("*") if p.is_file() and ".cache" not in p.parts)
    assert files == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file() and ".cache" not in p.parts)
    for rel in files:
        assert (built / rel).read_bytes() == (again / rel).read_bytes(), rel


def test_malformed_source_date_epoch_is_a_usage_error(tmp_path):
    done = run_build("--out", str(tmp_path), "--seed", "1", epoch="yesterday")
    assert done.returncode == 2 and "SOURCE_DATE_EPOCH" in done.stderr and "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1


def test_deck_with_new_numbers_under_the_same_time_is_warned_once(tmp_path):
    """The lesson build's deck: a new seed under a fixed SOURCE_DATE_EPOCH ships notes Anki
    would not take as newer, so the build warns; the same seed again (identical bytes) and a
    damaged earlier package (no time to compare with) do not."""
    out = tmp_path / "out"
    deck = out / "cards" / f"{LESSON}.apkg"

    def warned(seed: str) -> list[str]:
        done = run_build("--out", str(out), "--seed", seed, "--no-html", "--no-pdf", "--quiet")
        assert done.returncode == 0, done.stderr
        return [line for line in (done.stdout + done.stderr).splitlines() if line.startswith("warning:")]

    assert warned("1") == []
    (line,) = warned("2")
    assert f"{deck}: notes carry modification time {EPOCH}, not later than the previous build's {EPOCH}" in line
    assert warned("2") == []
    deck.write_bytes(b"not a zip")
    assert warned("3") == [] and deck.read_bytes()[:2] == b"PK"
