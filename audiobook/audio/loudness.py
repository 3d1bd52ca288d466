"""Measure loudness the ITU-R BS.1770 way and bring audio to a preset's level, on the PCM before encoding."""

from __future__ import annotations

import math
import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

Samples = npt.NDArray[np.float64]  # mono, full scale = 1.0
_Arr = TypeVar("_Arr", bound=npt.NDArray[Any])
MAX_PASSES = 6  # gain-and-limit passes at most; each replays the chapter


@dataclass(frozen=True)
class Preset:
    """A delivery spec: loudness target, peak ceiling, output format, room tone at head and tail."""

    name: str
    lufs: float | None  # integrated loudness target, or None where an RMS target applies
    rms_db: float | None  # whole-file RMS target (dBFS), for specs written in RMS
    peak_db: float  # sample-peak ceiling; a margin below the true-peak limit for inter-sample peaks and the encode
    true_peak_db: float  # what `audiobook check` holds the file to
    sample_rate: int | None  # None: keep the engine's rate
    bitrate: str
    head_seconds: float
    tail_seconds: float
    room_tone_db: float | None  # level of the noise laid under silences, None for digital silence
    rms_range: tuple[float, float] | None = None
    noise_floor_db: float | None = None
    max_minutes: float | None = None
    encoder_loss_db: float = 0.0  # how much the MP3 encode lowers the level, measured; added to the target
    bright_peak_db: float | None = None  # the sample-peak ceiling of bright sound (sibilants); None: peak_db

    @property
    def target(self) -> float:
        """The level to reach on the PCM: LUFS (or dB RMS), plus what the encode is known to take away."""
        level = self.lufs if self.lufs is not None else self.rms_db if self.rms_db is not None else -20.0
        return level + self.encoder_loss_db

    @property
    def bright_ceiling_db(self) -> float:
        """The ceiling for bright stretches, in dBFS."""
        return self.peak_db if self.bright_peak_db is None else self.bright_peak_db


PRESETS = {
    # Sample-peak ceilings sit under the true-peak limits by what the MP3 encode adds on top of the PCM's sample
    # peaks, measured on eSpeak NG voices at 64 kbit/s: up to ~1.4 dB on voiced sound, ~3.2 dB on sibilants.
    "default": Preset("default", -18.0, None, -3.0, -1.5, None, "64k", 0.3, 1.5, None, encoder_loss_db=0.45,
                      bright_peak_db=-4.8),
    "acx-spec": Preset("acx-spec", None, -20.5, -3.8, -3.0, 44100, "192k", 0.75, 2.5, -75.0,
                       rms_range=(-23.0, -18.0), noise_floor_db=-60.0, max_minutes=120.0, bright_peak_db=-4.8),
    "ebu-r128": Preset("ebu-r128", -23.0, None, -2.5, -1.0, None, "64k", 0.3, 1.5, None, encoder_loss_db=0.45,
                       bright_peak_db=-4.3),
}


@cache
def _k_weighting_power(n: int, rate: int) -> Samples:
    """|H(f)|^2 of the BS.1770 K-weighting (high shelf, then high pass) at the rfft bins of an n-point block."""
    w = 2 * np.pi * np.fft.rfftfreq(n, 1 / rate) / rate
    z = np.exp(-1j * w)

    def biquad(b: tuple[float, float, float], a: tuple[float, float, float]) -> npt.NDArray[np.complex128]:
        out: npt.NDArray[np.complex128] = (b[0] + b[1] * z + b[2] * z * z) / (a[0] + a[1] * z + a[2] * z * z)
        return out

    # RBJ-cookbook biquads with the BS.1770 parameters, valid at any sample rate.
    gain, q, fc = 10 ** (4.0 / 40), 1 / math.sqrt(2), 1500.0
    w0 = 2 * math.pi * fc / rate
    alpha, cw, sa = math.sin(w0) / (2 * q), math.cos(w0), 2 * math.sqrt(gain) * math.sin(w0) / (2 * q)
    shelf = biquad(
        (gain * ((gain + 1) + (gain - 1) * cw + sa), -2 * gain * ((gain - 1) + (gain + 1) * cw),
         gain * ((gain + 1) + (gain - 1) * cw - sa)),
        ((gain + 1) - (gain - 1) * cw + sa, 2 * ((gain - 1) - (gain + 1) * cw), (gain + 1) - (gain - 1) * cw - sa),
    )
    w0 = 2 * math.pi * 38.0 / rate
    alpha, cw = math.sin(w0) / (2 * 0.5), math.cos(w0)
    high_pass = biquad(((1 + cw) / 2, -(1 + cw), (1 + cw) / 2), (1 + alpha, -2 * cw, 1 - alpha))
    return np.abs(shelf * high_pass) ** 2


