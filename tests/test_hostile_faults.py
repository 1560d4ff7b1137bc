"""Faults during a build: Ctrl-C and SIGKILL at every point a build passes, I/O
errors at the write call, stale leftovers, damaged caches.

The old state is a build of the real course; the new build changes the lesson
text, swaps one figure for another (a file added, three removed) and draws new
practice numbers (a new .apkg). After any fault every output must be the old
bytes or the new bytes, and after the next build exactly the new ones, with no
temp files or staging folder left.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import signal
import stat
import tarfile
from pathlib import Path

import pytest

from conftest import EPOCH, LESSON
from hostile import LESSON_MD, build_args, copy_sources, leftovers, run_forked, run_inprocess, run_process, snapshot

NEW_SEED = "4321"
NEW_ENV = {"SOURCE_DATE_EPOCH": str(int(EPOCH) + 60)}  # a later commit: new numbers, no "not newer" warning


def small_pools(work: Path) -> None:
    """Two problems per practice note instead of twenty: the fault points are the
    staging's, whatever the deck holds, and each point costs a build or two."""
    settings = work / "cards" / f"{LESSON}.practice.toml"
    text = settings.read_text(encoding="utf-8")
    assert "pool = 20" in text
    settings.write_text(text.replace("pool = 20", "pool = 2"), encoding="utf-8")


@pytest.fixture(scope="module")
def states(tmp_path_factory):
    """(old work, new work, old out, old snapshot, new snapshot, fault points of the new build)."""
    base = tmp_path_factory.mktemp("faults")
    old_work = copy_sources(base / "old-src")
    new_work = copy_sources(base / "new-src")
    for work in (old_work, new_work):
        small_pools(work)
    lesson = new_work / LESSON_MD
    source = lesson.read_text(encoding="utf-8")
    assert "Two tools for data" in source and "figure:rnn?T=5" in source
    lesson.write_text(source.replace("Two tools for data", "Two tools (new) for data").replace("figure:rnn?T=5", "figure:rnn?T=4"), encoding="utf-8")

    old_out = base / "old-out"
    assert run_inprocess(build_args(old_work, old_out, "--no-html")).status == 0
    old = snapshot(old_out)

    # The new state, reached the normal way; and every fault point it passes, recorded.
    new_out = base / "new-out"
    shutil.copytree(old_out, new_out)
    import generator.faults as faults

    points: list[str] = []
    faults.observer = points.append
    try:
        done = run_inprocess(build_args(new_work, new_out, "--no-html", seed=NEW_SEED), env=NEW_ENV)
    finally:
        faults.observer = None
    assert done.status == 0, done.stderr
    new = snapshot(new_out)
    # Every figure the new build needs, in the old out dir's cache: the fault runs
    # below then draw nothing (the cache is no output, so the snapshots leave it out).
    shutil.copytree(new_out / ".cache", old_out / ".cache", dirs_exist_ok=True)
    changed = {rel for rel in new if old.get(rel) != new[rel]}
    # The change touches what it should: slides, the deck, figure files both ways.
    assert f"slides/{LESSON}.ipynb" in changed and f"cards/{LESSON}.apkg" in changed
    assert set(old) - set(new) and any(rel.startswith("figures/") for rel in changed)
    return old_work, new_work, old_out, old, new, points


def test_the_new_build_passes_at_least_20_fault_points(states):
    points = states[5]
    assert len(points) >= 20, points
    assert {"commit", "moved"} <= set(points) and any(p.startswith("move:") for p in points)


def mixed_ok(out: Path, old: dict[str, str], new: dict[str, str]) -> None:
    """Every output is the old file or the new file (a file may be absent only where one side lacks it)."""
    now = {rel: digest for rel, digest in snapshot(out).items() if not rel.startswith(".staging/")}
    for rel in set(old) | set(new) | set(now):
        assert now.get(rel) in (old.get(rel), new.get(rel)), f"{rel} is neither old nor new"


def fresh_copy(old_out: Path, tmp_path: Path) -> Path:
    out = tmp_path / "out"
    shutil.copytree(old_out, out)
    return out


