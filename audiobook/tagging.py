"""Tag chapter MP3 files with ID3v2.4 frames that audiobook players read."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

from mutagen.id3 import ID3, TALB, TCOM, TCON, TIT2, TLEN, TPE1, TPE2, TRCK, ID3NoHeaderError
from mutagen.mp3 import MP3, HeaderNotFoundError

from .errors import OutputError


@dataclass(frozen=True)
class ChapterTags:
    """The tags of one chapter file."""

    title: str
    book: str
    author: str
    track: int
    tracks: int
    narrator: str
    genre: str = "Audiobook"


def tag_mp3(path: Path, tags: ChapterTags) -> float:
    """Write the chapter's ID3v2.4 tags into `path`, replacing any, and return its duration in seconds."""
    try:
        seconds = float(getattr(MP3(str(path)).info, "length", 0.0))
    except (HeaderNotFoundError, OSError) as exc:
        raise OutputError(f"{path}: not a readable MP3 file ({exc})") from None
    with contextlib.suppress(ID3NoHeaderError):
        ID3(str(path)).delete()
    id3 = ID3()
    id3.add(TIT2(encoding=3, text=tags.title))
    id3.add(TALB(encoding=3, text=tags.book))
    id3.add(TPE1(encoding=3, text=tags.author))
    id3.add(TPE2(encoding=3, text=tags.author))
    id3.add(TCOM(encoding=3, text=tags.narrator))
    id3.add(TRCK(encoding=3, text=f"{tags.track}/{tags.tracks}"))
    id3.add(TCON(encoding=3, text=tags.genre))
    id3.add(TLEN(encoding=3, text=str(round(seconds * 1000))))
    try:
        id3.save(str(path), v2_version=4)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write tags ({exc.strerror or exc})") from None
    return seconds
