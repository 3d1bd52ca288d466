"""The sieve rules of the attributor and what they share: each fills turns that earlier rules left without a speaker."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from audiobook.model import Gender, Segment
from audiobook.script.attribution import speech as sp
from audiobook.script.attribution import thresholds as th
from audiobook.script.attribution.tags import Tag, Turn, narration_of

NARRATOR = "\x00narrator"  # a first-person "I said": a turn of its own, no cast name


@dataclass
class Context:
    """What every sieve rule may read: the text, segments, turns, names and the mentions of names."""

    text: str
    segments: list[Segment]
    turns: list[Turn]
    blocks: list[list[int]]  # runs of turn indices not broken by pure narration
    names: sp.Names
    mentions: list[tuple[int, str]]  # (offset, speaker) of names in narration, in order
    quoted: list[tuple[int, str]]  # (offset, speaker) of names inside quotes, in order
    narrator: str = NARRATOR  # who "I" is in a first-person book, when the text tells
    vocatives: list[set[str]] = field(default_factory=list)  # per turn: the characters it addresses
    hand_over: list[set[str]] = field(default_factory=list)  # per turn: those addressed not only as it opens
    beats: list[Gender | None] = field(default_factory=list)  # per untagged turn: "She smiled." in its paragraph
    talked_of: list[set[str]] = field(default_factory=list)  # per turn: the characters its quotes talk about by name
    place: dict[int, tuple[int, int]] = field(default_factory=dict)  # turn -> (block, index in block)
    starts: list[int] = field(init=False)  # where each segment begins, for finding a position's chapter

    def __post_init__(self) -> None:
        self.starts = [seg.start for seg in self.segments]

    def chapter_at(self, pos: int) -> int:
        """The chapter of the segment holding text offset pos."""
        return self.segments[bisect_right(self.starts, pos) - 1].chapter

    def start(self, turn: Turn) -> int:
        """Where the turn's first quote begins."""
        return self.segments[turn.dialogue[0]].start

    def chapter_of(self, t: int) -> int:
        """The chapter of turn t."""
        return self.segments[self.turns[t].dialogue[0]].chapter

    def mentions_between(self, start: int, end: int) -> list[tuple[int, str]]:
        """The narration mentions in text[start:end], in order."""
        lo = bisect_left(self.mentions, (start, ""))
        hi = bisect_left(self.mentions, (end, ""))
        return self.mentions[lo:hi]

    def named_after(self, t: int, span: int = th.NAMED_AFTER_CHARS, chapters: int = 1) -> list[str]:
        """The characters the narration names in the `span` characters after turn t's first quote, in its chapter (or
        in as many chapters from it)."""
        k = self.turns[t].dialogue[0]
        start, chapter = self.segments[k].start, self.segments[k].chapter
        end = start
        while k < len(self.segments) and self.segments[k].chapter < chapter + chapters and end < start + span:
            end = self.segments[k].end
            k += 1
        return [who for _pos, who in self.mentions_between(start, end)]

    def narration_of(self, turn: Turn) -> list[Segment]:
        """The narration of the paragraph a turn opens in: `Tom turned to Mary and said, "…"`."""
        return narration_of(self.segments, turn)

    def fits(self, t: int, who: str) -> bool:
        """Whether `who` may speak turn t: not one it addresses or talks about by name, nor of another gender than
        its action beat."""
        beat = self.beats[t]
        return (who not in self.vocatives[t] and who not in self.talked_of[t]
                and (beat is None or self.names.gender.get(who) in (None, beat)))

    def chapter_segments(self, t: int) -> range:
        """The indices of the segments of turn t's chapter."""
        k = self.turns[t].dialogue[0]
        chapter = self.segments[k].chapter
        lo = hi = k
        while lo > 0 and self.segments[lo - 1].chapter == chapter:
            lo -= 1
        while hi + 1 < len(self.segments) and self.segments[hi + 1].chapter == chapter:
            hi += 1
        return range(lo, hi + 1)

    def tagged_around(self, t: int) -> set[str]:
        """The speakers named by a tag in the turns just before and after turn t in its conversation."""
        b, n = self.place[t]
        block = self.blocks[b]
        return {
            s for m in (n - 1, n + 1)
            if 0 <= m < len(block) and (s := self.turns[block[m]].speaker) is not None
            and self.turns[block[m]].evidence == "explicit"
        }

    def previous(self, t: int) -> str | None:
        """The speaker of the turn just before turn t in its conversation."""
        b, n = self.place[t]
        return self.turns[self.blocks[b][n - 1]].speaker if n > 0 else None


