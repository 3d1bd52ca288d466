"""Stitch a chapter's clips, with pauses from the text's structure, and level them to a preset (chapter MP3s are
encoded from these parts in frames.py; the PCM of a one-file book comes out of `stitch` whole)."""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from audiobook.audio.loudness import MAX_PASSES, Limiter, Meter, Preset, Samples, predicted_gain
from audiobook.errors import OutputError
from audiobook.tts.espeak import Clip


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

    clip: Clip | Callable[[], Clip]  # the audio, or how to fetch it (from the cache), so a chapter need not fit
    paragraph: int
    voice: str  # who speaks it; a change of voice adds a pause
    text_end: str  # the last character of the text, to tell a comma-like break from a full stop
    title: bool = False  # the chapter title read at the start
    gain_db: float = 0.0  # the voice's level match to the narrator
    scene_break: bool = False  # a scene break stands before it
    key: str = ""  # the clip's cache key, which names its sound ("": the clip itself is hashed where needed)
    chars: int = 0  # characters of text it speaks

    def audio(self) -> Clip:
        """The clip itself."""
        return self.clip if isinstance(self.clip, Clip) else self.clip()


@dataclass(frozen=True)
class Chapter:
    """A finished chapter's length, sample rate, and where each line starts and ends (seconds)."""

    samples: int
    sample_rate: int
    spans: tuple[tuple[float, float], ...]
    pieces: int = 1  # encoded separately (see frames)
    pieces_encoded: int = 1  # of those, encoded now rather than taken from the cache

    @property
    def seconds(self) -> float:
        """Duration in seconds."""
        return self.samples / self.sample_rate


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


CHUNK = 1 << 18  # samples of silence generated at a time


class Sink(Protocol):
    """Where stitched PCM goes: a file, or an encoder's input."""

    def write(self, data: bytes, /) -> object:
        """Take the next bytes."""
        ...

    def close(self) -> None:
        """Finish: the output is complete."""
        ...

    def abort(self) -> None:
        """Give up this output (another attempt follows, or an error)."""
        ...


