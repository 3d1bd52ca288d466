"""Kin in the attributor: "said her mother", "the miller's wife", "her father came in": whose kin, and who."""

from __future__ import annotations

import re

from audiobook.model import Gender
from audiobook.script.attribution import speech as sp
from audiobook.script.attribution import thresholds as th
from audiobook.script.attribution.rules import Context, touch

POSSESSOR_GENDER: dict[str, Gender] = {"his": "male", "her": "female"}
# Kin nouns, and whether each names a parent or a spouse (else a sibling or a child).
KIN = {
    "mother": True, "mamma": True, "mama": True, "father": True, "papa": True, "wife": True, "husband": True,
    "sister": False, "brother": False, "daughter": False, "son": False,
}
_CALL_RE = re.compile(rf"[\"“'‘]\s*(?:[Mm]y\s+)?(?:[Dd]ear(?:est)?\s+)?({sp.NAME})\s*,")
_GROWN_MAN_TITLES = frozenset(("Mr", "Monsieur", "M", "Sir", "Lord", "Signor", "Senor", "Herr", "Don"))


def kin(ctx: Context, t: int, words: list[str], recent: list[str]) -> str | None:
    """"her mother", "his wife": the one of the possessor's family the word names ("Mrs. Kemp" for Mr. Kemp's).

    The possessor is the one the quote calls by name, else one of the two latest characters of its gender: of
    their kin, the latest named, else the first one's only one. A name taken in marriage ("Mrs. Delacour")
    is not her father's.
    """
    if len(words) != 2 or words[0] not in POSSESSOR_GENDER:
        return None
    relation = _relation(words[1], POSSESSOR_GENDER[words[0]])
    if relation not in KIN:
        return None
    want = POSSESSOR_GENDER[words[0]]
    # `"Mrs. Stangrove," said her husband`: the one called by name is the likeliest "her".
    called = [c for c in _opening_call(ctx, t) if ctx.names.gender.get(c) == want]
    found: list[list[str]] = []
    for owner in called + [c for c in recent if ctx.names.gender.get(c) == want][: th.KIN_OWNERS]:
        found.append([c for c in _kin_of(ctx, owner, relation) if c not in ctx.vocatives[t]])
        if called and found[0]:
            break
    return _pick(found, recent)


def parent_at_hand(ctx: Context, t: int, words: list[str], recent: list[str]) -> str | None:
    """"said her mother" when no "her" at hand has a mother in the cast (the "her" went unnamed: "his second
    daughter"): the latest character at hand who is anyone's mother."""
    if len(words) != 2 or words[0] not in POSSESSOR_GENDER or words[1] not in _PARENTS:
        return None
    parents = {p for child in ctx.names.gender for p in _kin_of(ctx, child, words[1])}
    return next((c for c in recent if c in parents and c not in ctx.vocatives[t]), None)


_PARENTS = frozenset(("mother", "mamma", "mama", "father", "papa"))


def _pick(found: list[list[str]], recent: list[str]) -> str | None:
    """Of the kin of each likely owner, the latest named, else the only one of the likeliest owner who has any."""
    late = next((c for c in recent if any(c in kin for kin in found)), None)
    if late is not None:
        return late
    likeliest = next((kin for kin in found if kin), [])  # the latest owner who has such kin at all
    return likeliest[0] if len(likeliest) == 1 else None


def possessed(ctx: Context, t: int, owner_name: str, noun: str) -> tuple[str, str] | None:
    """"the miller's wife", "Mr. Hale's good lady": the owner's kin the noun names, if the book has one.

    Whoever it is, it is not the owner: with no such kin known the tag names no one.
    """
    owner = ctx.names.resolve(owner_name)
    if owner is None:
        return None
    relation = _relation(noun, ctx.names.gender.get(owner))
    if relation not in KIN:
        return None
    kin = [c for c in _kin_of(ctx, owner, relation) if c not in ctx.vocatives[t]]
    return (kin[0], "nominal") if len(kin) == 1 else None


def _relation(noun: str, owner: Gender | None) -> str:
    """The kin a noun names for an owner of that gender: a man's "lady" is his wife."""
    return "wife" if noun == "lady" and owner == "male" else noun


