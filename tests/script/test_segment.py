"""Tests for audiobook.segment: quote conventions, golden passages and property tests.

Golden files: each tests/script/golden/segment/NAME.txt (a passage of our own
writing, its first paragraph the chapter heading) has NAME.jsonl holding the
expected segments, one JSON object a line with the segment's text for review.
After a deliberate change, regenerate them and review the diff:

    UPDATE_GOLDEN=1 pytest tests/script/test_segment.py
"""

from __future__ import annotations

import itertools
import json
import os
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from audiobook.model import Chapter, Segment
from audiobook.script.segment import segment

GOLDEN = Path(__file__).parent / "golden" / "segment"


def one_chapter(text: str, heading: str = "") -> list[Chapter]:
    """A single chapter over the whole text, with an optional heading at its start."""
    return [Chapter(1, "One", 0, len(heading), len(text))]


def pieces(text: str, heading: str = "") -> list[tuple[str, str]]:
    return [(s.kind, text[s.start : s.end]) for s in segment(text, one_chapter(text, heading))]


def dialogue(text: str) -> list[str]:
    return [t for k, t in pieces(text) if k == "dialogue"]


def test_straight_quotes_and_tag_between() -> None:
    text = '"The Signora had no right," said Ellen, "no right at all."'
    assert pieces(text) == [
        ("dialogue", '"The Signora had no right,"'),
        ("narration", "said Ellen,"),
        ("dialogue", '"no right at all."'),
    ]


def test_curly_quotes() -> None:
    text = "He waited. “Is it you?” she asked. “It’s late.”"
    assert dialogue(text) == ["“Is it you?”", "“It’s late.”"]


def test_single_quote_book() -> None:
    text = (
        "'You're late,' said Anne. 'The Smiths' cart left at four o'clock.'\n\n"
        "'I know,' he said. 'Go on, 'tis a long road.'\n\n"
        "'Then hurry,' she said, and turned away.\n"
    )
    assert dialogue(text) == [
        "'You're late,'",
        "'The Smiths' cart left at four o'clock.'",
        "'I know,'",
        "'Go on, 'tis a long road.'",
        "'Then hurry,'",
    ]


def test_a_single_quote_speech_may_open_with_a_word_an_apostrophe_elides() -> None:
    # "Is", "Till", "Ere" after a mark open a speech; "’em", "’tis" in lowercase, and "’Tis", stay elisions.
    text = (
        "‘Well, it’s true.’ He poured the tea. ‘Is there any cake left?’\n\n"
        "‘Till tomorrow, then. Give ’em my love.’\n\n"
        "‘Ere, you!’ he said. ‘’Tis late.’\n"
    )
    assert dialogue(text) == [
        "‘Well, it’s true.’", "‘Is there any cake left?’", "‘Till tomorrow, then. Give ’em my love.’", "‘Ere, you!’",
        "‘’Tis late.’",
    ]


def test_a_split_quote_resumes_after_its_tag_even_on_a_word_an_apostrophe_may_elide() -> None:
    # After `said Ruth,` a mark before "is" goes on with the speech; inside a quote, "’is" is still "his".
    text = (
        "‘The trouble,’ said Ruth, ‘is that nobody listens.’\n\n"
        "‘I saw ’is cart,’ said Jem, ‘ere the rain came.’\n"
    )
    assert dialogue(text) == [
        "‘The trouble,’", "‘is that nobody listens.’", "‘I saw ’is cart,’", "‘ere the rain came.’",
    ]


def test_a_word_cut_short_at_its_end_does_not_close_a_single_quote_speech() -> None:
    # Dialect drops a word's end (th' bed, goin' home) and a plural possessive ends in a mark, also across a line.
    text = (
        "‘Come awa’ from th’ bed, lad, an’ be goin’ home,’ said Jem.\n\n"
        "‘For goodness’\nsake, mind the boys’ kite,’ she said. ‘It is theirs.’\n"
    )
    assert dialogue(text) == [
        "‘Come awa’ from th’ bed, lad, an’ be goin’ home,’",
        "‘For goodness’\nsake, mind the boys’ kite,’",
        "‘It is theirs.’",
    ]


