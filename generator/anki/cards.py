"""Read the lesson's flashcard source (``cards/<lesson>.cards``).

The format is meant to be edited by a person in any text editor, and every
mistake must point at a line, so it is a small line format rather than YAML or
TOML (whose parsers lose line numbers once a document is loaded)::

    # a comment
    == rnn-update-rule
    tags: recurrence formula
    front: Write the update rule of a plain RNN.
    back: \\[ h_t = \\tanh(W_{hh} h_{t-1} + W_{xh} x_t + b) \\]
      An indented line continues the field above it.

      A blank line followed by more indented text starts a new paragraph.
      - lines starting with "- " become a bulleted list

    == attention-formula-cloze
    cloze: \\[ \\mathrm{softmax}\\left( {{c1::\\frac{QK^\\top}{\\sqrt{d_k} } }} \\right) V \\]
    extra: Optional text shown on the back.

``== key`` opens a card. The key is the card's identity in Anki (its note GUID
is derived from it), so it must never be renamed once a deck has shipped;
renaming it makes every learner's copy a new card with no history.

A card whose meaning changes gets a new key, and the old key is retired: a
``retired: key-a key-b`` line before the first card lists keys that shipped once
and must never name a card again (learners still hold them under the old
meaning). Using a retired key for a card is an error at that card's line.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ..errors import BuildError
from ..textfile import read_source

CardKind = Literal["basic", "cloze"]

FIELDS = ("front", "back", "cloze", "extra", "tags")
# Which fields each kind must have and may have; the kind follows from the fields used.
REQUIRED: dict[CardKind, tuple[str, ...]] = {"basic": ("front", "back"), "cloze": ("cloze",)}
ALLOWED: dict[CardKind, tuple[str, ...]] = {"basic": ("front", "back", "tags"), "cloze": ("cloze", "extra", "tags")}

KEY = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
# Anki splits tags on spaces and nests them with "::". We allow less than Anki
# does (no capitals, no punctuation) so a tag reads the same in every file system
# and search box, and so "#tag" or "a,b" is caught as a typo instead of shipped.
TAG = re.compile(r"[a-z0-9][a-z0-9_-]*(::[a-z0-9][a-z0-9_-]*)*\Z")

_HEADER = re.compile(r"==\s*(.*?)\s*\Z")
_FIELD = re.compile(r"([A-Za-z][\w-]*)\s*:\s*(.*)\Z")
MAX_FIELD = 20_000  # characters in one field; a card is read in seconds, this is a paste
MAX_CLOZE = 500  # cloze numbers per note; a real card uses a handful
_CLOZE_OPEN = re.compile(r"\{\{c(\d+)::")


@dataclass(frozen=True)
class Flashcard:
    """One card as written: raw text fields, not yet turned into HTML."""

    key: str
    kind: CardKind
    fields: dict[str, str]  # name -> text (front/back or cloze/extra)
    tags: tuple[str, ...]
    path: Path
    line: int  # the ``== key`` line
    field_lines: dict[str, int]  # name -> line its value starts on, for later errors

    @property
    def clozes(self) -> list[int]:
        """The distinct cloze numbers, in order; one Anki card each."""
        return sorted({int(n) for n in _CLOZE_OPEN.findall(self.fields.get("cloze", ""))})


@dataclass
class _Draft:
    key: str
    line: int
    fields: dict[str, list[str]]
    field_lines: dict[str, int]


def parse_cards(path: Path) -> list[Flashcard]:
    """Parse one ``.cards`` file; raise :class:`BuildError` at the offending line."""
    return _parse(path)[0]


def retired_keys(path: Path) -> dict[str, int]:
    """The keys a ``.cards`` file lists as retired, each with its line."""
    return _parse(path)[1]


def _parse(path: Path) -> tuple[list[Flashcard], dict[str, int]]:
    text = read_source(path, "card source")
    cards: list[Flashcard] = []
    seen: dict[str, int] = {}
    retired: dict[str, int] = {}
    draft: _Draft | None = None
    current: str | None = None  # field receiving continuation lines
    blank_pending = False

    def finish() -> None:
        if draft is not None:
            cards.append(_finish(path, draft))

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        if not line.strip():
            blank_pending = True
            continue
        if line.lstrip().startswith("#") and not line[0].isspace():
            continue
        if line[0].isspace():
            if draft is None or current is None:
                raise BuildError("indented line continues nothing; start a field with 'name: value'", path, number)
            body = draft.fields[current]
            if blank_pending and any(part.strip() for part in body):
                body.append("")  # paragraph break, kept only inside a field
            body.append(line.strip())
            blank_pending = False
            continue
        blank_pending = False
        header = _HEADER.match(line)
        if header:
            finish()
            key = header.group(1)
            if not KEY.match(key):
                raise BuildError(
                    f"bad card key {key!r}: use lowercase letters, digits and '-', starting with a letter or digit",
                    path,
                    number,
                )
            if key in seen:
                raise BuildError(f"duplicate card key {key!r} (first used on line {seen[key]})", path, number)
            if key in retired:
                raise BuildError(
                    f"card key {key!r} is retired (line {retired[key]}): learners hold it under its old "
                    "meaning; give this card a new key",
                    path,
                    number,
                )
            seen[key] = number
            draft, current = _Draft(key, number, {}, {}), None
            continue
        field = _FIELD.match(line)
        if not field:
            raise BuildError("expected '== card-key' or 'field: value'", path, number)
        name = field.group(1).lower()
        if name == "retired":
            if draft is not None:
                raise BuildError("'retired:' belongs before the first '== card-key' line", path, number)
            for key in (field.group(2) or "").split():
                if not KEY.match(key):
                    raise BuildError(f"bad retired key {key!r}: card keys use lowercase letters, digits and '-'", path, number)
                retired.setdefault(key, number)
            continue
        if draft is None:
            raise BuildError(f"field {name!r} before the first '== card-key' line", path, number)
        if name not in FIELDS:
            raise BuildError(f"unknown field {name!r} (known: {', '.join(FIELDS)})", path, number)
        if name in draft.fields:
            raise BuildError(f"field {name!r} given twice in card {draft.key!r}", path, number)
        value = (field.group(2) or "").strip()
        draft.fields[name] = [value] if value else []
        draft.field_lines[name] = number
        current = name
    finish()
    return cards, retired


def _finish(path: Path, draft: _Draft) -> Flashcard:
    names = set(draft.fields)
    kind: CardKind = "cloze" if "cloze" in names else "basic"
    for name in REQUIRED[kind]:
        if name not in names or not any(part.strip() for part in draft.fields[name]):
            what = "is empty" if name in names else "is missing"
            raise BuildError(f"card {draft.key!r}: field {name!r} {what}", path, draft.field_lines.get(name, draft.line))
    for name in sorted(names - set(ALLOWED[kind]), key=lambda n: draft.field_lines[n]):
        raise BuildError(
            f"card {draft.key!r}: field {name!r} does not belong on a {kind} card "
            f"(a {kind} card has {', '.join(ALLOWED[kind])})",
            path,
            draft.field_lines[name],
        )
    tags: list[str] = []
    if "tags" in draft.fields:
        for tag in " ".join(draft.fields["tags"]).split():
            if not TAG.match(tag):
                raise BuildError(
                    f"card {draft.key!r}: bad tag {tag!r}: tags are separated by spaces, use lowercase "
                    "letters, digits, '-' and '_', and nest with '::' (for example attention::formula)",
                    path,
                    draft.field_lines["tags"],
                )
            if tag not in tags:
                tags.append(tag)
    texts = {name: "\n".join(parts) for name, parts in draft.fields.items() if name != "tags"}
    for name, value in texts.items():
        if len(value) > MAX_FIELD:
            raise BuildError(f"card {draft.key!r}: field {name!r} is {len(value):,} characters (at most {MAX_FIELD:,})", path, draft.field_lines[name])
        check_braces(value, cloze=(name == "cloze"), path=path, line=draft.field_lines[name], where=f"card {draft.key!r}")
    return Flashcard(draft.key, kind, texts, tuple(tags), path, draft.line, dict(draft.field_lines))


def check_braces(text: str, *, cloze: bool, path: Path, line: int, where: str) -> None:
    """Reject what Anki would mis-read as template or cloze syntax.

    Anki closes a cloze at the first ``}}`` it meets, so MathJax such as
    ``\\sqrt{d_k}}}`` ends the deletion one brace early and the card shows stray
    braces; and a ``{{`` left in a rendered card is the symptom our import tests
    look for. Both only show up when the card is rendered, so we catch them here,
    where the line is known.
    """
    opens = list(_CLOZE_OPEN.finditer(text)) if cloze else []
    if not cloze:
        # "}}" alone is harmless outside a cloze; "{{" would survive into the
        # rendered card, which is how a stray cloze or template tag looks.
        if "{{" in text:
            at = text.index("{{")
            raise BuildError(
                f"{where}: '{{{{' outside a cloze field; write '{{ {{' in MathJax "
                "(cloze deletions belong in a 'cloze:' field)",
                path,
                line + text.count("\n", 0, at),
            )
        return
    if not opens:
        raise BuildError(f"{where}: cloze field has no deletion such as '{{{{c1::text}}}}'", path, line)
    for match in opens:
        if len(match.group(1)) > 3 or int(match.group(1)) > MAX_CLOZE:
            # Anki numbers a note's cards from the cloze number: c99999999999 is a typo, not a card.
            raise BuildError(f"{where}: cloze number c{match.group(1)[:12]} is above c{MAX_CLOZE}", path, line + text.count("\n", 0, match.start()))
        if int(match.group(1)) < 1:
            raise BuildError(f"{where}: cloze numbers start at c1, not c{match.group(1)}", path, line)
    # Walk the text the way Anki's tokenizer does: "{{cN::" opens, "}}" closes,
    # anything else is content. Inside each deletion, MathJax braces must balance,
    # otherwise the "}}" we stopped at belonged to the formula.
    stack: list[tuple[int, int]] = []  # (cloze number, brace depth inside it)
    i = 0
    while i < len(text):
        m = _CLOZE_OPEN.match(text, i)
        if m:
            stack.append((int(m.group(1)), 0))
            i = m.end()
            continue
        if text.startswith("}}", i):
            if not stack:
                i += 2  # outside any deletion Anki treats "}}" as text (MathJax such as \frac{1}{\sqrt{d} })
                continue
            number, depth = stack.pop()
            if depth != 0:
                raise BuildError(
                    f"{where}: cloze c{number} ends inside a MathJax brace group; put a space between "
                    "closing braces ('} }}') so the formula closes before the cloze does",
                    path,
                    line + text.count("\n", 0, i),
                )
            i += 2
            continue
        if text.startswith("{{", i):
            raise BuildError(f"{where}: '{{{{' that is not a cloze opening '{{{{cN::'", path, line + text.count("\n", 0, i))
        if stack and text[i] in "{}":
            number, depth = stack[-1]
            depth += 1 if text[i] == "{" else -1
            if depth < 0:
                raise BuildError(f"{where}: unbalanced '}}' inside cloze c{number}", path, line + text.count("\n", 0, i))
            stack[-1] = (number, depth)
        i += 1
    if stack:
        raise BuildError(f"{where}: cloze c{stack[-1][0]} is never closed with '}}}}'", path, line)
