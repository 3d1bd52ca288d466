"""voices.yaml: loading, defaults, aliases, and automatic voices for characters nobody cast."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from audiobook.cast.autovoice import cast_voices
from audiobook.cast.casting import CATALOG, DEFAULT_CASTING, load_casting
from audiobook.errors import CastingError
from audiobook.model import Casting, Voice


def test_default_casting_has_a_narrator() -> None:
    casting = load_casting(None)
    assert casting.narrator == Voice("gmw/en-us", 170, 45, 1.0)
    assert casting.roles == {}
    assert DEFAULT_CASTING.is_file() and CATALOG.is_file()


def test_full_file(write: Callable[..., Path]) -> None:
    path = write("v.yaml", """
narrator:
  name: Ada
  voice: gmw/en-gb-x-rp
  rate: 160
characters:
  Arabella Kemp:
    aliases: [Arabella, Bella]
    gender: female
    voice: gmw/en-us+f3
    pitch: 70
    volume: 0.8
  Mr. Royce:
    gender: male
    rate: 150
  The Butler:
""")
    casting = load_casting(path)
    assert casting.narrator == Voice("gmw/en-gb-x-rp", 160, 50, 1.0)
    assert casting.narrator_name == "Ada"
    bella = casting.roles["Arabella Kemp"]
    assert bella.voice == Voice("gmw/en-us+f3", 175, 70, 0.8)
    assert bella.character.aliases == ("Arabella", "Bella") and bella.character.gender == "female"
    royce = casting.roles["Mr. Royce"]
    assert royce.voice is None and royce.rate == 150
    assert casting.roles["The Butler"].voice is None
    assert [c.name for c in casting.characters] == ["Arabella Kemp", "Mr. Royce", "The Butler"]


def test_file_without_narrator_keeps_the_default_narrator(write: Callable[..., Path]) -> None:
    casting = load_casting(write("v.yaml", "characters:\n  Jo:\n    gender: female\n"))
    assert casting.narrator == load_casting(None).narrator


def test_alias_bomb_is_refused_quickly(write: Callable[..., Path]) -> None:
    lines = ["characters:", "  A0:", "    aliases: &a0 [x, y, z]"]
    lines += [f"  A{i}:\n    aliases: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]" for i in range(1, 30)]
    path = write("v.yaml", "\n".join(lines) + "\n")
    with pytest.raises(CastingError) as err:
        load_casting(path)
    assert str(err.value) == f"{path}, line 3: characters.A1.aliases: a list is not allowed; give a non-empty text"


def test_duplicate_key_is_an_error(write: Callable[..., Path]) -> None:
    path = write("v.yaml", "characters:\n  Jo:\n    gender: female\n  Jo:\n    gender: male\n")
    with pytest.raises(CastingError) as err:
        load_casting(path)
    assert str(err.value) == f"{path}, line 4: characters.Jo: appears twice"


def _auto(casting: Casting, speakers: list[tuple[str, int]], genders: dict[str, str] | None = None) -> Casting:
    return cast_voices(casting, speakers, genders or {})  # type: ignore[arg-type]


def test_auto_voices_are_distinct_gendered_and_never_the_narrators() -> None:
    base = load_casting(None)
    speakers = [(f"Woman {i}", 50 - i) for i in range(8)] + [(f"Man {i}", 40 - i) for i in range(8)]
    genders = {n: ("female" if n.startswith("Woman") else "male") for n, _ in speakers}
    cast = _auto(base, speakers, genders)
    voices = [cast.roles[n].voice for n, _ in speakers]
    assert all(v is not None for v in voices)
    assert len({v.voice for v in voices if v}) == len(voices)
    assert base.narrator.voice not in {v.voice for v in voices if v}
    female_ids = {v.voice for v in load_casting(None) and _pool("female")}
    assert all(cast.roles[n].voice.voice in female_ids for n, _ in speakers if n.startswith("Woman"))  # type: ignore[union-attr]


def _pool(gender: str) -> list[Voice]:
    from audiobook.cast.autovoice import _catalog

    return _catalog()[gender]  # type: ignore[index]


def test_auto_voices_are_deterministic_and_respect_titles() -> None:
    base = load_casting(None)
    speakers = [("Mrs. Hollis", 9), ("Sir Hugh", 7), ("Pat", 3)]
    first = _auto(base, speakers)
    assert first == _auto(base, list(reversed(speakers)))
    assert first.roles["Mrs. Hollis"].character.gender == "female"
    assert first.roles["Sir Hugh"].character.gender == "male"


def test_more_characters_than_voices_still_differ_in_pitch() -> None:
    base = load_casting(None)
    speakers = [(f"Man {i}", 100 - i) for i in range(60)]
    cast = _auto(base, speakers, {n: "male" for n, _ in speakers})
    settings = {(r.voice.voice, r.voice.pitch) for r in cast.roles.values() if r.voice}
    assert len(settings) == 60


def test_cast_voice_settings_tune_the_automatic_voice(write: Callable[..., Path]) -> None:
    casting = load_casting(write("v.yaml", "characters:\n  Jo:\n    gender: female\n    rate: 120\n    pitch: 90\n"))
    voice = _auto(casting, [("Jo", 3)]).roles["Jo"].voice
    assert voice is not None and (voice.rate, voice.pitch) == (120, 90)
    assert voice.voice in {v.voice for v in _pool("female")}


def test_giving_one_character_a_voice_leaves_the_others_alone(write: Callable[..., Path]) -> None:
    speakers = [("Anna", 30), ("Beth", 20), ("Cara", 10), ("Dan", 5)]
    genders = {"Anna": "female", "Beth": "female", "Cara": "female", "Dan": "male"}
    before = _auto(load_casting(None), speakers, genders)
    cast = load_casting(write("v.yaml", "characters:\n  Anna:\n    gender: female\n    voice: gmw/en-gb-scotland+m7\n"))
    after = _auto(cast, speakers, genders)
    assert after.roles["Anna"].voice == Voice("gmw/en-gb-scotland+m7")
    assert {n: after.roles[n].voice for n in ("Beth", "Cara", "Dan")} == {
        n: before.roles[n].voice for n in ("Beth", "Cara", "Dan")}
