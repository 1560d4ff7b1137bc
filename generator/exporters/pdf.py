"""Output: ``print/<lesson>-handout.pdf`` and, with ``--worksheets N``,
``print/<lesson>-worksheets.pdf`` and ``print/<lesson>-answers.pdf``."""
from __future__ import annotations

from ..context import Context
from ..errors import BuildError
from ..printing import render
from ..printing.handout import slides
from ..printing.typeset import PrintCache, TypesetError
from . import Export, flag_defaults


def export(ctx: Context) -> Export:
    try:
        return _export(ctx)
    except TypesetError as exc:
        # Text the converters let through but typst rejects: name the lesson, not a traceback.
        raise BuildError(f"printout could not be typeset: {exc}", ctx.lesson.path) from None


def _export(ctx: Context) -> Export:
    flags = {**flag_defaults(), **ctx.options.flags}
    paper = render.PAPERS[flags["paper"]]
    cache = PrintCache(ctx.options.out / ".cache" / "print")
    name = ctx.lesson.name
    entries, images = slides(ctx.deck, _cell_outputs(ctx))
    main = render.source("handout.typ.j2", paper=paper, title=ctx.lesson.title, slides=entries,
                         notes=flags["handout_notes"])
    files = {f"print/{name}-handout.pdf": cache.pdf(main, {**render.shared_files(), **images}, ctx.options.mtime)}
    if flags["worksheets"]:
        files.update(_worksheets(ctx, paper, flags["worksheets"], cache))
    return Export(files)


def _cell_outputs(ctx: Context) -> list[list[dict]] | None:
    """The code cells' outputs for the handout: those the HTML's run of this build left in the
    execution cache; with --no-html, one run here, apart (nbclient stays out of this process)."""
    if not ctx.options.execute:
        return None
    from .. import execute

    cache_dir = ctx.options.out / ".cache" / "execute"
    found = execute.cached(ctx.deck, cache_dir)
    if found is None:
        from ..isolation import isolated

        found = isolated(lambda: execute.outputs(ctx.notebook, ctx.deck, cache_dir), ("nbclient",))
    return found


def _worksheets(ctx: Context, paper: str, count: int, cache: PrintCache) -> dict[str, bytes]:
    from ..anki import read_sources
    from ..printing.worksheets import draw_version

    settings = read_sources(ctx.lesson.name, ctx.options.cards_dir).practice
    versions = [draw_version(ctx.seed, k, settings, ctx.lesson.metadata.get("number")) for k in range(1, count + 1)]
    files = render.shared_files()
    values = dict(paper=paper, title=ctx.lesson.title, versions=versions, seed=ctx.seed)
    name = ctx.lesson.name
    return {
        f"print/{name}-worksheets.pdf": cache.pdf(render.source("worksheets.typ.j2", **values), files, ctx.options.mtime),
        f"print/{name}-answers.pdf": cache.pdf(render.source("answers.typ.j2", **values), files, ctx.options.mtime),
    }
