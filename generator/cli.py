"""Command line: `python build.py [LESSON ...]` and `python build.py practice ...`."""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path

from . import uptodate
from .errors import BuildError
from .exporters import EXPORTERS
from .faults import fault
from .imports import skip_unused
from .limits import SEED, fresh_seed
from .stamp import build_mtime


class UsageError(Exception):
    """A bad command line: one line and exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse would print the whole usage first; one line is enough
        raise UsageError(f"{message} (see --help)")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python build.py",
        description=(
            "Build every lesson in slides/ (or the ones named): a RISE notebook and an offline "
            "reveal.js HTML in OUT/slides/, figures in OUT/figures/, an Anki deck in OUT/cards/. "
            "Run 'python build.py practice --help' to solve or draw one attention head."
        ),
    )
    parser.add_argument("lessons", nargs="*", metavar="LESSON", help="lesson name (file stem in slides/, or a unique prefix such as 07)")
    parser.add_argument("--out", type=Path, default=Path("build"), metavar="DIR", help="output folder (default: build/)")
    parser.add_argument("--seed", type=int, metavar="N", help=f"seed for the practice numbers, {SEED[0]}..{SEED[1]} (default: a fresh one, printed)")
    for exporter in EXPORTERS:
        if exporter.skippable:
            parser.add_argument(f"--no-{exporter.name}", action="append_const", const=exporter.name, dest="skip", help=exporter.help)
        for flag in exporter.flags:
            flag.add_to(parser)
    parser.add_argument("--no-execute", action="store_true", help="do not run the code cells at build time (the HTML then shows them without output)")
    parser.add_argument("--slides-dir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--cards-dir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--quiet", action="store_true", help="print errors only")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run a build; every failure is one line on stderr (the error boundary).

    Exit status: 0 built, 1 bad input or a failed build (nothing changed),
    2 bad command line, 130 interrupted.
    """
    try:
        return _main(sys.argv[1:] if argv is None else argv)
    except UsageError as exc:
        return _fail(f"python build.py: error: {exc}", 2)
    except BuildError as exc:
        return _fail(str(exc), 1)
    except KeyboardInterrupt as exc:
        return _fail(str(exc) or "interrupted; earlier outputs are unchanged", 130)
    except OSError as exc:  # I/O on the out dir or the caches: read-only, full, missing, ...
        where = f"{exc.filename}: " if exc.filename else ""
        return _fail(f"{where}{exc.strerror or exc}", 1)
    except MemoryError:
        return _fail("out of memory; earlier outputs are unchanged", 1)
    except Exception as exc:  # a bug of ours: keep the traceback, show one line
        return _fail(f"internal error: {type(exc).__name__}: {exc} (traceback saved in {_save_traceback()})", 1)


def _fail(message: str, status: int) -> int:
    lines = message.splitlines() or [""]
    try:
        print(lines[0], file=sys.stderr, flush=True)
    except (OSError, ValueError):
        pass  # stderr closed: the status still tells
    return status


def _save_traceback() -> str:
    try:
        fd, path = tempfile.mkstemp(prefix="seqvision-crash-", suffix=".txt")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            traceback.print_exc(file=handle)
    except OSError as exc:
        return f"nowhere: {exc.strerror}"
    return path


def _main(argv: list[str]) -> int:
    if argv[:1] == ["practice"]:
        from .practice.cli import main as practice_main

        return practice_main(argv[1:])

    # --- no-change fast path (issue 13): before the heavy imports; see generator/uptodate.py ---
    fast = uptodate.request(argv)
    key = uptodate.digest(fast) if fast else None
    if fast and key and (done := uptodate.current(fast, key)) is not None:
        if not fast.quiet:
            print(f"up to date: {len(done)} files in {fast.out} unchanged (seed {fast.seed})")
        return 0
    # --- end of the fast path ---

    fault("imports")  # test hook (faults.py): Ctrl-C while the heavy modules load
    skip_unused()  # issue 13: before nbformat is imported
    from .build import Options, build

    args = _parser().parse_args(argv)
    if args.seed is not None and not SEED[0] <= args.seed <= SEED[1]:
        raise UsageError(f"--seed must be from {SEED[0]} to {SEED[1]}, got {args.seed}")
    try:
        mtime = build_mtime()  # a malformed SOURCE_DATE_EPOCH is a usage error, caught before any work
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    seed = fresh_seed() if args.seed is None else args.seed
    if args.seed is None and not args.quiet:
        print(f"seed {seed} (drawn fresh; rebuild these numbers with --seed {seed})")
    paths = {name: value for name in ("slides_dir", "cards_dir") if (value := getattr(args, name))}
    flags = {flag.dest: getattr(args, flag.dest) for exporter in EXPORTERS for flag in exporter.flags}
    options = Options(out=args.out, seed=seed, mtime=mtime, skip=frozenset(args.skip or ()),
                      execute=not args.no_execute, flags=flags, **paths)

    def report(path: Path, seconds: float) -> None:
        if not args.quiet:
            print(f"wrote {path}  ({seconds:.2f} s)", flush=True)

    started = time.perf_counter()
    if fast and key:
        uptodate.forget(fast)  # issue 13: a build in progress is never "up to date"
    written = build(args.lessons, options, report)
    if fast and key:
        uptodate.record(fast, key, written)  # issue 13: stamp the successful build
    if not args.quiet:
        print(f"built {len(written)} files in {time.perf_counter() - started:.1f} s (seed {seed})")
    return 0
