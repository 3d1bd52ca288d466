"""Split chapters into narration and dialogue segments with offsets into the book text."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from audiobook.model import Chapter, Segment, SegmentKind
from audiobook.script.attribution.speech import VERB_WORD_RE

# Paragraph conventions, chosen once per book:
#   "blank"  paragraphs are separated by blank lines; hard-wrapped lines inside
#            a paragraph are joined (Gutenberg style);
#   "indent" almost no blank lines but many indented lines: an indented line
#            starts a paragraph (a blank line still does too);
#   "line"   almost no blank lines and few indents: every line is a paragraph.
_BLANK_RE = re.compile(r"\n(?:[^\S\n]*\n)+")
_INDENT_RE = re.compile(r"\n(?=[ \t]+\S)")
_NEWLINE_RE = re.compile(r"\n")
_HAS_ALNUM_RE = re.compile(r"[^\W_]")

# Quote conventions, chosen once per book: double marks, or single marks for
# books that use them (British style) with double ones nested inside.
_DOUBLE_RE = re.compile(r"[\"“”]")
_SINGLE_RE = re.compile(r"['‘’]")
# Words that begin with an apostrophe and so never open a single-quote speech.
_ELIDED_WORDS = (
    "tis twas twere twill twould taint em cause cos til till ere un n nother "
    "ow ome im er is alf ad ave eard appen uns s d ll re ve m t"
)
_ELIDED = frozenset(_ELIDED_WORDS.split())
# Elisions that are words too ("'is" for his, "'ere" for here): outside a quote, after a split quote's tag
# (`‘And what,’ said she, ‘is the news?’`), the mark before them resumes the speech.
_ELIDED_WORDS_TOO = frozenset(("is", "ere", "till", "til", "cause", "un", "ow"))
# Elisions that open a sentence with a capital; after a mark, "Is", "Till", "Ere" open a speech ("‘Is it far?’").
_ELIDED_CAPITALIZED = frozenset(("tis", "twas", "twere", "twill", "twould"))
_ELIDED_RE = re.compile(r"['‘’]([A-Za-z]+)\b")
_SINGLE_OPEN_RE = re.compile(r"(?:^|(?<=[\s(\[—–-]))['‘](?=[^\W\d_])", re.MULTILINE)
_LOUD_RE = re.compile(r"[!?]")
_AFTER_WORD_RE = re.compile(r"[\s,]*([a-z]+)\b")
_BEFORE_WORD_RE = re.compile(r"\b([a-z]+)$")
# Words after a quote that still leave it speech: `"Yes," he said`, `"No," and then`, `"Go," the man said`.
_NOT_VERBS = frozenset(("he", "she", "i", "we", "they", "it", "you", "the", "a", "an", "and", "but", "then", "or", "so",
                        "as", "at", "in", "his", "her", "their", "my", "one"))
_OPENING_PUNCT = "([{—–-_*"
_CLOSING_PUNCT = ".,;:!?)]}—–-…"


def _paragraph_mode(text: str) -> str:
    """Pick how this book marks paragraphs, from the share of blank and indented lines."""
    lines = text.count("\n") + 1
    if lines < 4:
        return "blank"
    blanks = len(_BLANK_RE.findall(text))
    if blanks * 50 >= lines:
        return "blank"
    indents = len(_INDENT_RE.findall(text))
    if max(2, lines // 20) <= indents <= lines * 3 // 5:
        return "indent"
    return "line"


def _uses_single_quotes(text: str) -> bool:
    """Whether speech in this book is marked with single quotes rather than double ones."""
    doubles = len(_DOUBLE_RE.findall(text))
    openers = 0
    for m in _SINGLE_OPEN_RE.finditer(text):
        word = _ELIDED_RE.match(text, m.start())
        if word is None or not _elided(word.group(1)):
            openers += 1
    return openers >= 2 and openers > 2 * doubles


def _elided(word: str) -> bool:
    """Whether a word after a single mark is one that mark elides ("'em", "'Tis"), so the mark opens no speech."""
    return word.lower() in (_ELIDED_CAPITALIZED if word[0].isupper() else _ELIDED)


# Words that dialogue cuts short at their end, the mark standing for the lost letters: o' (of), th' (the), wi'
# (with), ha' (have), an' (and), fro' (from), t' (to), i' (in), awa' (away).
_CUT_SHORT = frozenset(["o", "th", "wi", "ha", "an", "fro", "t", "i", "awa"])
_WORD_BEFORE_RE = re.compile(r"([A-Za-z]+)$")


def _cut_short(text: str, i: int, start: int) -> bool:
    """Whether the word before the mark at i lost its end: a plural possessive (boys'), a dropped g (goin'), or
    a short word dialect shortens (o', th', wi')."""
    word = _WORD_BEFORE_RE.search(text, max(start, i - 20), i)
    if word is None:
        return False
    w = word.group(1)
    return w.endswith("s") or (w.endswith("in") and len(w) > 3) or w.lower() in _CUT_SHORT


def _next_is_lower(text: str, pos: int, end: int) -> bool:
    """Whether the next word after pos (past spaces and one line break) starts with a small letter."""
    while pos < end and text[pos].isspace():
        pos += 1
    return pos < end and text[pos].islower()


def _split(text: str, start: int, end: int, mode: str) -> Iterator[tuple[int, int]]:
    """Yield (start, end) of each paragraph of text[start:end] that is not blank."""
    pattern = {"blank": _BLANK_RE, "indent": _INDENT_RE, "line": _NEWLINE_RE}[mode]
    pos = start
    for m in pattern.finditer(text, start, end):
        yield from _pieces(text, pos, m.start(), mode)
        pos = m.end()
    yield from _pieces(text, pos, end, mode)


def _pieces(text: str, start: int, end: int, mode: str) -> Iterator[tuple[int, int]]:
    # In indent mode a blank line still separates paragraphs.
    if mode == "indent":
        pos = start
        for m in _BLANK_RE.finditer(text, start, end):
            yield from _trim(text, pos, m.start())
            pos = m.end()
        yield from _trim(text, pos, end)
    else:
        yield from _trim(text, start, end)


def _trim(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        yield start, end


class _Quoter:
    """Finds the quoted stretches of one paragraph under the book's quote convention."""

    def __init__(self, text: str, single: bool) -> None:
        self.text = text
        self.single = single
        self.marks = _SINGLE_RE if single else _DOUBLE_RE

    def _looks_opening(self, i: int, start: int, end: int) -> bool:
        text = self.text
        before = text[i - 1] if i > start else " "
        after = text[i + 1] if i + 1 < end else " "
        return (before.isspace() or before in _OPENING_PUNCT) and not after.isspace()

    def _looks_closing(self, i: int, start: int, end: int) -> bool:
        text = self.text
        before = text[i - 1] if i > start else " "
        after = text[i + 1] if i + 1 < end else " "
        return not before.isspace() and (after.isspace() or after in _CLOSING_PUNCT or after in "\"“”'‘’")

    def _is_apostrophe(self, i: int, start: int, end: int, inside: bool) -> bool:
        """A single mark inside a word, eliding a word's start, or a plural possessive. `inside`: a quote is open."""
        text = self.text
        before = text[i - 1] if i > start else " "
        after = text[i + 1] if i + 1 < end else " "
        if before.isalnum() and after.isalnum():
            return True
        word = _ELIDED_RE.match(text, i)
        if word is not None and _elided(word.group(1)) and not before.isalnum():
            return inside or not self._resumes(i, start, word.group(1))
        # A word cut short at its end before the sentence goes on: the Smiths' house, goin' home, o' th' kind.
        return after.isspace() and _next_is_lower(text, i + 1, end) and _cut_short(text, i, start)

    def _resumes(self, i: int, start: int, word: str) -> bool:
        """Whether an opening mark before an elision that is also a word follows a comma, as a split quote's
        second part does after its tag."""
        j = i - 1
        while j >= start and self.text[j].isspace():
            j -= 1
        return self.text[i] in "‘'" and word in _ELIDED_WORDS_TOO and j >= start and self.text[j] == ","

    def quotes(self, start: int, end: int) -> list[tuple[int, int]]:
        """Return the quoted (start, end) stretches of the paragraph text[start:end].

        A quote left open ends with its paragraph: a speech running on through
        several paragraphs opens each of them with a fresh mark anyway.
        """
        spans, nested_ok = self._scan(start, end, nested=True)
        if not nested_ok:
            spans, _ = self._scan(start, end, nested=False)
        return [(s, e) for s, e in spans if not self._is_scare_quote(s, e, start)]

    def _scan(self, start: int, end: int, nested: bool) -> tuple[list[tuple[int, int]], bool]:
        """Pair the marks; with `nested`, an opening mark inside a quote starts an inner quote.

        The second value is False when the nested reading fails (a quote still
        open at the paragraph end after nesting), so the caller re-reads the
        marks as a sequence of quotes some of which were never closed.
        """
        text = self.text
        spans: list[tuple[int, int]] = []
        open_at = -1
        outer: list[int] = []
        for m in self.marks.finditer(text, start, end):
            i = m.start()
            ch = text[i]
            if self.single and self._is_apostrophe(i, start, end, open_at >= 0):
                continue
            opening = self._looks_opening(i, start, end)
            closing = self._looks_closing(i, start, end)
            if open_at < 0:
                # A stray closing mark opens nothing.
                if ch in "”’" and not opening:
                    continue
                if ch in "'\"" and closing and not opening and i > start:
                    continue
                open_at = i
            elif (ch in "“‘" and not closing) or (ch in "'\"" and opening and not closing):
                if nested:
                    outer.append(open_at)
                else:
                    # The earlier quote was never closed: it ends where this one begins.
                    spans.append((open_at, i))
                open_at = i
            elif outer:
                open_at = outer.pop()
            else:
                spans.append((open_at, i + 1))
                open_at = -1
        if open_at >= 0:
            spans.append((outer[0] if outer else open_at, end))
        return spans, not outer

    def _is_scare_quote(self, start: int, end: int, para_start: int) -> bool:
        """Narration, not speech: a few lowercase words quoted mid-sentence ("the so-called "tip""), or a short
        title the sentence runs on past (`their production, "Snowflakes," premiered`)."""
        text = self.text
        inner = text[start + 1 : end - 1].strip()
        if not inner or len(inner.split()) > 4 or _LOUD_RE.search(inner):
            return False
        j = start - 1
        while j >= para_start and text[j].isspace():
            j -= 1
        if inner[0].islower():
            return j >= para_start and text[j].isalpha()
        # A title mid-sentence: `their joint production, "Snowflakes," premiered to great acclaim`.
        if j < para_start or text[j] not in ",;":
            return False
        before = _BEFORE_WORD_RE.search(text, max(para_start, j - 40), j)
        after = _AFTER_WORD_RE.match(text, end)
        # Not speech introduced or carried on: `he said, "Yes, yes," last time`, `proudly, "Look at me," drifted`.
        if before is None or after is None or before.group(1).endswith("ly"):
            return False
        said = _speech_verb(before.group(1)) or _speech_verb(after.group(1))
        return not said and after.group(1) not in _NOT_VERBS


def _speech_verb(word: str) -> bool:
    """A speech verb in any form: "said", "saying", and "answer" as in "going to answer"."""
    return any(VERB_WORD_RE.fullmatch(w) for w in (word, word + "ed", word + "s", word[:-1] + "ied"))


def _emit(
    out: list[Segment], text: str, kind: SegmentKind, start: int, end: int, chapter: int, paragraph: int
) -> None:
    for s, e in _trim(text, start, end):
        if _HAS_ALNUM_RE.search(text, s, e):
            out.append(Segment(kind, s, e, chapter, paragraph))


_SINGING_RE = re.compile(r"\b(?:sang|sings?|singing|song|hummed|hums?|humming|chanted|recited)\b", re.IGNORECASE)
_VERSE_LINE_RE = re.compile(r"[ \t]{2,}\S[^\n]{0,70}")


def _song(text: str, before: Segment, start: int, end: int) -> bool:
    """Whether a paragraph is verse set off by indentation just after narration saying someone sings it:
    `…and he sang as he walked. It went like this:` and an indented stanza."""
    line_start = text.rfind("\n", 0, start) + 1
    lines = text[line_start:end].split("\n")
    if len(lines) < 2 or not all(_VERSE_LINE_RE.fullmatch(line) for line in lines):
        return False
    if text[before.end:line_start].count("\n") > 3:
        return False  # a heading or a scene break between them
    return _SINGING_RE.search(text, max(before.start, before.end - 200), before.end) is not None


def segment(text: str, chapters: Sequence[Chapter]) -> list[Segment]:
    """Split each chapter into heading, narration and dialogue segments, in book order."""
    mode = _paragraph_mode(text)
    quoter = _Quoter(text, _uses_single_quotes(text))
    out: list[Segment] = []
    paragraph = 0
    for ch in sorted(chapters, key=lambda c: c.start):
        body = min(max(ch.body_start, ch.start), ch.end)
        for ps, pe in _split(text, ch.start, body, "blank"):
            paragraph += 1
            _emit(out, text, "narration", ps, pe, ch.index, paragraph)
        for ps, pe in _split(text, body, ch.end, mode):
            paragraph += 1
            spans = quoter.quotes(ps, pe)
            if not spans and mode == "blank" and out and out[-1].kind == "narration" and _song(text, out[-1], ps, pe):
                _emit(out, text, "dialogue", ps, pe, ch.index, paragraph)
                continue
            pos = ps
            for qs, qe in spans:
                _emit(out, text, "narration", pos, qs, ch.index, paragraph)
                _emit(out, text, "dialogue", qs, qe, ch.index, paragraph)
                pos = qe
            _emit(out, text, "narration", pos, pe, ch.index, paragraph)
    return out
