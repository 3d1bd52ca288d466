"""Pronunciation rules: words respelled (`kooz-NYET-so-va`) or given as eSpeak NG phonemes (`[[k'u:zn%jEts@v@]]`).

eSpeak NG reads `[[...]]` as phonemes only when synthesized with the espeakPHONEMES flag (0x100); without it
the brackets' letters are spelled out. A respelling is turned into phonemes here, by the respelling key of
English dictionaries and Wikipedia: the syllable in capitals is stressed, the plain vowels of the others reduced.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from audiobook.text.normalize import normalize_for_speech

_PHONEMES = re.compile(r"\[\[[^\[\]]+\]\]")
# Syllables joined by hyphens, each in lower case or (stressed) in capitals, at least one stressed.
_RESPELLING = re.compile(r"(?=[^ ]*\b[A-Z]+\b)(?:[a-z]+|[A-Z]+)(?:-(?:[a-z]+|[A-Z]+))+")
# Respelling key -> eSpeak NG English phonemes; the longest spelling that matches wins.
_VOWELS = {"eye": "aI", "air": "e@", "arr": "ar", "eer": "i@", "err": "Er", "irr": "Ir", "oor": "U@",
           "urr": "Vr", "ah": "A:", "aw": "O:", "ay": "eI", "ee": "i:", "ih": "I", "oh": "oU", "oo": "u:",
           "or": "O@", "ow": "aU", "oy": "OI", "uh": "@", "uu": "U", "ur": "3:", "ar": "A@", "er": "3:",
           "a": "a", "e": "E", "i": "I", "o": "0", "u": "V", "y": "aI"}
_CONSONANTS = {"tch": "tS", "ch": "tS", "sh": "S", "zh": "Z", "th": "T", "dh": "D", "ng": "N", "nk": "Nk",
               "kh": "x", "ck": "k", "ph": "f", "wh": "w", "ts": "ts", "b": "b", "c": "k", "d": "d", "f": "f",
               "g": "g", "h": "h", "j": "dZ", "k": "k", "l": "l", "m": "m", "n": "n", "p": "p", "q": "k",
               "r": "r", "s": "s", "t": "t", "v": "v", "w": "w", "x": "ks", "z": "z"}
_REDUCED = {"a": "@", "e": "@", "o": "@", "u": "@", "i": "I", "y": "i"}
_TOKENS = sorted([*_VOWELS, *_CONSONANTS], key=len, reverse=True)


def apply_lexicon(text: str, rules: Mapping[str, str]) -> str:
    """Replace each whole-word match of a rule's word by its pronunciation (as `[[phonemes]]` or plain words).

    A word with a capital letter matches only as written; a word in lower case matches in any case.
    Longer words are tried first, so "St John" wins over "John".
    """
    if not rules:
        return text
    for word in sorted(rules, key=len, reverse=True):
        flags = 0 if word != word.lower() else re.IGNORECASE
        pattern = rf"(?<![\w\[])(?:{re.escape(word)})(?![\w\]])(?!['\u2019]\w\w)"
        text = re.sub(pattern, lambda _m, w=word: pronunciation(rules[w]), text, flags=flags)
    return text


def pronunciation(value: str) -> str:
    """What a rule's value is read as: `[[phonemes]]` as given, a respelling as phonemes, else plain words."""
    value = value.strip()
    if _PHONEMES.fullmatch(value):
        return value
    words = value.split()
    if words and all(_RESPELLING.fullmatch(w) for w in words):
        return "[[" + " ".join(respell(w) for w in words) + "]]"
    return value


def respell(word: str) -> str:
    """eSpeak NG phonemes for a respelling: `kooz-NYET-so-va` -> `ku:znj'Ets@v@`."""
    syllables = word.split("-")
    out = []
    for syllable in syllables:
        stressed = syllable.isupper() and len(syllables) > 1
        tokens = _tokenize(syllable.lower())
        phonemes = []
        for n, token in enumerate(tokens):
            vowel = token in _VOWELS and not (token == "y" and n + 1 < len(tokens) and tokens[n + 1] in _VOWELS)
            if not vowel:
                phonemes.append("j" if token == "y" else _CONSONANTS[token])
            elif not stressed and len(syllables) > 1 and token in _REDUCED and (token != "y" or n == len(tokens) - 1):
                phonemes.append(_REDUCED[token])
            else:
                phonemes.append(_VOWELS[token])
        out.append(("'" if stressed else "") + "".join(phonemes))
    return "".join(out)


def _tokenize(syllable: str) -> list[str]:
    tokens = []
    pos = 0
    while pos < len(syllable):
        token = next((t for t in _TOKENS if syllable.startswith(t, pos)), syllable[pos])
        tokens.append(token)
        pos += len(token)
    return [t for t in tokens if t in _VOWELS or t in _CONSONANTS]


def lexicon_error(word: str, value: object) -> str | None:
    """Why a lexicon entry cannot be used (for messages about voices.yaml), or None if it is fine."""
    if not word.strip() or not re.search(r"\w", word):
        return f"{word!r} is not a word to match"
    if not isinstance(value, str) or not value.strip():
        return f"{word}: give a respelling such as kooz-NYET-so-va or eSpeak phonemes such as [[k'u:zn%jEts@v@]]"
    if ("[[" in value or "]]" in value) and not _PHONEMES.fullmatch(value.strip()):
        return f"{word}: phonemes must be written whole, as [[...]] with nothing around them"
    return None


def merge_lexicons(*lexicons: Mapping[str, str] | None) -> dict[str, str]:
    """One set of rules from several (the book's, then a character's): later ones win for the same word."""
    merged: dict[str, str] = {}
    for lexicon in lexicons:
        merged.update(lexicon or {})
    return merged


def spoken_form(text: str, rules: Mapping[str, str] | None = None) -> str:
    """A segment's text as the engine should get it: normalized for speech, then the lexicon applied."""
    return apply_lexicon(normalize_for_speech(text), rules or {})
