"""Speech tags next to quotes, and the grouping of quotes into turns and conversations."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from audiobook.model import Segment
from audiobook.script.attribution import speech as sp
from audiobook.script.attribution import thresholds as th

_CLOSERS = "\"”'’"
_POSSESSIVE = {"his": "he", "her": "she"}


@dataclass
class Tag:
    """A speech tag next to a quote: a name, a pronoun, or a noun phrase."""

    kind: str  # "name" | "pron" | "np"
    value: str
    longer: str = ""  # a noun phrase with what qualifies it: "the gentleman in the white waistcoat"


@dataclass
class Turn:
    """One speech: the dialogue of a paragraph, or of a quote running over several."""

    paragraphs: list[int]
    dialogue: list[int]  # indices into the segment list
    tags: dict[int, Tag] = field(default_factory=dict)
    speaker: str | None = None
    evidence: str | None = None
    own: dict[int, str] = field(default_factory=dict)  # per-quote speakers if tags disagree


_REPORTED_RE = re.compile(r"\s+(?:that|whether|if)\b")
_JOINED_RE = re.compile(r"[\s,;:—–-]*(?:and|then)\s")
# A hard-wrapped line may break the qualifier ("in the grey\ncoat"); a blank line ends it.
_QUALIFIER_RE = re.compile(
    rf"\s+(?:of|in|at|with|from|on)\s+(?:[^,.;:!?\"“”\n]|\n(?!\s*\n)){{1,{th.QUALIFIER_CHARS}}}?(?=\s*[,.;:!?\"“”]|\s*$)"
)
# The mark first, the titles looked for behind it: see speech.SENTENCE_START_RE.
_CLAUSE_END_RE = re.compile(r"[.!?;](?<!\bMr.)(?<!\bMrs.)(?<!\bDr.)(?<!\bSt.)(?=\s|$)")
_CLAUSE_OPEN_RE = re.compile(r"(?:^\W*|[,;:]\s+(?:and\s+|but\s+|then\s+)?|\b(?:and|but|then)\s+)$")
# `heard it say`, `heard one of them mutter`: a perception verb, the one heard, then the speech verb.
_HEARD_RE = re.compile(
    rf"\b(?:hear|hears|heard|hearing|overhear|overheard)\s+(\S+(?:\s+\S+){{0,{th.HEARD_WORDS}}}?)\s+(?:{sp.VERB})\b"
)
_OBJECT_PRONOUNS = {"him": "he", "her": "she"}
# `…, while she continued.` / `Then she spoke again.`: a sentence closing on its subject's speech verb.
_FINAL_VERB_RE = re.compile(
    rf"(?<![\w’'])({sp.PRONOUN}|{sp.NAME})\s+(?:(?:thus|then|[a-z]+ly)\s+)?"
    r"(?:continued|went\s+on|resumed|added|began|spoke\s+again|replied|answered|said|asked|rejoined|exclaimed)"
    r"(?:,?\s+(?:again|at\s+last|at\s+length|[a-z]+ly))?\.$"
)
_CORE_VERB_RE = re.compile(r"\b(?:said|says|asked|asks|cried|replied|answered|exclaimed|whispered|shouted|called)\b")


def find_tag(
    text: str, before: Segment | None, after: Segment | None, next_quote: bool = False, between: bool = False
) -> Tag | None:
    """The speech tag adjacent to one quote, looking after it first, then before it.

    `next_quote`: another quote follows in the paragraph; `between`: `before` lies between this quote and
    an earlier one of the same paragraph.
    """
    if between:
        split = _split_tag(text, before)
        if split is not None:
            return split
    lead = _lead_tag(text, before)
    if lead is not None and next_quote and before is not None and before.paragraph == (after or before).paragraph:
        return lead  # `when A said, "…," B replied, "…"`: the words after the quote introduce the next one
    after_tag = _tag_after(text, after, next_quote)
    return after_tag if after_tag is not None else lead


def _split_tag(text: str, between: Segment | None) -> Tag | None:
    """`"…," said Barnaby, when his aunt came in, "…"`: a quote split by one clause goes on in the same voice, unless
    that clause has a speaker of its own (`"…," said Greta, while Nils said "…"`)."""
    if between is None or between.kind != "narration":
        return None
    chunk = text[between.start : between.end]
    m = sp.VERB_FIRST_RE.match(chunk)
    if m is None or _CLAUSE_END_RE.search(chunk) is not None or _CORE_VERB_RE.search(chunk, m.end()):
        return None
    return tag_of(m, loose=True)


def _lead_tag(text: str, before: Segment | None) -> Tag | None:
    """The tag in the narration before a quote: its last sentence's when that runs into the quote (`Elizabeth
    said,`), else a sentence closing on its subject's speech verb (`Then she spoke again.`)."""
    if before is None or before.kind != "narration":
        return None
    chunk = text[max(before.start, before.end - th.TAG_BEFORE_CHARS) : before.end].rstrip()
    if chunk[-1:] not in ".!?":
        return _tag_before(chunk)
    final = _FINAL_VERB_RE.search(chunk)
    who = sp.SUBJECT_ANY_RE.fullmatch(final.group(1)) if final is not None else None
    return tag_of(who) if who is not None else None


def _tag_after(text: str, after: Segment | None, next_quote: bool) -> Tag | None:
    """The tag in the narration right after a quote: `"…," said Elizabeth`, `"…" Elizabeth replied`, `was her
    reply`."""
    if after is None or after.kind != "narration":
        return None
    chunk = text[after.start : min(after.end, after.start + th.TAG_AFTER_CHARS)]
    # `"…," and Nils said, "…"`: a clause joined on between two quotes introduces the next one.
    joined = next_quote and _JOINED_RE.match(chunk) is not None
    for rx in (sp.VERB_FIRST_RE,) if joined else (sp.VERB_FIRST_RE, sp.SUBJECT_FIRST_RE, sp.REPLY_RE):
        m = rx.match(chunk)
        if m is None:
            continue
        if rx is sp.SUBJECT_FIRST_RE and _REPORTED_RE.match(chunk, m.end()):
            continue  # `"Is it true?" Mary replied that it was.`: her answer is reported, not quoted
        tag = tag_of(m, loose=True)
        if tag is not None:
            return _completed(tag, chunk, m.end())
    return None


def _completed(tag: Tag, chunk: str, end: int) -> Tag:
    """A tag after a quote, its pronoun made a subject and its noun phrase given the qualifier after it."""
    if tag.kind == "pron" and tag.value in _POSSESSIVE:
        tag.value = _POSSESSIVE[tag.value]  # "was her reply": she said it
    if tag.kind == "np" and (q := _QUALIFIER_RE.match(chunk, end)) is not None:
        tag.longer = " ".join((tag.value + q.group()).split())
    return tag


def _tag_before(chunk: str) -> Tag | None:
    """The tag in the last sentence before a quote: `Mr. Royce, drawing near, said to her,`."""
    sentence = chunk
    for m in sp.SENTENCE_START_RE.finditer(chunk):
        sentence = chunk[m.end() :]
    heard = _HEARD_RE.search(sentence)
    if heard is not None:
        return _heard(heard.group(1))  # `Nina heard it say to itself,`: the one heard speaks, not the hearer
    best = _verb_tag(sentence)
    if best is not None:
        return best
    if sp.VERB_WORD_RE.search(sentence) is None and chunk[-1:] != ":":
        return None
    return _subject_tag(sentence)


def _heard(words: str) -> Tag | None:
    """The tag of the one heard (`heard him say`, `heard Mr. Hale mutter`)."""
    if words.lower() in _OBJECT_PRONOUNS:
        return Tag("pron", _OBJECT_PRONOUNS[words.lower()])
    who = sp.SUBJECT_ANY_RE.fullmatch(words)
    return tag_of(who) if who is not None else None


def _verb_tag(sentence: str) -> Tag | None:
    """The last subject-and-speech-verb tag of a sentence (`Elizabeth said`, `said she`)."""
    best: Tag | None = None
    at = -1
    subject_ends: list[tuple[int, int]] = []
    for rx in (sp.BEFORE_SUBJECT_RE, sp.BEFORE_VERB_RE):
        for m in rx.finditer(sentence):
            if rx is sp.BEFORE_SUBJECT_RE:
                subject_ends.append((m.start(), m.end()))
            elif any(s < m.start() < e for s, e in subject_ends):
                continue  # `Nils asked Cornelius Webb,`: the verb has a subject before it; the name after is heard
            if m.start() > at and (tag := tag_of(m)) is not None:
                best, at = tag, m.start()
    return best


def _subject_tag(sentence: str) -> Tag | None:
    """The speech verb's subject is most often the sentence's first name or pronoun; one opening a later clause
    before the verb is nearer ("Mr. Hale looked up, and Elinor could not help saying,")."""
    verbs = list(sp.VERB_WORD_RE.finditer(sentence))
    end = verbs[-1].start() if verbs else len(sentence)
    found = [(m, tag) for m in sp.SUBJECT_ANY_RE.finditer(sentence, 0, end) if (tag := tag_of(m)) is not None]
    if not found:
        return None
    opening = [tag for m, tag in found if _CLAUSE_OPEN_RE.search(sentence, 0, m.start())]
    return opening[-1] if opening else found[0][1]


def tag_of(m: re.Match[str], loose: bool = False) -> Tag | None:
    """The tag a lexicon match holds, or None for a capitalised word that is no name."""
    if m.group("name"):
        name = sp.clean_name(m.group("name"))
        if sp.split_name(name)[2]:
            return Tag("name", name)
        return None
    if m.groupdict().get("pron"):
        return Tag("pron", m.group("pron").lower())
    if m.groupdict().get("poss"):
        np = " ".join(m.group("poss").split())
        owner, _s, noun = np.rpartition(" ")
        if noun.lower() == "voice":
            # "said the Captain's voice", "her mother's voice": the owner speaks.
            owner = owner[:-2]
            return Tag("name", owner) if owner[:1].isupper() and sp.split_name(owner)[2] else Tag("np", owner)
        return Tag("np", np)  # "the miller's wife": never the one named
    if m.groupdict().get("np"):
        np = " ".join(m.group("np").split())
        head = np.split()[-1]
        # Only a phrase naming a person ("her sister", "the count") can say something; right after a quote
        # any "said the constable" is a tag, its noun maybe a cast alias.
        if loose or head.lower() in sp.PERSON_NOUNS or head.capitalize() in sp.TITLES or np[:1].isupper():
            return Tag("np", np)
    return None


def narration_of(segments: list[Segment], turn: Turn) -> list[Segment]:
    """The narration of the paragraph a turn opens in: `Tom turned to Mary and said, "…"`."""
    k = turn.dialogue[0]
    para = turn.paragraphs[0]
    while k > 0 and segments[k - 1].paragraph == para:
        k -= 1
    out = []
    while k < len(segments) and segments[k].paragraph == para:
        if segments[k].kind == "narration":
            out.append(segments[k])
        k += 1
    return out


def build_turns(text: str, segs: list[Segment]) -> tuple[list[Turn], list[list[int]]]:
    """Group dialogue into turns (joining multi-paragraph quotes) and turns into conversations."""
    turns: list[Turn] = []
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
            if open_quote and dialogue[0] == i and turns:
                turns[-1].paragraphs.append(segs[i].paragraph)
                turns[-1].dialogue.extend(dialogue)
            else:
                turns.append(Turn([segs[i].paragraph], dialogue))
                blocks[-1].append(len(turns) - 1)
            last = segs[dialogue[-1]]
            # A speech runs on when its last quote ends the paragraph without a closing mark.
            open_quote = last is segs[j - 1] and text[last.end - 1] not in _CLOSERS
            _tag_quotes(text, segs, range(i, j), dialogue, turns[-1])
        i = j
    return turns, [b for b in blocks if b]


def _tag_quotes(text: str, segs: list[Segment], para: range, dialogue: list[int], turn: Turn) -> None:
    """Find the tag of each quote of one paragraph (segments `para`) and note it on the turn."""
    for k in dialogue:
        before = segs[k - 1] if k > para.start else _introduction(text, segs, k)
        more = k + 2 < para.stop and segs[k + 2].kind == "dialogue"
        between = k - 2 >= para.start and segs[k - 2].kind == "dialogue"
        tag = find_tag(text, before, segs[k + 1] if k + 1 < para.stop else None, more, between)
        if tag is not None:
            turn.tags[k] = tag


def _introduction(text: str, segs: list[Segment], k: int) -> Segment | None:
    """The narration ending the paragraph before quote k, when it introduces the quote: `Mr. Kemp observed,`."""
    if k == 0 or segs[k - 1].kind != "narration":
        return None
    prev = segs[k - 1]
    if text[prev.end - 1] in ",:—–-":
        return prev
    # `He listened while she continued.` closing a paragraph of pure narration introduces the quote.
    alone = k < 2 or segs[k - 2].paragraph != prev.paragraph
    ends = alone and _FINAL_VERB_RE.search(text[max(prev.start, prev.end - th.FINAL_VERB_CHARS) : prev.end].rstrip())
    return prev if ends else None
