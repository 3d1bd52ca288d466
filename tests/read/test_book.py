"""load_book: one entry for every kind of file, with errors as one line naming the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from audiobook.errors import InputError
from audiobook.read.book import load_book, read_text, readable_title
from audiobook.read.chapters import split_chapters


def test_plain_utf8_book_is_what_read_text_and_split_chapters_give(example: Path) -> None:
    book = load_book(example)
    assert book.text == read_text(example)
    assert list(book.chapters) == split_chapters(book.text, "The Lighthouse Keeper")
    assert (book.kind, book.title, book.author, book.cover, book.parts) == ("text", "The Lighthouse Keeper", None,
                                                                            None, ())
    assert book.source_offset(len(book.text)) == len(book.text)
    with pytest.raises(IndexError):
        book.source_offset(len(book.text) + 1)


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (b"", "is empty or only whitespace; there is nothing to read aloud"),
        (b"... -- !!\n", "has no words, only whitespace or punctuation; there is nothing to read aloud"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "looks like a binary file (NUL byte at byte offset 8); give a UTF-8 text file"),
    ],
)
def test_bad_files_keep_their_messages(tmp_path: Path, content: bytes, error: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(InputError) as err:
        load_book(path)
    assert str(err.value) == f"{path}: {error}"


def test_missing_and_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        load_book(tmp_path / "nope.txt")
    with pytest.raises(InputError, match="is a directory, not a text file"):
        load_book(tmp_path)


def test_title_from_argument_or_file_name(tmp_path: Path) -> None:
    path = tmp_path / "the_lost-road.txt"
    path.write_text("CHAPTER I\n\nWords.\n", encoding="utf-8")
    assert load_book(path).title == readable_title(path) == "The Lost Road"
    assert load_book(path, title="Given").title == "Given"


def test_latin1_text_is_decoded_not_refused(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("Line one\ncaf\u00e9\n".encode("latin-1"))
    assert load_book(path).text == "Line one\ncaf\u00e9\n"
