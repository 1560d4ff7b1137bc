"""Where to go deeper: questions a learner may have after lesson 7, routed to a sister track.

The lesson teaches recurrence and attention only as far as a vision practitioner needs,
and its slide "Why one lesson, and where to go deeper" sends the deep mechanics
elsewhere, as the course outline does: Track 12, lesson 2 for recurrence in depth
(training through time, LSTM and GRU gates); Track 5's multi-lesson sequence and
Track 14 for attention and Transformers in depth. Those are the only two destinations,
so a question here is always about one of the two topics, and a question never names
a track.

A drawn exercise holds ``n`` questions, the two destinations and, per question, its
destination and a reason written for that question. It comes from the seed stream
(seed, "tracks", variant) (see seeds.py), so it is a pure function of those three.
With n >= 2 both destinations are needed; the split between them varies, so counting
cannot stand in for knowing.
"""
from __future__ import annotations

from dataclasses import dataclass

from generator.errors import ParameterError
from generator.limits import check_int
from generator.practice import seeds

KEY = "tracks"

RECURRENCE = "Track 12, lesson 2"
ATTENTION = "Track 5 (its multi-lesson sequence) and Track 14"


@dataclass(frozen=True)
class Track:
    name: str
    covers: str  # what the lesson's slide says the track covers in depth


TRACKS: tuple[Track, ...] = (
    Track(RECURRENCE, "recurrence in depth (training through time, LSTM and GRU gates)"),
    Track(ATTENTION, "attention and Transformers in depth"),
)


@dataclass(frozen=True)
class Question:
    text: str
    track: str  # Track.name
    reason: str  # why that track, in one line, for this question


def _q(track: str, text: str, reason: str) -> Question:
    return Question(text, track, reason)


