"""Package a rendered book for players: M3U and CUE lists, one M4B or MP3 with chapters, subtitles."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from mutagen.id3 import CHAP, CTOC, ID3, TIT2, CTOCFlags
from mutagen.mp4 import MP4, MP4Cover

from audiobook.audio.loudness import Preset
from audiobook.errors import OutputError
from audiobook.model import Cue
from audiobook.package.tags import BookTags, ChapterTags, tag_mp3


@dataclass(frozen=True)
class Part:
    """One chapter in a packaged book: its title, audio (a file, or raw PCM for one-file books) and length."""

    title: str
    path: Path
    seconds: float


def write_lists(folder: Path, name: str, parts: Sequence[Part], book: BookTags) -> list[Path]:
    """An extended M3U playlist and a CUE sheet listing the chapter files in order, with their titles."""
    m3u = ["#EXTM3U", f"#PLAYLIST:{book.book}"]
    cue = [f'PERFORMER "{_cue(book.author)}"', f'TITLE "{_cue(book.book)}"']
    for n, part in enumerate(parts, 1):
        m3u += [f"#EXTINF:{round(part.seconds)},{book.author} - {part.title}", part.path.name]
        cue += [f'FILE "{_cue(part.path.name)}" MP3', f"  TRACK {n:02d} AUDIO", f'    TITLE "{_cue(part.title)}"',
                f'    PERFORMER "{_cue(book.author)}"', "    INDEX 01 00:00:00"]
    written = []
    for suffix, lines in ((".m3u", m3u), (".cue", cue)):
        path = folder / f"{name}{suffix}"
        _atomic_text(path, "\n".join(lines) + "\n")
        written.append(path)
    return written


def write_subtitles(path: Path, cues: Sequence[Cue], fmt: str) -> None:
    """An SRT or WebVTT file with one cue per spoken line, the speaker's name first."""
    def stamp(t: float) -> str:
        ms = round(t * 1000)
        h, rest = divmod(ms, 3_600_000)
        m, rest = divmod(rest, 60_000)
        s, ms = divmod(rest, 1000)
        return f"{h:02d}:{m:02d}:{s:02d}{',' if fmt == 'srt' else '.'}{ms:03d}"

    out = ["WEBVTT", ""] if fmt == "vtt" else []
    for n, cue in enumerate(cues, 1):
        label = f"{cue.speaker}: " if cue.speaker != "narrator" else ""
        if fmt == "srt":
            out.append(str(n))
        out += [f"{stamp(cue.start)} --> {stamp(cue.end)}", f"{label}{cue.text}", ""]
    _atomic_text(path, "\n".join(out))


def one_file(parts: Sequence[Part], rate: int, out: Path, fmt: str, preset: Preset, book: BookTags) -> float:
    """Encode the chapters' PCM into one M4B (AAC) or MP3 with a chapter marker per chapter; return seconds."""
    import imageio_ffmpeg

    tmp = out.with_name(f".{out.name}.part-{os.getpid()}")
    meta = out.with_name(f".{out.name}.chapters-{os.getpid()}.txt")
    starts = _starts(parts, rate)
    lines = [";FFMETADATA1", f"title={_meta(book.book)}", f"artist={_meta(book.author)}"]
    for part, start, end in zip(parts, starts, starts[1:], strict=False):
        lines += ["[CHAPTER]", "TIMEBASE=1/1000", f"START={start}", f"END={end}", f"title={_meta(part.title)}"]
    source = "concat:" + "|".join(str(p.path) for p in parts)
    codec = (["-c:a", "aac", "-b:a", preset.bitrate, "-movflags", "+faststart", "-f", "mp4"] if fmt == "m4b"
             else ["-c:a", "libmp3lame", "-b:a", preset.bitrate, "-id3v2_version", "0", "-write_id3v1", "0",
                   "-f", "mp3"])
    try:
        meta.write_text("\n".join(lines) + "\n", encoding="utf-8")
        cmd = [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y", "-f", "s16le", "-ar", str(rate), "-ac", "1",
               "-i", source, "-i", str(meta), "-map", "0:a", "-map_metadata", "1", "-map_chapters", "1",
               "-fflags", "+bitexact", "-flags:a", "+bitexact",
               *(["-ar", str(preset.sample_rate)] if preset.sample_rate else []), *codec, str(tmp)]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0 or not tmp.exists():
            raise OutputError(f"{out}: encoding failed: {proc.stderr.strip().splitlines()[-1:] or ['?']}")
        if fmt == "m4b":
            seconds = _tag_m4b(tmp, book)
        else:
            seconds = tag_mp3(tmp, ChapterTags(book.book, 1), BookTags(**{**book.__dict__, "tracks": 1}))
            _add_chapter_frames(tmp, parts, starts)
        os.replace(tmp, out)
    except OSError as exc:
        raise OutputError(f"{out}: cannot write ({exc.strerror or exc})") from None
    finally:
        tmp.unlink(missing_ok=True)
        meta.unlink(missing_ok=True)
    return seconds


def _starts(parts: Sequence[Part], rate: int) -> list[int]:
    """Chapter start times in ms, and the end of the last, from the exact PCM lengths."""
    starts = [0]
    samples = 0
    for part in parts:
        samples += part.path.stat().st_size // 2
        starts.append(round(samples * 1000 / rate))
    return starts


def _tag_m4b(path: Path, book: BookTags) -> float:
    audio = MP4(str(path))
    tags = audio.tags if audio.tags is not None else audio.add_tags() or audio.tags
    assert tags is not None
    tags["\xa9nam"] = [book.book]
    tags["\xa9alb"] = [book.book]
    tags["\xa9ART"] = [book.author]
    tags["aART"] = [book.author]
    tags["\xa9wrt"] = [book.narrator]
    tags["\xa9gen"] = ["Audiobook"]
    tags["stik"] = [2]  # audiobook
    if book.year:
        tags["\xa9day"] = [book.year]
    if book.description:
        tags["desc"] = [book.description]
    if book.cover:
        kind = MP4Cover.FORMAT_PNG if book.cover.mime == "image/png" else MP4Cover.FORMAT_JPEG
        tags["covr"] = [MP4Cover(book.cover.data, imageformat=kind)]
    audio.save()
    return float(getattr(audio.info, "length", 0.0))


def _add_chapter_frames(path: Path, parts: Sequence[Part], starts: Sequence[int]) -> None:
    """ID3 CHAP frames for each chapter and a CTOC listing them, which podcast and audiobook players read."""
    id3 = ID3(str(path))
    ids = [f"ch{n}" for n in range(len(parts))]
    id3.add(CTOC(element_id="toc", flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED, child_element_ids=ids,
                 sub_frames=[TIT2(encoding=3, text="Chapters")]))
    for element, part, start, end in zip(ids, parts, starts, starts[1:], strict=False):
        id3.add(CHAP(element_id=element, start_time=start, end_time=end,
                     sub_frames=[TIT2(encoding=3, text=part.title)]))
    id3.save(str(path), v2_version=3 if id3.version[1] == 3 else 4)


def _meta(value: str) -> str:
    """Escape a value for an FFMETADATA file."""
    return "".join("\\" + c if c in "=;#\\\n" else c for c in value)


def _cue(value: str) -> str:
    return value.replace('"', "'")


def _atomic_text(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.part-{os.getpid()}")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise OutputError(f"{path}: cannot write ({exc.strerror or exc})") from None
