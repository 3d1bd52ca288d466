#!/usr/bin/env python3
"""Seconds and memory per novel for `audiobook segment` (read, split, attribute, rank), pinned to one core.

    python scripts/bench_segment.py [NOVEL_DIR ...] [--target 2.0] [--json bench_segment.json]

Each NOVEL_DIR holds novel_text.txt (the PDNC layout; default: every folder of ../shared/pdnc). Each novel is
segmented as a user would, `audiobook segment FILE --format jsonl`, once without a cast (discovery, the slower
mode: it also finds the characters), in a fresh process pinned to CPU 0, best of three runs, with bytecode caching
on as after a pip install. Prints seconds (wall,
process start included) and peak resident memory per novel, and exits 1 if the slowest novel takes longer than
--target seconds (the attribution issue's limit).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = 3


def _pin() -> None:
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def segment_once(text: Path) -> tuple[float, int]:
    """Wall seconds and peak RSS (KB) of one `audiobook segment` run on one core."""
    start = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # As after a pip install: modules load from compiled bytecode (a first run writes it where it may not exist yet).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    done = subprocess.run([sys.executable, "-m", "audiobook", "segment", str(text), "--format", "jsonl"],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, preexec_fn=_pin, check=False,
                          env=env)
    seconds = time.perf_counter() - start
    if done.returncode:
        sys.exit(f"audiobook segment failed on {text}: {done.stderr.strip()[-500:]}")
    return seconds, max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("novels", nargs="*", type=Path)
    ap.add_argument("--target", type=float, default=2.0, help="seconds the slowest novel may take")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args()
    novels = args.novels or sorted(p for p in (ROOT.parent / "shared" / "pdnc").iterdir() if p.is_dir())
    rows = []
    print(f"{'novel':32} {'chars':>9} {'seconds':>8} {'peak MB':>8}")
    for novel in novels:
        text = novel / "novel_text.txt"
        runs = [segment_once(text) for _ in range(RUNS)]
        seconds = min(s for s, _kb in runs)
        peak = max(kb for _s, kb in runs) / 1024
        chars = len(text.read_text(encoding="utf-8"))
        rows.append({"novel": novel.name, "chars": chars, "seconds": round(seconds, 2), "peak_mb": round(peak)})
        print(f"{novel.name:32} {chars:9d} {seconds:8.2f} {peak:8.0f}")
    slowest = max(float(r["seconds"]) for r in rows)
    print(f"slowest {slowest:.2f} s (target {args.target:.1f} s): {'ok' if slowest <= args.target else 'TOO SLOW'}")
    if args.json:
        args.json.write_text(json.dumps({"target": args.target, "novels": rows}, indent=2) + "\n", encoding="utf-8")
    return 0 if slowest <= args.target else 1


if __name__ == "__main__":
    sys.exit(main())
