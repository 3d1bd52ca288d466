"""The anaphora rule of the attributor: "said he", "said the old gentleman", "said her mother"."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from audiobook.model import Gender
from audiobook.script.attribution import speech as sp
from audiobook.script.attribution import thresholds as th
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
    ahead,
    brought_in,
    chapter_heard,
    first_heard,
    first_named,
    newcomer,
)
from audiobook.script.attribution.roles import answers_to, epithet, is_role
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
    """Read the turns in order, keeping the characters at hand, and give each untagged-by-name turn its anaphor's."""
    recent: list[str] = []
    mi = 0  # the next mention to read
    chapter = -1
    for t, turn in enumerate(ctx.turns):
        if ctx.segments[turn.dialogue[0]].chapter != chapter:
            chapter = ctx.segments[turn.dialogue[0]].chapter
            recent.clear()  # a new chapter opens a new scene
            mi = _read_mentions(ctx, mi, ctx.segments[ctx.chapter_segments(t).start].start, None)
        mi = _read_mentions(ctx, mi, ctx.start(turn), recent)
        _resolve_turn(ctx, t, recent, described)


def _read_mentions(ctx: Context, mi: int, pos: int, recent: list[str] | None) -> int:
    """Read the mentions from the mi-th up to text offset pos (putting each first in `recent`, if given); return the
    index of the next one."""
    while mi < len(ctx.mentions) and ctx.mentions[mi][0] < pos:
        if recent is not None:
            touch(recent, ctx.mentions[mi][1])
        mi += 1
    return mi


def _resolve_turn(ctx: Context, t: int, recent: list[str], described: Descriptions) -> None:
    """Give turn t the speaker its first resolvable tag means, then put who spoke and who was called first at hand."""
    turn = ctx.turns[t]
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



Found = tuple[str, str]  # (speaker, evidence)


def _anaphor(ctx: Context, t: int, tag: Tag, recent: list[str], described: Descriptions) -> Found | None:
    """The speaker a pronoun or noun-phrase tag means; a pronoun's, corrected by the conversation around it."""
    found = _by_recency(ctx, t, tag, recent, described)
    if found is None or found[0] == ctx.narrator or tag.kind != "pron":
        return found  # "I said" is the narrator, whatever the turns around it
    who = _called_answers(ctx, t, found[0]) or _subject(ctx, t, found[0]) or _two_back(ctx, t, found[0])
    return (who, found[1]) if who is not None else found


def _called_answers(ctx: Context, t: int, found: str) -> str | None:
    """`"…, have you heard, Tom?" said Elinor. "I have," he cried`: the one the turn before called answers, unless
    the one found came in meanwhile."""
    b, n = ctx.place[t]
    if n == 0:
        return None
    before = ctx.blocks[b][n - 1]
    prev = ctx.turns[before]
    gender = ctx.names.gender.get(found)
    called = [c for c in sorted(ctx.hand_over[before])
              if c != prev.speaker and ctx.names.gender.get(c) == gender and c not in ctx.vocatives[t]]
    if len(called) == 1 and not (found != called[0] and _came_in(ctx, prev, t, found)):
        return called[0]
    return None


def _subject(ctx: Context, t: int, found: str) -> str | None:
    """The subject of the narration opening turn t's paragraph, of the gender found, when the turn may be theirs."""
    topic = _topic(ctx, t, ctx.names.gender.get(found))
    if topic is not None and topic not in ctx.vocatives[t] | ctx.talked_of[t] and topic != ctx.narrator:
        return topic
    return None


def _two_back(ctx: Context, t: int, found: str) -> str | None:
    """In a back-and-forth "he said" is the man who spoke two turns ago, not the one just answered."""
    b, n = ctx.place[t]
    if n < 2:
        return None
    block, gender = ctx.blocks[b], ctx.names.gender
    two, one = ctx.turns[block[n - 2]].speaker, ctx.turns[block[n - 1]].speaker
    if two is None or one is None or two in (one, ctx.narrator):
        return None
    return two if gender.get(two) == gender.get(found) else None


