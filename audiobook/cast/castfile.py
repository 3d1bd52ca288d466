"""Write the characters a book's text reveals into voices.yaml, keeping the user's comments, order and edits."""

from __future__ import annotations

import io
import os
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from audiobook.cast.autovoice import cast_voices
from audiobook.cast.casting import DEFAULT_CASTING, load_casting
from audiobook.errors import CastingError
from audiobook.model import Role
from audiobook.read.book import load_book
from audiobook.script.attribution.gender import guess_genders
from audiobook.script.attribution.sieve import discover_characters
from audiobook.script.segment import segment


@dataclass(frozen=True)
class CastUpdate:
    """What `update_cast_file` did."""

    path: Path
    added: tuple[tuple[str, int], ...]  # new characters and their line counts
    known: int  # characters the file already had
    written: bool


def update_cast_file(book: Path, voices: Path, title: str | None = None) -> CastUpdate:
    """Add every speaking character found in the book that voices.yaml lacks, each with a distinct voice."""
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    loaded = load_book(book, title)
    text = loaded.text
    segments = segment(text, loaded.chapters)
    found = discover_characters(text, segments)
    casting = load_casting(voices if voices.exists() else None)
    claimed = {a.casefold() for name, role in casting.roles.items() for a in (name, *role.character.aliases)}
    new = []
    for character, lines in found:
        if any(a.casefold() in claimed for a in (character.name, *character.aliases)):
            continue  # the user has this character already, perhaps under another name
        aliases = tuple(a for a in character.aliases if a.casefold() not in claimed)
        claimed.update(a.casefold() for a in (character.name, *aliases))
        new.append((replace(character, aliases=aliases), lines))
    if not new:
        return CastUpdate(voices, (), len(casting.roles), False)

    lines_by_name = dict((c.name, n) for c, n in found)
    missing_gender = [c.name for c, _ in new if c.gender is None]
    genders = {**guess_genders(text, missing_gender), **{c.name: c.gender for c, _ in new if c.gender}}
    roles = {**casting.roles, **{c.name: Role(replace(c, gender=genders.get(c.name)), None) for c, _ in new}}
    proposed = cast_voices(replace(casting, roles=roles), sorted(lines_by_name.items()), genders)

    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    source = voices if voices.exists() else DEFAULT_CASTING
    data: Any = yaml.load(source.read_text(encoding="utf-8")) or CommentedMap()
    if data.get("characters") is None:
        data["characters"] = CommentedMap()
    characters = data["characters"]
    for character, lines in new:
        voice = proposed.roles[character.name].voice
        assert voice is not None
        entry = CommentedMap()
        if character.aliases:
            seq = CommentedSeq(character.aliases)
            seq.fa.set_flow_style()
            entry["aliases"] = seq
        if proposed.roles[character.name].character.gender:
            entry["gender"] = proposed.roles[character.name].character.gender
        entry["voice"] = voice.voice
        entry["rate"] = voice.rate
        entry["pitch"] = voice.pitch
        characters[character.name] = entry
        characters.yaml_add_eol_comment(f"{lines} line{'s' if lines != 1 else ''}", character.name)
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    _write_atomically(voices, buffer.getvalue())
    load_casting(voices)  # what was written must load: a failure here is a bug, reported as an error
    return CastUpdate(voices, tuple((c.name, n) for c, n in new), len(casting.roles), True)


def _write_atomically(path: Path, content: str) -> None:
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or Path("."))
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(content)
        os.replace(tmp, path)
    except OSError as exc:
        raise CastingError(f"{path}: cannot write ({exc.strerror or exc})") from None
