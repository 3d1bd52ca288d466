"""The pipeline: the stages a book goes through, in order (STAGES), and the two functions that run them."""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import astuple, dataclass, replace
from pathlib import Path
from typing import Any

from audiobook.audio.loudness import PRESETS, Preset
from audiobook.audio.stitch import Pauses, encoding_settings
from audiobook.cast.autovoice import cast_voices
from audiobook.cast.casting import load_casting
from audiobook.chapter_render import ChapterFile, ChapterJob, EngineFactory, render_chapter
from audiobook.errors import OutputError
from audiobook.layout import (
    WORK,
    book_folder,
    chapter_file_names,
    is_current,
    locked_folder,
    numbered_name,
    read_manifest,
    read_timings,
    remove_stale,
    safe_filename,
    timings_path,
    unique_titles,
    write_manifest,
)
from audiobook.model import Chapter, Segment, SpokenLine
from audiobook.package.containers import Part, one_file, write_lists, write_subtitles
from audiobook.package.tags import BookTags, ChapterTags, Cover, read_cover
from audiobook.read.book import Book, ReadOptions, load_book
from audiobook.script import Script
from audiobook.script.attribution.gender import guess_genders
from audiobook.script.attribution.sieve import attribute
from audiobook.script.fixes import apply_fixes
from audiobook.script.lines import chapter_lines
from audiobook.script.segment import segment
from audiobook.tts.cache import DEFAULT_MAX_BYTES, ClipCache, clip_key, default_cache_dir
from audiobook.tts.select import DefaultEngine as DefaultEngine  # re-exported: tests swap it here
from audiobook.workers import run_parallel

FORMAT = 5  # bump when the way chapter files are made changes, so that old ones are re-encoded
Progress = Callable[[str, int], None]  # ("clips", n) as clips are spoken, ("chapter", 1) as files land


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

    @property
    def pieces_encoded(self) -> int:
        """MP3 pieces (paragraphs, about) encoded in this render; the rest of each chapter came from the cache."""
        return sum(f.pieces_encoded for f in self.files)

    def summary(self, script: Script) -> dict[str, Any]:
        """What `render --json` prints: the files, their lengths, what was spoken anew, who speaks, in which voice."""
        speakers = dict(speaker_lines(script.segments))
        roles = script.casting.roles
        return {
            "book": script.title,
            "folder": str(self.folder),
            "files": [{"chapter": f.index, "title": f.title, "path": str(f.path), "seconds": round(f.seconds, 3),
                       "clips": f.clips} for f in self.files],
            "seconds": round(sum(f.seconds for f in self.files), 3),
            "wall_seconds": round(self.wall_seconds, 3),
            "clips_synthesized": self.clips_synthesized,
            "clips_reused": self.clips_reused,
            "chapters_encoded": self.chapters_encoded,
            "pieces_encoded": self.pieces_encoded,
            "pieces": sum(f.pieces for f in self.files if f.encoded),
            "segments": len(script.segments),
            "dialogue_segments": sum(s.kind == "dialogue" for s in script.segments),
            "speakers": speakers,
            "voices": {"narrator": script.casting.narrator.voice,
                       **{n: r.voice.voice for n, r in roles.items() if r.voice and n in speakers}},
        }


@dataclass(frozen=True)
class Stage:
    """One step a book goes through: its name, what it makes of what, and the package that does it."""

    name: str
    makes: str
    package: str


# The whole path of a book, in order. `plan_book` runs the first six (what `segment`, `report`, `review` and
# `render --dry-run` show); `render_book` the rest.
STAGES = (
    Stage("read", "file -> text, chapters, parts, metadata", "audiobook.read"),
    Stage("load cast", "voices.yaml -> Casting", "audiobook.cast"),
    Stage("segment", "chapters -> narration and dialogue segments", "audiobook.script"),
    Stage("attribute", "segments -> speakers", "audiobook.script.attribution"),
    Stage("fix", "the user's `fixes:` -> corrected speakers", "audiobook.script"),
    Stage("cast", "speakers -> voices (automatic ones for the uncast)", "audiobook.cast"),
    Stage("lines", "segments -> what each clip says, in which voice", "audiobook.script"),
    Stage("level", "voices -> gains that match the narrator's loudness", "audiobook.audio"),
    Stage("speak", "lines -> clips (cached)", "audiobook.tts"),
    Stage("stitch and encode", "clips -> levelled chapter MP3s (or PCM), timings", "audiobook.audio"),
    Stage("package", "chapter files -> tags, playlists, M4B or one MP3, subtitles", "audiobook.package"),
)


