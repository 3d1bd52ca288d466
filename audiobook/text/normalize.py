"""Rewrite what eSpeak NG misreads (St., No., roman numerals, years, old money) into words it reads right.

Checked against eSpeak NG's own phonemes: it already reads Mr., Mrs., Dr., etc., e.g., i.e., ordinals (21st),
times (10:30), 1,000,000, 3.14, 50%, & and dates like "June 4th" well, so those are left alone. It says
"roman four" for "IV", "saint" for every "St.", "no" for "No. 5", "one thousand eight hundred sixty-five"
for 1865, "pound five" for £5, "dollar three point five zero" for $3.50 and "five z" for 5s.; those are
rewritten, mostly into digits that eSpeak NG then reads correctly ("Henry VIII" -> "Henry the 8th").
"""

from __future__ import annotations

import re
from collections.abc import Callable

from audiobook.text.numbers import number_value

# Titles before a name that eSpeak NG spells out or clips ("Capt." -> "capt").
_TITLES = {"Capt": "Captain", "Col": "Colonel", "Lt": "Lieutenant", "Gen": "General", "Rev": "Reverend",
           "Sgt": "Sergeant", "Prof": "Professor", "Messrs": "Messieurs", "Mme": "Madame", "Mlle": "Mademoiselle",
           "Hon": "Honourable", "Gov": "Governor", "Sen": "Senator", "Mt": "Mount", "Ft": "Fort", "Cpl": "Corporal",
           "Maj": "Major", "Adm": "Admiral", "Supt": "Superintendent", "Insp": "Inspector"}
_AFTER = {"Jr": "Junior", "Sr": "Senior", "Bros": "Brothers"}
_COUNTED = ("Chapter|Chap\\.|Book|Part|Volume|Vol\\.|Act|Scene|Canto|Letter|Section|Article|Appendix|Psalm|Number|"
            "No\\.|War|Stage|Phase|Class|Series|Year|Form|Plate|Figure|Fig\\.|Lesson|Hymn|Stave|Fit|Chapitre")
# Kings and popes have "I" after their name; anyone else's "I" is the pronoun.
_REGNAL_I = {"Alexander", "Anne", "Charles", "Edward", "Elizabeth", "Francis", "Frederick", "George", "Henry",
             "James", "John", "Louis", "Mary", "Napoleon", "Nicholas", "Paul", "Peter", "Philip", "Richard",
             "Robert", "Victor", "William", "Catherine", "Leo", "Pius", "Gregory", "Innocent", "Boniface", "Otto",
             "Ferdinand", "Isabella", "Ivan", "Wilhelm", "Rudolf", "Matilda", "David", "Stephen"}
_ROMAN = r"(?=[IVXLC]+\b)C{0,3}(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})"
_TENS = {"1": "tens", "2": "twenties", "3": "thirties", "4": "forties", "5": "fifties", "6": "sixties",
         "7": "seventies", "8": "eighties", "9": "nineties"}


# An image's file name as transcribers leave it in texts, `p003.jpg (307K)`, and its `(Full size)` link.
IMAGE_FILE = re.compile(r"\(?\b[\w./-]+\.(?:jpe?g|png|gif|svg)\b(?:\s*\(\d+\s*K\))?\)?|\((?:full size|enlarge)\)",
                         re.I)


def normalize_for_speech(text: str) -> str:
    """The text with abbreviations, roman numerals, years and money spelled the way they should be read."""
    text = text.replace("[[", "[ [")  # the engine reads [[...]] as phonemes: only a lexicon may write them
    text = re.sub(r"\[(?:Illustration|Footnote|Sidenote|Ill\.|Image|Picture|Frontispiece)[^\]]*\]", "", text)
    text = IMAGE_FILE.sub("", text)
    text = re.sub(r"\[(?:\d{1,3}|[A-Z*\u2020\u2021])\]", "", text)  # a footnote's mark: [1], [A], [*]
    for rule in _RULES:
        text = rule(text)
    return text


def _abbreviations(text: str) -> str:
    titles = "|".join(_TITLES)
    text = re.sub(rf"\b({titles})\.(?=\s+[A-Z])", lambda m: _TITLES[m.group(1)], text)
    text = re.sub(r"\b(Jr|Sr|Bros)\.(?=\s*[,;:)]|\s+[a-z])", lambda m: _AFTER[m.group(1)], text)
    text = re.sub(r"\b(Jr|Sr|Bros)\.", lambda m: _AFTER[m.group(1)] + ".", text)
    text = _SAINT_OR_STREET.sub(_saint_or_street, text)
    text = re.sub(r"\b([Nn])o\.(?=\s*\d)", lambda m: "number" if m.group(1) == "n" else "Number", text)
    text = re.sub(r"\b([Vv])ol\.(?=\s*(?:\d|[IVXLC]+\b))", lambda m: m.group(1) + "olume", text)
    text = re.sub(r"\bpp\.(?=\s*\d)", "pages", text)
    return re.sub(r"(?<![\w.])p\.(?=\s*\d)", "page", text)


_SAINT_OR_STREET = re.compile(r"(?:(?P<before>(?:^|[.!?\"\u201c(]\s*)?\b[A-Z][a-z]+)\s+)?\bSt\.(?P<after>\s*\S)?")


