"""Third-party browser code for the offline HTML: fetched from the npm registry, never committed.

`npm pack` downloads each package's tarball once into a cache; the build then
reads the few files it inlines. Versions are pinned so every build embeds the
same code, and verified: a tarball against the registry's published integrity
hash, each cached file against its pinned sha256 on every build.
"""
from __future__ import annotations

import base64
import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from .errors import BuildError

PACKAGES = {"reveal.js": "4.6.1", "mathjax": "3.2.2"}

# The registry's published integrity of each tarball (`npm view <pkg>@<ver> dist.integrity`):
# a fetched tarball must match it before anything is unpacked.
INTEGRITY = {
    "reveal.js": "sha512-1CW0auaXNPmwmvQ7TwpszwVxMi2Xr5cTS3J3EBC/HHgbPF32Dn7aiu/LKWDOGjMbaDwKQiGmfqcoGQ74HUHCMw==",
    "mathjax": "sha512-Bt+SSVU8eBG27zChVewOicYs7Xsdt40qm4+UpHyX7k0/O9NliPc+x77k1/FEsPsjKPZGJvtRZM1vO+geW0OhGw==",
}

# name -> (package, path inside the package)
FILES = {
    "reveal_js": ("reveal.js", "dist/reveal.js"),
    "reveal_css": ("reveal.js", "dist/reveal.css"),
    "theme_css": ("reveal.js", "dist/theme/white.css"),
    "notes_js": ("reveal.js", "plugin/notes/notes.js"),
    # The -full build carries every TeX package, so nothing is loaded on demand.
    "mathjax_js": ("mathjax", "es5/tex-svg-full.js"),
}

# sha256 of each file above as it is inside the verified tarball: the cached copy is
# checked against it on every build, so a truncated or edited file is fetched again.
SHA256 = {
    ("reveal.js", "dist/reveal.js"): "73d4b64d59eded6de6a49500e7b709eb8d92c0d1d88d911319ce551c31341e9f",
    ("reveal.js", "dist/reveal.css"): "fa4713396db8274bc0f1def50767464b6d98e61f4f83d17f4de6417210b25901",
    ("reveal.js", "dist/theme/white.css"): "bf59df9ecd8563ac1da668571397dd454048f493e0feddcc565df7eedc40fad4",
    ("reveal.js", "plugin/notes/notes.js"): "5c49866ac430789657b5b33363d2bf3edb2ef804f91c81ebd19ebc351fb0451a",
    ("mathjax", "es5/tex-svg-full.js"): "a4354ff94fd868aea0cc6eaaa79a57fda0588646fc46ee3700a349ee0a11cbe6",
}


_FETCHING = ".fetch-"


def default_cache() -> Path:
    if os.environ.get("SEQVISION_VENDOR_DIR"):
        return Path(os.environ["SEQVISION_VENDOR_DIR"])
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "seqvision" / "vendor"


def _package_dir(cache: Path, package: str) -> Path:
    return cache / f"{package}-{PACKAGES[package]}"


def _sri(data: bytes) -> str:
    """Subresource-integrity form of a digest, as npm publishes it."""
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")


def _sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _fetch(cache: Path, package: str) -> None:
    npm = shutil.which("npm")
    if npm is None:
        raise BuildError(
            f"npm is needed once to fetch {package} {PACKAGES[package]} for the offline HTML "
            f"(install Node.js/npm, or fill {cache} by hand)"
        )
    # A hidden folder of our own: removed on failure here, or by the next build if killed.
    tmp = Path(tempfile.mkdtemp(prefix=_FETCHING, dir=cache))
    try:
        done = subprocess.run(
            [npm, "pack", f"{package}@{PACKAGES[package]}", "--silent"],
            cwd=tmp, capture_output=True, text=True,
        )
        tarballs = list(tmp.glob("*.tgz"))
        if done.returncode != 0 or not tarballs:
            reason = (done.stderr.strip().splitlines() or ["no tarball"])[-1]
            raise BuildError(f"npm pack {package}@{PACKAGES[package]} failed: {reason}")
        if _sri(tarballs[0].read_bytes()) != INTEGRITY[package]:
            raise BuildError(f"npm pack {package}@{PACKAGES[package]}: tarball does not match the registry's integrity hash", cache)
        unpacked = tmp / "unpacked"
        wanted = {f"package/{inner}" for pkg, inner in FILES.values() if pkg == package}
        with tarfile.open(tarballs[0]) as archive:
            members = [m for m in archive.getmembers() if m.name in wanted]
            archive.extractall(unpacked, members=members, filter="data")
        for pkg, inner in FILES.values():
            if pkg == package and _sha256(unpacked / "package" / inner) != SHA256[(pkg, inner)]:
                raise BuildError(f"{package}@{PACKAGES[package]}: {inner} differs from the pinned hash", cache)
        # Rename into place last, so an interrupted fetch never looks complete.
        os.replace(unpacked / "package", _package_dir(cache, package))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _clean(cache: Path) -> None:
    """Remove fetch folders of killed builds (ours, and the tmp* of earlier versions)."""
    for leftover in cache.iterdir():
        if leftover.is_dir() and leftover.name.startswith((_FETCHING, "tmp")):
            shutil.rmtree(leftover, ignore_errors=True)


def ensure_assets(cache: Path | None = None) -> dict[str, Path]:
    """Paths of every file in FILES, each checked against its pinned hash; fetches what
    the cache lacks or holds damaged (and says so on stderr)."""
    cache = cache or default_cache()
    cache.mkdir(parents=True, exist_ok=True)
    with open(cache / ".lock", "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # builds sharing the cache fetch one at a time
        _clean(cache)
        paths = {}
        for name, (package, inner) in FILES.items():
            path = _package_dir(cache, package) / inner
            if not (path.is_file() and _sha256(path) == SHA256[(package, inner)]):
                if path.exists():
                    print(f"warning: {path}: damaged vendor file; fetching {package} {PACKAGES[package]} again", file=sys.stderr)
                if _package_dir(cache, package).exists():
                    shutil.rmtree(_package_dir(cache, package))
                _fetch(cache, package)
            paths[name] = path
    return paths