def test_single_quotes_stay_apostrophes_in_a_double_quote_book() -> None:
    text = "'Tis late, and the Joneses' dog won't stop. \"Quiet!\" I said."
    assert dialogue(text) == ['"Quiet!"']


def test_multi_paragraph_quote_gives_one_dialogue_segment_per_paragraph() -> None:
    text = '"First part of the speech,\nwrapped here.\n\n"Second part," he said.\n\nThe end.'
    segs = segment(text, one_chapter(text))
    kinds = [(s.kind, s.paragraph) for s in segs]
    assert kinds == [("dialogue", 1), ("dialogue", 2), ("narration", 2), ("narration", 3)]
    assert text[segs[0].start : segs[0].end] == '"First part of the speech,\nwrapped here.'


def test_apostrophes_are_never_quotes() -> None:
    text = "Don't fret, 'tis only the Smiths' cat; ’twas ever thus at o'clock tea, says 'em."
    assert pieces(text) == [("narration", text)]


def test_unmatched_quote_ends_with_its_paragraph() -> None:
    text = 'She said "wait for me and never finished.\n\nThe rest is narration, plainly.'
    assert pieces(text) == [
        ("narration", "She said"),
        ("dialogue", '"wait for me and never finished.'),
        ("narration", "The rest is narration, plainly."),
    ]


def test_nested_quotes_stay_inside() -> None:
    text = "\"He told me, 'Go home,' and I went,\" she said. “Then ‘never’ came.”"
    assert dialogue(text) == ["\"He told me, 'Go home,' and I went,\"", "“Then ‘never’ came.”"]


def test_nested_double_in_double_stays_inside() -> None:
    text = '"I tried to say "How doth the little bee," but it came out wrong!" Ann replied.'
    assert pieces(text) == [
        ("dialogue", '"I tried to say "How doth the little bee," but it came out wrong!"'),
        ("narration", "Ann replied."),
    ]


def test_scare_quotes_are_narration() -> None:
    text = 'The so-called "pigeon house" stood behind the gate.'
    assert pieces(text) == [("narration", text)]


def test_a_title_the_sentence_runs_on_past_is_narration() -> None:
    text = 'Their joint production, "Snowflakes," premiered in the spring.'
    assert pieces(text) == [("narration", text)]
    # Speech in the same shape stays speech: introduced by a speech verb, or followed by one.
    assert dialogue('She was going to answer, "No," when the bell rang.') == ['"No,"']
    assert dialogue('Roo, bubbling proudly, "Look at me," drifted up.') == ['"Look at me,"']
    assert dialogue('At the door, "Come in," said Ann.') == ['"Come in,"']


def test_heading_is_its_own_narration_paragraph() -> None:
    heading = "CHAPTER I.\nA \"Title\" Line\n\n"
    text = heading + '"Hello," she said.'
    segs = segment(text, one_chapter(text, heading))
    assert [(s.kind, text[s.start : s.end], s.paragraph) for s in segs] == [
        ("narration", 'CHAPTER I.\nA "Title" Line', 1),
        ("dialogue", '"Hello,"', 2),
        ("narration", "she said.", 2),
    ]


def test_lines_are_paragraphs_without_blank_lines() -> None:
    text = "".join(f'"Line {i}," said Bo.\n' for i in range(10))
    segs = segment(text, one_chapter(text))
    assert sorted({s.paragraph for s in segs}) == list(range(1, 11))


def test_hard_wrapped_lines_are_one_paragraph() -> None:
    text = "A long\nwrapped\nparagraph.\n\nAnother one\nhere.\n\nAnd a third."
    assert [s.paragraph for s in segment(text, one_chapter(text))] == [1, 2, 3]


def test_several_chapters_and_paragraph_counter() -> None:
    text = "ONE\n\nFirst body.\n\nTWO\n\nSecond body."
    cut = text.index("TWO")
    chapters = [Chapter(1, "ONE", 0, 5, cut), Chapter(2, "TWO", cut, cut + 5, len(text))]
    segs = segment(text, chapters)
    assert [(s.chapter, s.paragraph, text[s.start : s.end]) for s in segs] == [
        (1, 1, "ONE"),
        (1, 2, "First body."),
        (2, 3, "TWO"),
        (2, 4, "Second body."),
    ]


