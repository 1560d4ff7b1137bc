"""The outputs a build writes, one module each, and their registry.

An exporter is a module with ``export(ctx: Context) -> Export``: it reads one
lesson's context and returns the files it wants written (paths relative to the
output folder) and any warnings; it writes nothing itself. ``generator.build``
runs every exporter in :data:`EXPORTERS` order, times it, reports it and writes
all files in one place. A module may also define ``finish(out, files) -> Files``
for files that sum up the whole build (the figure gallery).

Adding an output: write ``generator/exporters/<name>.py`` and add its row below;
``--no-<name>`` appears on the command line when the row is skippable.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from ..context import Context
from ..files import Files


@dataclass
class Export:
    files: dict[str, bytes | None] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Exporter:
    name: str  # also the command-line flag: --no-<name>
    help: str
    module: str  # imported only when used: the HTML and the deck pull in heavy libraries
    skippable: bool = True

    def _module(self) -> ModuleType:
        return importlib.import_module(f"{__name__}.{self.module}")

    def export(self, ctx: Context) -> Export:
        return self._module().export(ctx)

    def finish(self, out: Path, files: Files) -> dict[str, bytes | None]:
        finish = getattr(self._module(), "finish", None)
        return finish(out, files) if finish else {}


EXPORTERS: tuple[Exporter, ...] = (
    Exporter("notebook", "the RISE notebook and its stylesheet", "notebook", skippable=False),
    Exporter("html", "skip the offline reveal.js HTML", "html"),
    Exporter("figures", "the figure files and their gallery", "figures", skippable=False),
    Exporter("cards", "skip the Anki deck", "cards"),
)