def block_powers(x: Samples, rate: int) -> Samples:
    """Mean square of the K-weighted signal in each 100 ms block (Parseval on each block's spectrum)."""
    n = rate // 10
    blocks = len(x) // n
    if blocks == 0:
        return np.zeros(0)
    spectrum = np.fft.rfft(x[: blocks * n].reshape(blocks, n), axis=1)
    weights = _k_weighting_power(n, rate).copy()
    weights[1 : (n + 1) // 2] *= 2  # the one-sided spectrum counts each positive frequency twice
    return (np.abs(spectrum) ** 2 @ weights) / (n * n)


def gated_loudness(p: Samples) -> float:
    """Integrated loudness in LUFS from 100 ms K-weighted block powers (400 ms blocks, 75 % overlap, gates)."""
    if len(p) < 4:
        return -math.inf
    z = (p[:-3] + p[1:-2] + p[2:-1] + p[3:]) / 4
    with np.errstate(divide="ignore"):
        loud = -0.691 + 10 * np.log10(z)
    kept = z[loud > -70]
    if not len(kept):
        return -math.inf
    relative = -0.691 + 10 * math.log10(float(kept.mean())) - 10
    kept = z[(loud > -70) & (loud > relative)]
    return -0.691 + 10 * math.log10(float(kept.mean())) if len(kept) else -math.inf


def integrated_loudness(x: Samples, rate: int) -> float:
    """Integrated loudness in LUFS (BS.1770-4: 400 ms blocks, 75 % overlap, -70 LUFS and -10 LU gates)."""
    return gated_loudness(block_powers(x, rate))


def rms_db(x: Samples) -> float:
    """Unweighted RMS of the whole signal in dBFS."""
    ms = float(np.mean(x * x)) if len(x) else 0.0
    return 10 * math.log10(ms) if ms > 0 else -math.inf


class Meter:
    """Loudness (and RMS) of a signal fed in chunks of any size, so a chapter never has to be in memory whole.

    Given the block powers of an earlier measurement of the same signal and the gain since applied (`replay`),
    it measures again only the blocks marked as changed (by the limiter) and scales the rest: a replay costs
    almost nothing to measure.
    """

    def __init__(self, rate: int, peaks: bool = False, replay: tuple[Samples, float] | None = None) -> None:
        self.rate = rate
        self.block = rate // 10
        self.rest = np.zeros(0)
        self.rest_changed = np.zeros(0, dtype=bool)
        self.powers: list[Samples] = []
        self.squares: list[Samples] = []  # unweighted mean square per block, when peaks are kept
        self.peaks: list[Samples] | None = [] if peaks else None
        self.bright: list[Samples] = []  # brightness per block (see `brightness`), when peaks are kept
        self.known = replay[0] * 10 ** (replay[1] / 10) if replay is not None else None
        self.blocks = 0
        self.square_sum = 0.0
        self.count = 0

    def feed(self, x: Samples, changed: npt.NDArray[np.bool_] | None = None) -> None:
        """Add the next stretch of the signal (with a replay: which of its samples differ from the gained input)."""
        self.square_sum += float(np.dot(x, x))
        self.count += len(x)
        data = np.concatenate([self.rest, x]) if len(self.rest) else x
        whole = len(data) // self.block * self.block
        n = whole // self.block
        if self.known is not None and changed is not None:
            mask = np.concatenate([self.rest_changed, changed]) if len(self.rest_changed) else changed
            redo = mask[:whole].reshape(n, self.block).any(axis=1) if n else np.zeros(0, dtype=bool)
            redo |= np.arange(self.blocks, self.blocks + n) >= len(self.known)
            powers = np.zeros(n)
            have = self.known[self.blocks:self.blocks + n]
            powers[:len(have)] = have
            if redo.any():
                idx = np.nonzero(redo)[0]
                powers[idx] = block_powers(data[:whole].reshape(n, self.block)[idx].ravel(), self.rate)
            self.powers.append(powers)
            self.rest_changed = mask[whole:].copy()
        elif whole:
            self.powers.append(block_powers(data[:whole], self.rate))
            if self.peaks is not None:
                blocks = data[:whole].reshape(-1, self.block)
                self.peaks.append(np.abs(blocks).max(axis=1))
                self.squares.append(np.mean(blocks * blocks, axis=1))
                self.bright.append(brightness(blocks))
        self.blocks += n
        self.rest = data[whole:].copy()

    def block_powers(self) -> Samples:
        """The K-weighted power of every whole 100 ms block so far."""
        return np.concatenate(self.powers) if self.powers else np.zeros(0)

    def lufs(self) -> float:
        """Integrated loudness of everything fed so far."""
        return gated_loudness(self.block_powers()) if self.powers else -math.inf

    def rms_db(self) -> float:
        """Unweighted RMS of everything fed so far, in dBFS."""
        return 10 * math.log10(self.square_sum / self.count) if self.count and self.square_sum > 0 else -math.inf


def brightness(frames: Samples) -> Samples:
    """Per row: energy of the first difference over the energy (0 for a hum, ~2 for white noise, 4 at Nyquist)."""
    energy = np.einsum("ij,ij->i", frames, frames)
    steps = np.diff(frames, axis=1)
    out: Samples = np.einsum("ij,ij->i", steps, steps) / np.maximum(energy, 1e-20)
    return out


# Measured on eSpeak NG at 64 kbit/s (MP3 true peak against the PCM's sample peak within 20 ms): voiced sound
# overshoots by at most ~1.4 dB, but sibilants (brightness over ~1) by up to ~3.2 dB. Bright stretches are
# therefore held to a lower ceiling; they are short and carry little loudness, so this costs almost nothing.
BRIGHT_FROM, BRIGHT_FULL = 0.7, 1.2


def ceilings(bright: Samples, ceiling: float, bright_ceiling: float) -> Samples:
    """The ceiling of each block from its brightness: `ceiling` when dull, `bright_ceiling` when bright."""
    share = np.clip((bright - BRIGHT_FROM) / (BRIGHT_FULL - BRIGHT_FROM), 0.0, 1.0)
    out: Samples = ceiling * (bright_ceiling / ceiling) ** share
    return out


class Limiter:
    """A look-ahead peak limiter over a stream: smooth gain reduction so no sample exceeds its ceiling.

    The ceiling is lower where the sound is bright (see `ceilings`). Output lags input by a few milliseconds of
    look-ahead; `flush` returns the rest. After each call, `changed` marks the returned samples it reduced.
    """

    AHEAD, BEHIND = 3, 12  # blocks of 5 ms the gain of a block depends on, either side
    NEAR = 4  # blocks either side whose brightness counts (an MP3 frame spreads noise over ~26 ms)

    def __init__(self, ceiling_db: float, rate: int, bright_ceiling_db: float | None = None) -> None:
        self.ceiling = 10 ** (ceiling_db / 20)
        self.bright_ceiling = 10 ** ((ceiling_db if bright_ceiling_db is None else bright_ceiling_db) / 20)
        self.hop = max(1, rate // 200)
        self.buf = np.zeros(0)
        self.done = 0  # samples of buf already sent out (kept as history for the next gains)
        self.changed = np.zeros(0, dtype=bool)

    def feed(self, x: Samples) -> Samples:
        """Take the next stretch; return what can be finished now."""
        self.buf = np.concatenate([self.buf, x])
        ready = (len(self.buf) // self.hop - self.AHEAD) * self.hop
        return self._emit(ready)

    def flush(self) -> Samples:
        """Finish the stream."""
        return self._emit(len(self.buf))

    def _emit(self, ready: int) -> Samples:
        if ready <= self.done:
            self.changed = np.zeros(0, dtype=bool)
            return np.zeros(0)
        limited, where = self._limited()
        out = limited[self.done:ready]
        self.changed = np.zeros(ready - self.done, dtype=bool)
        inside = where[(where >= self.done) & (where < ready)]
        self.changed[inside - self.done] = True
        keep = max(0, ready - self.BEHIND * self.hop)
        keep -= keep % self.hop
        self.buf = self.buf[keep:]
        self.done = ready - keep
        return out

    def _limited(self) -> tuple[Samples, npt.NDArray[np.intp]]:
        x, hop = self.buf, self.hop
        blocks = -(-len(x) // hop)
        padded = np.zeros(blocks * hop)
        padded[: len(x)] = x
        frames = padded.reshape(blocks, hop)
        peaks = np.abs(frames).max(axis=1)
        low = min(self.ceiling, self.bright_ceiling)
        if peaks.max() <= low:
            return x, np.zeros(0, dtype=np.intp)
        ceiling = np.full(blocks, self.ceiling)
        if self.bright_ceiling != self.ceiling:
            # Brightness only matters near a block loud enough to reach the lower ceiling.
            near = _spread(peaks > low, self.NEAR, self.NEAR)
            bright = np.zeros(blocks)
            bright[near] = brightness(frames[near])
            ceiling = ceilings(_spread(bright, self.NEAR, self.NEAR), self.ceiling, self.bright_ceiling)
        need = np.minimum(1.0, ceiling / np.maximum(peaks, 1e-12))
        if need.min() >= 1.0:
            return x, np.zeros(0, dtype=np.intp)
        # Hold each reduction over its neighbours (10 ms ahead, 50 ms after) so the gain never jumps mid-syllable.
        held = _spread(need, 2, 10, np.minimum)
        smooth = np.minimum(held, np.convolve(held, np.ones(3) / 3, mode="same"))
        # Only the blocks around a reduction change; most of a chapter passes through untouched.
        touched = np.nonzero(_spread(smooth < 1.0, 1, 1))[0]
        where = (touched[:, None] * hop + np.arange(hop)).ravel()
        where = where[where < len(x)]
        gain = np.interp(where, np.arange(blocks) * hop + hop / 2, smooth)
        out: Samples = x.copy()
        limit_at = ceiling[where // hop]
        out[where] = np.clip(x[where] * np.minimum(gain, need[where // hop]), -limit_at, limit_at)
        return out, where


def _spread(x: _Arr, before: int, after: int, pick: Callable[..., Any] = np.maximum) -> _Arr:
    """Each value combined (`pick`: maximum, minimum) with those up to `before` places later and `after` earlier.

    On a mask with maximum: each True widened by `before` places to the left and `after` to the right.
    """
    out = x.copy()
    for shift in range(1, before + 1):
        out[:-shift] = pick(out[:-shift], x[shift:])
    for shift in range(1, after + 1):
        out[shift:] = pick(out[shift:], x[:-shift])
    return out


def limit(x: Samples, ceiling_db: float, rate: int, bright_ceiling_db: float | None = None) -> Samples:
    """Limit a whole signal at once (the stream limiter, fed in one piece)."""
    limiter = Limiter(ceiling_db, rate, bright_ceiling_db)
    return np.concatenate([limiter.feed(x), limiter.flush()])


def predicted_gain(meter: Meter, preset: Preset, target: float | None = None) -> float:
    """The gain (dB) expected to meet the preset's target once the limiter has held the peaks.

    `meter` has measured the signal (with peaks). Each 100 ms block's level is scaled by the gain and by the
    reduction its peak would get at its ceiling; the gain is solved on those block figures, so the chapter is
    played through only once to get there. `target` overrides the preset's.
    """
    if not meter.powers or meter.peaks is None:
        return 0.0
    powers, peaks = meter.block_powers(), np.concatenate(meter.peaks)
    squares = np.concatenate(meter.squares)
    target = preset.target if target is None else target
    ceiling = ceilings(np.concatenate(meter.bright), 10 ** (preset.peak_db / 20), 10 ** (preset.bright_ceiling_db / 20))

    def level(gain: float) -> float:
        scale = 10 ** (gain / 20)
        reduce = np.minimum(1.0, ceiling / np.maximum(peaks * scale, 1e-12)) ** 2
        if preset.lufs is not None:
            return gated_loudness(powers * scale * scale * reduce)
        ms = float(np.mean(squares * scale * scale * reduce))
        return 10 * math.log10(ms) if ms > 0 else -math.inf

    start = level(0.0)
    if not math.isfinite(start):
        return 0.0
    gain = target - start
    for _ in range(8):
        error = target - level(gain)
        if abs(error) < 0.02:
            break
        gain += error
    return gain


def room_tone(n: int, level_db: float | None, seed: int) -> Samples:
    """n samples of quiet, deterministic noise (or digital silence) to lay under pauses."""
    if level_db is None or n <= 0:
        return np.zeros(max(0, n))
    rng = np.random.default_rng(seed)
    return rng.standard_normal(n) * 10 ** (level_db / 20)


def true_peak(path: Path) -> float:
    """An audio file's true peak in dBTP, measured as `check` measures it (ffmpeg's BS.1770 meter)."""
    return last_value(TRUE_PEAK_LINE, ffmpeg_log(path, "ebur128=peak=true"))


TRUE_PEAK_LINE = r"Peak:\s+(-?[\d.]+|-inf) dBFS"


def ffmpeg_log(path: Path, filters: str) -> str:
    import imageio_ffmpeg

    return subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-nostats", "-i", str(path),
                           "-af", filters, "-f", "null", "-"], capture_output=True, text=True).stderr


def last_value(pattern: str, log: str) -> float:
    found = re.findall(pattern, log)
    return float(found[-1]) if found else -math.inf
