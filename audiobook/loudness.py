"""Measure loudness the ITU-R BS.1770 way and bring audio to a preset's level, on the PCM before encoding."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt

Samples = npt.NDArray[np.float64]  # mono, full scale = 1.0
MAX_PASSES = 6  # gain-and-limit passes at most; each replays the chapter


@dataclass(frozen=True)
class Preset:
    """A delivery spec: loudness target, peak ceiling, output format, room tone at head and tail."""

    name: str
    lufs: float | None  # integrated loudness target, or None where an RMS target applies
    rms_db: float | None  # whole-file RMS target (dBFS), for specs written in RMS
    peak_db: float  # sample-peak ceiling; a margin below the true-peak limit, for inter-sample peaks
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


PRESETS = {
    # Sample-peak ceilings sit well under the true-peak limits: inter-sample peaks and the MP3 encode add up to
    # up to two decibels at 64 kbit/s, three where the limiter works hard (measured on the dev novels); a lower
    # default ceiling keeps short, peaky chapters from ever reaching -18 LUFS, so some chapters still exceed.
    "default": Preset("default", -18.0, None, -3.3, -1.5, None, "64k", 0.3, 1.5, None, encoder_loss_db=0.45),
    "acx-spec": Preset("acx-spec", None, -20.5, -3.8, -3.0, 44100, "192k", 0.75, 2.5, -75.0,
                       rms_range=(-23.0, -18.0), noise_floor_db=-60.0, max_minutes=120.0),
    "ebu-r128": Preset("ebu-r128", -23.0, None, -2.8, -1.0, None, "64k", 0.3, 1.5, None, encoder_loss_db=0.45),
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
    """Loudness (and RMS) of a signal fed in chunks of any size, so a chapter never has to be in memory whole."""

    def __init__(self, rate: int, peaks: bool = False) -> None:
        self.rate = rate
        self.block = rate // 10
        self.rest = np.zeros(0)
        self.powers: list[Samples] = []
        self.squares: list[Samples] = []  # unweighted mean square per block, when peaks are kept
        self.peaks: list[Samples] | None = [] if peaks else None
        self.square_sum = 0.0
        self.count = 0

    def feed(self, x: Samples) -> None:
        """Add the next stretch of the signal."""
        self.square_sum += float(np.dot(x, x))
        self.count += len(x)
        data = np.concatenate([self.rest, x]) if len(self.rest) else x
        whole = len(data) // self.block * self.block
        if whole:
            self.powers.append(block_powers(data[:whole], self.rate))
            if self.peaks is not None:
                blocks = data[:whole].reshape(-1, self.block)
                self.peaks.append(np.abs(blocks).max(axis=1))
                self.squares.append(np.mean(blocks * blocks, axis=1))
        self.rest = data[whole:].copy()

    def lufs(self) -> float:
        """Integrated loudness of everything fed so far."""
        return gated_loudness(np.concatenate(self.powers)) if self.powers else -math.inf

    def rms_db(self) -> float:
        """Unweighted RMS of everything fed so far, in dBFS."""
        return 10 * math.log10(self.square_sum / self.count) if self.count and self.square_sum > 0 else -math.inf


class Limiter:
    """A look-ahead peak limiter over a stream: smooth gain reduction so no sample exceeds the ceiling.

    Output lags input by a few milliseconds of look-ahead; `flush` returns the rest.
    """

    AHEAD, BEHIND = 3, 12  # blocks of 5 ms the gain of a block depends on, either side

    def __init__(self, ceiling_db: float, rate: int) -> None:
        self.ceiling = 10 ** (ceiling_db / 20)
        self.hop = max(1, rate // 200)
        self.buf = np.zeros(0)
        self.done = 0  # samples of buf already sent out (kept as history for the next gains)

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
            return np.zeros(0)
        out = self._limited()[self.done:ready]
        keep = max(0, ready - self.BEHIND * self.hop)
        keep -= keep % self.hop
        self.buf = self.buf[keep:]
        self.done = ready - keep
        return out

    def _limited(self) -> Samples:
        x, hop = self.buf, self.hop
        blocks = -(-len(x) // hop)
        padded = np.zeros(blocks * hop)
        padded[: len(x)] = np.abs(x)
        need = np.minimum(1.0, self.ceiling / np.maximum(padded.reshape(blocks, hop).max(axis=1), 1e-12))
        if need.min() >= 1.0:
            return x
        # Hold each reduction over its neighbours (10 ms ahead, 50 ms after) so the gain never jumps mid-syllable.
        held = need.copy()
        for shift in range(1, 3):
            held[:-shift] = np.minimum(held[:-shift], need[shift:])
        for shift in range(1, 11):
            held[shift:] = np.minimum(held[shift:], need[:-shift])
        smooth = np.minimum(held, np.convolve(held, np.ones(3) / 3, mode="same"))
        # Only the blocks around a reduction change; most of a chapter passes through untouched.
        reduced = np.nonzero(smooth < 1.0)[0]
        touched = np.unique(np.clip(np.concatenate([reduced - 1, reduced, reduced + 1]), 0, blocks - 1))
        where = (touched[:, None] * hop + np.arange(hop)).ravel()
        where = where[where < len(x)]
        gain = np.interp(where, np.arange(blocks) * hop + hop / 2, smooth)
        out: Samples = x.copy()
        out[where] = np.clip(x[where] * np.minimum(gain, need[where // hop]), -self.ceiling, self.ceiling)
        return out


def limit(x: Samples, ceiling_db: float, rate: int) -> Samples:
    """Limit a whole signal at once (the stream limiter, fed in one piece)."""
    limiter = Limiter(ceiling_db, rate)
    return np.concatenate([limiter.feed(x), limiter.flush()])


def to_target(x: Samples, rate: int, preset: Preset) -> Samples:
    """Bring a whole signal to the preset's target (see `stitch` for the streaming form used on chapters)."""
    gain = level_gain(lambda: iter([x]), rate, preset)
    limiter = Limiter(preset.peak_db, rate)
    return np.concatenate([limiter.feed(x * 10 ** (gain / 20)), limiter.flush()])


