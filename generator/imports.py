"""Import costs a build does not need to pay.

With the test or present extra installed, ``import nbformat`` imports jsonschema,
which imports ``rfc3987_syntax`` if it can, to check "iri" string formats. That
module builds its Earley parsers at import: about 1.6 s of CPU per process. nbformat
validates notebooks without format checking, so the build never uses it; marking it
absent (jsonschema imports it inside ``suppress(ImportError)``) saves that time and
changes no output.

``import jupytext`` (the lesson reader) imports its Jupyter contents managers inside
``try: ... except ImportError``: they pull in jupyter_server, tornado's web stack and
prometheus_client (about 0.2 s of CPU and 20 MiB per process). The build only calls
``jupytext.reads``; marked absent, the managers become jupytext's own "reraise"
stubs, which nothing here calls.
"""
from __future__ import annotations

import sys


UNUSED = ("rfc3987_syntax", "jupytext.sync_contentsmanager", "jupytext.async_contentsmanager")


def skip_unused() -> None:
    """Call before the first import of nbformat, jsonschema or jupytext; harmless after it."""
    for name in UNUSED:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]
