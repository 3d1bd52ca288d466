"""Attribute each dialogue segment to a speaker with rules that run on a CPU."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from audiobook import _speech as sp
from audiobook.model import Character, Gender, Segment

_CLOSERS = "\"”'’"
_NARRATOR = "\x00narrator"  # a first-person "I said": a turn of its own, no cast name
_PRONOUN_GENDER: dict[str, Gender] = {"he": "male", "she": "female"}


@dataclass
class _Tag:
    """A speech tag next to a quote: a name, a pronoun, or a noun phrase."""

    kind: str  # "name" | "pron" | "np"
    value: str


@dataclass
class _Turn:
    """One speech: the dialogue of a paragraph, or of a quote running over several."""

    paragraphs: list[int]
    dialogue: list[int]  # indices into the segment list
    tags: dict[int, _Tag] = field(default_factory=dict)
    speaker: str | None = None
    evidence: str | None = None
    own: dict[int, str] = field(default_factory=dict)  # per-quote speakers if tags disagree


@dataclass
class _Context:
    """What every sieve rule may read: the text, segments, turns, names and narration mentions."""

    text: str
    segments: list[Segment]
    turns: list[_Turn]
    blocks: list[list[int]]  # runs of turn indices not broken by pure narration
    names: sp.Names
    mentions: list[tuple[int, str]]  # (offset, speaker) of names in narration, in order
    narrator: str = _NARRATOR  # who "I" is in a first-person book, when the text tells


def _find_tag(text: str, seg: Segment, before: Segment | None, after: Segment | None) -> _Tag | None:
    """The speech tag adjacent to one quote, looking after it first, then before it."""
    if after is not None and after.kind == "narration":
        chunk = text[after.start : min(after.end, after.start + 160)]
        for rx in (sp.VERB_FIRST_RE, sp.SUBJECT_FIRST_RE):
            m = rx.match(chunk)
            if m is not None:
                return _tag_of(m)
    if before is not None and before.kind == "narration":
        chunk = text[max(before.start, before.end - 300) : before.end].rstrip()
        if chunk[-1:] not in ".!?":
            return _tag_before(chunk)
    return None


def _tag_before(chunk: str) -> _Tag | None:
    """The tag in the last sentence before a quote: `Mr. Darcy, drawing near, said to her,`."""
    sentence = chunk
    for m in sp.SENTENCE_START_RE.finditer(chunk):
        sentence = chunk[m.end() :]
    best: re.Match[str] | None = None
    for rx in (sp.BEFORE_SUBJECT_RE, sp.BEFORE_VERB_RE):
        for m in rx.finditer(sentence):
            if best is None or m.start() > best.start():
                best = m
    if best is not None and (tag := _tag_of(best)) is not None:
        return tag
    if sp.VERB_WORD_RE.search(sentence) is None:
        return None
    # The speech verb's subject is most often the sentence's first name or pronoun.
    for m in sp.SUBJECT_ANY_RE.finditer(sentence):
        tag = _tag_of(m)
        if tag is not None:
            return tag
    return None


def _tag_of(m: re.Match[str]) -> _Tag | None:
    if m.group("name"):
        name = sp.clean_name(m.group("name"))
        if sp.split_name(name)[2]:
            return _Tag("name", name)
        return None
    if m.groupdict().get("pron"):
        return _Tag("pron", m.group("pron").lower())
    if m.groupdict().get("np"):
        return _Tag("np", m.group("np"))
    return None


def _build_turns(text: str, segs: list[Segment]) -> tuple[list[_Turn], list[list[int]]]:
    """Group dialogue into turns (joining multi-paragraph quotes) and turns into conversations."""
    turns: list[_Turn] = []
    blocks: list[list[int]] = [[]]
    i = 0
    open_quote = False
    while i < len(segs):
        j = i
        while j < len(segs) and segs[j].paragraph == segs[i].paragraph:
            j += 1
        dialogue = [k for k in range(i, j) if segs[k].kind == "dialogue"]
        if not dialogue:
            if blocks[-1]:
                blocks.append([])
            open_quote = False
        else:
            starts_with_quote = dialogue[0] == i
            if open_quote and starts_with_quote and turns:
                turns[-1].paragraphs.append(segs[i].paragraph)
                turns[-1].dialogue.extend(dialogue)
            else:
                turns.append(_Turn([segs[i].paragraph], dialogue))
                blocks[-1].append(len(turns) - 1)
            last = segs[dialogue[-1]]
            # A speech runs on when its last quote ends the paragraph without a closing mark.
            open_quote = last is segs[j - 1] and text[last.end - 1] not in _CLOSERS
            for k in dialogue:
                before = segs[k - 1] if k > i else None
                if before is None and k > 0 and segs[k - 1].kind == "narration":
                    # An introduction ending the previous paragraph: `Mr. Bennet observed,`.
                    tail = text[segs[k - 1].end - 1]
                    before = segs[k - 1] if tail in ",:—–-" else None
                tag = _find_tag(text, segs[k], before, segs[k + 1] if k + 1 < j else None)
                if tag is not None:
                    turns[-1].tags[k] = tag
        i = j
    return turns, [b for b in blocks if b]


def _resolve_tag(ctx: _Context, tag: _Tag) -> str | None:
    if tag.kind == "name":
        return ctx.names.resolve(tag.value)
    if tag.kind == "np":
        return ctx.names.resolve(tag.value) if ctx.names.folded else None
    return None


def _rule_explicit(ctx: _Context) -> None:
    """A named tag ("said Elizabeth", "Mr. Darcy replied") gives the speaker."""
    for turn in ctx.turns:
        found = {k: s for k, t in turn.tags.items() if (s := _resolve_tag(ctx, t)) is not None}
        if not found:
            continue
        first = found[min(found)]
        if len(set(found.values())) > 1 and len(turn.paragraphs) == 1:
            turn.own = found  # "…," said A. "…," said B.: each quote keeps its own tag
        turn.speaker, turn.evidence = first, "explicit"


def _rule_pronoun(ctx: _Context) -> None:
    """"said he" / "she replied": the latest named character of that gender before the quote."""
    last: dict[Gender | None, str] = {}
    mi = 0
    for turn in ctx.turns:
        pos = ctx.segments[turn.dialogue[0]].start
        while mi < len(ctx.mentions) and ctx.mentions[mi][0] < pos:
            who = ctx.mentions[mi][1]
            last[ctx.names.gender.get(who)] = who
            mi += 1
        if turn.speaker is None and turn.tags:
            tag = turn.tags[min(turn.tags)]
            if tag.kind == "pron" and tag.value == "i":
                turn.speaker, turn.evidence = ctx.narrator, "pronoun"
            elif tag.kind == "pron" and tag.value in _PRONOUN_GENDER:
                latest = last.get(_PRONOUN_GENDER[tag.value])
                if latest is not None:
                    turn.speaker, turn.evidence = latest, "pronoun"
        if turn.speaker is not None and turn.speaker != _NARRATOR:
            last[ctx.names.gender.get(turn.speaker)] = turn.speaker


def _rule_alternation(ctx: _Context) -> None:
    """In a back-and-forth, an untagged turn has the speaker of the turn two before (or after) it."""
    for block in ctx.blocks:
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
                        if two is not None and two != one:
                            turn.speaker, turn.evidence = two, "alternation"
                            changed = True
                            break


def _rule_paragraph(ctx: _Context) -> None:
    """An untagged quote whose paragraph's narration names one character: that character."""
    for turn in ctx.turns:
        if turn.speaker is not None:
            continue
        para = turn.paragraphs[0]
        who: set[str] = set()
        first = turn.dialogue[0]
        k = first
        while k > 0 and ctx.segments[k - 1].paragraph == para:
            k -= 1
        while k < len(ctx.segments) and ctx.segments[k].paragraph == para:
            seg = ctx.segments[k]
            if seg.kind == "narration":
                for m in sp.CAPSEQ_RE.finditer(ctx.text, seg.start, seg.end):
                    s = ctx.names.resolve(m.group())
                    if s is not None:
                        who.add(s)
            k += 1
        if len(who) == 1:
            turn.speaker, turn.evidence = who.pop(), "paragraph"


