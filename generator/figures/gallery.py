"""Figure files and the review gallery that lists them.

``figure_files`` gives each rendered figure's ``<name>-<key>.svg``, ``.png``
and a ``.json`` note of its name and parameters; ``stale_figures`` names the
figure files of earlier builds in a lesson's folder, so the folder always holds
exactly one lesson's current set. ``gallery_bytes`` reads the notes (on disk,
overlaid with the ones a build is about to write) for the gallery, which the
pipeline writes after all lessons are built.
"""
from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Union

from ..files import write_atomic, write_files
from ..templating import environment
from .cache import Rendered
from .registry import FIGURES

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
        return cls(rendered.name, dict(rendered.params), rendered.key, Path(svg), Path(png) if png else None, group, alt or rendered.alt)


def figure_files(rendered_list: Iterable[Rendered]) -> dict[str, bytes]:
    """Every figure's SVG, PNG and JSON note, by file name, three per figure, in order."""
    files: dict[str, bytes] = {}
    for order, r in enumerate(rendered_list):
        # "order" keeps the lesson's sequence for the gallery; file names sort by figure name.
        note = json.dumps({"name": r.name, "key": r.key, "params": r.params, "order": order, "alt": r.alt}, sort_keys=True, indent=1)
        for suffix, data in ((".svg", r.svg), (".png", r.png), (".json", note.encode() + b"\n")):
            files[f"{r.stem}{suffix}"] = data
    return files


def stale_figures(folder: Path, keep: Iterable[str]) -> list[str]:
    """Names of figure files in ``folder`` whose figure is not among ``keep`` (file names)."""
    stems = {Path(name).stem for name in keep}
    if not Path(folder).is_dir():
        return []
    stale = []
    for path in sorted(Path(folder).iterdir()):
        m = _FILE.match(path.name)
        if m and m.group("name") in FIGURES and f"{m.group('name')}-{m.group('key')}" not in stems:
            stale.append(path.name)
    return stale


def write_figure_files(rendered_list: Iterable[Rendered], out_dir: Path) -> list[Path]:
    """Write every figure's SVG, PNG and JSON note into ``out_dir`` and delete figure
    files there that are not in ``rendered_list``.

    Returns the paths written, three per figure, in order.
    """
    files: dict[str, bytes | None] = dict(figure_files(rendered_list))
    written = [Path(out_dir) / name for name in files]
    files.update({name: None for name in stale_figures(out_dir, files)})
    write_files(Path(out_dir), files)
    return written


def _entries(root: Path, files: Mapping[str, bytes | Path | None]) -> list[GalleryEntry]:
    """Gallery entries from ``files``: names relative to ``root`` (``<lesson>/<file>``),
    each with its bytes, the path to read them from, or None for a file going away."""
    found: list[tuple[str, int, GalleryEntry]] = []
    for rel in sorted(files):
        lesson, _, name = rel.partition("/")
        source = files[rel]
        if source is None or "/" in name or not _FILE.match(name) or not name.endswith(".json"):
            continue
        meta = json.loads(source.read_bytes() if isinstance(source, Path) else source)
        stem = name[: -len(".json")]
        svg, png = f"{lesson}/{stem}.svg", f"{lesson}/{stem}.png"
        if files.get(svg) is not None:
            has_png = files.get(png) is not None
            entry = GalleryEntry(meta["name"], meta["params"], meta["key"], root / svg, root / png if has_png else None, lesson,
                                 meta.get("alt", ""))  # i12b: generated alt text
            found.append((lesson, int(meta.get("order", 0)), entry))
    return [entry for _, _, entry in sorted(found, key=lambda f: (f[0], f[1]))]


def _on_disk(root: Path) -> dict[str, Path]:
    return {p.relative_to(root).as_posix(): p for p in sorted(Path(root).glob("*/*")) if p.is_file()}


def entries_from_dir(root: Path) -> list[GalleryEntry]:
    """Gallery entries for every figure note under ``root`` (one folder per lesson)."""
    return _entries(Path(root), _on_disk(root))


def gallery_bytes(out: Path, folder: str, pending: Mapping[str, bytes | None]) -> bytes:
    """The gallery page ``<folder>/index.html`` as it will be once ``pending`` (paths
    relative to ``out``) is written over what ``out/<folder>`` holds now."""
    root = Path(out) / folder
    files: dict[str, bytes | Path | None] = dict(_on_disk(root))
    prefix = f"{folder}/"
    files.update({rel[len(prefix):]: data for rel, data in pending.items() if rel.startswith(prefix)})
    page = root / "index.html"
    return render_gallery(_entries(root, files), page).encode("utf-8")


GalleryItem = Union[GalleryEntry, tuple[Rendered, Sequence[Path]]]


def _environment() -> jinja2.Environment:
    # Autoescaped: parameters include free text (titles).
    return environment("figures", autoescape=True, keep_trailing_newline=True)


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


def write_gallery(entries: Sequence[GalleryItem], path: Path, title: str = "Figures") -> Path:
    """Write the gallery page; links to the figure files are relative to ``path``."""
    path = Path(path)
    write_atomic(path, render_gallery(entries, path, title).encode("utf-8"))
    return path
