"""Read a book file (text, Project Gutenberg, Markdown, EPUB) into text whose offsets every later stage uses."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from audiobook.errors import InputError
from audiobook.model import Chapter
from audiobook.read.chapters import Contents, find_chapters
from audiobook.read.decode import decode_bytes, repair_mojibake
from audiobook.read.gutenberg import find_gutenberg
from audiobook.read.markdown import read_markdown
from audiobook.read.offsets import OffsetMap

# Offsets index the text exactly as Python decodes the file with encoding="utf-8" and
# newline="": a BOM stays as U+FEFF at offset 0 and CRLF line ends stay two characters.


def read_text(path: Path) -> str:
    """Return the file's text, or raise InputError saying in one line why it cannot be read."""
    name = str(path)
    data = _read_bytes(path)
    nul = data.find(b"\x00")
    if nul != -1:
        raise InputError(f"{name}: looks like a binary file (NUL byte at byte offset {nul}); give a UTF-8 text file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(
            f"{name}: not UTF-8 text: byte 0x{data[exc.start]:02x} at byte offset {exc.start} (line {line});"
            " save the file as UTF-8"
        ) from None
    _check_words(name, text)
    return text


def readable_title(path: Path) -> str:
    """Make a book title out of a file name: `pride_and-prejudice.txt` -> `Pride And Prejudice`."""
    words = re.sub(r"[\s_\-.]+", " ", path.stem).strip()
    if not words:
        return "Untitled"
    return words if any(c.isupper() for c in words) else words.title()


@dataclass(frozen=True)
class Book:
    """A book as the pipeline reads it: its text, chapters and parts, and what tags the audio.

    `text` is what later stages index. For a UTF-8 text file that needs no repair it is the file exactly as
    Python decodes it; a repaired file (mojibake, another encoding) has `source_offset` map offsets back to
    the file as decoded. Markdown offsets map back into the Markdown file. An EPUB has no single file to
    point into: its offsets index `text`, the spine's documents read in order, two newlines apart.
    """

    path: Path
    text: str
    chapters: tuple[Chapter, ...]
    title: str
    author: str | None = None
    language: str | None = None
    cover: bytes | None = None
    cover_mime: str | None = None
    parts: tuple[tuple[str, int], ...] = ()  # (part title, index of its first chapter)
    kind: str = "text"  # text, gutenberg, markdown or epub
    encoding: str = "utf-8"
    offsets: tuple[OffsetMap, ...] = ()  # applied in order: text -> ... -> the file as decoded
    decoded: str | None = field(default=None, repr=False)  # the file as decoded, when it differs from text
    warnings: tuple[str, ...] = ()  # doubts about its structure, one line each
    unread_words: int = 0  # words of the book (licence aside) that no chapter reads: front matter, contents, notes

    def source_offset(self, i: int) -> int:
        """The offset in the user's file (as decoded) of offset `i` in `text`; 0 <= i <= len(text)."""
        if not 0 <= i <= len(self.text):
            raise IndexError(f"offset {i} is outside the text (0 to {len(self.text)})")
        for offsets in self.offsets:
            i = offsets(i)
        return i


_MARKDOWN = {".md", ".markdown", ".mdown", ".mkd"}
# Where chapters come from: a table of contents (a text's own, an EPUB's navigation), headings by their form,
# or (EPUB) a chapter per document of the spine. None: the best the book offers.
CHAPTER_SOURCES = ("toc", "headings", "spine")


@dataclass(frozen=True)
class ReadOptions:
    """How a book is read: where its chapters come from, and whether front matter is read aloud."""

    chapters_from: str | None = None  # one of CHAPTER_SOURCES, or None
    include_front_matter: bool = False  # title page text, lists of illustrations, an editor's preface


def load_book(path: Path, title: str | None = None, options: ReadOptions | None = None) -> Book:
    """Read a text, Gutenberg, Markdown or EPUB file into a Book; raise InputError saying why it cannot."""
    opts = options or ReadOptions()
    name = str(path)
    if opts.chapters_from not in (None, *CHAPTER_SOURCES):
        raise InputError(f"--chapters-from {opts.chapters_from!r} is not allowed; use {', '.join(CHAPTER_SOURCES)}")
    data = _read_bytes(path)
    if path.suffix.lower() == ".epub" or (data.startswith(b"PK\x03\x04") and b"application/epub+zip" in data[:100]):
        from audiobook.read.epub import read_epub  # its XML stack is loaded only for an EPUB: text starts faster

        book = read_epub(path, title or readable_title(path), opts.chapters_from, opts.include_front_matter)
        loaded = Book(path, book.text, tuple(book.contents.chapters), title or book.title or readable_title(path),
                      book.author, book.language, book.cover, book.cover_mime, tuple(book.contents.parts), "epub")
        return replace(loaded, warnings=structure_warnings(loaded, book.contents),
                       unread_words=book.contents.unread or 0)
    decoded, encoding = decode_bytes(data, name)
    _check_words(name, decoded)
    text, repaired = repair_mojibake(decoded)
    maps = (repaired,) if text != decoded else ()
    if path.suffix.lower() in _MARKDOWN:
        _no_spine(name, opts)
        md = read_markdown(text, title or readable_title(path))
        _check_words(name, md.text)
        book_title = title or md.title or readable_title(path)
        front = md.title or title or readable_title(path)  # what read_markdown named the front chapter
        return Book(path, md.text, tuple(_retitle(md.contents.chapters, front, book_title)), book_title, md.author,
                    md.language, parts=tuple(md.contents.parts), kind="markdown", encoding=encoding,
                    offsets=(md.offsets, *maps), decoded=decoded)
    return _plain_text(path, text, title, opts, encoding, maps, decoded)


