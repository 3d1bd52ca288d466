"""Rendering a book end to end: files, names, tags, pauses and what happens when something fails."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from mutagen.id3 import ID3
from mutagen.mp3 import MP3

from audiobook.audio.loudness import PRESETS
from audiobook.audio.stitch import Line, Pauses, pause_before, stitch
from audiobook.errors import EngineError, OutputError
from audiobook.layout import safe_filename
from audiobook.pipeline import RenderOptions, plan_book, render_book
from audiobook.qa.check import check_book
from audiobook.script.lines import _SENTENCE_END, MAX_CLIP_CHARS, chapter_lines, clip_texts
from audiobook.tts.espeak import Clip, EspeakEngine
from tests.fakes import FakeEngine, FakeFactory, MemorySink

STORY = """CHAPTER I. Arrival

Anna opened the door. "Who is there?" she asked.

"Only me," said Tom.

CHAPTER II. Departure

"Goodbye," said Anna.
"""


def test_plan_book_attributes_and_casts(write: Callable[..., Path]) -> None:
    script = plan_book(write("the_visit.txt", STORY))
    assert script.title == "The Visit"
    assert [c.title for c in script.chapters] == ["Chapter I: Arrival", "Chapter II: Departure"]
    speakers = [s.speaker for s in script.segments if s.kind == "dialogue"]
    assert speakers == ["Anna", "Tom", "Anna"]
    anna, tom = script.casting.roles["Anna"].voice, script.casting.roles["Tom"].voice
    assert anna and tom and anna.voice != tom.voice != script.casting.narrator.voice


def test_chapter_lines_read_the_title_then_the_text(write: Callable[..., Path]) -> None:
    script = plan_book(write("b.txt", STORY))
    lines = chapter_lines(script, script.chapters[0])
    assert [(ln.text, ln.who) for ln in lines] == [
        ("Chapter 1. Arrival", "narrator"),
        ("Anna opened the door.", "narrator"),
        ("Who is there?", "Anna"),
        ("she asked.", "narrator"),
        ("Only me,", "Tom"),
        ("said Tom.", "narrator"),
    ]


def test_render_writes_tagged_chapter_files(write: Callable[..., Path], tmp_path: Path) -> None:
    script = plan_book(write("b.txt", STORY), title="A Visit")
    result = render_book(script, RenderOptions(tmp_path / "out", author="Jo Writer", jobs=1), engine=FakeEngine)
    folder = tmp_path / "out" / "A Visit"
    assert result.folder == folder
    assert sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) == [
        "01 - Chapter I - Arrival.mp3", "02 - Chapter II - Departure.mp3", "A Visit.cue", "A Visit.m3u"]
    tags = ID3(folder / "02 - Chapter II - Departure.mp3")
    assert tags.version == (2, 4, 0)
    assert {k: str(tags[k]) for k in ("TIT2", "TALB", "TPE1", "TPE2", "TRCK", "TCON", "TCOM")} == {
        "TIT2": "Chapter II: Departure", "TALB": "A Visit", "TPE1": "Jo Writer", "TPE2": "Jo Writer",
        "TRCK": "2/2", "TCON": "Audiobook", "TCOM": "eSpeak NG (American English)",
    }
    info = MP3(folder / "01 - Chapter I - Arrival.mp3").info
    assert info.channels == 1 and info.sample_rate == 22050
    assert abs(info.length - result.files[0].seconds) < 0.1 and info.length > 3


def test_render_with_two_jobs_matches_one(write: Callable[..., Path], tmp_path: Path) -> None:
    script = plan_book(write("b.txt", STORY))
    one = render_book(script, RenderOptions(tmp_path / "one", jobs=1), engine=EspeakEngine)
    two = render_book(script, RenderOptions(tmp_path / "two", jobs=2), engine=EspeakEngine)
    assert [f.path.name for f in one.files] == [f.path.name for f in two.files]
    for a, b in zip(one.files, two.files, strict=True):
        assert abs(a.seconds - b.seconds) < 0.2


def test_failure_leaves_no_partial_file(write: Callable[..., Path], tmp_path: Path) -> None:
    script = plan_book(write("b.txt", STORY))
    with pytest.raises(EngineError, match=r"^chapter 1 \(Chapter I: Arrival\): the engine wrote no audio for 'Only me,'"):
        render_book(script, RenderOptions(tmp_path, jobs=1), engine=FakeFactory(FakeEngine(fail_on="Only me")))
    folder = tmp_path / "B"
    assert sorted(p.name for p in folder.iterdir()) == [".audiobook.lock", ".work"]


def test_rerender_removes_stale_chapter_files(write: Callable[..., Path], tmp_path: Path) -> None:
    book = write("b.txt", STORY)
    render_book(plan_book(book), RenderOptions(tmp_path, jobs=1), engine=FakeEngine)
    book.write_text("Just one chapter now.\n", encoding="utf-8")
    render_book(plan_book(book), RenderOptions(tmp_path, jobs=1), engine=FakeEngine)
    assert sorted(p.name for p in (tmp_path / "B").glob("*.mp3")) == ["01 - B.mp3"]


def test_unwritable_output_is_an_error(write: Callable[..., Path], tmp_path: Path) -> None:
    blocker = write("out", "a file where the folder should be")
    with pytest.raises(OutputError, match="cannot create the output folder"):
        render_book(plan_book(write("b.txt", STORY)), RenderOptions(blocker, jobs=1), engine=FakeEngine)


@pytest.mark.parametrize(("name", "safe"), [("Chapter I: The Storm", "Chapter I - The Storm"),
                                            ("../../etc/passwd", "etc_passwd"), ("a/b\\c*?", "a_b_c"),
                                            ("   ", "Untitled"), ("x" * 300, "x" * 100)])
def test_safe_filename(name: str, safe: str) -> None:
    assert safe_filename(name) == safe


def _line(paragraph: int, end: str = ".", voice: str = "narrator", title: bool = False,
          scene_break: bool = False) -> Line:
    return Line(Clip(b"\x01\x00" * 2205, 22050), paragraph, voice, end, title, 0.0, scene_break)


def test_pauses_follow_structure() -> None:
    p = Pauses()
    assert pause_before(_line(-1, title=True), _line(0), p) == p.title
    assert pause_before(_line(1), _line(2), p) == p.paragraph
    assert pause_before(_line(1), _line(2, scene_break=True), p) == p.scene_break
    assert pause_before(_line(1, ","), _line(1, voice="Anna"), p) == p.comma + p.speaker_change
    assert pause_before(_line(1, ","), _line(1), p) == p.comma
    assert pause_before(_line(1, "."), _line(1), p) == p.sentence
    assert pause_before(_line(1, "."), _line(1), Pauses(sentence=999)) == 999


def test_stitch_is_clips_plus_pauses() -> None:
    lines = [_line(-1, title=True), _line(0), _line(0, voice="Tom"), _line(1)]
    pauses = Pauses()
    preset = PRESETS["default"]
    gaps = [pause_before(a, b, pauses) for a, b in itertools.pairwise(lines)]
    out = MemorySink()
    audio = stitch(lines, pauses, preset, lambda: out)
    head = int(22050 * preset.head_seconds)
    tail = 22050 * max(pauses.chapter_end, int(preset.tail_seconds * 1000)) // 1000
    assert audio.samples == out.size // 2 == head + 4 * 2205 + sum(22050 * ms // 1000 for ms in gaps) + tail
    assert audio.sample_rate == 22050
    assert audio.spans[1][0] == pytest.approx((head + 2205 + 22050 * gaps[0] // 1000) / 22050)


def test_a_long_clip_is_stitched_a_piece_at_a_time() -> None:
    # A quoted letter can be one clip of many minutes; as float64 all at once it took 300 MB in a worker.
    import tracemalloc

    long_clip = Clip((np.sin(np.arange(22050 * 600) / 7) * 8000).astype("<i2").tobytes(), 22050)  # 10 min
    lines = [Line(long_clip, 0, "narrator", "."), _line(1)]
    out = MemorySink(keep=False)
    tracemalloc.start()
    try:
        stitch(lines, Pauses(), PRESETS["default"], lambda: out)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert out.size > 22050 * 600 * 2
    assert peak < 22050 * 600 * 2  # less than the clip's own 16-bit bytes, let alone its 8-byte floats


def test_repeated_chapter_titles_are_told_apart(write: Callable[..., Path], tmp_path: Path) -> None:
    # Two volumes, each numbering its chapters from I: players list by title, so titles must differ.
    book = write("vols.txt", "CHAPTER I\n\nOne.\n\nCHAPTER II\n\nTwo.\n\nCHAPTER I\n\nThree.\n\nCHAPTER II\n\nFour.\n")
    result = render_book(plan_book(book), RenderOptions(tmp_path, jobs=1), engine=FakeEngine)
    titles = [str(ID3(f.path)["TIT2"]) for f in result.files]
    assert titles == ["Chapter I (1)", "Chapter II (1)", "Chapter I (2)", "Chapter II (2)"]
    assert [f.path.name for f in result.files][2] == "03 - Chapter I (2).mp3"
    assert not [p for p in check_book(result.folder).problems if "is also the title" in p]


def test_blas_thread_pools_are_off_in_renders() -> None:
    # Spinning BLAS threads in each worker took the cores the encoders needed: renders ran 1.7x slower.
    import os

    import audiobook  # noqa: F401 - the import is what sets it

    assert os.environ["OPENBLAS_NUM_THREADS"] == "1"


@given(st.lists(st.text(alphabet="abc de", min_size=1, max_size=300), min_size=1, max_size=40),
       st.sampled_from([". ", "! ", "? ", ".\u201d ", "; "]))
def test_clip_texts_cut_long_lines_at_sentence_ends(sentences: list[str], end: str) -> None:
    text = end.join(s.strip() or "x" for s in sentences) + "."
    pieces = clip_texts(text)
    assert " ".join(pieces).split() == text.split()  # nothing lost, nothing added
    for piece in pieces[:-1]:
        assert piece.endswith(end.strip())  # cut only after a sentence
    assert all(len(p) <= MAX_CLIP_CHARS or not _SENTENCE_END.search(p.rstrip(".")) for p in pieces)


def test_a_long_quote_is_spoken_in_pieces(write: Callable[..., Path]) -> None:
    letter = " ".join(f"This is sentence {i} of a very long letter that goes on." for i in range(120))
    book = write("letter.txt", f'CHAPTER I\n\n"{letter}" said Anna.\n')
    script = plan_book(book)
    lines = [line for line in chapter_lines(script, script.chapters[0]) if line.who == "Anna"]
    assert len(lines) > 3 and all(len(line.text) <= MAX_CLIP_CHARS for line in lines)
    assert " ".join(line.text for line in lines).split() == letter.split()
    assert len({line.paragraph for line in lines}) == 1  # sentence pauses between the pieces, not paragraph ones
