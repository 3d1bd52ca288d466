"""Stitch a chapter's clips, with pauses from the text's structure, into one MP3 file."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from .engine import Clip
from .errors import OutputError

# Milliseconds of silence, by what separates two clips (eSpeak NG already ends each clip with a short pause).
PAUSE_AFTER_TITLE = 1500
PAUSE_PARAGRAPH = 650
PAUSE_SENTENCE = 250
PAUSE_COMMA = 120
PAUSE_VOICE_CHANGE = 150
PAUSE_CHAPTER_END = 1500
BITRATE = "64k"


@dataclass(frozen=True)
class Line:
    """A clip placed in a chapter: where it stands in the text's structure decides the pause before it."""

    clip: Clip
    paragraph: int
    voice: str  # who speaks it; a change of voice adds a pause
    text_end: str  # the last character of the text, to tell a comma-like break from a full stop
    title: bool = False  # the chapter title read at the start


@cache
def audio_segment_class() -> Any:
    """pydub's AudioSegment, pointed at the ffmpeg that imageio-ffmpeg installs."""
    import imageio_ffmpeg

    with warnings.catch_warnings():
        # pydub warns at import that no ffmpeg is on PATH; we give it one right after.
        warnings.simplefilter("ignore", RuntimeWarning)
        warnings.simplefilter("ignore", DeprecationWarning)  # audioop, which pydub needs, is deprecated in 3.11+
        from pydub import AudioSegment
    AudioSegment.converter = imageio_ffmpeg.get_ffmpeg_exe()
    return AudioSegment


def pause_settings() -> list[int]:
    """The pause lengths, for fingerprints: changing one re-encodes the chapters."""
    return [PAUSE_AFTER_TITLE, PAUSE_PARAGRAPH, PAUSE_SENTENCE, PAUSE_COMMA, PAUSE_VOICE_CHANGE, PAUSE_CHAPTER_END]


def pause_before(prev: Line, line: Line) -> int:
    """Milliseconds of silence between two lines of a chapter."""
    if prev.title:
        return PAUSE_AFTER_TITLE
    if line.paragraph != prev.paragraph:
        pause = PAUSE_PARAGRAPH
    elif prev.text_end in ",;:\u2014\u2013-":
        pause = PAUSE_COMMA
    else:
        pause = PAUSE_SENTENCE
    return pause + (PAUSE_VOICE_CHANGE if line.voice != prev.voice else 0)


def stitch(lines: Sequence[Line]) -> Any:
    """Join the lines with pauses into one pydub AudioSegment, in time linear in the audio's length."""
    if not lines:
        raise OutputError("a chapter has no audio to stitch")
    AudioSegment = audio_segment_class()
    rate = lines[0].clip.sample_rate
    parts: list[bytes] = []
    prev: Line | None = None
    for line in lines:
        if prev is not None:
            parts.append(_silence(pause_before(prev, line), rate))
        pcm = line.clip.pcm
        if line.clip.sample_rate != rate:
            seg = AudioSegment(data=pcm, sample_width=2, frame_rate=line.clip.sample_rate, channels=1)
            pcm = seg.set_frame_rate(rate).raw_data
        parts.append(pcm)
        prev = line
    parts.append(_silence(PAUSE_CHAPTER_END, rate))
    # One join instead of repeated `+`, which would copy the growing chapter for every clip.
    return AudioSegment(data=b"".join(parts), sample_width=2, frame_rate=rate, channels=1)


def export_mp3(audio: Any, path: Path) -> None:
    """Encode mono MP3 at the engine's sample rate to `path` (a temporary name; the caller renames it)."""
    try:
        handle = audio.export(
            str(path), format="mp3", bitrate=BITRATE,
            # No encoder or date tags: tagging writes the ID3 frames, and the bytes stay reproducible.
            parameters=["-ac", "1", "-map_metadata", "-1", "-write_id3v1", "0", "-id3v2_version", "0",
                        "-fflags", "+bitexact", "-flags:a", "+bitexact"],
        )
        handle.close()
    except Exception as exc:  # pydub raises CouldntEncodeError, OSError, ...
        raise OutputError(f"{path}: MP3 encoding failed: {str(exc).strip().splitlines()[0][:200]}") from None
    if not path.exists() or path.stat().st_size == 0:
        raise OutputError(f"{path}: MP3 encoding wrote nothing")


def _silence(ms: int, rate: int) -> bytes:
    return b"\x00\x00" * (rate * ms // 1000)
