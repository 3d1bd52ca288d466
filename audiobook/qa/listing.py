"""Print a script's segments as JSON Lines for tools, or as a readable script for people."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from audiobook.script import Script


def segments_jsonl(script: Script) -> Iterator[str]:
    """One JSON object per segment: kind, start, end (code points into the file, end exclusive), speaker, chapter,
    paragraph, evidence and confidence (how likely the speaker is right, 0-1; null for narration and unattributed
    quotes)."""
    # Offsets point into the user's file as decoded, through any repair of its text (see Book.source_offset).
    where = script.book.source_offset
    for seg in script.segments:
        yield json.dumps(
            {"kind": seg.kind, "start": where(seg.start), "end": where(seg.end), "speaker": seg.speaker,
             "chapter": seg.chapter, "paragraph": seg.paragraph, "evidence": seg.evidence,
             "confidence": seg.confidence},
            ensure_ascii=False,
        )


def segments_text(script: Script) -> Iterator[str]:
    """The book as a script: chapter headings, narration indented, each quote behind its speaker's name."""
    chapter = 0
    paragraph = None
    for seg in script.segments:
        if seg.chapter != chapter:
            chapter = seg.chapter
            title = script.chapters[chapter - 1].title
            yield ("" if chapter == 1 else "\n") + f"## {chapter}. {title}"
        if seg.paragraph != paragraph and paragraph is not None:
            yield ""
        paragraph = seg.paragraph
        words = re.sub(r"\s+", " ", script.text[seg.start:seg.end]).strip()
        if seg.kind == "dialogue":
            yield f"[{seg.speaker or '?'}] {words}"
        else:
            yield f"    {words}"