def _focal(ctx: Context, t: int, cands: list[str]) -> str | None:
    """The one of `cands` the chapter's narration has named, by turn t, at least twice as often as the latest of
    them: the one a paragraph's "she" goes on with when it cannot be the name just read (binding)."""
    opening = ctx.segments[ctx.chapter_segments(t).start].start
    named = Counter(who for _pos, who in ctx.mentions_between(opening, ctx.start(ctx.turns[t])))
    best = max(cands, key=lambda c: named[c])
    return best if best != cands[0] and named[best] >= th.FOCAL_RATIO * max(1, named[cands[0]]) else None


def _came_in(ctx: Context, prev: Turn, t: int, who: str) -> bool:
    """`"…, Tom?" said Elinor, and Mr. Hale came in.`: whether the narration between the turn `prev` and turn t
    names `who`, not only doing something meanwhile (`cried Elinor, while Mr. Hale whistled`)."""
    return any(name == who and not _MEANWHILE_RE.search(ctx.text, max(0, pos - th.MEANWHILE_CHARS), pos)
               for pos, name in ctx.mentions_between(ctx.segments[prev.dialogue[-1]].end, ctx.start(ctx.turns[t])))


_AS_FOR_RE = re.compile(r"[\W_]*(?:As\s+(?:to|for)|With\s+regard\s+to)\s+")  # "As to Mrs. Hale, if she…"
_MEANWHILE_RE = re.compile(r"\b(?:while|whilst|as|when)\s+$")



def _paragraph_opening(ctx: Context, k: int) -> int:
    """The first segment of quote k's paragraph, or of the paragraph before when that ends introducing the quote
    (`…, she answered,`)."""
    j = k
    while j > 0 and ctx.segments[j - 1].paragraph == ctx.segments[k].paragraph:
        j -= 1
    if j == k and j > 0 and ctx.segments[j - 1].kind == "narration" and ctx.text[ctx.segments[j - 1].end - 1] in ",:—":
        prev = ctx.segments[j - 1].paragraph
        while j > 0 and ctx.segments[j - 1].paragraph == prev:
            j -= 1
    return j


def _topic(ctx: Context, t: int, gender: Gender | None) -> str | None:
    """The first character of that gender named in the narration opening turn t's paragraph, not long before the
    quote (a long paragraph moves on from the man it names first): its subject."""
    k = ctx.turns[t].dialogue[0]
    start, end = ctx.segments[_paragraph_opening(ctx, k)].start, ctx.segments[k].start
    last = start
    for m in sp.SENTENCE_START_RE.finditer(ctx.text, start, max(start, end - 2)):
        last = m.end()
    # The subject of the sentence holding the tag: `Flora gaped…, and…, she interrupted him with,`.
    for pos, who in ctx.mentions_between(last, end)[:1]:
        if ctx.names.gender.get(who) == gender and (OPENER_RE.fullmatch(ctx.text, last, pos)
                                                     or _AS_FOR_RE.fullmatch(ctx.text, last, pos)):
            return who
    for pos, who in ctx.mentions_between(max(start, end - th.TOPIC_CHARS), end):
        if ctx.names.gender.get(who) == gender and (gender is None or not after_pronoun(ctx, pos, gender)):
            return who
    return None


def _by_recency(ctx: Context, t: int, tag: Tag, recent: list[str], described: Descriptions) -> Found | None:
    """Whom a tag that does not name its speaker means, by its kind: a pronoun or a noun phrase."""
    if tag.kind == "pron":
        return _pronoun(ctx, t, tag.value, recent)
    if tag.kind == "np":
        return _noun_phrase(ctx, t, tag, recent, described)
    return None


def _pronoun(ctx: Context, t: int, pronoun: str, recent: list[str]) -> Found | None:
    """"said he": the latest man at hand (unless bound away from him, or the subject of a sentence naming him only as
    an object), else the first the chapter names after; "I said": the narrator."""
    if pronoun == "i":
        return ctx.narrator, "pronoun"
    want = _PRONOUN_GENDER.get(pronoun)
    if want is None:
        return None
    cands = _of_gender(ctx, t, want, recent)
    if not cands:
        later = ahead(ctx, t, want, set(ctx.vocatives[t]))
        return (later, "pronoun") if later is not None else None
    if len(cands) > 1 and bound(ctx, t, cands[0], want):
        cands = _unbound(ctx, t, cands)
    elif len(cands) > 1:
        subj = oblique_subject(ctx, t, cands[0], want)
        if subj is not None and subj in cands:
            return subj, "pronoun"
    return next((c for c in cands if c not in ctx.talked_of[t]), cands[0]), "pronoun"


