#!/usr/bin/env python3
"""Benchmark a render against a raw eSpeak NG + ffmpeg reference on the same machine, in the same run.

Measures: cold render, raw reference and their ratio; re-render with nothing changed; re-render after
one character's voice changed (and how many clips were synthesized); audio hours; realtime factor;
peak memory (PSS) of the whole process tree: the full book, a book of its longest chapter, and books of N of its
chapters rendered with the same --jobs N (one chapter per worker: the same processes as the full render, so
the ratio shows whether memory grows with the book's length). A chapter's memory follows its longest
paragraph (one MP3 piece) more than its length, so the N longest chapters and the N chapters with the longest
paragraphs are both rendered, and the larger peak is the one-chapter-per-worker figure.

    python scripts/bench.py [BOOK] [--jobs N] [--json bench.json]

BOOK defaults to ../shared/pdnc/PrideAndPrejudice/novel_text.txt. Nothing is written outside a
temporary folder except the JSON report.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_BOOK = ROOT.parent / "shared" / "pdnc" / "PrideAndPrejudice" / "novel_text.txt"


def _raw_chapter(job: tuple[int, list[str], str]) -> float:
    """Speak one chapter's paragraphs with libespeak-ng in synchronous mode, encode one MP3; return seconds."""
    _index, paragraphs, out = job
    import espeakng_loader
    import imageio_ffmpeg

    os.environ["ESPEAK_DATA_PATH"] = espeakng_loader.get_data_path()
    lib = ctypes.CDLL(espeakng_loader.get_library_path())
    lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
    rate = lib.espeak_Initialize(2, 0, None, 0)  # AUDIO_OUTPUT_SYNCHRONOUS
    pcm: list[bytes] = []
    callback_type = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)

    def on_synth(wav: object, n: int, _events: object) -> int:
        if n > 0:
            pcm.append(ctypes.string_at(wav, n * 2))
        return 0

    callback = callback_type(on_synth)
    lib.espeak_SetSynthCallback(callback)
    lib.espeak_SetVoiceByName(b"gmw/en-us")
    lib.espeak_Synth.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int, ctypes.c_uint,
                                 ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p]
    for paragraph in paragraphs:
        data = paragraph.encode("utf-8")
        lib.espeak_Synth(data, len(data) + 1, 0, 0, 0, 0x1 | 0x1000, None, None)  # CHARS_UTF8 | ENDPAUSE
    audio = b"".join(pcm)
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y", "-f", "s16le", "-ar", str(rate), "-ac",
                    "1", "-i", "pipe:", "-b:a", "64k", "-f", "mp3", out], input=audio, check=True)
    return len(audio) / 2 / rate


def raw_reference(book: Path, jobs: int, tmp: Path) -> dict[str, float]:
    """One voice, paragraph text straight into libespeak-ng, one ffmpeg encode per chapter, all cores."""
    sys.path.insert(0, str(ROOT))
    from audiobook.read.chapters import split_chapters

    text = book.read_text(encoding="utf-8")
    chapters = split_chapters(text, "Book")
    work = []
    for c in chapters:
        paragraphs = [re.sub(r"\s+", " ", p).strip() for p in re.split(r"\n\s*\n", text[c.start:c.end])]
        work.append((c.index, [p for p in paragraphs if p], str(tmp / f"raw-{c.index:03d}.mp3")))
    work.sort(key=lambda w: -sum(len(p) for p in w[1]))
    started = time.perf_counter()
    with ProcessPoolExecutor(jobs, mp_context=get_context("spawn")) as pool:
        seconds = sum(pool.map(_raw_chapter, work))
    return {"seconds": time.perf_counter() - started, "audio_seconds": seconds}


