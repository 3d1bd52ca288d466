"""Numbers as books write them: `12`, `XII`, `Twelve`, `Twenty-One`, `Third`."""

from __future__ import annotations

import re

_UNITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
          "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
         "ninety": 90}
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
             "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12}
# Every number word, longest first, for a regular expression.
NUMBER_WORDS = "|".join(sorted([*_UNITS[1:], *_TENS, *_ORDINALS], key=len, reverse=True))


def number_value(numeral: str) -> int | None:
    """The value of `12`, `XII`, `Twelve`, `Twenty-One` or `Third`; None if it is not a number."""
    s = numeral.strip().lower()
    if s.isdigit():
        return int(s)
    if re.fullmatch(r"[ivxlcdm]+", s):
        return roman_value(s)
    total = 0
    for part in re.split(r"[- ]", s):
        value = _TENS.get(part) or _ORDINALS.get(part) or (_UNITS.index(part) if part in _UNITS else None)
        if value is None:
            return None
        total += value
    return total or None


def roman_value(s: str) -> int | None:
    """The value of a canonical Roman numeral ("XIV"); None for "IIII", "VX" and other words."""
    values = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}
    s = s.lower()
    total = 0
    for a, b in zip(s, s[1:] + " ", strict=True):
        v = values[a]
        total += -v if b != " " and values[b] > v else v
    return total if total and to_roman(total) == s.upper() else None


def to_roman(n: int) -> str:
    """`14` -> `XIV`."""
    out = []
    for value, sym in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                       (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out.append(sym)
            n -= value
    return "".join(out)
