"""What the attributor notes about each turn before its rules run: whom the turn calls by name, speaks to or
talks about, and the action beat before it; the rules consult these through Context.fits."""

from __future__ import annotations

import re
from bisect import bisect_left

from audiobook.model import Gender
from audiobook.script.attribution import speech as sp
from audiobook.script.attribution import thresholds as th
from audiobook.script.attribution.rules import Context, possessor
from audiobook.script.attribution.tags import Turn

# "Bella, …", "…, Bella?", "my dear Bella", "—Bella—", "Bella dear,": a name called, not talked about.
_VOCATIVE_RE = re.compile(
    rf"(?:^[\"“'‘]|[,!?]\s+|(?:—|–|--)\s*|\b[Dd]ear\s+|^[\"“'‘](?:Oh|O|Ah),?\s+)({sp.NAME})"
    r"(?=(?:\s+(?:dear|darling|love))?\s*(?:[,.!?;]|—|–|--))"
)


# A quote within the quote ("Mrs. Long cried, 'Good day, Mrs. Kemp, …'"): whom it calls, the one quoted called.
# It takes the other marks than the quote around it: single inside double, double inside single (British style).
_NESTED_SINGLE_RE = re.compile(
    r"(?<=[\s—–-])['‘](?=[A-Z])(?:[^'‘’\"“”]|(?<=\w)['’](?=\w))*?[.!?,;:—–-]['’](?!\w)"
)
_NESTED_DOUBLE_RE = re.compile(r"(?<=[\s—–-])[\"“](?=[A-Z])[^\"“”]*?[.!?,;:—–-][\"”](?!\w)")


def _nested(ctx: Context, start: int, end: int) -> list[tuple[int, int]]:
    """Where the quote in text[start:end] quotes someone else: what is said there is theirs, not the speaker's."""
    inner = _NESTED_DOUBLE_RE if ctx.text[start : start + 1] in ("'", "‘") else _NESTED_SINGLE_RE
    return [m.span() for m in inner.finditer(ctx.text, start + 1, end)]


_TO_RE = re.compile(
    rf"\b(?:(?:said|says|replied|answered|cried|called|whispered|turned|turning|bent|bending|nodded|looked|looking|"
    rf"spoke|speaking)\s+(?:\w+ly\s+)?(?:to|towards|at)|addressing)\s+({sp.NAME})"
)


_DETERMINER_RE = re.compile(r"(?:[Aa]n?|[Tt]his|[Tt]hat)\s")


def _talked_of(ctx: Context, turn: Turn, nested: dict[int, list[tuple[int, int]]]) -> set[str]:
    """The characters a turn's quotes name, outside the quotes within them (`nested`, by segment): "Jane has told
    me…" is seldom said by Jane (though "Tom Reed himself" may be Tom answering: a few words name no one here)."""
    out: set[str] = set()
    for k in turn.dialogue:
        seg = ctx.segments[k]
        if len(ctx.text[seg.start : seg.end].split()) > th.ECHO_WORDS:
            lo, hi = bisect_left(ctx.quoted, (seg.start, "")), bisect_left(ctx.quoted, (seg.end, ""))
            # "I am only a Ferryman of no learning": a name after an article is a noun, not someone talked about.
            out.update(who for pos, who in ctx.quoted[lo:hi]
                       if not _DETERMINER_RE.match(ctx.text, pos) and not any(a <= pos < b for a, b in nested[k]))
    return out


def _spoken_to(ctx: Context, turn: Turn) -> set[str]:
    """Who the narration of the turn's paragraph says the speech is for (`Tom turned to Mary and said`), or its
    tag says is not the speaker (`said Mary's mother`)."""
    out: set[str] = set()
    for seg in ctx.narration_of(turn):
        for m in _TO_RE.finditer(ctx.text, seg.start, seg.end):
            who = ctx.names.resolve(sp.clean_name(m.group(1)))
            if who is not None:
                out.add(who)
    for tag in turn.tags.values():
        owner = possessor(tag)
        who = ctx.names.resolve(owner) if owner is not None else None
        if who is not None:
            out.add(who)  # "said Tom's sister" is not Tom
    return out


_BEAT_RE = re.compile(r"(?:^|[.!?;]\s+)\W*(?:(He)|(She))\s+(?!(?:said|says|asked|replied|answered)\b)[a-z]")


def _beat(ctx: Context, turn: Turn) -> Gender | None:
    """The gender of a pronoun opening the narration before an untagged turn's first quote: `She smiled. "Yes."`.

    Narration after a quote is as often the listener's answer to it (`"Why?" She did not answer.`).
    """
    k = turn.dialogue[0]
    if k == 0 or ctx.segments[k - 1].paragraph != turn.paragraphs[0]:
        return None
    seg = ctx.segments[k - 1]
    m = _BEAT_RE.search(ctx.text[seg.start : seg.end].lstrip())
    return None if m is None else "male" if m.group(1) else "female"


