"""The pipeline: read, split, segment, attribute, cast, synthesize, stitch, tag; one block shows it all."""

from __future__ import annotations

import contextlib
import os
import re
import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from .attribute import attribute
from .casting import cast_voices, load_casting
from .chapters import split_chapters, spoken_title
from .engine import Engine, EspeakEngine, is_speakable, speech_text
from .errors import EngineError, OutputError
from .gender import guess_genders
from .model import Casting, Chapter, Segment, Voice
from .segment import segment
from .source import read_text, readable_title
from .stitch import Line, export_mp3, stitch
from .tagging import ChapterTags, tag_mp3

EngineFactory = Callable[[], Engine]
Progress = Callable[[str, int], None]  # ("clips", n) as clips are spoken, ("chapter", 1) as files land


@dataclass(frozen=True)
class Script:
    """A book read, split and attributed, with a voice for every part: what `segment` prints, `render` speaks."""

    source: Path
    title: str
    text: str
    chapters: tuple[Chapter, ...]
    segments: tuple[Segment, ...]
    casting: Casting


@dataclass(frozen=True)
class ChapterFile:
    """One rendered chapter."""

    index: int
    title: str
    path: Path
    seconds: float
    clips: int


@dataclass(frozen=True)
class RenderResult:
    """What a render wrote."""

    folder: Path
    files: tuple[ChapterFile, ...]
    wall_seconds: float


def plan_book(source: Path, voices: Path | None = None, title: str | None = None) -> Script:
    """Read a book and decide who says what in which voice, without synthesizing anything."""
    text = read_text(source)                                          # file -> text
    book_title = title or readable_title(source)
    casting = load_casting(voices)                                    # voices.yaml -> Casting
    chapters = split_chapters(text, book_title)                       # text -> Chapters
    segments = segment(text, chapters)                                # Chapters -> Segments
    segments = attribute(text, segments, casting.characters)          # Segments -> speakers
    speakers = speaker_lines(segments)
    genders = guess_genders(text, [name for name, _ in speakers])     # speakers -> genders
    casting = cast_voices(casting, speakers, genders)                 # speakers -> Voices
    return Script(source, book_title, text, tuple(chapters), tuple(segments), casting)


def render_book(script: Script, out_dir: Path, author: str = "Unknown", jobs: int | None = None,
                engine: EngineFactory | None = None, progress: Progress | None = None) -> RenderResult:
    """Speak every chapter of the script into a tagged MP3 under out_dir/<book title>/."""
    started = time.perf_counter()
    folder = out_dir / safe_filename(script.title)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{folder}: cannot create the output folder ({exc.strerror or exc})") from None
    width = max(2, len(str(len(script.chapters))))
    jobs_list = [
        ChapterJob(
            chapter=chapter,
            lines=tuple(chapter_lines(script, chapter)),
            tmp_path=folder / f".{chapter.index:0{width}d}.part-{os.getpid()}.mp3",
            final_path=folder / f"{chapter.index:0{width}d} - {safe_filename(chapter.title)}.mp3",
            tags=ChapterTags(chapter.title, script.title, author, chapter.index, len(script.chapters),
                             script.casting.narrator_name),
        )
        for chapter in script.chapters
    ]
    workers = max(1, min(jobs or os.cpu_count() or 1, len(jobs_list)))
    files = _run_jobs(jobs_list, workers, engine or EspeakEngine, progress)
    _remove_stale(folder, {f.path for f in files})
    return RenderResult(folder, tuple(sorted(files, key=lambda f: f.index)), time.perf_counter() - started)


@dataclass(frozen=True)
class SpokenLine:
    """One thing to say in a chapter: text, voice, and where it stands for the pauses."""

    text: str
    voice: Voice
    who: str
    paragraph: int
    title: bool = False


@dataclass(frozen=True)
class ChapterJob:
    """All a worker needs to render one chapter file."""

    chapter: Chapter
    lines: tuple[SpokenLine, ...]
    tmp_path: Path
    final_path: Path
    tags: ChapterTags


