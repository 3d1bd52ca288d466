"""Synthesize speech clips with pyttsx3 over the eSpeak NG library that pip installs."""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import io
import os
import re
import threading
from array import array
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from audiobook.errors import EngineError
from audiobook.model import Voice
from audiobook.text.spoken import is_speakable, speech_text
from audiobook.tts.espeak_reset import StateReset

RATE_RANGE = (80, 450)  # words per minute eSpeak NG accepts
PHONEMES = 0x100  # espeakPHONEMES, which pyttsx3 does not name
SAMPLE_RATE = 22050  # eSpeak NG's output rate for every voice
MAX_CHUNK = 600  # characters per engine call: pyttsx3 joins audio bytes in quadratic time


@dataclass(frozen=True)
class Clip:
    """Mono 16-bit PCM audio of one segment."""

    pcm: bytes
    sample_rate: int

    @property
    def seconds(self) -> float:
        """Duration in seconds."""
        return len(self.pcm) / 2 / self.sample_rate


@dataclass(frozen=True)
class VoiceInfo:
    """One voice of the engine's catalog: a language voice or a variant to add with `+`."""

    id: str
    name: str
    kind: str  # "language" or "variant"
    language: str = ""
    gender: str | None = None


class Engine(Protocol):
    """What the pipeline needs of a speech engine."""

    def synthesize(self, text: str, voice: Voice) -> Clip:
        """Speak `text` in `voice` and return the audio; raise EngineError if it fails."""
        ...


@cache
def load_espeak() -> Path:
    """Load the pip-installed libespeak-ng globally so pyttsx3 finds it; return its data folder."""
    try:
        import espeakng_loader
    except ImportError as exc:  # pragma: no cover - a broken install
        raise EngineError(f"espeakng-loader is not installed ({exc}); reinstall audiobook with pip") from None
    data = Path(espeakng_loader.get_data_path())
    os.environ["ESPEAK_DATA_PATH"] = str(data)
    try:
        # pyttsx3 dlopens "libespeak-ng.so.1" by soname; a global load of ours answers it.
        ctypes.CDLL(espeakng_loader.get_library_path(), mode=ctypes.RTLD_GLOBAL)
    except OSError as exc:  # pragma: no cover - a broken install
        raise EngineError(f"cannot load eSpeak NG from espeakng-loader: {exc}") from None
    return data


@cache
def _pyttsx3() -> Any:
    load_espeak()
    _state_reset()  # the snapshot must be taken before anything is synthesized in this process
    try:
        import pyttsx3
        with contextlib.redirect_stdout(io.StringIO()):
            tts = pyttsx3.init("espeak")
            # The first long save_to_file after init returns without writing; an empty run primes it.
            tts.runAndWait()
    except Exception as exc:  # pyttsx3 raises bare RuntimeErrors and ImportErrors
        raise EngineError(f"cannot start eSpeak NG through pyttsx3: {exc}") from None
    # pyttsx3's DriverProxy.__del__ runs during interpreter shutdown, after the modules it uses are gone,
    # and prints "Exception ignored ..."; the process is ending anyway, so skip it.
    atexit.register(lambda: setattr(type(tts.proxy), "__del__", lambda _self: None))
    return tts


@cache
def _state_reset() -> StateReset:
    import espeakng_loader

    return StateReset(espeakng_loader.get_library_path())


@cache
def engine_id() -> str:
    """Everything about the engine that changes its sound: part of every clip's cache key."""
    from importlib.metadata import PackageNotFoundError, version

    _pyttsx3()
    from pyttsx3.drivers import _espeak

    try:
        loader = version("espeakng-loader")
    except PackageNotFoundError:  # pragma: no cover - a source checkout without metadata
        loader = "unknown"
    info = _espeak.Info()
    espeak = info.decode("ascii", "replace") if isinstance(info, bytes) else str(info)
    state = "reset" if _state_reset().available else "carried"
    return f"espeak-ng {espeak}; espeakng-loader {loader}; capture 3; state {state}; chunk {MAX_CHUNK}"


@cache
def list_voices() -> tuple[VoiceInfo, ...]:
    """Return the language voices and the variants this machine's eSpeak NG can speak with."""
    tts = _pyttsx3()
    voices = [
        VoiceInfo(v.id, v.name, "language", (v.languages or [""])[0], (v.gender or "").lower() or None)
        for v in tts.getProperty("voices")
    ]
    variants_dir = load_espeak() / "voices" / "!v"
    for path in sorted(variants_dir.iterdir(), key=lambda p: p.name.lower()):
        gender = None
        name = path.name
        with contextlib.suppress(OSError, UnicodeDecodeError):
            for line in path.read_text(encoding="utf-8").splitlines():
                key, _, value = line.strip().partition(" ")
                if key == "name" and value.strip():
                    name = value.strip()
                if key == "gender" and value.split():
                    gender = value.split()[0].lower()
        voices.append(VoiceInfo(path.name, name, "variant", "", gender))
    return tuple(voices)


def normalize_voice_id(voice_id: str) -> str:
    """The form eSpeak NG reports a voice in: lower case, `language+variant`."""
    return voice_id.strip().lower()


def canonical_voice_id(voice_id: str) -> str:
    """The id to hand eSpeak NG: variant names are file names, so their case must match (`+Andrea`)."""
    language, plus, variant = voice_id.strip().partition("+")
    if not plus:
        return language
    names = {v.id.lower(): v.id for v in list_voices() if v.kind == "variant"}
    return f"{language}+{names.get(variant.lower(), variant)}"


