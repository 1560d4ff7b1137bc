"""Architecture matching: vision tasks from the lesson against the architectures that fit.

A drawn exercise holds ``n`` task phrasings and the architectures to match them with,
in shuffled order, plus the computed answer: each task with its architecture and a
one-line reason. Everything comes from a seed stream (see seeds.py), exercise key
"matching", so variant k is the same in every build with the same seed.

With n <= 4 every task needs a different architecture (a one-to-one matching). With
n from 5 to 8 every architecture is used at least once and some twice; the list of
architectures then has four entries and a card should say that one may fit several
tasks.
"""
from __future__ import annotations

from dataclasses import dataclass

from generator.errors import ParameterError
from generator.practice import seeds

KEY = "matching"


@dataclass(frozen=True)
class Architecture:
    name: str
    summary: str  # what the model does, in one line
    reason: str  # why a task of this kind calls for it, in one line


@dataclass(frozen=True)
class Task:
    text: str
    architecture: str  # Architecture.name


CNN_RNN = "CNN + RNN"
CNN_ATTENTION_RNN = "CNN + attention + RNN"
FRAME_CNN_RNN = "per-frame CNN + RNN"
VIT = "ViT"

ARCHITECTURES: tuple[Architecture, ...] = (
    Architecture(
        CNN_RNN,
        "A CNN squeezes the image into one vector; an RNN decodes a sentence from it.",
        "One image in, a word sequence out: the CNN summarises the picture once and the RNN writes the words from that summary.",
    ),
    Architecture(
        CNN_ATTENTION_RNN,
        "A CNN keeps a grid of region features; at each word the RNN attends over the regions.",
        "Each word needs its own part of the image, so the decoder's state queries the CNN's region grid and mixes the regions by attention weights.",
    ),
    Architecture(
        FRAME_CNN_RNN,
        "A CNN encodes every frame; an RNN reads the frame vectors in time order.",
        "A clip is a sequence of images: the CNN handles what is in each frame, the RNN carries it across time to one label.",
    ),
    Architecture(
        VIT,
        "The image is cut into patches that become tokens for a Transformer encoder; no convolution.",
        "Patches are embedded with positions and mixed by self-attention, and the class token's output is classified; nothing is convolved.",
    ),
)

TASKS: tuple[Task, ...] = (
    # The lesson's own phrasings come first in each group (the first one says "one
    # summary" so it cannot be read as the attention captioner).
    Task("Caption an image from one summary of the whole picture.", CNN_RNN),
    Task("Write one sentence about a photo from a single vector that summarises the whole picture.", CNN_RNN),
    Task("Generate alt text word by word from one global embedding of the image.", CNN_RNN),
    Task("Describe a snapshot in a sentence, where the decoder sees the image only once, as one encoding.", CNN_RNN),
    Task("Caption an image with attention to image regions.", CNN_ATTENTION_RNN),
    Task("Write a caption in which the word 'dog' comes from the patch of the image that shows the dog.", CNN_ATTENTION_RNN),
    Task("Describe a photo and show, for every generated word, which part of the image it was based on.", CNN_ATTENTION_RNN),
    Task("Describe a busy street scene, letting each word look at its own region of the picture.", CNN_ATTENTION_RNN),
    Task("Classify a video clip.", FRAME_CNN_RNN),
    Task("Recognise the action (running, jumping, waving) in a short sequence of camera frames.", FRAME_CNN_RNN),
    Task("Give one activity label to a few seconds of surveillance footage, frame by frame.", FRAME_CNN_RNN),
    Task("Decide from a handful of consecutive video frames whether a person is falling.", FRAME_CNN_RNN),
    Task("Classify an image from patches with no convolution.", VIT),
    Task("Label a photo with a Transformer that treats 16x16 pixel patches as tokens.", VIT),
    Task("Recognise the object in a picture where every patch can attend to every other patch from the first layer on.", VIT),
    Task("Classify an image through a [CLS] token whose output feeds the classifier, the input being flattened patches.", VIT),
)

N_RANGE = (2, 8)
_SHUFFLE_TRIES = 50


@dataclass(frozen=True)
class Matching:
    """One matching exercise.

    ``tasks`` in the order shown; ``architectures`` shuffled independently;
    ``answer[i]`` = (tasks[i], its architecture, a one-line reason);
    ``answer_index[i]`` = the position of that architecture in ``architectures``.
    """

    tasks: tuple[str, ...]
    architectures: tuple[str, ...]
    answer: tuple[tuple[str, str, str], ...]
    answer_index: tuple[int, ...]
    seed: int
    variant: int


def _by_name() -> dict[str, Architecture]:
    return {a.name: a for a in ARCHITECTURES}


def draw(seed: int, variant: int = 0, n: int = 4) -> Matching:
    """Draw variant ``variant`` of the matching exercise from ``seed``, with ``n`` tasks."""
    if isinstance(n, bool) or not isinstance(n, int) or not N_RANGE[0] <= n <= N_RANGE[1]:
        raise ParameterError(f"n must be an integer in [{N_RANGE[0]}, {N_RANGE[1]}], got {n!r}", "n")
    bits = seeds.stream(seed, KEY, variant)  # checks seed and variant
    names = [a.name for a in ARCHITECTURES]
    chosen = seeds.sample(bits, names, min(n, len(names)))
    pool = {name: seeds.shuffled(bits, [t for t in TASKS if t.architecture == name]) for name in names}
    tasks = [pool[name].pop() for name in chosen]
    # Past four tasks, architectures repeat: the extra tasks come from the phrasings left.
    left = [t for name in names for t in pool[name]]
    tasks = seeds.shuffled(bits, tasks + seeds.sample(bits, left, n - len(tasks)))

    shown = sorted(set(chosen), key=names.index)
    # The architectures are listed in an order that does not simply follow the tasks,
    # otherwise the first k answers would read straight down the two columns.
    for _ in range(_SHUFFLE_TRIES):
        order = seeds.shuffled(bits, shown)
        if any(order[i] != tasks[i].architecture for i in range(min(len(order), len(tasks)))):
            break
    arch = _by_name()
    answer = tuple((t.text, t.architecture, arch[t.architecture].reason) for t in tasks)
    return Matching(
        tasks=tuple(t.text for t in tasks),
        architectures=tuple(order),
        answer=answer,
        answer_index=tuple(order.index(t.architecture) for t in tasks),
        seed=int(seed),
        variant=int(variant),
    )
