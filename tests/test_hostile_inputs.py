"""The bad-input corpus: every case must fail with one stderr line naming the file
(and line), the right exit status, no traceback, and the earlier build intact.

Each case spoils a fresh copy of the real course's sources, runs the build
in-process against one shared good build (the same ``main()`` ``python build.py``
calls; a few cases that could hang or need a fresh interpreter run as a
process), then compares every output byte for byte with the good build.
Expected lines are found by the test itself (searching the spoiled text), never
taken from the code under test.
"""
from __future__ import annotations

import codecs
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

import pytest

from conftest import LESSON
from hostile import CARDS, LESSON_MD, SETTINGS, build_args, copy_sources, leftovers, run_inprocess, run_process, snapshot

Where = tuple[Optional[str], Optional[int]]  # (source file relative to the work dir, line) the message must name


def text(work: Path, rel: str) -> str:
    return (work / rel).read_text(encoding="utf-8")


def line_of(work: Path, rel: str, needle: str) -> int:
    """1-based line of the first line containing ``needle``."""
    for number, line in enumerate(text(work, rel).split("\n"), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {rel}")


def insert(work: Path, rel: str, line: int, new: str) -> int:
    """Insert ``new`` (one or more lines) so that it starts at ``line``; returns ``line``."""
    lines = text(work, rel).split("\n")
    lines[line - 1 : line - 1] = new.split("\n")
    (work / rel).write_text("\n".join(lines), encoding="utf-8")
    return line


def after_title(work: Path, new: str) -> Where:
    """Insert ``new`` just after the lesson's '# ' title line."""
    at = line_of(work, LESSON_MD, "# Sequence tools for vision") + 2
    insert(work, LESSON_MD, at, new)
    return LESSON_MD, at


def replace_on(work: Path, rel: str, needle: str, old: str, new: str) -> Where:
    line = line_of(work, rel, needle)
    lines = text(work, rel).split("\n")
    assert old in lines[line - 1]
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    (work / rel).write_text("\n".join(lines), encoding="utf-8")
    return rel, line


def append_card(work: Path, card: str, field_offset: int) -> Where:
    """Append a card; ``field_offset`` is the line of the card the message names (0: '== key')."""
    before = text(work, CARDS).rstrip("\n").split("\n")
    (work / CARDS).write_text("\n".join(before) + "\n\n" + card + "\n", encoding="utf-8")
    return CARDS, len(before) + 2 + field_offset


def raw(work: Path, rel: str, data: bytes) -> None:
    (work / rel).write_bytes(data)


def with_byte(work: Path, rel: str, needle: str, byte: bytes) -> Where:
    line = line_of(work, rel, needle)
    lines = (work / rel).read_bytes().split(b"\n")
    lines[line - 1] += b" caf" + byte
    raw(work, rel, b"\n".join(lines))
    return rel, line


def encoded(work: Path, rel: str, codec: str) -> Where:
    raw(work, rel, text(work, rel).encode(codec))  # Python's utf-16/utf-32 codecs write a BOM
    return rel, 1


def settings(work: Path, body: str, needle: str) -> Where:
    (work / SETTINGS).write_text(body, encoding="utf-8")
    return SETTINGS, line_of(work, SETTINGS, needle)


def fifo(work: Path, rel: str) -> Where:
    (work / rel).unlink()
    os.mkfifo(work / rel)
    return rel, None


def second_lesson(work: Path, spoil: Callable[[str], str], needle: str) -> Where:
    """A second lesson after the first (builds in name order), spoiled; the first must not be written."""
    source = text(work, LESSON_MD)
    (work / "slides" / "08-later.md").write_text(spoil(source), encoding="utf-8")
    return "slides/08-later.md", line_of(work, "slides/08-later.md", needle)


def lesson_named(work: Path, stem: str) -> Where:
    """A second, good lesson whose file name is not a lesson name (it would name outputs,
    decks, keys and media files)."""
    rel = f"slides/{stem}.md"
    (work / rel).write_text(text(work, LESSON_MD), encoding="utf-8")
    return rel, None


def whole_file(work: Path, rel: str, content: str, line: int | None) -> Where:
    (work / rel).write_text(content, encoding="utf-8")
    return rel, line


def whole_lesson(work: Path, content: str, line: int | None) -> Where:
    return whole_file(work, LESSON_MD, content, line)


def append(work: Path, rel: str, added: str, needle: str) -> Where:
    """Append ``added``; the message must name the last line holding ``needle``."""
    (work / rel).write_text(text(work, rel) + added, encoding="utf-8")
    lines = text(work, rel).split("\n")
    return rel, max(n for n, line in enumerate(lines, start=1) if needle in line)


def lesson_is_a_folder(work: Path) -> Where:
    (work / LESSON_MD).unlink()
    (work / LESSON_MD).mkdir()
    return LESSON_MD, None


def bom_and_lesson_5(work: Path) -> Where:
    """A BOM used to hide the front matter, and the error blamed a line far below."""
    rel, line = replace_on(work, LESSON_MD, "  lesson:", "lesson:", "lesson: 5\n  xlesson:")
    raw(work, LESSON_MD, codecs.BOM_UTF8 + (work / LESSON_MD).read_bytes())
    return rel, line


def alias_bomb(work: Path) -> Where:
    """Nine levels of nine aliases each: 9**9 items once expanded."""
    levels = ["bomb:", "  a: &a [x, x, x, x, x, x, x, x, x]"]
    for i in range(8):
        previous, name = chr(97 + i), chr(98 + i)
        levels.append(f"  {name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    insert(work, LESSON_MD, 2, "\n".join(levels))
    return LESSON_MD, 3  # the first anchor


def worked_seed(work: Path, value: str) -> Where:
    replace_on(work, LESSON_MD, "      seed:", "9705", value)
    return LESSON_MD, line_of(work, LESSON_MD, "worked_example:")


@dataclass
class Case:
    id: str
    setup: Callable[[Path], Where]
    message: str  # regex searched in the one stderr line
    status: int = 1
    args: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict)
    process: bool = False  # run as its own process (could hang, or needs a fresh interpreter)


def nothing(work: Path) -> Where:
    return None, None


TEMPLATE_ESCAPES = {
    "cycler-os-system": ("{{ cycler.__init__.__globals__.os.system('touch pwned') }}", r"'cycler' is undefined|unsafe"),
    "lipsum-globals": ("{{ lipsum.__globals__['os'].popen('cat /etc/passwd').read() }}", r"'lipsum' is undefined"),
    "joiner-init": ("{{ joiner.__init__ }}", r"'joiner' is undefined|unsafe"),
    "namespace-init": ("{{ namespace.__init__.__globals__ }}", r"'namespace' is undefined|unsafe"),
    "range-10-12": ("{% for i in range(10**12) %}x{% endfor %}", r"too large|range of"),
    "repeat-string": ("{{ 'x' * 10**9 }}", r"repeating a value"),
    "power-tower": ("{{ 9**9**9 }}", r"too large"),
    "center-filter": ("{{ 'x'|center(10**9) }}", r"too large"),
    "center-method": ("{{ 'x'.center(10**9) }}", r"too large"),
    "percent-width": ("{{ '%0999999999d' % 1 }}", r"format width"),
    "doubling-macro": ("{% macro f(s) %}{{ f(s ~ s) }}{% endmacro %}{{ f('x') }}", r"characters|deeper"),
    "endless-recursion": ("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", r"nested deeper"),
    "numpy-tofile": ("{{ worked_problem.query.tofile('pwned') }}", r"unsafe"),
    "numpy-dump": ("{{ worked_problem.query.dump('pwned') }}", r"unsafe"),
    "dunder-class": ("{{ ''.__class__.__mro__ }}", r"unsafe"),
    "format-attr": ("{{ '{0.__class__}'.format(1) }}", r"unsafe"),
    "dict-mutation": ("{{ lesson.update({'title': 'x'}) }}", r"unsafe"),
    "include-outside": ("{% include '../../../../etc/passwd' %}", r"etc/passwd"),
    "undefined-name": ("{{ no_such_thing }}", r"'no_such_thing' is undefined"),
    "syntax-error": ("{% for %}", r"Expected an expression"),
}

CASES: list[Case] = [
    # --- lesson source: encoding and file kind ---------------------------------------
    Case("lesson-byte-e9", lambda w: with_byte(w, LESSON_MD, "Two tools for data", b"\xe9"), r"not UTF-8: byte 0xE9 at byte offset \d+"),
    Case("lesson-utf16", lambda w: encoded(w, LESSON_MD, "utf-16"), r"UTF-16"),
    Case("lesson-utf32", lambda w: encoded(w, LESSON_MD, "utf-32"), r"UTF-32"),
    Case("lesson-latin1-title", lambda w: with_byte(w, LESSON_MD, "# Sequence tools for vision", b"\xfc"), r"byte 0xFC"),
    Case("lesson-nul-byte", lambda w: with_byte(w, LESSON_MD, "Two tools for data", b"\x00"), r"NUL byte at byte offset"),
    Case("lesson-fifo", lambda w: fifo(w, LESSON_MD), r"not a regular file", process=True),
    Case("lesson-folder", lesson_is_a_folder, r"not a regular file"),
    Case("lesson-name-markup", lambda w: lesson_named(w, "08 <b>later"), r"file name may hold only letters"),
    Case("lesson-name-windows", lambda w: lesson_named(w, "08 later?"), r"file name may hold only letters"),
    Case("lesson-name-percent", lambda w: lesson_named(w, "08-100%"), r"file name may hold only letters"),
    Case("lesson-too-big", lambda w: (append(w, LESSON_MD, "x" * 4_100_000, "xxx")[0], None), r"limit is"),
    Case(
        "bom-then-bad-front-matter",
        bom_and_lesson_5,
        r"must be a mapping",
    ),
    # --- front matter ------------------------------------------------------------------
    Case("front-lesson-5", lambda w: replace_on(w, LESSON_MD, "  lesson:", "lesson:", "lesson: 5\n  xlesson:"), r"'lesson' in the front matter must be a mapping"),
    Case("front-lesson-list", lambda w: replace_on(w, LESSON_MD, "  lesson:", "lesson:", "lesson: [1, 2]\n  xlesson:"), r"must be a mapping, not list"),
    Case("front-top-level-list", lambda w: whole_lesson(w, "---\n- a\n- b\n---\n\n# T\n\ntext\n", 2), r"front matter must be a mapping"),
    Case(
        "front-alias-bomb",
        alias_bomb,
        r"anchor or alias",
    ),
    Case("front-bad-yaml", lambda w: replace_on(w, LESSON_MD, "    track:", "track: 16", 'track: 16: x'), r"front matter is not valid YAML"),
    Case("front-seed-not-int", lambda w: worked_seed(w, '"abc"'), r"worked_example"),
    Case("front-seed-huge", lambda w: worked_seed(w, "9" * 30), r"worked_example"),
    # --- lesson structure ----------------------------------------------------------------
    Case("fence-unclosed", lambda w: after_title(w, "```python\nprint('never closed')"), r"code fence ``` is not closed before the fence at line \d+"),
    Case("fence-unclosed-at-end", lambda w: append(w, LESSON_MD, "\n```\nlast", "```"), r"never closed"),
    Case("fence-shorter-close", lambda w: after_title(w, "````\nfour open, three close\n```"), r"code fence ```` is (not|never) closed"),
    Case(
        "template-output-size",  # found while streaming, outside any template line: the cell's first line is named
        lambda w: (LESSON_MD, after_title(w, "{% for i in range(10000) %}{{ 'x' * 200 }}{% endfor %}")[1] - 2),
        r"output goes past",
    ),
    Case("fence-tilde-unclosed", lambda w: after_title(w, "~~~\nnever closed"), r"code fence ~~~ is (not|never) closed"),
    Case("marker-unknown", lambda w: after_title(w, "<!-- slid -->"), r"unknown marker"),
    Case("marker-malformed", lambda w: after_title(w, "<!-- notes"), r"malformed marker"),
    Case("marker-close-unopened", lambda w: after_title(w, "<!-- /skip -->"), r"without an open"),
    Case("notes-never-closed", lambda w: append(w, LESSON_MD, "\n<!-- notes -->\nforgot to close\n", "<!-- notes -->"), r"never closed"),
    Case("marker-nothing-after", lambda w: append(w, LESSON_MD, "\n<!-- fragment -->\n", "<!-- fragment -->"), r"nothing after it"),
    Case("no-slides", lambda w: whole_lesson(w, "---\njupyter:\n  lesson:\n    title: T\n---\n\n", 6), r"no slides"),
    Case(
        "too-many-cells",
        # Cell 2,001 is "## S1999" (the title is cell 1); each "## S<i>" block is 4 lines from line 3.
        lambda w: whole_lesson(w, "# T\n\n" + "".join(f"## S{i}\n\nx\n\n" for i in range(2100)), 3 + 4 * 1999),
        r"over 2,000 cells",
    ),
    # --- figures -------------------------------------------------------------------------
    Case("figure-5000-digits", lambda w: replace_on(w, LESSON_MD, "figure:rnn", "T=5", "T=" + "9" * 5000), r"5,000 characters"),
    Case("figure-unknown", lambda w: replace_on(w, LESSON_MD, "figure:rnn", "figure:rnn", "figure:rnnn"), r"figure 'rnnn'"),
    Case("figure-out-of-range", lambda w: replace_on(w, LESSON_MD, "figure:rnn", "T=5", "T=0"), r"figure 'rnn': T must be"),
    Case("figure-negative-seed", lambda w: replace_on(w, LESSON_MD, "figure:attention_image", "seed=7", "seed=-7"), r"seed"),
    *[
        Case(f"template-{name}", lambda w, src=src: after_title(w, src), rf"template error: .*({pattern})")
        for name, (src, pattern) in TEMPLATE_ESCAPES.items()
    ],
    # --- card source ---------------------------------------------------------------------
    Case("cloze-overflow", lambda w: append_card(w, "== hostile-cloze\ncloze: x {{c99999999999999999999::y}}", 1), r"cloze number c9+ is above", args=("--no-html",)),
    Case("cloze-zero", lambda w: append_card(w, "== hostile-cloze\ncloze: x {{c0::y}}", 1), r"start at c1", args=("--no-html",)),
    Case("cloze-5000-digits", lambda w: append_card(w, "== hostile-cloze\ncloze: x {{c" + "7" * 5000 + "::y}}", 1), r"is above", args=("--no-html",)),
    Case("card-field-huge", lambda w: append_card(w, "== hostile-big\nfront: " + "x" * 20_001 + "\nback: y", 1), r"20,001 characters", args=("--no-html",)),
    Case("card-unknown-field", lambda w: append_card(w, "== hostile-field\nfront: a\nback: b\nfrnt: c", 3), r"frnt", args=("--no-html",)),
    Case("card-bad-tag", lambda w: append_card(w, "== hostile-tag\ntags: Bad,Tag\nfront: a\nback: b", 1), r"bad tag", args=("--no-html",)),
    Case("card-duplicate-key", lambda w: append_card(w, "== three-places\nfront: a\nback: b", 0), r"duplicate card key", args=("--no-html",)),
    Case("card-braces", lambda w: append_card(w, "== hostile-braces\nfront: {{Front}}\nback: b", 1), r"outside a cloze", args=("--no-html",)),
    Case("cards-byte-e9", lambda w: with_byte(w, CARDS, "== three-places", b"\xe9"), r"byte 0xE9", args=("--no-html",)),
    Case("cards-utf16", lambda w: encoded(w, CARDS, "utf-16"), r"UTF-16", args=("--no-html",)),
    Case("cards-fifo", lambda w: fifo(w, CARDS), r"not a regular file", args=("--no-html",), process=True),
    Case("cards-unknown-suffix", lambda w: whole_file(w, f"cards/{LESSON}.cardz", "x", None), r"unknown card source", args=("--no-html",)),
    # --- practice settings ---------------------------------------------------------------
    Case("settings-array-of-tables", lambda w: (replace_on(w, SETTINGS, "[attention]", "[attention]", "[[attention]]")), r"must be a table", args=("--no-html",)),
    Case("settings-variants-20000", lambda w: settings(w, "# c\n[attention]\nvariants = 20000\n", "variants"), r"variants must be between", args=("--no-html",)),
    Case("settings-variants-negative", lambda w: settings(w, "[matching]\n\nvariants = -1\n", "variants"), r"variants must be between", args=("--no-html",)),
    Case("settings-variants-bool", lambda w: settings(w, "[matching]\nvariants = true\n", "variants"), r"must be int", args=("--no-html",)),
    Case("settings-unknown-kind", lambda w: settings(w, "[atention]\nvariants = 1\n", "[atention]"), r"unknown practice kind", args=("--no-html",)),
    Case("settings-bad-toml", lambda w: settings(w, "[attention]\nvariants = = 3\n", "variants"), r"not valid TOML", args=("--no-html",)),
    Case("settings-difficulty", lambda w: settings(w, "[attention]\nvariants = 1\ndifficulty = \"impossible\"\n", "difficulty"), r"difficulty", args=("--no-html",)),
    Case("settings-d-k-huge", lambda w: settings(w, "[attention]\nvariants = 1\nd_k = 1000000000\n", "d_k"), r"d_k", args=("--no-html",)),
    Case("settings-utf16", lambda w: encoded(w, SETTINGS, "utf-16"), r"UTF-16", args=("--no-html",)),
    Case("settings-byte-e9", lambda w: with_byte(w, SETTINGS, "[matching]", b"\xe9"), r"byte 0xE9", args=("--no-html",)),
    # --- two lessons: the second is bad, the first must not be written either -----------
    Case("second-lesson-bad-template", lambda w: second_lesson(w, lambda s: s.replace("Two tools for data", "{{ nope }}"), "{{ nope }}"), r"'nope' is undefined"),
    Case("second-lesson-unclosed-fence", lambda w: second_lesson(w, lambda s: s + "\n````\nopen\n", "````"), r"never closed"),
    # --- command line and environment (exit 2, one line, no usage dump) ------------------
    Case("seed-abc", nothing, r"--seed: invalid int value: 'abc'", status=2, args=("--seed", "abc")),
    Case("seed-negative", nothing, r"--seed must be from 0", status=2, args=("--seed", "-1")),
    Case("seed-2-63", nothing, r"--seed must be from 0", status=2, args=("--seed", str(2**63))),  # limits.SEED: a signed 64-bit integer
    Case("unknown-option", nothing, r"unrecognized arguments: --frobnicate", status=2, args=("--frobnicate",)),
    Case("lesson-unknown", nothing, r"lesson 'zz' is unknown", args=("zz",)),
    Case("epoch-2108", nothing, r"SOURCE_DATE_EPOCH must be from", status=2, env={"SOURCE_DATE_EPOCH": "4354819200"}),
    Case("epoch-10-20", nothing, r"SOURCE_DATE_EPOCH must be from", status=2, env={"SOURCE_DATE_EPOCH": str(10**20)}),
    Case("epoch-1970", nothing, r"SOURCE_DATE_EPOCH must be from", status=2, env={"SOURCE_DATE_EPOCH": "100"}),
    Case("epoch-word", nothing, r"SOURCE_DATE_EPOCH must be whole seconds", status=2, env={"SOURCE_DATE_EPOCH": "yesterday"}),
    Case("interrupt-during-imports", nothing, r"^interrupted", status=130, env={"SEQVISION_FAULT_AT": "imports"}, process=True),
]

# Cases whose --out is not the shared build (they name it themselves).
def a_file(work: Path) -> Path:
    (work / "afile").write_text("x")
    return work / "afile"


OUT_CASES = {
    "out-is-a-file": (a_file, r"--out names a file"),
    "out-under-proc": (lambda w: Path("/proc/self/seqvision-out"), r"under /proc"),
    "out-dot-into-sources": (lambda w: Path("."), r"source folder"),
    "out-under-a-file": (lambda w: a_file(w) / "sub", r"Not a directory|not a folder"),
}


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> tuple[Path, Path, dict[str, str]]:
    """One good build of the real course: (its out dir, a pristine copy, its snapshot)."""
    base = tmp_path_factory.mktemp("hostile")
    work = copy_sources(base / "src")
    out = base / "out"
    done = run_inprocess(build_args(work, out))
    assert done.status == 0, done.stderr
    pristine = base / "pristine"
    shutil.copytree(out, pristine)
    return out, pristine, snapshot(out)


def check_one_line(run, status: int, prefix: str | None, message: str) -> None:
    assert "Traceback" not in run.stderr and "Traceback" not in run.stdout
    assert run.status == status, run.stderr
    assert len(run.lines) == 1, run.stderr
    line = run.lines[0]
    if prefix is not None:
        assert line.startswith(prefix), (line, prefix)
    assert re.search(message, line), (line, message)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(case: Case, good, tmp_path):
    out, pristine, before = good
    work = copy_sources(tmp_path / "src")
    rel, line = case.setup(work)
    argv = build_args(work, out) + list(case.args)
    run = run_process(argv, env=case.env, timeout=60) if case.process else run_inprocess(argv, env=case.env)
    if rel is None and case.status == 2:
        prefix = "python build.py: error: "
    elif rel is None:
        prefix = None
    else:
        prefix = f"{work / rel}:{line}: " if line is not None else f"{work / rel}: "
    try:
        check_one_line(run, case.status, prefix, case.message)
        assert snapshot(out) == before, "an earlier output changed"
        assert leftovers(out) == []
    finally:
        if snapshot(out) != before:  # keep the next cases honest
            shutil.rmtree(out)
            shutil.copytree(pristine, out)


@pytest.mark.parametrize("name", sorted(OUT_CASES))
def test_bad_out_dir(name, tmp_path, monkeypatch):
    work = copy_sources(tmp_path / "src")
    monkeypatch.chdir(work)
    make_out, message = OUT_CASES[name]
    out = make_out(work)
    before = sorted(p.relative_to(work).as_posix() for p in work.rglob("*"))
    run = run_inprocess(build_args(work, out))
    check_one_line(run, 1, None, message)
    assert sorted(p.relative_to(work).as_posix() for p in work.rglob("*")) == before, "files appeared"


def test_out_dot_in_a_fresh_folder_builds_twice(tmp_path, monkeypatch):
    """`--out .` where the sources are elsewhere builds, and builds again (the issue: every later build failed)."""
    src = copy_sources(tmp_path / "src")
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    for _ in range(2):
        run = run_inprocess(build_args(src, Path("."), "--no-html"))
        assert run.status == 0, run.stderr
    assert (here / "cards" / f"{LESSON}.apkg").is_file() and leftovers(here) == []


def test_corpus_size():
    """The issue asks for at least 60 bad inputs."""
    assert len(CASES) + len(OUT_CASES) >= 60


def test_a_bug_of_ours_is_one_line_and_a_saved_traceback(tmp_path, monkeypatch):
    import generator.build

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(generator.build, "build", broken)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr("tempfile.tempdir", None)  # read TMPDIR again
    run = run_inprocess(build_args(copy_sources(tmp_path / "src"), tmp_path / "out"))
    assert run.status == 1 and len(run.lines) == 1 and "Traceback" not in run.stderr
    saved = re.search(r"internal error: RuntimeError: a bug \(traceback saved in (\S+)\)$", run.lines[0])
    assert saved, run.lines[0]
    crash = Path(saved.group(1))
    assert crash.parent == tmp_path and "Traceback" in crash.read_text() and "RuntimeError: a bug" in crash.read_text()


def test_figure_syntax_in_code_is_shown_not_drawn(tmp_path):
    """A lesson teaching the figure syntax: in a fence or an inline code span it stays text.
    'nope' is no figure, so drawing it would fail the build."""
    work = copy_sources(tmp_path / "src")
    after_title(work, "Write `![alt](figure:nope?T=1)` for a figure, or:\n\n```markdown\n![An RNN](figure:nope?T=3)\n```\n")
    run = run_inprocess(build_args(work, tmp_path / "out", "--no-html", "--no-cards"))
    assert run.status == 0, run.stderr
    notebook = (tmp_path / "out" / "slides" / f"{LESSON}.ipynb").read_text(encoding="utf-8")
    assert "`![alt](figure:nope?T=1)`" in notebook and "![An RNN](figure:nope?T=3)" in notebook


def test_fence_with_a_language_inside_another_fence_is_an_error(tmp_path):
    """jupytext cuts a code cell at "```python" even inside a ```` block, so the slide would
    silently lose its example: the build names the outer fence instead."""
    work = copy_sources(tmp_path / "src")
    _, line = after_title(work, "````markdown\n```python\nprint('shown, not run')\n```\n````\n")
    run = run_inprocess(build_args(work, tmp_path / "out", "--no-html", "--no-cards"))
    assert run.status == 1 and len(run.lines) == 1
    assert run.lines[0].startswith(f"{work / LESSON_MD}:{line}: code fence ```` is not closed before the fence at line {line + 1}")
