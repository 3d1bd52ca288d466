"""Frozen dataclasses passed between the pipeline stages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

SegmentKind = Literal["narration", "dialogue"]
Gender = Literal["female", "male"]


@dataclass(frozen=True)
class Chapter:
    """A chapter: text[start:end] of the book, its heading (if any) in text[start:body_start]."""

    index: int  # 1-based
    title: str
    start: int
    body_start: int
    end: int


# Evidence that states the speaker (a speech tag, the user's fix); any other is the attributor's inference.
CERTAIN_EVIDENCE = ("explicit", "fix")


@dataclass(frozen=True)
class Segment:
    """A run of narration or one quote's piece, as code-point offsets into the book text."""

    kind: SegmentKind
    start: int  # inclusive
    end: int  # exclusive
    chapter: int  # Chapter.index
    paragraph: int  # paragraph number within the book, increasing; pauses depend on it
    speaker: str | None = None  # None for narration and for unattributed dialogue
    evidence: str | None = None  # how the speaker was found: "explicit", "alternation", "ranked", ...
    confidence: float | None = None  # how likely the speaker is right (0-1), for attributed dialogue


@dataclass(frozen=True)
class Character:
    """A speaking character as the attributor knows it: a name, other names, maybe a gender."""

    name: str
    aliases: tuple[str, ...] = ()
    gender: Gender | None = None


@dataclass(frozen=True)
class Voice:
    """How one part is spoken: engine voice id, words per minute, pitch 0-100, volume 0-1."""

    voice: str
    rate: int = 175
    pitch: int = 50
    volume: float = 1.0
    engine: str = "espeak"  # or "piper"
    model: str | None = None  # Piper: a bundled voice's name or a path to a .onnx model
    speaker: int | None = None  # Piper: the speaker of a multi-speaker model
    noise_scale: float | None = None  # Piper: variation (default: the model's)


@dataclass(frozen=True)
class Role:
    """A cast member: a character and the voice that speaks it."""

    character: Character
    voice: Voice | None  # None until casting gives the character an automatic voice
    # Settings given without a voice id: they tune the automatic voice.
    rate: int | None = None
    pitch: int | None = None
    volume: float | None = None
    lexicon: tuple[tuple[str, str], ...] = ()  # pronunciations for this character's lines


@dataclass(frozen=True)
class Fix:
    """A user's correction from voices.yaml: who says a quote, or that a stretch of text is narration or a line."""

    chapter: int
    speaker: str  # a character's name, or "narrator" to read the stretch as narration
    quote: str | None = None  # the opening words of a quote (without its mark)
    text: str | None = None  # an exact stretch of the chapter's text
    occurrence: int = 1  # which match in the chapter, for a text that appears more than once
    line: int = 0  # where it stands in voices.yaml, for messages


@dataclass(frozen=True)
class Casting:
    """The whole cast: the narrator's voice and each character's role, keyed by cast name."""

    narrator: Voice
    roles: dict[str, Role] = field(default_factory=dict)
    source: str = "<default>"  # the file it came from, for messages
    narrator_name: str = "eSpeak NG"
    fixes: tuple[Fix, ...] = ()
    preset: str | None = None  # the loudness/format preset voices.yaml asks for
    pauses: tuple[tuple[str, int], ...] = ()  # pause lengths (ms) voices.yaml overrides
    lexicon: tuple[tuple[str, str], ...] = ()  # pronunciations for the whole book

    @property
    def characters(self) -> tuple[Character, ...]:
        """The characters of the cast, in file order."""
        return tuple(role.character for role in self.roles.values())


@dataclass(frozen=True)
class Cue:
    """One spoken line's place in a chapter's audio (seconds), who speaks it, and its offset in the book text."""

    start: float
    end: float
    speaker: str
    text: str
    offset: int  # the segment's start in the book text; -1 for the chapter title


@dataclass(frozen=True)
class SpokenLine:
    """One thing to say in a chapter: text, voice, and where it stands for the pauses."""

    text: str
    voice: Voice
    who: str
    paragraph: int
    title: bool = False
    scene_break: bool = False  # a scene break (`* * *`) stands before it
    gain_db: float = 0.0  # the voice's level match to the narrator
    offset: int = -1  # where its segment starts in the book text; -1 for the chapter title
