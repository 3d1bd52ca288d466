"""`audiobook report`: how well the quotes were attributed; a gate for CI with --fail-under."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from audiobook.cli.options import (
    BookArgument,
    ChaptersFromOption,
    FrontMatterOption,
    ReportFormat,
    TitleOption,
    VoicesOption,
    check_choice,
    metavar,
    reading,
)
from audiobook.cli.shared import errors, warn
from audiobook.errors import AudiobookError

FormatOption = Annotated[str, typer.Option("--format", "-f", metavar=metavar(ReportFormat), help="text or json.")]
FailUnderOption = Annotated[float | None, typer.Option(
    "--fail-under", min=0.0, max=1.0, metavar="SHARE", show_default=False,
    help="Exit 1 if fewer than this share of quotes (0-1) have a speaker.")]


def report(
    file: BookArgument,
    voices: VoicesOption = None,
    fmt: FormatOption = ReportFormat.TEXT.value,
    fail_under: FailUnderOption = None,
    title: TitleOption = None,
    chapters_from: ChaptersFromOption = None,
    include_front_matter: FrontMatterOption = False,
) -> None:
    """How the quotes were attributed: per chapter explicit / inferred / unattributed, and lines per character.

    With --fail-under, CI can gate a book on the share of quotes that have a speaker.
    """
    from audiobook.pipeline import plan_book
    from audiobook.qa.report import attribution_report, report_json, report_text

    with errors():
        check_choice("--format", fmt, ReportFormat)
        script = plan_book(file, voices, title, reading(chapters_from, include_front_matter))
        warn(script.warnings)
        result = attribution_report(script)
        if fmt == ReportFormat.JSON:
            typer.echo(json.dumps(report_json(result), ensure_ascii=False, indent=2))
        else:
            typer.echo(report_text(result))
        if fail_under is not None and result.attributed < fail_under:
            raise AudiobookError(f"{100 * result.attributed:.1f} % of quotes have a speaker, "
                                 f"below --fail-under {fail_under:g}")
