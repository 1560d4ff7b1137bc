"""Third-party browser code for the offline HTML: fetched from the npm registry, never committed.

`npm pack` downloads each package's tarball once into a cache; the build then
reads the few files it inlines. Versions are pinned so every build embeds the
same code.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

from .errors import BuildError

PACKAGES = {"reveal.js": "4.6.1", "mathjax": "3.2.2"}

# name -> (package, path inside the package)
FILES = {
    "reveal_js": ("reveal.js", "dist/reveal.js"),
    "reveal_css": ("reveal.js", "dist/reveal.css"),
    "theme_css": ("reveal.js", "dist/theme/white.css"),
    "notes_js": ("reveal.js", "plugin/notes/notes.js"),
    # The -full build carries every TeX package, so nothing is loaded on demand.
    "mathjax_js": ("mathjax", "es5/tex-svg-full.js"),
}


def default_cache() -> Path:
    if os.environ.get("SEQVISION_VENDOR_DIR"):
        return Path(os.environ["SEQVISION_VENDOR_DIR"])
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "seqvision" / "vendor"


def _package_dir(cache: Path, package: str) -> Path:
    return cache / f"{package}-{PACKAGES[package]}"


def _fetch(cache: Path, package: str) -> None:
    npm = shutil.which("npm")
    if npm is None:
        raise BuildError(
            f"npm is needed once to fetch {package} {PACKAGES[package]} for the offline HTML "
            f"(install Node.js/npm, or fill {cache} by hand)"
        )
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache) as tmp:
        done = subprocess.run(
            [npm, "pack", f"{package}@{PACKAGES[package]}", "--silent"],
            cwd=tmp, capture_output=True, text=True,
        )
        tarballs = list(Path(tmp).glob("*.tgz"))
        if done.returncode != 0 or not tarballs:
            reason = (done.stderr.strip().splitlines() or ["no tarball"])[-1]
            raise BuildError(f"npm pack {package}@{PACKAGES[package]} failed: {reason}")
        unpacked = Path(tmp) / "unpacked"
        wanted = {f"package/{inner}" for pkg, inner in FILES.values() if pkg == package}
        with tarfile.open(tarballs[0]) as archive:
            members = [m for m in archive.getmembers() if m.name in wanted]
            archive.extractall(unpacked, members=members, filter="data")
        # Rename into place last, so an interrupted fetch never looks complete.
        os.replace(unpacked / "package", _package_dir(cache, package))


def ensure_assets(cache: Path | None = None) -> dict[str, Path]:
    """Paths of every file in FILES, fetching what the cache lacks."""
    cache = cache or default_cache()
    paths = {}
    for name, (package, inner) in FILES.items():
        path = _package_dir(cache, package) / inner
        if not path.exists():
            if _package_dir(cache, package).exists():
                shutil.rmtree(_package_dir(cache, package))
            _fetch(cache, package)
        paths[name] = path
    return paths
