"""The `audiobook` command: parse options, call one library function, print the result.

This file is the table of contents: the typer app and its commands in the order `--help` lists them, and `main`
(the console script and `python -m audiobook`). Each command lives in a module of its own (render.py, say.py, ...):
its options, then one function that calls the library inside `errors()` and prints the result.

shared.py     `errors()`, the one place an AudiobookError becomes `Error: ...` and exit status 1; warnings
options.py    the FILE argument and the options several commands share; the allowed values of each choice
reference.py  the README's command reference, generated from this app by cog (`cog -r README.md`)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import typer

from audiobook import __version__
from audiobook.cli import batch, cache, cast, check, render, report, review, say, segment, voices
from audiobook.cli.shared import help_text

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Turn a story or novel into a multi-voice audiobook, offline, on a CPU.",
)
COMMANDS: list[tuple[str, Callable[..., None]]] = [
    ("render", render.render),
    ("say", say.say),
    ("segment", segment.segment),
    ("cast", cast.cast),
    ("report", report.report),
    ("batch", batch.batch),
    ("review", review.review),
    ("check", check.check),
    ("voices", voices.voices),
]
for name, function in COMMANDS:
    app.command(name, help=help_text(function))(function)
app.add_typer(cache.app, name="cache")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"audiobook {__version__}")
        raise typer.Exit()


VersionOption = Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")]


@app.callback()
def _main(version: VersionOption = False) -> None:
    """Options that come before the command: --version."""


def main() -> None:
    """Entry point of the `audiobook` console script and of `python -m audiobook`."""
    app()


__all__ = ["app", "main"]
