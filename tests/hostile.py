"""Helpers for the hostile-input and fault tests: a copy of the sources to spoil,
one good build to compare against, a build run in-process or as a process, and
a snapshot of an out dir (every file's bytes, the figure cache left out)."""
from __future__ import annotations

import contextlib
import hashlib
import io
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from conftest import EPOCH, LESSON, ROOT

LESSON_MD = f"slides/{LESSON}.md"
CARDS = f"cards/{LESSON}.cards"
SETTINGS = f"cards/{LESSON}.practice.toml"


def copy_sources(work: Path) -> Path:
    """slides/ and cards/ of the real course under ``work``; returns ``work``."""
    for folder in ("slides", "cards"):
        shutil.copytree(ROOT / folder, work / folder)
    return work


def snapshot(out: Path) -> dict[str, str]:
    """relative path -> sha256 of every file under ``out`` except the figure cache and the lock."""
    found = {}
    for path in sorted(out.rglob("*")):
        rel = path.relative_to(out).as_posix()
        if rel.startswith(".cache/") or rel == ".lock" or path.is_dir():
            continue
        found[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


@dataclass
class Run:
    status: int
    stdout: str
    stderr: str

    @property
    def lines(self) -> list[str]:
        return self.stderr.splitlines()


def build_args(work: Path, out: Path, *extra: str, seed: str = "1234") -> list[str]:
    return ["--out", str(out), "--seed", seed, "--quiet", "--slides-dir", str(work / "slides"), "--cards-dir", str(work / "cards"), *extra]


def run_inprocess(argv: list[str], env: dict[str, str] | None = None) -> Run:
    """``python build.py ARGV`` in this process: same code path, no interpreter start-up.

    The heavy stages run in this process too (SEQVISION_IN_PROCESS): forked from a test
    process that already holds their libraries, they would save no memory and pay for
    cold caches on every build (about 1 s each). Their fork, faults and signals are
    tested in tests/test_isolation.py; the session build runs them apart."""
    from generator.cli import main
    from generator.isolation import IN_PROCESS

    saved = dict(os.environ)
    os.environ.pop("SOURCE_DATE_EPOCH", None)
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    os.environ[IN_PROCESS] = "1"
    os.environ.update(env or {})
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = main(argv)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return Run(status, out.getvalue(), err.getvalue())


def run_process(argv: list[str], env: dict[str, str] | None = None, cwd: Path = ROOT, timeout: float = 120) -> Run:
    environ = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    environ["SOURCE_DATE_EPOCH"] = EPOCH
    environ.update(env or {})
    done = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), *argv], cwd=cwd, env=environ, capture_output=True, text=True, timeout=timeout
    )
    return Run(done.returncode, done.stdout, done.stderr)


def run_forked(argv: list[str], env: dict[str, str] | None = None) -> int:
    """Run the build in a forked child (a real process that a signal can kill, without
    paying for a fresh interpreter); returns its exit code (-9 when SIGKILLed)."""
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child: never return into pytest
        status = 99
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            status = run_inprocess(argv, env).status
        finally:
            os._exit(status)
    _, code = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(code)


def leftovers(out: Path) -> list[str]:
    """Temp files and staging folders that a finished build must not leave."""
    return sorted(
        p.relative_to(out).as_posix()
        for p in out.rglob("*")
        if p.name.endswith(".tmp") or p.name == ".staging" or p.name.startswith(".fetch-")
    )
