"""`audiobook cast`: add the book's speaking characters to voices.yaml, each with a proposed voice."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from audiobook.cli.options import BookArgument, TitleOption
from audiobook.cli.shared import errors

CastFileOption = Annotated[Path, typer.Option(
    "--voices", "-v", metavar="FILE", help="The voices.yaml to create or add to.")]


def cast(file: BookArgument, voices: CastFileOption = Path("voices.yaml"), title: TitleOption = None) -> None:
    """Find the book's speaking characters and add the new ones to voices.yaml, each with its own voice.

    voices.yaml is created if it is missing.
    """
    from audiobook.cast.castfile import update_cast_file

    with errors():
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