def plan_book(source: Path, voices: Path | None = None, title: str | None = None,
              reading: ReadOptions | None = None) -> Script:
    """Read a book and decide who says what in which voice, without synthesizing anything."""
    book = load_book(source, title, reading)                          # read: file -> text, Chapters, metadata
    text, chapters = book.text, book.chapters
    casting = load_casting(voices)                                    # load cast: voices.yaml -> Casting
    segments = segment(text, chapters)                                # segment: Chapters -> Segments
    segments = attribute(text, segments, casting.characters)          # attribute: Segments -> speakers
    segments, stale = apply_fixes(text, segments, casting)            # fix: the user's fixes
    speakers = speaker_lines(segments)
    genders = guess_genders(text, [name for name, _ in speakers])     # cast: speakers -> genders -> Voices
    casting = cast_voices(casting, speakers, genders)
    return Script(source, book.title, text, tuple(chapters), tuple(segments), casting, book,
                  (*book.warnings, *stale))


@dataclass(frozen=True)
class RenderOptions:
    """How to render: where, with which preset and tags, on how many cores, with which cache."""

    out_dir: Path = Path("output")
    author: str | None = None  # None: from the book's metadata, else "Unknown"
    preset: str | None = None  # None: voices.yaml's, else "default"
    year: str | None = None
    description: str | None = None
    cover: Path | None = None
    id3v23: bool = False
    jobs: int | None = None
    cache_dir: Path | None = None
    cache_max_bytes: int = DEFAULT_MAX_BYTES
    format: str = "mp3"  # "mp3": a file per chapter; "m4b": one M4B with chapter marks
    single_file: bool = False  # with "mp3": one MP3 with ID3 chapter frames
    subtitles: str | None = None  # "srt" or "vtt"
    chapters: frozenset[int] | None = None  # render only these (1-based); the others are left as they are


def render_book(script: Script, options: RenderOptions | None = None, engine: EngineFactory | None = None,
                progress: Progress | None = None) -> RenderResult:
    """Speak every chapter of the script into a tagged MP3 under out_dir/<book title>/, reusing what is done."""
    opts = options or RenderOptions()
    started = time.perf_counter()
    _check_options(script, opts)
    run = _prepare(script, opts, engine or DefaultEngine)
    notify = progress or (lambda _kind, _n: None)
    with locked_folder(run.folder):
        (run.folder / WORK).mkdir(exist_ok=True)
        manifest = read_manifest(run.folder)
        files = _render_chapters(run, opts, manifest, notify)
        _finish(script, run, opts, files, manifest)
    run.cache.prune(opts.cache_max_bytes)
    return RenderResult(run.folder, tuple(files), time.perf_counter() - started)


def _check_options(script: Script, opts: RenderOptions) -> None:
    """Refuse options that do not go together, before anything is written."""
    count = len(script.chapters)
    if opts.chapters is not None and (opts.format == "m4b" or opts.single_file):
        raise OutputError("--chapters renders separate chapter files; it does not go with --format m4b or "
                          "--single-file")
    if opts.chapters is not None and not opts.chapters <= set(range(1, count + 1)):
        wrong = min(opts.chapters - set(range(1, count + 1)))
        raise OutputError(f"--chapters: the book has no chapter {wrong}; it has chapters 1 to {count}")


@dataclass(frozen=True)
class _Run:
    """A render decided: where it writes, the book's tags and preset, and a job for every chapter."""

    folder: Path
    one_file: bool
    preset: Preset
    book: BookTags
    cache: ClipCache
    jobs: tuple[ChapterJob, ...]


