"""The one gender guesser, for attribution (characters found without a cast) and casting (voices for the uncast):
a name's title, else the pronouns that follow its mentions, else the noun the narration calls it by."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from audiobook.model import Gender
from audiobook.script.attribution import speech as sp
from audiobook.script.attribution import thresholds as th

# "The boy, whose name was Simon", "Simon, a boy of ten": the noun the narration names someone with.
_CALLED_RE = re.compile(r"\b(\w+),?\s+(?:whose name was|named|called)\s+$")
_ANY_CASE_PRONOUN_RE = re.compile(sp.PRONOUN_GENDER_RE.pattern, re.IGNORECASE)  # "He", "She" too
_STOP_RE = re.compile(r"\n[ \t]*\r?\n|[\"“”]")  # a paragraph break or a quote mark
_APPOSITION_RE = re.compile(rf",\s+(?:a|an|the)\s+(?:[a-z]+\s+){{0,{th.APPOSITION_WORDS}}}?(\w+)\b")


def gender_from_title(name: str) -> Gender | None:
    """`Mrs. Kemp` is female, `Colonel Brandon` male; a bare name tells nothing, nor does `Dr. Lane`."""
    return sp.title_gender(name.split(" ", 1)[0])


def guess_gender(text: str, positions: Sequence[int]) -> Gender | None:
    """The gender of the one named at `positions` (text offsets where the name starts, in order): the pronoun that
    most often follows the name, else the noun the narration names them with."""
    return _pronoun_gender(text, positions) or _noun_gender(text, positions)


def _pronoun_gender(text: str, positions: Sequence[int]) -> Gender | None:
    """The gender most of the mentions' next pronouns have. A tie is left unknown; any majority is better than the coin
    toss an unknown gender gets.

    A lowercase pronoun ("Tom laughed, and he left") decides; one opening a sentence ("Tom smiled at her. She …") is
    as often the next person's, so those count only for a name no lowercase one follows ("said Tom. He nodded.").
    """
    lowercase = [0, 0]  # male, female
    any_case = [0, 0]
    for pos in positions:
        # Within the mention's paragraph and outside speech: a pronoun past a paragraph break or inside a quote is
        # more often someone else.
        end = min(len(text), pos + th.GENDER_WINDOW)
        stop = _STOP_RE.search(text, pos, end)
        end = stop.start() if stop is not None else end
        for votes, pronoun_re in ((lowercase, sp.PRONOUN_GENDER_RE), (any_case, _ANY_CASE_PRONOUN_RE)):
            m = pronoun_re.search(text, pos, end)
            if m is not None:
                votes[0 if m.group(1) else 1] += 1
    male, female = lowercase if sum(lowercase) else any_case
    if male > female:
        return "male"
    if female > male:
        return "female"
    return None


def _noun_gender(text: str, positions: Sequence[int]) -> Gender | None:
    """What the narration calls someone where it names them: "The boy, whose name was Simon", "Simon, a boy of ten"."""
    for pos in positions:
        name = sp.CAPSEQ_RE.match(text, pos)
        if name is None:
            continue  # not a name ("a burly man" for the cast's "The Burly Man")
        m = _CALLED_RE.search(text, max(0, pos - th.CALLED_CHARS), pos) or _APPOSITION_RE.match(text, name.end())
        noun = sp.PERSON_NOUNS.get(m.group(1).lower()) if m is not None else None
        if noun is not None:
            return noun
    return None


def guess_genders(text: str, names: Iterable[str]) -> dict[str, Gender]:
    """For each name, the gender its title gives, else the one `guess_gender` reads after its mentions in the text;
    names of no known gender are left out."""
    out: dict[str, Gender] = {}
    untitled = []
    for name in names:
        titled = gender_from_title(name)
        if titled:
            out[name] = titled
        elif name.strip():
            untitled.append(name)
    if not untitled:
        return out
    # One pass over the text for all names (longest first, so "Anna Lee" wins over "Anna").
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(n) for n in sorted(untitled, key=len, reverse=True)) + r")\b")
    positions: dict[str, list[int]] = {}
    for m in pattern.finditer(text):
        positions.setdefault(m.group(), []).append(m.start())
    for name, at in positions.items():
        guessed = guess_gender(text, at)
        if guessed is not None:
            out[name] = guessed
    return out
