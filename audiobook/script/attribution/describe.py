"""What a description tells of whom it means: the gender its sentence or the chapter's narration gives it, which
characters are children ("the old gentleman" is not one of them), whose "a voice" and "the voice" are, and who "her
companion" is."""

from __future__ import annotations

import re
from collections import Counter

from audiobook.model import Gender
from audiobook.script.attribution import speech as sp
from audiobook.script.attribution import thresholds as th
from audiobook.script.attribution.newcomer import Descriptions
from audiobook.script.attribution.rules import NARRATOR, Context
from audiobook.script.attribution.tags import Tag

_GENDER_AFTER_RE = re.compile(r"[.;!?]|\b(?:(he|him|his|himself)|(she|her|hers|herself))\b", re.IGNORECASE)


def told_gender(ctx: Context, t: int, tag: Tag) -> Gender | None:
    """`said the stranger, with a sneer on his lips`: the gender the rest of the tag's sentence gives a description
    that has none of its own."""
    turn = ctx.turns[t]
    k = next(k for k, v in turn.tags.items() if v is tag)
    for j in (k + 1, k - 1):
        if not 0 <= j < len(ctx.segments) or ctx.segments[j].kind != "narration":
            continue
        seg = ctx.segments[j]
        at = re.compile(r"\s+".join(map(re.escape, tag.value.split())), re.IGNORECASE).search(
            ctx.text, seg.start, seg.end)
        if at is None:
            continue
        m = _GENDER_AFTER_RE.search(ctx.text, at.end(), min(seg.end, at.end() + th.GENDER_AFTER_CHARS))
        if m is None or (m.group(1) is None and m.group(2) is None):
            return None
        return "male" if m.group(1) else "female"
    return None


def narrated_gender(ctx: Context, t: int, head: str) -> Gender | None:
    """`The stranger had not gone far, so he …`: the gender the chapter's narration gives "the stranger" most, when it
    gives one twice and thrice as often as the other."""
    chapter = ctx.chapter_segments(t)
    use = re.compile(rf"\b[Tt]he\s+(?:[\w-]+\s+){{0,{th.NP_MODIFIERS}}}?{re.escape(head)}\b")
    votes: Counter[Gender] = Counter()
    for seg in ctx.segments[chapter.start : chapter.stop]:
        if seg.kind != "narration":
            continue
        for m in use.finditer(ctx.text, seg.start, seg.end):
            g = _GENDER_AFTER_RE.search(ctx.text, m.end(), min(seg.end, m.end() + th.GENDER_AFTER_CHARS))
            if g is not None and (g.group(1) or g.group(2)):
                votes["male" if g.group(1) else "female"] += 1
    if not votes:
        return None
    (top, n), *rest = votes.most_common(2)
    return top if n >= th.NARRATED_GENDER_USES and n >= th.NARRATED_GENDER_RATIO * (rest[0][1] if rest else 0) else None


def unseen_voice(ctx: Context, t: int, tag: Tag, recent: list[str]) -> tuple[str, str] | None:
    """`"Open the door!" cried a voice. … Mr. Hale stood on the step`: the first character the narration names soon
    after who is not at hand (an unseen voice is no one in the scene), nor one the line addresses or talks about."""
    skip = ctx.vocatives[t] | ctx.talked_of[t] | {ctx.narrator} | set(recent)  # who just spoke is at hand too
    want = told_gender(ctx, t, tag)
    who = next((c for c in ctx.named_after(t, th.VOICE_CHARS) if c not in skip
                and (want is None or ctx.names.gender.get(c) == want)), None)
    return (who, "nominal") if who is not None else None


YOUNG = frozenset(("boy", "lad", "child", "youth"))
_LITTLE_RE = re.compile(rf"\b[Ll]ittle\s+({sp.NAME})")
# "No little Stangrove", "the little Lane boys": a family's children, no one child
_DETERMINER_RE = re.compile(r"\b(?:[Nn]o|[Tt]he|[Aa]n?|[Aa]ny|[Ee]very|[Ss]ome|[Oo]ne|[Tt]wo|[Tt]hree|[Ff]our)\s+$")


def children(ctx: Context) -> set[str]:
    """The characters the book calls "little Tom" three times or more, or "Master Tom"."""
    little: Counter[str] = Counter()
    for m in _LITTLE_RE.finditer(ctx.text):
        who = ctx.names.resolve(m.group(1))
        before = max(0, m.start() - th.LITTLE_DETERMINER_CHARS)
        if who is not None and not _DETERMINER_RE.search(ctx.text, before, m.start()):
            little[who] += 1
    out = {c for c, n in little.items() if n >= th.LITTLE_USES}
    return out | {c for c, titles in ctx.names.titles.items() if "Master" in titles}


# "said her companion": someone the owner is with, not a relation
PARTNERS = frozenset(("companion", "friend", "partner", "visitor", "guest", "host", "hostess", "neighbour", "neighbor"))


def partner(ctx: Context, t: int, skip: set[str], want: Gender | None) -> str | None:
    """The latest of the three speakers before turn t in its conversation who is not to be skipped."""
    b, n = ctx.place[t]
    block = ctx.blocks[b]
    for m in range(n - 1, max(-1, n - 1 - th.PARTNER_TURNS), -1):
        who = ctx.turns[block[m]].speaker
        fits = want is None or ctx.names.gender.get(who or "") == want
        if who is not None and who not in skip and who != NARRATOR and fits:
            return who
    return None


def voice_before(ctx: Context, t: int) -> str | None:
    """The speaker of the latest turn, a few back in the chapter, whose tag was a voice ("cried a voice")."""
    chapter = ctx.chapter_of(t)
    for u in range(t - 1, max(-1, t - th.VOICE_TURNS), -1):
        if ctx.chapter_of(u) != chapter:
            break
        turn = ctx.turns[u]
        if any(tag.kind == "np" and tag.value.lower().split()[-1] == "voice" for tag in turn.tags.values()):
            return turn.speaker if turn.speaker != NARRATOR else None
    return None

def gender_of(ctx: Context, t: int, tag: Tag, own: Gender | None, described: Descriptions) -> Gender | None:
    """The gender of the one a description means: its own ("the lady"), else the one the tag's sentence or the
    chapter's narration gives it ("said the stranger, with a sneer on his lips")."""
    if own is not None:
        return own
    want = told_gender(ctx, t, tag)
    if want is None:
        head = tag.value.split()[-1].lower()
        chapter = ctx.chapter_of(t)
        if (chapter, head) not in described.narrated:  # both passes ask: read the chapter once
            described.narrated[chapter, head] = narrated_gender(ctx, t, head)
        want = described.narrated[chapter, head]
    return want
