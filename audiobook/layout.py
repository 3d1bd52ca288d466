"""The book's output folder, the one place that names what is in it: chapter file names and their numbering,
the .work/ folder and line timings, the manifest of finished chapters, and a lock against concurrent renders."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import tempfile
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from audiobook.errors import OutputError
from audiobook.model import Chapter, Cue

WORK = ".work"  # per-chapter PCM for one-file books, and every chapter's line timings
MANIFEST = ".audiobook-manifest.json"
LOCK = ".audiobook.lock"
_PART = re.compile(r"^\..*\.part-\d+(\.\w+)?$")
_CHAPTER_FILE = re.compile(r"^\d{2,} - .+\.mp3$")


@contextlib.contextmanager
def locked_folder(folder: Path) -> Iterator[None]:
    """Create the folder and hold its lock; a second render of the same book fails at once, clearly."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle = open(folder / LOCK, "a+")  # noqa: SIM115 - held for the whole render
    except OSError as exc:
        raise OutputError(f"{folder}: cannot create the output folder ({exc.strerror or exc})") from None
    try:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutputError(f"{folder}: another render is writing this book; wait for it to finish") from None
        # Leftovers of a render that was killed: its temporary chapter files.
        for path in [*folder.iterdir(), *(folder / ".work").glob("*")]:
            if _PART.match(path.name):
                path.unlink(missing_ok=True)
        yield
    finally:
        handle.close()


def read_manifest_data(folder: Path) -> dict[str, Any]:
    """The whole manifest a render left in the folder; {} if none or unreadable."""
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def read_manifest(folder: Path) -> dict[str, dict[str, Any]]:
    """file name -> {"fingerprint", "size", "seconds"} of chapters a finished render wrote; {} if none."""
    files = read_manifest_data(folder).get("files")
    return files if isinstance(files, dict) else {}


def write_manifest(folder: Path, files: dict[str, dict[str, Any]], preset: str = "default") -> None:
    """Replace the manifest atomically."""
    text = json.dumps({"version": 1, "preset": preset, "files": dict(sorted(files.items()))}, indent=1,
                      ensure_ascii=False)
    try:
        fd, tmp = tempfile.mkstemp(prefix=".manifest.", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text + "\n")
        os.replace(tmp, folder / MANIFEST)
    except OSError as exc:
        raise OutputError(f"{folder}: cannot write {MANIFEST} ({exc.strerror or exc})") from None


def is_current(folder: Path, name: str, fingerprint: str, manifest: dict[str, dict[str, Any]]) -> bool:
    """Whether the chapter file on disk is the one a render with this fingerprint wrote."""
    entry = manifest.get(name)
    if not entry or entry.get("fingerprint") != fingerprint:
        return False
    try:
        return (folder / name).stat().st_size == entry.get("size")
    except OSError:
        return False


def remove_stale(folder: Path, keep: set[str]) -> None:
    """Drop chapter files an earlier render left that this one did not write (the book's chapters changed)."""
    for path in folder.glob("*.mp3"):
        if path.name not in keep and _CHAPTER_FILE.match(path.name):
            path.unlink(missing_ok=True)


def write_timings(path: Path, cues: list[Cue]) -> None:
    """Record where each line lies in the chapter's audio, for subtitles and the review pages."""
    tmp = path.with_name(f".{path.name}.part-{os.getpid()}")
    tmp.write_text(json.dumps([asdict(c) for c in cues], ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


def read_timings(path: Path) -> list[Cue]:
    """The cues `write_timings` recorded; [] if there are none."""
    try:
        return [Cue(**c) for c in json.loads(path.read_text(encoding="utf-8"))]
    except (OSError, ValueError, TypeError):
        return []


def unique_titles(chapters: Sequence[Chapter]) -> dict[int, str]:
    """Chapter titles for tags and file names, a repeated one numbered ("Chapter V (2)"): players list by title."""
    seen: Counter[str] = Counter(c.title for c in chapters)
    count: Counter[str] = Counter()
    out = {}
    for chapter in chapters:
        count[chapter.title] += 1
        repeated = seen[chapter.title] > 1
        out[chapter.index] = f"{chapter.title} ({count[chapter.title]})" if repeated else chapter.title
    return out


def timings_path(folder: Path, chapter: int) -> Path:
    """Where the render records each line's place in chapter `chapter`'s audio."""
    return folder / WORK / f"{chapter:04d}.timings.json"


def safe_filename(name: str) -> str:
    """A file name from a title: no path separators, control or reserved characters, at most 100 characters."""
    name = re.sub(r"\s*:\s*", " - ", name)
    name = re.sub(r'[\x00-\x1f\x7f/\\*?"<>|]+', "_", name)
    name = re.sub(r"\s+", " ", name).strip(" ._")
    return name[:100].rstrip(" ._") or "Untitled"


def number_width(count: int) -> int:
    """Digits in a book's file numbers: at least two, so that `10 - ...` sorts after `09 - ...`."""
    return max(2, len(str(count)))


def book_folder(out_dir: Path, title: str) -> Path:
    """Where `render` writes a book: OUT/<title>/."""
    return out_dir / safe_filename(title)


def chapter_file_names(chapters: Sequence[Chapter]) -> dict[int, str]:
    """Each chapter's MP3 file name, `07 - Chapter VII - The Title.mp3`; a repeated title is numbered."""
    width = number_width(len(chapters))
    titles = unique_titles(chapters)
    return {c.index: f"{c.index:0{width}d} - {safe_filename(titles[c.index])}.mp3" for c in chapters}


def numbered_name(index: int, count: int, name: str) -> str:
    """A file of the book's `index`th chapter numbered like the chapter files: `07.pcm`, `chapter-07.html`."""
    return name.format(f"{index:0{number_width(count)}d}")

