"""All-or-nothing builds: stage every output, then move them into place together.

::

    with Transaction(out_dir) as tx:   # recovers what a killed build left first
        tx.write(out_dir / "slides/x.ipynb", data)
        tx.remove(out_dir / "figures/x/old.svg")
    # only here, and only if the block raised nothing, do the outputs change

Outputs are written into ``OUT/.staging/``. Committing writes a journal naming
every move (``OUT/.staging/journal.json``, renamed into place: that rename is the
commit point), then renames each staged file over its target. A crash before the
commit point leaves the outputs untouched; a crash after it leaves each file
either old or new, and the next build's :func:`recover` finishes the moves.
Either way the staging folder and temp files of killed builds are removed.

One build per out dir at a time: the transaction holds a lock on ``OUT/.lock``.
"""
from __future__ import annotations

import errno
import fcntl
import json
import os
import re
import shutil
from pathlib import Path
from types import TracebackType

from .errors import BuildError
from .faults import fault

STAGING = ".staging"
JOURNAL = "journal.json"
LOCK = ".lock"
OUTPUT_FOLDERS = ("slides", "cards", "figures", ".cache")
# What files.write_atomic and the apkg writer leave when killed mid-write: ".<name>.<random>.tmp".
_TEMP = re.compile(r"^\..+\.[A-Za-z0-9_]{8}\.tmp$")


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_new(path: Path, data: bytes) -> None:
    """Create ``path`` with the umask's mode (0644 by default), as any tool would."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def recover(out_dir: Path) -> None:
    """Finish or undo what a killed build left in ``out_dir``; remove its temp files.

    Call with the lock held (:class:`Transaction` does).
    """
    staging = out_dir / STAGING
    journal = staging / JOURNAL
    if journal.is_file():
        # Committed: every move in the journal must happen. A staged file that is
        # gone was already moved; a target already removed needs nothing.
        for entry in json.loads(journal.read_text(encoding="utf-8")):
            target = out_dir / entry["path"]
            if entry["op"] == "put":
                source = staging / entry["path"]
                if source.exists():
                    target.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(source, target)
            else:
                target.unlink(missing_ok=True)
    if staging.exists():
        shutil.rmtree(staging)
    # Only the folders a build writes: --out may name a folder that holds other things.
    for top in OUTPUT_FOLDERS:
        for folder, _, names in os.walk(out_dir / top):
            for name in names:
                if _TEMP.match(name):
                    (Path(folder) / name).unlink(missing_ok=True)


class Transaction:
    """Stage a build's outputs under ``out_dir``; apply them all on a clean exit."""

    def __init__(self, out_dir: Path):
        self.out = Path(out_dir)
        self.staging = self.out / STAGING
        self.puts: dict[str, None] = {}  # relative paths, in write order
        self.removes: dict[str, None] = {}
        self._lock: int | None = None
        self.writes = 0

    def __enter__(self) -> "Transaction":
        self.out.mkdir(parents=True, exist_ok=True)
        self._lock = os.open(self.out / LOCK, os.O_RDWR | os.O_CREAT, 0o666)
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self._lock)
            self._lock = None
            raise BuildError("another build is writing to this folder; wait for it to finish", self.out) from None
        recover(self.out)
        return self

    def __exit__(self, kind: type | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        try:
            if kind is None:
                self.commit()
            elif self.staging.exists():
                shutil.rmtree(self.staging, ignore_errors=True)
        finally:
            if self._lock is not None:
                os.close(self._lock)  # releases the flock
                self._lock = None

    def relative(self, path: str | Path) -> str:
        """``path`` (absolute, or relative to the out dir) as a checked relative path."""
        path = Path(path)
        try:
            rel = path.relative_to(self.out)
        except ValueError:
            rel = path
        if rel.is_absolute() or ".." in rel.parts or not rel.parts or rel.parts[0] in (STAGING, LOCK):
            raise ValueError(f"{path} is not an output path under {self.out}")
        return rel.as_posix()

    def staged(self, path: str | Path) -> Path:
        """Where an output is staged; a writer may create the file there itself (the .apkg does)."""
        rel = self.relative(path)
        self.puts[rel] = None
        self.removes.pop(rel, None)
        (self.staging / rel).parent.mkdir(parents=True, exist_ok=True)
        return self.staging / rel

    def write(self, path: str | Path, data: bytes) -> None:
        """Stage ``data`` for ``path``: the same call as files.write_atomic, deferred."""
        self.writes += 1
        target = self.staged(path)
        try:
            fault(f"write:{self.writes}")
            _write_new(target, data)
        except OSError as exc:
            # The OSError of a failed write names no file; the user needs the output's.
            raise BuildError(f"cannot write: {exc.strerror or exc}", self.out / self.relative(path)) from None

    def exists(self, path: str | Path) -> bool:
        """Whether ``path`` will be a file once this transaction commits."""
        rel = self.relative(path)
        return rel in self.puts or (rel not in self.removes and (self.out / rel).is_file())

    def read(self, path: str | Path) -> bytes:
        """``path``'s bytes as they will be once this transaction commits."""
        rel = self.relative(path)
        if rel in self.removes:
            raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), str(path))
        return (self.staging / rel if rel in self.puts else self.out / rel).read_bytes()

    def glob(self, pattern: str) -> list[Path]:
        """Output paths matching ``pattern`` (relative to the out dir) once this transaction commits."""
        found = {p.relative_to(self.out).as_posix() for p in self.out.glob(pattern) if p.is_file()}
        found |= {p.relative_to(self.staging).as_posix() for p in self.staging.glob(pattern) if p.is_file()}
        return [self.out / rel for rel in sorted(found) if self.exists(rel)]

    def remove(self, path: str | Path) -> None:
        """Delete an output of an earlier build when this one commits."""
        rel = self.relative(path)
        if rel not in self.puts:
            self.removes[rel] = None

    def commit(self) -> None:
        entries = [{"op": "put", "path": rel} for rel in self.puts]
        entries += [{"op": "remove", "path": rel} for rel in self.removes]
        if not entries:
            return
        tmp = self.staging / f"{JOURNAL}.tmp"
        try:
            _write_new(tmp, json.dumps(entries, indent=0).encode())
            os.replace(tmp, self.staging / JOURNAL)
            _fsync_dir(self.staging)
        except OSError as exc:
            shutil.rmtree(self.staging, ignore_errors=True)
            raise BuildError(f"cannot write: {exc.strerror or exc}", self.staging / JOURNAL) from None
        try:
            fault("commit")
            for number, entry in enumerate(entries, start=1):
                target = self.out / entry["path"]
                if entry["op"] == "put":
                    target.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(self.staging / entry["path"], target)
                else:
                    target.unlink(missing_ok=True)
                fault(f"move:{number}")
            _fsync_dir(self.out)
            fault("moved")
        except KeyboardInterrupt:
            # Past the commit point the build is done but for a few renames: finish
            # them, so Ctrl-C never leaves a mix of old and new outputs.
            recover(self.out)
            raise KeyboardInterrupt("interrupted while outputs were moved into place; they are all from this build") from None
        shutil.rmtree(self.staging)


def check_out_dir(out_dir: Path, source_dirs: list[Path]) -> None:
    """Refuse an out dir that cannot hold outputs, or that would mix them into the sources."""
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise BuildError("--out names a file, not a folder", out)
    resolved = out.resolve()
    if resolved.parts[:2] in (("/", "proc"), ("/", "sys"), ("/", "dev")):
        raise BuildError("--out must not be under /proc, /sys or /dev", out)
    for source in source_dirs:
        for sub in ("slides", "cards", "figures"):
            if (resolved / sub) == Path(source).resolve():
                raise BuildError(f"--out would write {sub}/ into the source folder {source}; choose another folder", out)
    if out.exists() and not os.access(out, os.W_OK | os.X_OK):
        raise BuildError(f"cannot write: {os.strerror(errno.EACCES)}", out)
