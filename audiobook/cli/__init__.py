"""The `audiobook` command: parse options, call one library function, print the result."""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from audiobook import __version__
from audiobook.errors import AudiobookError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Turn a story or novel into a multi-voice audiobook, offline, on a CPU.",
)

VoicesOption = Annotated[
    Path | None, typer.Option("--voices", "-v", help="voices.yaml: the narrator, the characters and their voices.")
]
CacheOption = Annotated[
    Path | None,
    typer.Option("--cache-dir", help="Clip cache folder (default: $AUDIOBOOK_CACHE or ~/.cache/audiobook).",
                 show_default=False),
]
TitleOption = Annotated[str | None, typer.Option(help="Book title (default: the file name made readable).")]
ChaptersFromOption = Annotated[str | None, typer.Option(
    "--chapters-from", help="Where chapters come from: toc (the book's table of contents), headings (headings "
    "found by their form) or spine (EPUB: a chapter per document); default: the best the book offers.",
    show_default=False)]
FrontMatterOption = Annotated[bool, typer.Option(
    "--include-front-matter", help="Also read the front matter: title page, lists of illustrations, an editor's "
    "or translator's preface.")]


def _reading(chapters_from: str | None, include_front_matter: bool) -> Any:
    from audiobook.read.book import ReadOptions

    return ReadOptions(chapters_from, include_front_matter)


@contextmanager
def _errors() -> Iterator[None]:
    """The one place where library errors become `Error: ...` and an exit status."""
    try:
        yield
    except AudiobookError as exc:
        typer.echo(f"Error: {exc}", err=True)
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        typer.echo("Error: interrupted; no partial chapter file was left behind", err=True)
        raise typer.Exit(130) from None


def _interactive() -> bool:
    return sys.stderr.isatty() and os.environ.get("CI", "").lower() not in ("1", "true", "yes")


