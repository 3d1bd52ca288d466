"""A fake speech engine: fast, deterministic audio whose length follows the words, for tests where the voice does not matter."""

from __future__ import annotations

import math
import re

import numpy as np

from audiobook.errors import EngineError
from audiobook.model import Voice
from audiobook.tts.espeak import Clip

RATE = 22050


class FakeEngine:
    """Speaks every word as a 60 ms tone whose pitch follows the voice; records what it was asked."""

    @staticmethod
    def identity(voice: Voice | None = None) -> str:
        return "fake 1"

    def __init__(self, fail_on: str | None = None) -> None:
        self.calls: list[tuple[str, Voice]] = []
        self.fail_on = fail_on

    def synthesize(self, text: str, voice: Voice) -> Clip:
        if self.fail_on and self.fail_on in text:
            raise EngineError(f"the engine wrote no audio for {text[:20]!r}")
        self.calls.append((text, voice))
        words = max(1, len(re.findall(r"\w+", text)))
        n = int(RATE * 0.06) * words
        freq = 200 + 2 * voice.pitch
        samples = 8000 * np.sin(2 * math.pi * freq * np.arange(n) / RATE)
        return Clip(samples.astype("<i2").tobytes(), RATE)


class FakeFactory:
    """An engine factory that hands out one shared FakeEngine, so a test can see what it was asked."""

    def __init__(self, engine: FakeEngine | None = None) -> None:
        self.engine = engine or FakeEngine()

    def __call__(self) -> FakeEngine:
        return self.engine

    def identity(self, voice: Voice | None = None) -> str:
        return f"fake 1 fail_on={self.engine.fail_on}"


class MemorySink:
    """A stitch sink in memory: keeps the PCM (or only counts it, where memory is what a test measures)."""

    def __init__(self, keep: bool = True) -> None:
        self.keep = keep
        self.data = bytearray()
        self.size = 0

    def write(self, data: bytes) -> None:
        """Take the next bytes."""
        self.size += len(data)
        if self.keep:
            self.data += data

    def close(self) -> None:
        """Nothing to finish."""

    def abort(self) -> None:
        """Drop what was written (another attempt follows)."""
        self.data.clear()
        self.size = 0
