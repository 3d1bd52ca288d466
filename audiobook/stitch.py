"""Stitch a chapter's clips, with pauses from the text's structure, level them to a preset, and encode once."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from .engine import Clip
from .errors import OutputError
from .loudness import Preset, Samples, room_tone, to_target


@dataclass(frozen=True)
class Pauses:
    """Milliseconds of silence by what separates two clips (eSpeak NG already ends each clip with a short pause)."""

    title: int = 1500  # after the chapter title
    paragraph: int = 650
    sentence: int = 250  # between two pieces of one paragraph after a full stop
    comma: int = 120  # after a comma-like break inside a sentence
    speaker_change: int = 150  # added whenever the voice changes
    scene_break: int = 2000  # at `* * *` and the like
    chapter_end: int = 1500


@dataclass(frozen=True)
class Line:
    """A clip placed in a chapter: where it stands in the text's structure decides the pause before it."""

    clip: Clip
    paragraph: int
    voice: str  # who speaks it; a change of voice adds a pause
    text_end: str  # the last character of the text, to tell a comma-like break from a full stop
    title: bool = False  # the chapter title read at the start
    gain_db: float = 0.0  # the voice's level match to the narrator
    scene_break: bool = False  # a scene break stands before it


@dataclass(frozen=True)
class Chapter:
    """A chapter's finished audio: 16-bit mono PCM and where each line starts and ends (seconds)."""

    pcm: bytes
    sample_rate: int
    spans: tuple[tuple[float, float], ...]

    @property
    def seconds(self) -> float:
        """Duration in seconds."""
        return len(self.pcm) / 2 / self.sample_rate


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


def pause_before(prev: Line, line: Line, pauses: Pauses) -> int:
    """Milliseconds of silence between two lines of a chapter."""
    if prev.title:
        return pauses.title
    if line.scene_break:
        pause = pauses.scene_break
    elif line.paragraph != prev.paragraph:
        pause = pauses.paragraph
    elif prev.text_end in ",;:\u2014\u2013-":
        pause = pauses.comma
    else:
        pause = pauses.sentence
    return pause + (pauses.speaker_change if line.voice != prev.voice else 0)


def stitch(lines: Sequence[Line], pauses: Pauses, preset: Preset, seed: int = 0) -> Chapter:
    """Join the lines with pauses, level them to the preset, and return 16-bit PCM, in time linear in length."""
    if not lines:
        raise OutputError("a chapter has no audio to stitch")
    rate = lines[0].clip.sample_rate
    parts: list[Samples] = [np.zeros(int(rate * preset.head_seconds))]
    spans = []
    at = len(parts[0])
    prev: Line | None = None
    for line in lines:
        if prev is not None:
            gap = rate * pause_before(prev, line, pauses) // 1000
            parts.append(np.zeros(gap))
            at += gap
        samples = np.frombuffer(_at_rate(line.clip, rate), dtype="<i2").astype(np.float64) / 32768
        if line.gain_db:
            samples = samples * 10 ** (line.gain_db / 20)
        parts.append(samples)
        spans.append((at / rate, (at + len(samples)) / rate))
        at += len(samples)
        prev = line
    parts.append(np.zeros(rate * max(pauses.chapter_end, int(preset.tail_seconds * 1000)) // 1000))
    # One concatenation instead of repeated `+`, which would copy the growing chapter for every clip.
    audio = to_target(np.concatenate(parts), rate, preset)
    if preset.room_tone_db is not None:
        audio = audio + room_tone(len(audio), preset.room_tone_db, seed)
    pcm = np.clip(np.round(audio * 32767), -32768, 32767).astype("<i2").tobytes()
    return Chapter(pcm, rate, tuple(spans))


def _at_rate(clip: Clip, rate: int) -> bytes:
    if clip.sample_rate == rate:
        return clip.pcm
    seg = audio_segment_class()(data=clip.pcm, sample_width=2, frame_rate=clip.sample_rate, channels=1)
    return bytes(seg.set_frame_rate(rate).raw_data)


def encoding_settings(preset: Preset, pauses: Pauses) -> list[object]:
    """Everything here that decides a chapter file's bytes, for fingerprints."""
    return [asdict(preset), asdict(pauses)]


def export_mp3(chapter: Chapter, path: Path, preset: Preset) -> None:
    """Encode mono MP3 at the preset's bitrate and rate to `path` (a temporary name; the caller renames it)."""
    audio = audio_segment_class()(data=chapter.pcm, sample_width=2, frame_rate=chapter.sample_rate, channels=1)
    params = ["-ac", "1", "-map_metadata", "-1", "-write_id3v1", "0", "-id3v2_version", "0",
              "-fflags", "+bitexact", "-flags:a", "+bitexact"]
    if preset.sample_rate:
        params += ["-ar", str(preset.sample_rate)]
    if preset.name == "acx-spec":
        params += ["-abr", "0"]  # constant bitrate, as ACX asks
    try:
        # No encoder or date tags: tagging writes the ID3 frames, and the bytes stay reproducible.
        handle = audio.export(str(path), format="mp3", bitrate=preset.bitrate, parameters=params)
        handle.close()
    except Exception as exc:  # pydub raises CouldntEncodeError, OSError, ...
        raise OutputError(f"{path}: MP3 encoding failed: {str(exc).strip().splitlines()[0][:200]}") from None
    if not path.exists() or path.stat().st_size == 0:
        raise OutputError(f"{path}: MP3 encoding wrote nothing")
