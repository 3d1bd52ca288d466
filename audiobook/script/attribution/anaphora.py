"""The anaphora rule of the attributor: "said he", "said the old gentleman", "said her mother"."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from audiobook.model import Gender
from audiobook.script.attribution import speech as sp
from audiobook.script.attribution.binding import OPENER_RE, after_pronoun, bound, oblique_subject
from audiobook.script.attribution.describe import (
    PARTNERS,
    YOUNG,
    children,
    gender_of,
    partner,
    unseen_voice,
    voice_before,
)
from audiobook.script.attribution.kin import KIN, POSSESSOR_GENDER, kin, parent_at_hand, possessed
from audiobook.script.attribution.newcomer import (
    Descriptions,
    aged_referent,
    ahead,
    brought_in,
    chapter_heard,
    first_heard,
    first_named,
    newcomer,
    strong,
)
from audiobook.script.attribution.roles import answers_to, epithet, girl_at_hand, is_role, named_role
from audiobook.script.attribution.rules import NARRATOR, Context, descriptive, possessor, touch
from audiobook.script.attribution.tags import Tag, Turn

_PRONOUN_GENDER: dict[str, Gender] = {"he": "male", "she": "female"}


def rule_anaphora(ctx: Context) -> None:
    """"said he", "the old man replied", "said her mother": the latest compatible character named before.

    A description keeps its referent through the book ("the old gentleman", "her mother"): a first pass notes
    whom each use of it most likely means, and the second picks, among the characters at hand, the one its
    uses mean most often.
    """
    before = [(turn.speaker, turn.evidence, dict(turn.own)) for turn in ctx.turns]
    named = first_named(ctx)
    heard = first_heard(ctx, named)
    young = children(ctx)
    here = chapter_heard(ctx)
    first = Descriptions(named, heard, children=young, chapter_heard=here, narrated={})
    _anaphora_pass(ctx, first)
    votes: dict[str, Counter[str]] = {}
    for key, who in first.uses:
        votes.setdefault(key, Counter())[who] += 1
    for turn, (speaker, evidence, own) in zip(ctx.turns, before, strict=True):
        turn.speaker, turn.evidence, turn.own = speaker, evidence, own
    _anaphora_pass(ctx, replace(first, votes=votes, uses=[]))  # what the first pass read of the text, kept


def _anaphora_pass(ctx: Context, described: Descriptions) -> None:
    recent: list[str] = []
    mi = 0
    chapter = -1
    for t, turn in enumerate(ctx.turns):
        pos = ctx.start(turn)
        k = turn.dialogue[0]
        if ctx.segments[k].chapter != chapter:
            chapter = ctx.segments[k].chapter
            recent.clear()  # a new chapter opens a new scene
            opening = ctx.segments[ctx.chapter_segments(t).start].start
            while mi < len(ctx.mentions) and ctx.mentions[mi][0] < opening:
                mi += 1
        while mi < len(ctx.mentions) and ctx.mentions[mi][0] < pos:
            touch(recent, ctx.mentions[mi][1])
            mi += 1
        if turn.speaker is None:
            for k in sorted(turn.tags):
                found = _anaphor(ctx, t, turn.tags[k], recent, described)
                if found is not None:
                    turn.speaker, turn.evidence = found
                    break
        elif turn.evidence == "explicit" and len(turn.paragraphs) == 1:
            _other_voice(ctx, t, recent)
        if turn.speaker is not None and is_role(turn.speaker):
            epithet(ctx, t, recent, described)
        if turn.speaker is not None and turn.speaker != NARRATOR:
            touch(recent, turn.speaker)
        for who in sorted(ctx.vocatives[t]):  # sorted: a set's order varies from run to run
            touch(recent, who)  # the one called by name is the likeliest to answer


def _other_voice(ctx: Context, t: int, recent: list[str]) -> None:
    """`"…," said the Captain. "How very odd!" she said to herself`: a pronoun of the other gender in
    a named speaker's paragraph is a second speaker, the latest one of that gender at hand."""
    turn = ctx.turns[t]
    named = ctx.names.gender.get(turn.speaker or "")
    for k, tag in turn.tags.items():
        want = _PRONOUN_GENDER.get(tag.value) if tag.kind == "pron" else None
        if named is None or want is None or want == named or k in turn.own:
            continue
        who = next(iter(_of_gender(ctx, t, want, recent)), None)
        if who is not None:
            turn.own[k] = who


