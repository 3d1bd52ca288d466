"""Choose the engine each voice asks for: eSpeak NG unless voices.yaml says `engine: piper`."""

from __future__ import annotations

from audiobook.errors import EngineError
from audiobook.model import Voice
from audiobook.tts.espeak import Clip, EspeakEngine, engine_id


class DefaultEngine:
    """The engine the pipeline uses by default: one eSpeak NG and, when needed, one Piper host per process."""

    @staticmethod
    def identity(voice: Voice | None = None) -> str:
        """What changes the sound of this voice's clips: part of every clip's cache key."""
        if voice is not None and voice.engine == "piper":
            from audiobook.tts.piper import model_identity

            if voice.model is None:
                raise EngineError(f"voice {voice.voice} has engine piper but no model")
            return f"{model_identity(voice.model)}; speaker {voice.speaker}; noise {voice.noise_scale}"
        return engine_id()

    def __init__(self) -> None:
        self._espeak: EspeakEngine | None = None
        self._piper: object | None = None

    def synthesize(self, text: str, voice: Voice) -> Clip:
        """Speak with the engine the voice names."""
        if voice.engine == "piper":
            from audiobook.tts.piper import PiperEngine

            if self._piper is None:
                self._piper = PiperEngine()
            assert isinstance(self._piper, PiperEngine)
            return self._piper.synthesize(text, voice)
        if self._espeak is None:
            self._espeak = EspeakEngine()
        return self._espeak.synthesize(text, voice)