def engine_rates(book: Path, paragraphs: int = 40) -> dict[str, float]:
    """Realtime factor of each engine on the book's first paragraphs (one process, one core)."""
    sys.path.insert(0, str(ROOT))
    from audiobook.model import Voice
    from audiobook.tts.piper import piper_installed
    from audiobook.tts.select import DefaultEngine

    text = book.read_text(encoding="utf-8")
    chunks = [re.sub(r"\s+", " ", p).strip() for p in re.split(r"\n\s*\n", text)]
    chunks = [c for c in chunks if len(c) > 80][:paragraphs]
    voices = {"espeak": Voice("gmw/en-us", 175)}
    if piper_installed():
        voices["piper"] = Voice("piper:joe", 175, engine="piper", model="en_US-joe-medium")
    engine = DefaultEngine()
    out = {}
    for name, voice in voices.items():
        engine.synthesize("Warm up.", voice)  # model loading is not synthesis
        started = time.perf_counter()
        seconds = sum(engine.synthesize(c, voice).seconds for c in chunks)
        out[name] = round(seconds / (time.perf_counter() - started), 1)
    return out


def _longest_paragraph(text: str) -> int:
    """Characters in the text's longest paragraph (blank-line separated)."""
    return max((len(p) for p in re.split(r"\n\s*\n", text)), default=0)


def _tree_rss_kb(pid: int) -> int:
    """Memory of a process and all its descendants, in KiB: the sum of their PSS (Linux /proc).

    PSS, not RSS: a worker's pages are shared with the child it forks to start ffmpeg until that child execs,
    and RSS would count them twice (seen: 80 MB "ffmpeg" processes that were 30 MB).
    """
    total = 0
    todo = [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/smaps_rollup", encoding="ascii") as rollup:
                for line in rollup:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children", encoding="ascii") as children:
                    todo.extend(int(c) for c in children.read().split())
        except (OSError, ValueError):
            continue
    return total


def run_render(args: list[str], env: dict[str, str]) -> tuple[dict[str, object], float, int]:
    """Run `audiobook render ... --json`; return its summary, wall seconds and peak tree RSS (KiB)."""
    cmd = [sys.executable, "-m", "audiobook", "render", *args, "--json"]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, _tree_rss_kb(proc.pid))
        time.sleep(0.25)  # reading smaps_rollup costs the kernel time; more often would slow the render measured
    out, err = proc.communicate()
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"render failed ({proc.returncode}): {err.strip()[-500:]}")
    return json.loads(out), wall, peak


