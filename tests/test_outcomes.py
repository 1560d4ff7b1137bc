"""The README's outcome table: every learning outcome keeps its slides, practice and cards.

The table is parsed from README.md; each slide title must be a heading of the lesson,
each practice kind must be shipped by the practice settings (a table with variants, or
a reasoning kind that some variant actually gets) or be an engine module marked
"engine only", and each flashcard key must be a live card. ``problems`` is run on the
real table and on broken copies of it, so the check is shown to fail.
"""
from __future__ import annotations

import importlib
import re
import tomllib
from pathlib import Path

from generator.anki.cards import parse_cards, retired_keys

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
LESSON = ROOT / "slides" / "07-sequence-tools.md"
CARDS = ROOT / "cards" / "07-sequence-tools.cards"
PRACTICE = ROOT / "cards" / "07-sequence-tools.practice.toml"


def outcome_rows(readme: str) -> dict[int, dict[str, list[str]]]:
    section = readme.split("## Learning outcomes", 1)[1].split("\n## ", 1)[0]
    rows: dict[int, dict[str, list[str]]] = {}
    for line in section.splitlines():
        m = re.match(r"\|\s*(\d)\.\s[^|]*\|([^|]*)\|([^|]*)\|([^|]*)\|\s*\Z", line)
        if not m:
            continue
        split = lambda cell, sep: [x.strip() for x in cell.split(sep) if x.strip()]  # noqa: E731
        practice = [] if m.group(3).strip() == "none yet" else split(m.group(3), ",")
        rows[int(m.group(1))] = {"slides": split(m.group(2), ";"), "practice": practice, "cards": split(m.group(4), ",")}
    return rows


def shipped_practice(settings: dict) -> set[str]:
    kinds = {name for name in ("attention", "matching", "rnn", "tracks") if settings.get(name, {}).get("variants", 0) > 0}
    reasoning = settings.get("reasoning", {})
    # Kinds are cycled by variant, so only the first `variants` of the list reach the deck.
    kinds |= set(reasoning.get("kinds", [])[: reasoning.get("variants", 0)])
    return kinds


def engine_only(entry: str) -> bool:
    m = re.fullmatch(r"([a-z_]+) \(engine only\)", entry)
    if not m:
        return False
    try:
        module = importlib.import_module(f"generator.practice.{m.group(1)}")
    except ImportError:
        return False
    return all(hasattr(module, name) for name in ("draw", "solve", "to_data", "GUARANTEES"))


def headings(lesson: str) -> set[str]:
    return {m.group(1).strip() for m in re.finditer(r"^#{1,3} (.+)$", lesson, re.M)}


def problems(readme: str, lesson: str, cards: set[str], retired: set[str], settings: dict) -> list[str]:
    rows = outcome_rows(readme)
    out = []
    if sorted(rows) != [1, 2, 3, 4, 5]:
        out.append(f"outcomes numbered {sorted(rows)}, expected 1 to 5")
    titles, shipped = headings(lesson), shipped_practice(settings)
    for number, row in sorted(rows.items()):
        for column in ("slides", "practice", "cards"):
            if not row[column]:
                out.append(f"outcome {number} has no {column}")
        out += [f"outcome {number}: no slide titled {t!r}" for t in row["slides"] if t not in titles]
        out += [f"outcome {number}: practice kind {k!r} is not shipped" for k in row["practice"]
                if k not in shipped and not engine_only(k)]
        out += [f"outcome {number}: no card {k!r}" for k in row["cards"] if k not in cards or k in retired]
    return out


def sources() -> tuple[str, str, set[str], set[str], dict]:
    return (README.read_text(encoding="utf-8"), LESSON.read_text(encoding="utf-8"),
            {c.key for c in parse_cards(CARDS)}, set(retired_keys(CARDS)),
            tomllib.loads(PRACTICE.read_text(encoding="utf-8")))


def test_every_outcome_has_slides_practice_and_cards():
    assert problems(*sources()) == []


def test_outcome_5_is_practised_by_the_tracks_kind():
    assert outcome_rows(sources()[0])[5]["practice"] == ["tracks"]


def test_the_check_fails_when_an_outcome_loses_something():
    readme, lesson, cards, retired, settings = sources()
    row2 = next(line for line in readme.splitlines() if line.startswith("| 2. "))
    no_cards = readme.replace(row2, row2.rsplit("|", 2)[0] + "| |")
    assert "outcome 2 has no cards" in problems(no_cards, lesson, cards, retired, settings)
    no_slides = readme.replace(row2, "| 2. x | | rnn (engine only) | rnn-update-rule |")
    assert "outcome 2 has no slides" in problems(no_slides, lesson, cards, retired, settings)
    row3 = next(line for line in readme.splitlines() if line.startswith("| 3. "))
    no_practice = readme.replace(row3, "| 3. x | Worked example: one head by hand | none yet | attention-formula |")
    assert "outcome 3 has no practice" in problems(no_practice, lesson, cards, retired, settings)
    # Outcome 5 no longer has an allowed gap.
    row5 = next(line for line in readme.splitlines() if line.startswith("| 5. "))
    gap5 = readme.replace(row5, row5.replace("| tracks |", "| none yet |"))
    assert gap5 != readme and "outcome 5 has no practice" in problems(gap5, lesson, cards, retired, settings)
    no_tracks = {**settings, "tracks": {**settings["tracks"], "variants": 0}}
    assert "outcome 5: practice kind 'tracks' is not shipped" in problems(readme, lesson, cards, retired, no_tracks)
    # A renamed slide, a kind dropped from the deck, a retired or unknown key.
    assert any("no slide titled" in p for p in problems(readme, lesson.replace("## Two structural limits", "## Two limits"), cards, retired, settings))
    fewer = {**settings, "reasoning": {**settings["reasoning"], "variants": 2}}
    assert "outcome 3: practice kind 'scaling_dk' is not shipped" in problems(readme, lesson, cards, retired, fewer)
    no_rnn = {**settings, "rnn": {**settings["rnn"], "variants": 0}}
    assert "outcome 2: practice kind 'rnn' is not shipped" in problems(readme, lesson, cards, retired, no_rnn)
    assert "outcome 4: no card 'vit-patches'" in problems(readme, lesson, cards, retired | {"vit-patches"}, settings)
    assert not engine_only("nonexistent (engine only)") and not engine_only("rnn")