@app.command()
def render(
    file: Annotated[Path, typer.Argument(help="The book: a UTF-8 text file.", show_default=False)],
    voices: VoicesOption = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder to write the book's folder into.")] = Path("output"),
    title: TitleOption = None,
    author: Annotated[str | None, typer.Option(help="Author, for the tags (default: Unknown).",
                                               show_default=False)] = None,
    preset: Annotated[str | None, typer.Option(
        help="Loudness and format: default (-18 LUFS), acx-spec (ACX numbers), ebu-r128 (-23 LUFS); "
             "default: voices.yaml's preset, else default.", show_default=False)] = None,
    year: Annotated[str | None, typer.Option(help="Year, for the tags.", show_default=False)] = None,
    description: Annotated[str | None, typer.Option(help="Description, for the tags.", show_default=False)] = None,
    cover: Annotated[Path | None, typer.Option(help="Front cover, a JPEG or PNG image.", show_default=False)] = None,
    id3v23: Annotated[bool, typer.Option("--id3v23", help="Write ID3v2.3 tags, for old players.")] = False,
    fmt: Annotated[str, typer.Option("--format", "-f", help="mp3 (a file per chapter) or m4b (one file with "
                                     "chapter marks).")] = "mp3",
    single_file: Annotated[bool, typer.Option("--single-file", help="With mp3: one MP3 with ID3 chapter frames.")]
    = False,
    subtitles: Annotated[str | None, typer.Option(help="srt or vtt: subtitles with speaker labels beside the audio.",
                                                  show_default=False)] = None,
    chapters: Annotated[str | None, typer.Option(help="Render only these chapters, e.g. 1,3-5.",
                                                 show_default=False)] = None,
    preview: Annotated[bool, typer.Option("--preview", help="Render about a minute of each voice's lines, to "
                                          "audition the cast, into OUT/<title> - preview/.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print the plan (chapters, characters, voices, "
                                          "estimated length) without synthesizing.")] = False,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", min=1, help="Worker processes (default: all cores).")]
    = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON summary instead of text.")] = False,
    cache_dir: CacheOption = None,
    chapters_from: ChaptersFromOption = None,
    include_front_matter: FrontMatterOption = False,
) -> None:
    """Render FILE into tagged chapter MP3s under OUT/<title>/; unchanged chapters and clips are reused."""
    from audiobook.audio.loudness import PRESETS
    from audiobook.pipeline import RenderOptions, plan_book, render_book, speaker_lines

    with _errors():
        if preset is not None and preset not in PRESETS:
            raise _usage(f"--preset {preset!r} is not allowed; use one of {', '.join(PRESETS)}")
        if fmt not in ("mp3", "m4b"):
            raise _usage(f"--format {fmt!r} is not allowed; use mp3 or m4b")
        if subtitles not in (None, "srt", "vtt"):
            raise _usage(f"--subtitles {subtitles!r} is not allowed; use srt or vtt")
        script = plan_book(file, voices, title, _reading(chapters_from, include_front_matter))
        _warn(script.warnings)
        selected = _chapter_spec(chapters, len(script.chapters)) if chapters else None
        options = RenderOptions(out_dir=out, author=author, preset=preset, year=year, description=description,
                                cover=cover, id3v23=id3v23, jobs=jobs, cache_dir=cache_dir, format=fmt,
                                single_file=single_file, subtitles=subtitles, chapters=selected)
        if dry_run or preview:
            _audition(script, options, dry_run, as_json)
            return
        if _interactive() and not as_json:
            result = _render_with_progress(script, options)
        else:
            result = render_book(script, options)
    speakers = dict(speaker_lines(script.segments))
    if as_json:
        summary: dict[str, Any] = {
            "book": script.title,
            "folder": str(result.folder),
            "files": [{"chapter": f.index, "title": f.title, "path": str(f.path), "seconds": round(f.seconds, 3),
                       "clips": f.clips} for f in result.files],
            "seconds": round(sum(f.seconds for f in result.files), 3),
            "wall_seconds": round(result.wall_seconds, 3),
            "clips_synthesized": result.clips_synthesized,
            "clips_reused": result.clips_reused,
            "chapters_encoded": result.chapters_encoded,
            "pieces_encoded": result.pieces_encoded,
            "pieces": sum(f.pieces for f in result.files if f.encoded),
            "segments": len(script.segments),
            "dialogue_segments": sum(s.kind == "dialogue" for s in script.segments),
            "speakers": speakers,
            "voices": {"narrator": script.casting.narrator.voice,
                       **{n: r.voice.voice for n, r in script.casting.roles.items() if r.voice and n in speakers}},
        }
        typer.echo(json.dumps(summary, ensure_ascii=False, indent=2))
        return
    total = sum(f.seconds for f in result.files)
    typer.echo(f"{len(result.files)} chapter files ({_hms(total)} of audio) in {result.folder}: "
               f"{result.chapters_encoded} written, {len(result.files) - result.chapters_encoded} unchanged; "
               f"{result.clips_synthesized} clips synthesized, {result.clips_reused} reused; "
               f"{len(speakers)} speaking characters; {result.wall_seconds:.1f} s.")


def _chapter_spec(spec: str, count: int) -> frozenset[int]:
    """`1,3-5` -> {1, 3, 4, 5}, each between 1 and the book's chapter count."""
    chosen: set[int] = set()
    for part in spec.split(","):
        m = re.fullmatch(r"\s*(\d+)\s*(?:-\s*(\d+)\s*)?", part)
        first, last = (int(m.group(1)), int(m.group(2) or m.group(1))) if m else (0, 0)
        if not m or not 1 <= first <= last <= count:
            raise AudiobookError(f"--chapters {spec!r} is not allowed; give numbers or ranges from 1 to {count}, "
                                 "e.g. 1,3-5")
        chosen.update(range(first, last + 1))
    return frozenset(chosen)


