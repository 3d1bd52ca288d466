"""Chapter headings: which lines start a chapter, and the titles they give."""

from __future__ import annotations

import itertools

import pytest

from audiobook.chapters import number_value, split_chapters, spoken_title


def titles(text: str) -> list[str]:
    return [c.title for c in split_chapters(text, "My Book")]


def test_no_heading_is_one_chapter_named_after_the_book() -> None:
    chapters = split_chapters("Once upon a time.\n\nThe end.\n", "My Book")
    assert [(c.index, c.title, c.start, c.body_start, c.end) for c in chapters] == [(1, "My Book", 0, 0, 28)]


@pytest.mark.parametrize(
    ("heading", "title"),
    [
        ("CHAPTER I", "Chapter I"),
        ("CHAPTER I.", "Chapter I"),
        ("Chapter 1", "Chapter 1"),
        ("Chapter One.", "Chapter One"),
        ("Chapter Twenty-One", "Chapter Twenty-One"),
        ("CHAPTER XII. The Title", "Chapter XII: The Title"),
        ("Chapter 4: A New Hope", "Chapter 4: A New Hope"),
        ("CHAPTER XII. THE END OF THE STORY", "Chapter XII: The End of the Story"),
        ("   CHAPTER III", "Chapter III"),
    ],
)
def test_heading_variants(heading: str, title: str) -> None:
    text = f"Preface words.\n\n{heading}\n\nIt began.\n\n{heading.replace('I', 'V', 1)}\n\nMore.\n"
    found = titles(text)
    assert found[0] == "My Book"  # the text before the first heading is a chapter of its own
    assert found[1] == title


def test_title_on_the_line_below() -> None:
    text = "CHAPTER I\nTHE ONE THING NEEDFUL\n\nNow, what I want is facts.\n"
    [chapter] = split_chapters(text, "B")
    assert chapter.title == "Chapter I: The One Thing Needful"
    assert text[chapter.start:chapter.body_start] == "CHAPTER I\nTHE ONE THING NEEDFUL"


def test_number_on_the_line_below() -> None:
    text = "    CHAPTER\n       1\n\nRobert was a boxer.\n\n    CHAPTER\n       2\n\nHe was.\n"
    assert titles(text) == ["Chapter 1", "Chapter 2"]


def test_prose_mentioning_a_chapter_is_not_a_heading() -> None:
    text = "She read\nChapter 3 was the best of them.\n\nChapter 3 of the book was long.\n"
    assert titles(text) == ["My Book"]


def test_lone_numeral_is_not_enough_by_itself() -> None:
    assert titles("I.\n\nI went out.\n\nThen I came back.\n") == ["My Book"]


def test_a_run_of_lone_numerals_is_a_run_of_chapters() -> None:
    text = "THE STORY\n\n\nI\n\nFirst part.\n\nII\n\nSecond part.\n\nIII\n\nThird part.\n"
    assert titles(text) == ["My Book", "Chapter I", "Chapter II", "Chapter III"]


def test_chapters_tile_the_text_with_crlf() -> None:
    text = "CHAPTER I.\r\n\r\nOne.\r\n\r\nCHAPTER II.\r\n\r\nTwo.\r\n"
    chapters = split_chapters(text, "B")
    assert [c.title for c in chapters] == ["Chapter I", "Chapter II"]
    assert chapters[0].start == 0 and chapters[-1].end == len(text)
    assert all(a.end == b.start for a, b in itertools.pairwise(chapters))


@pytest.mark.parametrize(("numeral", "value"), [("XII", 12), ("iv", 4), ("12", 12), ("Twenty-One", 21),
                                                ("third", 3), ("IIII", None), ("Bob", None)])
def test_number_value(numeral: str, value: int | None) -> None:
    assert number_value(numeral) == value


def test_spoken_title() -> None:
    assert spoken_title("Chapter XII: The Title") == "Chapter 12. The Title"
    assert spoken_title("Chapter One") == "Chapter One"