# The sieve: each rule only fills turns that earlier rules left without a speaker.
RULES: tuple[Callable[[_Context], None], ...] = (_rule_explicit, _rule_pronoun, _rule_alternation, _rule_paragraph)


def _mentions(text: str, segs: list[Segment], names: sp.Names) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    for seg in segs:
        if seg.kind == "narration":
            for m in sp.CAPSEQ_RE.finditer(text, seg.start, seg.end):
                who = names.resolve(m.group())
                if who is not None:
                    out.append((m.start(), who))
    return out


def _guess_genders(text: str, names: sp.Names, mentions: list[tuple[int, str]]) -> None:
    """Discovery mode: a character's gender is the pronoun that most often follows its name."""
    votes: dict[str, list[int]] = {}
    for pos, who in mentions:
        m = sp.PRONOUN_GENDER_RE.search(text, pos, min(len(text), pos + 120))
        if m is not None:
            v = votes.setdefault(who, [0, 0])
            v[0 if m.group(1) else 1] += 1
    for who, (male, female) in votes.items():
        if names.gender.get(who) is None and male + female >= 2:
            if male >= 2 * female:
                names.gender[who] = "male"
            elif female >= 2 * male:
                names.gender[who] = "female"


def _find_narrator(ctx: _Context, cast: bool) -> str | None:
    """A first-person narrator's name: the one others call out to but the narration never uses."""
    tags = [t for turn in ctx.turns for t in turn.tags.values()]
    if sum(t.kind == "pron" and t.value == "i" for t in tags) * 20 < max(len(tags), 100):
        return None
    vocative: Counter[str] = Counter()
    for seg in ctx.segments:
        if seg.kind == "dialogue":
            for m in sp.VOCATIVE_RE.finditer(ctx.text[seg.start : seg.end]):
                word = m.group(1)
                who = ctx.names.resolve(word) if cast else (word if word not in sp.NOT_NAMES else None)
                if who is not None:
                    vocative[who] += 1
    narrated = Counter(who for _pos, who in ctx.mentions)
    if not cast:
        narrated = Counter(m.group() for seg in ctx.segments if seg.kind == "narration"
                           for m in sp.CAPSEQ_RE.finditer(ctx.text, seg.start, seg.end))
    for who, n in vocative.most_common():
        if n >= 3 and narrated[who] * 5 <= n:
            return who
    return None


def attribute(text: str, segments: Sequence[Segment], characters: Sequence[Character] = ()) -> list[Segment]:
    """Return the segments with a speaker and evidence on each dialogue segment the rules can place."""
    segs = list(segments)
    turns, blocks = _build_turns(text, segs)
    if characters:
        names = sp.Names.from_cast(characters)
    else:
        found = [t.value for turn in turns for t in turn.tags.values() if t.kind == "name"]
        names = sp.Names.discover(found)
    mentions = _mentions(text, segs, names)
    if not characters:
        _guess_genders(text, names, mentions)
    ctx = _Context(text, segs, turns, blocks, names, mentions)
    ctx.narrator = _find_narrator(ctx, bool(characters)) or _NARRATOR
    for rule in RULES:
        rule(ctx)
    out = list(segs)
    for turn in turns:
        for k in turn.dialogue:
            who = turn.own.get(k, turn.speaker)
            if who is not None and who != _NARRATOR:
                out[k] = replace(out[k], speaker=who, evidence=turn.evidence)
    return out
