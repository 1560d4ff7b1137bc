"""Build-time execution of the deck's code cells: outputs in the HTML, cached by content."""
from __future__ import annotations

import json
import math
import re
from pathlib import Path

import nbformat
import pytest

from conftest import LESSON, run_build

BROKEN = """\
---
jupyter:
  kernelspec: {name: python3, display_name: Python 3, language: python}
  lesson: {title: Broken}
---

# Broken

Text.

```python
print("fine")
```

## A failing cell

```python
raise ValueError("no such thing")
```
"""


def live_cell_numbers(notebook) -> tuple[list[float], list[list[float]], list[list[float]]]:
    code = next(c["source"] for c in notebook["cells"] if c["cell_type"] == "code")
    arrays = re.findall(r"np\.array\((\[.*\])\)", code)
    q, keys, values = (json.loads(a) for a in arrays)
    return q, keys, values


def test_html_live_cell_prints_the_slides_weights(built):
    notebook = nbformat.read(built / "slides" / f"{LESSON}.ipynb", as_version=4)
    html = (built / "slides" / f"{LESSON}.html").read_text()
    printed = re.search(r"weights: ([0-9. ]+)\n?output: +([0-9. -]+)", html)
    assert printed, "the HTML shows no output of the live cell"
    weights_text, output_text = printed.group(1).split(), printed.group(2).split()
    # The softmax slide, as the learner reads it: "w_1 = 8.342/13.455 = 0.620" and so on.
    softmax = next(c["source"] for c in notebook["cells"] if "Softmax" in c["source"] and c["cell_type"] == "markdown")
    assert weights_text == re.findall(r"w_\d = [\d.]+ / [\d.]+ = (\d\.\d{3})", softmax)
    # ... and the same numbers computed here from the cell's q, K, V with plain floats.
    q, keys, values = live_cell_numbers(notebook)
    scaled = [sum(a * b for a, b in zip(q, k)) / math.sqrt(len(q)) for k in keys]
    exps = [math.exp(s) for s in scaled]
    weights = [e / sum(exps) for e in exps]
    assert weights_text == [f"{w:.3f}" for w in weights]
    output = [sum(w * v[d] for w, v in zip(weights, values)) for d in range(len(values[0]))]
    assert output_text == [f"{o:.2f}" for o in output]
    # the RISE notebook stays unexecuted: the presenter runs it live
    assert all(not c.get("outputs") for c in notebook["cells"] if c["cell_type"] == "code")


def _lesson_deck(tmp_path):
    """The real lesson rendered in process, and its (unexecuted) notebook."""
    from generator.exercises import lesson_examples, template_context
    from generator.figures.cache import FigureCache
    from generator.notebook import to_notebook
    from generator.source import read_lesson
    from generator.transform import transform

    lesson = read_lesson(Path(__file__).resolve().parent.parent / "slides" / f"{LESSON}.md")
    examples = lesson_examples(lesson)
    deck = transform(lesson, template_context(lesson, examples), examples, FigureCache(tmp_path / "figures"))
    return deck, to_notebook(deck)


def test_rebuild_with_unchanged_code_starts_no_kernel(tmp_path, monkeypatch):
    from generator import execute
    from generator.notebook import to_notebook

    deck, notebook = _lesson_deck(tmp_path)
    first = execute.executed(notebook, deck, tmp_path / "execute")
    assert [c.outputs for c in first.cells if c.cell_type == "code"][0][0]["text"].startswith("weights: ")
    assert notebook.cells == to_notebook(deck).cells  # the input notebook is left unexecuted

    def no_kernel(*args):
        raise AssertionError("a kernel was started")

    monkeypatch.setattr(execute, "_run", no_kernel)
    again = execute.executed(notebook, deck, tmp_path / "execute")
    assert nbformat.writes(again) == nbformat.writes(first)
    # a changed code cell is a cache miss: the (patched) kernel is asked for
    changed = to_notebook(deck)
    next(c for c in changed.cells if c.cell_type == "code").source += "\nprint(1)"
    with pytest.raises(AssertionError, match="a kernel was started"):
        execute.executed(changed, deck, tmp_path / "execute")


def test_a_damaged_cache_entry_is_run_again_and_reported(tmp_path, monkeypatch, capsys):
    from generator import execute

    deck, notebook = _lesson_deck(tmp_path)
    first = execute.executed(notebook, deck, tmp_path / "execute")
    [entry] = (tmp_path / "execute").glob("*.json")
    # Still valid JSON, with one printed digit changed: only the digest can tell.
    tampered = entry.read_text(encoding="utf-8").replace("weights: 0.", "weights: 9.", 1)
    assert tampered != entry.read_text(encoding="utf-8")
    entry.write_text(tampered, encoding="utf-8")
    runs = []
    real_run = execute._run
    monkeypatch.setattr(execute, "_run", lambda *args: runs.append(1) or real_run(*args))
    again = execute.executed(notebook, deck, tmp_path / "execute")
    assert runs == [1] and nbformat.writes(again) == nbformat.writes(first)
    assert "damaged execution cache entry" in capsys.readouterr().err


def test_failing_cell_is_one_line_with_its_place_and_no_execute_skips_it(tmp_path):
    slides = tmp_path / "slides"
    slides.mkdir()
    (slides / "broken.md").write_text(BROKEN)
    done = run_build("--out", str(tmp_path / "out"), "--slides-dir", str(slides), "--no-cards")
    assert done.returncode == 1
    line = BROKEN.splitlines().index('raise ValueError("no such thing")') + 1  # the cell's first line
    assert done.stderr.strip() == (
        f"{slides / 'broken.md'}:{line}: code cell failed at build time: ValueError: no such thing "
        "(build with --no-execute to skip running it)"
    )
    assert not (tmp_path / "out" / "slides").exists()  # nothing written
    done = run_build("--out", str(tmp_path / "out"), "--slides-dir", str(slides), "--no-cards", "--no-execute")
    assert done.returncode == 0, done.stderr
    assert "no such thing" in (tmp_path / "out" / "slides" / "broken.html").read_text()


def _descendants(pid: int) -> set[int]:
    """Every process below ``pid`` (zombies included: a kernel not reaped is still left)."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue  # gone meanwhile
    found, todo = set(), [pid]
    while todo:
        below = todo.pop()
        kids = [child for child, parent in parents.items() if parent == below]
        found.update(kids)
        todo.extend(kids)
    return found


def test_the_kernel_is_stopped_once_the_cells_have_run(built, monkeypatch):
    """execute.SHUTDOWN: after the last cell the kernel is killed rather than asked to shut
    down. The outputs are those a gracefully shut down kernel gives, and no process of the
    kernel (or started by it) is left."""
    import copy
    import os
    from types import SimpleNamespace

    from generator import execute

    notebook = nbformat.read(built / "slides" / f"{LESSON}.ipynb", as_version=4)
    lesson = SimpleNamespace(path=Path(__file__).resolve().parent.parent / "slides" / f"{LESSON}.md")
    deck = SimpleNamespace(lesson=lesson, cells=[])
    before = _descendants(os.getpid())
    stopped = execute._run(copy.deepcopy(notebook), deck)
    assert _descendants(os.getpid()) <= before
    monkeypatch.setattr(execute, "SHUTDOWN", "graceful")
    asked = execute._run(copy.deepcopy(notebook), deck)
    assert stopped == asked and any(stopped)
