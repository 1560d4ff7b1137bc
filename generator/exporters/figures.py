"""Output: ``figures/<lesson>/`` (each figure's SVG, PNG and JSON note) and the
gallery ``figures/index.html`` over every lesson's figures."""
from __future__ import annotations

from pathlib import Path

from ..context import Context
from ..files import Files
from ..figures.gallery import figure_files, gallery_bytes, stale_figures
from . import Export


def export(ctx: Context) -> Export:
    folder = f"figures/{ctx.lesson.name}"
    unique = list({(f.name, f.key): f for f in ctx.deck.figures}.values())
    files: dict[str, bytes | None] = {f"{folder}/{name}": data for name, data in figure_files(unique).items()}
    # The folder holds exactly this lesson's current figures: earlier ones go.
    for name in stale_figures(ctx.options.out / folder, files):
        files[f"{folder}/{name}"] = None
    return Export(files)


def finish(out: Path, files: Files) -> dict[str, bytes | None]:
    """The gallery lists every lesson's figures under OUT/figures, built now or before."""
    return {"figures/index.html": gallery_bytes(Path(out), "figures", files)}
