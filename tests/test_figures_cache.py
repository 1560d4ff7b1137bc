"""The figure cache, the figure files and the review gallery."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from generator.figures import cache as cache_module
from generator.figures import render
from generator.figures.cache import FigureCache
from generator.figures.gallery import GalleryEntry, entries_from_dir, write_figure_files, write_gallery
from generator.practice import attention as practice

WORKED = practice.Problem.given([1, 0], [[1, 0], [0, 1], [1, 1]], [[1, 2], [3, 4], [5, 6]])


def test_second_render_reads_back_without_drawing(tmp_path: Path, monkeypatch) -> None:
    first = FigureCache(tmp_path).render("rnn", {"T": "3"})
    assert not first.cached and first.svg.startswith(b"<?xml") and first.png.startswith(b"\x89PNG")

    def no_drawing(*args, **kwargs):
        raise AssertionError("a cache hit must not draw")

    monkeypatch.setattr(render, "to_svg_and_png", no_drawing)
    again = FigureCache(tmp_path)  # a new build: nothing shared but the folder
    second = again.render("rnn", {"T": "3"})
    assert second.cached and again.drawn == 0
    assert (second.key, second.svg, second.png, second.params) == (first.key, first.svg, first.png, first.params)
    assert re.fullmatch(r"[0-9a-f]{16}", first.key)


def test_key_follows_what_the_picture_depends_on(tmp_path: Path, monkeypatch) -> None:
    c = FigureCache(tmp_path)
    key = lambda name, params, ex=None: c.render(name, params, ex).key  # noqa: E731
    assert key("rnn", {}) == key("rnn", {"T": "4", "view": "unrolled"}), "defaults written out change nothing"
    assert key("rnn", {"T": "4"}) != key("rnn", {"T": "5"})
    base = key("attention_head", {"problem": "worked"}, {"worked": WORKED})
    changed = practice.Problem.given([1, 0], [[1, 0], [0, 1], [1, 1]], [[1, 2], [3, 4], [5, 7]])
    assert key("attention_head", {"problem": "worked"}, {"worked": changed}) != base, "new numbers, new figure"
    monkeypatch.setattr(cache_module, "code_hash", lambda: "edited")
    assert key("attention_head", {"problem": "worked"}, {"worked": WORKED}) != base, "new code, new figure"


def test_code_key_covers_drawing_modules_only(tmp_path: Path) -> None:
    # A copy of the package: an edit to a drawing module changes the code key; an edit to
    # the card SVGs or the gallery (which draw no cached figure) leaves the slide figures' names.
    import shutil

    tree = tmp_path / "figures"
    shutil.copytree(Path(cache_module.__file__).parent, tree, ignore=shutil.ignore_patterns("__pycache__"))
    base = cache_module.tree_hash(tree)
    assert base == cache_module.code_hash()
    for module in ("cards.py", "gallery.py"):
        (tree / module).write_text((tree / module).read_text() + "\n# an edit\n")
    assert cache_module.tree_hash(tree) == base
    (tree / "rnn.py").write_text((tree / "rnn.py").read_text() + "\n# an edit\n")
    assert cache_module.tree_hash(tree) != base


def test_cache_rejects_bad_parameters_before_drawing(tmp_path: Path) -> None:
    from generator.errors import ParameterError

    with pytest.raises(ParameterError):
        FigureCache(tmp_path).render("rnn", {"T": "0"})
    assert list(tmp_path.iterdir()) == []


def test_figure_files_are_written_and_stale_ones_removed(tmp_path: Path) -> None:
    c = FigureCache(tmp_path / "cache")
    lesson = tmp_path / "figures" / "07-demo"
    old = c.render("rnn", {"T": "3"})
    write_figure_files([old], lesson)
    new = [c.render("rnn", {"T": "5"}), c.render("two_lifts", {})]
    paths = write_figure_files(new, lesson)
    assert [p.name for p in paths] == [f"{r.stem}{s}" for r in new for s in (".svg", ".png", ".json")]
    assert sorted(p.name for p in lesson.iterdir()) == sorted(p.name for p in paths), "old figure removed"
    assert (lesson / f"{new[0].stem}.svg").read_bytes() == new[0].svg
    note = json.loads((lesson / f"{new[0].stem}.json").read_text())
    alt = note.pop("alt")
    assert note == {"name": "rnn", "key": new[0].key, "params": {"T": 5, "pattern": "many-to-many", "view": "unrolled"}, "order": 0}
    assert alt.startswith("An RNN unrolled over 5 steps"), alt
    assert not list(lesson.glob("*.tmp")) and not list(lesson.glob(".*"))


def test_gallery_lists_every_figure_with_relative_links(tmp_path: Path) -> None:
    c = FigureCache(tmp_path / "cache")
    root = tmp_path / "figures"
    write_figure_files([c.render("vit_pipeline", {}), c.render("rnn", {"T": "5", "pattern": "one-to-many"})], root / "07-demo")
    write_figure_files([c.render("two_lifts", {"T": "3"})], root / "08-other")
    entries = entries_from_dir(root)
    # Lesson by lesson, each in the order the lesson shows its figures.
    assert [(e.group, e.name) for e in entries] == [("07-demo", "vit_pipeline"), ("07-demo", "rnn"), ("08-other", "two_lifts")]
    page = write_gallery(entries, root / "index.html")
    html = page.read_text()
    for e in entries:
        assert f'src="{e.group}/{e.stem}.svg"' in html
        assert (root / e.group / f"{e.stem}.svg").is_file()
    assert "figure:rnn?T=5&amp;pattern=one-to-many" in html  # escaped, as the source writes it
    assert "figure:vit_pipeline</code>" in html  # all defaults: no query at all
    assert html.count("<figure ") == 3


def test_gallery_takes_rendered_figures_with_their_paths_and_escapes_text(tmp_path: Path) -> None:
    r = FigureCache(tmp_path / "c").render("attention_image", {"seed": "2", "title": "<b>bold</b>"})
    paths = write_figure_files([r], tmp_path / "out" / "x")
    write_gallery([(r, paths), GalleryEntry.from_rendered(r, paths, group="x", alt="alt & text")], tmp_path / "out" / "index.html")
    html = (tmp_path / "out" / "index.html").read_text()
    assert "&lt;b&gt;bold&lt;/b&gt;" in html and "<b>bold</b>" not in html
    assert "alt &amp; text" in html
