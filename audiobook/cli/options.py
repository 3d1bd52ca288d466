"""What the commands share: the FILE argument, the options several commands take, and the choices of an option.

A choice is a `StrEnum` (the one list of allowed values, shown in `--help` as `[a|b]`), but the option itself
is typed `str` and checked with `check_choice`: typer's own error for a bad Enum value is a usage box with
exit status 2, while this tool's contract is one `Error: --format 'xml' is not allowed; use jsonl or text`
line with exit status 1.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from audiobook.errors import AudiobookError

if TYPE_CHECKING:
    from audiobook.read.book import ReadOptions


class Format(StrEnum):
    """`render --format`: the audio files written."""

    MP3 = "mp3"
    M4B = "m4b"


class Preset(StrEnum):
    """`render --preset`, `check --preset`: the presets of audiobook.audio.loudness.PRESETS."""

    DEFAULT = "default"
    ACX_SPEC = "acx-spec"
    EBU_R128 = "ebu-r128"


class Subtitles(StrEnum):
    """`render --subtitles`: the subtitle format."""

    SRT = "srt"
    VTT = "vtt"


class ChapterSource(StrEnum):
    """`--chapters-from`: audiobook.read.book.CHAPTER_SOURCES; the library checks the value."""

    TOC = "toc"
    HEADINGS = "headings"
    SPINE = "spine"


class SegmentFormat(StrEnum):
    """`segment --format`."""

    JSONL = "jsonl"
    TEXT = "text"


class ReportFormat(StrEnum):
    """`report --format`."""

    TEXT = "text"
    JSON = "json"


def metavar(choices: type[StrEnum]) -> str:
    """`[mp3|m4b]`: how `--help` shows an option's choices."""
    return "[" + "|".join(choices) + "]"


def check_choice(flag: str, value: str | None, choices: type[StrEnum]) -> None:
    """Raise `--format 'xml' is not allowed; use jsonl or text` for a value outside `choices`; None is allowed."""
    allowed = [c.value for c in choices]
    if value is not None and value not in allowed:
        listed = " or ".join(allowed) if len(allowed) == 2 else "one of " + ", ".join(allowed)
        raise AudiobookError(f"{flag} {value!r} is not allowed; use {listed}")


def reading(chapters_from: str | None, include_front_matter: bool) -> ReadOptions:
    """The ReadOptions of `--chapters-from` and `--include-front-matter`."""
    from audiobook.read.book import ReadOptions

    return ReadOptions(chapters_from, include_front_matter)


BookArgument = Annotated[Path, typer.Argument(
    metavar="FILE", show_default=False,
    help="The book: a text file in any common encoding (UTF-8, UTF-16, Windows-1252, ...), a Project Gutenberg "
         "text, a Markdown file or an EPUB 2 or 3 without DRM.")]
VoicesOption = Annotated[Path | None, typer.Option(
    "--voices", "-v", metavar="FILE", show_default=False,
    help="voices.yaml: the narrator, the characters and their voices.")]
TitleOption = Annotated[str | None, typer.Option(
    metavar="TEXT", show_default=False,
    help="Book title (default: the book's own title from its header or metadata, else the file name made "
         "readable).")]
CacheOption = Annotated[Path | None, typer.Option(
    "--cache-dir", metavar="DIR", show_default=False,
    help="Clip cache folder (default: $AUDIOBOOK_CACHE or ~/.cache/audiobook).")]
ChaptersFromOption = Annotated[str | None, typer.Option(
    "--chapters-from", metavar=metavar(ChapterSource), show_default=False,
    help="Where chapters come from: toc (the book's table of contents), headings (headings found by their form) "
         "or spine (EPUB: a chapter per document); default: the best the book offers.")]
FrontMatterOption = Annotated[bool, typer.Option(
    "--include-front-matter", show_default=False,
    help="Also read the front matter: title page, lists of illustrations, an editor's or translator's preface.")]
