"""Speech tags next to quotes, and the grouping of quotes into turns and conversations."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from audiobook.model import Segment
from audiobook.script.attribution import speech as sp

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
    r"\s+(?:of|in|at|with|from|on)\s+(?:[^,.;:!?\"“”\n]|\n(?!\s*\n)){1,40}?(?=\s*[,.;:!?\"“”]|\s*$)"
)
_CLAUSE_END_RE = re.compile(r"(?<!\bMr)(?<!\bMrs)(?<!\bDr)(?<!\bSt)[.!?;](?=\s|$)")
_CLAUSE_OPEN_RE = re.compile(r"(?:^\W*|[,;:]\s+(?:and\s+|but\s+|then\s+)?|\b(?:and|but|then)\s+)$")
# `heard it say`, `heard one of them mutter`: a perception verb, the one heard, then the speech verb.
_HEARD_RE = re.compile(
    rf"\b(?:hear|hears|heard|hearing|overhear|overheard)\s+(\S+(?:\s+\S+){{0,3}}?)\s+(?:{sp.VERB})\b"
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
    if between and before is not None and before.kind == "narration":
        chunk = text[before.start : before.end]
        m = sp.VERB_FIRST_RE.match(chunk)
        # `"…," said Oliver, when his aunt came in, "…"`: a quote split by one clause goes on in the same
        # voice, unless that clause has a speaker of its own (`"…," said Kanga, while Roo said "…"`).
        if m is not None and _CLAUSE_END_RE.search(chunk) is None and not _CORE_VERB_RE.search(chunk, m.end()):
            tag = tag_of(m, loose=True)
            if tag is not None:
                return tag
    lead: Tag | None = None
    if before is not None and before.kind == "narration":
        chunk = text[max(before.start, before.end - 300) : before.end].rstrip()
        if chunk[-1:] not in ".!?":
            lead = _tag_before(chunk)
        elif (final := _FINAL_VERB_RE.search(chunk)) is not None:
            who = sp.SUBJECT_ANY_RE.fullmatch(final.group(1))
            lead = tag_of(who) if who is not None else None
    if lead is not None and next_quote and before is not None and before.paragraph == (after or before).paragraph:
        return lead  # `when A said, "…," B replied, "…"`: the words after the quote introduce the next one
    if after is not None and after.kind == "narration":
        chunk = text[after.start : min(after.end, after.start + 160)]
        # `"…," and Pooh said, "…"`: a clause joined on between two quotes introduces the next one.
        joined = next_quote and _JOINED_RE.match(chunk) is not None
        for rx in (sp.VERB_FIRST_RE,) if joined else (sp.VERB_FIRST_RE, sp.SUBJECT_FIRST_RE, sp.REPLY_RE):
            m = rx.match(chunk)
            if rx is sp.SUBJECT_FIRST_RE and m is not None and _REPORTED_RE.match(chunk, m.end()):
                continue  # `"Is it true?" Mary replied that it was.`: her answer is reported, not quoted
            if m is not None and (tag := tag_of(m, loose=True)) is not None:
                if tag.kind == "pron" and tag.value in _POSSESSIVE:
                    tag.value = _POSSESSIVE[tag.value]  # "was her reply": she said it
                if tag.kind == "np" and (q := _QUALIFIER_RE.match(chunk, m.end())) is not None:
                    tag.longer = " ".join((tag.value + q.group()).split())
                return tag
    return lead


def _tag_before(chunk: str) -> Tag | None:
    """The tag in the last sentence before a quote: `Mr. Darcy, drawing near, said to her,`."""
    sentence = chunk
    for m in sp.SENTENCE_START_RE.finditer(chunk):
        sentence = chunk[m.end() :]
    heard = _HEARD_RE.search(sentence)
    if heard is not None:
        # `Alice heard it say to itself,`: the one heard speaks, not the hearer.
        if heard.group(1).lower() in _OBJECT_PRONOUNS:
            return Tag("pron", _OBJECT_PRONOUNS[heard.group(1).lower()])
        who = sp.SUBJECT_ANY_RE.fullmatch(heard.group(1))
        return tag_of(who) if who is not None else None
    best: Tag | None = None
    at = -1
    subject_ends: list[tuple[int, int]] = []
    for rx in (sp.BEFORE_SUBJECT_RE, sp.BEFORE_VERB_RE):
        for m in rx.finditer(sentence):
            if rx is sp.BEFORE_SUBJECT_RE:
                subject_ends.append((m.start(), m.end()))
            elif any(s < m.start() < e for s, e in subject_ends):
                continue  # `Pooh asked Christopher Robin,`: the verb has a subject before it; the name after is heard
            if m.start() > at and (tag := tag_of(m)) is not None:
                best, at = tag, m.start()
    if best is not None:
        return best
    if sp.VERB_WORD_RE.search(sentence) is None and chunk[-1:] != ":":
        return None
    # The speech verb's subject is most often the sentence's first name or pronoun; one opening a later clause
    # before the verb is nearer ("Mr. Hale looked up, and Elinor could not help saying,").
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
            starts_with_quote = dialogue[0] == i
            if open_quote and starts_with_quote and turns:
                turns[-1].paragraphs.append(segs[i].paragraph)
                turns[-1].dialogue.extend(dialogue)
            else:
                turns.append(Turn([segs[i].paragraph], dialogue))
                blocks[-1].append(len(turns) - 1)
            last = segs[dialogue[-1]]
            # A speech runs on when its last quote ends the paragraph without a closing mark.
            open_quote = last is segs[j - 1] and text[last.end - 1] not in _CLOSERS
            for k in dialogue:
                before = segs[k - 1] if k > i else None
                if before is None and k > 0 and segs[k - 1].kind == "narration":
                    # An introduction ending the previous paragraph: `Mr. Bennet observed,`.
                    tail = text[segs[k - 1].end - 1]
                    prev = segs[k - 1]
                    # `He listened while she continued.` closing a paragraph of pure narration introduces the quote.
                    ends = (k < 2 or segs[k - 2].paragraph != prev.paragraph) and _FINAL_VERB_RE.search(
                        text[max(prev.start, prev.end - 60) : prev.end].rstrip())
                    before = prev if tail in ",:—–-" or ends else None
                more = k + 2 < j and segs[k + 2].kind == "dialogue"
                between = k - 2 >= i and segs[k - 2].kind == "dialogue"
                tag = find_tag(text, before, segs[k + 1] if k + 1 < j else None, more, between)
                if tag is not None:
                    turns[-1].tags[k] = tag
        i = j
    return turns, [b for b in blocks if b]
