"""Packaging: full ID3 tags, cover art, M3U/CUE lists, one M4B or MP3 with chapters, subtitles."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import imageio_ffmpeg
import pytest
from mutagen.id3 import ID3
from mutagen.mp4 import MP4
from typer.testing import CliRunner

from audiobook.cli import app
from audiobook.errors import InputError
from audiobook.package.tags import read_cover
from audiobook.pipeline import RenderOptions, plan_book, render_book
from tests.fakes import FakeFactory

STORY = """CHAPTER I. Arrival

"Who is there?" asked Anna.

"Only me," said Tom.

* * *

The night passed.

CHAPTER II. Departure

"Goodbye," said Anna.
"""
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


def ffmpeg_chapters(path: Path) -> list[tuple[float, float, str]]:
    log = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-i", str(path)], capture_output=True,
                         text=True).stderr
    found = re.findall(r"Chapter #\d+:\d+: start ([\d.]+), end ([\d.]+)\s+Metadata:\s+title\s+: ([^\n]*)", log)
    return [(float(a), float(b), t.strip()) for a, b, t in found]


def test_full_tags_with_cover(write: Callable[..., Path], tmp_path: Path) -> None:
    cover = write("cover.png", PNG)
    options = RenderOptions(tmp_path, author="Jo Writer", year="1901", description="A visit.", cover=cover, jobs=1)
    result = render_book(plan_book(write("visit.txt", STORY)), options, engine=FakeFactory())
    tags = ID3(result.files[0].path)
    assert tags.version == (2, 4, 0)
    assert str(tags["TDRC"]) == "1901" and str(tags["TPE2"]) == "Jo Writer"
    assert tags.getall("COMM")[0].text == ["A visit."]
    apic = tags.getall("APIC")[0]
    assert (apic.type, apic.mime, apic.data) == (3, "image/png", PNG)
    folder = result.folder
    m3u = (folder / "Visit.m3u").read_text().splitlines()
    assert m3u[0] == "#EXTM3U" and m3u[3] == "01 - Chapter I - Arrival.mp3"
    assert m3u[2].startswith("#EXTINF:") and m3u[2].endswith(",Jo Writer - Chapter I: Arrival")
    cue = (folder / "Visit.cue").read_text()
    assert 'FILE "02 - Chapter II - Departure.mp3" MP3\n  TRACK 02 AUDIO\n    TITLE "Chapter II: Departure"' in cue


def test_id3v23_for_old_players(write: Callable[..., Path], tmp_path: Path) -> None:
    result = render_book(plan_book(write("b.txt", STORY)), RenderOptions(tmp_path, id3v23=True, jobs=1),
                         engine=FakeFactory())
    assert ID3(result.files[0].path).version == (2, 3, 0)


def test_bad_cover_is_an_error(write: Callable[..., Path]) -> None:
    with pytest.raises(InputError, match="not a JPEG or PNG image"):
        read_cover(write("cover.png", b"GIF89a...."))


def test_m4b_with_chapters_at_the_right_times(write: Callable[..., Path], tmp_path: Path) -> None:
    cover = write("cover.png", PNG)
    result = render_book(plan_book(write("visit.txt", STORY)),
                         RenderOptions(tmp_path, format="m4b", author="Jo", cover=cover, subtitles="srt", jobs=2),
                         engine=FakeFactory())
    m4b = result.folder / "Visit.m4b"
    chapters = ffmpeg_chapters(m4b)
    first, second = (f.seconds for f in result.files)
    assert [t for _, _, t in chapters] == ["Chapter I: Arrival", "Chapter II: Departure"]
    assert chapters[0][0] == 0 and chapters[1][0] == pytest.approx(first, abs=0.01)
    assert chapters[1][1] == pytest.approx(first + second, abs=0.01)
    tags = MP4(str(m4b)).tags
    assert tags is not None
    assert tags["\xa9nam"] == ["Visit"] and tags["\xa9ART"] == ["Jo"] and tags["aART"] == ["Jo"]
    assert tags["\xa9wrt"] == ["eSpeak NG (American English)"] and tags["\xa9gen"] == ["Audiobook"]
    assert tags["stik"] == [2] and bytes(tags["covr"][0]) == PNG
    srt = (result.folder / "Visit.srt").read_text()
    assert "Anna: Goodbye," in srt and srt.startswith("1\n00:00:00,300 --> ")
    # Cue times of chapter 2 are offset by chapter 1's length.
    times = re.findall(r"(\d\d):(\d\d):(\d\d),(\d\d\d) --> ", srt)
    last = times[-1]
    assert int(last[1]) * 60 + int(last[2]) + int(last[3]) / 1000 > first
    assert not [p for p in result.folder.glob("*.mp3")]


def test_single_file_mp3_has_chapter_frames(write: Callable[..., Path], tmp_path: Path) -> None:
    result = render_book(plan_book(write("visit.txt", STORY)), RenderOptions(tmp_path, single_file=True, jobs=1),
                         engine=FakeFactory())
    tags = ID3(result.folder / "Visit.mp3")
    chaps = sorted(tags.getall("CHAP"), key=lambda c: c.start_time)
    assert [str(c.sub_frames["TIT2"]) for c in chaps] == ["Chapter I: Arrival", "Chapter II: Departure"]
    assert chaps[1].start_time == round(result.files[0].seconds * 1000)
    assert tags.getall("CTOC")[0].child_element_ids == ["ch0", "ch1"]


def test_per_chapter_subtitles_label_speakers(write: Callable[..., Path], tmp_path: Path) -> None:
    result = render_book(plan_book(write("visit.txt", STORY)), RenderOptions(tmp_path, subtitles="vtt", jobs=1),
                         engine=FakeFactory())
    vtt = result.files[0].path.with_suffix(".vtt").read_text()
    assert vtt.startswith("WEBVTT\n\n00:00:00.300 --> ")
    assert "\nAnna: Who is there?\n" in vtt and "\nTom: Only me,\n" in vtt and "\nsaid Tom.\n" in vtt


def test_scene_break_gets_a_longer_pause(write: Callable[..., Path]) -> None:
    from audiobook.script.lines import chapter_lines

    script = plan_book(write("b.txt", STORY))
    lines = chapter_lines(script, script.chapters[0])
    assert [line.text for line in lines if line.scene_break] == ["The night passed."]


def test_cli_rejects_unknown_format(write: Callable[..., Path]) -> None:
    result = CliRunner().invoke(app, ["render", str(write("b.txt", STORY)), "--format", "ogg"])
    assert (result.exit_code, result.stderr) == (1, "Error: --format 'ogg' is not allowed; use mp3 or m4b\n")
