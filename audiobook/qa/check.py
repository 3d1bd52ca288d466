"""Check a rendered book folder against its preset: loudness, peaks, format, room tone, tags, numbering, names."""

from __future__ import annotations

import math
import os
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

from mutagen.id3 import ID3, ID3NoHeaderError
from mutagen.mp3 import MP3, BitrateMode, HeaderNotFoundError

from audiobook.audio.loudness import PRESETS, TRUE_PEAK_LINE, Preset, ffmpeg_log, last_value
from audiobook.errors import InputError
from audiobook.layout import read_manifest_data

LOUDNESS_TOLERANCE = 1.0  # LU either side of the target
_NAME = re.compile(r"^(?P<n>\d{2,}) - (?P<title>[^/\\:*?\"<>|\x00-\x1f]+)\.mp3$")
REQUIRED = ("TIT2", "TALB", "TPE1", "TPE2", "TCOM", "TRCK", "TCON")


@dataclass
class FileReport:
    """What was measured in one chapter file."""

    file: str
    seconds: float = 0.0
    sample_rate: int = 0
    bitrate: int = 0
    channels: int = 0
    cbr: bool = False
    lufs: float = -math.inf
    true_peak: float = -math.inf
    rms: float = -math.inf
    peak: float = -math.inf
    noise_floor: float = -math.inf
    head_silence: float = 0.0
    tail_silence: float = 0.0
    tags: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class CheckResult:
    """Every file's measurements and every problem found, one line each."""

    folder: Path
    preset: str
    files: tuple[FileReport, ...]
    problems: tuple[str, ...]


def check_book(folder: Path, preset_name: str | None = None, jobs: int | None = None) -> CheckResult:
    """Measure every chapter file of a rendered book and list what breaks the preset or the tagging rules."""
    if not folder.is_dir():
        raise InputError(f"{folder}: no such folder; give the folder a render wrote (output/<book title>)")
    preset_name = preset_name or str(read_manifest_data(folder).get("preset") or "default")
    if preset_name not in PRESETS:
        raise InputError(f"--preset {preset_name!r} is not allowed; use one of {', '.join(PRESETS)}")
    preset = PRESETS[preset_name]
    paths = sorted(p for p in folder.glob("*.mp3") if not p.name.startswith("."))
    if not paths:
        raise InputError(f"{folder}: holds no chapter MP3 files")
    with ThreadPoolExecutor(jobs or os.cpu_count() or 1) as pool:
        reports = list(pool.map(_measure, paths))
    problems = [*(p for r in reports for p in _file_problems(r, preset)), *_book_problems(reports)]
    return CheckResult(folder, preset_name, tuple(reports), tuple(problems))


def _measure(path: Path) -> FileReport:
    report = FileReport(path.name)
    try:
        audio = MP3(str(path))
    except (HeaderNotFoundError, OSError) as exc:
        report.tags["_error"] = f"not a readable MP3 file ({exc})"
        return report
    info = audio.info
    if info is None:
        report.tags["_error"] = "not a readable MP3 file (no audio frames)"
        return report
    report.seconds = float(info.length)
    report.sample_rate = int(info.sample_rate)
    report.bitrate = int(info.bitrate)
    report.channels = int(info.channels)
    report.cbr = info.bitrate_mode in (BitrateMode.CBR, BitrateMode.UNKNOWN) and not getattr(info, "sketchy", False)
    try:
        id3 = ID3(str(path))
        report.tags = {k: str(id3[k]) for k in id3 if k[:4] in (*REQUIRED, "TPOS", "TDRC")}
        report.tags.update({"_version": f"2.{id3.version[1]}", "_cover": str(any(k.startswith("APIC") for k in id3))})
    except ID3NoHeaderError:
        report.tags = {}
    log = ffmpeg_log(path, "ebur128=peak=true,astats=measure_overall=RMS_level+Peak_level+Noise_floor:"
                            "measure_perchannel=0,silencedetect=n=-50dB:d=0.2")
    report.lufs = last_value(r"\bI:\s+(-?[\d.]+|-inf) LUFS", log)
    report.true_peak = last_value(TRUE_PEAK_LINE, log)
    report.rms = last_value(r"RMS level dB:\s+(-?[\d.]+|-inf)", log)
    report.peak = last_value(r"Peak level dB:\s+(-?[\d.]+|-inf)", log)
    report.noise_floor = last_value(r"Noise floor dB:\s+(-?[\d.]+|-inf)", log)
    starts = [float(x) for x in re.findall(r"silence_start: (-?[\d.]+)", log)]
    ends = [float(x) for x in re.findall(r"silence_end: (-?[\d.]+)", log)]
    if starts and starts[0] <= 0.05 and ends:
        report.head_silence = ends[0]
    if starts and (len(ends) < len(starts) or ends[-1] >= report.seconds - 0.1):
        report.tail_silence = report.seconds - starts[-1]
    return report


