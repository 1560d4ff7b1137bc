"""Figure benchmark: the time to draw the full figure set cold, and again warm.

    python benchmarks/figures_bench.py            # the lesson's figures and the gallery samples
    python benchmarks/figures_bench.py --repeat 3 # best of three for each phase
    python benchmarks/figures_bench.py --json
    python benchmarks/figures_bench.py --split    # the lesson's figures: CPU per phase, parses

"cold" starts from an empty cache folder: every figure is drawn and rendered to
SVG and PNG. "warm" is a second build on the same folder with nothing changed
(which is also what a rebuild that only edits slide text is: the figures'
parameters did not move); it must draw nothing, and the script fails if it does.
Each phase runs in a fresh Python process so imports and font caches are paid
the way a real `python build.py` pays them.

``--split`` draws only the lesson's figures, in a fresh process, and prints the CPU seconds
(process time, which a shared machine disturbs less than wall time) of importing matplotlib,
drawing the figures, writing their SVGs and their PNGs, the garbage collection after each
figure (generator/collector.py: paused), how many times matplotlib's mathtext parsed a
label (figures/mathlabels.py: once per label), and the CPU of all garbage collections.
"""
from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LESSON = ROOT / "slides" / "07-sequence-tools.md"
_FIGURE = re.compile(r"\]\(figure:(?P<name>[^)?\s]*)(?:\?(?P<query>[^)\s]*))?\)")

_PHASE = r"""
import json, sys, time
from urllib.parse import parse_qsl
started = time.perf_counter()
sys.path.insert(0, {root!r})
from generator.figures.cache import FigureCache
from generator.figures.registry import SAMPLES
from generator.practice import attention as practice
imported = time.perf_counter()
requests = [(n, dict(parse_qsl(q))) for n, q in {lesson!r}] + [(n, p) for n, p in SAMPLES]
make = getattr(practice, "worked_example", None) or (lambda s: practice.draw(s, key=practice.WORKED_EXAMPLE_KEY))
examples = {{"worked": make({seed})}}
cache = FigureCache({cache!r})
per = []
for name, params in requests:
    t = time.perf_counter()
    r = cache.render(name, params, examples)
    per.append((name, params, time.perf_counter() - t, r.cached))
done = time.perf_counter()
print(json.dumps({{"import": imported - started, "render": done - imported, "drawn": cache.drawn,
                  "figures": len(requests), "lesson": {n_lesson}, "per": per}}))
"""


_SPLIT = r"""
import json, sys, time
from urllib.parse import parse_qsl
sys.path.insert(0, {root!r})
from generator.figures.registry import prepare
from generator.practice import attention as practice
clock = time.process_time
make = getattr(practice, "worked_example", None) or (lambda s: practice.draw(s, key=practice.WORKED_EXAMPLE_KEY))
examples = {{"worked": make({seed})}}
started = clock()
from generator import collector
from generator.figures import render
from matplotlib.mathtext import MathTextParser
import gc
cpu = {{"import matplotlib": clock() - started, "draw": 0.0, "svg": 0.0, "png": 0.0, "collect": 0.0}}
collections = {{"cpu": 0.0, "start": 0.0}}  # every garbage collection while the figures are made
def timed(phase, info):
    if phase == "start":
        collections["start"] = clock()
    else:
        collections["cpu"] += clock() - collections["start"]
gc.callbacks.append(timed)
for name, query in {lesson!r}:
    with collector.paused(collect=True) as collected:  # as the figure cache draws each figure
        t = clock(); fig = prepare(name, dict(parse_qsl(query)), examples).draw(); cpu["draw"] += clock() - t
        t = clock(); render.to_svg(fig, close=False); cpu["svg"] += clock() - t
        t = clock(); render.to_png(fig, close=not collected); cpu["png"] += clock() - t
        t = clock()
    cpu["collect"] += clock() - t
print(json.dumps({{"cpu": cpu, "parses": MathTextParser._parse_cached.cache_info().misses, "gc": collections["cpu"]}}))
"""


def split(lesson: list[tuple[str, str]], seed: int, repeat: int) -> int:
    script = _SPLIT.format(root=str(ROOT), lesson=lesson, seed=seed)
    runs = [json.loads(subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout)
            for _ in range(repeat)]
    best = min(runs, key=lambda r: sum(r["cpu"].values()))
    cpu = best["cpu"]
    print(f"{len(lesson)} figures of {LESSON.name}, CPU s in a fresh process (the run with the least CPU of {repeat}):")
    print("  " + ", ".join(f"{phase} {seconds:.2f}" for phase, seconds in cpu.items()) + f"; total {sum(cpu.values()):.2f}")
    print(f"  mathtext parses: {best['parses']}; garbage collections {best['gc']:.3f} s of it (each figure drawn as the cache does:"
          " collector.paused, \"collect\" its one collection)")
    return 0


def lesson_requests(path: Path) -> list[tuple[str, str]]:
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    return [(m.group("name"), m.group("query") or "") for m in _FIGURE.finditer(text)]


def phase(cache: Path, lesson: list[tuple[str, str]], seed: int) -> dict:
    script = _PHASE.format(root=str(ROOT), lesson=lesson, seed=seed, cache=str(cache), n_lesson=len(lesson))
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=1, help="runs per phase; the fastest is reported")
    parser.add_argument("--seed", type=int, default=11, help="seed of the worked example (the lesson's is 11)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--split", action="store_true", help="the lesson's figures only: CPU per phase, mathtext parses")
    args = parser.parse_args()
    lesson = lesson_requests(LESSON)
    if args.split:
        return split(lesson, args.seed, args.repeat)

    cold_runs, warm_runs = [], []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            cache = Path(tmp) / "figures"
            cold_runs.append(phase(cache, lesson, args.seed))
            warm_runs.append(phase(cache, lesson, args.seed))
    cold = min(cold_runs, key=lambda r: r["render"])
    warm = min(warm_runs, key=lambda r: r["render"])
    if any(r["drawn"] for r in warm_runs):
        print("FAIL: the warm rebuild drew figures", file=sys.stderr)
        return 1

    if args.json:
        print(json.dumps({"cold": cold, "warm": warm}, indent=1))
        return 0
    n = cold["figures"]
    print(f"figure set: {n} figures ({cold['lesson']} asked for by {LESSON.name}, {n - cold['lesson']} gallery samples)")
    print(f"cold  (empty cache): {cold['render']:6.2f} s to draw and render {cold['drawn']} figures "
          f"(+{cold['import']:.2f} s imports), {cold['render'] / max(cold['drawn'], 1) * 1000:.0f} ms per figure")
    print(f"warm  (nothing changed): {warm['render']:6.2f} s, {warm['drawn']} figures drawn, "
          f"{warm['figures']} read back (+{warm['import']:.2f} s imports)")
    print("slowest cold figures:")
    for name, params, seconds, _ in sorted(cold["per"], key=lambda p: -p[2])[:5]:
        query = "&".join(f"{k}={v}" for k, v in params.items())
        print(f"  {seconds * 1000:6.0f} ms  {name}{'?' + query if query else ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