def _of_gender(ctx: Context, t: int, want: Gender, recent: list[str]) -> list[str]:
    """The characters at hand "he" or "she" may mean in turn t, latest first: not one it addresses, and never a
    first-person narrator, who is "I"."""
    return [c for c in recent if ctx.names.gender.get(c) == want and c not in ctx.vocatives[t] and c != ctx.narrator]


def _anaphor(
    ctx: Context, t: int, tag: Tag, recent: list[str], described: Descriptions
) -> tuple[str, str] | None:
    found = _by_recency(ctx, t, tag, recent, described)
    if found is None or found[0] == ctx.narrator:
        return found  # "I said" is the narrator, whatever the turns around it
    b, n = ctx.place[t]
    if tag.kind == "pron" and n > 0:
        # `"…, have you heard, Tom?" said Elinor. "I have," he cried`: the one called answers.
        prev = ctx.turns[ctx.blocks[b][n - 1]]
        called = [c for c in sorted(ctx.hand_over[ctx.blocks[b][n - 1]])
                  if c != prev.speaker and ctx.names.gender.get(c) == ctx.names.gender.get(found[0])
                  and c not in ctx.vocatives[t]]
        if len(called) == 1 and not (found[0] != called[0] and _came_in(ctx, prev, t, found[0])):
            return called[0], found[1]
    if tag.kind == "pron":
        topic = _topic(ctx, t, ctx.names.gender.get(found[0]))
        if topic is not None and topic not in ctx.vocatives[t] | ctx.talked_of[t] and topic != ctx.narrator:
            return topic, found[1]
    if n >= 2 and tag.kind == "pron":
        # In a back-and-forth "he said" is the man who spoke two turns ago, not the one just answered.
        block, gender = ctx.blocks[b], ctx.names.gender
        two, one = ctx.turns[block[n - 2]].speaker, ctx.turns[block[n - 1]].speaker
        if (two is not None and one is not None and two != one and two != ctx.narrator
                and gender.get(two) == gender.get(found[0])):
            return two, found[1]
    return found


def _focal(ctx: Context, t: int, cands: list[str]) -> str | None:
    """The one of `cands` the chapter's narration has named, by turn t, at least twice as often as the latest of
    them: the one a paragraph's "she" goes on with when it cannot be the name just read (binding)."""
    opening = ctx.segments[ctx.chapter_segments(t).start].start
    named = Counter(who for _pos, who in ctx.mentions_between(opening, ctx.start(ctx.turns[t])))
    best = max(cands, key=lambda c: named[c])
    return best if best != cands[0] and named[best] >= 2 * max(1, named[cands[0]]) else None


def _came_in(ctx: Context, prev: Turn, t: int, who: str) -> bool:
    """`"…, Tom?" said Elinor, and Mr. Hale came in.`: whether the narration between the turn `prev` and turn t
    names `who`, not only doing something meanwhile (`cried Elinor, while Mr. Hale whistled`)."""
    return any(name == who and not _MEANWHILE_RE.search(ctx.text, max(0, pos - 12), pos)
               for pos, name in ctx.mentions_between(ctx.segments[prev.dialogue[-1]].end, ctx.start(ctx.turns[t])))


_AS_FOR_RE = re.compile(r"[\W_]*(?:As\s+(?:to|for)|With\s+regard\s+to)\s+")  # "As to Mrs. Hale, if she…"
_MEANWHILE_RE = re.compile(r"\b(?:while|whilst|as|when)\s+$")
_TOPIC_SPAN = 400  # characters before a quote, in its paragraph, where its pronoun's subject is named