def _audition(script: Any, options: Any, dry_run: bool, as_json: bool) -> None:
    from audiobook.audition import plan_summary, render_preview

    if dry_run:
        plan = plan_summary(script)
        if as_json:
            typer.echo(json.dumps(plan, ensure_ascii=False, indent=2))
            return
        typer.echo(f"{plan['book']}: {len(plan['chapters'])} chapters, about {_hms(plan['estimated_seconds'])} "
                   f"of audio; narrator {plan['narrator']}")
        if plan["unread_words"]:
            typer.echo(f"  not read: {plan['unread_words']:,} words outside the chapters (title page, contents, "
                       "notes; see --include-front-matter)")
        for c in plan["chapters"]:
            typer.echo(f"  {c['chapter']:>3}. {c['title'][:50]:<50} {c['lines']:>5} lines, {c['dialogue']:>4} "
                       f"spoken by characters, ~{_hms(c['estimated_seconds'])}")
        for c in plan["characters"]:
            typer.echo(f"  {c['name'][:30]:<30} {c['lines']:>5} lines  {c['gender'] or '?':<6}  {c['voice']}")
        return
    files = render_preview(script, options)
    if as_json:
        typer.echo(json.dumps([{"file": str(f.path), "seconds": round(f.seconds, 2)} for f in files], indent=2))
        return
    for f in files:
        typer.echo(f"{f.path} ({f.seconds:.0f} s)")


def _render_with_progress(script: Any, options: Any) -> Any:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from audiobook.pipeline import render_book
    from audiobook.script.lines import chapter_lines

    total_clips = sum(len(chapter_lines(script, c)) for c in script.chapters)
    with Progress(TextColumn("{task.description:>8}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  transient=False) as bar:
        chapters = bar.add_task("chapters", total=len(script.chapters))
        clips = bar.add_task("clips", total=total_clips)

        def tick(kind: str, n: int) -> None:
            bar.advance(chapters if kind == "chapter" else clips, n)

        return render_book(script, options, progress=tick)


@app.command("say")
def say_cmd(
    text: Annotated[str, typer.Argument(help="What to say.", show_default=False)],
    voice: Annotated[str | None, typer.Option("--voice", help="A cast name or alias, narrator, or a voice id "
                                              "(default: the narrator).", show_default=False)] = None,
    voices: VoicesOption = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="The MP3 file to write.")] = Path("say.mp3"),
) -> None:
    """Speak a text in one voice, with voices.yaml's pronunciations: try a word before rendering a book."""
    from audiobook.audition import say
    from audiobook.cast.casting import load_casting

    with _errors():
        result = say(text, voice, load_casting(voices), out)
    typer.echo(f"{result.path} ({result.seconds:.1f} s)")


@app.command("segment")
def segment_cmd(
    file: Annotated[Path, typer.Argument(help="The book: a UTF-8 text file.", show_default=False)],
    voices: VoicesOption = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="jsonl (one object per segment) or text (a script).")]
    = "jsonl",
    title: TitleOption = None,
    chapters_from: ChaptersFromOption = None,
    include_front_matter: FrontMatterOption = False,
) -> None:
    """Print who says what: each segment's kind, offsets, speaker and chapter."""
    from audiobook.pipeline import plan_book
    from audiobook.qa.listing import segments_jsonl, segments_text

    with _errors():
        if fmt not in ("jsonl", "text"):
            raise _usage(f"--format {fmt!r} is not allowed; use jsonl or text")
        script = plan_book(file, voices, title, _reading(chapters_from, include_front_matter))
        _warn(script.warnings)
    lines = segments_jsonl(script) if fmt == "jsonl" else segments_text(script)
    out = sys.stdout
    for line in lines:
        out.write(line + "\n")


@app.command("cast")
def cast_cmd(
    file: Annotated[Path, typer.Argument(help="The book: a UTF-8 text file.", show_default=False)],
    voices: Annotated[Path, typer.Option("--voices", "-v", help="The voices.yaml to create or add to.")]
    = Path("voices.yaml"),
    title: TitleOption = None,
) -> None:
    """Find the book's speaking characters and add the new ones to voices.yaml, each with its own voice."""
    from audiobook.cast.castfile import update_cast_file

    with _errors():
        update = update_cast_file(file, voices, title)
    if not update.written:
        if update.known == 0:
            typer.echo(f"{voices}: no speaking characters found in {file}; nothing changed.")
            return
        found = "the 1 character found is" if update.known == 1 else f"all {update.known} characters found are"
        typer.echo(f"{voices}: {found} already cast; nothing changed.")
        return
    names = ", ".join(f"{name} ({n})" for name, n in update.added[:12])
    more = f" and {len(update.added) - 12} more" if len(update.added) > 12 else ""
    noun = "character" if len(update.added) == 1 else "characters"
    typer.echo(f"{voices}: added {len(update.added)} {noun} (lines): {names}{more}.")


