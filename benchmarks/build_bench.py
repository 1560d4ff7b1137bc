"""Wall time and peak memory of a cold full build, then of a rebuild with nothing changed;
then the time of the printouts alone (the pdf exporter), cold and warm.

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


def print_build(out: str, worksheets: int) -> None:
    """The pdf exporter's own seconds (the build reports each file's share of its exporter's time)."""
    sys.path.insert(0, str(ROOT))
    from generator.build import Options, build

    seconds: dict[str, float] = {}
    options = Options(out=Path(out), seed=1, mtime=1_790_000_000, skip=frozenset({"html", "cards"}),
                      flags={"worksheets": worksheets})
    build([], options, lambda path, s: seconds.__setitem__(str(path), s))
    printed = {p: s for p, s in seconds.items() if "/print/" in p}
    print(json.dumps({"seconds": sum(printed.values()), "files": len(printed)}))


def measure(out: Path, mode: str = "--one", *extra: str) -> dict:
    done = subprocess.run([sys.executable, __file__, mode, str(out), *extra], capture_output=True, text=True, cwd=ROOT)
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
    # Printouts: cold = no printout cache (figures already drawn by the first run's other
    # exporters, whose time is not counted here); warm = the same build again.
    for worksheets in (0, 30):
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "build"
            cold = measure(out, "--print", str(worksheets))
            warm = measure(out, "--print", str(worksheets))
        what = "handout" if not worksheets else f"handout + {worksheets} worksheets + keys"
        print(f"printouts, {what + ':':34} cold {cold['seconds']:6.2f} s   warm {warm['seconds']:6.2f} s"
              f"   ({cold['files']} PDFs)")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one"]:
        one_build(sys.argv[2])
    elif sys.argv[1:2] == ["--print"]:
        print_build(sys.argv[2], int(sys.argv[3]))
    else:
        main()