def _unbound(ctx: Context, t: int, cands: list[str]) -> list[str]:
    """The candidates for a pronoun bound away from the latest of them: the latest last, the focal one first."""
    cands = cands[1:] + cands[:1]
    focus = _focal(ctx, t, cands[:-1])
    if focus is not None:
        cands.remove(focus)
        cands.insert(0, focus)
    return cands


def _noun_phrase(ctx: Context, t: int, tag: Tag, recent: list[str], described: Descriptions) -> Found | None:
    """A noun-phrase tag, tried kind by kind: someone's kin by name, a voice, a word of a name, kin without a
    possessive, a cast role, kin, a description."""
    words = tag.value.lower().split()
    owner = possessor(tag)
    if owner is not None:
        return possessed(ctx, t, owner, words[-1])  # "the miller's wife": the miller's kin, else no one
    if words[-1] == "voice":
        return _voice(ctx, t, tag, words, recent)
    if not descriptive(tag) or words[0] in ("a", "an"):
        return None  # "a man said": someone new, not a character named before
    found = (_name_word(ctx, t, words, recent) or _bare_kin(ctx, t, words, recent)
             or _cast_role(ctx, t, tag, words, recent, described))
    if found is not None or words[-1] not in sp.PERSON_NOUNS:
        return found
    return _kin(ctx, t, words, recent) or _description(ctx, t, tag, words, recent, described)


def _voice(ctx: Context, t: int, tag: Tag, words: list[str], recent: list[str]) -> Found | None:
    """"cried the voice", "said the same voice": the voice heard just before, whoever it was; "a voice": someone not
    at hand the narration names soon after."""
    if words[0] in ("the", "that", "this"):
        heard = voice_before(ctx, t)
        if heard is not None:
            return heard, "nominal"
    if "same" not in words:
        return unseen_voice(ctx, t, tag, recent)
    return None


def _name_word(ctx: Context, t: int, words: list[str], recent: list[str]) -> Found | None:
    """"the doctor" is the latest character whose name carries the word ("Doctor Lane"). Words with a gender ("the
    lady", "her mother") describe too many people to match a name."""
    head = words[-1]
    if sp.PERSON_NOUNS.get(head) is not None:
        return None
    titled = next((c for c in recent if head in ctx.names.words.get(c, ()) and c not in ctx.vocatives[t]), None)
    return (titled, "nominal") if titled is not None else None


def _bare_kin(ctx: Context, t: int, words: list[str], recent: list[str]) -> Found | None:
    """"said the son" with a father at hand: his son, not the cast's unnamed "The Son"."""
    if len(words) != 2 or words[0] != "the" or words[1] not in KIN:
        return None
    found = {r for owner in ("his", "her") if (r := kin(ctx, t, [owner, words[1]], recent)) is not None}
    return (found.pop(), "nominal") if len(found) == 1 else None


def _cast_role(
    ctx: Context, t: int, tag: Tag, words: list[str], recent: list[str], described: Descriptions
) -> Found | None:
    """A cast entry the tag's phrase names ("The Girl"): the entry while it is at hand or not yet named."""
    alias = ctx.names.resolve(tag.value)
    if alias is None:
        return None
    # The cast calls someone "the girl": she, while the book has not yet named her but does soon (this chapter or the
    # next), or when she is at hand; else "the girl" is a girl of this scene.
    start = ctx.start(ctx.turns[t])
    if alias in recent or (described.first_named.get(alias, start) >= start and (
            alias not in described.first_named or brought_in(ctx, t, alias, described))):
        return alias, "explicit"
    return None


def _kin(ctx: Context, t: int, words: list[str], recent: list[str]) -> Found | None:
    """"her mother", "his wife": the possessor's kin, else the latest mother at hand of a "her" the book left
    unnamed."""
    relative = kin(ctx, t, words, recent) or parent_at_hand(ctx, t, words, recent)
    return (relative, "nominal") if relative is not None else None


