"""Architecture matching: vision tasks from the lesson against the architectures that fit.

A drawn exercise holds ``n`` task phrasings and the architectures to match them with,
in shuffled order, plus the computed answer: each task with its architecture and a
reason written for that task. Everything comes from a seed stream (see seeds.py),
exercise key "matching", so variant k is the same in every build with the same seed.

Task texts say what the job is and what it needs (one label or a sentence, one image or
frames, small data or web-scale pre-training, words tied to regions or not), never the
architecture's name, so the learner matches by reasoning, not by spotting a word.

With n <= 4 every task needs a different architecture and all five are listed, so at
least one is a distractor that fits none of the tasks. With n = 5 the matching is
one-to-one; from 6 to 8 some architecture fits two tasks and a card should say so.
"""
from __future__ import annotations

from dataclasses import dataclass

from generator.errors import ParameterError
from generator.limits import check_int
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
    reason: str  # why this task calls for that architecture, in one line


CNN = "CNN"
CNN_RNN = "CNN + RNN"
CNN_ATTENTION_RNN = "CNN + attention + RNN"
FRAME_CNN_RNN = "per-frame CNN + RNN"
VIT = "ViT"

ARCHITECTURES: tuple[Architecture, ...] = (
    Architecture(
        CNN,
        "Stacked convolutions and pooling turn one image into one label (lessons 5 and 6).",
        "One image in, one label out, and the evidence is local: the CNN's built-in locality learns well from modest data.",
    ),
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
        "The image is cut into patches that become tokens for a Transformer encoder; the patch projection, one patch-sized convolution with a stride of one patch, is its only convolution.",
        "Patches are embedded with positions and mixed by self-attention, and the class token's output is classified; no stack of local convolutions.",
    ),
)


def _t(architecture: str, text: str, reason: str) -> Task:
    return Task(text, architecture, reason)


