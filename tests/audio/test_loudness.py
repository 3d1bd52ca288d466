"""Loudness: the BS.1770 measurement agrees with ffmpeg's, presets are met, voices are level-matched."""

from __future__ import annotations

import math
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pytest
from mutagen.id3 import ID3
from mutagen.mp3 import MP3

from audiobook.audio.levels import voice_gains
from audiobook.audio.loudness import PRESETS, Limiter, Meter, integrated_loudness, limit, rms_db
from audiobook.audio.stitch import Line, Pauses, stitch
from audiobook.model import Voice
from audiobook.pipeline import RenderOptions, plan_book, render_book
from audiobook.qa.check import check_book
from audiobook.tts.cache import ClipCache
from audiobook.tts.espeak import Clip, EspeakEngine
from tests.fakes import MemorySink

RATE = 22050


def tone(seconds: float, freq: float, level_db: float) -> np.ndarray:
    t = np.arange(int(RATE * seconds)) / RATE
    return np.sin(2 * np.pi * freq * t) * 10 ** (level_db / 20)


def ffmpeg_loudness(samples: np.ndarray, tmp: Path) -> float:
    raw = tmp / "x.raw"
    raw.write_bytes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())
    log = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-f", "s16le", "-ar", str(RATE), "-ac",
                          "1", "-i", str(raw), "-af", "ebur128", "-f", "null", "-"], capture_output=True,
                         text=True).stderr
    return float(re.findall(r"I:\s+(-?[\d.]+) LUFS", log)[-1])


@pytest.mark.parametrize(("freq", "level"), [(1000, -20.0), (100, -12.0), (3000, -30.0)])
def test_measurement_agrees_with_ffmpeg(freq: float, level: float, tmp_path: Path) -> None:
    x = tone(6, freq, level)
    x[RATE * 2: RATE * 3] = 0  # a gap, for the gates
    assert integrated_loudness(x, RATE) == pytest.approx(ffmpeg_loudness(x, tmp_path), abs=0.3)


def test_silence_is_minus_infinity() -> None:
    assert integrated_loudness(np.zeros(RATE * 3), RATE) == -math.inf
    assert rms_db(np.zeros(10)) == -math.inf


def test_limiter_holds_the_ceiling() -> None:
    x = tone(2, 440, -1.0)
    x[1000:1100] = 0.99
    y = limit(x, -6.0, RATE)
    assert np.abs(y).max() <= 10 ** (-6 / 20) + 1e-9
    assert np.abs(limit(tone(1, 440, -20), -6.0, RATE) - tone(1, 440, -20)).max() == 0  # quiet: untouched


