"""A large practice deck's notes built in two processes (``kinds.practice_notes`` with
``isolation.alongside``): a forked child builds the second half of a kind's notes while
the build's process builds the first. The notes, the ``.apkg`` bytes and the errors
are those of the one-process path (``SEQVISION_IN_PROCESS=1``), and small decks (the
lesson's own) never fork."""
from __future__ import annotations

import dataclasses
import hashlib
import os
import shutil
import signal
import subprocess
import sys

import pytest

from conftest import EPOCH, LESSON, ROOT
from generator import isolation
from generator.anki import build_deck, kinds, practice
from generator.anki.kinds import practice_notes
from generator.anki.settings import KindSettings, PracticeSettings, parse_settings
from generator.errors import BuildError, ParameterError
from test_anki_batch import one_by_one

TITLE = "T"


@pytest.fixture
def forks(monkeypatch) -> list[int]:
    """The pids of the children ``alongside`` forks from this process, as they are forked."""
    started: list[int] = []

    class Counted(isolation._Child):
        def __init__(self, stage):
            super().__init__(stage)
            started.append(self.pid)

    monkeypatch.setattr(isolation, "_Child", Counted)
    return started


def attention(variants: int, pool: int = 1, **settings) -> PracticeSettings:
    values = {"difficulty": "challenge", "d_k": 2, "n_keys": 3, "n_queries": 1, **settings}
    return PracticeSettings(kinds={"attention": KindSettings(variants, values, pool=pool)})


def deck_digest(cards, out, seed: int = 11) -> str:
    report = build_deck(LESSON, TITLE, cards, out, seed)
    return hashlib.sha256(report.path.read_bytes()).hexdigest()


def write_settings(folder, text: str):
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "cards" / f"{LESSON}.cards", folder)
    (folder / f"{LESSON}.practice.toml").write_text(text, encoding="utf-8")
    return folder


def test_notes_built_in_two_processes_are_the_notes_built_one_by_one(monkeypatch, forks):
    # Several batches on each side of the split (BATCH 7: 3 notes of 2 problems a batch),
    # against the definition: each problem drawn alone, each template rendered plainly.
    monkeypatch.setattr(kinds, "BATCH", 7)
    monkeypatch.setattr(kinds, "FORK_AT", 20)
    settings = attention(23, pool=2)
    got = practice_notes(LESSON, settings, 41)
    assert len(forks) == 1
    assert [(note.fields, note.media) for note in got] == one_by_one(settings.of("attention"), 41)
    assert all(note.note_type is kinds.KINDS[0].note_type for note in got)


def test_a_deck_built_in_two_processes_has_the_bytes_of_one_built_in_one(tmp_path, monkeypatch, forks):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    cards = write_settings(tmp_path / "cards", f"[attention]\nvariants = {kinds.FORK_AT}\npool = 1\n")
    forked = deck_digest(cards, tmp_path / "forked.apkg")
    assert len(forks) == 1
    monkeypatch.setenv(isolation.IN_PROCESS, "1")
    assert deck_digest(cards, tmp_path / "one.apkg") == forked
    assert len(forks) == 1


