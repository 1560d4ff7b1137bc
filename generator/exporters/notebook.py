"""Output: the RISE notebook ``slides/<lesson>.ipynb`` and the stylesheet beside it."""
from __future__ import annotations

from ..context import Context
from ..notebook import notebook_bytes
from ..templating import template_path
from . import Export


def export(ctx: Context) -> Export:
    stem = f"slides/{ctx.lesson.name}"
    return Export(
        {
            f"{stem}.ipynb": notebook_bytes(ctx.notebook),
            # jupyterlab-rise loads <notebook>.css from beside the deck: the one stylesheet
            # both outputs share (projection-sized type, safe margins).
            f"{stem}.css": template_path("deck.css").read_bytes(),
        }
    )
