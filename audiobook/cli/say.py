"""`audiobook say`: one text in one voice, to try a word or a pronunciation before rendering a book."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from audiobook.cli.options import VoicesOption
from audiobook.cli.shared import errors

TextArgument = Annotated[str, typer.Argument(metavar="TEXT", help="What to say.", show_default=False)]
VoiceOption = Annotated[str | None, typer.Option(
    "--voice", metavar="NAME", show_default=False,
    help="A cast name or alias, narrator, or a voice id (default: the narrator).")]
OutOption = Annotated[Path, typer.Option("--out", "-o", metavar="FILE", help="The MP3 file to write.")]


def say(text: TextArgument, voice: VoiceOption = None, voices: VoicesOption = None,
        out: OutOption = Path("say.mp3")) -> None:
    """Speak a text in one voice, with voices.yaml's pronunciations: try a word before rendering a book."""
    from audiobook.audition import say as speak
    from audiobook.cast.casting import load_casting

    with errors():
        result = speak(text, voice, load_casting(voices), out)
    typer.echo(f"{result.path} ({result.seconds:.1f} s)")
