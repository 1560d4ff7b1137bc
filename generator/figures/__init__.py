"""Every diagram of the lesson, drawn by code from parameters.

Drawing functions return a ``matplotlib.figure.Figure`` and touch no global
state; ``registry`` maps the names used in lesson sources to them, ``render``
turns figures into deterministic SVG and PNG bytes and ``cache`` skips the
drawing when nothing that could change the picture has changed.
"""
