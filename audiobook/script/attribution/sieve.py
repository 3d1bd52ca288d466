"""Attribute each dialogue segment to a speaker with rules that run on a CPU.

Quotes are grouped into turns (one paragraph's speech, or a speech running over
several paragraphs) and turns into conversations (runs not broken by a paragraph
of pure narration). A sieve of rules then fills in speakers, each rule only
where the earlier ones found none (see `RULES`):

  explicit     a tag names the speaker, by name or cast alias ("said Arabella",
               "Mr. Royce replied", `Lady Maud said, "…"`, "said the constable")
  pronoun      "said he" / "she replied": the first character of that gender named
               in the quote's own paragraph, else the latest named or heard before
               in the chapter, not the one addressed, else the first named just
               after; "I said" is the narrator, never "he" or "she"; a "she" before
               the latest woman's name in its sentence ("she thought of Mary") is
               another woman, and the next "she" goes on with her; after a sentence
               naming the latest man only as an object ("Tom smiled at Mr. Hale."),
               "he" is its subject (`_attr_binding`)
  nominal      "said her mother", "the old man replied": the latest character of
               the noun's gender, not the "her" nor the one addressed; "the doctor"
               is the latest character whose name carries the word; a qualified
               description ("the old gentleman") keeps its referent: of the characters
               at hand, the one its other uses in the book mean most often; "her
               father", "his wife": the possessor's family (a family name two
               characters carry, not one a "Mrs." married into); a cast entry
               named by a description ("The Burly Man") is at hand once the
               narration says "a stout man";
               a cast alias that is a description ("The Girl") is its holder's until
               the book names the holder, then only while the holder is at hand;
               a description of someone not named yet is the first character of
               its gender the book names soon after (`_attr_newcomer`); "the
               doctor" in a chapter naming Doctor Lane is he, not the cast's
               unnamed "The Doctor"; "the miller's wife" is the
               miller's kin, never the miller; "said the stranger, lifting his
               hat": a description without a gender takes its sentence's, else the
               one the chapter's narration gives it (`_attr_describe`); "the
               stranger" is the first new one the chapter or the next names; "a
               voice" the first one not at hand the narration names soon after; "the old
               gentleman" is not one the book calls "little Tom" or "Master Tom",
               and "the boy" is that one when at hand
  vocative     an untagged reply to a quote that calls one character by name (not
               only as it opens: "Bella, …" calls to attention, "…, Bella?" hands
               over), or to one whose narration says who it is for ("turned to Lucy")
  paragraph    the narration of the quote's own paragraph names one character
  alternation  a back-and-forth: the speaker of two turns before or after, or
               the other of the two people in the exchange (in a first-person
               book, the narrator); never the one addressed
  lead         an untagged turn opening a conversation: the subject of the
               narration just before it; alternation then runs again
  bridge       a conversation paused by a short narration (same chapter) goes on
               between the same people
  recency      an untagged turn still without a speaker: the character named or
               heard last, not the one who just spoke, else (nobody named yet in
               the chapter) the first named just after, not the next speaker (the
               report counts it as inferred; `segment --format jsonl` carries the
               evidence)

The mentions the rules read are the names in the narration, a cast's roles ("a stout man", "the ferryman")
and, with a cast, kin the narration names ("Her father was waiting": the latest woman's father, `_attr_kin`).
A cast entry named by what it is ("The Guard", "The Girl" for Mina) is weighed against the named characters the
book calls so in `_attr_roles`.

Before the rules run, each turn is read for whom it calls by name, speaks to or
talks about ("Tom has told me…" is not Tom's), and for the action beat before it
(`_attr_addressed`); no rule gives a turn to one of those, nor to the other gender
than its beat.

Without a cast, the names come from the speech tags (`_attr_discover`): sentence
openers caught with a name are dropped, "said Tom" gains the "Tom Pike" the
text uses (and is named so when no one else is a Pike and "Pike" follows no
other word), a bare title joins its one titled name, and "said the surgeon" makes
an unnamed character of its own; a name no tag gives that is the subject of the
narration around speech at least twice (`Elinor looked up. "You are late."`) is
a character too.

A speech running over several paragraphs, and the pieces of a split quote,
share their turn's speaker and evidence. The `report` command counts
"explicit" as explicit and any other evidence as inferred.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace

from audiobook.model import Character, Segment
from audiobook.script.attribution import speech as sp
from audiobook.script.attribution import thresholds as th
from audiobook.script.attribution.addressed import find_vocatives
from audiobook.script.attribution.anaphora import rule_anaphora
from audiobook.script.attribution.discover import beat_names, discovery_names, whole_names
from audiobook.script.attribution.gender import guess_gender
from audiobook.script.attribution.kin import kin_mentions
from audiobook.script.attribution.ranker import load_model, rank
from audiobook.script.attribution.rules import (
    NARRATOR,
    Context,
    rule_alternation,
    rule_bridge,
    rule_conversation,
    rule_explicit,
    rule_lead,
    rule_paragraph,
    rule_recency,
    rule_vocative,
)
from audiobook.script.attribution.tags import build_turns

# The sieve, in order: each rule only fills turns that earlier rules left without a speaker.
RULES: tuple[Callable[[Context], None], ...] = (
    rule_explicit, rule_anaphora, rule_vocative, rule_paragraph, rule_alternation, rule_conversation, rule_lead,
    rule_alternation, rule_conversation, rule_bridge, rule_recency,
)


_INDEFINITE_RE = re.compile(r"[Aa]n?\s")
# A name called in a quote, of one word or several ("Alexis Ivanovitch," "Mr. Royce!"): who the speaker talks to.
_CALLED_RE = re.compile(rf"(?:^[\"“'‘]|,\s)({sp.NAME})(?=[,.!?])")


def _capitalised(text: str, segs: list[Segment]) -> list[list[tuple[int, str]]]:
    """Per segment, (offset, words) of each run of capitalised words that may be a name: read once, used twice."""
    return [[(m.start(), m.group()) for m in sp.CAPSEQ_RE.finditer(text, seg.start, seg.end)] for seg in segs]


def _mentions(
    text: str, segs: list[Segment], names: sp.Names, caps: list[list[tuple[int, str]]]
) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """(offset, character) of each name in the narration, and of each name inside quotes, in order."""
    out: list[tuple[int, str]] = []
    quoted: list[tuple[int, str]] = []
    # A cast entry named by what it is ("The Burly Man") is mentioned as "a burly man" / "the burly man".
    described = None
    if names.described:
        # Gutenberg texts wrap lines anywhere: "the book-stall\nkeeper".
        phrases = "|".join(r"\s+".join(re.escape(w).replace("'", "['’]") for w in p.split())
                           for p in sorted(names.described, key=len, reverse=True))
        described = re.compile(rf"\b(?:[Aa]n?|[Tt]he)\s+(?:[a-z]+\s+)?({phrases})\b", re.IGNORECASE)
    for seg, runs in zip(segs, caps, strict=True):
        found = out if seg.kind == "narration" else quoted
        for at, words in runs:
            if _INDEFINITE_RE.match(words):
                continue  # "a good one for a Reed": what someone is, not who
            who = names.resolve(words)
            if who is not None:
                found.append((at, who))
        if seg.kind == "narration" and described is not None:
            for m in described.finditer(text, seg.start, seg.end):
                out.append((m.start(), names.described[" ".join(m.group(1).replace("’", "'").casefold().split())]))
    return sorted(out), quoted


def _learn_families(names: sp.Names, caps: list[list[tuple[int, str]]]) -> None:
    """Characters the cast lists by first name alone take the family name the text gives them."""
    known = set(names.bearers)
    for runs in caps:
        for _at, words in runs:
            if words.rsplit(None, 1)[-1] in known:
                names.learn_family(words)


def _guess_genders(text: str, names: sp.Names, mentions: list[tuple[int, str]]) -> None:
    """Discovery mode: the characters whose names carry no gendered title take the gender the guesser reads after
    their mentions in the narration."""
    positions: dict[str, list[int]] = {}
    for pos, who in mentions:
        positions.setdefault(who, []).append(pos)
    for who, at in positions.items():
        if names.gender.get(who) is None and (guessed := guess_gender(text, at)) is not None:
            names.gender[who] = guessed


def _find_narrator(ctx: Context, cast: bool) -> str | None:
    """A first-person narrator's name: the one others call out to but the narration never uses."""
    tags = [t for turn in ctx.turns for t in turn.tags.values()]
    said_i = sum(t.kind == "pron" and t.value == "i" for t in tags)
    if said_i * th.NARRATOR_TAG_RATIO < max(len(tags), th.NARRATOR_MIN_TAGS):
        return None
    narrated = _narrated(ctx, cast)
    for who, n in _called(ctx, cast).most_common():
        if n >= th.NARRATOR_CALLS and narrated[who] * th.NARRATOR_CALL_RATIO <= n:
            return who
    return None


