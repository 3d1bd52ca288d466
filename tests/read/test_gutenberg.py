"""Project Gutenberg texts: the licence and front matter are kept in the text but not read as chapters."""

from __future__ import annotations

from pathlib import Path

from audiobook.read.book import load_book
from audiobook.read.gutenberg import find_gutenberg

PG = """\ufeffThe Project Gutenberg eBook of The Storm, by Ann Writer\r
\r
This eBook is for the use of anyone anywhere in the United States and most other parts of the world.\r
\r
Title: The Storm\r
       A Tale of the Sea\r
\r
Author: Ann Writer\r
\r
Release Date: May 1, 2001 [eBook #1234]\r
\r
Language: English\r
\r
*** START OF THE PROJECT GUTENBERG EBOOK THE STORM ***\r
\r
\r
\r
Produced by Some Volunteers and the Online Distributed Proofreading Team.\r
\r
\r
THE STORM\r
\r
By Ann Writer\r
\r
CONTENTS\r
\r
CHAPTER I. The Night\r
CHAPTER II. The Morning\r
\r
\r
CHAPTER I. The Night\r
\r
It was a dark and stormy night, and the rain fell in torrents upon the roof.\r
\r
CHAPTER II. The Morning\r
\r
The morning came at last, and with it a calm sea and a quiet, empty shore.\r
\r
End of the Project Gutenberg EBook of The Storm, by Ann Writer\r
\r
*** END OF THE PROJECT GUTENBERG EBOOK THE STORM ***\r
\r
Section 1. General Terms of Use and Redistributing Project Gutenberg-tm electronic works\r
"""


def test_header_fields_and_body() -> None:
    pg = find_gutenberg(PG)
    assert pg is not None
    assert (pg.title, pg.author, pg.language) == ("The Storm A Tale of the Sea", "Ann Writer", "en")
    assert PG[pg.body_start:].startswith("THE STORM")
    assert PG[pg.body_end:].startswith("End of the Project Gutenberg EBook")
    assert find_gutenberg("Just a story.\n") is None


def test_gutenberg_book_reads_only_the_chapters(tmp_path: Path) -> None:
    path = tmp_path / "pg1234.txt"
    path.write_bytes(PG.encode("utf-8"))
    book = load_book(path)
    assert book.text == PG  # the boilerplate stays in place, so offsets still index the file
    assert (book.kind, book.title, book.author, book.language) == ("gutenberg", "The Storm A Tale of the Sea",
                                                                  "Ann Writer", "en")
    assert [c.title for c in book.chapters] == ["Chapter I: The Night", "Chapter II: The Morning"]
    first, last = book.chapters
    assert PG[first.body_start:first.end].strip().startswith("It was a dark and stormy night")
    assert PG[last.body_start:last.end].strip().endswith("empty shore.")
    assert "Gutenberg" not in PG[first.start:last.end]


def test_title_argument_wins(tmp_path: Path) -> None:
    path = tmp_path / "pg.txt"
    path.write_text(PG, encoding="utf-8")
    assert load_book(path, title="Mine").title == "Mine"


def test_indented_end_marker_ends_the_book() -> None:
    text = ("Title: The Storm\n\n*** START OF THE PROJECT GUTENBERG EBOOK THE STORM ***\n\nCHAPTER I\n\n"
            "The storm came in the night and left before the morning.\n\n"
            "    *** END OF THE PROJECT GUTENBERG EBOOK THE STORM ***\n\nSection 1. General Terms of Use\n")
    pg = find_gutenberg(text)
    assert pg is not None
    assert text[pg.body_end:].lstrip().startswith("*** END OF")
    assert "General Terms" not in text[pg.body_start:pg.body_end]


OLD_STYLE = """**The Project Gutenberg Etext of The Storm, by Ann Writer**
#2 in our series by Ann Writer

Copyright laws are changing all over the world, be sure to check
the copyright laws for your country before posting these files!!

**Welcome To The World of Free Plain Vanilla Electronic Texts**

***START**THE SMALL PRINT!**FOR PUBLIC DOMAIN ETEXTS**START***
Why is this "Small Print!" statement here?  You know: lawyers.
*END*THE SMALL PRINT! FOR PUBLIC DOMAIN ETEXTS*Ver.04.29.93*END*


THE STORM

CHAPTER I

It was a dark and stormy night, and the rain fell in torrents upon the roof.

CHAPTER II

The morning came at last, and with it a calm sea and a quiet, empty shore.

End of the Project Gutenberg Etext of The Storm
"""


def test_licence_at_the_top_of_a_1990s_file(tmp_path: Path) -> None:
    path = tmp_path / "pg.txt"
    path.write_text(OLD_STYLE, encoding="utf-8")
    book = load_book(path)
    assert (book.kind, book.title, book.author) == ("gutenberg", "The Storm", "Ann Writer")
    assert [c.title for c in book.chapters] == ["Chapter I", "Chapter II"]
    spoken = book.text[book.chapters[0].start:book.chapters[-1].end]
    assert "Small Print" not in spoken and "Gutenberg" not in spoken


def test_header_without_a_start_line(tmp_path: Path) -> None:
    text = ("The Project Gutenberg EBook of The Storm, by Ann Writer\n\n"
            "This eBook is for the use of anyone anywhere at no cost. You may copy it under the terms of the\n"
            "Project Gutenberg License included with this eBook or online at www.gutenberg.org\n\n"
            "Title: The Storm\n\nAuthor: Ann Writer\n\nRelease Date: May 1, 2001 [EBook #1234]\n\n\n"
            "CHAPTER I\n\nIt was a dark and stormy night, and the rain fell in torrents upon the roof.\n\n"
            "End of the Project Gutenberg EBook of The Storm, by Ann Writer\n")
    pg = find_gutenberg(text)
    assert pg is not None
    assert text[pg.body_start:].startswith("CHAPTER I")
    assert text[pg.body_end:].startswith("End of the Project Gutenberg")
    assert (pg.title, pg.author) == ("The Storm", "Ann Writer")


def test_a_text_that_only_mentions_project_gutenberg_is_not_one() -> None:
    assert find_gutenberg("I read it on Project Gutenberg once.\n\nCHAPTER I\n\nA story.\n") is None
