"""build_deck end to end without the anki library: what it writes, what it
refuses, and that a refusal leaves the earlier .apkg as it was."""
from __future__ import annotations

import html
import json
import shutil
import sqlite3
import zipfile
from pathlib import Path

import pytest

from generator.anki import DeckReport, build_deck, has_cards
from generator.errors import BuildError

ROOT = Path(__file__).resolve().parent.parent
LESSON = "07-sequence-tools"
TITLE = "Sequence tools for vision: recurrence and attention"
EPOCH = "1700000000"


@pytest.fixture
def cards_dir(tmp_path) -> Path:
    target = tmp_path / "cards"
    target.mkdir()
    for source in (ROOT / "cards").glob(f"{LESSON}.*"):
        shutil.copy(source, target)
    return target


def notes_in(apkg: Path, tmp_path: Path) -> list[tuple[str, str, int]]:
    """(guid, fields, mod) of every note in the package."""
    db = tmp_path / f"{apkg.stem}-{apkg.stat().st_mtime_ns}.anki2"
    with zipfile.ZipFile(apkg) as archive:
        db.write_bytes(archive.read("collection.anki2"))
    with sqlite3.connect(db) as conn:
        return conn.execute("select guid, flds, mod from notes order by guid").fetchall()


def build(cards: Path, out: Path, seed: int, monkeypatch, epoch: str = EPOCH) -> DeckReport:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    return build_deck(LESSON, TITLE, cards, out, seed)


def test_has_cards(tmp_path):
    assert has_cards(LESSON, ROOT / "cards")
    assert not has_cards("99-no-such-lesson", ROOT / "cards")
    assert not has_cards(LESSON, tmp_path / "missing")


def test_same_seed_and_epoch_give_identical_bytes(tmp_path, monkeypatch):
    a = build(ROOT / "cards", tmp_path / "a" / f"{LESSON}.apkg", 5, monkeypatch)
    b = build(ROOT / "cards", tmp_path / "b" / f"{LESSON}.apkg", 5, monkeypatch)
    assert a.path.read_bytes() == b.path.read_bytes()
    assert a.mtime == int(EPOCH) and a.total_notes > 30 and a.media >= 1


def test_another_seed_keeps_guids_and_changes_practice_numbers(tmp_path, monkeypatch):
    a = build(ROOT / "cards", tmp_path / "a.apkg", 5, monkeypatch)
    b = build(ROOT / "cards", tmp_path / "b.apkg", 6, monkeypatch, epoch=str(int(EPOCH) + 1))
    notes_a, notes_b = notes_in(a.path, tmp_path), notes_in(b.path, tmp_path)
    assert [n[0] for n in notes_a] == [n[0] for n in notes_b]
    assert {n[2] for n in notes_a} == {int(EPOCH)} and {n[2] for n in notes_b} == {int(EPOCH) + 1}
    changed = [ga for (ga, fa, _), (_, fb, _) in zip(notes_a, notes_b) if fa != fb]
    practice = sum(a.notes.get(name, 0) for name in a.notes if "basic" not in name and "cloze" not in name)
    assert len(changed) == practice > 0
    seeds = set()
    for _, fields, _ in notes_b:
        for field in fields.split("\x1f"):
            if field.startswith("{"):
                seeds.add(json.loads(html.unescape(field))["seed"])
    assert seeds == {6}


def test_report_counts(tmp_path, monkeypatch):
    import tomllib

    report = build(ROOT / "cards", tmp_path / "d.apkg", 5, monkeypatch)
    settings = tomllib.loads((ROOT / "cards" / f"{LESSON}.practice.toml").read_text())
    headers = [l for l in (ROOT / "cards" / f"{LESSON}.cards").read_text().splitlines() if l.startswith("== ")]
    assert report.total_notes == len(headers) + sum(t["variants"] for t in settings.values())
    assert report.notes["Vision lessons: attention practice"] == settings["attention"]["variants"]
    assert report.media == len(zipfile.ZipFile(report.path).namelist()) - 2