def _called(ctx: Context, cast: bool) -> Counter[str]:
    """How often the quotes call each character (with a cast) or capitalised word (without) by name."""
    vocative: Counter[str] = Counter()
    for seg in ctx.segments:
        if seg.kind != "dialogue":
            continue
        for m in _CALLED_RE.finditer(ctx.text[seg.start : seg.end]):
            word = m.group(1)
            # Without a cast any capitalised word may be a name, but not a form of address ("Madame," "Sir,").
            plain = word not in sp.NOT_NAMES and word.rstrip(".") not in sp.TITLES
            who = ctx.names.resolve(word) if cast else (word if plain else None)
            if who is not None:
                vocative[who] += 1
    return vocative


def _narrated(ctx: Context, cast: bool) -> Counter[str]:
    """How often the narration names each character (with a cast) or capitalised name (without)."""
    if cast:
        return Counter(who for _pos, who in ctx.mentions)
    return Counter(m.group() for seg in ctx.segments if seg.kind == "narration"
                   for m in sp.CAPSEQ_RE.finditer(ctx.text, seg.start, seg.end))


def run_sieve(text: str, segments: Sequence[Segment], characters: Sequence[Character]) -> Context:
    """Read the names, tags and mentions and run the rules; the context says which names were known and who each
    turn's rule picked."""
    segs = list(segments)
    turns, blocks = build_turns(text, segs)
    if characters:
        names = sp.Names.from_cast(characters)
    else:
        tagged, roles = discovery_names(text, turns)
        more = beat_names(text, segs, turns, sp.Names.discover(tagged, roles))
        names = sp.Names.discover(tagged + more, roles, whole_names(text, list(dict.fromkeys(tagged))))
    caps = _capitalised(text, segs)
    _learn_families(names, caps)
    mentions, quoted = _mentions(text, segs, names, caps)
    if not characters:
        _guess_genders(text, names, mentions)
    ctx = Context(text, segs, turns, blocks, names, mentions, quoted)
    ctx.narrator = _find_narrator(ctx, bool(characters)) or NARRATOR
    if characters:
        ctx.mentions = sorted(ctx.mentions + kin_mentions(ctx))
    find_vocatives(ctx)
    for rule in RULES:
        rule(ctx)
    return ctx


