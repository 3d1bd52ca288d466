"""A plain text's own table of contents, and the headings in its body that the contents name.

Printed books list their chapters before the first one. Project Gutenberg keeps that list as lines of text, in
many forms: one entry a line or a blank line between entries, page numbers and dotted leaders, entries wrapped
onto an indented second line, part headings with their subtitle below, several `CHAPTER X` on one line, a column
label ("CHAPTER", "PAGE") above. The list tells two things that headings alone do not: where the contents end and
the book begins (so the list is never read as chapters), and which lines of the body are headings, even ones no
pattern knows (a story's title alone on a line, `STAVE I`, `1.  The Cyclone`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

from audiobook.text.numbers import NUMBER_WORDS, number_value

# The title line of a contents list: "CONTENTS", "Table of Contents", "CONTENTS.".
_CONTENTS_TITLE = re.compile(r"^[ \t]*(?:the[ \t]+)?(?:table[ \t]+of[ \t]+)?contents\.?[ \t]*\r?$", re.I | re.M)
# A list of illustrations is front matter too, never chapters.
_LIST_TITLE = re.compile(r"^[ \t]*(?:list[ \t]+of[ \t]+)?(?:illustrations|plates)\.?[ \t]*\r?$", re.I | re.M)
# Column labels above the entries: "CHAPTER", "Chapter  Page", "PAGE".
_COLUMN_LABEL = re.compile(r"^(?:chap(?:ter)?s?\.?|page|pages|part)(?:[ \t]+(?:page|pages))?$", re.I)
# A page number at an entry's end, after spaces or dotted leaders: "THE BLACK SPOT . . . .  24", "Loomings 1".
_PAGE_NUMBER = re.compile(r"(?:[ \t]*(?:\.[ \t]*){2,}|[ \t]{2,}|[ \t]+)(?:\d{1,4}|[ivxlc]{1,6})[ \t]*$", re.I)
_LEADERS = re.compile(r"(?:[ \t]*(?:\.[ \t]*){3,}|[ \t]*_{3,}[ \t]*)$")

# The words that name what a numbered heading is; a part groups chapters.
CHAPTER_WORDS = ("chapter", "chap", "stave", "letter", "canto", "episode", "story")
PART_WORDS = ("part", "book", "volume", "vol")
_KIND = "|".join(CHAPTER_WORDS + PART_WORDS)
# "[kind] [the] number [separator title]"; a bare numeral needs a separator, two spaces or the line's end.
_NUMBERED = re.compile(
    rf"^(?:(?P<kind>{_KIND})\.?[ \t]+(?:the[ \t]+)?)?"
    rf"(?P<num>\d{{1,4}}|[ivxlcdm]+|(?:{NUMBER_WORDS})(?:[- ](?:{NUMBER_WORDS}))?)\b"
    r"(?P<sep>[ \t]*[.:)\]\u2014\u2013-][ \t]*|[ \t]{2,}|[ \t]*$|[ \t]+)(?P<rest>.*)$",
    re.I,
)
# Headings a book has without a number.
SPECIAL_WORDS = ("prologue", "epilogue", "preface", "introduction", "foreword", "afterword", "interlude",
                 "postscript", "prelude", "finale", "conclusion", "dedication", "appendix")
_SPECIAL = re.compile(rf"^(?:the[ \t]+|an?[ \t]+)?(?:author'?s'?[ \t]+)?(?P<word>{'|'.join(SPECIAL_WORDS)})\b",
                      re.I)


def fold(s: str) -> str:
    """Lower case letters and digits only, one space apart: what two spellings of a title share."""
    s = s.replace("\u2019", "'").replace("&", " and ")
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode().lower()
    s = re.sub(r"'s\b", "s", s)
    return " ".join(re.sub(r"[^a-z0-9]+", " ", s).split())


@dataclass(frozen=True)
class Heading:
    """What a heading or a contents entry says: its kind ("chapter", "part", None), number and title."""

    kind: str | None
    number: int | None
    numeral: str  # the number as written ("XII", "12", "Twelve"), "" without one
    title: str  # the words after the number, or the whole heading without one
    special: str | None = None  # "preface", "epilogue"... for a heading without a number

    @cached_property
    def key(self) -> str:
        """The folded title, for matching an entry with its heading."""
        return fold(self.title)


def strip_decoration(line: str) -> str:
    """A heading without its frame: `— I —`, `[ 1 ]`, `_CHAPTER I_`, `*** II ***` -> the words inside."""
    s = line.strip().strip("\ufeff").strip()
    s = re.sub(r"^[\[\(\u2014\u2013_*=~ \t-]+(?=\w)", "", s)
    s = re.sub(r"(?<=[\w.?!'\"\u2019\u201d)])[\]\)\u2014\u2013_*=~ \t-]+$", "", s)
    return s.strip()


def parse_heading(line: str) -> Heading | None:
    """Read a heading line: `CHAPTER XII. THE TITLE`, `Stave I: Marley's Ghost`, `II.`, `PREFACE`; else None.

    A title alone (`A Scandal in Bohemia`) is a Heading with no number and no special word: only a contents
    entry can vouch for it.
    """
    s = strip_decoration(line)
    if not s or len(s) > 160:
        return None
    m = _NUMBERED.match(s)
    if m:
        kind_word = (m.group("kind") or "").lower().rstrip(".")
        value = number_value(m.group("num"))
        sep, rest = m.group("sep"), m.group("rest").strip()
        bare_word = not kind_word and not re.fullmatch(r"\d+|[ivxlcdm]+", m.group("num"), re.I)
        # "I went home" and "One day" are sentences: a bare numeral takes a title only after a mark.
        single_space = bool(rest) and not sep.strip() and len(sep) == 1
        if value is not None and not bare_word and not (single_space and not kind_word):
            kind = "part" if kind_word in PART_WORDS else "chapter" if kind_word else None
            word = kind_word if kind_word != "chap" else "chapter"
            numeral = m.group("num").upper() if re.fullmatch(r"[ivxlcdm]+", m.group("num"), re.I) \
                else m.group("num").title()
            return Heading(kind if kind_word else None, value, numeral, rest.strip(" .:\u2014\u2013-"), word or None)
    special = _SPECIAL.match(s)
    if special:
        return Heading(None, None, "", s.rstrip(" ."), special.group("word").lower())
    return Heading(None, None, "", s.rstrip(" ."))


@dataclass(frozen=True)
class Entry:
    """One entry of a contents list: what it says and where its line starts."""

    heading: Heading
    start: int


@dataclass(frozen=True)
class ContentsList:
    """A table of contents (or a list of illustrations) found in a text: where it lies, and its entries."""

    start: int  # its title line
    end: int  # where the book goes on after it
    entries: tuple[Entry, ...]
    is_contents: bool = True  # False for a list of illustrations
    title_end: int = 0  # the end of its title line


def _lines(text: str, start: int, end: int) -> Iterator[tuple[int, int, str]]:
    """(start, end, line without its line break) for each line of text[start:end]."""
    pos = start
    while pos < end:
        stop = text.find("\n", pos, end)
        stop = end if stop == -1 else stop
        yield pos, stop, text[pos:stop].rstrip("\r")
        pos = stop + 1


def _prose_line(line: str) -> bool:
    """A line of running text: many words in sentence case, not an entry with a page number."""
    s = line.strip()
    if _PAGE_NUMBER.search(s) and re.search(r"\d\s*$", s):
        return False
    words = s.split()
    if s.upper() == s:
        return len(words) >= 20
    head = parse_heading(s)
    if head and head.number is not None and head.kind:
        return len(words) > 24
    return len(words) >= 10 or len(s) > 90


def _entry_text(line: str) -> str:
    """A contents line without its page number and leaders: `THE BLACK SPOT . . . 24` -> `THE BLACK SPOT`.

    A number that is the heading's own (`Letter 1`, `Chapter 12`) stays.
    """
    s = _LEADERS.sub("", line.rstrip())
    m = _PAGE_NUMBER.search(s)
    if not m:
        return s.strip()
    rest = s[:m.start()].strip()
    own_number = not rest or re.search(rf"\b(?:{_KIND})\.?$", rest, re.I) is not None
    spaced = re.search(r"(?:\.[ \t]*){2,}|[ \t]{2,}", m.group(0)) is not None
    # A page number stands after dots or two spaces, or is a number after a title (a lone Roman "I" ends titles).
    if not own_number and (spaced or (re.search(r"\d[ \t]*$", m.group(0)) and len(rest.split()) >= 2)):
        s = rest
    return s.strip()


def find_contents(text: str, start: int, end: int) -> list[ContentsList]:
    """The contents lists (and lists of illustrations) in the first part of text[start:end], in order."""
    found: list[ContentsList] = []
    limit = start + max(60_000, (end - start) // 4)
    pos = start
    while True:
        titles = [m for m in (p.search(text, pos, min(limit, end)) for p in (_CONTENTS_TITLE, _LIST_TITLE)) if m]
        if not titles:
            return found
        title = min(titles, key=lambda m: m.start())
        listing = _read_list(text, title.start(), title.end(), end)
        listing = ContentsList(listing.start, listing.end, listing.entries, title.re is not _LIST_TITLE, title.end())
        if listing.entries:
            found.append(listing)
        pos = max(listing.end, title.end())


def _read_list(text: str, title_start: int, pos: int, end: int) -> ContentsList:
    """The entries below a contents title, up to the first prose or the body's first heading.

    The body begins at a paragraph that repeats an entry (its first heading), or at a short paragraph right
    above prose (a heading the list did not name, such as a prelude).
    """
    lines: list[tuple[int, str, int, bool]] = []  # (line start, entry text, indent, has a page number)
    stop = pos
    blocks = _blocks(text, pos, end)
    for n, block in enumerate(blocks):
        if any(_prose_line(line) or len(_entry_text(line)) > 120 for _s, _e, line in block):
            break
        following = blocks[n + 1] if n + 1 < len(blocks) else []
        if _CONTENTS_TITLE.match(block[0][2]) or _LIST_TITLE.match(block[0][2]):
            break  # another list begins
        heading_over_prose = len(block) <= 2 and any(_prose_line(line) for _s, _e, line in following[:3])
        if lines and (heading_over_prose or _repeats(block[0][2], lines)):
            break
        for line_start, line_end, line in block:
            stop = line_end
            entry = _entry_text(line)
            if entry and not _COLUMN_LABEL.match(entry):
                lines.append((line_start, entry, len(line) - len(line.lstrip()), entry != line.strip()))
    return ContentsList(title_start, stop, tuple(_merge_entries(lines)))


def _blocks(text: str, start: int, end: int, limit: int = 400) -> list[list[tuple[int, int, str]]]:
    """The paragraphs (runs of non-blank lines) of text[start:end], at most `limit` of them."""
    blocks: list[list[tuple[int, int, str]]] = [[]]
    for line in _lines(text, start, end):
        if line[2].strip():
            blocks[-1].append(line)
        elif blocks[-1]:
            if len(blocks) >= limit:
                break
            blocks.append([])
    return [b for b in blocks if b]


def _repeats(line: str, lines: list[tuple[int, str, int, bool]]) -> bool:
    """Whether a paragraph's first line is the heading of an entry listed above it."""
    head = parse_heading(_entry_text(line))
    if head is None:
        return False
    key = fold(_entry_text(line))
    return any(match_score(e.heading, head, key) >= 1.0 for e in _merge_entries(lines))