def touch(recent: list[str], who: str) -> None:
    """Put `who` first in the list of characters named or heard lately."""
    if recent and recent[0] == who:
        return
    if who in recent:
        recent.remove(who)
    recent.insert(0, who)
    del recent[th.RECENT_CHARACTERS :]


def rule_explicit(ctx: Context) -> None:
    """A named tag ("said Arabella", "Mr. Royce replied", a cast alias) gives the speaker."""
    for turn in ctx.turns:
        found = {k: who for k, tag in turn.tags.items() if (who := _named_by(ctx, tag)) is not None}
        if not found:
            continue
        first = found[min(found)]
        if len(set(found.values())) > 1 and len(turn.paragraphs) == 1:
            turn.own = found  # "…," said A. "…," said B.: each quote keeps its own tag
        turn.speaker, turn.evidence = first, "explicit"


def _named_by(ctx: Context, tag: Tag) -> str | None:
    """The character a tag names: by name, by a cast alias, or by a qualified description the cast lists."""
    who = ctx.names.resolve(tag.value) if tag.kind == "name" else None
    if tag.longer:
        who = ctx.names.lookup(tag.longer) or _qualified(ctx, tag)  # "the gentleman in the white waistcoat"
    if who is None and tag.kind == "np" and possessor(tag) is not None:
        who = ctx.names.lookup(tag.value)  # "said the cook's boy": a cast alias, else someone's kin
    elif who is None and tag.kind == "np" and not descriptive(tag):
        who = ctx.names.resolve(tag.value)  # "said the constable", a cast alias
    return who


def _qualified(ctx: Context, tag: Tag) -> str | None:
    """`added the surly one in the white waistcoat`: the one cast entry whose name ends with the tag's qualifier."""
    qualifier = tag.longer[len(tag.value) :].strip().casefold()
    if len(qualifier.split()) < th.QUALIFIER_WORDS:
        return None
    owners = {who for name, who in ctx.names.folded.items() if name.endswith(" " + qualifier)}
    return owners.pop() if len(owners) == 1 else None


def possessor(tag: Tag) -> str | None:
    """Whose someone a tag names: "Mr. Hale" in "Mr. Hale's good lady", "the miller" in "the miller's wife"."""
    m = _POSSESSED_RE.match(tag.value) if tag.kind == "np" else None
    return m.group(1) if m is not None else None


_POSSESSED_RE = re.compile(r"(.+?)['’]s\s")


def descriptive(tag: Tag) -> bool:
    """A noun phrase several characters may answer to: "the old man", "her sister", "the count"."""
    head = tag.value.split()[-1]
    return head.lower() in sp.PERSON_NOUNS or head.capitalize() in sp.TITLES


def rule_alternation(ctx: Context, blocks: list[list[int]] | None = None) -> None:
    """In a back-and-forth, an untagged turn has the speaker of the turn two before (or after) it."""
    for block in ctx.blocks if blocks is None else blocks:
        changed = True
        while changed:
            changed = False
            for n, t in enumerate(block):
                turn = ctx.turns[t]
                if turn.speaker is not None:
                    continue
                for a, b in ((n - 2, n - 1), (n + 2, n + 1)):
                    if 0 <= a < len(block) and 0 <= b < len(block):
                        two, one = ctx.turns[block[a]].speaker, ctx.turns[block[b]].speaker
                        if two is not None and two != one and ctx.fits(t, two):
                            turn.speaker, turn.evidence = two, "alternation"
                            changed = True
                            break


def rule_vocative(ctx: Context) -> None:
    """An untagged reply to a quote that calls one character by name ("Bella, …"): that character."""
    for block in ctx.blocks:
        for n in range(1, len(block)):
            turn, prev = ctx.turns[block[n]], ctx.turns[block[n - 1]]
            called = ctx.hand_over[block[n - 1]] - ctx.vocatives[block[n]]
            if turn.speaker is None and len(called) == 1 and prev.speaker not in called and ctx.fits(block[n], *called):
                turn.speaker, turn.evidence = next(iter(called)), "vocative"