def _prepare(script: Script, opts: RenderOptions, factory: EngineFactory) -> _Run:
    """The book's folder, tags and preset, and a job for each chapter (lines: level: speak: encode)."""
    cache_root = opts.cache_dir or default_cache_dir()
    cache = ClipCache(cache_root)
    source = script.book
    cover = read_cover(opts.cover) if opts.cover else (
        Cover(source.cover, source.cover_mime or "image/jpeg") if source.cover else None)
    book = BookTags(script.title, opts.author or source.author or "Unknown", script.casting.narrator_name,
                    len(script.chapters), opts.year, opts.description, cover, opts.id3v23)
    folder = book_folder(opts.out_dir, script.title)
    one_file = opts.format == "m4b" or opts.single_file
    preset = PRESETS[opts.preset or script.casting.preset or "default"]
    all_lines = {chapter.index: chapter_lines(script, chapter) for chapter in script.chapters}    # lines
    from audiobook.audio.levels import voice_gains  # numpy: loaded only to render, so `segment` starts fast

    gains = voice_gains({line.voice for lines in all_lines.values() for line in lines}, script.casting.narrator,
                        factory.identity, cache, factory)                                          # level
    context = _JobContext(folder, one_file, preset, Pauses(**dict(script.casting.pauses)), book, factory,
                          cache_root, opts.subtitles, len(script.chapters))
    names = chapter_file_names(script.chapters)
    titles = unique_titles(script.chapters)
    jobs = tuple(_chapter_job(context, chapter, titles[chapter.index], names[chapter.index],
                              tuple(replace(line, gain_db=gains[line.voice]) for line in all_lines[chapter.index]),
                              _part_of(source, chapter.index))
                 for chapter in script.chapters)
    return _Run(folder, one_file, preset, book, cache, jobs)


@dataclass(frozen=True)
class _JobContext:
    """What every chapter job of one render shares."""

    folder: Path
    one_file: bool
    preset: Preset
    pauses: Pauses
    book: BookTags
    factory: EngineFactory
    cache_root: Path
    subtitles: str | None
    count: int


def _chapter_job(ctx: _JobContext, chapter: Chapter, title: str, file_name: str, lines: tuple[SpokenLine, ...],
                 part: tuple[int, int] | None) -> ChapterJob:
    """The job that speaks and encodes one chapter, with the fingerprint that says whether it must run."""
    tags = ChapterTags(title, chapter.index, part)
    keys = tuple(clip_key(ctx.factory.identity(line.voice), line.voice, line.text) for line in lines)
    subtitles = None if ctx.one_file else ctx.subtitles
    # The presets' peak margins were measured on eSpeak NG's sound; other engines' chapters are measured.
    verify_peak = not ctx.one_file and any(line.voice.engine != "espeak" for line in lines)
    settings: list[object] = [FORMAT, encoding_settings(ctx.preset, ctx.pauses), ctx.book.settings(), astuple(tags),
                              ctx.one_file, subtitles, *(["verify-peak"] if verify_peak else [])]
    name = numbered_name(chapter.index, ctx.count, "{}.pcm") if ctx.one_file else file_name
    work = ctx.folder / WORK if ctx.one_file else ctx.folder
    partial = numbered_name(chapter.index, ctx.count, f".{{}}.part-{os.getpid()}.{name.rpartition('.')[2]}")
    return ChapterJob(
        chapter=chapter, lines=lines, keys=keys, tmp_path=work / partial, final_path=work / name, tags=tags,
        book=ctx.book, fingerprint=_fingerprint(settings, lines, keys), engine=ctx.factory,
        cache_root=ctx.cache_root, preset=ctx.preset, pauses=ctx.pauses, pcm=ctx.one_file, subtitles=subtitles,
        timings_path=timings_path(ctx.folder, chapter.index), verify_peak=verify_peak,
    )