def chapter_lines(script: Script, chapter: Chapter) -> list[SpokenLine]:
    """The chapter's title, then each segment with something to say, in the voice of who says it."""
    casting = script.casting
    lines = [SpokenLine(spoken_title(chapter.title), casting.narrator, "narrator", -1, title=True)]
    for seg in script.segments:
        if seg.chapter != chapter.index or seg.end <= chapter.body_start:
            continue  # other chapters, and the heading, which the title line replaces
        text = speech_text(script.text[seg.start:seg.end])
        if not is_speakable(text):
            continue
        who = seg.speaker if seg.kind == "dialogue" and seg.speaker in casting.roles else None
        voice = casting.roles[who].voice if who else None
        lines.append(SpokenLine(text, voice or casting.narrator, who or "narrator", seg.paragraph))
    return lines


def speaker_lines(segments: Sequence[Segment]) -> list[tuple[str, int]]:
    """Each speaker with the number of dialogue segments attributed to them, most first."""
    counts = Counter(s.speaker for s in segments if s.kind == "dialogue" and s.speaker)
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def safe_filename(name: str) -> str:
    """A file name from a title: no path separators, control or reserved characters, at most 100 characters."""
    name = re.sub(r"\s*:\s*", " - ", name)
    name = re.sub(r'[\x00-\x1f\x7f/\\*?"<>|]+', "_", name)
    name = re.sub(r"\s+", " ", name).strip(" ._")
    return name[:100].rstrip(" ._") or "Untitled"


def _run_jobs(jobs: list[ChapterJob], workers: int, engine: EngineFactory,
              progress: Progress | None) -> list[ChapterFile]:
    notify = progress or (lambda _kind, _n: None)
    if workers == 1:
        speaker = engine()
        out = []
        for job in jobs:
            out.append(render_chapter(job, speaker, lambda n: notify("clips", n)))
            notify("chapter", 1)
        return out
    # pyttsx3 keeps global state in the process: one engine per worker process, started fresh by spawn.
    ctx = get_context("spawn")
    with ctx.Manager() as manager:
        ticks: Any = manager.Queue()
        with ProcessPoolExecutor(workers, mp_context=ctx) as pool:
            futures = [pool.submit(_worker_render, job, engine, ticks) for job in jobs]
            out = []
            pending = set(futures)
            try:
                while pending:
                    done, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
                    _drain(ticks, notify)
                    for fut in done:
                        out.append(fut.result())
                        notify("chapter", 1)
            except BaseException:
                for fut in futures:
                    fut.cancel()
                for job in jobs:
                    job.tmp_path.unlink(missing_ok=True)
                raise
            _drain(ticks, notify)
    return out


def _drain(ticks: Any, notify: Callable[[str, int], None]) -> None:
    n = 0
    with contextlib.suppress(Exception):
        while True:
            n += ticks.get_nowait()
    if n:
        notify("clips", n)


_worker_engine: Engine | None = None


def _worker_render(job: ChapterJob, engine: EngineFactory, ticks: Any) -> ChapterFile:
    global _worker_engine
    if _worker_engine is None:
        _worker_engine = engine()
    return render_chapter(job, _worker_engine, ticks.put)


def render_chapter(job: ChapterJob, speaker: Engine, tick: Callable[[int], None]) -> ChapterFile:
    """Synthesize, stitch, encode and tag one chapter; the file appears at its final path only when complete."""
    chapter = job.chapter
    try:
        lines = []
        for item in job.lines:
            try:
                clip = speaker.synthesize(item.text, item.voice)            # text -> Clip
            except EngineError as exc:
                raise EngineError(f"chapter {chapter.index} ({chapter.title}): {exc}") from None
            lines.append(Line(clip, item.paragraph, item.who, item.text[-1:], item.title))
            tick(1)
        audio = stitch(lines)                                               # Clips -> chapter audio
        export_mp3(audio, job.tmp_path)                                     # audio -> MP3
        seconds = tag_mp3(job.tmp_path, job.tags)                           # MP3 -> tagged MP3
        try:
            os.replace(job.tmp_path, job.final_path)                        # publish atomically
        except OSError as exc:
            raise OutputError(f"{job.final_path}: cannot write ({exc.strerror or exc})") from None
    except BaseException:  # an error or Ctrl-C: never leave a half-written file behind
        job.tmp_path.unlink(missing_ok=True)
        raise
    return ChapterFile(chapter.index, chapter.title, job.final_path, seconds, len(lines))


def _remove_stale(folder: Path, keep: set[Path]) -> None:
    """Drop chapter files an earlier render left that this one did not write (the book's chapters changed)."""
    for path in folder.glob("*.mp3"):
        if path not in keep and re.match(r"^\d{2,} - .+\.mp3$", path.name):
            path.unlink(missing_ok=True)
