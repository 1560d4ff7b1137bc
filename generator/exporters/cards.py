"""Output: ``cards/<lesson>.apkg``, the Anki deck (only for lessons with card sources)."""
from __future__ import annotations

from ..context import Context
from ..faults import fault
from . import Export


def export(ctx: Context) -> Export:
    from .. import anki  # here: export() runs in a child process, see exporters/html.py

    if not anki.has_cards(ctx.lesson.name, ctx.options.cards_dir):
        return Export()
    rel = f"cards/{ctx.lesson.name}.apkg"
    fault("deck")
    data, report = anki.package_lesson(
        ctx.lesson, ctx.options.cards_dir, ctx.seed, ctx.options.mtime, ctx.options.out / rel
    )
    return Export({rel: data}, report.warnings)