@app.command("report")
def report_cmd(
    file: Annotated[Path, typer.Argument(help="The book: a UTF-8 text file.", show_default=False)],
    voices: VoicesOption = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
    fail_under: Annotated[float | None, typer.Option(
        "--fail-under", min=0.0, max=1.0, help="Exit 1 if fewer than this share of quotes (0-1) have a speaker.",
        show_default=False)] = None,
    title: TitleOption = None,
    chapters_from: ChaptersFromOption = None,
    include_front_matter: FrontMatterOption = False,
) -> None:
    """How the quotes were attributed: per chapter explicit / inferred / unattributed, and lines per character."""
    from audiobook.pipeline import plan_book
    from audiobook.qa.report import attribution_report, report_json, report_text

    with _errors():
        if fmt not in ("text", "json"):
            raise _usage(f"--format {fmt!r} is not allowed; use text or json")
        script = plan_book(file, voices, title, _reading(chapters_from, include_front_matter))
        _warn(script.warnings)
        report = attribution_report(script)
        if fmt == "json":
            typer.echo(json.dumps(report_json(report), ensure_ascii=False, indent=2))
        else:
            typer.echo(report_text(report))
        if fail_under is not None and report.attributed < fail_under:
            raise AudiobookError(f"{100 * report.attributed:.1f} % of quotes have a speaker, "
                                 f"below --fail-under {fail_under:g}")


