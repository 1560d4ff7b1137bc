"""Write an ``.apkg``: genanki fills the collection, we write the zip.

Why not ``genanki.Package.write_to_file``:

* it leaves its temporary SQLite file in the system temp dir on every build;
* it stores zip entries uncompressed (10,000 practice notes: ~5 MB instead of ~1 MB);
* it stamps entries with file mtimes, so equal inputs give different bytes.

Here the collection is built in an in-memory SQLite database and serialized,
media are passed as bytes or read from their files one at a time, and zip
entries get one fixed date and deflate. The zip's bytes are zipfile's, written
here (``_write_zip``, tested against zipfile) so that the collection can be
deflated in a thread while the media are (zipfile deflates one entry after
another); a package that would need zip's 64-bit records is written by zipfile.
The pipeline takes the bytes and writes them with the rest of the build;
``write_apkg`` streams a large package through the pipeline's atomic writer
(``generator.files``), so an interrupted or failed build leaves the previous
``.apkg`` as it was and no temporary file behind.
"""
from __future__ import annotations

import hashlib
import io
import itertools
import json
import sqlite3
import struct
import threading
import time
import zipfile
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import genanki

from ..files import atomic_open
from ..stamp import build_mtime  # noqa: F401  (its old home; tests and tools import it from here)

# The oldest date a zip entry can hold.
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
_MODE = 0o644 << 16  # every entry: a regular file, rw-r--r--


def collection_bytes(decks: Sequence[genanki.Deck], mtime: int) -> bytes:
    """The package's ``collection.anki2``: a legacy (schema 11) collection, as bytes."""
    conn = sqlite3.connect(":memory:")
    try:
        cursor = conn.cursor()
        # Note and card ids only need to be unique inside the package (Anki matches
        # notes by GUID); deriving them from mtime keeps equal builds byte-identical.
        ids = itertools.count(mtime * 1000)
        genanki.Package(list(decks)).write_to_db(cursor, mtime, ids)
        conn.commit()
        # VACUUM drops free pages left by genanki's UPDATEs, so the bytes depend on content only.
        conn.execute("VACUUM")
        return conn.serialize()
    finally:
        conn.close()


@dataclass(frozen=True)
class Previous:
    """The package an earlier build left where a deck is about to be written, read before
    it is replaced: to warn when a build would ship new numbers under a modification time
    Anki treats as "not newer" (a fixed SOURCE_DATE_EPOCH with a new seed)."""

    data: bytes | None  # None: no file there

    @classmethod
    def at(cls, path: Path) -> Previous:
        try:
            return cls(path.read_bytes())
        except (FileNotFoundError, IsADirectoryError):
            return cls(None)

    def same_as(self, digest: str) -> bool:
        return self.data is not None and hashlib.sha256(self.data).hexdigest() == digest

    def note_mtime(self) -> int | None:
        """The newest note modification time in the package, or None. Its collection is
        inflated and opened only here, so a rebuild that changed nothing skips it."""
        if self.data is None:
            return None
        try:
            with zipfile.ZipFile(io.BytesIO(self.data)) as archive:
                data = archive.read("collection.anki2")
            conn = sqlite3.connect(":memory:")
            try:
                conn.deserialize(data)
                (stamp,) = conn.execute("select max(mod) from notes").fetchone()
            finally:
                conn.close()
        except (OSError, KeyError, zipfile.BadZipFile, sqlite3.DatabaseError):
            return None  # not ours or damaged: nothing to compare with
        return int(stamp) if stamp is not None else None


def _entry(name: str, mtime: int) -> zipfile.ZipInfo:
    date = max(time.gmtime(mtime)[:6], _ZIP_EPOCH)
    info = zipfile.ZipInfo(name, date_time=date)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3  # Unix, whatever machine builds it
    info.external_attr = _MODE
    return info


def write_package(handle: BinaryIO, decks: Sequence[genanki.Deck], media: Mapping[str, bytes], mtime: int) -> None:
    """Write the package's zip into ``handle``.

    Media names must be flat (``x.png``): Anki stores ``data/x.png`` as ``x.png``
    and the card then shows a missing image.
    """
    for name in media:
        if "/" in name or "\\" in name or name.startswith("."):
            raise ValueError(f"media file name must be flat, got {name!r}")
    collection = collection_bytes(decks, mtime)
    names = sorted(media)
    # SVG (every card figure) is text and shrinks to about a quarter; a compressed
    # format (PNG) would gain nothing, so it is stored.
    files = [("collection.anki2", collection, COLLECTION_LEVEL),
             ("media", json.dumps({str(i): name for i, name in enumerate(names)}, sort_keys=True).encode(), LEVEL),
             *((str(i), media[name], LEVEL if name.endswith(".svg") else None) for i, name in enumerate(names))]
    if len(files) < _MOST_ENTRIES and sum(len(data) for _, data, _ in files) < _MOST_BYTES and handle.seekable() and handle.tell() == 0:
        _write_zip(handle, files, mtime)
    else:  # past what a zip holds without its 64-bit records: zipfile writes them
        _write_zipfile(handle, files, mtime)