def _merge_entries(lines: list[tuple[int, str, int, bool]]) -> Iterator[Entry]:
    """Entries from lines: wrapped lines joined, a part's subtitle joined to it, run-together entries split."""
    merged: list[tuple[int, str, int, bool]] = []
    for start, entry, indent, paged in lines:
        for piece in _split_run(entry):
            head = parse_heading(piece)
            numbered = head is not None and (head.number is not None or head.special is not None)
            if merged and not numbered and _continues(merged[-1], piece, indent, paged):
                prev_start, prev, prev_indent, _paged = merged[-1]
                merged[-1] = (prev_start, f"{prev} {piece}", prev_indent, paged)
            else:
                merged.append((start, piece, indent, paged))
    for start, entry, _indent, _paged in merged:
        head = parse_heading(entry)
        if head is not None:
            yield Entry(head, start)


def _split_run(entry: str) -> list[str]:
    """`CHAPTER I CHAPTER II CHAPTER III` -> three entries."""
    words = re.findall(rf"\b(?:{_KIND})\b", entry, re.I)
    if len(words) >= 2 and len({w.lower() for w in words}) == 1:
        pieces = re.split(rf"(?=\b{re.escape(words[0])}\b)", entry)
        return [p.strip() for p in pieces if p.strip()]
    return [entry]