def _opening_call(ctx: Context, t: int) -> list[str]:
    """The character a turn opens by calling: `"My dear Mr. Kemp," said his lady`."""
    seg = ctx.segments[ctx.turns[t].dialogue[0]]
    m = _CALL_RE.match(ctx.text, seg.start, seg.end)
    who = ctx.names.resolve(sp.clean_name(m.group(1))) if m is not None else None
    return [who] if who is not None else []


def _kin_of(ctx: Context, owner: str, relation: str) -> list[str]:
    """The characters who are `owner`'s kin of that relation, by the one family name they share."""
    names = ctx.names
    family = _owner_family(ctx, owner, relation)
    if len(family) != 1:
        return []  # none known, or two (a maiden and a married name): too open
    want, elder = sp.PERSON_NOUNS[relation], KIN[relation]
    kin = [c for c in names.gender
           if c != owner and names.gender[c] == want and family & _families(ctx, c, by_birth=not elder)]
    if elder:
        return _grown(ctx, kin, family, want)
    if relation in ("brother", "sister"):
        parents = set(_kin_of(ctx, owner, "father")) | set(_kin_of(ctx, owner, "mother"))
        kin = [c for c in kin if c not in parents]  # "her brother" is not her father, who bears her name too
    return kin


def _grown(ctx: Context, kin: list[str], family: set[str], want: Gender | None) -> list[str]:
    """Of the members of a family, the ones who may be a parent or a spouse: a "Mrs." who bears its name by marriage,
    a man who bears it with a grown man's title."""
    if want == "female":
        return [c for c in kin if family & ctx.names.married.get(c, set())]  # "Mrs. Kemp", not "Miss Kemp"
    return [c for c in kin if ctx.names.titles.get(c, set()) & _GROWN_MAN_TITLES]  # "Mr. Ashdown", not "Gideon"


def _owner_family(ctx: Context, owner: str, relation: str) -> set[str]:
    """The family names `owner` passes to kin of that relation. Whose name is whose: a father's and a husband's name
    are his; a mother's and a wife's, hers as "Mrs."; a child's and a sibling's, theirs by birth."""
    family = _families(ctx, owner, by_birth=relation not in ("wife", "husband", "son", "daughter"))
    married = ctx.names.married.get(owner)
    if relation == "husband" and married:
        family &= married  # "Mrs. Haverleigh"'s husband is a Haverleigh, whatever she was born
    return family


def _families(ctx: Context, who: str, by_birth: bool) -> set[str]:
    """The family names `who` shares with another character; by birth: not one a "Mrs." took in marriage."""
    names = ctx.names
    out = {f for f in names.family.get(who, set()) if names.bearers[f] > 1}
    if by_birth:
        out -= names.married.get(who, set())
    return out


_KIN_RE = re.compile(r"\b([Hh]is|[Hh]er)\s+(" + "|".join(sorted(KIN)) + r"|lady)\b")


def kin_mentions(ctx: Context) -> list[tuple[int, str]]:
    """Where the narration names a character as someone's kin ("Her father was waiting"): the kin, as a mention.

    The owner is one of the two latest characters of the possessive's gender, as for a tag ("said her father").
    """
    out: list[tuple[int, str]] = []
    recent: list[str] = []
    mi = 0
    chapter = -1
    for seg in ctx.segments:
        if seg.chapter != chapter:
            chapter, recent = seg.chapter, []  # a new chapter opens a new scene
            while mi < len(ctx.mentions) and ctx.mentions[mi][0] < seg.start:
                mi += 1
        if seg.kind != "narration":
            continue
        for m in _KIN_RE.finditer(ctx.text, seg.start, seg.end):
            while mi < len(ctx.mentions) and ctx.mentions[mi][0] < m.start():
                touch(recent, ctx.mentions[mi][1])
                mi += 1
            want = POSSESSOR_GENDER[m.group(1).lower()]
            relation = _relation(m.group(2).lower(), want)
            if relation not in KIN:
                continue
            owners = [c for c in recent if ctx.names.gender.get(c) == want][: th.KIN_OWNERS]
            who = _pick([_kin_of(ctx, owner, relation) for owner in owners], recent)
            if who is not None:
                out.append((m.start(), who))
                touch(recent, who)
    return out
