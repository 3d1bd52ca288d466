"""Chapter headings: which lines start a chapter, and the titles they give."""

from __future__ import annotations

import itertools

import pytest

from audiobook.read.chapters import find_chapters, number_value, scene_breaks, split_chapters, spoken_title, tidy_title


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


def test_a_first_paragraph_that_runs_on_into_the_story_is_no_title() -> None:
    text = "CHAPTER I\n\nTom climbed the hill. It went like this:\n\n    Up the hill\n\nCHAPTER II\n\nThe end.\n"
    assert titles(text) == ["Chapter I", "Chapter II"]
    text = "CHAPTER I\n\nAs he walked he sang to himself:\n\n    Up the hill\n"
    assert titles(text) == ["Chapter I"]


def test_spoken_title() -> None:
    assert spoken_title("Chapter XII: The Title") == "Chapter 12. The Title"
    assert spoken_title("Chapter One") == "Chapter One"
    assert spoken_title("Stave I: The First Ghost") == "Stave 1. The First Ghost"
    assert spoken_title("Book the Second") == "Book the Second"


def contents(text: str, **kw: bool) -> tuple[list[tuple[str, str]], list[tuple[str, int]]]:
    found = find_chapters(text, "My Book", **kw)
    return [(c.title, text[c.start:c.body_start]) for c in found.chapters], found.parts


@pytest.mark.parametrize(
    ("heading", "title"),
    [
        ("LETTER I", "Letter I"),
        ("Letter 1", "Letter 1"),
        ("PROLOGUE", "Prologue"),
        ("Epilogue: After the War", "Epilogue: After the War"),
        ("       CHAPTER IV.", "Chapter IV"),
        ("Chapter 4: Title", "Chapter 4: Title"),
    ],
)
def test_more_heading_variants(heading: str, title: str) -> None:
    text = f"Some front words.\n\n{heading}\n\nIt began.\n"
    assert titles(text) == ["My Book", title]


def test_prologue_in_lower_case_or_in_prose_is_not_a_heading() -> None:
    assert titles("the prologue\n\nwas long.\n\nPrologue to a tale of woe, it was.\n") == ["My Book"]


def test_roman_numerals_with_titles_in_capitals_in_a_run() -> None:
    text = ("PROLOGUE\n\nLong ago.\n\nI. THE BEGINNING\n\nOne.\n\nII. THE MIDDLE\n\nTwo.\n\n"
            "III. THE END\n\nThree.\n\nEPILOGUE\n\nAfter.\n")
    assert titles(text) == ["Prologue", "Chapter I: The Beginning", "Chapter II: The Middle", "Chapter III: The End",
                            "Epilogue"]
    assert titles("I. Went home.\n\nII. Came back.\n\nIII. Slept.\n\nMore.\n") == ["My Book"]


def test_parts_are_returned_apart_and_open_their_first_chapter() -> None:
    text = ("BOOK THE FIRST\n\nRECALLED TO LIFE\n\nCHAPTER I.\nThe Period\n\nIt was the best of times.\n\n"
            "CHAPTER II.\n\nThe Mail.\n\nBOOK THE SECOND\n\nCHAPTER I.\n\nFive years.\n")
    chapters, parts = contents(text)
    assert [t for t, _ in chapters] == ["Chapter I: The Period", "Chapter II", "Chapter I"]
    assert parts == [("Book the First: Recalled to Life", 1), ("Book the Second", 3)]
    assert chapters[2][1] == "BOOK THE SECOND\n\nCHAPTER I."
    found = find_chapters(text, "B").chapters
    assert found[0].start == 0 and all(a.end == b.start for a, b in itertools.pairwise(found))


def test_parts_without_chapters_are_chapters() -> None:
    text = "PART ONE\n\nThe first.\n\nPart Two\n\nThe second.\n\nBook I\n\nThe third.\n"
    assert contents(text) == ([("Part One", "PART ONE"), ("Part Two", "Part Two"), ("Book I", "Book I")], [])


def test_part_with_prose_of_its_own_is_a_chapter_too() -> None:
    text = ("PART ONE\n\nA long introduction to the whole first part of the book, written at length here.\n\n"
            "CHAPTER 1\n\nOne.\n")
    assert contents(text) == ([("Part One", "PART ONE"), ("Chapter 1", "CHAPTER 1")], [("Part One", 1)])


def test_table_of_contents_is_not_read_as_chapters() -> None:
    listed = ("THE STORM\n\nCONTENTS\n\nCHAPTER I. The Night\n\nCHAPTER II. The Day\n\n\n"
              "CHAPTER I. The Night\n\nIt was dark.\n\nCHAPTER II. The Day\n\nIt was light.\n")
    assert [t for t, _ in contents(listed)[0]] == ["Chapter I: The Night", "Chapter II: The Day"]
    lines = ("CONTENTS\n\nCHAPTER I. The Night      1\nCHAPTER II. The Day      9\n\n"
             "CHAPTER I. The Night\n\nIt was dark.\n\nCHAPTER II. The Day\n\nIt was light.\n")
    found = find_chapters(lines, "B").chapters
    assert [c.title for c in found] == ["Chapter I: The Night", "Chapter II: The Day"]
    assert lines[found[0].body_start:found[0].end].strip() == "It was dark."


