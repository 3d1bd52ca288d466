"""Encode a chapter to MP3 as pieces cut in paragraph pauses, each cached by what it holds: an edit re-encodes only
the pieces it touches, and the chapter is their frames joined."""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from importlib.metadata import version
from itertools import pairwise
from pathlib import Path

import lameenc
import numpy as np
import numpy.typing as npt

from audiobook.audio.loudness import MAX_PASSES, Meter, Preset, Samples, gated_loudness, predicted_gain
from audiobook.audio.stitch import (
    TOLERANCE,
    Chapter,
    Line,
    Pauses,
    aligned_chunks,
    clip_samples,
    next_gain,
    pause_before,
    pcm_at_rate,
    play,
    silence,
)
from audiobook.errors import OutputError
from audiobook.tts.cache import ClipCache

# A LAME stream starts 576 encoder + 529 decoder samples late (at the output rate); measured with lameenc 1.9 and
# ffmpeg's decoder on impulses, at 22.05 and 44.1 kHz. Pieces are trimmed by it so that pauses keep their length.
ENCODER_DELAY = 1105
LAME_ROOM = 1152  # and n samples fill ceil((n + 1152) / frame) frames (measured the same way, both frame sizes)
QUALITY = 3  # LAME's own default, which ffmpeg's libmp3lame also uses
MIN_CUT_MS = 200  # pieces are cut only in pauses at least this long, which hold the trim and any limiter release
MIN_PIECE_CHARS = 120  # text in a piece at least (about 7 s of speech): enough to measure its loudness by
CHAPTER_TOLERANCE = 0.5  # LU (or dB) the pieces together may miss the target before the chapter is levelled again
VERSION = 1  # bump when the way pieces are cut, levelled or encoded changes


@dataclass(frozen=True)
class Piece:
    """Lines encoded together: the silence before each (samples at the chapter rate), and after the last."""

    lines: tuple[Line, ...]
    gaps: tuple[int, ...]
    tail: int
    key: str  # names the piece's sound before levelling


@dataclass(frozen=True)
class _Encoded:
    """A piece levelled and encoded: its MP3 frames, the level it reached and where its lines are in it."""

    mp3: bytes | bytearray | memoryview
    frames: int  # MP3 frames in mp3
    powers: Samples  # K-weighted power of each 100 ms block, as levelled
    sums: npt.NDArray[np.float64]  # (sum of squares, samples), for RMS
    spans: npt.NDArray[np.int64]  # (start, end) of each line, in samples from the piece's start


def encode_chapter(lines: Sequence[Line], pauses: Pauses, preset: Preset, rate: int, cache: ClipCache,
                   path: Path, name: str) -> Chapter:
    """Stitch, level and encode a chapter into an MP3 file at path, reusing the cached pieces that did not change.

    Each piece (a few paragraphs) is levelled to the target on its own, so its bytes depend on what it holds and
    nothing else: changing one voice re-encodes only the pieces where that voice speaks. `name` names the chapter
    file in messages.
    """
    if not lines:
        raise OutputError("a chapter has no audio to stitch")
    out_rate = preset.sample_rate or rate
    frame = 1152 if out_rate >= 32000 else 576  # samples per MP3 frame: MPEG-1 above 32 kHz, else MPEG-2
    setup: list[object] = [VERSION, rate, out_rate, frame, preset.head_seconds, preset.tail_seconds]
    pieces = _pieces(lines, pauses, preset, rate, setup)
    encoder = [f"lameenc {version('lameenc')}", QUALITY, asdict(preset)]
    target = preset.target
    encoded = 0
    for attempt in range(1, MAX_PASSES + 1):
        # Each piece goes to the file as it is made: the chapter's MP3 is never held whole.
        levels: list[_Encoded] = []
        spans: list[tuple[float, float]] = []
        at = 0  # output samples so far
        with open(path, "wb") as handle:
            for piece in pieces:
                try:
                    done, cached = _encoded(piece, preset, target, rate, out_rate, frame, encoder, cache)
                except RuntimeError as exc:  # what lameenc raises when LAME refuses a setting or fails
                    raise OutputError(f"{name}: MP3 encoding failed ({exc})") from None
                encoded += not cached
                start = (at + ENCODER_DELAY) / out_rate
                spans += [(start + a / rate, start + b / rate) for a, b in done.spans.tolist()]
                handle.write(done.mp3)
                at += done.frames * frame
                levels.append(_Encoded(b"", 0, done.powers, done.sums, done.spans))
        # Pieces at the target make a chapter at the target, but for the gates' view of the whole: check it.
        error = preset.target - _level(preset, levels)
        if not math.isfinite(error) or abs(error) <= CHAPTER_TOLERANCE or attempt == MAX_PASSES:
            break
        target += round(error / CHAPTER_TOLERANCE) * CHAPTER_TOLERANCE
    return Chapter(round(at * rate / out_rate), rate, tuple(spans), len(pieces), encoded)