def _run(text: str, segments: Sequence[Segment], characters: Sequence[Character]) -> tuple[Context, list[Segment]]:
    """Run the sieve, then the ranker on the turns no explicit tag decides; the context says which names were
    known, the segments who speaks and how sure that is."""
    ctx = run_sieve(text, segments, characters)
    model = load_model()
    confidence = rank(ctx, model, discovery=not characters)
    out = list(ctx.segments)
    for t, turn in enumerate(ctx.turns):
        sure = model.explicit_confidence if turn.evidence == "explicit" else confidence.get(t)
        for k in turn.dialogue:
            who = turn.own.get(k, turn.speaker)
            if who is not None and who != NARRATOR:
                out[k] = replace(out[k], speaker=who, evidence=turn.evidence,
                                 confidence=None if sure is None else round(sure, 3))
    return ctx, out


def attribute(text: str, segments: Sequence[Segment], characters: Sequence[Character] = ()) -> list[Segment]:
    """Return the segments with a speaker and evidence on each dialogue segment the rules can place."""
    return _run(text, segments, characters)[1]


def discover_characters(text: str, segments: Sequence[Segment]) -> list[tuple[Character, int]]:
    """The speaking characters found without a cast, with their dialogue segment counts, most first."""
    ctx, out = _run(text, segments, ())
    counts = Counter(s.speaker for s in out if s.kind == "dialogue" and s.speaker is not None)
    found: list[tuple[Character, int]] = []
    for name, n in counts.items():
        aliases = tuple(a for a in dict.fromkeys(ctx.names.aliases.get(name, ())) if a != name)
        found.append((Character(name, aliases, ctx.names.gender.get(name)), n))
    return sorted(found, key=lambda cn: (-cn[1], cn[0].name))
