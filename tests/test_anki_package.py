"""The .apkg writer: reproducible bytes, deflate, forward-moving mtimes, atomic
replacement, no temporary files left anywhere. No anki library needed."""
from __future__ import annotations

import json
import sqlite3
import tempfile
import zipfile
from pathlib import Path

import pytest

from generator.anki import read_sources, write_notes
from generator.anki import package as package_module
from generator.anki.flashcards import flashcard_notes
from generator.anki.package import build_mtime

ROOT = Path(__file__).resolve().parent.parent
LESSON = "07-sequence-tools"
TITLE = "Sequence tools for vision: recurrence and attention"


@pytest.fixture(scope="module")
def notes():
    return flashcard_notes(LESSON, read_sources(LESSON, ROOT / "cards").flashcards)


def read_collection(apkg: Path, tmp_path: Path) -> sqlite3.Connection:
    db = tmp_path / "collection.anki2"
    with zipfile.ZipFile(apkg) as archive:
        db.write_bytes(archive.read("collection.anki2"))
    return sqlite3.connect(db)


def test_same_inputs_and_mtime_give_identical_bytes(tmp_path, notes):
    a = write_notes(LESSON, TITLE, notes, tmp_path / "a.apkg", seed=1, mtime=1_700_000_000)
    b = write_notes(LESSON, TITLE, notes, tmp_path / "b.apkg", seed=1, mtime=1_700_000_000)
    assert (tmp_path / "a.apkg").read_bytes() == (tmp_path / "b.apkg").read_bytes()
    assert a.bytes == b.bytes > 0


def test_mtime_is_stamped_on_every_note_card_and_note_type(tmp_path, notes):
    write_notes(LESSON, TITLE, notes, tmp_path / "d.apkg", seed=1, mtime=1_700_000_123)
    db = read_collection(tmp_path / "d.apkg", tmp_path)
    assert {m for (m,) in db.execute("select mod from notes")} == {1_700_000_123}
    assert {m for (m,) in db.execute("select mod from cards")} == {1_700_000_123}
    (models_json,) = db.execute("select models from col").fetchone()
    assert {m["mod"] for m in json.loads(models_json).values()} == {1_700_000_123}


def test_build_mtime_follows_source_date_epoch_or_the_clock(monkeypatch):
    assert build_mtime({"SOURCE_DATE_EPOCH": "1700000000"}) == 1_700_000_000
    import time

    before = int(time.time())
    assert before <= build_mtime({}) <= int(time.time())
    with pytest.raises(ValueError, match="SOURCE_DATE_EPOCH"):
        build_mtime({"SOURCE_DATE_EPOCH": "yesterday"})


def test_entries_are_deflated_with_fixed_dates(tmp_path, notes):
    write_notes(LESSON, TITLE, notes, tmp_path / "d.apkg", seed=1, mtime=1_700_000_000)
    with zipfile.ZipFile(tmp_path / "d.apkg") as archive:
        infos = {i.filename: i for i in archive.infolist()}
        assert set(infos) == {"collection.anki2", "media"}
        assert infos["collection.anki2"].compress_type == zipfile.ZIP_DEFLATED
        assert infos["collection.anki2"].compress_size < infos["collection.anki2"].file_size / 2
        assert {i.date_time for i in infos.values()} == {(2023, 11, 14, 22, 13, 20)}
        assert json.loads(archive.read("media")) == {}


def test_due_follows_the_order_of_the_card_file(tmp_path, notes):
    write_notes(LESSON, TITLE, notes, tmp_path / "d.apkg", seed=1, mtime=1_700_000_000)
    db = read_collection(tmp_path / "d.apkg", tmp_path)
    rows = db.execute("select n.flds, c.due from cards c join notes n on c.nid = n.id").fetchall()
    due_by_key = {flds.split("\x1f")[-1]: due for flds, due in rows}
    expected = [f"{LESSON}/{card.key}" for card in read_sources(LESSON, ROOT / "cards").flashcards]
    assert sorted(due_by_key, key=due_by_key.get) == expected
    assert min(due_by_key.values()) >= 1  # genanki's default 0 would tie every card


def test_no_temporary_files_are_left(tmp_path, notes, monkeypatch):
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    out = tmp_path / "out"
    write_notes(LESSON, TITLE, notes, out / "deck.apkg", seed=1, mtime=1_700_000_000)
    assert list(scratch.iterdir()) == []
    assert [p.name for p in out.iterdir()] == ["deck.apkg"]


def test_a_failed_write_leaves_the_earlier_package_intact(tmp_path, notes, monkeypatch):
    out = tmp_path / "deck.apkg"
    write_notes(LESSON, TITLE, notes, out, seed=1, mtime=1_700_000_000)
    before = out.read_bytes()

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(zipfile.ZipFile, "writestr", broken)
    with pytest.raises(OSError, match="disk full"):
        write_notes(LESSON, TITLE, notes, out, seed=1, mtime=1_700_000_999)
    assert out.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["deck.apkg"]


def test_media_names_must_be_flat(tmp_path):
    with pytest.raises(ValueError, match="flat"):
        package_module.write_apkg(tmp_path / "x.apkg", [], {"data/x.png": b"png"}, 1_700_000_000)
    assert not (tmp_path / "x.apkg").exists()
