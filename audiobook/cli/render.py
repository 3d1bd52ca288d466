"""`audiobook render`: a book into tagged chapter files; also `--dry-run` (the plan) and `--preview` (the cast)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from audiobook.cli.options import (
    BookArgument,
    CacheOption,
    ChaptersFromOption,
    Format,
    FrontMatterOption,
    Preset,
    Subtitles,
    TitleOption,
    VoicesOption,
    check_choice,
    metavar,
    reading,
)
from audiobook.cli.shared import errors, hms, interactive, warn
from audiobook.errors import AudiobookError

if TYPE_CHECKING:
    from audiobook.pipeline import RenderOptions, RenderResult
    from audiobook.script import Script

OutOption = Annotated[Path, typer.Option("--out", "-o", metavar="DIR", help="Folder to write the book's folder into.")]
AuthorOption = Annotated[str | None, typer.Option(
    metavar="TEXT", show_default=False,
    help="Author, for the tags (default: the book's own author from its metadata, e.g. a Project Gutenberg header, "
         "Markdown front matter or EPUB metadata; else Unknown).")]
PresetOption = Annotated[str | None, typer.Option(
    metavar=metavar(Preset), show_default=False,
    help="Loudness and format: default (-18 LUFS), acx-spec (ACX numbers), ebu-r128 (-23 LUFS); default: "
         "voices.yaml's preset, else default.")]
YearOption = Annotated[str | None, typer.Option(metavar="YEAR", help="Year, for the tags.", show_default=False)]
DescriptionOption = Annotated[str | None, typer.Option(
    metavar="TEXT", help="Description, for the tags.", show_default=False)]
CoverOption = Annotated[Path | None, typer.Option(
    metavar="IMAGE", help="Front cover, a JPEG or PNG image (default: an EPUB's own cover).", show_default=False)]
Id3v23Option = Annotated[bool, typer.Option("--id3v23", help="Write ID3v2.3 tags, for old players.")]
FormatOption = Annotated[str, typer.Option(
    "--format", "-f", metavar=metavar(Format),
    help="mp3 (a file per chapter) or m4b (one file with chapter marks).")]
SingleFileOption = Annotated[bool, typer.Option("--single-file", help="With mp3: one MP3 with ID3 chapter frames.")]
SubtitlesOption = Annotated[str | None, typer.Option(
    metavar=metavar(Subtitles), help="srt or vtt: subtitles with speaker labels beside the audio.",
    show_default=False)]
ChaptersOption = Annotated[str | None, typer.Option(
    metavar="LIST", help="Render only these chapters, e.g. 1,3-5; the others are left as they are.",
    show_default=False)]
PreviewOption = Annotated[bool, typer.Option(
    "--preview",
    help="Render about a minute of each voice's lines, to audition the cast, into OUT/<title> - preview/.")]
DryRunOption = Annotated[bool, typer.Option(
    "--dry-run", help="Print the plan (chapters, characters, voices, estimated length) without synthesizing.")]
JobsOption = Annotated[int | None, typer.Option(
    "--jobs", "-j", min=1, metavar="N", help="Worker processes (default: all cores).", show_default=False)]
JsonOption = Annotated[bool, typer.Option("--json", help="Print a JSON summary instead of text.")]


def render(
    file: BookArgument,
    voices: VoicesOption = None,
    out: OutOption = Path("output"),
    title: TitleOption = None,
    author: AuthorOption = None,
    preset: PresetOption = None,
    year: YearOption = None,
    description: DescriptionOption = None,
    cover: CoverOption = None,
    id3v23: Id3v23Option = False,
    fmt: FormatOption = Format.MP3.value,
    single_file: SingleFileOption = False,
    subtitles: SubtitlesOption = None,
    chapters: ChaptersOption = None,
    preview: PreviewOption = False,
    dry_run: DryRunOption = False,
    jobs: JobsOption = None,
    as_json: JsonOption = False,
    cache_dir: CacheOption = None,
    chapters_from: ChaptersFromOption = None,
    include_front_matter: FrontMatterOption = False,
) -> None:
    """Render FILE into tagged chapter MP3s under OUT/<title>/; unchanged chapters and clips are reused.

    Chapter files are named NN - <chapter>.mp3. A progress bar is drawn on a terminal; nothing is drawn when CI is
    set or the output is not a terminal. --json prints a summary: files, durations, clips synthesized and reused,
    chapters written, segment and speaker counts, voices. With --dry-run --json the plan also gives the book's
    title, author, language, kind, parts and unread words.
    """
    from audiobook.pipeline import RenderOptions, plan_book, render_book

    with errors():
        check_choice("--preset", preset, Preset)
        check_choice("--format", fmt, Format)
        check_choice("--subtitles", subtitles, Subtitles)
        script = plan_book(file, voices, title, reading(chapters_from, include_front_matter))
        warn(script.warnings)
        selected = _chapter_spec(chapters, len(script.chapters)) if chapters else None
        options = RenderOptions(out_dir=out, author=author, preset=preset, year=year, description=description,
                                cover=cover, id3v23=id3v23, jobs=jobs, cache_dir=cache_dir, format=fmt,
                                single_file=single_file, subtitles=subtitles, chapters=selected)
        if dry_run or preview:
            _audition(script, options, dry_run, as_json)
            return
        if interactive() and not as_json:
            result = _render_with_progress(script, options)
        else:
            result = render_book(script, options)
    if as_json:
        typer.echo(json.dumps(result.summary(script), ensure_ascii=False, indent=2))
    else:
        typer.echo(_summary_line(script, result))


def _summary_line(script: Script, result: RenderResult) -> str:
    """`render` without --json: one line."""
    from audiobook.pipeline import speaker_lines

    speakers = dict(speaker_lines(script.segments))
    total = sum(f.seconds for f in result.files)
    return (f"{len(result.files)} chapter files ({hms(total)} of audio) in {result.folder}: "
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


def _audition(script: Script, options: RenderOptions, dry_run: bool, as_json: bool) -> None:
    """`--dry-run`: print the plan; `--preview`: render a minute of each voice."""
    from audiobook.audition import plan_summary, render_preview

    if dry_run:
        plan = plan_summary(script)
        if as_json:
            typer.echo(json.dumps(plan, ensure_ascii=False, indent=2))
        else:
            _print_plan(plan)
        return
    files = render_preview(script, options)
    if as_json:
        typer.echo(json.dumps([{"file": str(f.path), "seconds": round(f.seconds, 2)} for f in files], indent=2))
        return
    for f in files:
        typer.echo(f"{f.path} ({f.seconds:.0f} s)")


def _print_plan(plan: dict[str, Any]) -> None:
    typer.echo(f"{plan['book']}: {len(plan['chapters'])} chapters, about {hms(plan['estimated_seconds'])} "
               f"of audio; narrator {plan['narrator']}")
    if plan["unread_words"]:
        typer.echo(f"  not read: {plan['unread_words']:,} words outside the chapters (title page, contents, "
                   "notes; see --include-front-matter)")
    for c in plan["chapters"]:
        typer.echo(f"  {c['chapter']:>3}. {c['title'][:50]:<50} {c['lines']:>5} lines, {c['dialogue']:>4} "
                   f"spoken by characters, ~{hms(c['estimated_seconds'])}")
    for c in plan["characters"]:
        typer.echo(f"  {c['name'][:30]:<30} {c['lines']:>5} lines  {c['gender'] or '?':<6}  {c['voice']}")


def _render_with_progress(script: Script, options: RenderOptions) -> RenderResult:
    """render_book with a progress bar of chapters and clips."""
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
