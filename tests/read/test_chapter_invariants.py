"""Invariants of chapter finding on any text: chapters in order, never overlapping, headings inside them,
and within the part of the text that was asked for. Texts are built from pieces real books are made of."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audiobook.read.chapters import find_chapters

PIECES = [
    "CONTENTS", "Table of Contents", "LIST OF ILLUSTRATIONS", "CHAPTER I", "CHAPTER II.", "Chapter 3: The Road",
    "STAVE IV", "I.", "II", "III. THE END", "1.  The Storm", "2.  The Calm", "[ 1 ]", "\u2014 II \u2014", "PART ONE",
    "BOOK THE SECOND", "PREFACE", "Epilogue", "CONCLUSION", "Footnotes", "[Illustration: a ship]", "p003.jpg (307K)",
    "A Story Title", "Letter 1", "    Chapter 12 . . . . 45", "The rain fell on the roof of the old house by the sea "
    "while the wind blew hard over the hills and far away.", "\"Who is there?\" she asked, and nobody answered her.",
    "", "", "",
]


@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES), max_size=60), st.sampled_from(["\n", "\r\n"]), st.booleans(),
       st.sampled_from([None, "toc", "headings"]))
def test_chapters_are_ordered_disjoint_and_inside_the_range(pieces: list[str], newline: str, front: bool,
                                                            use: str | None) -> None:
    text = newline.join(pieces) + newline
    start, end = min(3, len(text)), max(min(3, len(text)), len(text) - 2)
    found = find_chapters(text, "Book", start, end, front=front, use=use, front_matter=front)
    chapters = found.chapters
    assert [c.index for c in chapters] == list(range(1, len(chapters) + 1))
    for c in chapters:
        assert start <= c.start <= c.body_start <= c.end <= end
        assert c.title.strip()
    for a, b in itertools.pairwise(chapters):
        assert a.end <= b.start
    assert all(1 <= first <= max(1, len(chapters)) for _title, first in found.parts)