BROKEN = [
    # (what, edit to the card file, line of the error, words in the message)
    ("missing field", lambda t: t + "\n== lonely\nfront: a question with no answer\n", None, "'back' is missing"),
    ("misspelt field", lambda t: t.replace("front: Name the three places", "frnt: Name the three places", 1),
     None, "unknown field 'frnt'"),
    ("duplicate key", lambda t: t + "\n== three-places\nfront: again\nback: again\n", None, "duplicate card key"),
    ("unknown tag syntax", lambda t: t.replace("tags: places\n", "tags: #places\n", 1), None, "bad tag"),
    ("broken cloze", lambda t: t.replace("{{c3::\\(\\sqrt{d_k}\\)}}", "{{c3::\\sqrt{d_k}}}", 1), None, "ends inside a MathJax"),
]


@pytest.mark.parametrize(("what", "edit", "line", "words"), BROKEN, ids=[b[0] for b in BROKEN])
def test_bad_source_is_a_located_error_and_keeps_the_earlier_package(tmp_path, cards_dir, monkeypatch, what, edit, line, words):
    out = tmp_path / "build" / "cards" / f"{LESSON}.apkg"
    build(cards_dir, out, 5, monkeypatch)
    before = out.read_bytes()
    source = cards_dir / f"{LESSON}.cards"
    original = source.read_text(encoding="utf-8")
    edited = edit(original)
    assert edited != original, "the edit must change the file"
    source.write_text(edited, encoding="utf-8")
    with pytest.raises(BuildError) as caught:
        build(cards_dir, out, 6, monkeypatch, epoch=str(int(EPOCH) + 5))
    err = caught.value
    assert err.path == source and err.line is not None
    assert str(err).startswith(f"{source}:{err.line}: ") and words in err.message
    # The reported line really is where the problem is written.
    bad_line = edited.splitlines()[err.line - 1]
    assert any(token in bad_line for token in ("frnt", "== three-places", "== lonely", "#places", "{{c3::")), bad_line
    assert out.read_bytes() == before
    assert [p.name for p in out.parent.iterdir()] == [out.name]


@pytest.mark.parametrize(
    ("setting", "value", "words"),
    [("difficulty", '"impossible"', "difficulty must be one of"), ("d_k", "40", "d_k must be an integer from")],
)
def test_bad_practice_setting_points_at_its_line(tmp_path, cards_dir, monkeypatch, setting, value, words):
    out = tmp_path / f"{LESSON}.apkg"
    practice = cards_dir / f"{LESSON}.practice.toml"
    lines = practice.read_text(encoding="utf-8").splitlines()
    number = next(i for i, l in enumerate(lines, start=1) if l.startswith(f"{setting} ="))
    lines[number - 1] = f"{setting} = {value}"
    practice.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(BuildError) as caught:
        build(cards_dir, out, 5, monkeypatch)
    assert str(caught.value).startswith(f"{practice}:{number}: ") and words in caught.value.message
    assert not out.exists() and list(out.parent.glob(".*.tmp")) == []


def test_misspelt_source_file_is_an_error(tmp_path, cards_dir, monkeypatch):
    (cards_dir / f"{LESSON}.practise.toml").write_text("[attention]\nvariants = 1\n")
    with pytest.raises(BuildError, match="unknown card source"):
        build(cards_dir, tmp_path / "x.apkg", 5, monkeypatch)


def test_warns_when_new_content_would_not_be_newer(tmp_path, monkeypatch):
    out = tmp_path / f"{LESSON}.apkg"
    assert build(ROOT / "cards", out, 5, monkeypatch).warnings == []
    # Same epoch, same seed: identical bytes, nothing lost, no warning.
    assert build(ROOT / "cards", out, 5, monkeypatch).warnings == []
    # Same epoch, new seed: Anki would drop the new numbers as "not newer".
    (warning,) = build(ROOT / "cards", out, 6, monkeypatch).warnings
    assert "not later than the previous build's" in warning
    assert build(ROOT / "cards", out, 7, monkeypatch, epoch=str(int(EPOCH) + 1)).warnings == []


def test_any_engine_seed_builds(tmp_path, monkeypatch):
    """Build seeds go up to 2**63; figures must not reject the large ones."""
    report = build(ROOT / "cards", tmp_path / "big.apkg", 2**40 + 3, monkeypatch)
    assert report.media >= 1 and report.seed == 2**40 + 3