def rebuild_gives_new(new_work: Path, out: Path, new: dict[str, str]) -> None:
    done = run_inprocess(build_args(new_work, out, "--no-html", seed=NEW_SEED), env=NEW_ENV)
    assert done.status == 0, done.stderr
    assert snapshot(out) == new
    assert leftovers(out) == []


def rebuild_gives_new_except(new_work: Path, out: Path, new: dict[str, str], foreign: set[str]) -> None:
    """As rebuild_gives_new, with files that are not the build's left where they are."""
    done = run_inprocess(build_args(new_work, out, "--no-html", seed=NEW_SEED), env=NEW_ENV)
    assert done.status == 0, done.stderr
    assert {k: v for k, v in snapshot(out).items() if k not in foreign} == new
    assert [p for p in leftovers(out) if p not in foreign] == []


def test_sigint_at_every_point(states, tmp_path):
    """Ctrl-C (a real SIGINT, delivered in this process) at each point: one line, exit 130,
    outputs all old (before the commit point) or all new (after it), nothing left behind."""
    old_work, new_work, old_out, old, new, points = states
    for point in points:
        out = fresh_copy(old_out, tmp_path / point.replace(":", "-"))
        run = run_inprocess(build_args(new_work, out, "--no-html", seed=NEW_SEED), env={**NEW_ENV, "SEQVISION_FAULT_AT": f"{point}:INT"})
        assert run.status == 130, (point, run.stderr)
        assert len(run.lines) == 1 and run.lines[0].startswith("interrupted") and "Traceback" not in run.stderr, point
        assert snapshot(out) in (old, new), point
        assert snapshot(out) == (new if point in ("commit", "moved") or point.startswith("move:") else old), point
        assert leftovers(out) == [], point
        rebuild_gives_new(new_work, out, new)


def test_sigkill_at_every_point(states, tmp_path):
    """SIGKILL (no cleanup at all) at each point: each output old or new; the next build finishes the job."""
    old_work, new_work, old_out, old, new, points = states
    for point in points:
        out = fresh_copy(old_out, tmp_path / point.replace(":", "-"))
        status = run_forked(build_args(new_work, out, "--no-html", seed=NEW_SEED), env={**NEW_ENV, "SEQVISION_FAULT_AT": f"{point}:KILL"})
        assert status == -signal.SIGKILL, point
        mixed_ok(out, old, new)
        rebuild_gives_new(new_work, out, new)


@pytest.mark.parametrize("what", ["ENOSPC", "EROFS", "EACCES"])
@pytest.mark.parametrize("at", ["write:1", "write:3"])
def test_write_errors_change_nothing(states, tmp_path, what, at):
    """A full disk or read-only out dir at the write call: one line naming the output, exit 1, all old."""
    old_work, new_work, old_out, old, new, points = states
    out = fresh_copy(old_out, tmp_path)
    run = run_inprocess(build_args(new_work, out, "--no-html", seed=NEW_SEED), env={**NEW_ENV, "SEQVISION_FAULT_AT": f"{at}:{what}"})
    assert run.status == 1 and len(run.lines) == 1 and "Traceback" not in run.stderr, run.stderr
    assert run.lines[0].startswith(str(out)) and os.strerror(getattr(__import__("errno"), what)) in run.lines[0]
    assert snapshot(out) == old and leftovers(out) == []


def test_stale_leftovers_are_removed(states, tmp_path):
    """Temp files and a staging folder without a journal (a build killed before its commit point)."""
    old_work, new_work, old_out, old, new, points = states
    out = fresh_copy(old_out, tmp_path)
    (out / "slides" / f".{LESSON}.css.a1b2c3d4.tmp").write_bytes(b"half")
    (out / ".cache" / "figures" / ".rnn-0123.png.zzzzzzzz.tmp").write_bytes(b"half")
    (out / ".staging" / "slides").mkdir(parents=True)
    (out / ".staging" / "slides" / f"{LESSON}.ipynb").write_bytes(b"never committed")
    (out / ".notes.a1b2c3d4.tmp").write_bytes(b"someone else's file, beside the outputs")
    rebuild_gives_new_except(new_work, out, new, {".notes.a1b2c3d4.tmp"})
    assert [p.name for p in out.rglob("*.tmp")] == [".notes.a1b2c3d4.tmp"]