def _render_chapters(run: _Run, opts: RenderOptions, manifest: dict[str, dict[str, Any]],
                     notify: Progress) -> list[ChapterFile]:
    """Run the chapters whose files are missing or stale (speak, stitch, encode), in parallel; reuse the rest."""
    folder = run.folder
    files: list[ChapterFile] = []
    todo = []
    for job in run.jobs:
        name = str(job.final_path.relative_to(folder))
        if is_current(folder, name, job.fingerprint, manifest):
            entry = manifest[name]
            files.append(ChapterFile(job.chapter.index, job.tags.title, job.final_path,
                                     float(entry.get("seconds", 0.0)), len(job.lines), 0, False,
                                     job.fingerprint, int(entry.get("rate", 22050))))
            notify("clips", len(job.lines))
            notify("chapter", 1)
        elif opts.chapters is None or job.chapter.index in opts.chapters:
            todo.append(job)

    def finished(done: ChapterFile) -> None:
        # Record each chapter as it lands, so a killed render resumes after it.
        files.append(done)
        manifest[str(done.path.relative_to(folder))] = {
            "fingerprint": done.fingerprint, "size": done.path.stat().st_size, "seconds": round(done.seconds, 3),
            "rate": done.sample_rate}
        write_manifest(folder, manifest, run.preset.name)
        notify("chapter", 1)

    # The longest chapters first, so that no worker is left with a long one at the end.
    todo.sort(key=lambda j: -sum(len(line.text) for line in j.lines))
    workers = max(1, min(opts.jobs or os.cpu_count() or 1, len(todo)))
    run_parallel(render_chapter, todo, workers, finished, lambda n: notify("clips", n))
    files.sort(key=lambda f: f.index)
    return files


def _finish(script: Script, run: _Run, opts: RenderOptions, files: list[ChapterFile],
            manifest: dict[str, dict[str, Any]]) -> None:
    """Package the book (one file, or playlists beside the chapters), then forget what this render did not write."""
    folder = run.folder
    keep = {str(job.final_path.relative_to(folder)) for job in run.jobs}
    if opts.chapters is not None:
        keep |= set(manifest)  # a partial render leaves the other chapters' files and records alone
    if run.one_file:
        keep.add(_package_one_file(folder, files, list(run.jobs), opts, run.preset, run.book, manifest))
    else:
        write_lists(folder, safe_filename(script.title), [Part(f.title, f.path, f.seconds) for f in files], run.book)
    for name in set(manifest) - keep:
        del manifest[name]
    write_manifest(folder, manifest, run.preset.name)
    remove_stale(folder, keep)


def _package_one_file(folder: Path, files: list[ChapterFile], jobs: list[ChapterJob], opts: RenderOptions,
                      preset: Preset, book: BookTags, manifest: dict[str, dict[str, Any]]) -> str:
    """Encode the chapters' PCM into the book's one M4B or MP3, unless the one on disk is already it."""
    suffix = ".m4b" if opts.format == "m4b" else ".mp3"
    out = folder / f"{safe_filename(book.book)}{suffix}"
    fingerprint = hashlib.sha256(json.dumps([opts.format, [j.fingerprint for j in jobs]]).encode()).hexdigest()
    if not is_current(folder, out.name, fingerprint, manifest):
        parts = [Part(f.title, f.path, f.seconds) for f in files]
        seconds = one_file(parts, files[0].sample_rate, out, opts.format, preset, book)
        manifest[out.name] = {"fingerprint": fingerprint, "size": out.stat().st_size, "seconds": round(seconds, 3)}
    if opts.subtitles:
        cues = []
        at = 0.0
        for f in files:
            cues += [replace(c, start=c.start + at, end=c.end + at)
                     for c in read_timings(timings_path(folder, f.index))]
            at += f.seconds
        write_subtitles(out.with_suffix(f".{opts.subtitles}"), cues, opts.subtitles)
    return out.name


def _fingerprint(settings: list[object], lines: Sequence[SpokenLine], keys: Sequence[str]) -> str:
    """Everything that decides a chapter file's bytes: when it is unchanged, the file is not rewritten."""
    clips = [[key, line.paragraph, line.who, line.text[-1:], line.title, line.gain_db, line.scene_break]
             for key, line in zip(keys, lines, strict=True)]
    parts = [settings, clips]
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode("utf-8")).hexdigest()


def _part_of(book: Book, chapter: int) -> tuple[int, int] | None:
    """(part number, parts) of a chapter in a book with parts, for the TPOS tag."""
    starts = [first for _name, first in book.parts]
    if not starts or chapter < starts[0]:
        return None
    return sum(first <= chapter for first in starts), len(starts)


def speaker_lines(segments: Sequence[Segment]) -> list[tuple[str, int]]:
    """Each speaker with the number of dialogue segments attributed to them, most first."""
    counts = Counter(s.speaker for s in segments if s.kind == "dialogue" and s.speaker)
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