@app.command("batch")
def batch_cmd(
    sources: Annotated[list[Path], typer.Argument(help="Book files, folders of books, or books.yaml manifests.",
                                                  show_default=False)],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder to write the books' folders into.")]
    = Path("output"),
    shard_spec: Annotated[str | None, typer.Option("--shard", help="K/N: render only shard K of N (from 1).",
                                                   show_default=False)] = None,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", min=1, help="Worker processes per book (default: all "
                                             "cores).")] = None,
    report_path: Annotated[Path | None, typer.Option("--json", help="Write the JSON report here.",
                                                     show_default=False)] = None,
    fail_under: Annotated[float | None, typer.Option(
        "--fail-under", min=0.0, max=1.0, help="A book whose share of attributed quotes is below this fails.",
        show_default=False)] = None,
    cache_dir: CacheOption = None,
) -> None:
    """Render many books one after another; a failing book is reported, the others go on; exit 1 if any failed."""
    from dataclasses import asdict

    from audiobook.batch import collect_books, render_books, shard, summary_line

    def one(report: Any) -> None:
        extra = f" ({report.error})" if report.error else ""
        typer.echo(f"{report.status:>15}  {report.source}: {report.chapters} chapters, "
                   f"{report.audio_seconds / 3600:.2f} h, {report.wall_seconds:.0f} s{extra}")
        for warning in report.warnings:
            typer.echo(f"Warning: {report.source}: {warning}", err=True)

    with _errors():
        books = shard(collect_books(sources), shard_spec)
        reports = render_books(books, out, jobs, fail_under, cache_dir, on_book=one)
        data = {"shard": shard_spec or "1/1", "books": [asdict(r) for r in reports],
                "summary": summary_line(reports)}
        if report_path:
            from audiobook.cast.castfile import _write_atomically

            _write_atomically(report_path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    typer.echo(summary_line(reports))
    if any(r.status != "ok" for r in reports):
        raise typer.Exit(1)


@app.command("review")
def review_cmd(
    file: Annotated[Path, typer.Argument(help="The book: a UTF-8 text file.", show_default=False)],
    voices: VoicesOption = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder to write the review site into.")] = Path("review"),
    book: Annotated[Path | None, typer.Option(
        "--book", help="The rendered book folder whose audio the pages play (default: where `render` writes it, "
        "output/<title>).", show_default=False)] = None,
    title: TitleOption = None,
    chapters_from: ChaptersFromOption = None,
    include_front_matter: FrontMatterOption = False,
) -> None:
    """Write a static site to review the book as a script: colours per character, play any line, make fixes."""
    from audiobook.pipeline import plan_book
    from audiobook.qa.review.views import write_review

    with _errors():
        script = plan_book(file, voices, title, _reading(chapters_from, include_front_matter))
        _warn(script.warnings)
        result = write_review(script, out, book)
        _warn(result.warnings)
        audio = f"lines of {result.audio_chapters} chapters playable" if result.audio else "no audio"
        typer.echo(f"{out / 'index.html'}: {len(result.pages) - 1} chapter pages, {result.characters} speaking "
                   f"characters, {audio}.")


@app.command("check")
def check_cmd(
    folder: Annotated[Path, typer.Argument(help="A rendered book's folder, e.g. output/<title>.", show_default=False)],
    preset: Annotated[str | None, typer.Option(help="The preset to check against (default: the one it was "
                                                    "rendered with).", show_default=False)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
) -> None:
    """Check a rendered book against its preset: loudness, peaks, format, room tone, tags, numbering, names."""
    from audiobook.qa.check import check_book, check_json

    with _errors():
        result = check_book(folder, preset)
    if as_json:
        typer.echo(json.dumps(check_json(result), ensure_ascii=False, indent=2))
    else:
        for problem in result.problems:
            typer.echo(problem)
        if not result.problems:
            typer.echo(f"{folder}: {len(result.files)} files pass the {result.preset} preset.")
    if result.problems:
        raise typer.Exit(1)


@app.command("voices")
def voices_cmd(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    lang: Annotated[str | None, typer.Option(help="Only language voices whose id contains this, e.g. en.")] = None,
) -> None:
    """List the voices this machine can speak with: language voices, and variants to add with `+`."""
    from audiobook.tts.espeak import list_voices

    with _errors():
        voices = [v for v in list_voices() if not lang or v.kind == "variant" or lang.lower() in v.id]
    if as_json:
        typer.echo(json.dumps([v.__dict__ for v in voices], ensure_ascii=False, indent=2))
        return
    typer.echo("Language voices (use the id as `voice:` in voices.yaml):")
    for v in voices:
        if v.kind == "language":
            typer.echo(f"  {v.id:28} {v.name:40} {v.gender or ''}")
    typer.echo("\nVariants (append with +, e.g. gmw/en-us+f3):")
    for v in voices:
        if v.kind == "variant":
            typer.echo(f"  {v.id:28} {v.name:40} {v.gender or ''}")


cache_app = typer.Typer(help="Inspect or prune the clip cache.", no_args_is_help=True)
app.add_typer(cache_app, name="cache")


@cache_app.command("prune")
def cache_prune(
    max_size: Annotated[str, typer.Option(help="Keep at most this much, e.g. 500M, 2G, 0 to empty it.")] = "4G",
    cache_dir: CacheOption = None,
) -> None:
    """Delete the least recently used clips until the cache fits in --max-size."""
    from audiobook.tts.cache import ClipCache, default_cache_dir

    with _errors():
        limit = _size(max_size)
        result = ClipCache(cache_dir or default_cache_dir()).prune(limit)
    typer.echo(f"Removed {result.removed_files} clips ({result.removed_bytes / 1e6:.1f} MB); "
               f"{result.kept_files} clips ({result.kept_bytes / 1e6:.1f} MB) kept.")


def _size(text: str) -> int:
    units = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3, "T": 1024**4}
    value = text.strip().upper().removesuffix("B")
    unit = value[-1:] if value[-1:] in units else ""
    try:
        number = float(value[: len(value) - len(unit)])
    except ValueError:
        raise AudiobookError(f"--max-size {text!r} is not allowed; give a size such as 500M or 2G") from None
    if number < 0:
        raise AudiobookError(f"--max-size {text!r} is not allowed; give a size such as 500M or 2G")
    return int(number * units[unit])


def _warn(warnings: tuple[str, ...]) -> None:
    for warning in warnings:
        typer.echo(f"Warning: {warning}", err=True)


def _usage(message: str) -> AudiobookError:
    return AudiobookError(message)


def _hms(seconds: float) -> str:
    s = round(seconds)
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"audiobook {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")]
    = False,
) -> None:
    """Turn a story or novel into a multi-voice audiobook, offline, on a CPU."""


def main() -> None:
    """Entry point of the `audiobook` console script."""
    app()
