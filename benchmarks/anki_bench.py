"""Anki export benchmark: build time and peak memory for 10, 1,000 and 10,000
practice notes, and the official importer's time on the 1,000-note deck; what the
pools of problems cost, per lesson and for 1,000 notes.

    python benchmarks/anki_bench.py                 # all sizes
    python benchmarks/anki_bench.py --sizes 10 1000 # a subset
    python benchmarks/anki_bench.py --json          # one JSON line per size
    python benchmarks/anki_bench.py --pool 30       # problems per note (default 20)
    python benchmarks/anki_bench.py --sizes         # only the lesson's own pools

Pools: the lesson's real practice settings are built cold with one problem per note
and with the pool, and the difference in build time and .apkg size is printed, with
the largest field (AnkiWeb limits a note's fields). A cold build's time varies by more
than the pool costs, so the practice notes are also timed alone (best of three; one run
after a warm-up for hundreds of notes) with and without the pool. Sizes up to 1,000 notes get the same comparison.

Each measurement runs in a fresh Python process, so peak memory (ru_maxrss) is
that build's own and not the high-water mark of an earlier, larger one. The
practice notes are attention practice notes (the heaviest kind: a figure per problem)
added to the lesson's real flashcards. "cold" is the first build in a fresh process
tree (nothing on disk from an earlier one); "warm" is the same build again. Card
figures are templated SVG drawn on every build (no figure cache is involved), so the
two differ only by what the operating system caches.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LESSON = "07-sequence-tools"
TITLE = "Sequence tools for vision: recurrence and attention"
SEED = 2024


LESSON_NOTES = 0  # "notes" meaning: the lesson's own practice settings


def _practice_settings(notes: int, pool: int) -> str:
    if notes == LESSON_NOTES:
        text = (ROOT / "cards" / f"{LESSON}.practice.toml").read_text(encoding="utf-8")
        return re.sub(r"(?m)^pool = \d+", f"pool = {pool}", text)
    return f"[attention]\nvariants = {notes}\npool = {pool}\n"


def _cards_dir(work: Path, notes: int, pool: int) -> Path:
    cards = work / "cards"
    cards.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "cards" / f"{LESSON}.cards", cards)
    (cards / f"{LESSON}.practice.toml").write_text(_practice_settings(notes, pool), encoding="utf-8")
    return cards


def _largest_field(apkg: Path) -> int:
    """The largest field of any note in the package, in bytes of UTF-8."""
    with zipfile.ZipFile(apkg) as archive, tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "collection.anki2"
        db.write_bytes(archive.read("collection.anki2"))
        with sqlite3.connect(db) as con:
            return max(len(f.encode()) for (fields,) in con.execute("select flds from notes") for f in fields.split("\x1f"))


def _cpu() -> float:
    """CPU seconds (user + system) of this process and of the children it has reaped: a
    large deck's forked half (kinds.FORK_AT) is reaped before build_deck returns."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _one_build(work: Path, notes: int, pool: int) -> dict:
    """Run in a child process: one build, its wall time and peak RSS."""
    sys.path.insert(0, str(ROOT))
    from generator.anki import build_deck

    cards = _cards_dir(work, notes, pool)
    cpu_before = _cpu()
    started = time.perf_counter()
    report = build_deck(LESSON, TITLE, cards, work / "out" / f"{LESSON}.apkg", SEED)
    seconds = time.perf_counter() - started
    cpu = _cpu() - cpu_before
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    # A large deck's second half is built in a forked child (kinds.FORK_AT): its peak.
    child_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    digest = hashlib.sha256(report.path.read_bytes()).hexdigest()
    return {"notes": notes, "pool": pool, "seconds": seconds, "cpu": cpu, "peak_mib": peak_kib / 1024,
            "child_peak_mib": child_kib / 1024, "apkg_bytes": report.bytes,
            "media": report.media, "path": str(report.path), "sha256": digest,
            "largest_field": _largest_field(report.path)}


def _pool_seconds(work: Path, notes: int, pool: int, repeats: int) -> dict:
    """Run in a child process: the practice notes alone, with one problem each and with
    ``pool``, best of ``repeats`` after one unmeasured run (imports, compiled templates),
    so the difference is what the pools cost: drawing, fields, SVG figures."""
    sys.path.insert(0, str(ROOT))
    from generator.anki.kinds import practice_notes
    from generator.anki.settings import parse_settings

    cards = _cards_dir(work, notes, pool)
    path = cards / f"{LESSON}.practice.toml"
    times = {}
    for size in (1, pool):
        path.write_text(_practice_settings(notes, size), encoding="utf-8")
        settings = parse_settings(path)
        practice_notes(LESSON, settings, SEED)  # imports and compiles what it uses
        best = float("inf")
        for _ in range(repeats):
            started = time.perf_counter()
            practice_notes(LESSON, settings, SEED)
            best = min(best, time.perf_counter() - started)
        times[size] = best
    return {"one": times[1], "full": times[pool]}


