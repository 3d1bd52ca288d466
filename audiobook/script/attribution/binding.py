"""Syntax in the attributor: a "she" before a name in its sentence is not that name's bearer (binding); a "he" after a
sentence whose subject is a man and whose latest man is only an object is the subject."""

from __future__ import annotations

import re

from audiobook.model import Gender
from audiobook.script.attribution import speech as sp
from audiobook.script.attribution import thresholds as th
from audiobook.script.attribution.rules import Context

OPENER_RE = re.compile(r"[\W_]*(?:(?:And|But|Then|So|Now|Yet)\s+)?")  # before a sentence's subject
_SUBJECT_RE: dict[Gender, re.Pattern[str]] = {"male": re.compile(r"\b[Hh]e\b"), "female": re.compile(r"\b[Ss]he\b")}
_CLAUSE_RE = re.compile(r"[,;:—–]")
_SUBORDINATE_RE = re.compile(
    r"\b(?:before|when|as|if|though|although|while|after|since|till|until|because|once|whenever)\b", re.IGNORECASE
)
_NEW_CLAUSE_RE = re.compile(r"\b(?:when|while|till|until|where|whereupon)\s+(?:the\s+)?$", re.IGNORECASE)
_RELATIVE_RE = re.compile(rf"{sp.NAME}[^.!?;]{{0,{th.RELATIVE_CLAUSE_CHARS}}}?,\s+who\b")
_PREDICATE_RE = re.compile(r"\b(?:was|is|were|be|been|as|became|like)\s+(?:(?:a|an|the)\s+)?$", re.IGNORECASE)


def bound(ctx: Context, t: int, latest: str, want: Gender) -> bool:
    """`All the way she thought of the letter from Elinor.` then `"…," said she`: a "she" before Elinor's name in its
    sentence is someone else (binding), whom the passage is about, and the next "she" goes on with her."""
    start = ctx.start(ctx.turns[t])
    last = [pos for pos, who in ctx.mentions_between(max(0, start - th.BINDING_CHARS), start) if who == latest]
    if not last:
        return False
    return after_pronoun(ctx, last[-1], want)


def after_pronoun(ctx: Context, at: int, want: Gender) -> bool:
    """Whether the name at `at` follows a "he"/"she" of its gender in its sentence: `She looked at Mary`, where the
    "she" is not Mary (whoever else of hers the sentence names first: "Ann smiled as she thought of Mary")."""
    if _PREDICATE_RE.search(ctx.text, max(0, at - th.PREDICATE_CHARS), at):
        return False  # "He was an old man": the "he" is that man
    if _NEW_CLAUSE_RE.search(ctx.text, max(0, at - th.NEW_CLAUSE_CHARS), at):
        return False  # "…, when the waiter appeared and said": a clause of the waiter's own
    relative = _RELATIVE_RE.match(ctx.text, at)
    if relative is not None and sp.VERB_WORD_RE.search(
            ctx.text, relative.end(), relative.end() + th.RELATIVE_VERB_CHARS):
        return False  # "She met Rosa, who, breathless, cried out": Rosa speaks
    begin = _sentence_start(ctx, 0, at)
    pronouns = list(_SUBJECT_RE[want].finditer(ctx.text, begin, at))
    if not pronouns:
        return False
    # `Before she had gone far, her mother followed`: a pronoun in a clause of its own binds nothing after it.
    last = pronouns[-1]
    return not (
        _SUBORDINATE_RE.search(ctx.text, begin, last.start()) and _CLAUSE_RE.search(ctx.text, last.end(), at)
    )


_OBLIQUE_BEFORE_RE = re.compile(
    r"\b(?:to|at|into|with|from|of|for|on|upon|near|by|towards?|after|about|against|behind|beside|round|"
    r"past|over|under|beneath|like)\s+(?:the\s+)?$", re.IGNORECASE)
_RELATIVE_BEFORE_RE = re.compile(r"\b(?:which|whom|where)\b[^,.;:!?]*$")
_MAIN_CLAUSE_RE = re.compile(r"(?:;|,\s+but)\s+(?:but\s+|and\s+)?")
_EXIT_RE = re.compile(r"\b(?:away|left|withdrew|retired|departed|vanished|disappeared|gave\s+place)\b")


def oblique_subject(ctx: Context, t: int, latest: str, want: Gender) -> str | None:
    """`Tom smiled at Mr. Hale.` then `"…," he said`: the subject of the sentence naming the latest man only after a
    preposition or as a possessor ("into Mr. Hale's face") is the "he", unless the subject leaves in that sentence
    ("Tom went away and gave place to Mr. Hale")."""
    k = ctx.turns[t].dialogue[0]
    if k == 0 or ctx.segments[k - 1].kind != "narration":
        return None
    seg = ctx.segments[k - 1]
    last = [pos for pos, who in ctx.mentions_between(seg.start, seg.end) if who == latest]
    if not last or not _oblique(ctx, last[-1]):
        return None
    at = last[-1]
    begin = _sentence_start(ctx, seg.start, at)
    for m in _MAIN_CLAUSE_RE.finditer(ctx.text, begin, at):
        begin = m.end()  # "Amos was at a loss; but Felix, who had heard Tom's story, understood"
    first = ctx.mentions_between(begin, at)[:1]
    if not first or first[0][1] == latest or ctx.names.gender.get(first[0][1]) != want:
        return None
    if not OPENER_RE.fullmatch(ctx.text, begin, first[0][0]) or _EXIT_RE.search(ctx.text, first[0][0], at):
        return None
    return first[0][1]


def _oblique(ctx: Context, at: int) -> bool:
    """Whether the name at `at` is an object: after a preposition or a relative pronoun, or a possessor."""
    name = sp.CAPSEQ_RE.match(ctx.text, at)
    end = name.end() if name is not None else at
    return bool(_OBLIQUE_BEFORE_RE.search(ctx.text, max(0, at - th.OBLIQUE_CHARS), at)
                or ctx.text.startswith(("'s", "’s"), end)
                or _RELATIVE_BEFORE_RE.search(ctx.text, max(0, at - th.RELATIVE_BEFORE_CHARS), at))


def _sentence_start(ctx: Context, lo: int, at: int) -> int:
    """Where the sentence holding text offset `at` starts, not before `lo` nor long before `at`."""
    begin = max(lo, at - th.SENTENCE_CHARS)
    for m in sp.SENTENCE_START_RE.finditer(ctx.text, begin, at):
        begin = m.end()
    return begin
