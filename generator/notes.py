"""Speaker notes as the presenter reads them: paragraphs, not the source's line wrapping."""
from __future__ import annotations

import re

# A line that starts a Markdown block keeps its own line: list items, headings, quotes, fences.
_BLOCK_START = re.compile(r"^\s*([-*+]\s|\d+[.)]\s|#|>|```|\|)")


def as_paragraphs(text: str) -> str:
    """Join hard-wrapped lines inside each paragraph; blank lines, block starts and
    fenced code stay as written."""
    out: list[str] = []
    fenced = False
    for line in text.split("\n"):
        if line.lstrip().startswith("```"):
            fenced = not fenced
            out.append(line)
            continue
        joinable = not fenced and out and out[-1].strip() and line.strip() and not _BLOCK_START.match(line)
        if joinable and not out[-1].lstrip().startswith("```"):
            out[-1] = f"{out[-1].rstrip()} {line.strip()}"
        else:
            out.append(line)
    return "\n".join(out)
