"""Speaker notes: each slide's notes once, in the offline HTML and in RISE's speaker window (issue 12)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import LESSON, needs_browser, needs_jupyterlab

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def note_openings(built: Path) -> list[str]:
    """The first words of every notes cell, as the notebook holds them."""
    cells = json.loads((built / "slides" / f"{LESSON}.ipynb").read_text(encoding="utf-8"))["cells"]
    return ["".join(c["source"])[:40] for c in cells if c["metadata"]["slideshow"]["slide_type"] == "notes"]


@needs_browser
def test_html_speaker_notes_hold_each_slides_notes_once(built):
    from browser import browser_page

    openings = note_openings(built)
    assert len(openings) > 10
    seen: dict[str, int] = {}
    with browser_page() as page:
        page.goto((built / "slides" / f"{LESSON}.html").as_uri())
        page.wait_for_function("window.Reveal && Reveal.isReady()", timeout=30000)
        # Reveal.getSlideNotes is what the speaker view (S) shows for a slide.
        notes = page.evaluate(
            "[...document.querySelectorAll('.reveal .slides section')].filter(s => !s.querySelector('section'))"
            ".map(s => Reveal.getSlideNotes(s) || '')"
        )
    for text in notes:
        for opening in openings:
            if opening in text:
                seen[opening] = seen.get(opening, 0) + text.count(opening)
    assert seen == {o: 1 for o in openings}


@pytest.fixture(scope="module")
def lab(built):
    from lab import lab_server

    with lab_server(built) as base:
        yield base


def speaker_window(page, lab, size: tuple[int, int] | None = None):
    """RISE open on the deck in ``page``, and the speaker window ``T`` opens (the audience's
    page in front again, as a presenter leaves it)."""
    from lab import open_rise

    open_rise(page, lab, f"slides/{LESSON}.ipynb")
    page.wait_for_timeout(1500)
    with page.context.expect_page(timeout=20000) as opened:
        page.keyboard.press("t")
    speaker = opened.value
    if size:
        speaker.set_viewport_size({"width": size[0], "height": size[1]})
    speaker.wait_for_load_state()
    page.bring_to_front()
    return speaker


@needs_jupyterlab
def test_rise_speaker_window_shows_each_slides_notes_once(lab, built):
    from browser import browser_page

    opening = next(o for o in note_openings(built) if o.startswith("Read the capability"))
    with browser_page() as page:
        speaker = speaker_window(page, lab)
        page.keyboard.press("Space")  # slide 1 -> "What you'll learn"
        # The notes arrive once the speaker window's preview frames have started RISE (seconds).
        speaker.wait_for_function(
            "text => document.querySelector('.speaker-controls-notes').innerText.includes(text)", arg=opening,
            timeout=60000,
        )
        speaker.wait_for_timeout(1000)
        text = speaker.evaluate("document.querySelector('.speaker-controls-notes').innerText")
        ARTIFACTS.mkdir(exist_ok=True)
        speaker.screenshot(path=str(ARTIFACTS / "rise-speaker-notes.png"))
    assert text.count(opening) == 1, text


@needs_jupyterlab
def test_rise_speaker_window_previews_the_whole_next_slide(lab, built):
    """The speaker window's "Upcoming" frame is a few hundred pixels across; RISE lays a deck
    out at its window's size, so the next slide's lecture-hall type wrapped and ran off the
    frame. seqvision-rise lays each preview out as the audience's 1280x720 and scales it:
    every element of the next slide must lie inside the frame."""
    from browser import browser_page

    with browser_page() as page:
        speaker = speaker_window(page, lab, (1400, 900))
        upcoming = (
            "() => { const f = document.querySelector('#upcoming-slide iframe');"
            " const h = f && f.contentWindow.document.querySelector('.reveal .slides section.present :is(h1, h2)');"
            " return h ? h.innerText : ''; }")
        # The preview frames start RISE seconds after the window opens; then walk on until the
        # next slide is "Recurrence ...", text with a formula (slide 6).
        speaker.wait_for_function(upcoming, timeout=60000)
        for _ in range(12):
            if speaker.evaluate(upcoming).startswith("Recurrence"):
                break
            page.keyboard.press("Space")
            speaker.wait_for_timeout(1500)
        assert speaker.evaluate(upcoming).startswith("Recurrence")
        speaker.wait_for_timeout(1000)
        frame, outside = speaker.evaluate(
            """() => {
              const f = document.querySelector('#upcoming-slide iframe');
              const w = f.contentWindow;
              const present = [...w.document.querySelectorAll('.reveal .slides section.present:not(.stack)')].pop();
              const out = [...present.querySelectorAll('*')].filter(e => e.getClientRects().length).map(e => {
                const r = e.getBoundingClientRect();
                return [e.tagName, Math.round(r.right), Math.round(r.bottom)];
              }).filter(([, right, bottom]) => right > w.innerWidth + 1 || bottom > w.innerHeight + 1);
              return [[w.innerWidth, w.innerHeight], out];
            }""")
        ARTIFACTS.mkdir(exist_ok=True)
        speaker.screenshot(path=str(ARTIFACTS / "rise-speaker-upcoming.png"))
    assert frame[0] < 800, f"the preview frame is {frame}: not a small frame, nothing to check"
    assert not outside, f"parts of the next slide outside its {frame} preview frame: {outside[:8]}"
