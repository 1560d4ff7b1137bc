"""Command line: `python build.py [LESSON ...]` and `python build.py practice ...`."""
from __future__ import annotations

import argparse
import os
import secrets
import sys
import tempfile
import time
import traceback
from pathlib import Path

from .errors import BuildError
from .faults import fault

SEED_LIMIT = 2**31 - 1


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
    parser.add_argument("--seed", type=int, metavar="N", help=f"seed for the practice numbers, 0..{SEED_LIMIT} (default: a fresh one, printed)")
    parser.add_argument("--no-html", action="store_true", help="skip the offline reveal.js HTML")
    parser.add_argument("--no-cards", action="store_true", help="skip the Anki deck")
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

    fault("imports")  # test hook (faults.py): Ctrl-C while the heavy modules load
    from .anki.package import build_mtime
    from .build import Options, build

    args = _parser().parse_args(argv)
    if args.seed is not None and not 0 <= args.seed <= SEED_LIMIT:
        raise UsageError(f"--seed must be from 0 to {SEED_LIMIT}, got {args.seed}")
    try:
        build_mtime()  # a malformed SOURCE_DATE_EPOCH is a usage error, caught before any work
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    seed = secrets.randbelow(SEED_LIMIT) if args.seed is None else args.seed
    if args.seed is None and not args.quiet:
        print(f"seed {seed} (drawn fresh; rebuild these numbers with --seed {seed})")
    options = Options(out=args.out, seed=seed, html=not args.no_html, cards=not args.no_cards)
    if args.slides_dir:
        options.slides_dir = args.slides_dir
    if args.cards_dir:
        options.cards_dir = args.cards_dir

    def report(path: Path, seconds: float) -> None:
        if not args.quiet:
            print(f"wrote {path}  ({seconds:.2f} s)", flush=True)

    started = time.perf_counter()
    written = build(args.lessons, options, report)
    if not args.quiet:
        print(f"built {len(written)} files in {time.perf_counter() - started:.1f} s (seed {seed})")
    return 0