def _chunks(text: str) -> list[str]:
    if len(text) <= MAX_CHUNK:
        return [text]
    sentences = re.split(r"(?<=[.!?;:])\s+", text)
    chunks: list[str] = []
    for sentence in sentences:
        while len(sentence) > MAX_CHUNK:  # a run-on sentence: cut at a space
            cut = sentence.rfind(" ", 0, MAX_CHUNK)
            cut = cut if cut > 0 else MAX_CHUNK
            chunks.append(sentence[:cut])
            sentence = sentence[cut:].lstrip()
        if chunks and len(chunks[-1]) + 1 + len(sentence) <= MAX_CHUNK:
            chunks[-1] += " " + sentence
        elif sentence:
            chunks.append(sentence)
    return chunks


def check_clip(clip: Clip, text: str, rate: int) -> None:
    """Raise EngineError unless the clip is audio of about the length `text` takes at `rate`."""
    words = max(1, len(re.findall(r"[^\W_]+", text)))
    expected = words * 60.0 / rate
    if clip.seconds == 0:
        raise EngineError("the engine wrote no audio")
    if not expected / 8 - 0.2 <= clip.seconds <= expected * 8 + 2:
        raise EngineError(f"the engine wrote {clip.seconds:.2f} s of audio where about {expected:.1f} s was expected")
    samples = array("h", clip.pcm)
    if max(map(abs, samples[:: max(1, len(samples) // 4000)])) < 64:
        raise EngineError("the engine wrote silence")


class EspeakEngine:
    """eSpeak NG through pyttsx3, with its traps closed: every clip is checked, nothing printed."""

    @staticmethod
    def identity(voice: Voice | None = None) -> str:
        """What changes this engine's sound (versions, capture method): part of every clip's cache key."""
        return engine_id()

    def __init__(self) -> None:
        self._tts = _pyttsx3()
        self._voice: Voice | None = None
        from pyttsx3.drivers import _espeak

        self._espeak: Any = _espeak
        self._reset = _state_reset()
        self._pcm: list[bytes] = []
        self._done = threading.Event()

    def synthesize(self, text: str, voice: Voice) -> Clip:
        """Speak `text` in `voice`; raise EngineError naming the text if the audio is missing or wrong."""
        self._set_voice(voice)
        spoken = speech_text(text)
        if not is_speakable(spoken):
            raise EngineError(f"nothing to say in {_excerpt(text)}")
        parts = [self._speak(chunk) for chunk in _chunks(spoken)]
        clip = Clip(b"".join(p.pcm for p in parts), parts[0].sample_rate)
        try:
            check_clip(clip, spoken, voice.rate)
        except EngineError as exc:
            raise EngineError(f"{exc} for {_excerpt(spoken)} in voice {voice.voice}") from None
        return clip

    def _set_voice(self, voice: Voice) -> None:
        # Set even when unchanged: a synthesis leaves voice state behind (amplitude, embedded values), and only a
        # freshly set voice speaks the same way every time.
        wanted = normalize_voice_id(voice.voice)
        self._tts.setProperty("voice", canonical_voice_id(voice.voice))
        # pyttsx3 ignores an unknown voice id without a word; ask eSpeak NG what it took.
        got = self._tts.getProperty("voice")
        if got != wanted:
            raise EngineError(f"eSpeak NG has no voice {voice.voice!r} (it kept {got!r}); see `audiobook voices`")
        self._tts.setProperty("rate", voice.rate)
        self._tts.setProperty("pitch", voice.pitch)
        self._tts.setProperty("volume", voice.volume)
        self._voice = voice

    def _on_synth(self, wav: Any, numsamples: int, events: Any) -> int:
        # Called by eSpeak NG's thread: keep the samples before looking at the events, since the last
        # buffer arrives together with the end-of-message event.
        if numsamples > 0:
            self._pcm.append(ctypes.string_at(wav, numsamples * 2))
        i = 0
        while events[i].type != self._espeak.EVENT_LIST_TERMINATED:
            if events[i].type == self._espeak.EVENT_MSG_TERMINATED:
                self._done.set()
            i += 1
        return 0

    def _speak(self, text: str) -> Clip:
        # pyttsx3's own save path drops the audio that arrives with the end-of-message event (a short
        # clip comes out empty, a long one loses its tail), joins bytes quadratically and prints to
        # stdout; so pyttsx3 only starts eSpeak NG and sets the voice, and the audio is captured here.
        self._pcm = []
        self._done.clear()
        self._reset.restore()
        self._espeak.SetSynthCallback(self._on_synth)
        # PHONEMES: [[...]] in the text is read as eSpeak phonemes (the lexicon's pronunciations).
        flags = self._espeak.ENDPAUSE | self._espeak.CHARS_UTF8 | PHONEMES
        self._espeak.Synth(text.encode("utf-8"), flags=flags)
        if not self._done.wait(timeout=max(30.0, len(text) / 5)):
            self._espeak.Cancel()
            raise EngineError(f"eSpeak NG did not finish speaking {_excerpt(text)}")
        # The end-of-message event can arrive before eSpeak's thread is idle; its last writes to the state we
        # restore before the next clip must not race with that restore.
        self._espeak.Synchronize()
        return Clip(b"".join(self._pcm), SAMPLE_RATE)


def _excerpt(text: str) -> str:
    return repr(text if len(text) <= 60 else text[:57] + "...")
