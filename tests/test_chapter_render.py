"""Rendering one chapter job: the true-peak check after the encode, for sound whose overshoot was not measured."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import numpy as np

from audiobook.audio.loudness import PRESETS, true_peak
from audiobook.audio.stitch import Pauses
from audiobook.chapter_render import ChapterJob, render_chapter
from audiobook.model import Chapter, SpokenLine, Voice
from audiobook.package.tags import BookTags, ChapterTags
from audiobook.tts.cache import clip_key
from audiobook.tts.espeak import Clip
from tests.fakes import RATE, FakeEngine, FakeFactory

# Sample-peak ceilings with no room for the encode: the MP3 of harsh sound lands over the true-peak limit.
NO_MARGIN = replace(PRESETS["default"], peak_db=-1.5, bright_peak_db=-1.5)


class HarshEngine(FakeEngine):
    """Speaks every line as a soft hum broken by bursts of white noise: sound an MP3 encode overshoots by dBs."""

    def synthesize(self, text: str, voice: Voice) -> Clip:
        n = int(RATE * 0.06) * max(1, len(text.split()))
        i = np.arange(n)
        bursts = (i // 441) % 10 == 0  # 20 ms of every 200
        noise = np.random.default_rng(len(text)).standard_normal(n)
        samples = 1500 * np.sin(2 * math.pi * (150 + voice.pitch) * i / RATE) + bursts * 12000 * noise
        return Clip(np.clip(samples, -32768, 32767).astype("<i2").tobytes(), RATE)


def _job(tmp_path: Path, verify: bool) -> ChapterJob:
    factory = FakeFactory(HarshEngine())
    texts = ["Chapter One.", "The wind rose over the black water and the lamp swung.",
             "Hold fast, she said, for the rope will not.", "And it did not hold, and the night went on."]
    lines = tuple(SpokenLine(text, Voice("gmw/en", pitch=10 * i), "Narrator", i, title=i == 0)
                  for i, text in enumerate(texts))
    keys = tuple(clip_key(factory.identity(line.voice), line.voice, line.text) for line in lines)
    name = "verified" if verify else "plain"
    return ChapterJob(
        chapter=Chapter(1, "Chapter One", 0, 13, 200), lines=lines, keys=keys,
        tmp_path=tmp_path / f".{name}.part.mp3", final_path=tmp_path / f"{name}.mp3",
        tags=ChapterTags("Chapter One", 1), book=BookTags("Book", "Author", "Narrator", 1), fingerprint=name,
        engine=factory, cache_root=tmp_path / "cache", preset=NO_MARGIN, pauses=Pauses(), verify_peak=verify)


def test_true_peak_over_the_limit_is_encoded_again_lower(tmp_path: Path) -> None:
    plain = render_chapter(_job(tmp_path, verify=False), lambda _n: None)
    verified = render_chapter(_job(tmp_path, verify=True), lambda _n: None)
    limit = NO_MARGIN.true_peak_db
    assert true_peak(plain.path) > limit  # without the check, this sound does overshoot
    assert math.isfinite(true_peak(verified.path)) and true_peak(verified.path) <= limit
    assert not list(tmp_path.glob(".*.part*"))
    # Same timeline, only quieter peaks: the lines sit where they did.
    assert verified.seconds == plain.seconds and verified.clips == plain.clips == 4
