"""Practice generator benchmark: speed and peak memory for 10,000 drawn problems.

    python benchmarks/practice_bench.py            # 10,000 problems per difficulty
    python benchmarks/practice_bench.py --n 2000

For each difficulty it times
  * draw:  attention.draw for seeds 0..n-1 (every guarantee checked, redraws included);
  * card:  draw + rounded + to_data + mistakes, what one practice card needs;
and then, in a separate pass under tracemalloc (which slows Python down, so it is not
timed), the peak of Python allocations while drawing n problems and keeping them all,
as a deck build would. The process's peak resident set size is printed last.
Matching and reasoning items are timed the same way for comparison. The variety lines
give the share of 100 heads (seeds 0..99) that repeat a weight set already drawn.
"""
from __future__ import annotations

import argparse
import resource
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator.practice import attention, matching, reasoning, variety  # noqa: E402


def rate(label: str, n: int, make) -> None:
    # CPU time too: on a shared machine the wall-clock rate also measures the neighbours.
    start, cpu = time.perf_counter(), time.process_time()
    for seed in range(n):
        make(seed)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(f"  {label:<30} {n / seconds:>7,.0f} per second, {n / cpu:>7,.0f} per CPU second  ({seconds:.2f} s for {n:,})")


def peak_kept(n: int, difficulty: str) -> float:
    tracemalloc.start()
    kept = [attention.draw(seed, difficulty=difficulty) for seed in range(n)]
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del kept
    return peak / 2**20


def card(seed: int, difficulty: str) -> None:
    problem = attention.draw(seed, difficulty=difficulty)
    attention.rounded(problem).text
    attention.to_data(problem)
    attention.mistakes(problem)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="problems per measurement (default 10,000)")
    n = parser.parse_args().n
    print(f"practice benchmark, {n:,} problems each (d_k = 2, 3 keys, 1 query)")
    for difficulty in attention.DIFFICULTIES:
        print(f"{difficulty}:")
        rate("draw", n, lambda s: attention.draw(s, difficulty=difficulty))
        rate("draw + display + data + slips", n, lambda s: card(s, difficulty))
        print(f"  {'peak memory, all kept':<30} {peak_kept(n, difficulty):>7.1f} MiB (tracemalloc)")
    print("variety, 100 heads from seeds 0..99 (weight set already seen, order ignored):")
    for difficulty in attention.DIFFICULTIES:
        v = variety.measure(difficulty, 100)
        print(f"  {difficulty:<10} repeat rate {v.repeat_rate:6.1%} (bound {variety.MAX_REPEAT_RATE[difficulty]:.0%}), "
              f"{v.distinct_exp} distinct exponentials, top four {v.top4_exp_share:.1%} of all, "
              f"leads {v.leads[0]:.3f} to {v.leads[-1]:.3f} (median {v.leads[len(v.leads) // 2]:.3f})")
    print("other kinds:")
    rate("matching.draw (n=4)", n, lambda s: matching.draw(s))
    rate("reasoning.draw (any kind)", n, lambda s: reasoning.draw(s))
    # ru_maxrss is in KiB on Linux (bytes on macOS).
    scale = 2**20 if sys.platform == "darwin" else 2**10
    print(f"peak resident set size of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale:.1f} MiB")


if __name__ == "__main__":
    main()
