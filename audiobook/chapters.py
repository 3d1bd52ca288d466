"""Split a book's text into chapters at their headings."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .model import Chapter

_UNITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
          "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
          "nineteen"]
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_WORD_NUMBERS = {w: i for i, w in enumerate(_UNITS) if i}
_WORD_NUMBERS.update({w: 10 * i for i, w in enumerate(_TENS) if w})
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
             "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12}
_WORD = "|".join(sorted([*_WORD_NUMBERS, *_ORDINALS], key=len, reverse=True))
_ROMAN = r"[IVXLCDM]+"
_NUMBER = rf"(?:\d{{1,4}}|{_ROMAN}|(?:{_WORD})(?:[- ](?:{_WORD}))?)"

# A heading line: "CHAPTER XII. The Title", "Chapter 1", "Chapter One.", "CHAPTER" then "1" below.
_HEADING = re.compile(
    rf"^[ \t\ufeff]*(?P<word>chapter|chap\.)[ \t]*(?:\r?\n[ \t]*)?(?P<num>{_NUMBER})\b"
    rf"(?P<rest>[^\n]*)$",
    re.IGNORECASE | re.MULTILINE,
)
# A numeral alone on a line ("I", "II."): a heading only as part of a run I, II, III, ...
_LONE_NUMERAL = re.compile(rf"^[ \t]*(?P<num>{_ROMAN}|\d{{1,3}})\.?[ \t]*\r?$", re.MULTILINE)
_BLANK_AFTER = re.compile(r"\r?\n[ \t]*\r?\n")


def split_chapters(text: str, book_title: str) -> list[Chapter]:
    """Return the chapters of `text` in order; they tile the text from its first letter to its end."""
    heads = [h for h in _headings(text) if _stands_alone(text, h[0])]
    if not heads:
        heads = _numeral_run(text)
    chapters: list[Chapter] = []
    if not heads or re.search(r"[^\W_]", text[: heads[0][0]]):
        # Text before the first heading (a title page, a prologue) is read as a chapter of its own.
        first_end = heads[0][0] if heads else len(text)
        chapters.append(Chapter(1, book_title, 0, 0, first_end))
    for n, (start, body_start, title) in enumerate(heads):
        end = heads[n + 1][0] if n + 1 < len(heads) else len(text)
        chapters.append(Chapter(len(chapters) + 1, title, start, body_start, end))
    return chapters


def number_value(numeral: str) -> int | None:
    """Return the value of `12`, `XII` or `Twelve`/`Twenty-One`/`Third`, or None if it is not one."""
    s = numeral.strip().lower()
    if s.isdigit():
        return int(s)
    if re.fullmatch(r"[ivxlcdm]+", s):
        return _roman_value(s)
    parts = re.split(r"[- ]", s)
    total = 0
    for part in parts:
        value = _WORD_NUMBERS.get(part, _ORDINALS.get(part))
        if value is None:
            return None
        total += value
    return total


def _roman_value(s: str) -> int | None:
    values = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}
    total = 0
    for a, b in zip(s, s[1:] + " ", strict=True):
        v = values[a]
        total += -v if b != " " and values[b] > v else v
    # Reject non-canonical strings such as "IIII" or "VX", which are words or initials, not numbers.
    return total if total and _to_roman(total) == s.upper() else None


def _to_roman(n: int) -> str:
    out = []
    for value, sym in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                       (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out.append(sym)
            n -= value
    return "".join(out)


def _headings(text: str) -> Iterator[tuple[int, int, str]]:
    """Yield (start, body_start, title) for each CHAPTER heading."""
    for m in _HEADING.finditer(text):
        if number_value(m.group("num")) is None:
            continue
        rest = m.group("rest").strip(" \t\r.:-\u2014\u2013")
        # "Chapter 3 was the best" is prose, not a heading: a title after the number needs a separator.
        if rest and not re.match(r"^[ \t]*[.:\-\u2014\u2013]", m.group("rest")):
            continue
        start = m.start() + len(m.group(0)) - len(m.group(0).lstrip(" \t\ufeff"))
        body_start = m.end()
        if not rest:
            # A title may stand on the following lines ("CHAPTER I" / "THE ONE THING NEEDFUL").
            sub = _subtitle(text, m.end())
            if sub:
                rest, body_start = sub
        number = m.group("num")
        label = "Chapter " + (number.upper() if re.fullmatch(_ROMAN, number, re.I) else number.title())
        yield start, body_start, f"{label}: {_tidy(rest)}" if rest else label


def _subtitle(text: str, pos: int) -> tuple[str, int] | None:
    """Return the title lines right below a heading and where they end, if they look like a title."""
    m = re.match(r"[ \t]*\r?\n(?:[ \t]*\r?\n){0,2}", text[pos:])
    if not m:
        return None
    start = pos + m.end()
    block_end = _BLANK_AFTER.search(text, start)
    end = block_end.start() if block_end else len(text)
    block = text[start:end]
    lines = [ln.strip() for ln in block.splitlines()]
    if not block.strip() or len(lines) > 4 or len(block) > 300:
        return None
    # A title is set apart: all capitals, or short lines without a sentence's closing punctuation.
    if block.upper() != block and (len(lines) > 1 or block.rstrip().endswith((".", "?", "!", '"', "\u201d"))):
        return None
    return " ".join(lines), end


def _stands_alone(text: str, start: int) -> bool:
    """A heading starts a paragraph: it is the text's first line or follows a blank line."""
    before = text[:start].rstrip(" \t\ufeff")
    return not before.strip() or bool(re.search(r"\n[ \t]*\r?\n[ \t\r]*$", text[max(0, start - 200):start]))


def _numeral_run(text: str) -> list[tuple[int, int, str]]:
    """Lone numerals count as headings only in a run of at least three numbered 1, 2, 3, ... in order."""
    found = []
    expected = 1
    for m in _LONE_NUMERAL.finditer(text):
        value = number_value(m.group("num"))
        line_end = m.end() - 1 if text.endswith("\r", 0, m.end()) else m.end()
        if value != expected or not _stands_alone(text, m.start()) or not _BLANK_AFTER.match(text, line_end):
            continue
        start = m.start() + len(m.group(0)) - len(m.group(0).lstrip(" \t"))
        found.append((start, m.end(), f"Chapter {m.group('num').strip().upper()}"))
        expected += 1
    return found if len(found) >= 3 else []


_SMALL_WORDS = {"a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "into", "of", "on", "or",
                "the", "to", "with"}


def _tidy(title: str) -> str:
    """Title-case a title set in capitals and fold its spaces; leave mixed case alone."""
    title = re.sub(r"\s+", " ", title).strip(" _*")
    if not title.isupper():
        return title
    words = title.lower().split(" ")
    return " ".join(
        w if n and w in _SMALL_WORDS else re.sub(r"(^|[-(\"\u201c])(\w)", lambda m: m.group(1) + m.group(2).upper(), w)
        for n, w in enumerate(words)
    )


def spoken_title(title: str) -> str:
    """The title as it is read aloud: `Chapter XII: The Title` -> `Chapter 12. The Title`."""
    m = re.match(rf"Chapter ({_ROMAN})\b", title)
    value = number_value(m.group(1)) if m else None
    if m and value is not None:
        title = f"Chapter {value}{title[m.end():]}"
    return title.replace(": ", ". ", 1)