def _topic(ctx: Context, t: int, gender: Gender | None) -> str | None:
    """The first character of that gender named in the narration opening turn t's paragraph, not long before the
    quote (a long paragraph moves on from the man it names first): its subject."""
    k = ctx.turns[t].dialogue[0]
    j = k
    while j > 0 and ctx.segments[j - 1].paragraph == ctx.segments[k].paragraph:
        j -= 1
    if j == k and j > 0 and ctx.segments[j - 1].kind == "narration" and ctx.text[ctx.segments[j - 1].end - 1] in ",:—":
        # The introduction ending the previous paragraph: `…, she answered,`.
        prev = ctx.segments[j - 1].paragraph
        while j > 0 and ctx.segments[j - 1].paragraph == prev:
            j -= 1
    start, end = ctx.segments[j].start, ctx.segments[k].start
    last = start
    for m in sp.SENTENCE_START_RE.finditer(ctx.text, start, max(start, end - 2)):
        last = m.end()
    # The subject of the sentence holding the tag: `Lydia gaped…, and…, she interrupted him with,`.
    for pos, who in ctx.mentions_between(last, end)[:1]:
        if ctx.names.gender.get(who) == gender and (OPENER_RE.fullmatch(ctx.text, last, pos)
                                                     or _AS_FOR_RE.fullmatch(ctx.text, last, pos)):
            return who
    for pos, who in ctx.mentions_between(max(start, end - _TOPIC_SPAN), end):
        if ctx.names.gender.get(who) == gender and (gender is None or not after_pronoun(ctx, pos, gender)):
            return who
    return None


