"""Try a cast before rendering it: the plan without synthesis, a minute of each voice, one line in one voice."""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from audiobook import pipeline as render
from audiobook.audio.levels import voice_gains
from audiobook.audio.loudness import PRESETS
from audiobook.audio.stitch import Pauses
from audiobook.cast.casting import espeak_voice_check
from audiobook.chapter_render import ChapterFile, ChapterJob, EngineFactory, render_chapter
from audiobook.errors import CastingError, InputError
from audiobook.layout import locked_folder, safe_filename
from audiobook.model import Casting, Chapter, SpokenLine, Voice
from audiobook.package.tags import BookTags, ChapterTags
from audiobook.pipeline import RenderOptions, speaker_lines
from audiobook.script import Script
from audiobook.script.lines import chapter_lines
from audiobook.text.lexicon import merge_lexicons, spoken_form
from audiobook.text.spoken import is_speakable, speech_text
from audiobook.tts.cache import ClipCache, clip_key, default_cache_dir
from audiobook.workers import run_parallel

PREVIEW_SECONDS = 60.0


def estimate_seconds(text: str, voice: Voice) -> float:
    """About how long a line takes at the voice's rate (words per minute), before pauses."""
    return len(re.findall(r"[^\W_]+", text)) * 60.0 / voice.rate


def plan_summary(script: Script) -> dict[str, Any]:
    """What a render would do, without synthesizing: chapters, characters and their voices, estimated length."""
    chapters = []
    spoken: dict[str, tuple[int, float]] = {}
    for chapter in script.chapters:
        lines = chapter_lines(script, chapter)
        seconds = sum(estimate_seconds(line.text, line.voice) for line in lines)
        chapters.append({"chapter": chapter.index, "title": chapter.title, "lines": len(lines),
                         "dialogue": sum(line.who != "narrator" for line in lines),
                         "estimated_seconds": round(seconds, 1)})
        for line in lines:
            n, s = spoken.get(line.who, (0, 0.0))
            spoken[line.who] = (n + 1, s + estimate_seconds(line.text, line.voice))
    roles = script.casting.roles
    characters = [{"name": name, "lines": n, "voice": _describe(roles[name].voice if roles[name].voice else None),
                   "gender": roles[name].character.gender, "estimated_seconds": round(spoken.get(name, (0, 0))[1], 1)}
                  for name, n in speaker_lines(script.segments) if name in roles]
    book = script.book
    return {"book": script.title, "title": script.title, "author": book.author, "language": book.language,
            "kind": book.kind, "unread_words": book.unread_words,
            "parts": [{"title": t, "first_chapter": first} for t, first in book.parts],
            "chapters": chapters, "narrator": _describe(script.casting.narrator),
            "characters": characters, "warnings": list(script.warnings),
            "estimated_seconds": round(sum(float(str(c["estimated_seconds"])) for c in chapters), 1)}


def _describe(voice: Voice | None) -> str:
    if voice is None:
        return "-"
    engine = f"{voice.engine}:{voice.model} " if voice.engine != "espeak" else ""
    return f"{engine}{voice.voice} rate {voice.rate} pitch {voice.pitch}"


