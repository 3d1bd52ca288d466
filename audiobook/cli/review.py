"""`audiobook review`: a static site to review the book as a script and collect fixes for voices.yaml."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from audiobook.cli.options import (
    BookArgument,
    ChaptersFromOption,
    FrontMatterOption,
    TitleOption,
    VoicesOption,
    reading,
)
from audiobook.cli.shared import errors, warn

OutOption = Annotated[Path, typer.Option(
    "--out", "-o", metavar="DIR", help="Folder to write the review site into.")]
BookOption = Annotated[Path | None, typer.Option(
    "--book", metavar="DIR", show_default=False,
    help="The rendered book folder whose audio the pages play (default: where `render` writes it, "
         "output/<title>).")]


def review(
    file: BookArgument,
    voices: VoicesOption = None,
    out: OutOption = Path("review"),
    book: BookOption = None,
    title: TitleOption = None,
    chapters_from: ChaptersFromOption = None,
    include_front_matter: FrontMatterOption = False,
) -> None:
    """Write a static site to review the book as a script: colours per character, play any line, make fixes.

    Click a speaker's name to pick the right one: the page collects a fixes: list to copy or download
    into voices.yaml, then render again.
    """
    from audiobook.pipeline import plan_book
    from audiobook.qa.review.views import write_review

    with errors():
        script = plan_book(file, voices, title, reading(chapters_from, include_front_matter))
        warn(script.warnings)
        result = write_review(script, out, book)
        warn(result.warnings)
        audio = f"lines of {result.audio_chapters} chapters playable" if result.audio else "no audio"
        typer.echo(f"{out / 'index.html'}: {len(result.pages) - 1} chapter pages, {result.characters} speaking "
                   f"characters, {audio}.")