def test_bright_sound_is_held_lower() -> None:
    # Sibilants overshoot most in the MP3 encode, so the limiter holds them to the lower ceiling.
    rng = np.random.default_rng(1)
    hiss = rng.standard_normal(RATE // 2) * 0.3
    hiss = np.clip(np.diff(hiss, prepend=0.0), -0.9, 0.9)  # bright: the first difference of white noise
    hum = tone(0.5, 200, -1.0)
    y = limit(np.concatenate([hum, np.zeros(RATE // 2), hiss]), -3.0, RATE, -6.0)
    assert 20 * math.log10(np.abs(y[: RATE // 2]).max()) == pytest.approx(-3.0, abs=0.05)
    assert 20 * math.log10(np.abs(y[RATE:]).max()) <= -6.0 + 1e-6


def test_limiter_marks_what_it_changed() -> None:
    x = tone(2, 440, -20)
    x[RATE:RATE + 50] = 0.95
    limiter = Limiter(-6.0, RATE)
    out, changed = [], []
    for piece in np.array_split(x, 7):
        out.append(limiter.feed(piece))
        changed.append(limiter.changed)
    out.append(limiter.flush())
    changed.append(limiter.changed)
    y, mask = np.concatenate(out), np.concatenate(changed)
    assert len(mask) == len(y) == len(x)
    assert (y != x).any() and not (y != x)[~mask].any()  # every changed sample is marked
    assert mask.sum() < RATE // 10  # and little else: only the stretch around the peak


def test_replay_meter_measures_like_a_full_one() -> None:
    x = tone(6, 600, -25) * (1 + 0.5 * np.sin(np.arange(RATE * 6) / RATE * 3))
    x[RATE * 2: RATE * 2 + 300] = 0.9
    first = Meter(RATE, peaks=True)
    first.feed(x)
    limiter = Limiter(-10.0, RATE)
    full, replay = Meter(RATE), Meter(RATE, replay=(first.block_powers(), 6.0))
    for piece in [*np.array_split(x * 10 ** (6 / 20), 5), None]:
        y = limiter.feed(piece) if piece is not None else limiter.flush()
        full.feed(y)
        replay.feed(y, limiter.changed)
    assert replay.lufs() == pytest.approx(full.lufs(), abs=0.01)
    assert replay.rms_db() == pytest.approx(full.rms_db(), abs=1e-9)


@pytest.mark.parametrize("preset", ["default", "ebu-r128", "acx-spec"])
def test_stitch_meets_the_preset(preset: str) -> None:
    p = PRESETS[preset]
    x = tone(8, 600, -30) * (1 + 0.5 * np.sin(np.arange(RATE * 8) / RATE * 3))
    pcm = (x * 32767).astype("<i2").tobytes()
    out = MemorySink()
    stitch([Line(Clip(pcm, RATE), 0, "narrator", ".")], Pauses(), p, lambda: out)
    y = np.frombuffer(bytes(out.data), dtype="<i2").astype(np.float64) / 32768
    if p.lufs is not None:  # aimed above the target by what the MP3 encode takes off
        assert integrated_loudness(y, RATE) == pytest.approx(p.lufs + p.encoder_loss_db, abs=0.3)
    else:
        assert p.rms_db is not None and rms_db(y) == pytest.approx(p.rms_db, abs=0.3)
    assert 20 * math.log10(np.abs(y).max()) <= p.peak_db + 0.01


def test_voices_are_level_matched(tmp_path: Path) -> None:
    """A character's lines and the narrator's, after the level match, within 1 LU of each other."""
    engine = EspeakEngine()
    narrator = Voice("gmw/en-us", 170, 45, 1.0)
    others = [Voice("gmw/en+f2", 180, 70, 1.0), Voice("gmw/en-us+m3", 150, 30, 0.5), Voice("gmw/en-gb-x-rp+f4")]
    gains = voice_gains(others, narrator, EspeakEngine.identity, ClipCache(tmp_path), EspeakEngine)
    text = ("I have not the pleasure of understanding you. Of what are you talking? Tell me once for all, "
            "whether you are coming or not, and be quick about it, for the carriage is at the door.")

    def level(voice: Voice) -> float:
        clip = engine.synthesize(text, voice)
        x = np.frombuffer(clip.pcm, dtype="<i2").astype(np.float64) / 32768 * 10 ** (gains[voice] / 20)
        return integrated_loudness(x, clip.sample_rate)

    reference = level(narrator)
    assert gains[others[1]] > 3  # the half-volume voice is brought up
    for voice in others:
        assert level(voice) == pytest.approx(reference, abs=1.0), voice


@pytest.mark.parametrize("preset", ["default", "acx-spec", "ebu-r128"])
def test_rendered_book_passes_check(preset: str, example: Path, tmp_path: Path) -> None:
    result = render_book(plan_book(example), RenderOptions(tmp_path, preset=preset, jobs=2))
    checked = check_book(result.folder)
    assert checked.preset == preset
    assert checked.problems == ()
    p = PRESETS[preset]
    for report in checked.files:
        if p.lufs is not None:
            assert report.lufs == pytest.approx(p.lufs, abs=1.0)
        else:
            assert p.rms_range and p.rms_range[0] <= report.rms <= p.rms_range[1]
        assert report.true_peak <= p.true_peak_db
    info = MP3(str(result.files[0].path)).info
    assert info.sample_rate == (p.sample_rate or 22050)


def test_check_finds_problems(example: Path, tmp_path: Path, write: Callable[..., Path]) -> None:
    result = render_book(plan_book(example), RenderOptions(tmp_path, jobs=2))
    first, second = (f.path for f in result.files)
    tags = ID3(second)
    tags.delall("TCOM")
    tags.save(second)
    second.rename(second.with_name("05 - Oops.mp3"))
    problems = check_book(result.folder, "acx-spec").problems
    assert f"{first.name}: sample rate 22050 Hz, the preset wants 44100" in problems
    assert "05 - Oops.mp3: missing tags TCOM" in problems
    assert "05 - Oops.mp3: file number 5 where 2 was expected (a gap or a duplicate)" in problems
