"""Discovery mode: the names and roles a book's speech tags give, cleaned and completed from the text."""

from __future__ import annotations

import re
from collections import Counter

from audiobook.model import Segment
from audiobook.script.attribution import speech as sp
from audiobook.script.attribution import thresholds as th
from audiobook.script.attribution.tags import Turn, narration_of

# A capitalised word after a lowercase letter or a comma stands mid-sentence: a name, not a sentence opener.
_MID_RE = re.compile(r"[a-z,;][ \t\r\n]+([A-Z\u00C0-\u00DE][\w'’-]*)")
_NEXT_RE = re.compile(r"\b([A-Z\u00C0-\u00DE]\w+)[ \t]+([A-Z\u00C0-\u00DE]\w+)\b(?![.'’]\w)")
# Heads of "the …" tags that name no one in particular, or several people.
_NOT_ROLE_WORDS = (
    "voice voices other others first second third fourth last elder younger same former latter one ones two three "
    "four rest crowd people folk men women children ladies gentlemen girls boys board party company whole subject "
    "speaker echo reply answer response word words sound cry thing figure form shadow pair couple group"
)
_NOT_ROLES = frozenset(_NOT_ROLE_WORDS.split())


def mid_sentence_words(text: str) -> Counter[str]:
    """How often each capitalised word stands mid-sentence, where only names and titles are capitalised."""
    return Counter(m.group(1) for m in _MID_RE.finditer(text))


def _clean(name: str, mid: Counter[str]) -> str | None:
    """Drop sentence openers caught before a name ("Though Elizabeth"); None if nothing name-like is left."""
    words = name.split()
    while words and words[0].rstrip(".") not in sp.TITLES and words[0] not in mid and words[0] not in sp.ARTICLES:
        words.pop(0)
    if not words or (len(words) == 1 and words[0].rstrip(".") in sp.TITLES and words[0].endswith(".")):
        return None
    if len(words) == 1 and words[0].rstrip(".") in ("Mr", "Mrs", "Ms", "Dr", "St"):
        return None  # an honorific alone ("Mrs") names no one
    return " ".join(words)


def _expansions(text: str, singles: set[str], taken: set[str]) -> list[str]:
    """Full names ("Tom Pike") for one-word names the tags use ("said Tom"), when the text has one."""
    follow: dict[str, Counter[str]] = {}
    for m in _NEXT_RE.finditer(text):
        first, second = m.group(1), m.group(2)
        if first in singles and second not in sp.NOT_NAMES and second not in sp.TITLES:
            follow.setdefault(first, Counter())[second] += 1
    out: list[str] = []
    for first, seconds in follow.items():
        (second, n), total = seconds.most_common(1)[0], sum(seconds.values())
        # The second word must be no other speaker's own name ("Anne Dacre", not "Anne Mary").
        if n >= th.EXPAND_USES and n >= th.EXPAND_SHARE * total and second not in taken:
            out.append(f"{first} {second}")
    return out


def role_of(tag_value: str) -> str | None:
    """A tag's noun phrase as an unnamed character ("the surgeon", "the old pauper"), or None."""
    words = tag_value.split()
    if len(words) < 2 or words[0].lower() != "the":
        return None
    head = words[-1]
    if not re.fullmatch(r"[a-z][a-z-]+", head) or head in _NOT_ROLES or head in sp.PERSON_NOUNS:
        return None
    if head.capitalize() in sp.TITLES or (head.endswith("s") and not head.endswith("ss")):
        return None  # "the doctor" is whoever bears the title; "the sailors" are several
    return " ".join(["the", *(w.lower() for w in words[1:])])


# A name opening a sentence, then a verb in the past or present: "Elinor turned", "Elinor slowly turns".
_SUBJECT_RE = re.compile(
    rf"(?:^|(?<=[.!?]\s)|(?<=[.!?][\"”’']\s))\s*({sp.NAME})\s+(?:[a-z]+ly\s+)?[a-z]+(?:ed|s)\b", re.MULTILINE
)


def beat_names(text: str, segments: list[Segment], turns: list[Turn], known: sp.Names) -> list[str]:
    """`Elinor turns a page. "Ask your father."`: names no tag gives that open speech paragraphs' narration."""
    mid = mid_sentence_words(text)
    found: Counter[str] = Counter()
    for turn in turns:
        for seg in narration_of(segments, turn):
            for m in _SUBJECT_RE.finditer(text, seg.start, seg.end):
                name = _clean(m.group(1), mid)
                if name is not None and name.split()[-1] not in sp.NOT_NAMES and known.resolve(name) is None:
                    found[name] += 1
    return [n for n, c in found.items() if c >= th.BEAT_NAMES for _ in range(c)]


def whole_names(text: str, names: list[str]) -> list[str]:
    """The two-word names ("Tom Pike") whose second word follows no other word but titles in the text: a family
    name, not a word like "Bear" in "Pip Bear", "Hungry Bear"."""
    pairs = [name.split() for name in names]
    pairs = [w for w in pairs if len(w) == 2 and w[0].rstrip(".") not in sp.TITLES]
    if not pairs:
        return []
    seconds = "|".join(sorted({re.escape(w[1]) for w in pairs}, key=len, reverse=True))
    before: dict[str, set[str]] = {}
    for m in re.finditer(rf"\b([A-Z][\w.]*)(?:[ \t]+|[ \t]*\r?\n[ \t]*)({seconds})\b", text):
        before.setdefault(m.group(2), set()).add(m.group(1))
    return [f"{first} {second}" for first, second in pairs
            if all(w == first or w.rstrip(".") in sp.TITLES for w in before.get(second, ()))]


def discovery_names(text: str, turns: list[Turn]) -> tuple[list[str], list[str]]:
    """The names in speech tags (cleaned, plus the full names they stand for) and the roles tags name."""
    mid = mid_sentence_words(text)
    names: list[str] = []
    roles: list[str] = []
    for turn in turns:
        for tag in turn.tags.values():
            if tag.kind == "name":
                name = _clean(tag.value, mid)
                if name is not None:
                    names.append(name)
            elif tag.kind == "np" and (role := role_of(tag.value)) is not None:
                roles.append(role)
    singles = {n for n in names if " " not in n and n not in sp.TITLES}
    names.extend(_expansions(text, singles, singles))
    return names, roles
