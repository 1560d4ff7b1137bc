"""The no-change fast path: a rebuild with the same inputs, options and --seed does nothing,
and any change that could alter an output (an input, an option, the seed, SOURCE_DATE_EPOCH,
an output edited or removed on disk) builds again."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, run_build
from generator import uptodate
from test_build import TINY

QUICK = ("--no-html", "--no-cards", "--no-pdf")  # the notebook and figures are enough to show it


def _outputs(out: Path) -> dict[Path, bytes]:
    # OUT/.lock is the staging transaction's lock (one build per out dir), not an output.
    return {p: p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and ".cache" not in p.parts and p.name != ".lock"}


@pytest.fixture
def tiny(tmp_path) -> tuple[Path, Path]:
    slides = tmp_path / "slides"
    slides.mkdir()
    (slides / "tiny.md").write_text(TINY)
    return slides, tmp_path / "out"


def _build(slides: Path, out: Path, *args: str, epoch: str = "1790000000"):
    done = run_build("--out", str(out), "--slides-dir", str(slides), *QUICK, *args, epoch=epoch)
    assert done.returncode == 0, done.stderr
    return done


def test_second_build_is_up_to_date_and_changes_nothing(tiny):
    slides, out = tiny
    first = _build(slides, out, "--seed", "5")
    assert "wrote" in first.stdout and "up to date" not in first.stdout
    before = _outputs(out)
    assert before
    again = _build(slides, out, "--seed", "5")
    assert again.stdout.strip() == f"up to date: {len(before)} files in {out} unchanged (seed 5)"
    assert _outputs(out) == before
    quiet = _build(slides, out, "--seed", "5", "--quiet")
    assert quiet.stdout == "" and quiet.stderr == ""


def test_any_change_builds_again(tiny):
    """One change at a time, each against the stamp the step before left (one chain, so the
    suite pays for few builds)."""
    slides, out = tiny
    _build(slides, out, "--seed", "5")
    notebook = out / "slides" / "tiny.ipynb"
    written = notebook.read_bytes()

    def rebuilt(*args: str, epoch: str = "1790000000") -> bool:
        done = _build(slides, out, *args, epoch=epoch)
        assert ("up to date" in done.stdout) != ("wrote" in done.stdout), done.stdout
        return "wrote" in done.stdout

    notebook.write_bytes(written + b" ")
    assert rebuilt("--seed", "5") and notebook.read_bytes() == written
    notebook.unlink()
    assert rebuilt("--seed", "5") and notebook.read_bytes() == written
    assert not rebuilt("--seed", "5")
    (slides / "tiny.md").write_text(TINY.replace("Some text", "Other text"))
    assert rebuilt("--seed", "5") and "Other text" in notebook.read_text()
    assert rebuilt("--seed", "6")
    assert rebuilt("--seed", "6", epoch="1790000001")
    assert rebuilt("--seed", "6", "--no-execute", epoch="1790000001")
    assert not rebuilt("--seed", "6", "--no-execute", epoch="1790000001")

    # The answer came before any heavy import: none of them is even loaded.
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1790000001"}
    cmd = [sys.executable, "-X", "importtime", str(ROOT / "build.py"), "--out", str(out), "--slides-dir", str(slides),
           *QUICK, "--seed", "6", "--no-execute"]
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT)
    assert "up to date" in done.stdout, done.stdout
    loaded = {line.split("|")[-1].strip().split(".")[0] for line in done.stderr.splitlines() if "|" in line}
    assert "generator" in loaded and not loaded & {"matplotlib", "numpy", "nbformat", "nbconvert", "genanki", "jinja2", "typst"}


def test_without_seed_every_build_is_a_build(tiny):
    slides, out = tiny
    for _ in range(2):
        done = _build(slides, out)
        assert "up to date" not in done.stdout and "drawn fresh" in done.stdout


@pytest.mark.parametrize("argv", [
    ["--out", "x"],  # no seed: a fresh one is drawn
    ["--seed", "5", "--ou", "x"],  # argparse would expand the abbreviation; the stamp does not guess
    ["--se", "5"],
    ["--seed", "five"],
    ["--seed", "5", "--help"],
    ["--seed", "5", "-h"],
    ["--seed"],
])
def test_unusual_command_lines_take_the_full_path(argv):
    assert uptodate.request(argv) is None


def test_request_reads_paths_seed_and_quiet():
    req = uptodate.request(["07", "--out=o", "--seed", "9", "--quiet", "--paper", "letter"])
    assert req is not None
    assert (req.out, req.seed, req.quiet) == (Path("o"), 9, True)
    # --quiet only changes what is printed, so it is not part of the digest.
    assert req.argv == ("07", "--out=o", "--seed", "9", "--paper", "letter")
