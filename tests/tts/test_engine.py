"""The real eSpeak NG engine through pyttsx3: clips are checked, voices applied, nothing printed."""

from __future__ import annotations

import hashlib

import pytest

from audiobook.cast.autovoice import _catalog
from audiobook.errors import EngineError
from audiobook.model import Voice
from audiobook.text.spoken import speech_text
from audiobook.tts.espeak import MAX_CHUNK, Clip, EspeakEngine, _chunks, canonical_voice_id, check_clip, list_voices


@pytest.fixture(scope="module")
def engine() -> EspeakEngine:
    return EspeakEngine()


def test_clip_is_audio_of_a_plausible_length(engine: EspeakEngine) -> None:
    clip = engine.synthesize("The wind had been rising since noon.", Voice("gmw/en-us", 175))
    assert clip.sample_rate == 22050
    assert 1.0 < clip.seconds < 5.0


def test_short_clip_is_not_lost(engine: EspeakEngine) -> None:
    # pyttsx3's own save path writes an empty file for text this short; ours must not.
    for _ in range(5):
        assert engine.synthesize("Oh!", Voice("gmw/en-us+f3")).seconds > 0.2


def test_nothing_is_printed(engine: EspeakEngine, capfd: pytest.CaptureFixture[str]) -> None:
    engine.synthesize("Quiet, please.", Voice("gmw/en"))
    out, err = capfd.readouterr()
    assert (out, err) == ("", "")


def test_rate_changes_length(engine: EspeakEngine) -> None:
    text = "It is a truth universally acknowledged, that a single man must be in want of a wife."
    slow = engine.synthesize(text, Voice("gmw/en-us", rate=100)).seconds
    fast = engine.synthesize(text, Voice("gmw/en-us", rate=300)).seconds
    assert slow > 2 * fast


def test_voices_sound_different(engine: EspeakEngine) -> None:
    text = "Good morning to you."
    a = engine.synthesize(text, Voice("gmw/en-us+f3", pitch=70))
    b = engine.synthesize(text, Voice("gmw/en-us+m3", pitch=30))
    assert hashlib.sha1(a.pcm).digest() != hashlib.sha1(b.pcm).digest()
    assert abs(a.seconds - b.seconds) < 1.5


def test_unknown_voice_is_an_error_not_ignored(engine: EspeakEngine) -> None:
    with pytest.raises(EngineError, match="eSpeak NG has no voice 'gmw/en-us\\+nope'"):
        engine.synthesize("Hello.", Voice("gmw/en-us+nope"))
    with pytest.raises(EngineError, match="eSpeak NG has no voice 'xx/nowhere'"):
        engine.synthesize("Hello.", Voice("xx/nowhere"))


def test_variant_names_keep_their_case() -> None:
    assert canonical_voice_id("gmw/en+andrea") == "gmw/en+Andrea"
    assert canonical_voice_id("gmw/en-us") == "gmw/en-us"


def test_every_catalog_voice_speaks(engine: EspeakEngine) -> None:
    for pool in _catalog().values():
        for voice in pool:
            assert engine.synthesize("Yes.", voice).seconds > 0.1, voice


def test_long_text_is_spoken_in_chunks_without_loss(engine: EspeakEngine) -> None:
    sentence = "The lamp turned above their heads and swept the dark water clean. "
    text = sentence * 30
    chunks = _chunks(speech_text(text))
    assert len(chunks) > 1 and all(len(c) <= MAX_CHUNK for c in chunks)
    assert " ".join(chunks) == speech_text(text)
    long = engine.synthesize(text, Voice("gmw/en-us")).seconds
    one = engine.synthesize(sentence, Voice("gmw/en-us")).seconds
    assert 25 * one < long < 35 * one


def test_list_voices_has_languages_and_variants() -> None:
    voices = list_voices()
    assert any(v.id == "gmw/en-us" and v.kind == "language" for v in voices)
    assert any(v.id == "f3" and v.kind == "variant" and v.gender == "female" for v in voices)


def test_speech_text_strips_marks_but_keeps_apostrophes() -> None:
    assert speech_text('\u201cDon\u2019t,\u201d she said, "_never_\n  \'tis"') == "Don\u2019t, she said, never tis"
    assert speech_text("the Smiths' house") == "the Smiths house"


def test_check_clip_rejects_silence_and_absurd_lengths() -> None:
    with pytest.raises(EngineError, match="no audio"):
        check_clip(Clip(b"", 22050), "Hello there.", 175)
    with pytest.raises(EngineError, match="silence"):
        check_clip(Clip(b"\x00\x00" * 22050, 22050), "Hello there.", 175)
    with pytest.raises(EngineError, match="was expected"):
        check_clip(Clip(b"\x00\x10" * 22050 * 60, 22050), "Hello.", 175)


def test_equal_input_gives_equal_audio(engine: EspeakEngine) -> None:
    """eSpeak NG state must not leak from clip to clip: whatever came before, the same bytes come out."""
    text = "Is it your father's boat? I lost an oar on the rock."
    seen: dict[str, set[bytes]] = {}
    for voice in ["gmw/en-us+f2", "gmw/en-us+f2", "gmw/en", "gmw/en-us+f2", "gmw/en-us+klatt", "gmw/en",
                  "gmw/en-us+klatt", "gmw/en-us+f2"]:
        seen.setdefault(voice, set()).add(engine.synthesize(text, Voice(voice, 170, 55)).pcm)
    assert all(len(pcm) == 1 for pcm in seen.values())
