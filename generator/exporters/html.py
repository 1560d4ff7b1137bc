"""Output: ``slides/<lesson>.html``, the slides as one offline reveal.js page."""
from __future__ import annotations

from ..context import Context
from ..html import to_html
from ..vendor import ensure_assets
from . import Export


def export(ctx: Context) -> Export:
    html = to_html(ctx.notebook, ensure_assets(ctx.options.vendor_cache))
    return Export({f"slides/{ctx.lesson.name}.html": html.encode("utf-8")})
