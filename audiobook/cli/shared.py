"""What every command uses: the one place errors become `Error: ...`, warnings, and small formatting helpers."""

from __future__ import annotations

import inspect
import os
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import typer

from audiobook.errors import AudiobookError


@contextmanager
def errors() -> Iterator[None]:
    """The one place where library errors become `Error: ...` and an exit status (1; 130 on Ctrl-C)."""
    try:
        yield
    except AudiobookError as exc:
        typer.echo(f"Error: {exc}", err=True)
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        typer.echo("Error: interrupted; no partial chapter file was left behind", err=True)
        raise typer.Exit(130) from None


def warn(warnings: tuple[str, ...]) -> None:
    """One `Warning: ...` line on stderr for each warning."""
    for warning in warnings:
        typer.echo(f"Warning: {warning}", err=True)


def interactive() -> bool:
    """A person is watching: stderr is a terminal and this is not CI (a progress bar is worth drawing)."""
    return sys.stderr.isatty() and os.environ.get("CI", "").lower() not in ("1", "true", "yes")


def hms(seconds: float) -> str:
    """3725.4 -> `1:02:05`."""
    s = round(seconds)
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"


def paragraphs(text: str | None) -> list[str]:
    """A docstring's paragraphs, each on one line."""
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", inspect.cleandoc(text or "")) if p.strip()]


def help_text(function: Callable[..., object]) -> str:
    """A command's docstring as its help: each paragraph on one line, for `--help` to wrap at any width."""
    return "\n\n".join(paragraphs(function.__doc__))
