"""Reading a source file (lesson, cards, practice settings) as text, refusing what is not one.

Sources come from pull requests, so a source may be in another encoding, huge,
or not a file at all (a FIFO named like a lesson would block the build forever).
Each of those is a :class:`BuildError` naming the file, and for bad bytes the
line and the byte offset.
"""
from __future__ import annotations

import codecs
import os
import stat
from pathlib import Path

from .errors import BuildError

MAX_SOURCE_BYTES = 4_000_000  # a long lesson is ~50 kB; more is a pasted dump or a wrong file

_FOREIGN_BOMS = {
    codecs.BOM_UTF32_LE: "UTF-32",  # before UTF-16: its BOM starts with UTF-16's
    codecs.BOM_UTF32_BE: "UTF-32",
    codecs.BOM_UTF16_LE: "UTF-16",
    codecs.BOM_UTF16_BE: "UTF-16",
}


def check_regular(path: Path, what: str) -> os.stat_result:
    """Stat ``path`` and refuse anything but a regular file (before opening it: a FIFO blocks on open)."""
    try:
        info = os.stat(path)
    except OSError as exc:
        raise BuildError(f"cannot read {what}: {exc.strerror}", path) from None
    if not stat.S_ISREG(info.st_mode):
        raise BuildError(f"{what} is not a regular file", path)
    return info


def read_source(path: str | Path, what: str = "source") -> str:
    """The text of a UTF-8 source (a leading BOM is dropped); newlines as written."""
    path = Path(path)
    info = check_regular(path, what)
    if info.st_size > MAX_SOURCE_BYTES:
        raise BuildError(f"{what} is {info.st_size:,} bytes; the limit is {MAX_SOURCE_BYTES:,}", path)
    try:
        # O_NONBLOCK: should the file be swapped for a FIFO after the check, open still returns.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            data = handle.read(MAX_SOURCE_BYTES + 1)
    except OSError as exc:
        raise BuildError(f"cannot read {what}: {exc.strerror}", path) from None
    if len(data) > MAX_SOURCE_BYTES:
        raise BuildError(f"{what} is over {MAX_SOURCE_BYTES:,} bytes", path)
    return decode(data, path, what)


def decode(data: bytes, path: Path, what: str = "source") -> str:
    for bom, name in _FOREIGN_BOMS.items():
        if data.startswith(bom):
            raise BuildError(f"{what} is {name} (byte offset 0: byte-order mark); save it as UTF-8", path, 1)
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
        shift = len(codecs.BOM_UTF8)
    else:
        shift = 0
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise BuildError(
            f"{what} is not UTF-8: byte 0x{data[exc.start]:02X} at byte offset {exc.start + shift}; save it as UTF-8",
            path,
            line,
        ) from None
    if "\0" in text:
        offset = len(text[: text.index("\0")].encode()) + shift
        raise BuildError(f"{what} holds a NUL byte at byte offset {offset}; is it a text file?", path, text.count("\n", 0, text.index("\0")) + 1)
    return text
