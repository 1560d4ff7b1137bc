"""Wall time and peak memory of a cold full build, then of a rebuild with nothing changed.

    python benchmarks/build_bench.py

Each build runs in its own process so its peak resident memory is its own.
"Cold" starts from an empty output folder (no figure cache); the reveal.js/MathJax
download cache is filled first, since that is a one-time network cost, not build work.
"""
from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def one_build(out: str) -> None:
    sys.path.insert(0, str(ROOT))
    from generator.cli import main

    started = time.perf_counter()
    code = main(["--out", out, "--seed", "1", "--quiet"])
    seconds = time.perf_counter() - started
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"code": code, "seconds": seconds, "peak_mib": peak_mib}))


def measure(out: Path) -> dict:
    done = subprocess.run([sys.executable, __file__, "--one", str(out)], capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from generator.vendor import ensure_assets

    ensure_assets()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "build"
        cold = measure(out)
        warm = measure(out)
    print(f"cold full build:        {cold['seconds']:6.2f} s   peak {cold['peak_mib']:6.1f} MiB")
    print(f"rebuild, nothing new:   {warm['seconds']:6.2f} s   peak {warm['peak_mib']:6.1f} MiB")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one"]:
        one_build(sys.argv[2])
    else:
        main()
