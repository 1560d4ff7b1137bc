"""Typst source to PDF bytes, cached by content.

The key covers the typst version, the main source, every file it may read and
the timestamp, so a rebuild in which none of them changed reads the PDF back
instead of typesetting again. Only typst's embedded fonts are used (system fonts
ignored): the same input gives the same bytes on every machine.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from ..files import write_atomic

MAIN = "main.typ"


class TypesetError(RuntimeError):
    """typst refused the source (typst's first line of complaint)."""


def _version() -> str:
    from importlib.metadata import version

    return version("typst")


def print_key(main: str, files: dict[str, bytes], timestamp: int) -> str:
    digest = hashlib.sha256()
    for part in (_version(), str(timestamp), main):
        digest.update(part.encode("utf-8") + b"\0")
    for name in sorted(files):
        digest.update(name.encode("utf-8") + b"\0" + hashlib.sha256(files[name]).digest())
    return digest.hexdigest()[:16]


@dataclass
class PrintCache:
    directory: Path
    typeset_count: int = field(default=0)  # documents typeset (not read back): the benchmark reports it

    def pdf(self, main: str, files: dict[str, bytes], timestamp: int) -> bytes:
        path = self.directory / f"{print_key(main, files, timestamp)}.pdf"
        if path.is_file():
            return path.read_bytes()
        import typst

        sources: dict[str, bytes] = {MAIN: main.encode("utf-8"), **files}
        try:
            data = typst.compile(sources, ignore_system_fonts=True, timestamp=timestamp)
        except typst.TypstError as exc:
            raise TypesetError(str(exc).splitlines()[0] if str(exc) else type(exc).__name__) from None
        self.typeset_count += 1
        write_atomic(path, data)
        return data