def _continues(previous: tuple[int, str, int, bool], piece: str, indent: int, paged: bool) -> bool:
    """Whether a line goes on with the entry above: indented below it, in lower case, or a part's subtitle."""
    _start, text, prev_indent, prev_paged = previous
    prev_head = parse_heading(text)
    if prev_head is not None and prev_head.kind == "part" and not prev_head.title:
        return True  # "PART ONE" / "The Old Buccaneer"
    if piece[:1].islower():
        return True
    # An entry wrapped onto an indented line: the entry above it has no page number to close it.
    return not prev_paged and indent > prev_indent + 1 and bool(prev_head and prev_head.number is not None)


@dataclass(frozen=True)
class Match:
    """A body line that a contents entry names: where the line is, what it says, and the entry."""

    start: int  # the heading line's first character
    line_end: int
    heading: Heading
    entry: Heading


def _kinds_agree(entry: Heading, line: Heading) -> bool:
    """A `Chapter I` is a `I.` or a `Stave I`, never a `Letter I`; a `Part I` is never a `Book I`."""
    if entry.kind == "part" or line.kind == "part":
        if entry.kind != line.kind:
            return False
        words = {entry.special, line.special} - {None}
        return len(words) < 2 or words == {"volume", "vol"}
    words = {entry.special, line.special} - {None}
    return len(words) < 2 or words <= {"chapter", "stave", "canto", "episode", "story"}


