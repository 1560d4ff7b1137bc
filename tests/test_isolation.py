"""generator/isolation.py: heavy stages run in a forked child and leave nothing behind in
the build's own process but their result (issue 13's peak memory)."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time

import pytest

from conftest import EPOCH, LESSON, ROOT
from generator import faults
from generator.errors import BuildError
from generator.isolation import IN_PROCESS, alongside, isolated


def test_the_stage_runs_in_another_process_and_its_result_comes_back():
    here = os.getpid()
    pid, value = isolated(lambda: (os.getpid(), {"bytes": b"\x00" * 100_000}))
    assert pid != here and value == {"bytes": b"\x00" * 100_000}


def test_what_the_child_imports_stays_in_the_child():
    name = "generator.practice.cli"  # a module no other test of this file imports
    sys.modules.pop(name, None)
    assert isolated(lambda: __import__(name) and name in sys.modules)
    assert name not in sys.modules


def test_prints_and_fault_points_are_replayed_in_order(capsys):
    def stage():
        print("one")
        print("warning: two", file=sys.stderr)
        faults.fault("deck")
        return 3

    points: list[str] = []
    faults.observer = points.append
    try:
        assert isolated(stage) == 3
    finally:
        faults.observer = None
    captured = capsys.readouterr()
    assert captured.out == "one\n" and captured.err == "warning: two\n" and points == ["deck"]


def test_a_build_error_keeps_its_file_and_line():
    def stage():
        raise BuildError("figure 'rnn': T must be an integer from 1 to 10, got 0", "slides/x.md", 12)

    with pytest.raises(BuildError) as caught:
        isolated(stage)
    assert str(caught.value) == "slides/x.md:12: figure 'rnn': T must be an integer from 1 to 10, got 0"


def test_ctrl_c_in_the_child_is_ctrl_c_in_the_build():
    with pytest.raises(KeyboardInterrupt):
        isolated(lambda: os.kill(os.getpid(), signal.SIGINT))


@pytest.mark.parametrize("call", ["isolated({})", "alongside(lambda: 1, {})"])
def test_a_stage_killed_by_a_signal_kills_the_build(call):
    probe = ("from generator.isolation import alongside, isolated; import os, signal; "
             + call.format("lambda: os.kill(os.getpid(), signal.SIGKILL)") + "; print('survived')")
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == -signal.SIGKILL and "survived" not in done.stdout


def test_in_process_when_asked(monkeypatch):
    monkeypatch.setenv(IN_PROCESS, "1")
    assert isolated(os.getpid) == os.getpid()


# The build's own process after a build of the lesson (warm caches from the shared build:
# nothing is drawn, typeset or executed, so this costs a few seconds): which of the heavy
# libraries it imported, and the notebook it wrote.
PROBE = """
import json, sys
from generator.cli import main
status = main(sys.argv[1:])
print(json.dumps({"status": status, "loaded": sorted(m for m in ("matplotlib", "nbconvert", "typst", "nbclient")
                                                     if m in sys.modules)}))
"""


def _probe_build(out, env):
    done = subprocess.run([sys.executable, "-c", PROBE, "--out", str(out), "--seed", "1234", "--no-cards", "--quiet"],
                          cwd=ROOT, capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_the_build_process_loads_no_drawing_html_or_typesetting_library(built, tmp_path):
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    env.pop(IN_PROCESS, None)
    out = tmp_path / "out"
    shutil.copytree(built / ".cache", out / ".cache")
    assert _probe_build(out, env) == {"status": 0, "loaded": []}
    for rel in (f"slides/{LESSON}.ipynb", f"slides/{LESSON}.html", f"print/{LESSON}-handout.pdf"):
        assert (out / rel).read_bytes() == (built / rel).read_bytes(), rel
    # The check can fail: the same build in one process loads them.
    shutil.rmtree(out)
    shutil.copytree(built / ".cache", out / ".cache")
    assert "nbconvert" in _probe_build(out, {**env, IN_PROCESS: "1"})["loaded"]


@pytest.mark.parametrize("what, status, line", [("INT", 130, "interrupted"), ("KILL", -signal.SIGKILL, "")])
def test_ctrl_c_or_kill_inside_a_child_stage_stops_the_whole_build(built, tmp_path, what, status, line):
    """The "deck" fault point is inside the Anki stage, which runs apart: Ctrl-C there is the
    build's one line and exit 130, SIGKILL kills the build, and no staged file is left."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "SEQVISION_FAULT_AT": f"deck:{what}"}
    env.pop(IN_PROCESS, None)
    out = tmp_path / "out"
    shutil.copytree(built / ".cache", out / ".cache")
    done = subprocess.run([sys.executable, str(ROOT / "build.py"), "--out", str(out), "--seed", "1234", "--no-html",
                           "--quiet"], cwd=ROOT, capture_output=True, text=True, env=env)
    assert done.returncode == status, done.stderr
    assert done.stderr.splitlines()[:1] == ([f"{line}; earlier outputs are unchanged"] if line else [])
    assert not (out / "slides").exists() and not (out / "cards").exists()