def test_only_a_kind_with_many_problems_forks(forks, monkeypatch):
    practice_notes(LESSON, attention(kinds.FORK_AT - 1), 3)
    practice_notes(LESSON, attention(kinds.FORK_AT // 20 - 1, pool=20), 3)
    assert forks == []
    practice_notes(LESSON, attention(kinds.FORK_AT // 20, pool=20), 3)
    assert len(forks) == 1
    # The lesson's own practice deck (every kind, pools of 20) stays in one process.
    practice_notes(LESSON, parse_settings(ROOT / "cards" / f"{LESSON}.practice.toml"), 3)
    assert len(forks) == 1
    # A kind drawn one problem at a time (no draw_many) never forks, however large.
    monkeypatch.setattr(kinds, "FORK_AT", 1)
    practice_notes(LESSON, PracticeSettings(kinds={"matching": KindSettings(8, {"n": 4}, pool=1)}), 3)
    assert len(forks) == 1


def failing_in_the_second_half(monkeypatch, error: Exception, first_bad: int) -> None:
    """The attention row's draw_many, raising ``error`` for a batch from variant ``first_bad`` on."""
    real = practice.draw_attention_many

    def draw_many(seed, streams, cfg):
        if streams[-1][0] >= first_bad:
            raise error
        return real(seed, streams, cfg)

    row = dataclasses.replace(kinds.KINDS[0], draw_many=draw_many)
    monkeypatch.setattr(kinds, "KINDS", (row, *kinds.KINDS[1:]))


@pytest.mark.parametrize("error, expected", [
    (ParameterError("d_k must be an integer from 1 to 8, got 9", "d_k"), BuildError),
    (RuntimeError("a bug of ours"), RuntimeError),
])
def test_an_error_in_the_childs_half_is_the_error_of_one_process(tmp_path, monkeypatch, forks, error, expected):
    variants = 2 * kinds.FORK_AT
    cards = write_settings(tmp_path / "cards", f"[attention]\nvariants = {variants}\npool = 1\nd_k = 2\n")
    out = tmp_path / "deck.apkg"
    out.write_bytes(b"the previous deck")
    failing_in_the_second_half(monkeypatch, error, variants - 1)  # only the child's half meets it
    with pytest.raises(expected) as forked:
        build_deck(LESSON, TITLE, cards, out, 5)
    assert len(forks) == 1
    monkeypatch.setenv(isolation.IN_PROCESS, "1")
    with pytest.raises(expected) as alone:
        build_deck(LESSON, TITLE, cards, out, 5)
    assert str(forked.value) == str(alone.value)
    if expected is BuildError:
        assert str(forked.value) == f"{cards / f'{LESSON}.practice.toml'}:4: [attention] d_k must be an integer from 1 to 8, got 9"
    assert out.read_bytes() == b"the previous deck"


# The same through `python build.py` (the cards stage runs in a forked child of the build,
# the second half in a child of that): the one line, the exit status, the previous deck.
PROBE = """
import dataclasses, os, signal, sys
from generator.anki import kinds, practice
from generator.cli import main
from generator.errors import ParameterError

real = practice.draw_attention_many

def draw_many(seed, streams, cfg):
    with open(os.environ["PIDS"], "a") as pids:  # which processes drew
        pids.write(f"{os.getpid()} ")
    if streams[-1][0] >= int(os.environ["FIRST_BAD"]):
        if os.environ["WHAT"] == "KILL":
            os.kill(os.getpid(), signal.SIGKILL)
        raise ParameterError("n_keys must be an integer from 2 to 6, got 3", "n_keys")
    return real(seed, streams, cfg)

kinds.KINDS = (dataclasses.replace(kinds.KINDS[0], draw_many=draw_many), *kinds.KINDS[1:])
sys.exit(main(sys.argv[1:]))
"""


def _probe(built, tmp_path, what: str, first_bad: int, in_process: bool) -> tuple[subprocess.CompletedProcess, bytes, int]:
    """A build of the lesson with a deck large enough to fork; its variants from ``first_bad``
    on fail (``what``). A good build has seed 1234, a failing one 1235 (so the no-change
    stamp of the good one does not answer for it). Returns the run, the deck it leaves and
    how many processes drew its attention problems."""
    variants = 2 * kinds.FORK_AT
    cards = write_settings(tmp_path / "cards", f"[attention]\nvariants = {variants}\npool = 1\nn_keys = 3\n")
    out = tmp_path / "out"
    if not out.exists():
        shutil.copytree(built / ".cache", out / ".cache")  # the lesson's figures, drawn by the shared build
    pids = tmp_path / "pids"
    pids.write_text("")
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "FIRST_BAD": str(first_bad), "WHAT": what, "PIDS": str(pids)}
    env.pop(isolation.IN_PROCESS, None)
    if in_process:
        env[isolation.IN_PROCESS] = "1"
    done = subprocess.run([sys.executable, "-c", PROBE, "--out", str(out), "--seed", "1234" if first_bad == 10**9 else "1235", "--quiet", "--no-html",
                           "--no-pdf", "--cards-dir", str(cards)], cwd=ROOT, capture_output=True, text=True, env=env)
    deck = out / "cards" / f"{LESSON}.apkg"
    return done, deck.read_bytes() if deck.exists() else b"", len(set(pids.read_text().split()))


def test_a_build_whose_childs_half_fails_says_so_in_one_line_and_keeps_the_previous_deck(built, tmp_path):
    good, previous, drawers = _probe(built, tmp_path, "ERROR", 10**9, in_process=False)
    assert good.returncode == 0 and previous and drawers == 2, good.stderr
    variants = 2 * kinds.FORK_AT
    forked, deck, drawers = _probe(built, tmp_path, "ERROR", variants - 1, in_process=False)
    settings = tmp_path / "cards" / f"{LESSON}.practice.toml"
    line = f"{settings}:4: [attention] n_keys must be an integer from 2 to 6, got 3"
    assert (forked.returncode, forked.stderr) == (1, line + "\n")
    assert deck == previous and drawers == 2
    alone, deck, drawers = _probe(built, tmp_path, "ERROR", variants - 1, in_process=True)
    assert (alone.returncode, alone.stderr) == (forked.returncode, forked.stderr)
    assert deck == previous and drawers == 1


def test_a_childs_half_killed_by_a_signal_kills_the_build(built, tmp_path):
    good, previous, _ = _probe(built, tmp_path, "KILL", 10**9, in_process=False)
    assert good.returncode == 0, good.stderr
    killed, deck, _ = _probe(built, tmp_path, "KILL", 2 * kinds.FORK_AT - 1, in_process=False)
    assert killed.returncode == -signal.SIGKILL and deck == previous
