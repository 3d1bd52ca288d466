"""Give every character nobody cast a distinct voice from the catalog, the same one each time."""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Mapping
from dataclasses import replace

import yaml

from audiobook.cast.casting import CATALOG, NodeLoader, compose_yaml
from audiobook.errors import CastingError
from audiobook.model import Casting, Character, Gender, Role, Voice
from audiobook.script.attribution.gender import gender_from_title

_VOICE_FIELDS = ("voice", "rate", "pitch", "volume")


def cast_voices(casting: Casting, speakers: Iterable[tuple[str, int]],
                genders: Mapping[str, Gender] | None = None) -> Casting:
    """Give a distinct automatic voice to every role and speaker without one; the same book gets the same voices."""
    roles = dict(casting.roles)
    for name, _lines in speakers:
        if name not in roles:
            gender = (genders or {}).get(name) or gender_from_title(name)
            roles[name] = Role(Character(name, (), gender), None)
    taken = {casting.narrator.voice} | {r.voice.voice for r in roles.values() if r.voice}
    lines = dict(speakers)
    pools = _catalog()
    used_count: dict[str, int] = {}
    # The busiest characters choose first, so minor ones never push a main one off its voice. A character
    # with a voice of its own still takes its turn, so that editing one voice leaves the others' alone.
    for name in sorted(roles, key=lambda n: (-lines.get(n, 0), n)):
        role = roles[name]
        pool = pools[role.character.gender] if role.character.gender else _interleave(pools["female"], pools["male"])
        voice = _pick(pool, taken, used_count, name)
        if role.voice is not None:
            continue
        voice = replace(
            voice,
            rate=role.rate if role.rate is not None else voice.rate,
            pitch=role.pitch if role.pitch is not None else voice.pitch,
            volume=role.volume if role.volume is not None else voice.volume,
        )
        roles[name] = replace(role, voice=voice)
    return replace(casting, roles=roles)


def _pick(pool: list[Voice], taken: set[str], used_count: dict[str, int], name: str) -> Voice:
    free = [v for v in pool if v.voice not in taken]
    if free:
        taken.add(free[0].voice)
        return free[0]
    # More characters than voices: reuse one, shifted in pitch so that neighbours still differ.
    base = pool[zlib.crc32(name.encode()) % len(pool)]
    n = used_count[base.voice] = used_count.get(base.voice, 0) + 1
    shift = (8 * ((n + 1) // 2)) * (1 if n % 2 else -1)
    return replace(base, pitch=min(100, max(0, base.pitch + shift)))


def _interleave(a: list[Voice], b: list[Voice]) -> list[Voice]:
    out = [v for pair in zip(a, b, strict=False) for v in pair]
    return out + a[len(b):] + b[len(a):]


def _catalog() -> dict[Gender, list[Voice]]:
    node = compose_yaml(CATALOG)
    loader = NodeLoader(CATALOG, lambda _v: None)
    data = loader.mapping(node, "", ("female", "male"))
    pools: dict[Gender, list[Voice]] = {"female": [], "male": []}
    for gender in ("female", "male"):
        _key, entries = data[gender]
        if not isinstance(entries, yaml.SequenceNode):
            raise CastingError(loader.where(entries, gender) + "must be a list of voices")
        for i, entry in enumerate(entries.value):
            fields = loader.mapping(entry, f"{gender}[{i}]", _VOICE_FIELDS)
            pools[gender].append(loader.voice(fields, f"{gender}[{i}]", entry, required=True))
    return pools


