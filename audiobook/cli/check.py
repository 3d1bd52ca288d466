"""`audiobook check`: a rendered book measured against its preset; exit 1 on any problem."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from audiobook.cli.options import Preset, metavar
from audiobook.cli.shared import errors

FolderArgument = Annotated[Path, typer.Argument(
    metavar="FOLDER", help="A rendered book's folder, e.g. output/<title>.", show_default=False)]
PresetOption = Annotated[str | None, typer.Option(
    metavar=metavar(Preset), help="The preset to check against (default: the one it was rendered with).",
    show_default=False)]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]


def check(folder: FolderArgument, preset: PresetOption = None, as_json: JsonOption = False) -> None:
    """Check a rendered book against its preset: loudness, peaks, format, room tone, tags, numbering, names.

    Checked: loudness, true peak, RMS, noise floor, sample rate, bitrate, length, room tone, tags, numbering and
    file names. One line per problem; exit 1 on any.
    """
    from audiobook.qa.check import check_book, check_json

    with errors():
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