def _family_form(ctx: Context, name: str) -> bool:
    """Whether a name is a title and a family name several characters carry ("Miss Kemp", "Mr. Ashdown")."""
    _key, title, rest = sp.split_name(name)
    if title is None or len(rest) != 1:
        return False
    return ctx.names.bearers[rest[0]] > 1


def _family_member(ctx: Context, turn: Turn, word: str) -> str | None:
    """Which of a family's bearers of a title "Miss Kemp" calls: the one of them the chapter named last before the
    speech (not the cast's holder of the alias, the eldest, when she is not the one at hand)."""
    _k, title, parts = sp.split_name(word)
    if title is None:
        return None
    t = title.rstrip(".")
    want = sp.title_gender(title)
    fam = {c for c, f in ctx.names.family.items() if parts[-1] in f and ctx.names.gender.get(c) == want
           and t in ctx.names.titles.get(c, ())}
    if len(fam) < 2:
        return None
    start = ctx.start(turn)
    chapter = ctx.chapter_at(start)
    for pos, who in reversed(ctx.mentions_between(max(0, start - th.FAMILY_CALL_CHARS), start)):
        if ctx.chapter_at(pos) != chapter:
            break
        if who in fam:
            return who
    return None


def find_vocatives(ctx: Context) -> None:
    """Fill ctx.vocatives (the characters each turn's quotes call by name, "Bella, come here") and ctx.hand_over."""
    present: dict[int, set[str]] = {}  # chapter -> the characters its narration names
    for pos, named in ctx.mentions:
        present.setdefault(ctx.chapter_at(pos), set()).add(named)
    for turn in ctx.turns:
        nested = {k: _nested(ctx, ctx.segments[k].start, ctx.segments[k].end) for k in turn.dialogue}
        addressed, opening, later = _calls(ctx, turn, nested, present)
        addressed.update(_spoken_to(ctx, turn))
        ctx.vocatives.append(addressed)
        ctx.hand_over.append(addressed - (opening - later))
        ctx.beats.append(None if turn.tags else _beat(ctx, turn))
        ctx.talked_of.append(_talked_of(ctx, turn, nested))
    for b, block in enumerate(ctx.blocks):
        for n, t in enumerate(block):
            ctx.place[t] = (b, n)


def _calls(
    ctx: Context, turn: Turn, nested: dict[int, list[tuple[int, int]]], present: dict[int, set[str]]
) -> tuple[set[str], set[str], set[str]]:
    """The characters a turn's quotes (outside the quotes within them) call by name; and the characters named where
    a quote opens, and later in it.

    A name that ends a quote ("…, Bella?") is followed by that one's answer nine times in ten (PDNC); one that only
    opens it ("Bella, …") calls to attention, and is answered about half the time.
    """
    addressed: set[str] = set()
    opening: set[str] = set()
    later: set[str] = set()
    for k in turn.dialogue:
        seg = ctx.segments[k]
        for m in _VOCATIVE_RE.finditer(ctx.text[seg.start : seg.end]):
            if any(a <= seg.start + m.start(1) < b for a, b in nested[k]):
                continue
            word = sp.clean_name(m.group(1))
            called = ctx.names.resolve(word)
            if called is not None:
                (opening if m.start(1) <= th.OPENING_CALL_CHARS else later).add(called)
            who = _addressee(ctx, turn, word, called, present.get(seg.chapter, set()))
            if who is not None:
                addressed.add(who)
    return addressed, opening, later


def _addressee(ctx: Context, turn: Turn, word: str, called: str | None, present: set[str]) -> str | None:
    """Whom a name called in a turn addresses: `called`, the character it resolves to, unless it is a form of address
    or a full name; the family member at hand for a family's title and name (`present`: whom the chapter names)."""
    if called is None or word in sp.NOT_NAMES or word.rstrip(".") in sp.TITLES:
        return None  # "Yes, Madam": a form of address, whoever the cast lists as "Madam"
    _k, title, parts = sp.split_name(word)
    if title is None and len(parts) > 1:
        return None  # "for example, Teddy Ashcombe.": one is called "Teddy", not by a full name
    if not _family_form(ctx, word):
        return called
    # "Miss Kemp" said to the younger sister, with the elder miles away: a family's title and name may call any of
    # them, so it names the cast's "Miss Kemp" only if the chapter's narration names her too.
    who = _family_member(ctx, turn, word) or called
    return who if who in present else None
