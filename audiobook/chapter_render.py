"""Turn one chapter's lines into its finished file: reuse or synthesize clips, stitch, level, encode, tag."""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

from audiobook.audio.loudness import Preset, true_peak
from audiobook.audio.mp3 import encode_chapter
from audiobook.audio.stitch import Chapter as Stitched
from audiobook.audio.stitch import Line, Pauses, PcmWriter, stitch
from audiobook.errors import EngineError, OutputError
from audiobook.layout import write_timings
from audiobook.model import Chapter, Cue, SpokenLine, Voice
from audiobook.package.containers import write_subtitles
from audiobook.package.tags import BookTags, ChapterTags, tag_mp3
from audiobook.tts.cache import ClipCache
from audiobook.tts.espeak import Clip, Engine


class EngineFactory(Protocol):
    """Makes an engine (in each worker process) and names what changes its sound."""

    def __call__(self) -> Engine: ...

    def identity(self, voice: Voice) -> str: ...


@dataclass(frozen=True)
class ChapterFile:
    """One rendered chapter."""

    index: int
    title: str
    path: Path
    seconds: float
    clips: int
    synthesized: int  # clips the engine spoke; the rest came from the cache
    encoded: bool  # False when the file on disk was already this chapter
    fingerprint: str = ""
    sample_rate: int = 22050  # of the PCM the chapter was stitched at
    pieces: int = 0  # MP3 pieces the chapter is made of (see frames)
    pieces_encoded: int = 0  # of those, encoded now; the rest were cached


@dataclass(frozen=True)
class ChapterJob:
    """All a worker needs to render one chapter file."""

    chapter: Chapter
    lines: tuple[SpokenLine, ...]
    keys: tuple[str, ...]  # each line's clip cache key
    tmp_path: Path
    final_path: Path
    tags: ChapterTags
    book: BookTags
    fingerprint: str
    engine: EngineFactory
    cache_root: Path
    preset: Preset
    pauses: Pauses
    pcm: bool = False  # write the levelled PCM (for a one-file book) instead of a tagged MP3
    subtitles: str | None = None  # "srt" or "vtt" next to the chapter file
    timings_path: Path | None = None  # where each line's place in the audio is recorded (JSON)
    verify_peak: bool = False  # measure the MP3's true peak and encode again, lower, if it is over the preset's


CLIP_TIMEOUT = float(os.environ.get("AUDIOBOOK_CLIP_TIMEOUT", "60"))  # seconds, plus a little per character
_engines: dict[Any, Engine] = {}


def _engine(factory: EngineFactory) -> Engine:
    """One engine per process, started only when a clip is not in the cache."""
    if factory not in _engines:
        _engines[factory] = factory()
    return _engines[factory]


def render_chapter(job: ChapterJob, tick: Callable[[int], None]) -> ChapterFile:
    """Synthesize or reuse clips, stitch, encode and tag one chapter; the file appears only when complete."""
    chapter = job.chapter
    cache = ClipCache(job.cache_root)
    synthesized = 0
    rate = 0
    try:
        lines = []
        for item, key in zip(job.lines, job.keys, strict=True):
            clip = cache.get(key)                                           # cache -> Clip
            if clip is None:
                try:
                    with _deadline(CLIP_TIMEOUT + len(item.text) / 20, item.text):
                        clip = _engine(job.engine).synthesize(item.text, item.voice)  # text -> Clip
                    if not clip.pcm:
                        raise EngineError(f"the engine returned no audio for {item.text[:40]!r}")
                except EngineError as exc:
                    raise EngineError(f"chapter {chapter.index} ({chapter.title}): {exc}") from None
                cache.put(key, clip)
                synthesized += 1
            rate = max(rate, clip.sample_rate)
            # The clip is fetched again from the cache when stitched, so the chapter is never in memory whole.
            lines.append(Line(_loader(cache, key), item.paragraph, item.who, item.text[-1:], item.title,
                              item.gain_db, item.scene_break, key, len(item.text)))
            tick(1)
        if job.pcm:                                                         # PCM, for one M4B/MP3
            audio = stitch(lines, job.pauses, job.preset, lambda: PcmWriter(job.tmp_path), chapter.index, rate)
            seconds = audio.seconds
        else:                                                               # Clips -> levelled PCM -> MP3
            audio = _stitch_mp3(job, lines, rate, cache)
            seconds = tag_mp3(job.tmp_path, job.tags, job.book)             # MP3 -> tagged MP3
        cues = [Cue(round(a, 3), round(b, 3), item.who, item.text, item.offset)
                for (a, b), item in zip(audio.spans, job.lines, strict=True)]
        if job.timings_path:
            write_timings(job.timings_path, cues)
        if job.subtitles:
            write_subtitles(job.final_path.with_suffix(f".{job.subtitles}"), cues, job.subtitles)
        try:
            os.replace(job.tmp_path, job.final_path)                        # publish atomically
        except OSError as exc:
            raise OutputError(f"{job.final_path}: cannot write ({exc.strerror or exc})") from None
    except OSError as exc:
        job.tmp_path.unlink(missing_ok=True)
        raise OutputError(f"{job.final_path}: cannot write ({exc.strerror or exc})") from None
    except BaseException:  # an error or Ctrl-C: never leave a half-written file behind
        job.tmp_path.unlink(missing_ok=True)
        raise
    return ChapterFile(chapter.index, job.tags.title, job.final_path, seconds, len(lines), synthesized, True,
                       job.fingerprint, audio.sample_rate, audio.pieces, audio.pieces_encoded)


PEAK_TRIES = 4
PEAK_MARGIN_DB = 0.3  # aimed under the limit, so that a second encode does not land just over it again


def _stitch_mp3(job: ChapterJob, lines: list[Line], rate: int, cache: ClipCache) -> Stitched:
    """Stitch, level and encode; where asked, check the true peak after the encode and lower the ceilings to fit.

    The presets' sample-peak ceilings leave room for what the MP3 encode adds, measured on eSpeak NG's sound; other
    engines' sound (Piper's) can overshoot more, so their chapters are measured after the encode.
    """
    preset = job.preset
    for attempt in range(1, PEAK_TRIES + 1):
        audio = encode_chapter(lines, job.pauses, preset, rate, cache, job.tmp_path, str(job.final_path))
        if not job.verify_peak or attempt == PEAK_TRIES:
            break
        excess = true_peak(job.tmp_path) - job.preset.true_peak_db
        if excess <= 0:
            break
        lower = excess + PEAK_MARGIN_DB
        preset = replace(preset, peak_db=preset.peak_db - lower, bright_peak_db=preset.bright_ceiling_db - lower)
    return audio


def _loader(cache: ClipCache, key: str) -> Callable[[], Clip]:
    def load() -> Clip:
        clip = cache.get(key)
        if clip is None:
            raise OutputError(f"{cache.root}: a clip disappeared from the cache during the render; render again")
        return clip

    return load


@contextlib.contextmanager
def _deadline(seconds: float, text: str) -> Iterator[None]:
    """Turn an engine that hangs into an EngineError (in the main thread, where signals arrive)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(_signum: int, _frame: object) -> None:
        raise EngineError(f"the engine did not answer within {seconds:.0f} s for {text[:40]!r}")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


