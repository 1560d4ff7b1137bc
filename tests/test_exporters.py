"""The exporter interface: a registry row plus a module is an output; one writer writes a build."""
from __future__ import annotations

import os
import sys
import types
from pathlib import Path

import pytest

from conftest import run_build
from test_build import TINY

from generator import exporters
from generator.build import Options, build
from generator.exporters import EXPORTERS, Export, Exporter
from generator.files import write_files


def _options(tmp_path: Path, **kw) -> Options:
    slides = tmp_path / "slides"
    slides.mkdir(exist_ok=True)
    (slides / "tiny.md").write_text(TINY)
    return Options(out=tmp_path / "out", seed=5, mtime=1_790_000_000, slides_dir=slides, cards_dir=tmp_path / "none", **kw)


def test_every_skippable_exporter_has_its_no_flag():
    done = run_build("--help")
    flags = {f"--no-{e.name}" for e in EXPORTERS if e.skippable}
    assert {"--no-html", "--no-cards"} <= flags
    for flag in flags:
        assert flag in done.stdout


def test_write_files_writes_removes_and_leaves_equal_files_alone(tmp_path):
    (tmp_path / "old.txt").write_bytes(b"old")
    (tmp_path / "same.txt").write_bytes(b"same")
    os.utime(tmp_path / "same.txt", (1_000_000, 1_000_000))
    write_files(tmp_path, {"a/new.txt": b"new", "old.txt": None, "same.txt": b"same", "gone.txt": None})
    assert (tmp_path / "a" / "new.txt").read_bytes() == b"new"
    assert not (tmp_path / "old.txt").exists()
    assert (tmp_path / "same.txt").stat().st_mtime == 1_000_000
    assert not list(tmp_path.rglob("*.tmp"))


def test_a_new_output_is_one_module_and_one_row(tmp_path, monkeypatch):
    seen = []

    def export(ctx):
        seen.append((ctx.lesson.name, ctx.seed, ctx.cache is not None))
        return Export({f"extra/{ctx.lesson.name}.txt": ctx.lesson.title.encode()}, ["just saying"])

    module = types.ModuleType("generator.exporters.extra")
    module.export = export
    monkeypatch.setitem(sys.modules, "generator.exporters.extra", module)
    monkeypatch.setattr(exporters, "EXPORTERS", (*EXPORTERS, Exporter("extra", "skip the extra", "extra")))
    import generator.build

    monkeypatch.setattr(generator.build, "EXPORTERS", exporters.EXPORTERS)
    reported = []
    written = build([], _options(tmp_path, skip=frozenset({"html"})), lambda p, s: reported.append(p))
    out = tmp_path / "out"
    assert (out / "extra" / "tiny.txt").read_text() == "Tiny"
    assert seen == [("tiny", 5, True)]
    assert out / "extra" / "tiny.txt" in written and out / "extra" / "tiny.txt" in reported
    assert not (out / "slides" / "tiny.html").exists()  # --no-html still skips


def test_one_failing_exporter_writes_nothing_of_the_build(tmp_path, monkeypatch):
    def export(ctx):
        raise RuntimeError("boom")

    module = types.ModuleType("generator.exporters.broken")
    module.export = export
    monkeypatch.setitem(sys.modules, "generator.exporters.broken", module)
    import generator.build

    monkeypatch.setattr(generator.build, "EXPORTERS", (*EXPORTERS, Exporter("broken", "", "broken")))
    with pytest.raises(RuntimeError):
        build([], _options(tmp_path, skip=frozenset({"html"})), lambda p, s: None)
    out = tmp_path / "out"
    # The notebook and figures ran first, but nothing reached the output folder.
    assert not (out / "slides").exists() and not (out / "figures").exists()


def test_the_notebook_is_built_once(tmp_path, monkeypatch):
    import generator.notebook

    calls = []
    original = generator.notebook.to_notebook
    monkeypatch.setattr(generator.notebook, "to_notebook", lambda deck: calls.append(1) or original(deck))
    build([], _options(tmp_path), lambda p, s: None)
    assert (tmp_path / "out" / "slides" / "tiny.html").is_file()
    assert len(calls) == 1
