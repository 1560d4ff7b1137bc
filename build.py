#!/usr/bin/env python3
"""Entry point: `python build.py --help`."""
import sys

if __name__ == "__main__":
    try:
        from generator.cli import main
    except KeyboardInterrupt:  # Ctrl-C before the error boundary exists
        print("interrupted; earlier outputs are unchanged", file=sys.stderr)
        sys.exit(130)
    sys.exit(main())