# --- golden passages ---------------------------------------------------------


def _golden_chapter(text: str) -> list[Chapter]:
    m = re.search(r"\n\s*\n", text)
    body = m.end() if m else 0
    return [Chapter(1, text[:body].strip(), 0, body, len(text))]


def _golden_lines(text: str) -> list[str]:
    return [
        json.dumps({"kind": s.kind, "start": s.start, "end": s.end, "paragraph": s.paragraph,
                    "text": text[s.start : s.end]}, ensure_ascii=False)
        for s in segment(text, _golden_chapter(text))
    ]


@pytest.mark.parametrize("name", sorted(p.stem for p in GOLDEN.glob("*.txt")))
def test_golden(name: str) -> None:
    text = (GOLDEN / f"{name}.txt").read_text(encoding="utf-8")
    got = _golden_lines(text)
    expected_path = GOLDEN / f"{name}.jsonl"
    if os.environ.get("UPDATE_GOLDEN"):
        expected_path.write_text("\n".join(got) + "\n", encoding="utf-8")
    assert got == expected_path.read_text(encoding="utf-8").splitlines()


# --- properties --------------------------------------------------------------

_ALPHABET = st.sampled_from([*"ab Z9\n\n  \"“”'‘’.,!?—-\t_", "\r\n", "said ", "tis ", "\n\n"])
_texts = st.lists(_ALPHABET, max_size=120).map("".join)


def _check(text: str, chapters: list[Chapter], segs: list[Segment]) -> None:
    covered = bytearray(len(text))
    last_end = -1
    last_para = 0
    for s in segs:
        assert s.start < s.end and s.start >= last_end, "sorted, never overlapping"
        assert s.paragraph >= last_para
        last_end, last_para = s.end, s.paragraph
        piece = text[s.start : s.end]
        assert piece.strip() == piece and piece.strip(), "trimmed and not blank"
        assert re.search(r"\n[^\S\n]*\n", piece) is None, "never crossing a blank line"
        ch = next(c for c in chapters if c.index == s.chapter)
        assert ch.start <= s.start and s.end <= ch.end, "within its chapter"
        assert s.kind in ("narration", "dialogue") and s.speaker is None
        if s.kind == "dialogue":
            assert piece[0] in "\"“”'‘’"
        for i in range(s.start, s.end):
            covered[i] = 1
    for ch in chapters:
        for i in range(ch.start, ch.end):
            if text[i].isalnum():
                assert covered[i], f"letter {text[i]!r} at {i} lost"


@settings(max_examples=300, deadline=None)
@given(_texts)
def test_property_single_chapter(text: str) -> None:
    chapters = [Chapter(1, "T", 0, 0, len(text))]
    _check(text, chapters, segment(text, chapters))


@settings(max_examples=300, deadline=None)
@given(_texts, st.lists(st.integers(min_value=0, max_value=120), max_size=4))
def test_property_several_chapters(text: str, cuts: list[int]) -> None:
    points = sorted({min(c, len(text)) for c in cuts} | {0, len(text)})
    chapters = []
    for n, (a, b) in enumerate(itertools.pairwise(points), 1):
        chapters.append(Chapter(n, "T", a, min(b, a + 3), b))
    _check(text, chapters, segment(text, chapters))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_property_arbitrary_unicode(text: str) -> None:
    chapters = [Chapter(1, "T", 0, 0, len(text))]
    _check(text, chapters, segment(text, chapters))


SONG = (
    "Tom walked up the hill, and as he walked he sang. It went like this:\n\n"
    "    Up the hill and down again\n    Home before the rain.\n\n"
    "Then he walked a little further.\n\n"
    "    Roses are red\n    and kettles are blue.\n"
)


def test_indented_verse_just_after_narration_that_someone_sings_it_is_their_line() -> None:
    assert dialogue(SONG) == ["Up the hill and down again\n    Home before the rain."]


def test_indented_verse_with_quotes_of_its_own_keeps_only_them_as_dialogue() -> None:
    text = 'He sang to himself:\n\n    Who mended the gate?\n      "I," said Tom,\n    "mended the gate!"\n'
    assert dialogue(text) == ['"I,"', '"mended the gate!"']