def test_region_and_front_matter() -> None:
    text = "HEADER\n\nFront matter.\n\nCHAPTER 1\n\nOne.\n\nFOOTER\n"
    end = text.index("FOOTER")
    found = find_chapters(text, "B", start=8, end=end, front=False).chapters
    assert [(c.title, c.start, c.end) for c in found] == [("Chapter 1", text.index("CHAPTER"), end)]
    assert [c.title for c in find_chapters(text, "B", start=8, end=end).chapters] == ["B", "Chapter 1"]


def test_scene_breaks() -> None:
    text = "One.\n\n* * *\n\nTwo.\n\n***\n\nThree.\n\n   #\n\n\u2014\n\nFour * * * here.\n\n*   *   *   *   *\n"
    marks = [text[i:i + 3] for i in scene_breaks(text)]
    assert marks == ["* *", "***", "#\n\n", "\u2014\n\n", "*  "]


PROSE_LINE = "It was dark and the wind blew hard over the hills and far away from the house.\n\n"


@pytest.mark.parametrize(("text", "titles"), [
    ("STAVE I:  THE FIRST GHOST\n\n" + PROSE_LINE + "STAVE II:  THE SECOND GHOST\n\n" + PROSE_LINE,
     ["Stave I: The First Ghost", "Stave II: The Second Ghost"]),
    ("".join(f"\u2014 {r} \u2014\n\n" + PROSE_LINE for r in ("I", "II", "III")), ["Chapter I", "Chapter II", "Chapter III"]),
    ("".join(f"[ {n} ]\n\n" + PROSE_LINE for n in (1, 2, 3)), ["Chapter 1", "Chapter 2", "Chapter 3"]),
    ("I\n\nTHE FIRST SNOW\n\n" + PROSE_LINE + "II\n\nA WINTER GUEST\n\n" + PROSE_LINE + "III\n\nTHE THAW\n\n"
     + PROSE_LINE, ["Chapter I: The First Snow", "Chapter II: A Winter Guest", "Chapter III: The Thaw"]),
    ("1.  The Storm\n\n" + PROSE_LINE + "2.  The Council of the Birds\n\n" + PROSE_LINE + "3.  How the Mill Burned\n\n"
     + PROSE_LINE, ["Chapter 1: The Storm", "Chapter 2: The Council of the Birds", "Chapter 3: How the Mill Burned"]),
    ("Chapter I  Who Is at the Door?\n\n" + PROSE_LINE + "Chapter II  The Lantern\n\n" + PROSE_LINE,
     ["Chapter I: Who Is at the Door?", "Chapter II: The Lantern"]),
])
def test_heading_forms_of_real_books(text: str, titles: list[str]) -> None:
    assert [c.title for c in split_chapters(text, "Book")] == titles


def test_numbered_steps_of_a_recipe_are_not_chapters() -> None:
    text = "".join(f"{n}. {step}\n\n" + PROSE_LINE for n, step in enumerate(("Take the flour.", "Add the eggs.",
                                                                            "Bake it well."), 1))
    assert [c.title for c in split_chapters(text, "Book")] == ["Book"]


def test_illustration_markers_and_image_names_never_become_titles() -> None:
    text = ("CHAPTER I\n\n[Illustration]\n\nTHE NIGHT\n\n" + PROSE_LINE + "CHAPTER II\n\n[Illustration: The sea]\n\n"
            + PROSE_LINE + "VOLUME II. p003.jpg (307K)\n\nCHAPTER III\n\n" + PROSE_LINE)
    found = find_chapters(text, "Book")
    assert [c.title for c in found.chapters] == ["Chapter I: The Night", "Chapter II", "Chapter III"]
    assert found.parts == [("Volume II", 3)]


def test_a_first_sentence_is_not_a_title() -> None:
    text = ("CHAPTER 7\n\nOn my return, I found the following letter from my father:\u2014\n\n" + PROSE_LINE +
            "CHAPTER 8\n\n" + PROSE_LINE)
    assert [c.title for c in split_chapters(text, "Book")] == ["Chapter 7", "Chapter 8"]


@pytest.mark.parametrize(("title", "tidy"), [
    ("SECTION IV FAIRY TALES\u2014MODERN STORIES", "Section IV Fairy Tales\u2014Modern Stories"),
    ("190 A FOUR-LEAVED CLOVER", "190 A Four-Leaved Clover"),
    ("VOYAGE OF THE MIND: A TALE", "Voyage of the Mind: A Tale"),
    ("MIX A LITTLE", "Mix a Little"),
    ("KING HENRY V", "King Henry V"),
    ("Mixed Case stays", "Mixed Case stays"),
])
def test_titles_in_capitals_are_title_cased(title: str, tidy: str) -> None:
    assert tidy_title(title) == tidy