def _plain_text(path: Path, text: str, title: str | None, opts: ReadOptions, encoding: str,
                maps: tuple[OffsetMap, ...], decoded: str) -> Book:
    """A plain text or a Project Gutenberg file, its chapters found between the licence's lines."""
    _no_spine(str(path), opts)
    pg = find_gutenberg(text)
    book_title = title or (pg.title if pg else None) or (_title_page(text, pg.body_start) if pg else None) \
        or readable_title(path)
    use = opts.chapters_from
    if pg:
        found = find_chapters(text, book_title, pg.body_start, pg.body_end, front=opts.include_front_matter, use=use,
                              front_matter=opts.include_front_matter)
    else:
        found = find_chapters(text, book_title, use=use, front_matter=opts.include_front_matter)
    if use == "toc" and not found.from_list:
        raise InputError(f"{path}: --chapters-from toc: no table of contents whose entries stand in the text as "
                         "headings; use --chapters-from headings")
    book = Book(path, text, tuple(found.chapters), book_title, pg.author if pg else None,
                pg.language if pg else None, parts=tuple(found.parts), kind="gutenberg" if pg else "text",
                encoding=encoding, offsets=maps, decoded=decoded if maps else None)
    start, end = (pg.body_start, pg.body_end) if pg else (0, len(text))
    return replace(book, warnings=structure_warnings(book, found, use),
                   unread_words=unread_words(text, book.chapters, start, end))


def unread_words(text: str, chapters: Sequence[Chapter], start: int, end: int) -> int:
    """How many words of text[start:end] lie outside every chapter."""
    count, pos = 0, start
    for chapter in sorted(chapters, key=lambda c: c.start):
        count += len(text[pos:max(pos, min(chapter.start, end))].split())
        pos = max(pos, chapter.end)
    return count + len(text[pos:end].split())


def _no_spine(name: str, opts: ReadOptions) -> None:
    if opts.chapters_from == "spine":
        raise InputError(f"{name}: --chapters-from spine is for EPUB files; use toc or headings")


def _title_page(text: str, start: int) -> str | None:
    """A Gutenberg file's title as its title page sets it: the first short line of the body."""
    for line in text[start:start + 2000].splitlines():
        words = line.strip().strip("*_ ").rstrip(".")
        if words and len(words) <= 80 and re.search(r"[^\W\d_]{2}", words):
            return words.title() if words.isupper() else words
    return None


# A chapter holding more than this share of a long book's words suggests its chapters were not found.
DOUBTFUL_CHAPTER_SHARE = 0.6
DOUBTFUL_BOOK_WORDS = 20_000


def structure_warnings(book: Book, found: Contents, chosen: str | None = None) -> tuple[str, ...]:
    """One line for each doubt about the chapters: one chapter holding most of a long book, or a table of
    contents that was found but whose chapters were not."""
    hint = "check the plan (render --dry-run), or choose with --chapters-from toc|headings" + (
        "|spine" if book.kind == "epub" else "")
    out = []
    if found.listed >= 3 and not found.from_list and chosen is None:
        out.append(f"{book.path}: has a table of contents ({found.listed} entries) whose chapters were not found "
                   f"in the text, so chapters come from their headings; {hint}")
    words = [len(book.text[c.body_start:c.end].split()) for c in book.chapters]
    total = sum(words)
    if total >= DOUBTFUL_BOOK_WORDS and max(words, default=0) > DOUBTFUL_CHAPTER_SHARE * total:
        n = words.index(max(words))
        chapter = book.chapters[n]
        out.append(f"{book.path}: chapter {chapter.index} ({chapter.title!r}) holds {100 * words[n] // total}% of "
                   f"the book's {total:,} words; its chapters may not have been found; {hint}")
    return tuple(out)


def _retitle(chapters: list[Chapter], old: str, new: str) -> list[Chapter]:
    """Name the front chapter after the book's final title."""
    return [replace(c, title=new) if c.start == c.body_start and c.index == 1 and c.title == old else c
            for c in chapters]


def _read_bytes(path: Path) -> bytes:
    name = str(path)
    if not path.exists():
        raise InputError(f"{name}: no such file")
    if path.is_dir():
        raise InputError(f"{name}: is a directory, not a text file")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"{name}: cannot be read ({exc.strerror or exc})") from None


def _check_words(name: str, text: str) -> None:
    if not text.replace("\ufeff", "").strip():
        raise InputError(f"{name}: is empty or only whitespace; there is nothing to read aloud")
    if not re.search(r"[^\W_]", text):
        raise InputError(f"{name}: has no words, only whitespace or punctuation; there is nothing to read aloud")