def _by_recency(
    ctx: Context, t: int, tag: Tag, recent: list[str], described: Descriptions
) -> tuple[str, str] | None:
    gender = ctx.names.gender
    if tag.kind == "pron":
        if tag.value == "i":
            return ctx.narrator, "pronoun"
        want = _PRONOUN_GENDER.get(tag.value)
        if want is None:
            return None
        cands = _of_gender(ctx, t, want, recent)
        if not cands:
            later = ahead(ctx, t, want, set(ctx.vocatives[t]))
            return (later, "pronoun") if later is not None else None
        if len(cands) > 1 and bound(ctx, t, cands[0], want):
            cands = cands[1:] + cands[:1]
            focus = _focal(ctx, t, cands[:-1])
            if focus is not None:
                cands.remove(focus)
                cands.insert(0, focus)
        elif len(cands) > 1:
            subj = oblique_subject(ctx, t, cands[0], want)
            if subj is not None and subj in cands:
                return subj, "pronoun"
        return next((c for c in cands if c not in ctx.talked_of[t]), cands[0]), "pronoun"
    if tag.kind != "np":
        return None
    owner = possessor(tag)
    if owner is not None:
        return possessed(ctx, t, owner, tag.value.split()[-1].lower())
    words = tag.value.lower().split()
    head = words[-1]
    if head == "voice" and words[0] in ("the", "that", "this"):
        # "cried the voice", "said the same voice": the voice heard just before, whoever it was.
        heard = voice_before(ctx, t)
        if heard is not None:
            return heard, "nominal"
    if head == "voice" and "same" not in words:
        return unseen_voice(ctx, t, tag, recent)
    if not descriptive(tag):
        return None
    # "a man said": someone new, not a character named before.
    if words[0] in ("a", "an"):
        return None
    # "the doctor" is the latest character whose name carries the word ("Doctor Lane").
    # Words with a gender ("the lady", "her mother") describe too many people to match a name.
    titled = [c for c in recent if head in ctx.names.words.get(c, ()) and c not in ctx.vocatives[t]]
    if titled and sp.PERSON_NOUNS.get(head) is None:
        return titled[0], "nominal"
    alias = ctx.names.resolve(tag.value)
    start = ctx.start(ctx.turns[t])
    if len(words) == 2 and words[0] == "the" and head in KIN:
        # "said the son" with a father at hand: his son, not the cast's unnamed "The Son".
        found = {r for owner in ("his", "her") if (r := kin(ctx, t, [owner, head], recent)) is not None}
        if len(found) == 1:
            return found.pop(), "nominal"
    if alias is not None and is_role(alias) and sp.PERSON_NOUNS.get(head) is None:
        named = named_role(ctx, t, head, alias, described)
        if named is not None:
            return named, "nominal"
    if alias is not None and girl_at_hand(ctx, t, alias, head, recent, described):
        alias = None  # "the girl" is the girl at hand, not the cast's "The Girl", whom the book names chapters on
    if alias is not None and (alias in recent or (described.first_named.get(alias, start) >= start and (
            alias not in described.first_named or brought_in(ctx, t, alias, described)))):
        # The cast calls someone "the girl": she, while the book has not yet named her but does soon (this
        # chapter or the next), or when she is at hand; else "the girl" is a girl of this scene.
        return alias, "explicit"
    if head not in sp.PERSON_NOUNS:
        return None
    relative = kin(ctx, t, words, recent) or parent_at_hand(ctx, t, words, recent)
    if relative is not None:
        return relative, "nominal"
    want = gender_of(ctx, t, tag, sp.PERSON_NOUNS[head], described)
    skip = set(ctx.vocatives[t]) | {ctx.narrator}  # "said the young man" is not the "I" of the book
    owner_gender = POSSESSOR_GENDER.get(words[0])
    if owner_gender is not None:
        owner = next((c for c in recent if gender.get(c) == owner_gender), None)
        if owner is not None:
            skip.add(owner)  # "her mother" is not the "her"
        with_her = partner(ctx, t, skip, want) if owner is not None and head in PARTNERS else None
        if with_her is not None:
            return with_her, "nominal"  # "said her companion": the one she has been talking with
    if head not in YOUNG and not {"young", "little"} & set(words):
        skip |= described.children  # "the old gentleman", "the stranger" is not the boy of the book
    if {"old", "elder", "elderly"} & set(words):
        skip |= {c for c in recent if ctx.names.titles.get(c, set()) & {"Miss", "Master"}}  # "the old lady": no Miss
    cands = [c for c in recent if c not in skip and (want is None or gender.get(c) == want)]
    cands = [c for c in cands if answers_to(c, head)]
    if head in YOUNG and any(c in described.children for c in cands):
        cands = [c for c in cands if c in described.children]  # "the boy" is the boy of the book, when at hand
    if len(cands) > 1 and cands[0] == ctx.previous(t):
        cands.pop(0)  # a description names someone other than the one who just spoke
    # "the old man" for the cast's "Old Mr. Barlow": a word of the description in one name at hand.
    # (An entry named by what it is, "The Old Woman", is not one old woman of all.)
    marked = [c for c in cands if not is_role(c)
              and any(w in ctx.names.words.get(c, ()) for w in words[1:-1])]
    if len(marked) == 1:
        return marked[0], "nominal"
    key = tag.value.lower()
    # "the old gentleman" keeps one referent; a bare "the gentleman" only if it mostly means one character
    # ("the girl" of a book is one girl), else it is whoever fits in the scene.
    votes = described.votes.get(key) if described.votes else None
    if votes and len(words) <= 2 and votes.most_common(1)[0][1] < _BARE_SHARE * sum(votes.values()):
        votes = None
    top = strong(votes) if votes else None
    # The book's "old gentleman", away from this scene (if the book has brought him in by now).
    away = top if (top is not None and top not in cands and top not in skip
                   and brought_in(ctx, t, top, described)) else None
    if not cands:
        later = away or ahead(ctx, t, want, skip)
        return (later, "nominal") if later is not None else None
    # "said that gentleman" points back to someone at hand, never to a newcomer.
    fresh = None if words[0] in ("that", "this") else newcomer(
        ctx, t, head, want, skip, cands, described.votes.get(key) if described.votes else None, described)
    if fresh is not None:
        return fresh, "nominal"
    aged = aged_referent(ctx, t, head, skip, described) if words[0] == "the" else None
    if aged is not None and (want is None or gender.get(aged) == want) and not any(is_role(c) for c in cands):
        return aged, "nominal"
    if described.votes is None:
        near = ctx.tagged_around(t)
        likely = [c for c in cands if c not in near]
        if likely:
            described.uses.append((key, likely[0]))
    elif votes:
        if away is not None:
            return away, "nominal"
        best = max(cands, key=lambda c: votes[c])
        if votes[best] > votes[cands[0]]:
            return best, "nominal"
    return cands[0], "nominal"


_BARE_SHARE = 0.6  # of a bare description's uses that must mean one character for it to keep that referent
