"""Output: ``slides/<lesson>.html``, the slides as one offline reveal.js page."""
from __future__ import annotations

from ..context import Context
from . import Export


def export(ctx: Context) -> Export:
    # Imported here: the build's own process loads this module (to look for a finish())
    # but runs export() in a child (generator.isolation), where nbconvert may load.
    from ..execute import executed
    from ..html import to_html
    from ..vendor import ensure_assets

    # The HTML shows the code cells' outputs; the .ipynb stays unexecuted for the live talk.
    notebook = ctx.notebook
    if ctx.options.execute:
        notebook = executed(notebook, ctx.deck, ctx.options.out / ".cache" / "execute")
    html = to_html(notebook, ensure_assets(ctx.options.vendor_cache))
    return Export({f"slides/{ctx.lesson.name}.html": html.encode("utf-8")})