# A zip without ZIP64 records (zipfile adds them past 65,535 entries or about 2 GB).
_MOST_ENTRIES = 0xFFFF
_MOST_BYTES = 1 << 30
# zlib levels (None: stored). The collection is deflated on the critical path, after
# every note is written, while the media are deflated beside it in another thread
# (_write_zip): at level 6 the 5.7 MB collection of 1,000 attention notes took 74 ms of a
# 0.5 s deck, at level 1 24 ms (no longer than the media beside it), for 0.22 MB more
# (1.48 -> 1.70 KB a note). Issue 13's cold-deck row (3x genanki) needed that time.
COLLECTION_LEVEL = 1
LEVEL = 6


def _write_zipfile(handle: BinaryIO, files: list[tuple[str, bytes, int | None]], mtime: int) -> None:
    """The zip as zipfile writes it (the reference for :func:`_write_zip`)."""
    with zipfile.ZipFile(handle, "w") as archive:
        for name, data, level in files:
            info = _entry(name, mtime)
            info.compress_type = zipfile.ZIP_STORED if level is None else zipfile.ZIP_DEFLATED
            archive.writestr(info, data, compresslevel=level)


def _write_zip(handle: BinaryIO, files: list[tuple[str, bytes, int | None]], mtime: int) -> None:
    """The bytes :func:`_write_zipfile` writes, with the collection deflated in a thread
    while this one deflates the media (zlib lets go of the GIL while it deflates: on two
    cores the collection's 24 ms per 1,000 notes, at its level 1, overlap the media's 25).

    zipfile's layout for these entries: a local header per entry (version 20, no flags,
    the sizes and CRC filled in, as zipfile leaves them in a seekable file), the data,
    then the central directory (made by Unix, version 20) and the end record."""
    first: list[Any] = []

    def pack_first() -> None:
        try:
            first.append(_packed(*files[0]))
        except BaseException as exc:  # MemoryError: raised again below, in the caller's thread
            first.append(exc)

    worker = threading.Thread(target=pack_first)
    worker.start()
    try:
        rest = [_packed(*file) for file in files[1:]]
    finally:
        worker.join()
    if isinstance(first[0], BaseException):
        raise first[0]
    packed = [first[0], *rest]
    date = max(time.gmtime(mtime)[:6], _ZIP_EPOCH)
    dosdate = (date[0] - 1980) << 9 | date[1] << 5 | date[2]
    dostime = date[3] << 11 | date[4] << 5 | date[5] // 2
    central = []
    offset = 0
    for name, method, crc, size, data in packed:
        raw = name.encode("ascii")
        header = struct.pack("<4s2B4HL2L2H", b"PK\x03\x04", 20, 0, 0, method, dostime, dosdate, crc, len(data), size,
                             len(raw), 0)
        handle.write(header + raw)
        handle.write(data)
        central.append(struct.pack("<4s4B4HL2L5H2L", b"PK\x01\x02", 20, 3, 20, 0, 0, method, dostime, dosdate, crc,
                                   len(data), size, len(raw), 0, 0, 0, 0, _MODE, offset) + raw)
        offset += len(header) + len(raw) + len(data)
    directory = b"".join(central)
    handle.write(directory)
    handle.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(central), len(central), len(directory), offset, 0))


def _packed(name: str, data: bytes, level: int | None) -> tuple[str, int, int, int, bytes]:
    """An entry's name, method, CRC, size and stored bytes: deflated as zipfile deflates
    (a raw stream, window 15, at ``level``, one compress and a flush), or as it is (None)."""
    if level is None:
        return name, zipfile.ZIP_STORED, zlib.crc32(data), len(data), data
    packer = zlib.compressobj(level, zlib.DEFLATED, -15)
    return name, zipfile.ZIP_DEFLATED, zlib.crc32(data), len(data), packer.compress(data) + packer.flush()


def apkg_bytes(decks: Sequence[genanki.Deck], media: Mapping[str, bytes], mtime: int) -> bytes:
    """The package in memory: what the pipeline's exporter returns for a lesson deck."""
    buffer = io.BytesIO()
    write_package(buffer, decks, media, mtime)
    return buffer.getvalue()


def write_apkg(out_path: Path, decks: Sequence[genanki.Deck], media: Mapping[str, bytes], mtime: int) -> int:
    """Write the package atomically, straight to its file; return its size in bytes."""
    with atomic_open(out_path) as handle:
        write_package(handle, decks, media, mtime)
    return out_path.stat().st_size