def test_a_stage_whose_libraries_are_loaded_here_runs_here():
    """Forking would save nothing, and a library's own threads (typst's pool) would deadlock the child."""
    assert isolated(os.getpid, ("os", "json")) == os.getpid()
    assert isolated(os.getpid, ("os", "a_module_nobody_imported")) != os.getpid()


# alongside: two halves of one piece of work, the second in a forked child.


def test_alongside_runs_the_second_half_in_a_child_and_returns_both():
    here = os.getpid()
    mine, theirs = alongside(os.getpid, lambda: (os.getpid(), os.getppid(), b"\x01" * 300_000))
    assert mine == here
    assert theirs[0] != here and theirs[1] == here and theirs[2] == b"\x01" * 300_000


def test_alongside_runs_both_halves_here_when_forking_is_off(monkeypatch):
    monkeypatch.setenv(IN_PROCESS, "1")
    assert alongside(os.getpid, os.getpid) == (os.getpid(), os.getpid())


def test_alongside_prints_the_childs_output_after_this_process_half(capsys):
    def there():
        print("there")
        print("warning: from the child", file=sys.stderr)
        return 2

    def here():
        time.sleep(0.2)  # the child has printed long before: its output still comes after
        print("here")
        return 1

    assert alongside(here, there) == (1, 2)
    captured = capsys.readouterr()
    assert captured.out == "here\nthere\n" and captured.err == "warning: from the child\n"


def test_an_error_in_the_childs_half_reaches_the_caller_with_its_file_and_line():
    def there():
        raise BuildError("[attention] d_k must be from 1 to 8, got 99", "cards/x.practice.toml", 3)

    with pytest.raises(BuildError) as caught:
        alongside(lambda: 1, there)
    assert str(caught.value) == "cards/x.practice.toml:3: [attention] d_k must be from 1 to 8, got 99"


def test_an_error_here_wins_and_the_child_is_ended_and_reaped(tmp_path):
    pidfile = tmp_path / "child"

    def there():
        pidfile.write_text(str(os.getpid()))
        time.sleep(60)

    def here():
        deadline = time.monotonic() + 20
        while (not pidfile.exists() or not pidfile.read_text()) and time.monotonic() < deadline:
            time.sleep(0.01)
        raise KeyboardInterrupt

    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        alongside(here, there)
    assert time.monotonic() - started < 30
    child = int(pidfile.read_text())
    with pytest.raises(ChildProcessError):  # reaped: no longer this process's child, not even a zombie
        os.waitpid(child, os.WNOHANG)


def test_ctrl_c_right_after_the_fork_still_ends_and_reaps_the_child(monkeypatch):
    """Ctrl-C reaches the whole process group, so it can land between the fork and the
    moment this process knows its child: held back until then, it still ends the child."""
    import generator.isolation as isolation

    forked: list[int] = []
    fork = os.fork

    def fork_then_ctrl_c():
        pid = fork()
        if pid:
            forked.append(pid)
            # To this thread, as Ctrl-C reaches a build's one thread (a test worker may have
            # threads of its own, which a process-wide signal could go to).
            signal.pthread_kill(threading.get_ident(), signal.SIGINT)
        return pid

    monkeypatch.setattr(isolation.os, "fork", fork_then_ctrl_c)
    with pytest.raises(KeyboardInterrupt):
        alongside(lambda: 1, lambda: time.sleep(60))
    with pytest.raises(ChildProcessError):
        os.waitpid(forked[0], os.WNOHANG)
