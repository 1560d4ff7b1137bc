"""Where a cold build's CPU time and memory go: one cold build of lesson 7, stage by stage.

    python benchmarks/stages.py            # a table: CPU, RSS and peak after each stage
    python benchmarks/stages.py --json     # one JSON line per stage

The build runs in this process (a fresh one: imports are paid as `python build.py` pays
them) with every exporter wrapped, so each row is the lesson's deck (its figures drawn),
one exporter of one lesson, or its finish(). CPU is this process's user + system seconds;
"kids" is the CPU of the child processes it waited for: the stages that run apart
(generator/isolation.py) and the kernel that runs the code cells. RSS is the resident set
after the stage, "peak" the process's high-water mark so far (VmHWM), and "child peak"
the largest waited-for child's (ru_maxrss of RUSAGE_CHILDREN). speed.py's cold-build rows
count the larger of the two peaks, as wait4 reports it.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED, EPOCH = "1234", "1790000000"


def _status_mib(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def _sample(stage: str, started: float, rows: list[dict]) -> None:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    rows.append({
        "stage": stage,
        "cpu": own.ru_utime + own.ru_stime,
        "kids": kids.ru_utime + kids.ru_stime,
        "wall": time.perf_counter() - started,
        "rss_mib": _status_mib("VmRSS"),
        "peak_mib": _status_mib("VmHWM"),
        "child_peak_mib": kids.ru_maxrss / 1024,
    })


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="one JSON line per stage")
    args = parser.parse_args()
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    # Our modules as bytecode first, as an installed package's are (see speed.py).
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "generator")], check=True)
    started = time.perf_counter()
    rows: list[dict] = []
    _sample("python started", started, rows)
    sys.path.insert(0, str(ROOT))
    from generator import cli, exporters

    _sample("cli imported", started, rows)
    from generator.imports import skip_unused

    skip_unused()  # as cli.main does before it imports the pipeline
    from generator import build as pipeline

    _sample("pipeline imported", started, rows)
    original_isolated = pipeline.isolated

    def isolated(stage, loads=()):  # build.py's one use: the lesson's deck, its figures drawn
        result = original_isolated(stage, loads)
        _sample("deck (figures)", started, rows)
        return result

    pipeline.isolated = isolated
    original_export, original_finish = exporters.Exporter.export, exporters.Exporter.finish

    def export(self, ctx):
        result = original_export(self, ctx)
        _sample(f"export {self.name}", started, rows)
        return result

    def finish(self, out, files):
        result = original_finish(self, out, files)
        _sample(f"finish {self.name}", started, rows)
        return result

    exporters.Exporter.export, exporters.Exporter.finish = export, finish
    with tempfile.TemporaryDirectory(prefix="stages-") as tmp:
        status = cli.main(["--out", str(Path(tmp) / "out"), "--seed", SEED, "--quiet"])
        _sample("files written", started, rows)
    if status:
        return status
    previous = {"cpu": 0.0, "kids": 0.0}
    for row in rows:
        if args.json:
            print(json.dumps(row))
            continue
        print(f"{row['stage']:18} +{row['cpu'] - previous['cpu']:5.2f} s CPU (total {row['cpu']:5.2f}, "
              f"kids +{row['kids'] - previous['kids']:4.2f})   RSS {row['rss_mib']:5.0f} MiB   "
              f"peak {row['peak_mib']:5.0f} MiB   child peak {row['child_peak_mib']:4.0f} MiB")
        previous = row
    return 0


if __name__ == "__main__":
    sys.exit(main())
