"""Write an ``.apkg``: genanki fills the collection, we write the zip.

Why not ``genanki.Package.write_to_file``:

* it leaves its temporary SQLite file in the system temp dir on every build;
* it stores zip entries uncompressed (10,000 practice notes: ~5 MB instead of ~1 MB);
* it stamps entries with file mtimes, so equal inputs give different bytes.

Here the collection is built in an in-memory SQLite database and serialized,
media are passed as bytes or read from their files one at a time, and zip
entries get one fixed date and deflate. The pipeline takes the bytes and writes
them with the rest of the build; ``write_apkg`` streams a large package through
the pipeline's atomic writer (``generator.files``), so an interrupted or failed
build leaves the previous ``.apkg`` as it was and no temporary file behind.
"""
from __future__ import annotations

import io
import itertools
import json
import sqlite3
import time
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import BinaryIO

import genanki

from ..files import atomic_open
from ..stamp import build_mtime  # noqa: F401  (its old home; tests and tools import it from here)

# The oldest date a zip entry can hold.
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


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


def previous_note_mtime(path: Path) -> int | None:
    """The newest note modification time in an existing package, or None.

    Used to warn when a build would ship new numbers under an mtime Anki will
    treat as "not newer" (a fixed SOURCE_DATE_EPOCH with a new seed).
    """
    if not path.is_file():
        return None
    try:
        with zipfile.ZipFile(path) as archive:
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
    info.external_attr = 0o644 << 16
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
    with zipfile.ZipFile(handle, "w") as archive:
        archive.writestr(_entry("collection.anki2", mtime), collection, compresslevel=6)
        index = {str(i): name for i, name in enumerate(names)}
        archive.writestr(_entry("media", mtime), json.dumps(index, sort_keys=True), compresslevel=6)
        for i, name in enumerate(names):
            # SVG (every card figure) is text and shrinks to about a quarter; a compressed
            # format (PNG) would gain nothing, so it is stored.
            info = _entry(str(i), mtime)
            text = name.endswith(".svg")
            info.compress_type = zipfile.ZIP_DEFLATED if text else zipfile.ZIP_STORED
            archive.writestr(info, media[name], compresslevel=6 if text else None)


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