QUESTIONS: tuple[Question, ...] = (
    _q(RECURRENCE, "How do an LSTM's gates keep a gradient alive across many time steps?",
       "Gates are the recurrent cell's own machinery; the recurrence track covers LSTM and GRU gates."),
    _q(RECURRENCE, "How does backpropagation through time unroll a network to compute its gradients?",
       "Unrolling over time to train is how a recurrent net learns: training through time is recurrence in depth."),
    _q(RECURRENCE, "What does a GRU's update gate decide at each step, and how is that cell simpler than an LSTM's?",
       "GRU and LSTM cells are both gated recurrent units, the recurrence track's subject."),
    _q(RECURRENCE, "Why does cutting the backward pass off after a fixed number of steps make very long sequences trainable, and what does it lose?",
       "Truncating the backward pass is a way of training through time, which the recurrence track teaches."),
    _q(RECURRENCE, "How does an LSTM's cell state differ from the hidden state it passes on?",
       "Cell state against hidden state is the inside of an LSTM: recurrence in depth."),
    _q(RECURRENCE, "What do the input, forget and output gate equations of an LSTM each multiply?",
       "The gating equations were left out of this lesson on purpose; the recurrence track writes them out."),
    _q(RECURRENCE, "How is the gradient of a loss at step 20 taken with respect to weights shared by every step?",
       "Gradients through shared weights across steps are training through time, the recurrence track's part."),
    _q(RECURRENCE, "Why does a forget gate held near 1 let information survive hundreds of steps?",
       "The forget gate is an LSTM gate; how it keeps a memory alive is recurrence in depth."),
    _q(RECURRENCE, "During training, how are the weight gradients from every time step added up for the one set of shared weights?",
       "Summing per-step gradients into shared weights is the bookkeeping of training through time."),
    _q(RECURRENCE, "When does a cell with two gates train as well as one with three, and when does it not?",
       "Comparing two-gate (GRU) and three-gate (LSTM) cells is a question about gated recurrent cells."),
    _q(RECURRENCE, "How does the error made on the last word of a caption reach the first step of the decoder that wrote it, one step at a time?",
       "Carrying the error back step by step through a sequential decoder is training through time."),
    _q(RECURRENCE, "How exactly is gradient clipping applied while training a network step by step through long sequences?",
       "Clipping is the fix for exploding gradients when training through time, part of recurrence in depth."),

    _q(ATTENTION, "Why does multi-head attention split d_model into several smaller heads instead of one big head?",
       "Multi-head attention got one line in this lesson; the heads in full are attention in depth."),
    _q(ATTENTION, "How are sinusoidal positional encodings built, and how do they let a model tell positions apart?",
       "Positional encodings are how a Transformer knows order, deferred to the attention tracks."),
    _q(ATTENTION, "How are Transformers pre-trained at scale before being fine-tuned on a small task?",
       "Pre-training Transformers at scale belongs to Transformers in depth, not to one vision lesson."),
    _q(ATTENTION, "Why does each Transformer block wrap its attention and its MLP in residual connections and layer normalisation?",
       "The layout of a Transformer block is Transformer mechanics: the attention tracks cover it."),
    _q(ATTENTION, "How does a mask stop a Transformer decoder from looking at later words while it is trained?",
       "Masked self-attention in the decoder is attention in depth."),
    _q(ATTENTION, "How are the outputs of the separate heads put back together into one vector of the model's width?",
       "Concatenating and projecting the heads completes multi-head attention, taught with attention in depth."),
    _q(ATTENTION, "Are learned position embeddings better than fixed ones, and how are they added to the tokens?",
       "Position embeddings, learned or fixed, are Transformer input mechanics for the attention tracks."),
    _q(ATTENTION, "How does the cross-attention in an encoder-decoder Transformer connect the two stacks?",
       "Encoder-decoder attention is Transformer architecture in depth."),
    _q(ATTENTION, "What does the position-wise feed-forward part of each Transformer block do to every token?",
       "The feed-forward half of a Transformer block is part of Transformers in depth."),
    _q(ATTENTION, "Why does self-attention's cost grow with the square of the token count, and how do windowed or sparse variants cut it?",
       "Attention's cost and the variants that lower it are attention in depth."),
    _q(ATTENTION, "How are the query, key and value projection matrices learned, and what do they come to encode?",
       "What the Q, K and V projections learn is the inside of attention, for the attention tracks."),
    _q(ATTENTION, "How does predicting masked or next tokens pre-train a Transformer on unlabelled data?",
       "Self-supervised pre-training objectives for Transformers are covered with Transformers in depth."),
)

N_RANGE = (2, 8)


@dataclass(frozen=True)
class Tracks:
    """One routing exercise.

    ``questions`` in the order shown; ``tracks`` the destinations as listed (always both,
    in the lesson's order); ``answer[i]`` = (questions[i], its track, a one-line reason);
    ``answer_index[i]`` = the position of that track in ``tracks``.
    """

    questions: tuple[str, ...]
    tracks: tuple[str, ...]
    answer: tuple[tuple[str, str, str], ...]
    answer_index: tuple[int, ...]
    seed: int
    variant: int


def draw(seed: int, variant: int = 0, n: int = 4, entry: int = 0) -> Tracks:
    """Draw variant ``variant`` of the routing exercise from ``seed``, with ``n`` questions;
    ``entry`` is its place in the note's pool (``seeds.stream``)."""
    n = check_int("n", n, *N_RANGE)
    bits = seeds.stream(seed, KEY, variant, entry)  # checks seed, variant and entry
    names = [t.name for t in TRACKS]
    # One question per destination first, so both are always needed; the rest come from
    # everything left, so the split is not always even.
    pool = {name: seeds.shuffled(bits, [q for q in QUESTIONS if q.track == name]) for name in names}
    chosen = [pool[name].pop() for name in names]
    left = [q for name in names for q in pool[name]]
    chosen = seeds.shuffled(bits, chosen + seeds.sample(bits, left, n - len(chosen)))
    return Tracks(
        questions=tuple(q.text for q in chosen),
        tracks=tuple(names),
        answer=tuple((q.text, q.track, q.reason) for q in chosen),
        answer_index=tuple(names.index(q.track) for q in chosen),
        seed=int(seed),
        variant=int(variant),
    )
