"""Guess the gender of characters the text names, from titles and the pronouns that follow their names."""

from __future__ import annotations

import re
from collections.abc import Iterable

from audiobook.model import Gender

_FEMALE_TITLES = {"mrs", "miss", "ms", "lady", "madame", "mme", "mlle", "aunt", "queen", "duchess", "sister",
                  "mother", "princess", "countess", "dame", "mistress", "grandma", "granny", "girl", "woman"}
_MALE_TITLES = {"mr", "sir", "lord", "colonel", "captain", "major", "general", "uncle", "king", "duke", "father",
                "brother", "prince", "count", "monsieur", "dr", "doctor", "reverend", "rev", "master", "grandpa",
                "boy", "man", "mister", "professor"}
_PRONOUN = re.compile(r"\b(he|him|his|himself|she|her|hers|herself)\b", re.IGNORECASE)
_STOP = re.compile(r"\n[ \t]*\r?\n|[\"“”]")
_WINDOW = 80  # characters after a mention in which the next pronoun most often refers back to it


def gender_from_title(name: str) -> Gender | None:
    """`Mrs. Bennet` is female, `Colonel Brandon` male; a bare name tells nothing."""
    first = name.split(" ", 1)[0].rstrip(".").lower()
    if first in _FEMALE_TITLES:
        return "female"
    if first in _MALE_TITLES:
        return "male"
    return None


def guess_genders(text: str, names: Iterable[str]) -> dict[str, Gender]:
    """For each name, the gender its title gives, else the one most pronouns right after its mentions agree on."""
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
    votes: dict[str, list[int]] = {}
    for m in pattern.finditer(text):
        # Within the sentence's paragraph and outside speech: a pronoun past a paragraph break or inside
        # a quote is more often someone else.
        stop = _STOP.search(text, m.end(), m.end() + _WINDOW)
        pronoun = _PRONOUN.search(text, m.end(), stop.start() if stop else m.end() + _WINDOW)
        if pronoun:
            female = pronoun.group(1).lower().startswith(("s", "her"))
            votes.setdefault(m.group(), [0, 0])[0 if female else 1] += 1
    for name, (female, male) in votes.items():
        # A tie is left unknown; any majority is better than the coin toss an unknown gender gets.
        if female > male:
            out[name] = "female"
        elif male > female:
            out[name] = "male"
    return out
