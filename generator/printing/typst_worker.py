"""typst in a process of its own: pickled ``(sources, timestamp, font files)`` on stdin, the PDF on stdout.

Run by :mod:`.typeset` as a script, so it imports typst and nothing of this package. typst's
library takes about 40 MiB; in a fresh interpreter that is the whole process (about 55 MiB),
where in the build's process or a fork of it it came on top of everything the build holds
(issue 13's peak-memory row). A source typst refuses: exit status 3, typst's complaint on
stderr.
"""
import pickle
import shutil
import sys
import tempfile
from pathlib import Path

REFUSED = 3  # exit status for a source typst refuses


def main() -> int:
    import typst  # here: typeset.py imports this module for REFUSED alone

    sources, timestamp, fonts = pickle.load(sys.stdin.buffer)
    # typst reads fonts from folders only; a folder of just these files, so that nothing
    # else in matplotlib's (its own DejaVu Sans Mono, say) competes with typst's embedded fonts.
    with tempfile.TemporaryDirectory(prefix="seqvision-fonts-") as folder:
        for font in fonts:
            shutil.copyfile(font, Path(folder) / Path(font).name)
        try:
            data = typst.compile(sources, ignore_system_fonts=True, font_paths=[folder], timestamp=timestamp)
        except typst.TypstError as exc:
            sys.stderr.write(str(exc) or type(exc).__name__)
            return REFUSED
    sys.stdout.buffer.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
