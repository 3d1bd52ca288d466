"""`audiobook segment`: who says what, as JSON Lines or as a script."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from audiobook.cli.options import (
    BookArgument,
    ChaptersFromOption,
    FrontMatterOption,
    SegmentFormat,
    TitleOption,
    VoicesOption,
    check_choice,
    metavar,
    reading,
)
from audiobook.cli.shared import errors, warn

FormatOption = Annotated[str, typer.Option(
    "--format", "-f", metavar=metavar(SegmentFormat), help="jsonl (one object per segment) or text (a script).")]


def segment(
    file: BookArgument,
    voices: VoicesOption = None,
    fmt: FormatOption = SegmentFormat.JSONL.value,
    title: TitleOption = None,
    chapters_from: ChaptersFromOption = None,
    include_front_matter: FrontMatterOption = False,
) -> None:
    """Print who says what: each segment's kind, offsets, speaker and chapter.

    jsonl: one object per segment, {"kind": "dialogue" or "narration", "start", "end", "speaker", "chapter",
    "paragraph", "evidence", "confidence"}, offsets in code points into the file's text (end exclusive); confidence
    is how likely the speaker is right (0-1, null without one). text: the book as a script to review.
    """
    from audiobook.pipeline import plan_book
    from audiobook.qa.listing import segments_jsonl, segments_text

    with errors():
        check_choice("--format", fmt, SegmentFormat)
        script = plan_book(file, voices, title, reading(chapters_from, include_front_matter))
        warn(script.warnings)
    lines = segments_jsonl(script) if fmt == SegmentFormat.JSONL else segments_text(script)
    out = sys.stdout
    for line in lines:
        out.write(line + "\n")
