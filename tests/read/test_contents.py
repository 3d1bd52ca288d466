"""A plain text's table of contents: never read as chapters, and it names the headings the body has.

Every passage here is written for these tests; each reproduces a form seen in real Project Gutenberg files.
"""

from __future__ import annotations

import pytest

from audiobook.read.chapters import find_chapters
from audiobook.read.contents import find_contents, match_entries, parse_heading

PROSE = ("The lamp burned low in the window while the rain went on against the glass, and nobody in the house "
         "could say when it had begun or when it would stop.\n\n")


def chapters(text: str) -> list[str]:
    return [c.title for c in find_chapters(text, "Book", front=False).chapters]


def bodies(text: str) -> list[str]:
    return [text[c.body_start:c.end].strip()[:19] for c in find_chapters(text, "Book", front=False).chapters]


@pytest.mark.parametrize(("line", "expected"), [
    ("CHAPTER XII. THE LONG ROAD", ("chapter", 12, "THE LONG ROAD")),
    ("Stave   III: The Third Visit", ("chapter", 3, "The Third Visit")),
    ("  IV  A HOUSE BY THE SEA", (None, 4, "A HOUSE BY THE SEA")),
    ("— II —", (None, 2, "")),
    ("[ 7 ]", (None, 7, "")),
    ("BOOK THE SECOND", ("part", 2, "")),
    ("I went home", (None, None, "I went home")),
    ("One day we left", (None, None, "One day we left")),
])
def test_parse_heading(line: str, expected: tuple[str | None, int | None, str]) -> None:
    head = parse_heading(line)
    assert head is not None
    assert (head.kind, head.number, head.title) == expected


def test_story_titles_alone_on_a_line_are_chapters_and_sections_within_them_are_not() -> None:
    text = ("CONTENTS\n\n    The Lantern Keeper\n    A Visit to the Mill\n    The Last Ferry\n\n\n\n"
            "The Lantern Keeper\n\n\nI.\n\n" + PROSE + "II.\n\n" + PROSE +
            "A Visit to the Mill\n\n\nI.\n\n" + PROSE + "II.\n\n" + PROSE + "III.\n\n" + PROSE +
            "The Last Ferry\n\n" + PROSE)
    assert chapters(text) == ["The Lantern Keeper", "A Visit to the Mill", "The Last Ferry"]


def test_contents_with_page_numbers_dotted_leaders_and_wrapped_entries() -> None:
    text = ("     CONTENTS\n\n     PART ONE\n     The Harbour\n\n"
            "     1.  THE INN ON THE HILL . . . . . . . . .  11\n"
            "     2.  A STRANGER AT THE DOOR  . . . . . . .  17\n"
            "     3.  WHAT THE LETTER SAID TO THE\n"
            "            SQUIRE AND THE DOCTOR . . . . . .  24\n\n\n\n"
            "PART ONE--The Harbour\n\n\n\n1\n\nThe Inn on the Hill\n\n" + PROSE +
            "2\n\nA Stranger at the Door\n\n" + PROSE +
            "3\n\nWhat the Letter Said to the Squire and the Doctor\n\n" + PROSE)
    found = find_chapters(text, "Book", front=False)
    assert [c.title for c in found.chapters] == [
        "Chapter 1: The Inn on the Hill", "Chapter 2: A Stranger at the Door",
        "Chapter 3: What the Letter Said to the Squire and the Doctor"]
    assert found.parts == [("Part One: The Harbour", 1)]
    assert all(text[c.body_start:c.end].strip().startswith("The lamp") for c in found.chapters)


def test_entries_separated_by_blank_lines_end_where_the_body_repeats_the_first() -> None:
    entries = "".join(f"CHAPTER {n}. Title Number {n}.\n\n" for n in range(1, 6))
    body = "".join(f"CHAPTER {n}. Title Number {n}.\n\n" + PROSE for n in range(1, 6))
    text = "CONTENTS\n\nFOREWORD.\n\n" + entries + "\n\n  FOREWORD.\n\n" + PROSE + body
    assert chapters(text) == ["Foreword"] + [f"Chapter {n}: Title Number {n}" for n in range(1, 6)]
    assert bodies(text)[0] == "The lamp burned low"


def test_a_cut_short_list_still_finds_the_chapters_that_go_on_with_its_numbering() -> None:
    listed = " ".join(f"CHAPTER {r}" for r in ("I", "II", "III"))
    body = "".join(f"CHAPTER {r}.\n\n" + PROSE for r in ("I", "II", "III", "IV", "V"))
    text = "CONTENTS\n\nBOOK I\n\n" + listed + "\n\n\nPRELUDE\n\n" + PROSE + "BOOK I.\n\n" + body + "FINALE.\n\n" + PROSE
    found = find_chapters(text, "Book", front=False)
    assert [c.title for c in found.chapters] == ["Prelude"] + [f"Chapter {r}" for r in ("I", "II", "III", "IV", "V")] \
        + ["Finale"]
    assert found.parts == [("Book I", 2)]


