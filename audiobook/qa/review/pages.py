"""What a review page shows: a chapter's rows, each character's colours. Shared by views.py and html.py."""

from __future__ import annotations

from dataclasses import dataclass

from audiobook.model import CERTAIN_EVIDENCE, Chapter


@dataclass(frozen=True)
class Row:
    """One line of a chapter page: what it says, who says it, how we know, and where it is in the audio."""

    index: int  # the i-th SpokenLine of the chapter, and so the i-th cue of its timings
    text: str  # as printed in the book, spaces collapsed
    who: str  # a cast name, or "narrator"
    kind: str  # "title", "narration" or "dialogue"
    evidence: str | None
    paragraph: int
    words: int
    start: float | None = None  # seconds into the chapter audio
    end: float | None = None
    quote: str | None = None  # a dialogue line's opening words for a `quote:` fix
    occurrence: int = 1  # which match of the quote (or, for narration, of the text) in the chapter
    confidence: float | None = None  # how likely the speaker is right, as the attributor reckons it

    @property
    def flag(self) -> str | None:
        """"unattributed" for dialogue without a speaker, "inferred" for a guessed one, else None."""
        if self.kind != "dialogue":
            return None
        if self.who == "narrator":
            return "unattributed"
        return None if self.evidence in CERTAIN_EVIDENCE else "inferred"


@dataclass(frozen=True)
class ChapterView:
    """A chapter as the review shows it."""

    chapter: Chapter
    page: str  # file name of its page
    rows: tuple[Row, ...]
    audio: str | None  # URL of its audio relative to the review folder, None when it cannot be played


@dataclass(frozen=True)
class Colour:
    """A character's colours: a light tint behind their lines and a dark ink for their name, both readable."""

    tint: str
    ink: str
