"""Binding in the attributor: a "she" before a name in its sentence is not that name's bearer."""

from __future__ import annotations

import re

from audiobook import _speech as sp
from audiobook._attr_rules import Context
from audiobook.model import Gender

_SUBJECT_RE: dict[Gender, re.Pattern[str]] = {"male": re.compile(r"\b[Hh]e\b"), "female": re.compile(r"\b[Ss]he\b")}
_CLAUSE_RE = re.compile(r"[,;:—–]")
_SUBORDINATE_RE = re.compile(
    r"\b(?:before|when|as|if|though|although|while|after|since|till|until|because|once|whenever)\b", re.IGNORECASE
)
_NEW_CLAUSE_RE = re.compile(r"\b(?:when|while|till|until|where|whereupon)\s+(?:the\s+)?$", re.IGNORECASE)
_RELATIVE_RE = re.compile(rf"{sp.NAME}[^.!?;]{{0,40}}?,\s+who\b")
_PREDICATE_RE = re.compile(r"\b(?:was|is|were|be|been|as|became|like)\s+(?:(?:a|an|the)\s+)?$", re.IGNORECASE)


def bound(ctx: Context, t: int, latest: str, want: Gender) -> bool:
    """`All the way she thought of the letter from Elinor.` then `"…," said she`: a "she" before Elinor's name in its
    sentence is someone else (binding), whom the passage is about, and the next "she" goes on with her."""
    start = ctx.start(ctx.turns[t])
    last = [pos for pos, who in ctx.mentions_between(max(0, start - 3000), start) if who == latest]
    if not last:
        return False
    return after_pronoun(ctx, last[-1], want)


def after_pronoun(ctx: Context, at: int, want: Gender) -> bool:
    """Whether the name at `at` follows a "he"/"she" of its gender in its sentence: `She looked at Mary`, where the
    "she" is not Mary (whoever else of hers the sentence names first: "Ann smiled as she thought of Mary")."""
    if _PREDICATE_RE.search(ctx.text, max(0, at - 20), at):
        return False  # "He was an old man": the "he" is that man
    if _NEW_CLAUSE_RE.search(ctx.text, max(0, at - 12), at):
        return False  # "…, when the waiter appeared and said": a clause of the waiter's own
    relative = _RELATIVE_RE.match(ctx.text, at)
    if relative is not None and sp.VERB_WORD_RE.search(ctx.text, relative.end(), relative.end() + 60):
        return False  # "She met Maria, who, breathless, cried out": Maria speaks
    begin = max(0, at - 400)
    for m in sp.SENTENCE_START_RE.finditer(ctx.text, begin, at):
        begin = m.end()
    pronouns = list(_SUBJECT_RE[want].finditer(ctx.text, begin, at))
    if not pronouns:
        return False
    # `Before she had gone far, her mother followed`: a pronoun in a clause of its own binds nothing after it.
    last = pronouns[-1]
    return not (
        _SUBORDINATE_RE.search(ctx.text, begin, last.start()) and _CLAUSE_RE.search(ctx.text, last.end(), at)
    )