def _file_problems(r: FileReport, preset: Preset) -> list[str]:
    """Every way one chapter file falls short of its preset: level, format, room tone, tags."""
    if "_error" in r.tags:
        return [f"{r.file}: {r.tags['_error']}"]
    found = [*_level_problems(r, preset), *_format_problems(r, preset), *_room_tone_problems(r, preset),
             *_tag_problems(r)]
    return [f"{r.file}: {problem}" for problem in found]


def _level_problems(r: FileReport, preset: Preset) -> list[str]:
    out = []
    if preset.lufs is not None and abs(r.lufs - preset.lufs) > LOUDNESS_TOLERANCE:
        out.append(f"integrated loudness {r.lufs:.1f} LUFS, the {preset.name} preset wants "
                   f"{preset.lufs:.0f} ± {LOUDNESS_TOLERANCE:.0f}")
    if r.true_peak > preset.true_peak_db:
        out.append(f"true peak {r.true_peak:.1f} dBTP, above {preset.true_peak_db:.1f}")
    if preset.rms_range and not preset.rms_range[0] <= r.rms <= preset.rms_range[1]:
        out.append(f"RMS {r.rms:.1f} dB, outside {preset.rms_range[0]:.0f} to {preset.rms_range[1]:.0f}")
    if preset.noise_floor_db is not None and r.noise_floor > preset.noise_floor_db:
        out.append(f"noise floor {r.noise_floor:.1f} dB, above {preset.noise_floor_db:.0f}")
    if preset.name == "acx-spec" and r.peak > -3.0:
        out.append(f"peak {r.peak:.1f} dBFS, above -3")
    return out


def _format_problems(r: FileReport, preset: Preset) -> list[str]:
    out = []
    if preset.sample_rate and r.sample_rate != preset.sample_rate:
        out.append(f"sample rate {r.sample_rate} Hz, the preset wants {preset.sample_rate}")
    want_kbps = int(preset.bitrate.rstrip("k"))
    if abs(r.bitrate / 1000 - want_kbps) > 1:
        out.append(f"bitrate {r.bitrate / 1000:.0f} kbps, the preset wants {want_kbps}")
    if preset.name == "acx-spec" and not r.cbr:
        out.append("not constant bitrate")
    if r.channels != 1:
        out.append(f"{r.channels} channels, audiobooks here are mono")
    if preset.max_minutes and r.seconds > preset.max_minutes * 60:
        out.append(f"{r.seconds / 60:.0f} minutes long, over {preset.max_minutes:.0f}")
    if r.seconds < 1:
        out.append(f"only {r.seconds:.2f} s of audio")
    return out


def _room_tone_problems(r: FileReport, preset: Preset) -> list[str]:
    if preset.name != "acx-spec":
        return []
    out = []
    if not 0.5 <= r.head_silence <= 1.0:
        out.append(f"{r.head_silence:.2f} s of room tone at the head, ACX wants 0.5 to 1")
    if not 1.0 <= r.tail_silence <= 5.0:
        out.append(f"{r.tail_silence:.2f} s of room tone at the tail, ACX wants 1 to 5")
    return out


def _tag_problems(r: FileReport) -> list[str]:
    out = []
    missing = [t for t in REQUIRED if not r.tags.get(t)]
    if missing:
        out.append(f"missing tags {', '.join(missing)}")
    if r.tags.get("TCON") and r.tags["TCON"] != "Audiobook":
        out.append(f"genre {r.tags['TCON']!r}, not 'Audiobook'")
    return out


def _book_problems(reports: list[FileReport]) -> list[str]:
    out = []
    total = len(reports)
    titles: dict[str, str] = {}
    for n, r in enumerate(reports, 1):
        m = _NAME.match(r.file)
        if not m:
            out.append(f"{r.file}: file name is not 'NN - Title.mp3'")
        elif int(m.group("n")) != n:
            out.append(f"{r.file}: file number {int(m.group('n'))} where {n} was expected (a gap or a duplicate)")
        track = r.tags.get("TRCK", "")
        if track and track != f"{n}/{total}":
            out.append(f"{r.file}: track {track!r}, expected '{n}/{total}'")
        title = r.tags.get("TIT2")
        if title:
            if title in titles:
                out.append(f"{r.file}: title {title!r} is also the title of {titles[title]}")
            titles[title] = r.file
    for tag in ("TALB", "TPE1", "TPE2", "TCOM", "_version", "_cover", "TDRC"):
        values = {r.tags.get(tag) for r in reports}
        if len(values) > 1:
            shown = {"_version": "ID3 version", "_cover": "cover art"}.get(tag, tag)
            out.append(f"{reports[0].file}..{reports[-1].file}: {shown} differs between files: "
                       + ", ".join(sorted(repr(v) for v in values)))
    return out


def check_json(result: CheckResult) -> dict[str, object]:
    """The result as plain data for `--json` (infinite levels as null)."""
    def clean(value: object) -> object:
        return None if isinstance(value, float) and not math.isfinite(value) else value

    files = [{k: clean(v) for k, v in asdict(r).items()} for r in result.files]
    return {"folder": str(result.folder), "preset": result.preset, "ok": not result.problems,
            "problems": list(result.problems), "files": files}