def test_subsections_restarting_the_numbering_are_not_chapters() -> None:
    listed = "".join(f"CHAPTER {n}. Title {n}.\n" for n in range(1, 4))
    body = ("CHAPTER 1. Title 1.\n\n" + PROSE + "CHAPTER 2. Title 2.\n\n" + PROSE +
            "BOOK I. (Large), CHAPTER I. (First Kind).\n\n" + PROSE + "CHAPTER 3. Title 3.\n\n" + PROSE)
    text = "CONTENTS\n\n" + listed + "\n\n" + body
    assert chapters(text) == ["Chapter 1: Title 1", "Chapter 2: Title 2", "Chapter 3: Title 3"]


def test_a_list_of_illustrations_is_not_read_and_front_matter_before_contents_is_kept() -> None:
    listed = "".join(f"  {r}  THE {w} NIGHT\n" for r, w in (("I", "FIRST"), ("II", "SECOND"), ("III", "THIRD")))
    pictures = "ILLUSTRATIONS\n\n  The mill by moonlight . . . 12\n  The ferry at dawn . . . 40\n\n\n"
    body = "".join(f"Chapter {r}  The {w} Night\n\n" + PROSE for r, w in (("I", "First"), ("II", "Second"),
                                                                          ("III", "Third")))
    text = "PREFACE\n\n" + PROSE + "CONTENTS\n\n" + listed + "\n\n" + pictures + body
    found = find_chapters(text, "Book", front=False)
    assert [c.title for c in found.chapters] == ["Preface", "Chapter I: The First Night",
                                                 "Chapter II: The Second Night", "Chapter III: The Third Night"]
    preface = found.chapters[0]
    assert "CONTENTS" not in text[preface.start:preface.end]
    assert all("moonlight" not in text[c.start:c.end] for c in found.chapters)


def test_footnotes_named_by_the_contents_are_not_read() -> None:
    listed = "Chapter I. Arrival\nChapter II. Departure\nFootnotes\n"
    text = ("Contents\n\n" + listed + "\n\n\nChapter I. Arrival\n\n" + PROSE + "Chapter II. Departure\n\n" + PROSE
            + "Footnotes\n\n1 A note that a listener does not want read aloud at the end of the book.\n")
    found = find_chapters(text, "Book", front=False)
    assert [c.title for c in found.chapters] == ["Chapter I: Arrival", "Chapter II: Departure"]
    assert "listener" not in text[found.chapters[-1].start:found.chapters[-1].end]


def test_an_unnumbered_heading_over_chapters_is_a_part() -> None:
    listed = "Part I\nChapter I. One\nChapter II. Two\nEpilogue\nChapter I. Three\nChapter II. Four\n"
    body = ("PART I\n\nChapter I.\nOne\n\n" + PROSE + "Chapter II.\nTwo\n\n" + PROSE + "EPILOGUE\n\n\n"
            "Chapter I.\nThree\n\n" + PROSE + "Chapter II.\nFour\n\n" + PROSE)
    found = find_chapters("Contents\n\n" + listed + "\n\n\n" + body, "Book", front=False)
    assert [c.title for c in found.chapters] == ["Chapter I: One", "Chapter II: Two", "Chapter I: Three",
                                                 "Chapter II: Four"]
    assert found.parts == [("Part I", 1), ("Epilogue", 3)]


def test_contents_that_match_nothing_fall_back_to_headings() -> None:
    text = ("CONTENTS\n\n  Alpha\n  Beta\n  Gamma\n\n\nCHAPTER I\n\n" + PROSE + "CHAPTER II\n\n" + PROSE)
    assert chapters(text) == ["Chapter I", "Chapter II"]
    lists = find_contents(text, 0, len(text))
    assert [e.heading.title for e in lists[0].entries] == ["Alpha", "Beta", "Gamma"]
    assert match_entries(text, lists[0].entries, lists[0].end, len(text)) == []


def test_an_entry_keeps_its_own_number_and_a_conclusion_after_the_list_is_a_chapter() -> None:
    listed = " Letter 1\n Letter 2\n Chapter 1\n Chapter 2\n"
    body = ("Letter 1\n\n" + PROSE + "Letter 2\n\n" + PROSE + "Chapter 1\n\n" + PROSE + "Chapter 2\n\n" + PROSE
            + "CONCLUSION\n\n" + PROSE)
    lists = find_contents(" CONTENTS\n\n" + listed + "\n\n\n" + body, 0, 10_000)
    assert [(e.heading.special, e.heading.number) for e in lists[0].entries] == [
        ("letter", 1), ("letter", 2), ("chapter", 1), ("chapter", 2)]
    assert chapters(" CONTENTS\n\n" + listed + "\n\n\n" + body) == ["Letter 1", "Letter 2", "Chapter 1", "Chapter 2",
                                                                   "Conclusion"]


def test_parts_keep_their_chapters_when_the_contents_are_not_found() -> None:
    text = ("CONTENTS\n\n  Alpha\n  Beta\n  Gamma\n\n\nCHAPTER I\n\n" + PROSE + "CHAPTER II\n\n" + PROSE
            + "PART TWO\n\nCHAPTER III\n\n" + PROSE)
    found = find_chapters(text, "Book", front=False)
    assert [c.title for c in found.chapters] == ["Chapter I", "Chapter II", "Chapter III"]
    assert found.parts == [("Part Two", 3)]