TASKS: tuple[Task, ...] = (
    # The lesson's own phrasing comes first in each group (the first one says "one
    # summary" so it cannot be read as the region-by-region captioner).
    _t(CNN_RNN, "Caption an image from one summary of the whole picture.",
       "A sentence from one summary: the CNN pools the picture into a vector once, and the RNN writes the words from it."),
    _t(CNN_RNN, "Write one sentence about a photo from a single vector that summarises the whole picture.",
       "The single vector is the CNN's pooled feature; an RNN turns it into a word sequence."),
    _t(CNN_RNN, "Generate alt text word by word from one global embedding of the image.",
       "Word by word means a recurrent decoder; one global embedding means no per-region lookup, so CNN + RNN."),
    _t(CNN_RNN, "Describe a snapshot in a sentence, where the word generator sees the image only once, as one encoding.",
       "Seeing the image once, as one encoding: the CNN summary goes into the RNN as its first input, before any word, and never again."),
    _t(CNN_RNN, "Produce a short title for each holiday photo, working from one fixed-length code of the picture.",
       "A fixed-length code of the whole photo is what a CNN gives; a short title is a word sequence an RNN can write."),
    _t(CNN_RNN, "Turn a photo into a one-line description when only a pooled feature vector of it can be stored.",
       "Only the pooled vector survives, so there are no regions to look back at: an RNN decodes from that one vector."),
    _t(CNN_RNN, "Write a sentence for each thumbnail, starting the word generator from the picture's overall gist.",
       "The overall gist is one CNN summary; starting a word generator from it is the CNN + RNN captioner."),
    _t(CNN_RNN, "Caption close-ups of a single object, where one summary of the image carries all the sentence needs.",
       "With one object, one summary vector is enough; nothing calls for per-word regions, so CNN + RNN."),
    _t(CNN_RNN, "Write a caption word by word, with the picture fed in once at the start and never looked at again.",
       "Fed in once and never revisited: the CNN vector starts the RNN, which then runs on its own state."),

    _t(CNN_ATTENTION_RNN, "Caption an image, letting each word look at the image regions it needs.",
       "A word that looks at its own regions is a query over the CNN's region grid: attention inside the RNN captioner."),
    _t(CNN_ATTENTION_RNN, "Write a caption in which the word 'dog' comes from the patch of the image that shows the dog.",
       "Tying one word to one patch needs the region grid kept and weighted per word: CNN + attention + RNN."),
    _t(CNN_ATTENTION_RNN, "Describe a photo and show, for every generated word, which part of the image it was based on.",
       "The weights over regions at each word are exactly the 'which part' map, so the attention captioner gives it for free."),
    _t(CNN_ATTENTION_RNN, "Describe a busy street scene, letting each word look at its own region of the picture.",
       "Many things to name, each in its own place: each word's state queries the regions instead of one squeezed summary."),
    _t(CNN_ATTENTION_RNN, "Caption a cluttered kitchen photo so that each noun is grounded in the area that shows it.",
       "Grounding each noun in an area means a weight map over regions per word, which the attention captioner computes."),
    _t(CNN_ATTENTION_RNN, "Write a sentence about a crowded photo and highlight, word by word, the region behind each word.",
       "Highlighting a region per word is reading off the attention weights the decoder used for that word."),
    _t(CNN_ATTENTION_RNN, "Describe a wide landscape in detail, consulting a different part of the picture for each new word.",
       "A different part per word means the decoder re-weights the CNN's region features at every step."),
    _t(CNN_ATTENTION_RNN, "Generate a caption whose words can each be traced back to a location in the picture, for checking.",
       "Tracing a word to a location needs per-word weights over image locations: CNN + attention + RNN."),
    _t(CNN_ATTENTION_RNN, "Write a long description of a busy scene without squeezing the whole picture into one vector first.",
       "Not squeezing into one vector means keeping the region grid, and an RNN that attends over it word by word."),

    _t(FRAME_CNN_RNN, "Classify a video clip.",
       "A clip is frames in time: a CNN per frame, an RNN over the frame vectors, one label at the end."),
    _t(FRAME_CNN_RNN, "Recognise the action (running, jumping, waving) in a short sequence of camera frames.",
       "An action exists only across frames, so each frame is encoded by a CNN and an RNN carries the motion through time."),
    _t(FRAME_CNN_RNN, "Give one activity label to a few seconds of surveillance footage, frame by frame.",
       "Frame by frame in, one label out: a CNN per frame and an RNN that reads the frames in order."),
    _t(FRAME_CNN_RNN, "Decide from a handful of consecutive video frames whether a person is falling.",
       "Falling is a change over time, visible only in the order of frames: per-frame CNN + RNN."),
    _t(FRAME_CNN_RNN, "Tell from a dashcam clip whether the car ahead is braking.",
       "Braking shows as change from frame to frame; the RNN carries each frame's CNN features forward."),
    _t(FRAME_CNN_RNN, "Label a short sports clip with the move being played, where the order of the frames matters.",
       "When frame order matters, a sequence model over per-frame features is needed, not one image model."),
    _t(FRAME_CNN_RNN, "Tell from a webcam clip whether someone waves or only raises a hand, one label per clip.",
       "Waving and raising a hand can share a single frame; only the sequence of frames tells them apart."),
    _t(FRAME_CNN_RNN, "Classify a time-lapse sequence of plant photos as growing or wilting.",
       "Growing or wilting is a trend across the photos in time order: CNN per photo, RNN over the sequence."),
    _t(FRAME_CNN_RNN, "Recognise a sign-language gesture from a short video, where each frame alone is ambiguous.",
       "If each frame alone is ambiguous, the answer lies in how frames follow each other: per-frame CNN + RNN."),

    _t(CNN, "Sort single product photos into ten categories with only a few thousand labelled examples.",
       "One image, one label, little data: a CNN's built-in locality learns from a few thousand examples, where a ViT would need far more."),
    _t(CNN, "Tell cats from dogs in single photos, training from scratch on a small labelled set.",
       "No sequence in or out, and small data from scratch: a plain CNN classifier."),
    _t(CNN, "Spot a defect in one close-up image of a part, where local texture decides and the data set is small.",
       "Local texture is what stacked small filters detect, and small data favours their built-in locality."),
    _t(CNN, "Recognise handwritten digits in single small images, from tens of thousands of examples.",
       "Small single images, one label each, modest data: the classic CNN case from lessons 5 and 6."),
    _t(CNN, "Classify a single X-ray image as normal or not, trained on a modest hospital data set with no pre-training.",
       "Without large pre-training a ViT lacks the locality bias; a CNN learns from a modest set."),
    _t(CNN, "Label each photo with one species, when nearby pixels carry the evidence and labelled data is scarce.",
       "Evidence in nearby pixels and scarce labels: local filters shared over the image, a CNN."),
    _t(CNN, "Give one label to a single image on a small device, with a few thousand training pictures.",
       "One image to one label needs no sequence model; with a few thousand pictures a CNN is the fit."),
    _t(CNN, "Decide whether a single leaf photo shows a disease spot, with a small labelled set and no big pre-trained model.",
       "A spot is a local pattern, the set is small and nothing is pre-trained: a CNN."),
    _t(CNN, "Recognise road signs in single cropped images, learning from a small set where local edges and shapes decide.",
       "Edges and shapes are local features that stacked filters learn from little data: a CNN."),

    _t(VIT, "Classify an image from patches, with no stack of convolution layers.",
       "Patches as tokens and no stack of local convolutions is the Vision Transformer (its patch projection is a single stride-16 convolution)."),
    _t(VIT, "Classify photos after pre-training on hundreds of millions of images, relating far-apart parts of each image from the first layer.",
       "Self-attention links every patch to every other in one layer, and web-scale pre-training makes up for the missing locality bias."),
    _t(VIT, "Recognise the object in a picture where every patch can relate to every other patch from the first layer on.",
       "Every patch relating to every other in the first layer is self-attention over patch tokens: a ViT."),
    _t(VIT, "Label an image by cutting it into 16×16-pixel patches and handling them the way a language model handles words.",
       "Patches handled like words are tokens for a Transformer encoder: the ViT recipe."),
    _t(VIT, "Classify images using a huge pre-training set, where a far corner of the image may decide the label.",
       "Far-apart evidence is one attention step away in a ViT, and the huge pre-training set is what it needs to beat CNNs."),
    _t(VIT, "Classify a satellite image with a model pre-trained on a web-scale image collection, where distant regions must be compared early.",
       "Comparing distant regions early is global self-attention; web-scale pre-training is the ViT's condition."),
    _t(VIT, "Label a photo with a model whose only image-specific steps are projecting its patches and adding their positions.",
       "One projection per patch (a single stride-16 convolution) plus position embeddings, then generic encoder blocks: that is the ViT's whole image-specific part."),
    _t(VIT, "Fine-tune an image classifier pre-trained on 300 million images, where no stack of layers is built around local neighbourhoods.",
       "No stack of local filters (only the patch projection looks at one patch at a time) and a very large pre-training set: a ViT."),
    _t(VIT, "Classify an image where, from the first layer, every region can draw on every other region, given plenty of pre-training data.",
       "Every region drawing on every other from layer one is self-attention over patches; plenty of data lets it learn what a CNN builds in."),
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


def draw(seed: int, variant: int = 0, n: int = 4, entry: int = 0) -> Matching:
    """Draw variant ``variant`` of the matching exercise from ``seed``, with ``n`` tasks;
    ``entry`` is its place in the note's pool (``seeds.stream``)."""
    n = check_int("n", n, *N_RANGE)
    bits = seeds.stream(seed, KEY, variant, entry)  # checks seed, variant and entry
    names = [a.name for a in ARCHITECTURES]
    # n <= 4: n different architectures, so at least one listed architecture is a
    # distractor. Past five tasks architectures repeat, with the extra tasks drawn
    # from the phrasings left.
    chosen = seeds.sample(bits, names, min(n, len(names)))
    pool = {name: seeds.shuffled(bits, [t for t in TASKS if t.architecture == name]) for name in names}
    tasks = [pool[name].pop() for name in chosen]
    left = [t for name in names for t in pool[name]]
    tasks = seeds.shuffled(bits, tasks + seeds.sample(bits, left, n - len(tasks)))

    # The architectures are listed in an order that does not simply follow the tasks,
    # otherwise the first k answers would read straight down the two columns.
    for _ in range(_SHUFFLE_TRIES):
        order = seeds.shuffled(bits, names)
        if any(order[i] != tasks[i].architecture for i in range(min(len(order), len(tasks)))):
            break
    answer = tuple((t.text, t.architecture, t.reason) for t in tasks)
    return Matching(
        tasks=tuple(t.text for t in tasks),
        architectures=tuple(order),
        answer=answer,
        answer_index=tuple(order.index(t.architecture) for t in tasks),
        seed=int(seed),
        variant=int(variant),
    )
