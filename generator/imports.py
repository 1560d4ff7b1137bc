"""Import costs a build does not need to pay.

With the test or present extra installed, ``import nbformat`` imports jsonschema,
which imports ``rfc3987_syntax`` if it can, to check "iri" string formats. That
module builds its Earley parsers at import: about 1.6 s of CPU per process. nbformat
validates notebooks without format checking, so the build never uses it; marking it
absent (jsonschema imports it inside ``suppress(ImportError)``) saves that time and
changes no output.
"""
from __future__ import annotations

import sys


def skip_unused() -> None:
    """Call before the first import of nbformat (or jsonschema); harmless after it."""
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