def _saint_or_street(m: re.Match[str]) -> str:
    """After a name ("Baker St.") it is Street; before a name ("St. Paul") it is Saint; else left alone."""
    before, after = m.group("before"), m.group("after") or ""
    lead = m.group(0)[: m.start("before") - m.start()] if before else ""
    # A capitalized word opening a sentence ("Then St. Paul") is not a street's name.
    opening = bool(before) and (m.start() == 0 or before[0] in ".!?\"\u201c(")
    after_upper = after.strip()[:1].isupper()
    if before and before.split()[-1] not in _NOT_STREET and not (opening and after_upper):
        tail = "" if after and (after.strip()[:1].islower() or after.strip()[:1] in ",;:)") else "."
        return f"{lead}{before} Street{tail}{after}"
    prefix = f"{lead}{before} " if before else ""
    if after_upper:
        return f"{prefix}Saint{after}"
    return m.group(0)


_NOT_STREET = {"Of", "The", "To", "And", "In", "At", "By", "From", "With", "For"}


def _roman(text: str) -> str:
    def counted(m: re.Match[str]) -> str:
        value = number_value(m.group(2))
        return f"{m.group(1)}{value}" if value else m.group(0)

    text = re.sub(rf"\b((?:{_COUNTED})\s+)({_ROMAN})\b(?!['\u2019])", counted, text)

    def regnal(m: re.Match[str]) -> str:
        name, numeral = m.group(1), m.group(2)
        value = number_value(numeral)
        # A lone letter after a name is rarely a number ("Mr. X", "Malcolm X"), except for a king's I or V.
        if value is None or value > 40 or (len(numeral) == 1 and (numeral not in "IVX" or name not in _REGNAL_I)):
            return m.group(0)
        return f"{name} the {value}{_suffix(value)}"

    return re.sub(rf"\b([A-Z][a-z]+)\s+({_ROMAN})\b(?!['\u2019]|\.\w)", regnal, text)


def _suffix(n: int) -> str:
    if 10 <= n % 100 <= 20:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def _year(digits: str) -> str:
    """1865 -> '18 65', 1905 -> '19 oh 5', 1800 -> '18 hundred': as eSpeak NG then reads a year aloud."""
    high, low = digits[:2], digits[2:]
    if low == "00":
        return f"{high} hundred"
    return f"{high} oh {low[1]}" if low[0] == "0" else f"{high} {low}"


def _years(text: str) -> str:
    text = re.sub(r"(?<![\d,.$£€#])\b(1[1-9])(\d)0s\b", lambda m: f"{m.group(1)} {_TENS.get(m.group(2), 'hundreds')}"
                  if m.group(2) != "0" else f"{m.group(1)} hundreds", text)
    text = re.sub(r"['\u2019]([1-9])0s\b", lambda m: _TENS[m.group(1)], text)
    # A range of numbers: "pages 3–5", and of years "1914-1918" (other hyphened numbers are phone numbers, dates).
    text = re.sub(r"(?<![\d,.])(\d+)\s?\u2013\s?(\d+)(?![\d,.]\d)", r"\1 to \2", text)
    text = re.sub(r"(?<![\d,.-])\b(1[1-9]\d\d)-(1[1-9]\d\d)\b(?!-)", r"\1 to \2", text)
    # 1000 itself is a count more often than a year; 1066 and 1865 are years.
    return re.sub(r"(?<![\d,.$£€#/:-])\b(1(?!000)\d\d\d)\b(?![,.:/]\d|\s?%|-\d)", lambda m: _year(m.group(1)), text)


def _plural(n: str, one: str, many: str) -> str:
    return f"{n} {one if n == '1' else many}"


def _money(text: str) -> str:
    shillings = r"(?:\s+(\d+)s\.?)?(?:\s+(?:and\s+)?(\d+)d\.?)?"

    def pounds(m: re.Match[str]) -> str:
        words = [_plural(m.group(1), "pound", "pounds")]
        if m.group(2):
            words.append(_plural(m.group(2), "shilling", "shillings"))
        if m.group(3):
            words.append(_plural(m.group(3), "penny", "pence"))
        return " ".join(words[:-1]) + (" and " if len(words) > 1 else "") + words[-1]

    text = re.sub(rf"£\s?(\d+(?:,\d{{3}})*){shillings}", pounds, text)
    text = re.sub(r"\b(\d+)s\.\s+(\d+)d\.", lambda m: f"{_plural(m.group(1), 'shilling', 'shillings')} and "
                  f"{_plural(m.group(2), 'penny', 'pence')}", text)
    text = re.sub(r"\b(\d+)d\.(\s+[a-z])", lambda m: _plural(m.group(1), "penny", "pence") + m.group(2), text)
    text = re.sub(r"\b(\d+)d\.(?=\s|$)", lambda m: _plural(m.group(1), "penny", "pence") + ".", text)

    def dollars(m: re.Match[str]) -> str:
        whole, cents = m.group(1), m.group(2)
        said = _plural(whole, "dollar", "dollars")
        if cents and cents != "00":
            said += " and " + _plural(str(int(cents)), "cent", "cents")
        return said

    return re.sub(r"\$\s?(\d+(?:,\d{3})*)(?:\.(\d\d))?(?!\d)", dollars, text)


_RULES: tuple[Callable[[str], str], ...] = (_abbreviations, _money, _roman, _years)
