"""How a book's structure reaches the user: the dry-run plan names the book, doubts are one warning line,
and `--chapters-from` / `--include-front-matter` choose what is read. Passages are our own."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from typer.testing import CliRunner

from audiobook.cli import app

runner = CliRunner()

PROSE = ("The lamp burned low in the window while the rain went on against the glass, and nobody in the house "
         "could say when it had begun or when it would stop.\n\n")

GUTENBERG = ("The Project Gutenberg eBook of The Lamp, by Ann Writer\n\nTitle: The Lamp\n\nAuthor: Ann Writer\n\n"
             "Language: English\n\n*** START OF THE PROJECT GUTENBERG EBOOK THE LAMP ***\n\n\nTHE LAMP\n\n"
             "By Ann Writer\n\n\nEDITOR'S PREFACE\n\n" + PROSE.replace("lamp", "editor's lamp") +
             "CONTENTS\n\n  The First Evening\n  The Second Evening\n\n"
             "LIST OF ILLUSTRATIONS\n\n  The lamp in the window . . . 12\n\n\n"
             "The First Evening\n\n" + PROSE + "The Second Evening\n\n" + PROSE +
             "*** END OF THE PROJECT GUTENBERG EBOOK THE LAMP ***\n")


def run(*args: str | Path) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def test_dry_run_json_names_the_book(write: Callable[..., Path]) -> None:
    code, out, err = run("render", write("pg.txt", GUTENBERG), "--dry-run", "--json")
    assert code == 0, err
    plan = json.loads(out)
    assert (plan["title"], plan["author"], plan["language"], plan["kind"]) == ("The Lamp", "Ann Writer", "en",
                                                                               "gutenberg")
    assert [c["title"] for c in plan["chapters"]] == ["The First Evening", "The Second Evening"]
    assert plan["warnings"] == []
    assert plan["unread_words"] == 58  # title page, editor's preface, contents, list of illustrations
    code, out, _err = run("render", write("pg.txt", GUTENBERG), "--dry-run", "--json", "--include-front-matter")
    assert json.loads(out)["unread_words"] == 7  # the table of contents alone


def test_front_matter_is_read_only_when_asked(write: Callable[..., Path]) -> None:
    path = write("pg.txt", GUTENBERG)
    plain = run("segment", path, "--format", "text")[1]
    assert "editor's lamp" not in plain and "window . . ." not in plain and "CONTENTS" not in plain
    code, full, err = run("segment", path, "--format", "text", "--include-front-matter")
    assert code == 0, err
    assert "editor's lamp" in full and "The lamp in the window" in full
    assert "The Second Evening" in full and "CONTENTS" not in full  # the table of contents is never read


def test_chapters_from_chooses_and_refuses_in_one_line(write: Callable[..., Path]) -> None:
    path = write("pg.txt", GUTENBERG)
    code, out, _err = run("render", path, "--dry-run", "--json", "--chapters-from", "headings")
    assert code == 0
    assert [c["title"] for c in json.loads(out)["chapters"]] == ["The Lamp"]  # no heading has a form of its own
    assert run("render", path, "--dry-run", "--chapters-from", "spine")[::2] == (
        1, f"Error: {path}: --chapters-from spine is for EPUB files; use toc or headings\n")
    assert run("segment", path, "--chapters-from", "pages")[::2] == (
        1, "Error: --chapters-from 'pages' is not allowed; use toc, headings, spine\n")
    plain = write("plain.txt", "CHAPTER I\n\n" + PROSE + "CHAPTER II\n\n" + PROSE)
    assert run("render", plain, "--dry-run", "--chapters-from", "toc")[::2] == (
        1, f"Error: {plain}: --chapters-from toc: no table of contents whose entries stand in the text as "
           "headings; use --chapters-from headings\n")


def test_one_chapter_holding_a_long_book_is_a_warning(write: Callable[..., Path]) -> None:
    long_book = "CHAPTER I\n\n" + PROSE * 10 + "CHAPTER II\n\n" + PROSE * 700
    path = write("long.txt", long_book)
    code, _out, err = run("render", path, "--dry-run")
    assert code == 0
    warnings = [line for line in err.splitlines() if line.startswith("Warning:")]
    assert warnings == [f"Warning: {path}: chapter 2 ('Chapter II') holds 98% of the book's 22,010 words; its "
                        "chapters may not have been found; check the plan (render --dry-run), or choose with "
                        "--chapters-from toc|headings"]
    assert json.loads(run("render", path, "--dry-run", "--json")[1])["warnings"] == [warnings[0][len("Warning: "):]]


def test_contents_not_found_in_the_text_is_a_warning(write: Callable[..., Path]) -> None:
    text = "CONTENTS\n\n  Alpha\n  Beta\n  Gamma\n\n\nCHAPTER I\n\n" + PROSE + "CHAPTER II\n\n" + PROSE
    path = write("toc.txt", text)
    code, _out, err = run("render", path, "--dry-run")
    assert code == 0
    assert (f"Warning: {path}: has a table of contents (3 entries) whose chapters were not found in the text, so "
            "chapters come from their headings; check the plan (render --dry-run), or choose with "
            "--chapters-from toc|headings") in err
