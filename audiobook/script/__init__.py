"""The script stage: a book split into narration and dialogue, each quote given a speaker, each part a voice."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from audiobook.model import Casting, Chapter, Segment
from audiobook.read.book import Book

__all__ = ["Script"]


@dataclass(frozen=True)
class Script:
    """A book read, split and attributed, with a voice for every part: what `segment` prints, `render` speaks."""

    source: Path
    title: str
    text: str
    chapters: tuple[Chapter, ...]
    segments: tuple[Segment, ...]
    casting: Casting
    book: Book
    warnings: tuple[str, ...] = ()  # doubts about the book's chapters, fixes that no longer match the text