class PcmWriter:
    """Raw 16-bit PCM into a file (the chapters of a one-file book)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.handle = open(path, "wb")  # noqa: SIM115 - closed by close() or abort()

    def write(self, data: bytes) -> None:
        """Append PCM."""
        self.handle.write(data)

    def close(self) -> None:
        """Finish the file."""
        self.handle.close()

    def abort(self) -> None:
        """Drop the file."""
        self.handle.close()
        self.path.unlink(missing_ok=True)


TOLERANCE = 0.3  # LU (or dB RMS) off target that a chapter may land; presets allow 1


def stitch(lines: Sequence[Line], pauses: Pauses, preset: Preset, open_sink: Callable[[], Sink], seed: int = 0,
           rate: int = 22050) -> Chapter:
    """Join the lines with pauses, level them to the preset and write 16-bit PCM to a sink, a stretch at a time.

    The chapter is played through the clips twice (measure, then write while limiting), rarely more, rather than
    held in memory: memory stays flat however long the chapter.
    """
    if not lines:
        raise OutputError("a chapter has no audio to stitch")
    spans: list[tuple[float, float]] = []

    def timeline() -> Iterator[Samples]:
        at = 0
        record = not spans
        yield from silence(int(rate * preset.head_seconds))
        at += int(rate * preset.head_seconds)
        prev: Line | None = None
        for line in lines:
            if prev is not None:
                gap = rate * pause_before(prev, line, pauses) // 1000
                yield from silence(gap)
                at += gap
            pcm = np.frombuffer(pcm_at_rate(line.audio(), rate), dtype="<i2")
            if record:
                spans.append((at / rate, (at + len(pcm)) / rate))
            at += len(pcm)
            yield from clip_samples(pcm, line.gain_db)
            prev = line
        yield from silence(rate * max(pauses.chapter_end, int(preset.tail_seconds * 1000)) // 1000)

    def chunks() -> Iterator[Samples]:
        return aligned_chunks(timeline(), rate)

    target = preset.target
    measured_once = Meter(rate, peaks=True)
    for chunk in chunks():
        measured_once.feed(chunk)
    gain = predicted_gain(measured_once, preset)
    powers = measured_once.block_powers()
    tried: list[tuple[float, float]] = []  # (gain, level reached)
    for attempt in range(1, MAX_PASSES + 1):
        # Written as it is measured: the prediction is usually close enough, and only a miss is played again.
        sink = open_sink()
        try:
            played = play(chunks(), gain, preset, rate, seed, powers, sink.write)
            written, measured = played.count, played.lufs() if preset.lufs is not None else played.rms_db()
        except BaseException:
            sink.abort()
            raise
        error = target - measured
        if not math.isfinite(error) or abs(error) <= TOLERANCE or attempt == MAX_PASSES:
            sink.close()
            return Chapter(written, rate, tuple(spans))
        sink.abort()
        tried.append((gain, measured))
        gain = next_gain(tried, error)
    raise AssertionError("unreachable")


def next_gain(tried: list[tuple[float, float]], error: float) -> float:
    """The gain (dB) to try after those tried, as (gain, level reached), the last missing the target by `error`."""
    gain = tried[-1][0]
    # Under heavy limiting the level grows much slower than the gain: follow the slope seen so far.
    slope = 1.0
    if len(tried) > 1 and tried[-1][0] != tried[-2][0]:
        slope = (tried[-1][1] - tried[-2][1]) / (tried[-1][0] - tried[-2][0])
        if error > 0 and slope < 0.05:
            return tried[-2][0]  # saturated at the ceiling: more gain only distorts; keep the smaller one
        slope = max(0.1, min(1.0, slope))
    return gain + max(-6.0, min(6.0, error / slope if error > 0 else error))


def play(chunks: Iterable[Samples], gain: float, preset: Preset, rate: int, seed: int, powers: Samples,
         write: Callable[[bytes], object]) -> Meter:
    """Apply the gain and the limiter, add room tone, and write 16-bit PCM; the meter has measured the result.

    `powers` are the unlimited signal's block powers: only what the limiter changed is measured again.
    """
    scale = 10 ** (gain / 20)
    limiter = Limiter(preset.peak_db, rate, preset.bright_ceiling_db)
    meter = Meter(rate, replay=(powers, gain))
    noise = np.random.default_rng(seed) if preset.room_tone_db is not None else None

    def put(x: Samples) -> None:
        meter.feed(x, limiter.changed)
        if noise is not None and preset.room_tone_db is not None:
            x = x + noise.standard_normal(len(x)) * 10 ** (preset.room_tone_db / 20)
        write(np.clip(np.round(x * 32767), -32768, 32767).astype("<i2").tobytes())

    for chunk in chunks:
        put(limiter.feed(chunk * scale))
    put(limiter.flush())
    return meter


def aligned_chunks(stream: Iterable[Samples], rate: int) -> Iterator[Samples]:
    """Re-cut a stream of samples into chunks of whole 100 ms loudness blocks and 5 ms limiter blocks (but the last)."""
    size = rate // 10 * (rate // 200) // math.gcd(rate // 10, rate // 200) * 4
    pending: list[Samples] = []
    have = 0
    for piece in stream:
        pending.append(piece)
        have += len(piece)
        if have >= size:
            joined = np.concatenate(pending)
            whole = len(joined) // size * size
            yield from (joined[i:i + size] for i in range(0, whole, size))
            pending, have = [joined[whole:]], len(joined) - whole
    if have:
        yield np.concatenate(pending)


def clip_samples(pcm: npt.NDArray[np.int16], gain_db: float) -> Iterator[Samples]:
    """A clip's samples as floats with its voice gain, a stretch at a time.

    A quoted letter can make a clip of many minutes, eight bytes a sample as floats.
    """
    for i in range(0, len(pcm), CHUNK):
        samples = pcm[i:i + CHUNK].astype(np.float64) / 32768
        if gain_db:
            samples *= 10 ** (gain_db / 20)
        yield samples


def silence(n: int) -> Iterator[Samples]:
    """n samples of digital silence, a stretch at a time."""
    while n > 0:
        yield np.zeros(min(n, CHUNK))
        n -= CHUNK


def pcm_at_rate(clip: Clip, rate: int) -> bytes:
    """The clip's 16-bit PCM at the given sample rate."""
    if clip.sample_rate == rate:
        return clip.pcm
    seg = audio_segment_class()(data=clip.pcm, sample_width=2, frame_rate=clip.sample_rate, channels=1)
    return bytes(seg.set_frame_rate(rate).raw_data)


def encoding_settings(preset: Preset, pauses: Pauses) -> list[object]:
    """Everything here that decides a chapter file's bytes, for fingerprints."""
    return [asdict(preset), asdict(pauses)]