def test_a_committed_journal_is_finished(states, tmp_path):
    """Journal on disk, nothing moved: the next build (here: a failing one) still completes the move first."""
    old_work, new_work, old_out, old, new, points = states
    out = fresh_copy(old_out, tmp_path)
    run = run_process(build_args(new_work, out, "--no-html", seed=NEW_SEED), env={**NEW_ENV, "SEQVISION_FAULT_AT": "commit:KILL"})
    assert run.status == -signal.SIGKILL and snapshot(out) != new
    spoiled = copy_sources(tmp_path / "bad")
    (spoiled / LESSON_MD).write_text("---\njupyter: 5\n---\n", encoding="utf-8")
    bad = run_inprocess(build_args(spoiled, out, "--no-html"))
    assert bad.status == 1 and len(bad.lines) == 1
    assert snapshot(out) == new and leftovers(out) == []


def test_outputs_follow_the_umask(states, tmp_path):
    old_work, new_work, old_out, old, new, points = states
    for mask, mode in ((0o022, 0o644), (0o077, 0o600)):
        out = tmp_path / f"out-{mask:o}"
        previous = os.umask(mask)
        try:
            assert run_inprocess(build_args(new_work, out, "--no-html", seed=NEW_SEED), env=NEW_ENV).status == 0
        finally:
            os.umask(previous)
        for rel in new:
            assert stat.S_IMODE((out / rel).stat().st_mode) == mode, (rel, oct(mode))


# --- damaged caches -------------------------------------------------------------------


