"""`audiobook voices`: the eSpeak NG voices this machine can speak with."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from audiobook.cli.shared import errors

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
LangOption = Annotated[str | None, typer.Option(
    metavar="TEXT", help="Only language voices whose id contains this, e.g. en.", show_default=False)]


def voices(as_json: JsonOption = False, lang: LangOption = None) -> None:
    """List the voices this machine can speak with: language voices, and variants to add with `+`."""
    from audiobook.tts.espeak import list_voices

    with errors():
        found = [v for v in list_voices() if not lang or v.kind == "variant" or lang.lower() in v.id]
    if as_json:
        typer.echo(json.dumps([v.__dict__ for v in found], ensure_ascii=False, indent=2))
        return
    typer.echo("Language voices (use the id as `voice:` in voices.yaml):")
    for v in found:
        if v.kind == "language":
            typer.echo(f"  {v.id:28} {v.name:40} {v.gender or ''}")
    typer.echo("\nVariants (append with +, e.g. gmw/en-us+f3):")
    for v in found:
        if v.kind == "variant":
            typer.echo(f"  {v.id:28} {v.name:40} {v.gender or ''}")