def _description(
    ctx: Context, t: int, tag: Tag, words: list[str], recent: list[str], described: Descriptions
) -> Found | None:
    """"the old gentleman", "said her companion": someone at hand of the description's gender who answers to it,
    or whom the book's uses of it mean, or a newcomer."""
    head = words[-1]
    want = gender_of(ctx, t, tag, sp.PERSON_NOUNS[head], described)
    skip = set(ctx.vocatives[t]) | {ctx.narrator}  # "said the young man" is not the "I" of the book
    owner_gender = POSSESSOR_GENDER.get(words[0])
    owner = next((c for c in recent if ctx.names.gender.get(c) == owner_gender), None) if owner_gender else None
    if owner is not None:
        skip.add(owner)  # "her mother" is not the "her"
        with_her = partner(ctx, t, skip, want) if head in PARTNERS else None
        if with_her is not None:
            return with_her, "nominal"  # "said her companion": the one she has been talking with
    skip |= _unlike(ctx, words, recent, described)
    cands = _answering(ctx, t, words, recent, skip, want, described)
    # "the old man" for the cast's "Old Mr. Barlow": a word of the description in one name at hand.
    # (An entry named by what it is, "The Old Woman", is not one old woman of all.)
    marked = [c for c in cands if not is_role(c) and any(w in ctx.names.words.get(c, ()) for w in words[1:-1])]
    if len(marked) == 1:
        return marked[0], "nominal"
    return _referent(ctx, t, tag.value.lower(), words, want, skip, cands, described)


def _unlike(ctx: Context, words: list[str], recent: list[str], described: Descriptions) -> set[str]:
    """Who a description's words rule out: the book's children for "the stranger", a Miss or Master for "the old
    lady"."""
    out: set[str] = set()
    if words[-1] not in YOUNG and not {"young", "little"} & set(words):
        out |= described.children  # "the old gentleman", "the stranger" is not the boy of the book
    if {"old", "elder", "elderly"} & set(words):
        out |= {c for c in recent if ctx.names.titles.get(c, set()) & {"Miss", "Master"}}  # "the old lady": no Miss
    return out


def _answering(
    ctx: Context, t: int, words: list[str], recent: list[str], skip: set[str], want: Gender | None,
    described: Descriptions,
) -> list[str]:
    """The characters at hand, latest first, a description may mean: of its gender, answering to its noun, the boy
    of the book for "the boy", and not the one who just spoke when there is another."""
    head = words[-1]
    cands = [c for c in recent if c not in skip and (want is None or ctx.names.gender.get(c) == want)
             and answers_to(c, head)]
    if head in YOUNG and any(c in described.children for c in cands):
        cands = [c for c in cands if c in described.children]  # "the boy" is the boy of the book, when at hand
    if len(cands) > 1 and cands[0] == ctx.previous(t):
        cands.pop(0)  # a description names someone other than the one who just spoke
    return cands


def _referent(
    ctx: Context, t: int, key: str, words: list[str], want: Gender | None, skip: set[str], cands: list[str],
    described: Descriptions,
) -> Found | None:
    """Of the candidates for a description, the one it keeps through the book, a newcomer, or the latest; no one at
    hand: the first fitting one the chapter names after."""
    all_votes = described.votes.get(key) if described.votes else None
    votes = _kept_votes(all_votes, words)
    if not cands:
        later = ahead(ctx, t, want, skip)
        return (later, "nominal") if later is not None else None
    # "said that gentleman" points back to someone at hand, never to a newcomer.
    fresh = None if words[0] in ("that", "this") else newcomer(
        ctx, t, words[-1], want, skip, cands, all_votes, described)
    if fresh is not None:
        return fresh, "nominal"
    if described.votes is None:
        _note_use(ctx, t, key, cands, described)
    elif votes:
        best = max(cands, key=lambda c: votes[c])
        if votes[best] > votes[cands[0]]:
            return best, "nominal"
    return cands[0], "nominal"


def _kept_votes(votes: Counter[str] | None, words: list[str]) -> Counter[str] | None:
    """"the old gentleman" keeps one referent; a bare "the gentleman" only if it mostly means one character ("the
    girl" of a book is one girl), else it is whoever fits in the scene."""
    if votes and len(words) <= 2 and votes.most_common(1)[0][1] < th.BARE_SHARE * sum(votes.values()):
        return None
    return votes


def _note_use(ctx: Context, t: int, key: str, cands: list[str], described: Descriptions) -> None:
    """First pass: note whom this use of a description most likely means, the latest candidate no tag names next to
    it."""
    near = ctx.tagged_around(t)
    likely = [c for c in cands if c not in near]
    if likely:
        described.uses.append((key, likely[0]))
