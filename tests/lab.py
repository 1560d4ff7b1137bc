"""A real JupyterLab server (with jupyterlab-rise) for the browser tests, in a throwaway home."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

TOKEN = "rise-test-token"
# Our JupyterLab extension for RISE (seqvision-rise), served from this checkout the way
# `import generator` is: pip installs the same folder under share/jupyter/ (pyproject.toml).
SHARE = Path(__file__).resolve().parent.parent / "share" / "jupyter"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def lab_server(root: Path, extension: bool = True) -> Iterator[str]:
    """Serve a copy of ``root``; yields the base URL (open pages with ?token=TOKEN).

    ``extension=False`` serves without seqvision-rise, to show what the tests see without it
    (it must then not be installed in this Python's share/jupyter either).

    JupyterLab writes beside what it opens (checkpoints, saved notebooks), so it gets
    a copy: the shared build other tests compare byte for byte stays untouched.
    """
    port = free_port()
    home = tempfile.mkdtemp(prefix="lab-home-")
    root = Path(shutil.copytree(root, Path(home) / "served", ignore=shutil.ignore_patterns(".cache")))
    env = {**os.environ, "JUPYTER_CONFIG_DIR": f"{home}/config", "JUPYTER_RUNTIME_DIR": f"{home}/runtime",
           "JUPYTERLAB_SETTINGS_DIR": f"{home}/settings", "JUPYTERLAB_WORKSPACES_DIR": f"{home}/workspaces"}
    if extension:
        env["JUPYTER_PATH"] = os.pathsep.join(p for p in (str(SHARE), os.environ.get("JUPYTER_PATH")) if p)
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
         "--allow-root", f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={root}",
         "--ServerApp.open_browser=False", "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        stdout=subprocess.DEVNULL, stderr=open(f"{home}/server.log", "w"), env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={TOKEN}", timeout=2) as reply:
                    if reply.status == 200:
                        break
            except OSError:
                time.sleep(0.25)
        else:
            raise RuntimeError("jupyter lab did not start: " + Path(f"{home}/server.log").read_text()[-2000:])
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(home, ignore_errors=True)


def open_rise(page, base: str, notebook: str) -> None:
    """Open ``notebook`` (a path under the server root) as a RISE slideshow, typeset."""
    page.goto(f"{base}/rise/{notebook}?token={TOKEN}")
    page.wait_for_selector("body.rise-enabled .reveal.ready .slides > section", timeout=90000)
    page.wait_for_load_state("networkidle")
    page.evaluate("document.fonts.ready")