def main() -> int:
    """Run the benchmark and print the JSON report."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("book", nargs="?", type=Path, default=DEFAULT_BOOK)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--json", type=Path, default=Path("bench.json"), help="where to write the report")
    args = ap.parse_args()
    book = args.book.resolve()
    with tempfile.TemporaryDirectory(prefix="audiobook-bench-") as tmp_name:
        tmp = Path(tmp_name)
        env = {**os.environ, "AUDIOBOOK_CACHE": str(tmp / "cache")}
        jobs = ["--jobs", str(args.jobs)]

        # The cast a user would have after reviewing the book: every discovered speaker with a voice.
        first, _, _ = run_render([str(book), "--out", str(tmp / "discover"), *jobs], env)
        voices = {k: v for k, v in dict(first["voices"]).items() if k != "narrator"}  # type: ignore[call-overload]
        cast = tmp / "voices.yaml"
        cast.write_text(yaml.safe_dump({"characters": {n: {"voice": v} for n, v in voices.items()}}), "utf-8")
        import shutil

        shutil.rmtree(tmp / "cache")

        reference = raw_reference(book, args.jobs, tmp)
        cold, cold_wall, cold_rss = run_render([str(book), "--voices", str(cast), "--out", str(tmp / "out"), *jobs],
                                               env)
        same, same_wall, _ = run_render([str(book), "--voices", str(cast), "--out", str(tmp / "out"), *jobs], env)

        speakers = dict(cold["speakers"])  # type: ignore[call-overload]
        top = max(speakers, key=lambda n: speakers[n])
        changed = {n: {"voice": v} for n, v in voices.items()}
        changed[top] = {"voice": voices[top], "pitch": 85}
        cast.write_text(yaml.safe_dump({"characters": changed}), "utf-8")
        edit, edit_wall, _ = run_render([str(book), "--voices", str(cast), "--out", str(tmp / "out"), *jobs], env)

        one_chapter = tmp / "one.txt"
        text = book.read_text(encoding="utf-8")
        from audiobook.read.chapters import split_chapters

        by_length = sorted(split_chapters(text, "B"), key=lambda c: c.start - c.end)
        longest = by_length[0]
        one_chapter.write_text(text[longest.start:longest.end], "utf-8")
        _, one_wall, one_rss = run_render([str(one_chapter), "--out", str(tmp / "one"), *jobs], env)
        # The same process tree as the full render (each worker with one long chapter), for memory growth.
        per_worker_rss = {}
        by_paragraph = sorted(split_chapters(text, "B"), key=lambda c: -_longest_paragraph(text[c.start:c.end]))
        for name, chosen in (("longest_chapters", by_length), ("longest_paragraphs", by_paragraph)):
            per_worker = tmp / f"per-worker-{name}.txt"
            picked = sorted(chosen[: args.jobs], key=lambda c: c.start)
            per_worker.write_text("\n\n".join(text[c.start:c.end] for c in picked), "utf-8")
            _, _, per_worker_rss[name] = run_render([str(per_worker), "--out", str(tmp / per_worker.stem), *jobs],
                                                    env)

    rates = engine_rates(book)
    audio = float(cold["seconds"])  # type: ignore[arg-type]
    report = {
        "book": str(book),
        "jobs": args.jobs,
        "chapters": len(cold["files"]),  # type: ignore[arg-type]
        "audio_hours": round(audio / 3600, 3),
        "cold_seconds": round(cold_wall, 2),
        "reference_seconds": round(reference["seconds"], 2),
        "cold_over_reference": round(cold_wall / reference["seconds"], 3),
        "realtime_factor": round(audio / cold_wall, 1),
        "reference_realtime_factor": round(reference["audio_seconds"] / reference["seconds"], 1),
        "clips_cold": cold["clips_synthesized"],
        "rerender_unchanged_seconds": round(same_wall, 2),
        "rerender_unchanged_over_cold": round(same_wall / cold_wall, 4),
        "rerender_unchanged_clips_synthesized": same["clips_synthesized"],
        "voice_changed": top,
        "voice_changed_lines": speakers[top],
        "rerender_voice_changed_seconds": round(edit_wall, 2),
        "rerender_voice_changed_over_cold": round(edit_wall / cold_wall, 3),
        "rerender_voice_changed_clips_synthesized": edit["clips_synthesized"],
        "rerender_voice_changed_chapters_encoded": edit["chapters_encoded"],
        # Of the MP3 pieces (paragraphs, about) in the chapters re-encoded, how many were encoded again.
        "rerender_voice_changed_pieces_encoded": edit["pieces_encoded"],
        "rerender_voice_changed_pieces_in_those_chapters": edit["pieces"],
        "peak_pss_mb_full_book": round(cold_rss / 1024, 1),
        "peak_pss_mb_longest_chapter_alone": round(one_rss / 1024, 1),
        "peak_pss_mb_longest_chapters_one_per_worker": round(per_worker_rss["longest_chapters"] / 1024, 1),
        "peak_pss_mb_longest_paragraph_chapters_one_per_worker": round(per_worker_rss["longest_paragraphs"] / 1024,
                                                                      1),
        "peak_pss_full_over_per_worker": round(cold_rss / max(*per_worker_rss.values(), 1), 3),
        "one_chapter_seconds": round(one_wall, 2),
        "engine_realtime_factor_one_core": rates,
    }
    text_report = json.dumps(report, indent=2)
    print(text_report)
    args.json.write_text(text_report + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