def _one_import(apkg: Path, work: Path) -> dict:
    sys.path.insert(0, str(ROOT))
    from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

    col = Collection(str(work / "collection.anki2"))
    try:
        started = time.perf_counter()
        log = col.import_anki_package(
            ImportAnkiPackageRequest(package_path=str(apkg), options=ImportAnkiPackageOptions())
        ).log
        seconds = time.perf_counter() - started
        return {"seconds": seconds, "new_notes": len(log.new), "cards": col.card_count()}
    finally:
        col.close()


def _child(*args: str) -> dict:
    done = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, cwd=ROOT)
    if done.returncode:
        raise SystemExit(done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10, 1000, 10000])
    parser.add_argument("--pool", type=int, default=20, help="problems per practice note")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--child-build", nargs=3, metavar=("WORK", "NOTES", "POOL"), help=argparse.SUPPRESS)
    parser.add_argument("--child-import", nargs=2, metavar=("APKG", "WORK"), help=argparse.SUPPRESS)
    parser.add_argument("--child-pool", nargs=4, metavar=("WORK", "NOTES", "POOL", "REPEATS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_build:
        print(json.dumps(_one_build(Path(args.child_build[0]), int(args.child_build[1]), int(args.child_build[2]))))
        return
    if args.child_pool:
        print(json.dumps(_pool_seconds(Path(args.child_pool[0]), *map(int, args.child_pool[1:]))))
        return
    if args.child_import:
        print(json.dumps(_one_import(Path(args.child_import[0]), Path(args.child_import[1]))))
        return

    with tempfile.TemporaryDirectory(prefix="anki-bench-") as tmp:
        lesson = _pool_cost(Path(tmp) / "lesson", LESSON_NOTES, args.pool)
        if args.json:
            print(json.dumps({"lesson": lesson}), flush=True)
        else:
            print(_pool_line(f"lesson {LESSON}", lesson), flush=True)
        for notes in args.sizes:
            work = Path(tmp) / str(notes)
            pool = _pool_cost(Path(tmp) / f"pool-{notes}", notes, args.pool) if notes <= 1000 else None
            # The pool comparison's build with the pool is this size's cold build.
            cold = pool["full"] if pool else _child("--child-build", str(work), str(notes), str(args.pool))
            warm = _child("--child-build", str(Path(cold["path"]).parent.parent), str(notes), str(args.pool))
            # Same seed and SOURCE_DATE_EPOCH: the two builds must be byte-identical.
            row = {"notes": notes, "cold": cold, "warm": warm, "identical": cold["sha256"] == warm["sha256"], "pool": pool}
            if notes == 1000:
                import_dir = Path(tmp) / "import"
                import_dir.mkdir()
                row["import"] = _child("--child-import", cold["path"], str(import_dir))
            if args.json:
                print(json.dumps(row), flush=True)  # one line per size, so a long run reports as it goes
            else:
                if pool:
                    print(_pool_line(f"{notes} practice notes", pool), flush=True)
                line = (f"{notes:>6} practice notes (pool {args.pool}): build {cold['seconds']:7.2f} s cold, {warm['seconds']:7.2f} s warm; "
                        f"peak {cold['peak_mib']:6.0f} MiB cold, {warm['peak_mib']:6.0f} MiB warm "
                        f"(its child {cold['child_peak_mib']:.0f} MiB); "
                        f".apkg {cold['apkg_bytes'] / 1e6:6.2f} MB, {cold['media']} figures, "
                        f"largest field {cold['largest_field'] / 1e3:.1f} KB; "
                        f"{'identical' if row['identical'] else 'DIFFERENT'} bytes cold and warm")
                if "import" in row:
                    line += f"; anki import {row['import']['seconds']:.2f} s ({row['import']['new_notes']} notes)"
                print(line, flush=True)


def _pool_cost(work: Path, notes: int, pool: int) -> dict:
    """Two cold builds, one problem per note and ``pool``: what the pools add."""
    one = _child("--child-build", str(work / "one"), str(notes), "1")
    full = _child("--child-build", str(work / "full"), str(notes), str(pool))
    # Best of three for the lesson's few notes; one run (after a warm-up) for hundreds.
    notes_only = _child("--child-pool", str(work / "timed"), str(notes), str(pool), "3" if notes < 100 else "1")
    return {"pool": pool, "one": one, "full": full, "adds_seconds": full["seconds"] - one["seconds"],
            "adds_bytes": full["apkg_bytes"] - one["apkg_bytes"], "notes_seconds": notes_only,
            "adds_notes_seconds": notes_only["full"] - notes_only["one"]}


def _pool_line(what: str, cost: dict) -> str:
    one, full = cost["one"], cost["full"]
    timed = cost["notes_seconds"]
    return (f"{what}: pool of {cost['pool']} adds {cost['adds_notes_seconds']:.2f} s to the practice notes "
            f"({timed['one']:.2f} -> {timed['full']:.2f} s, in-process), "
            f"{cost['adds_seconds']:.2f} s to a cold build "
            f"({one['seconds']:.2f} -> {full['seconds']:.2f} s, one run each) and {cost['adds_bytes'] / 1e3:.0f} KB to the .apkg "
            f"({one['apkg_bytes'] / 1e3:.0f} -> {full['apkg_bytes'] / 1e3:.0f} KB, {full['media']} media files); "
            f"largest field {full['largest_field'] / 1e3:.1f} KB")


if __name__ == "__main__":
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1700000000")
    main()
