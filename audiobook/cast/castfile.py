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
from audiobook.model import Casting, Character, Role
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
    loaded = load_book(book, title)
    text = loaded.text
    found = discover_characters(text, segment(text, loaded.chapters))
    casting = load_casting(voices if voices.exists() else None)
    new = _new_characters(found, casting)
    if not new:
        return CastUpdate(voices, (), len(casting.roles), False)
    proposed = _proposed_voices(text, casting, found, new)
    _write_atomically(voices, _with_characters(voices if voices.exists() else DEFAULT_CASTING, new, proposed))
    load_casting(voices)  # what was written must load: a failure here is a bug, reported as an error
    return CastUpdate(voices, tuple((c.name, n) for c, n in new), len(casting.roles), True)


def _new_characters(found: list[tuple[Character, int]], casting: Casting) -> list[tuple[Character, int]]:
    """The characters the cast lacks under any of their names; an alias someone already has is dropped."""
    claimed = {a.casefold() for name, role in casting.roles.items() for a in (name, *role.character.aliases)}
    new = []
    for character, lines in found:
        if any(a.casefold() in claimed for a in (character.name, *character.aliases)):
            continue  # the user has this character already, perhaps under another name
        aliases = tuple(a for a in character.aliases if a.casefold() not in claimed)
        claimed.update(a.casefold() for a in (character.name, *aliases))
        new.append((replace(character, aliases=aliases), lines))
    return new


def _proposed_voices(text: str, casting: Casting, found: list[tuple[Character, int]],
                     new: list[tuple[Character, int]]) -> Casting:
    """The cast with the new characters given genders (guessed where unknown) and distinct automatic voices."""
    lines_by_name = {c.name: n for c, n in found}
    missing_gender = [c.name for c, _ in new if c.gender is None]
    genders = {**guess_genders(text, missing_gender), **{c.name: c.gender for c, _ in new if c.gender}}
    roles = {**casting.roles, **{c.name: Role(replace(c, gender=genders.get(c.name)), None) for c, _ in new}}
    return cast_voices(replace(casting, roles=roles), sorted(lines_by_name.items()), genders)


def _with_characters(source: Path, new: list[tuple[Character, int]], proposed: Casting) -> str:
    """The YAML of `source` with an entry for each new character; the user's comments and order are kept."""
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap

    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    data: Any = yaml.load(source.read_text(encoding="utf-8")) or CommentedMap()
    if data.get("characters") is None:
        data["characters"] = CommentedMap()
    characters = data["characters"]
    for character, lines in new:
        characters[character.name] = _entry(character, proposed.roles[character.name])
        characters.yaml_add_eol_comment(f"{lines} line{'s' if lines != 1 else ''}", character.name)
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    return buffer.getvalue()


def _entry(character: Character, role: Role) -> Any:
    """One character's voices.yaml entry: aliases (one line), gender, voice, rate, pitch."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    voice = role.voice
    assert voice is not None
    entry = CommentedMap()
    if character.aliases:
        seq = CommentedSeq(character.aliases)
        seq.fa.set_flow_style()
        entry["aliases"] = seq
    if role.character.gender:
        entry["gender"] = role.character.gender
    entry["voice"] = voice.voice
    entry["rate"] = voice.rate
    entry["pitch"] = voice.pitch
    return entry


def _write_atomically(path: Path, content: str) -> None:
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or Path("."))
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(content)
        os.replace(tmp, path)
    except OSError as exc:
        raise CastingError(f"{path}: cannot write ({exc.strerror or exc})") from None
