"""Project Gutenberg plain text: find the book between its licence boilerplate, and its title and author."""

from __future__ import annotations

import re
from dataclasses import dataclass

_START = re.compile(r"^\*{3}[ \t]*START OF (?:THE|THIS) PROJECT GUTENBERG E(?:BOOK|TEXT)[^\n]*$", re.I | re.M)
_END = re.compile(r"^\*{3}[ \t]*END OF (?:THE|THIS) PROJECT GUTENBERG E(?:BOOK|TEXT)", re.I | re.M)
# Older files close the book with a sentence of their own just before the licence.
_END_LINE = re.compile(r"^[ \t]*End of (?:the )?Project Gutenberg(?:'s|\u2019s)? ", re.I | re.M)
_FIELD = re.compile(r"^(?P<key>Title|Author|Language)[ \t]*:[ \t]*(?P<value>[^\n]*(?:\r?\n[ \t]+\S[^\n]*)*)",
                    re.I | re.M)
# Paragraphs right after the START line that are about the e-text, not the book.
_PRODUCER = re.compile(r"(?:produced by|e-?text prepared by|transcriber'?s?\u2019?s? note|this (?:e-?book|e-?text) "
                       r"was|updated editions will|\[?illustration)", re.I)
_LANGUAGES = {"english": "en", "french": "fr", "german": "de", "spanish": "es", "italian": "it", "dutch": "nl",
              "portuguese": "pt", "finnish": "fi", "latin": "la", "swedish": "sv", "danish": "da",
              "norwegian": "no", "polish": "pl", "russian": "ru", "greek": "el", "chinese": "zh"}


@dataclass(frozen=True)
class GutenbergText:
    """Where the book itself lies within a Gutenberg file, and what its header says."""

    body_start: int
    body_end: int
    title: str | None
    author: str | None
    language: str | None  # a language code, as in EPUB metadata


def find_gutenberg(text: str) -> GutenbergText | None:
    """The body and header of a Project Gutenberg text, or None if it has no `*** START OF` line."""
    start = _START.search(text)
    if not start:
        return None
    end = _END.search(text, start.end())
    body_end = end.start() if end else len(text)
    closings = list(_END_LINE.finditer(text, start.end(), body_end))
    if closings:
        body_end = closings[-1].start()
    fields: dict[str, str] = {}
    for m in _FIELD.finditer(text, 0, start.start()):
        fields.setdefault(m.group("key").lower(), re.sub(r"\s+", " ", m.group("value")).strip())
    language = fields.get("language", "").split(" ")[0].lower()
    return GutenbergText(_skip_producers(text, start.end(), body_end), body_end, fields.get("title") or None,
                         fields.get("author") or None, _LANGUAGES.get(language) if language else None)


def _skip_producers(text: str, pos: int, end: int) -> int:
    """Skip the blank lines and the producer's paragraphs at the start of the body."""
    while True:
        blank = re.compile(r"[ \t]*(?:\r?\n[ \t]*)*").match(text, pos, end)
        pos = blank.end() if blank else pos
        if not _PRODUCER.match(text, pos, end):
            return pos
        para = re.compile(r"\r?\n[ \t]*\r?\n").search(text, pos, end)
        if not para:
            return pos
        pos = para.end()
