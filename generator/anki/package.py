"""Write an ``.apkg``: genanki fills the collection, we write the zip.

Why not ``genanki.Package.write_to_file``:

* it leaves its temporary SQLite file in the system temp dir on every build;
* it stores zip entries uncompressed (10,000 practice notes: ~5 MB instead of ~1 MB);
* it stamps entries with file mtimes, so equal inputs give different bytes.

Here the collection is built in an in-memory SQLite database and serialized,
media are passed as bytes or read from their files one at a time, zip entries get one fixed date and deflate, and the
result goes to a temporary file beside the target that is renamed into place
only once complete. An interrupted or failed build leaves the previous
``.apkg`` as it was and no temporary file behind.
"""
from __future__ import annotations

import itertools
import json
import os
import sqlite3
import tempfile
import time
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path

import genanki

# The oldest date a zip entry can hold.
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
# SOURCE_DATE_EPOCH bounds: a zip entry's date runs from 1980-01-01 to 2107-12-31 (7-bit year).
ZIP_FIRST = 315_532_800
ZIP_LAST = 4_354_819_199


def build_mtime(environ: Mapping[str, str] = os.environ) -> int:
    """Modification time stamped on every note, card and note type, in whole seconds.

    Anki's importer updates a note only if the package's note is newer *in whole
    seconds* than the learner's copy, so a normal build uses the current time.
    A reproducible build sets SOURCE_DATE_EPOCH (conventionally the last commit's
    time) and gets identical bytes for the same seed; it still moves forward with
    each new commit, which is when learners get a new deck.
    """
    value = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if value:
        try:
            stamp = int(value)
        except ValueError:
            raise ValueError(f"SOURCE_DATE_EPOCH must be whole seconds since 1970, not {value!r}") from None
        if not ZIP_FIRST <= stamp <= ZIP_LAST:
            raise ValueError(
                f"SOURCE_DATE_EPOCH must be from {ZIP_FIRST} to {ZIP_LAST} (1980..2107, what a zip entry stores), not {value}"
            )
        return stamp
    return int(time.time())


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


def _umask() -> int:
    mask = os.umask(0)  # the only way to read it is to set it
    os.umask(mask)
    return mask


def write_apkg(out_path: Path, decks: Sequence[genanki.Deck], media: Mapping[str, bytes | Path], mtime: int) -> int:
    """Write the package atomically; return its size in bytes.

    Media names must be flat (``x.png``): Anki stores ``data/x.png`` as ``x.png``
    and the card then shows a missing image.
    """
    for name in media:
        if "/" in name or "\\" in name or name.startswith("."):
            raise ValueError(f"media file name must be flat, got {name!r}")
    collection = collection_bytes(decks, mtime)
    names = sorted(media)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{out_path.name}.", suffix=".tmp", dir=out_path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as raw, zipfile.ZipFile(raw, "w") as archive:
            archive.writestr(_entry("collection.anki2", mtime), collection, compresslevel=6)
            index = {str(i): name for i, name in enumerate(names)}
            archive.writestr(_entry("media", mtime), json.dumps(index, sort_keys=True), compresslevel=6)
            for i, name in enumerate(names):
                # PNGs are already compressed; storing them saves build time for nothing lost.
                info = _entry(str(i), mtime)
                info.compress_type = zipfile.ZIP_STORED
                source = media[name]
                archive.writestr(info, source.read_bytes() if isinstance(source, Path) else source)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; a package is shared like any output
        os.replace(tmp, out_path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return out_path.stat().st_size
