"""Match every voice's level to the narrator's, from one calibration passage spoken by each voice."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

import numpy as np

from audiobook.audio.loudness import integrated_loudness
from audiobook.model import Voice
from audiobook.tts.cache import ClipCache, clip_key
from audiobook.tts.espeak import Engine

# A standard phonetically balanced passage (Aesop, public domain): about ten seconds in any voice.
CALIBRATION = (
    "The North Wind and the Sun were disputing which was the stronger, when a traveller came along wrapped in a "
    "warm cloak. They agreed that the one who first succeeded in making the traveller take his cloak off should "
    "be considered stronger than the other."
)
MAX_GAIN_DB = 12.0  # a voice so far off is broken, not quiet; do not blow up its noise


def voice_gains(voices: Iterable[Voice], narrator: Voice, identity: Callable[[Voice], str], cache: ClipCache,
                engine: Callable[[], Engine]) -> dict[Voice, float]:
    """Gain in dB for each voice that brings its loudness to the narrator's (0 for the narrator)."""
    speaker: Engine | None = None
    loudness: dict[Voice, float] = {}
    for voice in {narrator, *voices}:
        key = clip_key(identity(voice), voice, CALIBRATION)
        clip = cache.get(key)
        if clip is None:
            speaker = speaker or engine()
            clip = speaker.synthesize(CALIBRATION, voice)
            cache.put(key, clip)
        samples = np.frombuffer(clip.pcm, dtype="<i2").astype(np.float64) / 32768
        loudness[voice] = integrated_loudness(samples, clip.sample_rate)
    reference = loudness[narrator]
    return {
        voice: 0.0 if not (math.isfinite(level) and math.isfinite(reference))
        else round(max(-MAX_GAIN_DB, min(MAX_GAIN_DB, reference - level)), 2)
        for voice, level in loudness.items()
    }
