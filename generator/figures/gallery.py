"""Figure files on disk and the review gallery that lists them.

``write_figure_files`` writes each rendered figure as ``<name>-<key>.svg``,
``.png`` and a ``.json`` note of its name and parameters, and removes figures
of earlier builds from that folder, so it always holds exactly one lesson's
current set. ``entries_from_dir`` reads those notes back for the gallery, which
the pipeline writes after all lessons are built.
"""
from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Union

import jinja2

from .cache import Rendered, write_atomic
from .registry import FIGURES

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "figures"
_FILE = re.compile(r"^(?P<name>[a-z_]+)-(?P<key>[0-9a-f]{16})\.(?P<ext>svg|png|json)$")


@dataclass(frozen=True)
class GalleryEntry:
    name: str
    params: dict[str, Any]
    key: str
    svg: Path
    png: Path | None = None
    group: str = ""  # the lesson, shown as a heading
    alt: str = ""

    @property
    def stem(self) -> str:
        return f"{self.name}-{self.key}"

    @property
    def query(self) -> str:
        """Parameters that differ from the defaults, as a lesson would write them."""
        spec = FIGURES.get(self.name)
        defaults = {p.name: p.default for p in spec.params} if spec else {}
        return "&".join(f"{k}={v}" for k, v in self.params.items() if k not in defaults or v != defaults[k])

    @classmethod
    def from_rendered(cls, rendered: Rendered, paths: Sequence[Path], group: str = "", alt: str = "") -> "GalleryEntry":
        svg = next(p for p in paths if Path(p).suffix == ".svg")
        png = next((p for p in paths if Path(p).suffix == ".png"), None)
        return cls(rendered.name, dict(rendered.params), rendered.key, Path(svg), Path(png) if png else None, group, alt)


def write_figure_files(
    rendered_list: Iterable[Rendered],
    out_dir: Path,
    write: Callable[[Path, bytes], None] = write_atomic,
    remove: Callable[[Path], None] = Path.unlink,
) -> list[Path]:
    """Write every figure's SVG, PNG and JSON note into ``out_dir`` (atomically, file
    by file) and delete figure files there that are not in ``rendered_list``.

    ``write`` and ``remove`` default to doing it now; a build passes its
    transaction's, so the changes happen with the build's other outputs.
    Returns the paths written, three per figure, in order.
    """
    out_dir = Path(out_dir)
    written: list[Path] = []
    keep: set[str] = set()
    for order, r in enumerate(rendered_list):
        keep.add(r.stem)
        # "order" keeps the lesson's sequence for the gallery; file names sort by figure name.
        note = json.dumps({"name": r.name, "key": r.key, "params": r.params, "order": order}, sort_keys=True, indent=1)
        for suffix, data in ((".svg", r.svg), (".png", r.png), (".json", note.encode() + b"\n")):
            path = out_dir / f"{r.stem}{suffix}"
            # Same key, same bytes: skip the write so file times show what changed.
            if not (path.is_file() and path.read_bytes() == data):
                write(path, data)
            written.append(path)
    for stale in sorted(out_dir.iterdir()) if out_dir.is_dir() else []:
        m = _FILE.match(stale.name)
        if m and m.group("name") in FIGURES and f"{m.group('name')}-{m.group('key')}" not in keep:
            remove(stale)
    return written


def entries_from_dir(root: Path) -> list[GalleryEntry]:
    """Gallery entries for every figure note under ``root`` (one folder per lesson)."""
    return entries_from_notes(sorted(Path(root).glob("*/*.json")))


def entries_from_notes(
    notes: Iterable[Path], read: Callable[[Path], bytes] = Path.read_bytes, exists: Callable[[Path], bool] = Path.is_file
) -> list[GalleryEntry]:
    """Gallery entries for these figure notes; ``read`` and ``exists`` may show a build's staged files."""
    found: list[tuple[str, int, GalleryEntry]] = []
    for note in notes:
        if not _FILE.match(note.name):
            continue
        meta = json.loads(read(note).decode("utf-8"))
        svg, png = note.with_suffix(".svg"), note.with_suffix(".png")
        if exists(svg):
            entry = GalleryEntry(meta["name"], meta["params"], meta["key"], svg, png if exists(png) else None, note.parent.name)
            found.append((note.parent.name, int(meta.get("order", 0)), entry))
    return [entry for _, _, entry in sorted(found, key=lambda f: (f[0], f[1]))]


GalleryItem = Union[GalleryEntry, tuple[Rendered, Sequence[Path]]]


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,  # parameters include free text (titles)
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def _href(target: Path, page: Path) -> str:
    return Path(os.path.relpath(Path(target).resolve(), Path(page).resolve().parent)).as_posix()


def render_gallery(entries: Sequence[GalleryItem], path: Path, title: str = "Figures") -> str:
    """The gallery HTML for ``entries`` as it would be written to ``path``."""
    items = [e if isinstance(e, GalleryEntry) else GalleryEntry.from_rendered(*e) for e in entries]
    groups: dict[str, list[dict[str, Any]]] = {}
    for e in items:
        groups.setdefault(e.group or "Figures", []).append(
            {
                "name": e.name,
                "params": e.params,
                "key": e.key,
                "stem": e.stem,
                "query": e.query,
                "alt": e.alt,
                "svg_href": _href(e.svg, path),
                "png_href": _href(e.png, path) if e.png else "",
            }
        )
    template = _environment().get_template("gallery.html.j2")
    return template.render(title=title, entries=items, groups=list(groups.items()))


def write_gallery(
    entries: Sequence[GalleryItem], path: Path, title: str = "Figures", write: Callable[[Path, bytes], None] = write_atomic
) -> Path:
    """Write the gallery page; links to the figure files are relative to ``path``."""
    path = Path(path)
    write(path, render_gallery(entries, path, title).encode("utf-8"))
    return path
