"""The one error type users see: a message tied to a file and a line."""
from __future__ import annotations

from pathlib import Path


class BuildError(Exception):
    """Bad input. Printed as ``file:line: message`` with no traceback."""

    def __init__(self, message: str, path: str | Path | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = Path(path) if path is not None else None
        self.line = line

    def located(self, path: str | Path, line: int | None) -> "BuildError":
        """Return this error with a location, keeping one already set."""
        if self.path is None:
            self.path = Path(path)
        if self.line is None:
            self.line = line
        return self

    def __str__(self) -> str:
        if self.path is None:
            return self.message
        where = str(self.path) if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.message}"


class ParameterError(ValueError):
    """An impossible parameter: names the parameter and its allowed range.

    Raised by pure stages (practice, figures) that know nothing of files; the
    pipeline adds the file and line where the parameter was written, finding it
    by ``name`` (None when no single parameter is to blame).
    """

    def __init__(self, message: str, name: str | None = None):
        super().__init__(message)
        self.name = name