def _recency(ctx: Context) -> list[list[str]]:
    """For each turn, the characters named or heard most recently before it, latest first."""
    recent: list[str] = []
    out: list[list[str]] = []
    mi = 0
    opens: dict[int, int] = {}
    for seg in ctx.segments:
        opens.setdefault(seg.chapter, seg.start)
    chapter = 0
    for turn in ctx.turns:
        pos = ctx.start(turn)
        if ctx.segments[turn.dialogue[0]].chapter != chapter:
            chapter = ctx.segments[turn.dialogue[0]].chapter
            recent = []  # a new chapter opens a new scene
            while mi < len(ctx.mentions) and ctx.mentions[mi][0] < opens[chapter]:
                mi += 1
        while mi < len(ctx.mentions) and ctx.mentions[mi][0] < pos:
            touch(recent, ctx.mentions[mi][1])
            mi += 1
        out.append(list(recent))
        if turn.speaker is not None and turn.speaker != NARRATOR:
            touch(recent, turn.speaker)
    return out


def rule_conversation(ctx: Context, blocks: list[list[int]] | None = None) -> None:
    """A two-party exchange: an untagged turn next to a known one belongs to the other participant.

    With only one participant known, the other is the one the known speaker calls by
    name, else the latest other character named before the exchange.
    """
    recency = _recency(ctx)
    for block in ctx.blocks if blocks is None else blocks:
        pair = _pair(ctx, block, recency[block[0]])
        if pair is not None:
            a, b = pair
            _alternate(ctx, block, {a: b, b: a})


def _pair(ctx: Context, block: list[int], recent: list[str]) -> tuple[str, str] | None:
    """The two people of a conversation some of whose turns lack a speaker, when its known speakers are one or two."""
    speakers = {s for t in block if (s := ctx.turns[t].speaker) is not None and s != NARRATOR}
    if len(speakers) not in (1, 2) or all(ctx.turns[t].speaker for t in block):
        return None
    if len(speakers) == 1:
        (one,) = speakers
        partner = _partner(ctx, block, one, recent)
        if partner is None:
            return None
        speakers.add(partner)
    a, b = sorted(speakers)
    return a, b


def _alternate(ctx: Context, block: list[int], other: dict[str, str]) -> None:
    """Give each untagged turn of the block the other one of the pair than a known neighbour, until none is left."""
    changed = True
    while changed:
        changed = False
        for n, t in enumerate(block):
            turn = ctx.turns[t]
            if turn.speaker is not None:
                continue
            for m in (n - 1, n + 1):
                near = ctx.turns[block[m]].speaker if 0 <= m < len(block) else None
                answer = other.get(near) if near is not None else None
                if answer is not None and ctx.fits(t, answer):
                    turn.speaker, turn.evidence = answer, "alternation"
                    changed = True
                    break


def _partner(ctx: Context, block: list[int], one: str, recent: list[str]) -> str | None:
    called: dict[str, int] = {}
    for t in block:
        if ctx.turns[t].speaker == one:
            for who in sorted(ctx.vocatives[t]):  # sorted: a set's order varies from run to run
                if who != one:
                    called[who] = called.get(who, 0) + 1
    if called:
        return max(called, key=lambda w: called[w])
    if ctx.narrator != NARRATOR and ctx.narrator != one:
        return ctx.narrator  # a first-person narrator is in most of the book's conversations
    # Someone the narration within the exchange names is at hand: "…," said Rufus. Nina laughed. "…"
    start = ctx.start(ctx.turns[block[0]])
    end = ctx.segments[ctx.turns[block[-1]].dialogue[-1]].end
    inside = [w for _p, w in ctx.mentions_between(start, end) if w != one]
    if inside:
        return inside[0]
    return next((c for c in recent if c != one), None)


def rule_paragraph(ctx: Context) -> None:
    """An untagged quote whose paragraph's narration names one character: that character."""
    for t, turn in enumerate(ctx.turns):
        if turn.speaker is not None:
            continue
        who: set[str] = set()
        for seg in ctx.narration_of(turn):
            for m in sp.CAPSEQ_RE.finditer(ctx.text, seg.start, seg.end):
                s = ctx.names.resolve(m.group())
                if s is not None:
                    who.add(s)
        who -= ctx.vocatives[t]  # `Tom turned to Mary: "…"`, `said Mary's mother`: not Mary
        if len(who) == 1:
            turn.speaker, turn.evidence = who.pop(), "paragraph"


