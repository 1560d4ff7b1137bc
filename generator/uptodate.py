"""Is the last build still current? Answered before any heavy import.

A successful build with ``--seed`` leaves a stamp in ``OUT/.cache/uptodate.json``:
one digest of everything that decides its bytes (the inputs' bytes, the
generator's own files, the vendor cache, installed distributions, Python, the
options, SOURCE_DATE_EPOCH) and the digest of every file it wrote. A later run
whose digest matches, with every recorded output still on disk unchanged, has
nothing to do. Only the standard library is imported here: the point is to skip
matplotlib, nbconvert and friends (seconds of imports) when no work is due.
Without ``--seed`` a build draws a fresh seed, so it is never a no-change build.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STAMP = Path(".cache") / "uptodate.json"
FORMAT = 1  # bump when the stamp's meaning changes, so old stamps never match
# Variables the build reads (SOURCE_DATE_EPOCH: timestamps; the rest: where the vendor cache is).
ENVIRONMENT = ("SOURCE_DATE_EPOCH", "SEQVISION_VENDOR_DIR", "XDG_CACHE_HOME", "HOME")
WITH_VALUE = ("--out", "--slides-dir", "--cards-dir", "--seed")  # the options the stamp reads
# argparse expands any unambiguous prefix of a long option; the stamp does not guess.
KNOWN = (*WITH_VALUE, "--quiet", "--help")


@dataclass(frozen=True)
class Request:
    """What a command line asks for, as far as the stamp needs to know."""

    argv: tuple[str, ...]  # every argument but --quiet, verbatim: options are part of the digest
    out: Path
    seed: int
    quiet: bool
    slides_dir: Path
    cards_dir: Path


def request(argv: Sequence[str]) -> Request | None:
    """The build ``argv`` asks for, or None when the fast path must not answer it.

    None for anything unusual (no --seed, help, an abbreviated option argparse
    would expand, a bad number): the full command line then decides as always.
    """
    values: dict[str, str] = {}
    kept: list[str] = []
    quiet = False
    tokens = iter(argv)
    for token in tokens:
        if token == "--quiet":
            quiet = True
            continue
        kept.append(token)
        if token in ("-h", "--", "-") or token.startswith("-") and not token.startswith("--"):
            return None
        if not token.startswith("--"):
            continue
        name, has_value, value = token.partition("=")
        if name in WITH_VALUE:
            if not has_value:
                value = next(tokens, None)
                if value is None:
                    return None
                kept.append(value)
            values[name] = value
        elif any(known.startswith(name) for known in KNOWN):
            return None  # an abbreviation (or --help): leave it to argparse
    if "--seed" not in values:
        return None
    try:
        seed = int(values["--seed"])
    except ValueError:
        return None
    return Request(
        argv=tuple(kept),
        out=Path(values.get("--out", "build")),
        seed=seed,
        quiet=quiet,
        slides_dir=Path(values.get("--slides-dir", ROOT / "slides")),
        cards_dir=Path(values.get("--cards-dir", ROOT / "cards")),
    )


def _vendor_dir(environ: Mapping[str, str]) -> Path:
    # Mirrors generator.vendor.default_cache, which cannot be imported here without its imports.
    if environ.get("SEQVISION_VENDOR_DIR"):
        return Path(environ["SEQVISION_VENDOR_DIR"])
    return Path(environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "seqvision" / "vendor"


def _tree(folder: Path) -> Iterable[tuple[str, bytes]]:
    """Every file under ``folder`` (compiled bytecode aside), by relative path, sorted."""
    if not folder.is_dir():
        return
    found = []
    for base, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        found.extend(Path(base, name) for name in names if not name.endswith(".pyc"))
    for path in sorted(found):
        if not path.is_file() or path.is_symlink() and not path.resolve().is_file():
            # A FIFO or device would block a read; the build itself refuses it, as one line.
            raise OSError(f"{path}: not a regular file")
        yield path.relative_to(folder).as_posix(), path.read_bytes()


def _distributions() -> list[str]:
    """Installed distributions with their versions, from the metadata folders' names.

    Listing folders costs milliseconds; importlib.metadata would read every one.
    """
    names = set()
    for entry in sys.path:
        try:
            listing = os.listdir(entry or ".")
        except OSError:
            continue
        names.update(n for n in listing if n.endswith((".dist-info", ".egg-info", ".pth")))
    return sorted(names)


def digest(req: Request, environ: Mapping[str, str] = os.environ) -> str | None:
    """One digest of everything that decides the build's bytes; None if an input cannot be
    read (the build itself then says what is wrong, as one line)."""
    try:
        return _digest(req, environ)
    except OSError:
        return None


def _digest(req: Request, environ: Mapping[str, str]) -> str:
    h = hashlib.sha256()

    def add(*parts: object) -> None:
        for part in parts:
            data = part if isinstance(part, bytes) else repr(part).encode()
            h.update(len(data).to_bytes(8, "big"))
            h.update(data)

    add(FORMAT, sys.version, sys.executable, os.getcwd(), req.argv)
    add(*(environ.get(name) for name in ENVIRONMENT))
    add(*_distributions())
    folders = {
        "generator": ROOT / "generator",
        "slides": req.slides_dir.resolve(),
        "cards": req.cards_dir.resolve(),
        "vendor": _vendor_dir(environ),
    }
    for label, folder in folders.items():
        add(label, str(folder))
        for rel, data in _tree(folder):
            add(rel, data)
    return h.hexdigest()


def _file_digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def current(req: Request, key: str) -> list[str] | None:
    """The outputs (relative to OUT) of the last build, if its stamp matches ``key`` and
    every one is on disk as it was written; otherwise None."""
    try:
        stamp = json.loads((req.out / STAMP).read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(stamp, dict) or stamp.get("digest") != key or not isinstance(stamp.get("files"), dict):
        return None
    files: dict[str, str] = stamp["files"]
    if not files or any(_file_digest(req.out / rel) != sha for rel, sha in files.items()):
        return None
    return list(files)


def record(req: Request, key: str, written: Iterable[Path]) -> None:
    """Stamp a successful build; the stamp appears whole or not at all."""
    files = {}
    out = req.out.resolve()
    for path in written:
        try:
            rel = Path(path).resolve().relative_to(out).as_posix()
        except ValueError:
            return  # a file outside OUT: this stamp could not check it, so there is none
        files[rel] = _file_digest(out / rel)
    target = req.out / STAMP
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    partial.write_text(json.dumps({"digest": key, "files": files}, indent=1, sort_keys=True))
    os.replace(partial, target)


def forget(req: Request) -> None:
    """Remove the stamp before a build writes, so a half-done write is never taken as current."""
    try:
        (req.out / STAMP).unlink()
    except OSError:
        pass
