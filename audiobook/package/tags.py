"""Tag chapter MP3 files with the ID3 frames audiobook players read (v2.4, or v2.3 for old players)."""

from __future__ import annotations

import contextlib
import hashlib
from dataclasses import dataclass
from pathlib import Path

from mutagen.id3 import (
    APIC,
    COMM,
    ID3,
    TALB,
    TCOM,
    TCON,
    TDRC,
    TIT2,
    TLEN,
    TPE1,
    TPE2,
    TPOS,
    TRCK,
    ID3NoHeaderError,
)
from mutagen.mp3 import MP3, HeaderNotFoundError

from audiobook.errors import InputError, OutputError

MAX_COVER_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Cover:
    """Front-cover image bytes and their MIME type."""

    data: bytes
    mime: str


@dataclass(frozen=True)
class BookTags:
    """The tags every chapter file of a book shares."""

    book: str
    author: str
    narrator: str
    tracks: int
    year: str | None = None
    description: str | None = None
    cover: Cover | None = None
    id3v23: bool = False

    def settings(self) -> list[object]:
        """The tags as plain values, for fingerprints (the cover by its hash)."""
        cover = hashlib.sha256(self.cover.data).hexdigest() if self.cover else None
        return [self.book, self.author, self.narrator, self.tracks, self.year, self.description, cover, self.id3v23]


@dataclass(frozen=True)
class ChapterTags:
    """The tags of one chapter file."""

    title: str
    track: int
    part: tuple[int, int] | None = None  # (part number, parts) when the book has parts


_MAGIC = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}


def image_mime(data: bytes) -> str | None:
    """"image/jpeg" or "image/png" by the image's first bytes; None for any other image (players show only these)."""
    return next((mime for magic, mime in _MAGIC.items() if data.startswith(magic)), None)


def read_cover(path: Path) -> Cover:
    """Read a JPEG or PNG cover image; anything else is a one-line error."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file (--cover)") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    mime = image_mime(data)
    if mime is None:
        raise InputError(f"{path}: not a JPEG or PNG image; a cover must be one of those")
    if len(data) > MAX_COVER_BYTES:
        raise InputError(f"{path}: the cover is over {MAX_COVER_BYTES // 1024**2} MB; players choke on that")
    return Cover(data, mime)


def tag_mp3(path: Path, tags: ChapterTags, book: BookTags) -> float:
    """Write the chapter's ID3 tags into `path`, replacing any, and return its duration in seconds."""
    try:
        seconds = float(getattr(MP3(str(path)).info, "length", 0.0))
    except (HeaderNotFoundError, OSError) as exc:
        raise OutputError(f"{path}: not a readable MP3 file ({exc})") from None
    with contextlib.suppress(ID3NoHeaderError):
        ID3(str(path)).delete()
    id3 = ID3()
    id3.add(TIT2(encoding=3, text=tags.title))
    id3.add(TALB(encoding=3, text=book.book))
    id3.add(TPE1(encoding=3, text=book.author))
    id3.add(TPE2(encoding=3, text=book.author))
    id3.add(TCOM(encoding=3, text=book.narrator))
    id3.add(TRCK(encoding=3, text=f"{tags.track}/{book.tracks}"))
    if tags.part:
        id3.add(TPOS(encoding=3, text=f"{tags.part[0]}/{tags.part[1]}"))
    id3.add(TCON(encoding=3, text="Audiobook"))
    id3.add(TLEN(encoding=3, text=str(round(seconds * 1000))))
    if book.year:
        id3.add(TDRC(encoding=3, text=book.year))
    if book.description:
        id3.add(COMM(encoding=3, lang="eng", desc="", text=book.description))
    if book.cover:
        id3.add(APIC(encoding=3, mime=book.cover.mime, type=3, desc="Cover", data=book.cover.data))
    try:
        if book.id3v23:
            id3.update_to_v23()
            id3.save(str(path), v2_version=3)
        else:
            id3.save(str(path), v2_version=4)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write tags ({exc.strerror or exc})") from None
    return seconds
