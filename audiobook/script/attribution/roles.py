"""Cast entries named by what they are ("The Clergyman", "The Guard", "The Girl" for Mina): when a tag's noun means
such an entry, and when it means a named character the book calls so."""

from __future__ import annotations

from audiobook.script.attribution import speech as sp
from audiobook.script.attribution.describe import YOUNG, gender_of
from audiobook.script.attribution.kin import KIN
from audiobook.script.attribution.newcomer import Descriptions, epithet_holder
from audiobook.script.attribution.rules import Context
from audiobook.script.attribution.tags import Tag


def epithet(ctx: Context, t: int, recent: list[str], described: Descriptions) -> None:
    """`"…," said the clergyman.` with a cast entry "The Clergyman" beside Mr. Hale: Mr. Hale, when the tags
    naming the entry, over several chapters, mostly come where he is the one fitting character at hand who is
    not talking with the speaker (the book's epithet for him, not an unnamed clergyman of one scene); then every
    such tag is his, but one calling him or next to his own line."""
    role = ctx.turns[t].speaker or ""
    tag = next((v for v in ctx.turns[t].tags.values() if v.kind == "np" and ctx.names.resolve(v.value) == role), None)
    if tag is None:
        return
    if described.votes is not None:
        _epithet_speaks(ctx, t, role, described)
    else:
        _note_epithet(ctx, t, tag, role, recent, described)


def _epithet_speaks(ctx: Context, t: int, role: str, described: Descriptions) -> None:
    """Second pass: give turn t, which the cast role `role` speaks, to the named character the role is the book's
    epithet for."""
    turn = ctx.turns[t]
    holder = epithet_holder(described.epithets.get(role, {}))
    if holder is not None and holder not in ctx.vocatives[t] and holder not in ctx.tagged_around(t):
        turn.speaker, turn.evidence = holder, "nominal"


def _note_epithet(ctx: Context, t: int, tag: Tag, role: str, recent: list[str], described: Descriptions) -> None:
    """First pass: note the named character at hand the tag naming the cast role `role` most likely means, and the
    chapter."""
    head = tag.value.split()[-1].lower()
    want = gender_of(ctx, t, tag, ctx.names.gender.get(role) or sp.PERSON_NOUNS.get(head), described)
    if want is None:
        return
    cands = [c for c in recent if not is_role(c) and c != ctx.narrator and c not in ctx.vocatives[t]
             and ctx.names.gender.get(c) == want and (head in YOUNG or c not in described.children)]
    near = ctx.tagged_around(t)
    likely = next((c for c in cands if c not in near), None)
    if likely is not None:
        described.epithets.setdefault(role, {}).setdefault(likely, []).append(ctx.chapter_of(t))


def answers_to(who: str, head: str) -> bool:
    """Whether a character may be the one a description's head noun means: not the cast's "The Old Woman" for
    "the lady" (a role named by another noun with a gender: the book calls its ladies and its women apart)."""
    noun = who.split()[-1].lower()
    if not is_role(who) or noun == head or noun in KIN or head in KIN:
        return True
    return sp.PERSON_NOUNS.get(noun) is None or sp.PERSON_NOUNS.get(head) is None


def is_role(who: str) -> bool:
    """Whether a cast entry is named by what it is ("The Clergyman"), not by a name."""
    return who.split()[0].lower() in sp.ARTICLES
