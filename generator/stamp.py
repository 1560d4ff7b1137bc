"""The build's timestamp: what every output that records a time stamps."""
from __future__ import annotations

import os
import time
from collections.abc import Mapping

# SOURCE_DATE_EPOCH bounds: a zip entry's date runs from 1980-01-01 to 2107-12-31 (7-bit year).
ZIP_FIRST = 315_532_800
ZIP_LAST = 4_354_819_199


def build_mtime(environ: Mapping[str, str] = os.environ) -> int:
    """Modification time stamped on every note, card and note type, in whole seconds.

    Anki's importer updates a note only if the package's note is newer *in whole
    seconds* than the learner's copy, so a normal build uses the current time.
    A reproducible build sets SOURCE_DATE_EPOCH (conventionally the last commit's
    time) and gets identical bytes for the same seed; it still moves forward with
    each new commit, which is when learners get a new deck.
    """
    value = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if value:
        try:
            stamp = int(value)
        except ValueError:
            raise ValueError(f"SOURCE_DATE_EPOCH must be whole seconds since 1970, not {value!r}") from None
        if not ZIP_FIRST <= stamp <= ZIP_LAST:
            raise ValueError(
                f"SOURCE_DATE_EPOCH must be from {ZIP_FIRST} to {ZIP_LAST} (1980..2107, what a zip entry stores), not {value}"
            )
        return stamp
    return int(time.time())

