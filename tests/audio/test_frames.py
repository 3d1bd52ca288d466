"""Chapter MP3s in pieces: cut in paragraph pauses, levelled each, cached by content, joined with exact timing."""

from __future__ import annotations

import math
import subprocess
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pytest

from audiobook.audio.loudness import PRESETS, integrated_loudness
from audiobook.audio.mp3 import MIN_PIECE_CHARS, encode_chapter, frame_count
from audiobook.audio.stitch import Line, Pauses
from audiobook.errors import OutputError
from audiobook.tts.cache import ClipCache
from audiobook.tts.espeak import Clip

RATE = 22050


def tone(freq: float, seconds: float, level: float = 0.3) -> Clip:
    """A tone with a soft start and end, like a spoken line's envelope."""
    t = np.arange(int(RATE * seconds)) / RATE
    envelope = np.minimum(1.0, np.minimum(t, t[-1] - t) / 0.02)
    return Clip((level * 32767 * envelope * np.sin(2 * math.pi * freq * t)).astype("<i2").tobytes(), RATE)


def chapter(voice_b: float = 660.0) -> list[Line]:
    """A title and six paragraphs; "B" speaks in paragraphs 2 and 5 with a tone of voice_b Hz."""
    lines = [Line(tone(300, 1.0), 0, "narrator", ".", title=True, key="title", chars=10)]
    for p in range(1, 7):
        who, freq = ("B", voice_b) if p in (2, 5) else ("narrator", 300 + 40 * p)
        lines.append(Line(tone(freq, 2.0), p, who, ".", key=f"{who}-{p}-{freq}", chars=MIN_PIECE_CHARS))
    return lines


def decode(path: Path, rate: int = RATE) -> np.ndarray:
    out = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", str(path), "-f", "s16le", "-ac", "1",
                          "-ar", str(rate), "-"], capture_output=True, check=True).stdout
    return np.frombuffer(out, dtype="<i2").astype(np.float64) / 32768


def test_a_changed_voice_reencodes_only_its_pieces_and_matches_a_clean_encode(tmp_path: Path) -> None:
    cache = ClipCache(tmp_path / "cache")
    preset = PRESETS["default"]
    first = encode_chapter(chapter(), Pauses(), preset, RATE, cache, tmp_path / "a.mp3", "a.mp3")
    assert (first.pieces, first.pieces_encoded) == (6, 6)  # the short title joins paragraph 1; then one each
    again = encode_chapter(chapter(), Pauses(), preset, RATE, cache, tmp_path / "b.mp3", "b.mp3")
    assert again.pieces_encoded == 0
    assert (tmp_path / "a.mp3").read_bytes() == (tmp_path / "b.mp3").read_bytes()
    edited = encode_chapter(chapter(880.0), Pauses(), preset, RATE, cache, tmp_path / "c.mp3", "c.mp3")
    assert edited.pieces_encoded == 2  # B's two paragraphs
    clean = encode_chapter(chapter(880.0), Pauses(), preset, RATE, ClipCache(tmp_path / "fresh"),
                           tmp_path / "d.mp3", "d.mp3")
    assert clean.pieces_encoded == 6
    assert (tmp_path / "c.mp3").read_bytes() == (tmp_path / "d.mp3").read_bytes()
    assert edited.spans == clean.spans


def test_lines_are_where_the_spans_say_and_pauses_keep_their_length(tmp_path: Path) -> None:
    pauses = Pauses()
    result = encode_chapter(chapter(), pauses, PRESETS["default"], RATE, ClipCache(tmp_path), tmp_path / "c.mp3",
                            "c.mp3")
    audio = decode(tmp_path / "c.mp3")
    assert len(audio) == result.samples  # the frames decode to exactly the length reported
    loud = np.abs(audio) > 0.02
    for start, end in result.spans:
        a, b = int(start * RATE), int(end * RATE)
        first = a + int(np.argmax(loud[a:]))
        last = b - int(np.argmax(loud[b - 1::-1]))
        assert abs(first - a) < 0.03 * RATE and abs(last - b) < 0.03 * RATE, (start, end, first / RATE, last / RATE)
    title_gap = result.spans[1][0] - result.spans[0][1]
    paragraph_gaps = [b[0] - a[1] for a, b in zip(result.spans[1:], result.spans[2:], strict=False)]
    frame = 576 / RATE  # a pause may lose up to half an MP3 frame to the cut
    assert title_gap == pytest.approx(pauses.title / 1000, abs=frame / 2 + 1e-3)
    for gap, (prev, line) in zip(paragraph_gaps, zip(chapter()[1:], chapter()[2:], strict=False), strict=True):
        want = pauses.paragraph + (pauses.speaker_change if prev.voice != line.voice else 0)
        assert gap == pytest.approx(want / 1000, abs=frame / 2 + 1e-3)
    head = result.spans[0][0]
    assert head == pytest.approx(PRESETS["default"].head_seconds, abs=1e-3)


@pytest.mark.parametrize("name", ["default", "acx-spec"])
def test_pieces_levelled_each_make_a_chapter_at_the_target(tmp_path: Path, name: str) -> None:
    preset = PRESETS[name]
    lines = chapter()
    # One loud and one quiet paragraph: each piece is brought to the target on its own.
    lines[3] = Line(tone(420, 2.0, 0.9), 3, "narrator", ".", key="loud", chars=MIN_PIECE_CHARS)
    lines[4] = Line(tone(460, 2.0, 0.02), 4, "narrator", ".", key="quiet", chars=MIN_PIECE_CHARS)
    encode_chapter(lines, Pauses(), preset, RATE, ClipCache(tmp_path), tmp_path / "c.mp3", "c.mp3")
    out_rate = preset.sample_rate or RATE
    audio = decode(tmp_path / "c.mp3", out_rate)
    if preset.lufs is not None:
        assert integrated_loudness(audio, out_rate) == pytest.approx(preset.lufs, abs=0.5)
    else:
        assert preset.rms_db is not None
        assert 10 * math.log10(float(np.mean(audio * audio))) == pytest.approx(preset.rms_db, abs=0.7)
    assert float(np.max(np.abs(audio))) < 10 ** (preset.true_peak_db / 20)


def test_short_paragraphs_share_a_piece(tmp_path: Path) -> None:
    third = math.ceil(MIN_PIECE_CHARS / 3)  # three such paragraphs make a piece, two do not
    lines = [Line(tone(300 + p, 0.5), p, "narrator", ".", key=f"short-{p}", chars=third) for p in range(21)]
    result = encode_chapter(lines, Pauses(), PRESETS["default"], RATE, ClipCache(tmp_path), tmp_path / "c.mp3",
                            "c.mp3")
    assert result.pieces == 7
    assert len(result.spans) == 21
    # A short paragraph at the end joins the last piece instead of standing alone, too short to measure.
    lines.append(Line(tone(500, 0.5), 21, "narrator", ".", key="coda", chars=12))
    longer = encode_chapter(lines, Pauses(), PRESETS["default"], RATE, ClipCache(tmp_path), tmp_path / "d.mp3",
                            "d.mp3")
    assert (longer.pieces, longer.pieces_encoded, len(longer.spans)) == (7, 1, 22)


def test_frame_count_reads_frames_and_refuses_anything_else() -> None:
    header = bytes([0xFF, 0xF3, 0x80, 0xC4])  # MPEG-2 layer III, 64 kbit/s, 22050 Hz, no padding: 208 bytes
    frame = header + bytes(208 - 4)
    assert frame_count(frame * 3) == 3
    with pytest.raises(OutputError, match="at byte 208"):
        frame_count(frame + b"ID3\x04" + bytes(300))
