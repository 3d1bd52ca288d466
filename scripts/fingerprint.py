#!/usr/bin/env python3
"""Checksums of everything the tool writes, to show that a refactoring changed no byte of its output.

Renders the bundled example with each loudness preset, as an M4B, as a single MP3 and with WebVTT subtitles;
writes its review site; runs `audiobook segment --format jsonl` on every PDNC novel, with its cast and without.
Prints one `md5  path` line per file (paths relative to the run's folder), sorted, so two runs can be diffed:

    python scripts/fingerprint.py > before.txt   # on the old code
    python scripts/fingerprint.py > after.txt    # on the new code
    diff before.txt after.txt

Options: --novels DIR (default ../shared/pdnc), --no-novels, --keep DIR (keep the outputs there).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "the-lighthouse-keeper.txt"
RENDERS = {
    "preset-default": ["--preset", "default"],
    "preset-acx-spec": ["--preset", "acx-spec"],
    "preset-ebu-r128": ["--preset", "ebu-r128"],
    "m4b": ["--format", "m4b"],
    "single-file": ["--single-file"],
    "subtitles-vtt": ["--subtitles", "vtt"],
}


def run(args: list[str], env: dict[str, str], stdout: Path | None = None) -> None:
    cmd = [sys.executable, "-m", "audiobook", *args]
    with open(stdout, "wb") if stdout else open(os.devnull, "wb") as out:
        done = subprocess.run(cmd, stdout=out, stderr=subprocess.PIPE, env=env, cwd=ROOT, check=False)
    if done.returncode:
        sys.exit(f"failed: {' '.join(cmd)}\n{done.stderr.decode(errors='replace')}")


def cast_file(novel: Path, out: Path) -> Path:
    """The voices.yaml the attribution scorer gives in cast mode (its own `write_cast`, imported from it)."""
    sys.path.insert(0, str(novel.parent.parent / "eval"))
    from score_attribution import write_cast  # type: ignore[import-not-found]

    write_cast(json.loads((novel / "gold.json").read_text(encoding="utf-8")), str(out))
    return out


def checksums(folder: Path) -> list[str]:
    lines = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest = hashlib.md5(path.read_bytes()).hexdigest()
        lines.append(f"{digest}  {path.relative_to(folder)}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--novels", type=Path, default=ROOT.parent / "shared" / "pdnc")
    parser.add_argument("--no-novels", action="store_true")
    parser.add_argument("--keep", type=Path)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="fingerprint-"))
    env = {**os.environ, "AUDIOBOOK_CACHE": str(work / "cache"), "CI": "1"}
    out = work / "out"
    for name, options in RENDERS.items():
        run(["render", str(EXAMPLE), "--out", str(out / name), "--jobs", "2", *options], env)
    run(["review", str(EXAMPLE), "--out", str(out / "review"), "--book",
         str(out / "preset-default" / "The Lighthouse Keeper")], env)
    if not args.no_novels:
        (out / "segment").mkdir(parents=True)
        for novel in sorted(p for p in args.novels.iterdir() if (p / "novel_text.txt").exists()):
            text = str(novel / "novel_text.txt")
            run(["segment", text, "--format", "jsonl"], env, out / "segment" / f"{novel.name}.discovery.jsonl")
            voices = cast_file(novel, work / f"{novel.name}.yaml")
            run(["segment", text, "--voices", str(voices), "--format", "jsonl"], env,
                out / "segment" / f"{novel.name}.cast.jsonl")
    print("\n".join(checksums(out)))
    if args.keep:
        shutil.copytree(out, args.keep, dirs_exist_ok=True)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
