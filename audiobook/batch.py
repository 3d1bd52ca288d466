"""Render many books one after another, sharded across CI machines, and report on each without stopping."""

from __future__ import annotations

import math
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from audiobook.errors import AudiobookError, InputError
from audiobook.read.book import ReadOptions

BOOK_SUFFIXES = (".txt", ".md", ".markdown", ".epub")
_ENTRY_KEYS = ("source", "voices", "title", "author", "preset", "format", "year", "description", "cover",
               "chapters_from", "include_front_matter")


@dataclass(frozen=True)
class BookJob:
    """One book to render: its file, its voices.yaml, and its per-book settings."""

    source: Path
    voices: Path | None = None
    title: str | None = None
    author: str | None = None
    preset: str | None = None
    format: str = "mp3"
    year: str | None = None
    description: str | None = None
    cover: Path | None = None
    reading: ReadOptions = field(default_factory=ReadOptions)  # where chapters come from, front matter or not


@dataclass
class BookReport:
    """What happened to one book."""

    source: str
    status: str = "ok"  # "ok", "error", "below-threshold"
    error: str | None = None
    folder: str | None = None
    chapters: int = 0
    audio_seconds: float = 0.0
    wall_seconds: float = 0.0
    clips_synthesized: int = 0
    clips_reused: int = 0
    attribution: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def collect_books(sources: Sequence[Path]) -> list[BookJob]:
    """Expand files, folders and books.yaml manifests into book jobs, in a stable order."""
    jobs: list[BookJob] = []
    for source in sources:
        if source.is_dir():
            for path in sorted(p for p in source.rglob("*") if p.suffix.lower() in BOOK_SUFFIXES and p.is_file()
                               and not any(part.startswith(".") for part in p.relative_to(source).parts)):
                jobs.append(BookJob(path, _voices_beside(path)))
        elif source.suffix.lower() in (".yaml", ".yml"):
            jobs.extend(_manifest(source))
        elif source.exists():
            jobs.append(BookJob(source, _voices_beside(source)))
        else:
            raise InputError(f"{source}: no such file or folder")
    return sorted(jobs, key=lambda j: str(j.source))


def shard(jobs: Sequence[BookJob], spec: str | None) -> list[BookJob]:
    """The books of shard K of N (`K/N`, K from 1): every N-th book, so shards stay balanced and stable."""
    if not spec:
        return list(jobs)
    try:
        k, n = (int(x) for x in spec.split("/"))
    except ValueError:
        raise InputError(f"--shard {spec!r} is not allowed; give K/N with 1 <= K <= N, e.g. 1/2") from None
    if not 1 <= k <= n:
        raise InputError(f"--shard {spec!r} is not allowed; give K/N with 1 <= K <= N, e.g. 1/2")
    return [job for i, job in enumerate(jobs) if i % n == k - 1]


def render_books(jobs: Sequence[BookJob], out: Path, render_jobs: int | None = None, fail_under: float | None = None,
                 cache_dir: Path | None = None, engine: Any = None,
                 on_book: Callable[[BookReport], None] | None = None) -> list[BookReport]:
    """Render each book in turn (each on all cores); a failing book is reported and the next one goes on."""
    from audiobook.layout import book_folder
    from audiobook.pipeline import RenderOptions, plan_book, render_book
    from audiobook.qa.check import check_book
    from audiobook.qa.report import attribution_report

    reports = []
    folders: dict[Path, Path] = {}
    for job in jobs:
        report = BookReport(str(job.source))
        started = time.perf_counter()
        try:
            script = plan_book(job.source, job.voices, job.title, job.reading)
            folder = book_folder(out, script.title)
            if folders.setdefault(folder, job.source) != job.source:
                # Two books with one title would overwrite each other's chapters.
                raise InputError(f"{job.source}: its title {script.title!r} is also {folders[folder]}'s; give each "
                                 "book a `title:` in books.yaml")
            options = RenderOptions(out_dir=out, author=job.author, preset=job.preset, year=job.year,
                                    description=job.description, cover=job.cover, jobs=render_jobs,
                                    cache_dir=cache_dir, format=job.format)
            result = render_book(script, options, engine=engine)
            attribution = attribution_report(script)
            report.folder = str(result.folder)
            report.chapters = len(result.files)
            report.audio_seconds = round(sum(f.seconds for f in result.files), 3)
            report.clips_synthesized = result.clips_synthesized
            report.clips_reused = result.clips_reused
            total = attribution.total
            report.attribution = {"attributed": round(attribution.attributed, 4), "quotes": total.quotes,
                                  "explicit": total.explicit, "inferred": total.inferred,
                                  "unattributed": total.unattributed}
            cast = _cast_names(job.voices) if job.voices else None
            report.warnings = [*script.warnings, *(f"{name!r} is not in {job.voices}; an automatic voice speaks"
                                                   for name in script.casting.roles
                                                   if cast is not None and name not in cast)]
            if total.unattributed:
                report.warnings.append(f"{total.unattributed} of {total.quotes} quotes have no speaker and are read "
                                       "by the narrator; see `audiobook report`")
            if job.format == "mp3":
                report.warnings += list(check_book(result.folder).problems)
            if fail_under is not None and attribution.attributed < fail_under:
                report.status = "below-threshold"
                report.error = (f"{100 * attribution.attributed:.1f} % of quotes have a speaker, "
                                f"below --fail-under {fail_under:g}")
        except AudiobookError as exc:
            report.status, report.error = "error", str(exc)
        except Exception as exc:  # a bug must not stop the other books; its last frame says where
            where = traceback.extract_tb(exc.__traceback__)[-1]
            report.status = "error"
            report.error = f"internal error {type(exc).__name__}: {exc} ({Path(where.filename).name}:{where.lineno})"
        report.wall_seconds = round(time.perf_counter() - started, 3)
        reports.append(report)
        if on_book:
            on_book(report)
    return reports