def rule_lead(ctx: Context) -> None:
    """An untagged turn opening a conversation: the character the narration just before it is about."""
    for block in ctx.blocks:
        turn = ctx.turns[block[0]]
        if turn.speaker is not None or turn.tags:
            continue  # a tag no rule could place ("said a man") names someone new
        pick = _lead_subject(ctx, block[0])
        if pick is not None and ctx.fits(block[0], pick):
            turn.speaker, turn.evidence = pick, "lead"


def _lead_subject(ctx: Context, t: int) -> str | None:
    """The subject of the last sentence of the paragraph of pure narration before turn t (its first name), else the
    last one it names; but the one who spoke before, when that sentence has the other answer without words."""
    para = _narration_before(ctx, ctx.turns[t])
    if para is None:
        return None
    start, end = para[0].start, para[-1].end
    last = start
    for m in sp.SENTENCE_START_RE.finditer(ctx.text, start, end - 1):
        last = m.end()
    who = [w for pos, w in ctx.mentions_between(start, end)]
    late = [w for pos, w in ctx.mentions_between(last, end)]
    said = _spoke_on(ctx, t, last, end, late)
    if said is not None:
        return said
    return late[0] if late else (who[-1] if who else None)


def _narration_before(ctx: Context, turn: Turn) -> list[Segment] | None:
    """The segments of the paragraph before a turn's, when it is narration alone."""
    k = turn.dialogue[0]
    while k > 0 and ctx.segments[k - 1].paragraph == turn.paragraphs[0]:
        k -= 1
    if k == 0 or ctx.segments[k - 1].kind != "narration":
        return None
    prev = ctx.segments[k - 1]
    para = [s for s in ctx.segments[max(0, k - th.LEAD_SEGMENTS) : k] if s.paragraph == prev.paragraph]
    return None if any(s.kind == "dialogue" for s in para) else para


def _spoke_on(ctx: Context, t: int, last: int, end: int, late: list[str]) -> str | None:
    """`"…a house in the town, I suppose?" Tom bowed. "I once thought of one myself…"`: the one who answers without
    words (the last sentence, text[last:end]) was spoken to, and the one who spoke goes on."""
    silent = _SILENT_RE.match(ctx.text, last, end)
    said = ctx.turns[t - 1].speaker if silent is not None and t > 0 else None
    if silent is None or said is None:
        return None
    pronoun = {"He": "male", "She": "female"}.get(silent.group(1))
    if pronoun is not None:
        return None if ctx.names.gender.get(said) == pronoun else said  # "He made no answer" after his own line
    return None if late and said == late[0] else said


_SILENT_RE = re.compile(
    rf"({sp.NAME}|He|She)\s+(?:only\s+|merely\s+|again\s+|silently\s+)?(?:bowed|assented|shook\s+(?:his|her)"
    r"\s+head|made\s+no\s+(?:answer|reply)|said\s+nothing|was\s+silent|did\s+not\s+(?:answer|reply))\b"
)


def rule_recency(ctx: Context) -> None:
    """An untagged turn no other rule could place: the latest character named or heard, not the one who just spoke."""
    recency = _recency(ctx)
    for t, turn in enumerate(ctx.turns):
        if turn.speaker is None and not turn.tags:  # a tag no rule could place ("said a man") is someone new
            prev = ctx.previous(t)
            who = next((c for c in recency[t] if c != prev and ctx.fits(t, c)), None)
            if who is None:  # no one named yet in the chapter: the first named just after, not the next speaker
                answer = ctx.turns[t + 1].speaker if t + 1 < len(ctx.turns) else None
                who = next((c for c in ctx.named_after(t) if c not in (prev, answer) and ctx.fits(t, c)), None)
            if who is not None:
                turn.speaker, turn.evidence = who, "recency"


def rule_bridge(ctx: Context) -> None:
    """A conversation paused by a short stretch of narration goes on between the same people."""
    merged: list[list[int]] = []
    end = -1
    for block in ctx.blocks:
        first = ctx.turns[block[0]].dialogue[0]
        gap = sum(s.end - s.start for s in ctx.segments[end + 1 : first] if s.kind == "narration")
        if merged and ctx.segments[end].chapter == ctx.segments[first].chapter and gap <= th.BRIDGE_CHARS:
            merged[-1].extend(block)
        else:
            merged.append(list(block))
        end = ctx.turns[block[-1]].dialogue[-1]
    rule_alternation(ctx, merged)
    rule_conversation(ctx, merged)
