"""Markdown manuscripts: front matter, headings as chapters and parts, inline markup stripped."""

from __future__ import annotations

from pathlib import Path

from audiobook.read.book import load_book
from audiobook.read.markdown import read_markdown

MD = """---
title: The Long Road
author: [Ann Writer, Bob Co]
language: en
---

# Part One

## Chapter 1: *The* Start

It was **very** dark[^1]. See [the map](http://x.y/z) and ![a cat](cat.png) here_and_there _now_.

> "Hello," she said.

* * *

## Chapter 2

More `text` and <span class="x">a tag</span>.

[^1]: A footnote
    that goes on.
[ref]: http://example.com

# Part Two

## Chapter 3

The end.
"""


def test_front_matter_parts_and_chapters(tmp_path: Path) -> None:
    path = tmp_path / "road.md"
    path.write_text(MD, encoding="utf-8")
    book = load_book(path)
    assert (book.kind, book.title, book.author, book.language) == ("markdown", "The Long Road",
                                                                  "Ann Writer, Bob Co", "en")
    assert [c.title for c in book.chapters] == ["Chapter 1: The Start", "Chapter 2", "Chapter 3"]
    assert book.parts == (("Part One", 1), ("Part Two", 3))
    one = book.chapters[0]
    assert book.text[one.start:one.body_start] == "Part One\n\nChapter 1: The Start"
    body = book.text[one.body_start:one.end]
    assert "It was very dark. See the map and  here_and_there now." in body
    assert '\n\n"Hello," she said.\n\n' in body
    assert "footnote" not in book.text and "example.com" not in book.text and "cat" not in book.text
    assert "More text and a tag." in book.text


def test_offsets_point_into_the_markdown(tmp_path: Path) -> None:
    book = read_markdown(MD, "B")
    for i, ch in enumerate(book.text):
        if ch.isalpha():
            assert MD[book.offsets(i)] == ch
    start = book.text.index("very")
    assert MD[book.offsets(start):].startswith("very** dark")


def test_a_lone_top_heading_is_the_title() -> None:
    book = read_markdown("# My Novel\n\n## One\n\nText one.\n\n## Two\n\nText two.\n", "file name")
    assert book.title == "My Novel"
    assert [c.title for c in book.contents.chapters] == ["One", "Two"]


def test_several_top_headings_are_chapters_and_setext_headings_count() -> None:
    book = read_markdown("Intro words.\n\n# One\n\nA.\n\nTwo\n===\n\nB.\n", "Book")
    assert [c.title for c in book.contents.chapters] == ["Book", "One", "Two"]


def test_without_headings_one_chapter() -> None:
    book = read_markdown("Just *words*.\n", "Book")
    assert book.text == "Just words.\n"
    assert [c.title for c in book.contents.chapters] == ["Book"]