def _voices_beside(book: Path) -> Path | None:
    """`story.voices.yaml` next to `story.txt`, else `voices.yaml` in the same folder."""
    for candidate in (book.with_name(f"{book.stem}.voices.yaml"), book.with_name("voices.yaml")):
        if candidate.is_file():
            return candidate
    return None


def _cast_names(voices: Path) -> set[str]:
    from audiobook.cast.casting import load_casting

    return set(load_casting(voices).roles)


def _manifest(path: Path) -> list[BookJob]:
    """books.yaml: a list of books, each a mapping with `source` and optional settings, paths relative to it."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot be read ({exc})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f", line {mark.line + 1}" if mark else ""
        raise InputError(f"{path}{line}: not valid YAML") from None
    books = data.get("books") if isinstance(data, dict) else data
    if not isinstance(books, list):
        raise InputError(f"{path}: must be a list of books (or `books:` with one), each with a `source:`")
    jobs = []
    for n, entry in enumerate(books, 1):
        where = f"{path}: books[{n}]"
        if isinstance(entry, str):
            entry = {"source": entry}
        if not isinstance(entry, dict) or "source" not in entry:
            raise InputError(f"{where}: needs `source:` (a book file)")
        unknown = sorted(set(entry) - set(_ENTRY_KEYS))
        if unknown:
            raise InputError(f"{where}.{unknown[0]}: unknown key; allowed: {', '.join(_ENTRY_KEYS)}")
        values = {k: str(v) for k, v in entry.items() if v is not None and str(v).strip()}
        fmt = values.get("format", "mp3")
        if fmt not in ("mp3", "m4b"):
            raise InputError(f"{where}.format: {fmt!r} is not allowed; use mp3 or m4b")
        source = path.parent / values["source"]
        front = values.get("include_front_matter", "false").lower()
        if front not in ("true", "false"):
            raise InputError(f"{where}.include_front_matter: {front!r} is not allowed; use true or false")
        job = BookJob(
            source=source,
            voices=path.parent / values["voices"] if "voices" in values else _voices_beside(source),
            title=values.get("title"), author=values.get("author"), preset=values.get("preset"), format=fmt,
            year=values.get("year"), description=values.get("description"),
            cover=path.parent / values["cover"] if "cover" in values else None,
            reading=ReadOptions(values.get("chapters_from"), front == "true"),
        )
        jobs.append(job)
    return jobs


def summary_line(reports: Sequence[BookReport]) -> str:
    """One line for the end of a batch log."""
    failed = [r for r in reports if r.status != "ok"]
    hours = sum(r.audio_seconds for r in reports) / 3600
    wall = sum(r.wall_seconds for r in reports)
    rate = f", {hours * 3600 / wall:.0f}x realtime" if wall > 0 and not math.isclose(wall, 0) else ""
    return (f"{len(reports) - len(failed)} of {len(reports)} books rendered ({hours:.2f} h of audio in "
            f"{wall:.0f} s{rate}); {len(failed)} failed")
