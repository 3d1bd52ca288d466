"""Whom a description means when no one at hand answers to it: the newcomer the chapter names next, or the one
character the book's uses of it mean ("the old gentleman" of the book)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from audiobook.model import Gender
from audiobook.script.attribution import speech as sp
from audiobook.script.attribution import thresholds as th
from audiobook.script.attribution.kin import KIN
from audiobook.script.attribution.rules import Context


@dataclass
class Descriptions:
    """What a pass knows of the descriptions: where the book first names each character (a cast alias that is a
    description is its holder's until then), and whom each description means (none yet: the first pass notes
    each use)."""

    first_named: dict[str, int]  # character -> where the narration first calls them by name
    first_heard: dict[str, int]  # character -> where the text, quotes too, first calls them by name
    votes: dict[str, Counter[str]] | None = None  # description -> how often each character is meant
    uses: list[tuple[str, str]] = field(default_factory=list)  # first pass: (description, likeliest referent)
    children: set[str] = field(default_factory=set)  # the characters the book calls "little Tom" or "Master Tom"
    chapter_heard: dict[tuple[int, str], int] = field(default_factory=dict)  # (chapter, character) -> first named
    narrated: dict[tuple[int, str], Gender | None] = field(default_factory=dict)  # (chapter, noun) -> its gender
    # cast role ("The Clergyman") -> named character at hand where a tag names the role -> the chapter of each use
    epithets: dict[str, dict[str, list[int]]] = field(default_factory=dict)


def epithet_holder(uses: dict[str, list[int]]) -> str | None:
    """The named character a cast role's tags mostly find at hand (three uses in five at least, three or more, in
    two chapters or more): the book's "clergyman" is its Mr. Hale, one scene's unnamed surgeon is not the patient."""
    if not uses:
        return None
    top = max(uses, key=lambda who: len(uses[who]))
    n = len(uses[top])
    if (n >= th.EPITHET_USES and n >= th.EPITHET_SHARE * sum(map(len, uses.values()))
            and len(set(uses[top])) >= th.EPITHET_CHAPTERS):
        return top
    return None


def _intro_re(head: str) -> re.Pattern[str]:
    """Someone brought in by the noun: "a boy", "a tall boy", "a grey-haired, stooping gentleman"."""
    return re.compile(rf"\b(?:[Aa]n?|[Aa]nother)\s+(?:[\w-]+,?\s+){{0,{th.INTRO_WORDS}}}?{re.escape(head)}\b")


def _introduced(ctx: Context, t: int, head: str) -> bool:
    """Whether the narration just before turn t brings someone in as "a boy", "a gentleman" (the description's
    head), not as "Tom, a boy of ten," nor "was a boy"."""
    intro = _intro_re(head)
    k = ctx.turns[t].dialogue[0]
    start, chapter = ctx.segments[k].start, ctx.segments[k].chapter
    while k > 0 and ctx.segments[k - 1].chapter == chapter and ctx.segments[k - 1].end > start - th.INTRO_CHARS:
        k -= 1
        seg = ctx.segments[k]
        if seg.kind == "narration":
            for m in intro.finditer(ctx.text, seg.start, seg.end):
                if not _BE_RE.search(ctx.text, max(seg.start, m.start() - th.BE_CHARS), m.start()):
                    return True
    return False


_BE_RE = re.compile(r"(?:,|\b(?:was|is|were|be|been|like|as))\s*$")
_UNKNOWN = frozenset(("stranger", "newcomer", "new-comer"))  # someone the book has yet to name


def newcomer(
    ctx: Context, t: int, head: str, want: Gender | None, skip: set[str], cands: list[str],
    votes: Counter[str] | None, described: Descriptions,
) -> str | None:
    """`"Lost your way?" said the young gentleman.` with Jack not yet named, not even in a quote: the
    first character of the description's gender the book (or the chapter: Jack was in an earlier one) names soon
    after, unheard of until then; unless the description has meant someone at hand more often ("the old
    gentleman" of the chapters before), or the book's uses of it mean another."""
    if want is None or head in KIN:
        return None  # "the astonished father" is someone's, not a newcomer
    fresh = _named_new(ctx, t, head, want, skip, described)
    if fresh is None or (votes and max(votes[c] for c in cands) > votes[fresh]):
        return None
    return fresh


def _named_new(ctx: Context, t: int, head: str, want: Gender, skip: set[str], described: Descriptions) -> str | None:
    """The first character of that gender the narration names soon after turn t, not named by then."""
    # Someone just come in ("a boy of ten stumbled in") may be named only in the next chapter; "the stranger" is
    # someone the book names later, however late.
    chapters = th.NEWCOMER_CHAPTERS if _introduced(ctx, t, head) or head in _UNKNOWN else 1
    span = len(ctx.text) if head in _UNKNOWN else th.NEWCOMER_CHARS
    return next((c for c in ctx.named_after(t, span, chapters) if c not in skip and c != ctx.narrator
                 and ctx.names.gender.get(c) == want and _new_here(ctx, t, c, described)), None)


def brought_in(ctx: Context, t: int, who: str, described: Descriptions) -> bool:
    """Whether the book has named `who` by turn t, or names them in turn t's chapter or the next."""
    chapter = ctx.chapter_of(t)
    return described.first_heard.get(who, len(ctx.text)) < ctx.start(ctx.turns[t]) or any(
        (c, who) in described.chapter_heard for c in (chapter, chapter + 1))


def _new_here(ctx: Context, t: int, who: str, described: Descriptions) -> bool:
    """Whether the book, or at least turn t's chapter, has not yet named `who` (narration or quotes) by turn t."""
    start = ctx.start(ctx.turns[t])
    chapter = ctx.chapter_of(t)
    return described.first_heard.get(who, -1) > start or described.chapter_heard.get((chapter, who), -1) > start


def chapter_heard(ctx: Context) -> dict[tuple[int, str], int]:
    """Where each chapter first names each character, narration or quotes."""
    out: dict[tuple[int, str], int] = {}
    for at, name in sorted(ctx.mentions + ctx.quoted):
        out.setdefault((ctx.chapter_at(at), name), at)
    return out


def first_named(ctx: Context) -> dict[str, int]:
    """Where the narration first calls each character by name (not by a description, "a stout man")."""
    out: dict[str, int] = {}
    for at, name in ctx.mentions:
        m = sp.CAPSEQ_RE.match(ctx.text, at)
        if name not in out and m is not None and ctx.names.resolve(m.group()) == name:
            out[name] = at
    return out


def first_heard(ctx: Context, named: dict[str, int]) -> dict[str, int]:
    """Where the text, narration or quotes, first calls each character by name."""
    out = dict(named)
    for at, name in reversed(ctx.quoted):
        if at < out.get(name, at + 1):
            out[name] = at
    return out


def ahead(ctx: Context, t: int, want: Gender | None, skip: set[str]) -> str | None:
    """No one at hand fits: the first fitting character the chapter names after the quote, however far on.

    `"…," said the old gentleman. Mr. Hale took off his hat.`
    """
    for who in ctx.named_after(t, len(ctx.text)):
        if who not in skip and who != ctx.narrator and (want is None or ctx.names.gender.get(who) == want):
            return who
    return None
