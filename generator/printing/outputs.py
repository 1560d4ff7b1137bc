"""A code cell's outputs as typst markup for the handout, as the offline HTML shows them.

The outputs are nbformat's (``generator.execute``: stream, display_data, execute_result);
a stream prints as monospaced text, a rich output as its SVG or PNG if it has one, else
as the plain-text form IPython gives every value. Images reach typst as SVG files (a PNG
wrapped in one): the typst worker takes its files as text.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import re
import struct

from .markup import string

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")  # colours a traceback or warning may carry
_IMAGES = ("image/svg+xml", "image/png")  # in this order of preference, as the HTML's


def _png_as_svg(b64: str) -> bytes | None:
    """A PNG output inside an SVG of its pixel size (the typst worker takes its files as
    text); None if it is no PNG."""
    b64 = "".join(b64.split())
    try:
        png = base64.b64decode(b64)
    except binascii.Error:
        return None
    if png[:8] != b"\x89PNG\r\n\x1a\n" or len(png) < 24:
        return None
    width, height = struct.unpack(">II", png[16:24])  # the IHDR chunk comes first
    return (f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
            f'width="{width}" height="{height}" viewBox="0 0 {width} {height}"><image width="{width}" '
            f'height="{height}" xlink:href="data:image/png;base64,{b64}"/></svg>').encode("ascii")


def output_markup(output: dict, images: dict[str, bytes]) -> str | None:
    """One output of a code cell as typst markup: a stream's text, else an image, else the
    plain-text form every rich output carries; None for an output with nothing to print."""
    if output.get("output_type") == "stream":
        return _lines(output.get("text", ""))
    data = output.get("data") or {}
    for mime in _IMAGES:
        if mime in data:
            raw = _text(data[mime])
            svg = raw.encode("utf-8") if mime == "image/svg+xml" else _png_as_svg(raw)
            if svg is None:
                continue
            name = f"out-{hashlib.sha256(svg).hexdigest()[:16]}.svg"
            images[name] = svg
            return f"#output-image({string(name)})"
    if "text/plain" in data:
        return _lines(data["text/plain"])
    return None


def _lines(value: str | list[str]) -> str | None:
    text = _ANSI.sub("", _text(value))
    return f"#cell-output({string(text)})" if text.strip() else None


def _text(value: str | list[str]) -> str:
    return "".join(value) if isinstance(value, list) else value  # nbformat may keep text as lines