def test_damaged_figure_cache_entry_is_drawn_again(states, tmp_path):
    old_work, new_work, old_out, old, new, points = states
    out = fresh_copy(old_out, tmp_path)
    cache = out / ".cache" / "figures"
    (used,) = (out / "figures" / LESSON).glob("rnn-*.svg")  # the slides' RNN figure, as the old build drew it
    svg = cache / used.name
    svg.write_bytes(svg.read_bytes()[: len(svg.read_bytes()) // 2])
    for png in cache.glob("attention_head-*.png"):  # the slides embed these
        png.write_bytes(png.read_bytes()[:100])
    run = run_inprocess(build_args(old_work, out, "--no-html"))
    assert run.status == 0, run.stderr
    warned = [line for line in run.lines if "damaged figure cache entry" in line]
    assert len(warned) >= 2 and len(run.lines) == len(warned)
    assert snapshot(out) == old  # same bytes as the build made from a sound cache


def test_figure_cache_entry_without_digest_is_drawn_again(states, tmp_path):
    old_work, new_work, old_out, old, new, points = states
    out = fresh_copy(old_out, tmp_path)
    for digest in (out / ".cache" / "figures").glob("*.sha256"):
        digest.unlink()
    assert run_inprocess(build_args(old_work, out, "--no-html")).status == 0
    assert snapshot(out) == old


@pytest.fixture
def vendor(tmp_path) -> Path:
    """A private copy of the vendor cache, so damaging it touches nobody else's builds."""
    from generator.vendor import default_cache, ensure_assets

    ensure_assets()  # the shared cache is sound (fetched if it was not)
    copy = tmp_path / "vendor"
    shutil.copytree(default_cache(), copy, ignore=shutil.ignore_patterns(".lock", ".fetch-*"))
    return copy


def test_damaged_vendor_file_is_fetched_again(vendor, states, tmp_path):
    old_work = states[0]
    reveal = vendor / "reveal.js-4.6.1" / "dist" / "reveal.js"
    good = reveal.read_bytes()
    reference = tmp_path / "ref"
    assert run_inprocess(build_args(old_work, reference, "--no-cards"), env={"SEQVISION_VENDOR_DIR": str(vendor)}).status == 0
    reveal.write_bytes(good[: len(good) // 2])
    (vendor / ".fetch-stale").mkdir()
    (vendor / "tmpk1ll3d").mkdir()  # what a killed fetch of the old code left
    out = tmp_path / "out"
    run = run_inprocess(build_args(old_work, out, "--no-cards"), env={"SEQVISION_VENDOR_DIR": str(vendor)})
    assert run.status == 0, run.stderr
    assert len(run.lines) == 1 and "damaged vendor file" in run.lines[0] and str(reveal) in run.lines[0]
    assert reveal.read_bytes() == good
    assert (out / "slides" / f"{LESSON}.html").read_bytes() == (reference / "slides" / f"{LESSON}.html").read_bytes()
    assert sorted(p.name for p in vendor.iterdir()) == [".lock", "mathjax-3.2.2", "reveal.js-4.6.1"]


def fake_npm(folder: Path, tarball: Path | None) -> dict[str, str]:
    """An npm on PATH that 'packs' ``tarball`` (or fails)."""
    folder.mkdir()
    script = folder / "npm"
    body = f'cp "{tarball}" ./reveal.js-4.6.1.tgz' if tarball else 'echo "npm ERR! network" >&2; exit 1'
    script.write_text(f"#!/bin/sh\n{body}\n")
    script.chmod(0o755)
    return {"PATH": f"{folder}:{os.environ['PATH']}"}


@pytest.mark.parametrize("kind", ["tampered", "offline"])
def test_failed_vendor_fetch_leaves_nothing(vendor, states, tmp_path, kind):
    """A tarball that does not match npm's integrity hash, or no network: one line, exit 1,
    no fetch folder left, earlier outputs intact."""
    old_work, new_work, old_out, old, new, points = states
    shutil.rmtree(vendor / "reveal.js-4.6.1")
    tarball = None
    if kind == "tampered":
        tarball = tmp_path / "evil.tgz"
        payload = tmp_path / "reveal.js"
        payload.write_text("alert('not reveal.js')")
        with tarfile.open(tarball, "w:gz") as archive:
            archive.add(payload, arcname="package/dist/reveal.js")
    out = fresh_copy(old_out, tmp_path)
    env = {"SEQVISION_VENDOR_DIR": str(vendor), **fake_npm(tmp_path / "bin", tarball)}
    run = run_inprocess(build_args(old_work, out, "--no-cards"), env=env)
    assert run.status == 1 and len(run.lines) == 1 and "Traceback" not in run.stderr, run.stderr
    assert ("integrity" if kind == "tampered" else "npm pack reveal.js@4.6.1 failed") in run.lines[0]
    assert sorted(p.name for p in vendor.iterdir()) == [".lock", "mathjax-3.2.2"]
    assert snapshot(out) == old


def test_vendor_pins_match_the_tarballs_npm_publishes(tmp_path):
    """The pinned sha256 of each inlined file, recomputed from a tarball that matches the registry's
    integrity (fetched with npm pack), so a wrong pin cannot hide."""
    import base64
    import subprocess

    from generator import vendor

    for package, version in vendor.PACKAGES.items():
        done = subprocess.run(["npm", "pack", f"{package}@{version}", "--silent"], cwd=tmp_path, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        (tgz,) = tmp_path.glob(f"{package}-*.tgz") if package != "reveal.js" else tmp_path.glob("reveal.js-*.tgz")
        published = subprocess.run(["npm", "view", f"{package}@{version}", "dist.integrity"], capture_output=True, text=True)
        assert published.stdout.strip() == vendor.INTEGRITY[package]
        assert "sha512-" + base64.b64encode(hashlib.sha512(tgz.read_bytes()).digest()).decode() == vendor.INTEGRITY[package]
        with tarfile.open(tgz) as archive:
            for (pkg, inner), digest in vendor.SHA256.items():
                if pkg == package:
                    assert hashlib.sha256(archive.extractfile(f"package/{inner}").read()).hexdigest() == digest


def test_apkg_warning_names_its_path_once(states, tmp_path):
    """New numbers under the same SOURCE_DATE_EPOCH: one warning line, the package named once."""
    old_work, new_work, old_out, old, new, points = states
    out = fresh_copy(old_out, tmp_path)
    run = run_inprocess(build_args(old_work, out, "--no-html", seed=NEW_SEED))  # the old epoch again
    assert run.status == 0, run.stderr
    (line,) = run.lines
    apkg = str(out / "cards" / f"{LESSON}.apkg")
    assert line.startswith(f"warning: {apkg}: ") and line.count(apkg) == 1 and ".staging" not in line
