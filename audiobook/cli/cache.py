"""`audiobook cache`: a command group for the clip cache; its one command is `cache prune`."""

from __future__ import annotations

from typing import Annotated

import typer

from audiobook.cli.options import CacheOption
from audiobook.cli.shared import errors, help_text
from audiobook.errors import AudiobookError

app = typer.Typer(
    no_args_is_help=True,
    help="Manage the clip cache, where synthesized clips are kept for reuse. Commands: prune.",
)

MaxSizeOption = Annotated[str, typer.Option(
    metavar="SIZE", help="Keep at most this much, e.g. 500M, 2G, 0 to empty it.")]


def prune(max_size: MaxSizeOption = "4G", cache_dir: CacheOption = None) -> None:
    """Delete the least recently used clips until the cache fits in --max-size."""
    from audiobook.tts.cache import ClipCache, default_cache_dir

    with errors():
        limit = _size(max_size)
        result = ClipCache(cache_dir or default_cache_dir()).prune(limit)
    typer.echo(f"Removed {result.removed_files} clips ({result.removed_bytes / 1e6:.1f} MB); "
               f"{result.kept_files} clips ({result.kept_bytes / 1e6:.1f} MB) kept.")


app.command("prune", help=help_text(prune))(prune)


def _size(text: str) -> int:
    """`500M` -> bytes (K, M, G, T are powers of 1024; a trailing B is allowed)."""
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

