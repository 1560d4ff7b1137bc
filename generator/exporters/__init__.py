"""The outputs a build writes, one module each, and their registry.

An exporter is a module with ``export(ctx: Context) -> Export``: it reads one
lesson's context and returns the files it wants written (paths relative to the
output folder) and any warnings; it writes nothing itself. ``generator.build``
runs every exporter in :data:`EXPORTERS` order, times it, reports it and writes
all files in one place. A module may also define ``finish(out, files) -> Files``
for files that sum up the whole build (the figure gallery).

Adding an output: write ``generator/exporters/<name>.py`` and add its row below;
``--no-<name>`` appears on the command line when the row is skippable. An
exporter that takes options of its own declares them as ``flags``: each becomes
a command-line option, and its value reaches the exporter as
``ctx.options.flags[dest]``.
"""
from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from ..context import Context
from ..files import Files


@dataclass
class Export:
    files: dict[str, bytes | None] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def whole_number(low: int, high: int) -> Callable[[str], int]:
    """An option's type: an integer from ``low`` to ``high`` (argparse reports anything else)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be a whole number from {low} to {high}, got {text!r}")
        return value

    return parse


@dataclass(frozen=True)
class Flag:
    """A command-line option of one exporter: ``argparse`` keywords for ``option``."""

    option: str  # "--paper"
    dest: str  # the key in Options.flags
    default: Any
    help: str
    type: Any = str
    choices: tuple[Any, ...] | None = None
    metavar: str | None = None
    switch: bool = False  # a flag without a value (store_true)

    def add_to(self, parser: Any) -> None:
        if self.switch:
            parser.add_argument(self.option, dest=self.dest, action="store_true", help=self.help)
            return
        parser.add_argument(self.option, dest=self.dest, type=self.type, default=self.default, choices=self.choices,
                            metavar=self.metavar, help=self.help)


@dataclass(frozen=True)
class Exporter:
    name: str  # also the command-line flag: --no-<name>
    help: str
    module: str  # imported only when used: the HTML and the deck pull in heavy libraries
    skippable: bool = True
    flags: tuple[Flag, ...] = ()
    # The large libraries it imports: while they are not imported in the build's process,
    # it runs in a child process of its own (generator.isolation), so they do not stay in
    # the build's memory for every later stage (issue 13).
    apart: tuple[str, ...] = ()

    def _module(self) -> ModuleType:
        return importlib.import_module(f"{__name__}.{self.module}")

    def export(self, ctx: Context) -> Export:
        if self.apart:
            from ..isolation import isolated

            return isolated(lambda: self._module().export(ctx), self.apart)
        return self._module().export(ctx)

    def finish(self, out: Path, files: Files) -> dict[str, bytes | None]:
        finish = getattr(self._module(), "finish", None)
        return finish(out, files) if finish else {}


MAX_WORKSHEETS = 500  # a class set is 20 to 300; more is a typo

EXPORTERS: tuple[Exporter, ...] = (
    Exporter("notebook", "the RISE notebook and its stylesheet", "notebook", skippable=False),
    Exporter("html", "skip the offline reveal.js HTML", "html", apart=("nbconvert", "nbclient")),
    Exporter("figures", "the figure files and their gallery", "figures", skippable=False),
    Exporter("cards", "skip the Anki deck", "cards", apart=("genanki",)),
    Exporter("pdf", "skip the printouts (handout, worksheets, answer keys)", "pdf", flags=(
        Flag("--paper", "paper", "a4", "paper size of the printouts (default: a4)", choices=("a4", "letter")),
        Flag("--worksheets", "worksheets", 0, "print N versions of the practice worksheet and their answer keys "
             "(default: 0, none)", type=whole_number(0, MAX_WORKSHEETS), metavar="N"),
        Flag("--handout-notes", "handout_notes", False, "print the speaker notes under each slide of the handout",
             switch=True),
    )),
)


def flag_defaults() -> dict[str, Any]:
    """Every declared option at its default: what a build without those options gets."""
    return {flag.dest: flag.default for e in EXPORTERS for flag in e.flags}