def predicted_gain(chunks: Callable[[], Iterator[Samples]], rate: int, preset: Preset) -> float:
    """The gain (dB) expected to meet the preset's target once the limiter has held the peaks, from one pass.

    Each 100 ms block's level is scaled by the gain and by the reduction its peak would get at the ceiling; the
    gain is solved on those block figures, so the chapter is played through only once to get there.
    """
    meter = Meter(rate, peaks=True)
    for chunk in chunks():
        meter.feed(chunk)
    if not meter.powers or meter.peaks is None:
        return 0.0
    powers, peaks = np.concatenate(meter.powers), np.concatenate(meter.peaks)
    squares = np.concatenate(meter.squares)
    target = (preset.lufs if preset.lufs is not None else preset.rms_db if preset.rms_db is not None else -20.0)
    target += preset.encoder_loss_db
    ceiling = 10 ** (preset.peak_db / 20)

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


def level_gain(chunks: Callable[[], Iterator[Samples]], rate: int, preset: Preset) -> float:
    """The gain (dB) that meets the preset's loudness or RMS target after limiting; `chunks` replays the signal.

    One pass measures; a second applies the gain and the limiter and measures again, because limiting peaks
    lowers the loudness a little; the difference is added back.
    """
    def measure(meter: Meter) -> float:
        return meter.lufs() if preset.lufs is not None else meter.rms_db()

    target = preset.lufs if preset.lufs is not None else (preset.rms_db if preset.rms_db is not None else -20.0)
    target += preset.encoder_loss_db  # the MP3 encode takes this much off; aim above by as much
    before = Meter(rate)
    for chunk in chunks():
        before.feed(chunk)
    measured = measure(before)
    if not math.isfinite(measured):
        return 0.0
    gain = target - measured
    # Limiting gives back less than the gain added, so repeat (each pass replays the chapter) until close.
    for _ in range(MAX_PASSES):
        after = Meter(rate)
        limiter = Limiter(preset.peak_db, rate)
        scale = 10 ** (gain / 20)
        for chunk in chunks():
            after.feed(limiter.feed(chunk * scale))
        after.feed(limiter.flush())
        error = target - measure(after)
        if not math.isfinite(error) or abs(error) < 0.15:
            break
        gain += error * 1.5 if error > 0 else error  # under limiting, a raise needs more than its face value
    return gain


def room_tone(n: int, level_db: float | None, seed: int) -> Samples:
    """n samples of quiet, deterministic noise (or digital silence) to lay under pauses."""
    if level_db is None or n <= 0:
        return np.zeros(max(0, n))
    rng = np.random.default_rng(seed)
    return rng.standard_normal(n) * 10 ** (level_db / 20)