def render_preview(script: Script, options: RenderOptions | None = None,
                   engine: EngineFactory | None = None) -> list[ChapterFile]:
    """A file per voice with its first minute or so of lines, in `<out>/<title> - preview/`."""
    opts = options or RenderOptions()
    factory: EngineFactory = engine or render.DefaultEngine  # looked up now, so tests can swap it
    cache_root = opts.cache_dir or default_cache_dir()
    preset = PRESETS[opts.preset or script.casting.preset or "default"]
    pauses = Pauses(**dict(script.casting.pauses))
    folder = opts.out_dir / f"{safe_filename(script.title)} - preview"
    samples = _samples(script)
    voices = {line.voice for lines in samples.values() for line in lines}
    gains = voice_gains(voices, script.casting.narrator, factory.identity, ClipCache(cache_root), factory)
    order = ["narrator", *(name for name, _ in speaker_lines(script.segments) if name in samples)]
    book = BookTags(f"{script.title} (preview)", opts.author or "Unknown", script.casting.narrator_name, len(order))
    jobs = []
    for n, who in enumerate(order, 1):
        name = "The narrator" if who == "narrator" else who
        voice = samples[who][0].voice
        intro = SpokenLine(f"{name}.", voice, who, -1, title=True)
        lines = tuple(replace(line, gain_db=gains[line.voice]) for line in (intro, *samples[who]))
        keys = tuple(clip_key(factory.identity(line.voice), line.voice, line.text) for line in lines)
        title = f"{name}, voiced by {_describe(voice)}"
        jobs.append(ChapterJob(
            chapter=Chapter(n, title, 0, 0, 0), lines=lines, keys=keys,
            tmp_path=folder / f".{n:02d}.part-{os.getpid()}.mp3",
            final_path=folder / f"{n:02d} - {safe_filename('Narrator' if who == 'narrator' else who)}.mp3",
            tags=ChapterTags(title, n), book=book, fingerprint=hashlib.sha256(repr(keys).encode()).hexdigest(),
            engine=factory, cache_root=cache_root, preset=preset, pauses=pauses,
        ))
    files: list[ChapterFile] = []
    with locked_folder(folder):
        run_parallel(render_chapter, jobs, max(1, min(opts.jobs or os.cpu_count() or 1, len(jobs))), files.append,
                     lambda _n: None)
    return sorted(files, key=lambda f: f.index)


def _samples(script: Script) -> dict[str, list[SpokenLine]]:
    """Each voice's first lines in the book, about PREVIEW_SECONDS of them."""
    samples: dict[str, list[SpokenLine]] = {}
    for chapter in script.chapters:
        for line in chapter_lines(script, chapter)[1:]:
            have = samples.setdefault(line.who, [])
            if sum(estimate_seconds(x.text, x.voice) for x in have) < PREVIEW_SECONDS:
                have.append(line)
    return samples


def say(text: str, who: str | None, casting: Casting, out: Path, engine: EngineFactory | None = None) -> ChapterFile:
    """Speak one text in a cast member's voice (or the narrator's, or a voice id) into an MP3 file."""
    if not is_speakable(text):
        raise InputError("nothing to say: give a text with a word in it")
    voice, words = _voice_for(who, casting)
    line = SpokenLine(spoken_form(speech_text(text), words), voice, who or "narrator", 0)
    factory: EngineFactory = engine or render.DefaultEngine  # looked up now, so tests can swap it
    cache_root = default_cache_dir()
    folder = out.parent if str(out.parent) else Path(".")
    job = ChapterJob(
        chapter=Chapter(1, text[:40], 0, 0, 0), lines=(line,),
        keys=(clip_key(factory.identity(voice), voice, line.text),),
        tmp_path=folder / f".{out.name}.part-{os.getpid()}.mp3", final_path=out,
        tags=ChapterTags(text[:60], 1), book=BookTags("audiobook say", "audiobook", casting.narrator_name, 1),
        fingerprint="", engine=factory, cache_root=cache_root, preset=PRESETS["default"],
        pauses=replace(Pauses(), title=0, chapter_end=300),
    )
    folder.mkdir(parents=True, exist_ok=True)
    return render_chapter(job, lambda _n: None)


def _voice_for(who: str | None, casting: Casting) -> tuple[Voice, dict[str, str]]:
    """The voice and pronunciations `--voice` names: a cast name or alias, `narrator`, or an engine voice id."""
    book_words = dict(casting.lexicon)
    if who is None or who.casefold() == "narrator":
        return casting.narrator, book_words
    for name, role in casting.roles.items():
        if who.casefold() in (a.casefold() for a in (name, *role.character.aliases)):
            if role.voice is None:
                raise CastingError(f"{who!r} has no voice in {casting.source} yet; give it a `voice:` or render "
                                   "the book once to see the automatic one")
            return role.voice, merge_lexicons(book_words, dict(role.lexicon))
    problem = espeak_voice_check(who)
    if problem:
        names = ", ".join(["narrator", *casting.roles][:8])
        raise CastingError(f"--voice {who!r} is neither a cast name ({names}) nor a voice: {problem}")
    return Voice(who.strip(), casting.narrator.rate, casting.narrator.pitch, casting.narrator.volume), book_words
