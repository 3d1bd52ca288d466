"""A content-addressed store of synthesized clips on disk, safe for concurrent writers."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
import wave
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from audiobook.errors import OutputError
from audiobook.model import Voice
from audiobook.tts.espeak import Clip

DEFAULT_MAX_BYTES = 4 * 1024**3  # a few novels' worth of clips


def default_cache_dir() -> Path:
    """$AUDIOBOOK_CACHE, else $XDG_CACHE_HOME/audiobook, else ~/.cache/audiobook."""
    if os.environ.get("AUDIOBOOK_CACHE"):
        return Path(os.environ["AUDIOBOOK_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "audiobook"


def clip_key(engine: str, voice: Voice, text: str) -> str:
    """The key of a clip: a hash of everything that changes its sound, and nothing else."""
    canonical = json.dumps(
        [engine, voice.voice.strip().lower(), voice.rate, voice.pitch, round(voice.volume, 4), text],
        ensure_ascii=False, separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class PruneResult:
    """What `prune` removed and what is left."""

    removed_files: int
    removed_bytes: int
    kept_files: int
    kept_bytes: int


class ClipCache:
    """Clips as WAV files under root/clips/ab/abcdef....wav; writes go to a temporary name, then rename."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.clips = root / "clips"

    def _path(self, key: str, suffix: str = ".wav") -> Path:
        return self.clips / key[:2] / f"{key}{suffix}"

    def _store(self, key: str, suffix: str, fill: Callable[[BinaryIO], object]) -> None:
        """Write a file under key through a temporary name and rename; concurrent writers write the same bytes."""
        path = self._path(key, suffix)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{key[:8]}.", suffix=".tmp", dir=path.parent)
            with os.fdopen(fd, "wb") as handle:
                fill(handle)
            os.replace(tmp, path)
        except OSError as exc:
            raise OutputError(f"{self.root}: cannot write to the clip cache ({exc.strerror or exc})") from None

    def get(self, key: str) -> Clip | None:
        """The clip stored under key, or None; a damaged file counts as missing."""
        path = self._path(key)
        try:
            with wave.open(str(path), "rb") as wav:
                if wav.getnchannels() != 1 or wav.getsampwidth() != 2:
                    return None
                clip = Clip(wav.readframes(wav.getnframes()), wav.getframerate())
        except (OSError, EOFError, wave.Error):
            return None
        if not clip.pcm:
            return None
        os.utime(path)  # least-recently-used pruning goes by modification time
        return clip

    def put(self, key: str, clip: Clip) -> None:
        """Store a clip; a concurrent writer of the same key writes the same bytes, so the last rename wins."""

        def fill(handle: BinaryIO) -> None:
            with wave.open(handle, "wb") as wav:
                wav.setnchannels(1)
                wav.setsampwidth(2)
                wav.setframerate(clip.sample_rate)
                wav.writeframes(clip.pcm)

        self._store(key, ".wav", fill)

    def get_blob(self, key: str, suffix: str) -> bytes | None:
        """Bytes stored beside the clips under key (audio made from them, say), or None."""
        path = self._path(key, suffix)
        try:
            data = path.read_bytes()
        except OSError:
            return None
        os.utime(path)
        return data

    def put_blob(self, key: str, suffix: str, *parts: bytes | bytearray | memoryview) -> None:
        """Store bytes under key, pruned with the clips; concurrent writers of one key write the same bytes."""

        def fill(handle: BinaryIO) -> None:
            for part in parts:
                handle.write(part)

        self._store(key, suffix, fill)

    def prune(self, max_bytes: int) -> PruneResult:
        """Delete the least recently used clips until the cache holds at most max_bytes."""
        entries = []
        for sub in self.clips.glob("*"):
            for path in sub.glob("*"):
                try:
                    st = path.stat()
                except OSError:
                    continue
                if path.name.startswith("."):
                    # A writer's temporary file: an old one was left by a killed writer, a new one is in use.
                    if time.time() - st.st_mtime > 3600:
                        entries.append((0.0, st.st_size, path))
                    continue
                entries.append((st.st_mtime, st.st_size, path))
        total = sum(size for _, size, _ in entries)
        removed = removed_bytes = 0
        for _mtime, size, path in sorted(entries):
            if total <= max_bytes:
                break
            try:
                path.unlink()
            except OSError:
                continue
            total -= size
            removed += 1
            removed_bytes += size
        return PruneResult(removed, removed_bytes, len(entries) - removed, total)
