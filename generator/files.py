"""Writing outputs so that a failed build never leaves half a file behind."""
from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

if TYPE_CHECKING:
    from .staging import Transaction

# What an exporter hands back: paths relative to the output folder, and their
# bytes; None asks for a file of an earlier build to be removed.
Files = Mapping[str, "bytes | None"]


@contextmanager
def atomic_open(path: Path) -> Iterator[BinaryIO]:
    """A handle on a temporary file beside ``path``, renamed over it only on success.

    Readers see the old file or the new one; a failure leaves no temporary file.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; outputs honour the umask like any tool's
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)  # the only way to read it is to set it
    os.umask(mask)
    return mask


def write_atomic(path: Path, data: bytes) -> None:
    """Write beside the target, then rename: readers see the old file or the new one."""
    with atomic_open(path) as handle:
        handle.write(data)


def write_files(out_dir: Path, files: Files, tx: Transaction | None = None) -> list[Path]:
    """Write one build's files under ``out_dir``; return the paths written or removed.

    The single place a build touches its output folder. A build passes its
    open transaction (staging.py): the files are staged, and move into place
    together only when the whole build succeeded. Without one (tools, tests)
    each file is written atomically at once. A file whose bytes are already on
    disk is not rewritten, so file times show what changed.
    """
    done: list[Path] = []
    for rel, data in files.items():
        path = Path(out_dir) / rel
        if data is None and tx:
            tx.remove(path)
        elif data is None:
            path.unlink(missing_ok=True)
        elif path.is_file() and path.read_bytes() == data:
            pass
        elif tx:
            tx.write(path, data)
        else:
            write_atomic(path, data)
        done.append(path)
    return done
