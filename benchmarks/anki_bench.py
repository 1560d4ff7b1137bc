"""Anki export benchmark: build time and peak memory for 10, 1,000 and 10,000
practice notes, and the official importer's time on the 1,000-note deck.

    python benchmarks/anki_bench.py                 # all sizes
    python benchmarks/anki_bench.py --sizes 10 1000 # a subset
    python benchmarks/anki_bench.py --json          # one JSON line per size

Each measurement runs in a fresh Python process, so peak memory (ru_maxrss) is
that build's own and not the high-water mark of an earlier, larger one. The
practice notes are attention practice notes (the heaviest kind: a figure each)
added to the lesson's real flashcards. "cold" renders every figure; "warm" is
the same build again with the figure cache filled (nothing drawn), which is what
a rebuild with an unchanged seed costs.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LESSON = "07-sequence-tools"
TITLE = "Sequence tools for vision: recurrence and attention"
SEED = 2024


def _cards_dir(work: Path, notes: int) -> Path:
    cards = work / "cards"
    cards.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "cards" / f"{LESSON}.cards", cards)
    (cards / f"{LESSON}.practice.toml").write_text(f"[attention]\nvariants = {notes}\n", encoding="utf-8")
    return cards


def _one_build(work: Path, notes: int) -> dict:
    """Run in a child process: one build, its wall time and peak RSS."""
    sys.path.insert(0, str(ROOT))
    from generator.anki import build_deck

    cards = _cards_dir(work, notes)
    cache = work / "cache"
    before = len(list(cache.glob("*.png"))) if cache.is_dir() else 0
    started = time.perf_counter()
    report = build_deck(LESSON, TITLE, cards, work / "out" / f"{LESSON}.apkg", SEED, work / "cache")
    seconds = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    digest = hashlib.sha256(report.path.read_bytes()).hexdigest()
    drawn = len(list(cache.glob("*.png"))) - before
    return {"notes": notes, "seconds": seconds, "peak_mib": peak_kib / 1024, "apkg_bytes": report.bytes,
            "media": report.media, "path": str(report.path), "sha256": digest, "figures_drawn": drawn}


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
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 1000, 10000])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--child-build", nargs=2, metavar=("WORK", "NOTES"), help=argparse.SUPPRESS)
    parser.add_argument("--child-import", nargs=2, metavar=("APKG", "WORK"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_build:
        print(json.dumps(_one_build(Path(args.child_build[0]), int(args.child_build[1]))))
        return
    if args.child_import:
        print(json.dumps(_one_import(Path(args.child_import[0]), Path(args.child_import[1]))))
        return

    with tempfile.TemporaryDirectory(prefix="anki-bench-") as tmp:
        for notes in args.sizes:
            work = Path(tmp) / str(notes)
            cold = _child("--child-build", str(work), str(notes))
            warm = _child("--child-build", str(work), str(notes))
            # The figure cache is keyed by the figure code too: if that code changed
            # while the cold build ran (others working in the same tree), the first
            # "warm" build redrew; measure again so warm means nothing drawn.
            for _ in range(2):
                if warm["figures_drawn"] == 0:
                    break
                warm = _child("--child-build", str(work), str(notes))
            # Same seed and SOURCE_DATE_EPOCH: the two builds must be byte-identical.
            row = {"notes": notes, "cold": cold, "warm": warm, "identical": cold["sha256"] == warm["sha256"]}
            if notes == 1000:
                import_dir = Path(tmp) / "import"
                import_dir.mkdir()
                row["import"] = _child("--child-import", cold["path"], str(import_dir))
            if args.json:
                print(json.dumps(row), flush=True)  # one line per size, so a long run reports as it goes
            else:
                line = (f"{notes:>6} practice notes: build {cold['seconds']:7.2f} s cold, {warm['seconds']:7.2f} s warm; "
                        f"peak {cold['peak_mib']:6.0f} MiB cold, {warm['peak_mib']:6.0f} MiB warm; "
                        f".apkg {cold['apkg_bytes'] / 1e6:6.2f} MB, {cold['media']} figures; "
                        f"{'identical' if row['identical'] else 'DIFFERENT'} bytes cold and warm")
                if "import" in row:
                    line += f"; anki import {row['import']['seconds']:.2f} s ({row['import']['new_notes']} notes)"
                print(line, flush=True)


if __name__ == "__main__":
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1700000000")
    main()
