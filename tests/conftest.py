"""Shared fixtures. Browser and Anki tests run only when their variable is set
(CI sets both), so a machine without Chromium or the anki library skips them
loudly instead of failing in confusing ways."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LESSON = "07-sequence-tools"

needs_browser = pytest.mark.skipif(
    not os.environ.get("RUN_BROWSER_TESTS"), reason="set RUN_BROWSER_TESTS=1 (needs /usr/bin/chromium and playwright)"
)
needs_jupyterlab = pytest.mark.skipif(
    not os.environ.get("RUN_BROWSER_TESTS"), reason="set RUN_BROWSER_TESTS=1 (needs chromium, jupyterlab, jupyterlab-rise)"
)


EPOCH = "1790000000"  # fixed note timestamps, so two builds can be compared byte for byte


def run_build(*args: str, cwd: Path = ROOT, epoch: str | None = EPOCH) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    if epoch is not None:
        env["SOURCE_DATE_EPOCH"] = epoch
    return subprocess.run(
        [sys.executable, str(ROOT / "build.py"), *args], cwd=cwd, capture_output=True, text=True, env=env
    )


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """One full build of the real lesson, shared by the read-only tests."""
    out = tmp_path_factory.mktemp("build")
    done = run_build("--out", str(out), "--seed", "1234")
    assert done.returncode == 0, done.stderr
    return out


def pytest_sessionfinish(session, exitstatus):
    """In CI a skipped test is a test that did not run: fail the run."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if os.environ.get("CI") and skipped and exitstatus == 0:
        reporter.write_line(f"CI: {skipped} test(s) skipped; every test must run in CI", red=True)
        session.exitstatus = 1
