"""`audiobook batch`: many books one after another; a failing book is reported and the others go on."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from audiobook.cli.options import CacheOption
from audiobook.cli.shared import errors

if TYPE_CHECKING:
    from audiobook.batch import BookReport

SourcesArgument = Annotated[list[Path], typer.Argument(
    metavar="SOURCES", help="Book files, folders of books, or books.yaml manifests.", show_default=False)]
OutOption = Annotated[Path, typer.Option(
    "--out", "-o", metavar="DIR", help="Folder to write the books' folders into.")]
ShardOption = Annotated[str | None, typer.Option(
    "--shard", metavar="K/N", help="Render only shard K of N (from 1), e.g. one CI job of N.", show_default=False)]
JobsOption = Annotated[int | None, typer.Option(
    "--jobs", "-j", min=1, metavar="N", help="Worker processes per book (default: all cores).", show_default=False)]
ReportOption = Annotated[Path | None, typer.Option(
    "--json", metavar="FILE", help="Write the JSON report here.", show_default=False)]
FailUnderOption = Annotated[float | None, typer.Option(
    "--fail-under", min=0.0, max=1.0, metavar="SHARE", show_default=False,
    help="A book whose share of attributed quotes is below this fails.")]


def batch(
    sources: SourcesArgument,
    out: OutOption = Path("output"),
    shard_spec: ShardOption = None,
    jobs: JobsOption = None,
    report_path: ReportOption = None,
    fail_under: FailUnderOption = None,
    cache_dir: CacheOption = None,
) -> None:
    """Render many books one after another; a failing book is reported, the others go on; exit 1 if any failed.

    A books.yaml manifest lists books, each with source and optionally voices, title, author, preset, format,
    year, description, cover, chapters_from and include_front_matter. See docs/github-actions.yml for CI.
    """
    from dataclasses import asdict

    from audiobook.batch import collect_books, render_books, shard, summary_line

    with errors():
        books = shard(collect_books(sources), shard_spec)
        reports = render_books(books, out, jobs, fail_under, cache_dir, on_book=_print_book)
        data = {"shard": shard_spec or "1/1", "books": [asdict(r) for r in reports],
                "summary": summary_line(reports)}
        if report_path:
            from audiobook.cast.castfile import _write_atomically

            _write_atomically(report_path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    typer.echo(summary_line(reports))
    if any(r.status != "ok" for r in reports):
        raise typer.Exit(1)


def _print_book(report: BookReport) -> None:
    """One line per book as it finishes, and its warnings on stderr."""
    extra = f" ({report.error})" if report.error else ""
    typer.echo(f"{report.status:>15}  {report.source}: {report.chapters} chapters, "
               f"{report.audio_seconds / 3600:.2f} h, {report.wall_seconds:.0f} s{extra}")
    for warning in report.warnings:
        typer.echo(f"Warning: {report.source}: {warning}", err=True)
