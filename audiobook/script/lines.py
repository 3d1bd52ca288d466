"""What each clip of a chapter says, in which voice: the chapter's title, then its segments."""

from __future__ import annotations

import re

from audiobook.model import Chapter, SpokenLine
from audiobook.read.chapters import spoken_title
from audiobook.script import Script
from audiobook.text.lexicon import merge_lexicons, spoken_form
from audiobook.text.spoken import is_speakable, speech_text

SCENE_BREAK = re.compile(r"^[ \t]*(?:[*#~\u2022\u2014-][ \t]*){1,7}\r?$", re.MULTILINE)  # `* * *`, `#`, `---`


def chapter_lines(script: Script, chapter: Chapter) -> list[SpokenLine]:
    """The chapter's title, then each segment with something to say, in the voice of who says it."""
    casting = script.casting
    book_words = dict(casting.lexicon)
    words = {name: merge_lexicons(book_words, dict(role.lexicon)) for name, role in casting.roles.items()}
    title = spoken_title(chapter.title)
    # The headings of the parts it opens are read before its own, outermost first (Part I. Book I. Chapter 1).
    parts = [spoken_title(name) for name, first in script.book.parts if first == chapter.index]
    heads = [part for part in parts if part.casefold() not in title.casefold()]
    title = ". ".join([*heads, title])
    lines = [SpokenLine(spoken_form(title, book_words), casting.narrator, "narrator", -1, title=True)]
    last_end = chapter.body_start
    for seg in script.segments:
        if seg.chapter != chapter.index or seg.end <= chapter.body_start:
            continue  # other chapters, and the heading, which the title line replaces
        who = seg.speaker if seg.kind == "dialogue" and seg.speaker in casting.roles else None
        text = spoken_form(speech_text(script.text[seg.start:seg.end]), words[who] if who else book_words)
        if not is_speakable(text):  # after normalizing, which drops [Illustration] markers and the like
            continue
        scene_break = bool(SCENE_BREAK.search(script.text, last_end, seg.start))
        last_end = seg.end
        voice = casting.roles[who].voice if who else None
        for i, piece in enumerate(clip_texts(text)):
            lines.append(SpokenLine(piece, voice or casting.narrator, who or "narrator", seg.paragraph, False,
                                    scene_break and i == 0, offset=seg.start))
    return lines


MAX_CLIP_CHARS = 1500  # a quoted letter can run to 14,000 characters: minutes of audio in one clip, in memory
_SENTENCE_END = re.compile(r"(?<=[.!?;:])[\"'\u201d\u2019)]*\s+")


def clip_texts(text: str) -> list[str]:
    """A long line cut at sentence ends into pieces of at most MAX_CLIP_CHARS (a longer sentence stays whole)."""
    if len(text) <= MAX_CLIP_CHARS:
        return [text]
    pieces: list[str] = []
    start = last = 0
    for match in _SENTENCE_END.finditer(text):
        if match.end() - start > MAX_CLIP_CHARS and last > start:
            pieces.append(text[start:last].strip())
            start = last
        last = match.end()
    if len(text) - start > MAX_CLIP_CHARS and start < last < len(text):
        pieces.append(text[start:last].strip())
        start = last
    pieces.append(text[start:].strip())
    return [p for p in pieces if p]
