"""Checks shared by the drawing functions and the registry.

Drawing functions are called directly too (the Anki exporter does), so each one
validates its own arguments; the registry converts strings and then relies on the
same checks, which keeps every allowed range written down exactly once.

The ranges and choices live here, not in the drawing modules, so the registry can
build its table of names and parameters without importing matplotlib (issue 13: the
build's main process checks parameters and writes the gallery; only the stage that
draws loads matplotlib). The drawing modules import them under their short names.
"""
from __future__ import annotations

from collections.abc import Sequence

from ..errors import ParameterError
from ..limits import check_int  # noqa: F401  (the one integer check, re-exported for the figures)

# rnn
RNN_PATTERNS = ("many-to-many", "one-to-many", "many-to-one")
RNN_VIEWS = ("unrolled", "folded", "both")
RNN_T_RANGE = (1, 10)
# Unrolled beside folded leaves ~760 px for the chain; this many steps still fit.
RNN_T_MAX_BOTH = 6
# attention_image, vit_pipeline
IMAGE_SIZE_RANGE = (32, 1024)
# vit_pipeline
VIT_LAYERS_RANGE = (1, 48)
# vision_pipelines
PIPELINE_ROWS = ("captioning", "attention-captioning", "video")
PIPELINE_WHICH = ("all",) + PIPELINE_ROWS
# two_lifts
LIFTS_T_RANGE = (2, 7)  # beyond 7 the boxes get too narrow for their labels
# qkv_sources
QKV_TOKENS_RANGE = (2, 4)  # four q/k/v trios are as many as fit side by side
QKV_REGIONS_RANGE = (2, 4)
QKV_WHICH = ("both", "self", "cross")


def check_choice(name: str, value: object, choices: Sequence[str]) -> str:
    if value not in choices:
        raise ParameterError(f"{name} must be one of {', '.join(choices)}, got {value!r}", name)
    return str(value)
