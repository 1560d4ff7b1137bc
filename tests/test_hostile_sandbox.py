"""Lesson templates cannot escape: each escape from issue 9 fails the build with
one line at its file:line, and no file appears outside the out dir.

The build runs with its working directory in a watched temp dir; the escapes aim
at that dir. A control renders the same text with a plain jinja2 Environment and
shows the watch does see the escape happen there.
"""
from __future__ import annotations

import time
from pathlib import Path

import jinja2
import pytest

from hostile import LESSON_MD, build_args, copy_sources, run_inprocess, snapshot

SECRET = "the-secret-in-the-watched-dir"

ESCAPES = {
    "cycler-os-system": "{{ cycler.__init__.__globals__.os.system('touch pwned') }}",
    "lipsum-reads-a-file": "{{ lipsum.__globals__['__builtins__']['open']('secret.txt').read() }}",
    "joiner-popen": "{{ joiner.__init__.__globals__.os.popen('touch pwned').read() }}",
    "namespace-globals": "{{ namespace.__init__.__globals__.os.system('touch pwned') }}",
    "subclasses-walk": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "numpy-tofile": "{{ worked_problem.query.tofile('pwned') }}",
    "numpy-dump": "{{ worked_problem.keys.dump('pwned') }}",
    "self-globals": "{{ self.__init__.__globals__ }}",
    "range-10-12": "{% for i in range(10**12) %}x{% endfor %}",
}

# Escapes that plain jinja2 lets through, for the control.
CONTROL = {
    "cycler-os-system": "{{ cycler.__init__.__globals__.os.system('touch pwned') }}",
    "joiner-popen": "{{ joiner.__init__.__globals__.os.popen('touch pwned').read() }}",
}


def listing(root: Path, skip: tuple[str, ...] = ("src", "out")) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.relative_to(root).parts[0] not in skip)


def spoil(work: Path, escape: str) -> int:
    lines = (work / LESSON_MD).read_text(encoding="utf-8").split("\n")
    at = next(n for n, line in enumerate(lines, start=1) if line.startswith("# Sequence tools for vision")) + 2
    lines.insert(at - 1, escape)
    (work / LESSON_MD).write_text("\n".join(lines), encoding="utf-8")
    return at


@pytest.mark.parametrize("name", sorted(ESCAPES))
def test_escape_fails_with_one_line_and_writes_nothing(name, tmp_path, monkeypatch):
    watched = tmp_path / "watched"
    watched.mkdir()
    (watched / "secret.txt").write_text(SECRET)
    work = copy_sources(watched / "src")
    line = spoil(work, ESCAPES[name])
    monkeypatch.chdir(watched)
    before = listing(watched)
    started = time.monotonic()
    run = run_inprocess(build_args(work, watched / "out", "--no-html", "--no-cards"))
    assert time.monotonic() - started < 30
    assert run.status == 1 and len(run.lines) == 1 and "Traceback" not in run.stderr, run.stderr
    assert run.lines[0].startswith(f"{work / LESSON_MD}:{line}: template error: "), run.lines[0]
    assert SECRET not in run.stderr + run.stdout
    assert listing(watched) == before, "a file appeared outside the out dir"
    assert not (watched / "out").exists() or snapshot(watched / "out") == {}  # no output of a failed first build


@pytest.mark.parametrize("name", sorted(CONTROL))
def test_control_plain_jinja_escapes(name, tmp_path, monkeypatch):
    """Without the sandbox the same text runs a shell command: the watch above would see it."""
    monkeypatch.chdir(tmp_path)
    jinja2.Environment().from_string(CONTROL[name]).render()
    assert (tmp_path / "pwned").exists()


def test_time_limit_stops_a_slow_template(tmp_path, monkeypatch):
    """Loops within every size bound but slow in total stop at the time limit, with file:line."""
    import generator.sandbox as sandbox

    monkeypatch.setattr(sandbox, "MAX_SECONDS", 0.5)
    work = copy_sources(tmp_path / "src")
    line = spoil(work, "{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}")
    started = time.monotonic()
    run = run_inprocess(build_args(work, tmp_path / "out", "--no-html", "--no-cards"))
    assert time.monotonic() - started < 20
    assert run.status == 1 and len(run.lines) == 1
    assert run.lines[0].startswith(f"{work / LESSON_MD}:{line}: template error: ") and "longer than 0.5 s" in run.lines[0]


def test_the_real_lesson_still_renders_in_the_sandbox():
    """The sandbox allows what lessons use: macros, loops, filters, numpy's tolist."""
    from generator.exercises import lesson_examples, template_context
    from generator.sandbox import render_bounded
    from generator.source import read_lesson
    from generator.transform import _environment

    from conftest import ROOT

    lesson = read_lesson(ROOT / LESSON_MD)
    context = template_context(lesson, lesson_examples(lesson))
    env = _environment()
    problem = context["worked_problem"]
    text = "{{ worked_problem.query[0].tolist() }} {{ range(3)|list }} {{ head.top(worked) }} {{ '%.2f'|format(1.5) }}"
    out = render_bounded(env, env.from_string(text), context)
    assert out.startswith(str(problem.query[0].tolist())) and "[0, 1, 2]" in out and out.endswith("1.50")


class _Listed:
    """A class of ours with one method a template may call and one it may not."""

    template_methods = frozenset({"shown"})

    def shown(self) -> str:
        return "read"

    def hidden(self) -> str:
        return "called"


def test_only_methods_a_class_lists_are_callable():
    """Lessons call QuerySteps.step through the head macros; any unlisted method is refused."""
    from generator.sandbox import render_bounded
    from generator.transform import _environment

    env = _environment()
    assert render_bounded(env, env.from_string("{{ x.shown() }}"), {"x": _Listed()}) == "read"
    with pytest.raises(jinja2.exceptions.SecurityError):
        render_bounded(env, env.from_string("{{ x.hidden() }}"), {"x": _Listed()})
    # The real view: step is listed, its dataclass fields are data.
    from generator.exercises import lesson_examples, template_context
    from generator.source import read_lesson

    from conftest import ROOT

    lesson = read_lesson(ROOT / LESSON_MD)
    context = template_context(lesson, lesson_examples(lesson))
    out = render_bounded(env, env.from_string("{{ worked.step('weights').title }}"), context)
    assert out == "Softmax"
