"""Project Gutenberg plain text: find the book between its licence boilerplate, and its title and author."""

from __future__ import annotations

import re
from dataclasses import dataclass

_START = re.compile(r"^[ \t]*\*{3}[ \t]*START OF (?:THE|THIS) PROJECT GUTENBERG E(?:BOOK|TEXT)[^\n]*$", re.I | re.M)
_END = re.compile(r"^[ \t]*\*{3}[ \t]*END OF (?:THE|THIS) PROJECT GUTENBERG E(?:BOOK|TEXT)", re.I | re.M)
# Files of the 1990s put the whole licence on top ("the small print") and close it with this line.
_SMALL_PRINT_END = re.compile(r"^[ \t]*\*?END\*?[ \t]*THE SMALL PRINT[^\n]*$", re.I | re.M)
# Older files close the book with a sentence of their own just before the licence.
_END_LINE = re.compile(r"^[ \t]*\**[ \t]*End of (?:the |this )?Project Gutenberg(?:'s|\u2019s)?[ \t]", re.I | re.M)
# "The Project Gutenberg EBook of Moby Dick, by Herman Melville", "**The Project Gutenberg Etext of ...**".
_BANNER = re.compile(r"^[ \t*]*(?:The )?Project Gutenberg(?:'s|\u2019s)? E-?(?:Book|text)s? of (?P<title>.+?)"
                     r"(?:,? by (?P<author>[^*\r\n]+?))?[ \t*]*\r?$", re.I | re.M)
_HEADER_FIELD = re.compile(r"(?:Title|Author|Translator|Editor|Illustrator|Release Date|Posting Date|Last Updated|"
                           r"Language|Character set encoding|Produced by|Credits|\[E(?:Book|text) #)", re.I)
# A paragraph that speaks of Project Gutenberg or its e-texts belongs to the licence, not the book.
_ABOUT_PG = re.compile(r"Project Gutenberg|\be-?texts?\b|\be-?books?\b|small print", re.I)
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
    """The body and header of a Project Gutenberg text, or None if it is not one.

    The body begins after the `*** START OF` line, else after the small print of a 1990s file, else (a file
    that names Project Gutenberg in its first lines and closes with its licence) after the last paragraph of
    the header. It ends at the `*** END OF` line or an `End of the Project Gutenberg EBook` line before it.
    """
    head_end = _body_start(text)
    if head_end is None:
        return None
    end = _END.search(text, head_end)
    body_end = end.start() if end else len(text)
    closings = list(_END_LINE.finditer(text, head_end, body_end))
    if closings:
        body_end = closings[-1].start()
    fields: dict[str, str] = {}
    header = text[:head_end]
    for m in _FIELD.finditer(header):
        fields.setdefault(m.group("key").lower(), re.sub(r"\s+", " ", m.group("value")).strip())
    banner = _BANNER.search(header)
    if banner:
        fields.setdefault("title", _clean_banner(banner.group("title")))
        if banner.group("author"):
            fields.setdefault("author", _clean_banner(banner.group("author")))
    language = fields.get("language", "").split(" ")[0].lower()
    return GutenbergText(_skip_producers(text, head_end, body_end), body_end, fields.get("title") or None,
                         fields.get("author") or None, _LANGUAGES.get(language) if language else None)


def _body_start(text: str) -> int | None:
    """Where the header ends; None when the text is not a Project Gutenberg file."""
    start = _START.search(text)
    if start:
        return start.end()
    small_print = _SMALL_PRINT_END.search(text)
    if small_print:
        return small_print.end()
    if not _BANNER.search(text, 0, 5000) or not (_END.search(text) or _END_LINE.search(text)):
        return None
    pos = 0
    for para in re.finditer(r"\n[ \t]*\r?\n", text[:20_000] + "\n\n"):
        block = text[pos:para.start()]
        if block.strip() and not _ABOUT_PG.search(block) and not _HEADER_FIELD.match(block.strip()):
            return pos
        pos = para.end()
    return None


def _clean_banner(value: str) -> str:
    return re.sub(r"\s+", " ", value).strip(" ,*")


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