def _level(preset: Preset, parts: Sequence[_Encoded]) -> float:
    """Loudness (LUFS), or RMS (dB) for an RMS preset, of the parts played one after another."""
    if preset.lufs is not None:
        return gated_loudness(np.concatenate([p.powers for p in parts]))
    squares, count = sum(float(p.sums[0]) for p in parts), sum(float(p.sums[1]) for p in parts)
    return 10 * math.log10(squares / count) if squares > 0 and count else -math.inf


def _pieces(lines: Sequence[Line], pauses: Pauses, preset: Preset, rate: int, setup: list[object]) -> list[Piece]:
    """Cut the chapter in paragraph, scene or title pauses, once a piece holds MIN_PIECE_CHARS of text."""
    groups: list[tuple[list[Line], list[int]]] = [([lines[0]], [int(rate * preset.head_seconds)])]
    tails: list[int] = []
    chars = lines[0].chars
    for prev, line in pairwise(lines):
        ms = pause_before(prev, line, pauses)
        gap = rate * ms // 1000
        if (chars >= MIN_PIECE_CHARS and ms >= MIN_CUT_MS
                and (prev.title or line.scene_break or line.paragraph != prev.paragraph)):
            tails.append(gap)
            groups.append(([line], [0]))
            chars = 0
        else:
            groups[-1][0].append(line)
            groups[-1][1].append(gap)
        chars += line.chars
    if len(groups) > 1 and chars < MIN_PIECE_CHARS:
        # A short last paragraph joins the piece before it: alone it would be too short to measure.
        lines_, gaps_ = groups.pop()
        groups[-1][0].extend(lines_)
        groups[-1][1].extend([tails.pop(), *gaps_[1:]])
    tails.append(rate * max(pauses.chapter_end, int(preset.tail_seconds * 1000)) // 1000)
    out = []
    for (group, gaps), tail in zip(groups, tails, strict=True):
        parts = [[line.key or hashlib.sha256(line.audio().pcm).hexdigest(), line.gain_db, gap]
                 for line, gap in zip(group, gaps, strict=True)]
        key = hashlib.sha256(json.dumps([setup, parts, tail]).encode()).hexdigest()
        out.append(Piece(tuple(group), tuple(gaps), tail, key))
    return out


def _timeline(piece: Piece, rate: int, out_rate: int, frame: int, spans: list[tuple[int, int]]) -> Iterator[Samples]:
    """The piece's samples before levelling, trimmed so that its frames end where its pause is meant to end.

    The encoder delays a piece by ENCODER_DELAY and pads it to whole frames, so a piece of n samples plays for
    ceil((n + LAME_ROOM) / frame) frames: the lead silence loses the delay, and the tail is cut so that the frames
    end where the pause after the piece is meant to end.
    """
    ratio = out_rate / rate
    delay = math.ceil(ENCODER_DELAY / ratio)
    at = 0
    spans.clear()
    for index, (line, gap) in enumerate(zip(piece.lines, piece.gaps, strict=True)):
        if index == 0:
            gap = max(0, gap - delay)  # the first line of the piece then starts just where it was meant to
        yield from silence(gap)
        at += gap
        pcm = np.frombuffer(pcm_at_rate(line.audio(), rate), dtype="<i2")
        spans.append((at, at + len(pcm)))
        at += len(pcm)
        yield from clip_samples(pcm, line.gain_db)
    # Every piece's sound comes out ENCODER_DELAY late, the next one's too: so the pause ends after at + tail.
    frames = max(1, round((at + piece.tail) * ratio / frame))
    yield from silence(max(0, math.floor((frames * frame - LAME_ROOM) / ratio) - at))


def _encoded(piece: Piece, preset: Preset, target: float, rate: int, out_rate: int, frame: int,
             encoder: list[object], cache: ClipCache) -> tuple[_Encoded, bool]:
    """The piece levelled to target and encoded, and whether it came from the cache (else it is cached now)."""
    key = hashlib.sha256(json.dumps([piece.key, target, encoder]).encode()).hexdigest()
    blob = cache.get_blob(key, ".piece")
    if blob is not None and (found := _unpack(blob)) is not None:
        return found, True
    spans: list[tuple[int, int]] = []
    measured = Meter(rate, peaks=True)
    for chunk in aligned_chunks(_timeline(piece, rate, out_rate, frame, spans), rate):
        measured.feed(chunk)
    gain = predicted_gain(measured, preset, target)
    powers = measured.block_powers()
    tried: list[tuple[float, float]] = []
    for attempt in range(1, MAX_PASSES + 1):
        # The prediction is usually close enough; only a miss is played again.
        done = _encode(piece, gain, powers, preset, rate, out_rate, frame)
        error = target - _level(preset, [done])
        if not math.isfinite(error) or abs(error) <= TOLERANCE or attempt == MAX_PASSES:
            break
        tried.append((gain, target - error))
        gain = next_gain(tried, error)
    done = _Encoded(done.mp3, done.frames, done.powers, done.sums, np.array(spans, dtype=np.int64).reshape(-1, 2))
    arrays = (done.powers.astype("<f8"), done.sums.astype("<f8"), done.spans.astype("<i8"))
    header = json.dumps([done.frames, len(done.mp3), *(a.size for a in arrays)]).encode() + b"\n"
    cache.put_blob(key, ".piece", header, done.mp3, *(a.tobytes() for a in arrays))
    return done, False


def _unpack(blob: bytes) -> _Encoded | None:
    """A cached piece from its bytes (a JSON line of frames and sizes, the MP3, the arrays), or None if damaged."""
    head, _, rest = blob.partition(b"\n")
    try:
        frames, mp3, powers, sums, spans = (int(n) for n in json.loads(head))
    except (ValueError, TypeError):
        return None
    if len(rest) != mp3 + 8 * (powers + sums + spans):
        return None
    view = memoryview(rest)
    arrays = np.frombuffer(view[mp3:], dtype="<f8", count=powers + sums)
    return _Encoded(view[:mp3], frames, arrays[:powers], arrays[powers:],
                    np.frombuffer(view[mp3 + 8 * (powers + sums):], dtype="<i8").reshape(-1, 2))


def _encode(piece: Piece, gain: float, powers: Samples, preset: Preset, rate: int, out_rate: int,
            frame: int) -> _Encoded:
    """Apply the gain and the limiter to the piece, add room tone, encode; measure what the limiter changed."""
    out = bytearray()
    mp3 = lameenc.Encoder()
    mp3.set_bit_rate(int(preset.bitrate.rstrip("k")))
    mp3.set_in_sample_rate(rate)
    mp3.set_out_sample_rate(out_rate)
    mp3.set_channels(1)
    mp3.set_quality(QUALITY)
    meter = play(aligned_chunks(_timeline(piece, rate, out_rate, frame, []), rate), gain, preset, rate,
                 int(piece.key[:16], 16), powers, lambda pcm: out.extend(mp3.encode(pcm)))
    out.extend(mp3.flush())
    return _Encoded(out, frame_count(out), meter.block_powers(), np.array([meter.square_sum, meter.count]),
                    np.zeros((0, 2), dtype=np.int64))


def frame_count(data: bytes | bytearray | memoryview) -> int:
    """The number of MPEG audio frames in data (which holds frames only); raises OutputError if it holds more."""
    count = at = 0
    while at + 4 <= len(data):
        header = int.from_bytes(data[at:at + 4], "big")
        version_bits, bitrate_index, rate_index = (header >> 19) & 3, (header >> 12) & 15, (header >> 10) & 3
        if header >> 21 != 0x7FF or version_bits == 1 or bitrate_index in (0, 15) or rate_index == 3:
            raise OutputError(f"the MP3 encoder wrote something other than frames at byte {at}")
        mpeg1 = version_bits == 3
        bitrate = (_MPEG1_KBPS if mpeg1 else _MPEG2_KBPS)[bitrate_index] * 1000
        sample_rate = _RATES[version_bits][rate_index]
        at += (144 if mpeg1 else 72) * bitrate // sample_rate + ((header >> 9) & 1)
        count += 1
    return count


_MPEG1_KBPS = (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)
_MPEG2_KBPS = (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160)
_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}
