"""The pipeline: read, split, segment, attribute, cast, synthesize, stitch, tag; one block shows it all."""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import astuple, dataclass
from pathlib import Path
from typing import Any, Protocol

from .attribute import attribute
from .cache import DEFAULT_MAX_BYTES, ClipCache, clip_key, default_cache_dir
from .casting import cast_voices, load_casting
from .chapters import split_chapters, spoken_title
from .engine import Engine, EspeakEngine, is_speakable, speech_text
from .errors import EngineError, OutputError
from .fixes import apply_fixes
from .gender import guess_genders
from .model import Casting, Chapter, Segment, Voice
from .output import is_current, locked_folder, read_manifest, remove_stale, write_manifest
from .segment import segment
from .source import read_text, readable_title
from .stitch import BITRATE, Line, export_mp3, pause_settings, stitch
from .tagging import ChapterTags, tag_mp3
from .workers import run_parallel


class EngineFactory(Protocol):
    """Makes an engine (in each worker process) and names what changes its sound."""

    def __call__(self) -> Engine: ...

    def identity(self) -> str: ...


FORMAT = 1  # bump when the way chapter files are made changes, so that old ones are re-encoded
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
    warnings: tuple[str, ...] = ()  # fixes that no longer match the text


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


@dataclass(frozen=True)
class RenderResult:
    """What a render wrote."""

    folder: Path
    files: tuple[ChapterFile, ...]
    wall_seconds: float

    @property
    def clips_synthesized(self) -> int:
        """Clips the engine spoke in this render."""
        return sum(f.synthesized for f in self.files)

    @property
    def clips_reused(self) -> int:
        """Clips taken from the cache or from unchanged chapter files."""
        return sum(f.clips - f.synthesized for f in self.files)

    @property
    def chapters_encoded(self) -> int:
        """Chapter files written in this render; the others were already up to date."""
        return sum(f.encoded for f in self.files)


def plan_book(source: Path, voices: Path | None = None, title: str | None = None) -> Script:
    """Read a book and decide who says what in which voice, without synthesizing anything."""
    text = read_text(source)                                          # file -> text
    book_title = title or readable_title(source)
    casting = load_casting(voices)                                    # voices.yaml -> Casting
    chapters = split_chapters(text, book_title)                       # text -> Chapters
    segments = segment(text, chapters)                                # Chapters -> Segments
    segments = attribute(text, segments, casting.characters)          # Segments -> speakers
    segments, stale = apply_fixes(text, segments, casting)            # the user's fixes:
    speakers = speaker_lines(segments)
    genders = guess_genders(text, [name for name, _ in speakers])     # speakers -> genders
    casting = cast_voices(casting, speakers, genders)                 # speakers -> Voices
    return Script(source, book_title, text, tuple(chapters), tuple(segments), casting, tuple(stale))


def render_book(script: Script, out_dir: Path, author: str = "Unknown", jobs: int | None = None,
                engine: EngineFactory | None = None, progress: Progress | None = None,
                cache_dir: Path | None = None, cache_max_bytes: int = DEFAULT_MAX_BYTES) -> RenderResult:
    """Speak every chapter of the script into a tagged MP3 under out_dir/<book title>/, reusing what is done."""
    started = time.perf_counter()
    factory: EngineFactory = engine or EspeakEngine
    identity = factory.identity()
    cache_root = cache_dir or default_cache_dir()
    folder = out_dir / safe_filename(script.title)
    width = max(2, len(str(len(script.chapters))))
    notify = progress or (lambda _kind, _n: None)
    jobs_list = []
    for chapter in script.chapters:
        lines = tuple(chapter_lines(script, chapter))
        tags = ChapterTags(chapter.title, script.title, author, chapter.index, len(script.chapters),
                           script.casting.narrator_name)
        keys = tuple(clip_key(identity, line.voice, line.text) for line in lines)
        jobs_list.append(ChapterJob(
            chapter=chapter, lines=lines, keys=keys,
            tmp_path=folder / f".{chapter.index:0{width}d}.part-{os.getpid()}.mp3",
            final_path=folder / f"{chapter.index:0{width}d} - {safe_filename(chapter.title)}.mp3",
            tags=tags, fingerprint=_fingerprint(identity, lines, keys, tags), engine=factory, cache_root=cache_root,
        ))
    files: list[ChapterFile] = []
    with locked_folder(folder):
        manifest = read_manifest(folder)
        todo = []
        for job in jobs_list:
            name = job.final_path.name
            if is_current(folder, name, job.fingerprint, manifest):
                files.append(ChapterFile(job.chapter.index, job.chapter.title, job.final_path,
                                         float(manifest[name].get("seconds", 0.0)), len(job.lines), 0, False))
                notify("clips", len(job.lines))
                notify("chapter", 1)
            else:
                todo.append(job)

        def finished(done: ChapterFile) -> None:
            # Record each chapter as it lands, so a killed render resumes after it.
            files.append(done)
            manifest[done.path.name] = {"fingerprint": done.fingerprint, "size": done.path.stat().st_size,
                                        "seconds": round(done.seconds, 3)}
            write_manifest(folder, manifest)
            notify("chapter", 1)

        # The longest chapters first, so that no worker is left with a long one at the end.
        todo.sort(key=lambda j: -sum(len(line.text) for line in j.lines))
        workers = max(1, min(jobs or os.cpu_count() or 1, len(todo)))
        run_parallel(render_chapter, todo, workers, finished, lambda n: notify("clips", n))
        keep = {job.final_path.name for job in jobs_list}
        for name in set(manifest) - keep:
            del manifest[name]
        write_manifest(folder, manifest)
        remove_stale(folder, keep)
    ClipCache(cache_root).prune(cache_max_bytes)
    files.sort(key=lambda f: f.index)
    return RenderResult(folder, tuple(files), time.perf_counter() - started)


def _fingerprint(identity: str, lines: Sequence[SpokenLine], keys: Sequence[str], tags: ChapterTags) -> str:
    """Everything that decides a chapter file's bytes: when it is unchanged, the file is not rewritten."""
    clips = [[key, line.paragraph, line.who, line.text[-1:], line.title] for key, line in zip(keys, lines, strict=True)]
    parts = [FORMAT, identity, BITRATE, pause_settings(), list(astuple(tags)), clips]
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode("utf-8")).hexdigest()


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
    keys: tuple[str, ...]  # each line's clip cache key
    tmp_path: Path
    final_path: Path
    tags: ChapterTags
    fingerprint: str
    engine: EngineFactory
    cache_root: Path


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
    try:
        lines = []
        for item, key in zip(job.lines, job.keys, strict=True):
            clip = cache.get(key)                                           # cache -> Clip
            if clip is None:
                try:
                    clip = _engine(job.engine).synthesize(item.text, item.voice)  # text -> Clip
                except EngineError as exc:
                    raise EngineError(f"chapter {chapter.index} ({chapter.title}): {exc}") from None
                cache.put(key, clip)
                synthesized += 1
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
    return ChapterFile(chapter.index, chapter.title, job.final_path, seconds, len(lines), synthesized, True,
                       job.fingerprint)