def _titles_agree(a: str, b: str) -> bool:
    """Two folded titles name the same thing: equal, one begins the other, or they share most words."""
    if not a or not b:
        return False
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    if len(short) >= 5 and (long_.startswith(short + " ") or (len(short) >= 12 and short in long_)):
        return True
    sa, sb = set(a.split()), set(b.split())
    return len(sa & sb) / len(sa | sb) >= 0.6 and len(sa & sb) >= 2


def match_score(entry: Heading, line: Heading, block_key: str) -> float:
    """How surely a body line (with the lines below it, `block_key`) is the heading a contents entry names."""
    if entry.number is not None and line.number is not None:
        if entry.number != line.number or not _kinds_agree(entry, line):
            return 0.0
        return 1.5 if _titles_agree(entry.key, line.key) else 1.0
    if entry.special and entry.special == line.special and entry.number is None and line.number is None:
        return 1.0
    keys = {line.key, block_key}
    if entry.number is None and line.number is not None:
        return 0.9 if entry.key and any(_titles_agree(entry.key, k) for k in (line.key,)) else 0.0
    if entry.key and any(_titles_agree(entry.key, k) for k in keys if k):
        return 1.0 if entry.number is None else 0.9
    return 0.0


def _candidates(text: str, start: int, end: int) -> Iterator[tuple[int, int, Heading, str]]:
    """Lines that begin a paragraph and are short enough to be a heading, with the block they open."""
    blank = True
    lines = list(_lines(text, start, end))
    for n, (line_start, line_end, line) in enumerate(lines):
        if not line.strip():
            blank = True
            continue
        if blank and len(line.strip()) <= 120 and len(line.split()) <= 20:
            heading = parse_heading(line)
            if heading is not None:
                block = [line]
                for _s, _e, below in lines[n + 1:n + 3]:
                    if not below.strip():
                        break
                    block.append(below)
                yield line_start, line_end, heading, fold(" ".join(block))
        blank = False


_COMMON = {"the", "a", "an", "of", "in", "to", "and", "on", "at", "by", "for", "with", "from", "chapter"}


def _words(key: str) -> set[str]:
    return set(key.split()) - _COMMON


MAX_ALIGNMENT_CELLS = 4_000_000  # entries x candidate lines; about 100 MB of scores at most
_Pair = tuple[int, int, Heading, list[float]]  # a body line (start, end, heading) and its score for each entry


def match_entries(text: str, entries: tuple[Entry, ...], start: int, end: int) -> list[Match]:
    """The body headings the entries name, in order: each entry to at most one line, lines in entry order."""
    heads = [e.heading for e in entries]
    pairs = _scored_lines(text, heads, start, end)
    if len(heads) * len(pairs) > MAX_ALIGNMENT_CELLS:
        return []  # a list too long to align in reasonable memory: the headings' form decides instead
    return _align(heads, pairs)


def _scored_lines(text: str, heads: list[Heading], start: int, end: int) -> list[_Pair]:
    """The candidate heading lines that some entry may name, each with its score for every entry."""
    by_number: dict[int, list[int]] = {}
    by_word: dict[str, list[int]] = {}
    for i, head in enumerate(heads):
        if head.number is not None:
            by_number.setdefault(head.number, []).append(i)
        for word in _words(head.key) | ({head.special} if head.special else set()):
            by_word.setdefault(word, []).append(i)
    pairs: list[_Pair] = []
    for line_start, line_end, heading, block_key in _candidates(text, start, end):
        # Only entries sharing the line's number or one of its words can name it.
        near = set(by_number.get(heading.number, ())) if heading.number is not None else set()
        for word in _words(block_key) | _words(heading.key) | ({heading.special} if heading.special else set()):
            near.update(by_word.get(word, ()))
        scores = [0.0] * len(heads)
        for i in near:
            scores[i] = match_score(heads[i], heading, block_key)
        if any(scores):
            pairs.append((line_start, line_end, heading, scores))
    return pairs


def _align(heads: list[Heading], pairs: list[_Pair]) -> list[Match]:
    """Order-preserving alignment of entries to lines with the largest total score (a weighted LCS)."""
    n, m = len(heads), len(pairs)
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        row, below = best[i], best[i + 1]
        for j in range(m - 1, -1, -1):
            s = pairs[j][3][i]
            row[j] = max(below[j], row[j + 1], s + below[j + 1] if s else 0.0)
    found: list[Match] = []
    i = j = 0
    while i < n and j < m:
        s = pairs[j][3][i]
        if s and abs(best[i][j] - (s + best[i + 1][j + 1])) < 1e-9:
            found.append(Match(pairs[j][0], pairs[j][1], pairs[j][2], heads[i]))
            i, j = i + 1, j + 1
        elif abs(best[i][j] - best[i + 1][j]) < 1e-9:
            i += 1
        else:
            j += 1
    return found
