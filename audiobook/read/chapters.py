"""Split a book's text into chapters at their headings."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from audiobook.model import Chapter
from audiobook.read.contents import (
    ContentsList,
    Entry,
    Match,
    find_contents,
    fold,
    match_entries,
    parse_heading,
    strip_decoration,
)
from audiobook.text.normalize import IMAGE_FILE
from audiobook.text.numbers import NUMBER_WORDS, number_value

_ROMAN = r"[IVXLCDM]+"
_NUMBER = rf"(?:\d{{1,4}}|{_ROMAN}|(?:{NUMBER_WORDS})(?:[- ](?:{NUMBER_WORDS}))?)"

# A heading line: "CHAPTER XII. The Title", "Chapter 1", "Chapter One.", "CHAPTER" then "1" below, "LETTER IV".
_HEADING = re.compile(
    rf"^[ \t\ufeff]*(?P<word>chapter|chap\.|letter|stave|canto)[ \t]*(?:\r?\n[ \t]*)?(?P<num>{_NUMBER})\b"
    rf"(?P<rest>[^\n]*)$",
    re.IGNORECASE | re.MULTILINE,
)
# A part: "BOOK THE FIRST", "PART ONE", "Book I", "VOLUME II. THE RETURN".
_PART = re.compile(
    rf"^[ \t\ufeff]*(?P<word>part|book|volume)[ \t]+(?P<the>the[ \t]+)?(?P<num>{_NUMBER})\b(?P<rest>[^\n]*)$",
    re.IGNORECASE | re.MULTILINE,
)
# A heading without a number: "PROLOGUE", "Epilogue: After the War".
_SPECIAL = re.compile(
    r"^[ \t\ufeff]*(?:the[ \t]+)?(?P<word>prologue|epilogue|preface|introduction|foreword|afterword|interlude|"
    r"postscript|prelude|finale|conclusion)\b"
    r"(?P<num>)(?P<rest>[^\n]*)$",
    re.IGNORECASE | re.MULTILINE,
)
# A numeral alone on a line ("I", "II.", "— I —", "[ 1 ]") or with a title ("IV. THE TITLE", "4.  The Road"):
# a heading only as part of a run I, II, III, ...
_LONE_NUMERAL = re.compile(
    rf"^[ \t]*(?:[\[(]|[\u2014\u2013]|-{{1,2}})?[ \t]*(?P<num>{_ROMAN}|\d{{1,3}})"
    rf"(?:\.?[ \t]*(?:[\])]|[\u2014\u2013]|-{{1,2}})?|\.[ \t]+(?P<title>[^\n]*?[A-Z][^\n]*?))[ \t]*\r?$", re.MULTILINE
)
# A line of a table of contents: a heading word or a numbered entry, or a page number at its end.
_HEADINGS = (_HEADING, _PART, _SPECIAL)
_CONTENTS_LINE = re.compile(r"^\s*(?:(?i:chapter|chap\.|letter|part|book|volume)\b|[IVXLC]+\.\s|\d+\.\s)|\s\d+\s*$")
_SCENE_BREAK = re.compile(
    r"^[ \t]*(?P<mark>(?:\*[ \t]*){3,}|#|[\u2014\u2015]+|\u2013|-{3,}|~{3,}|\u2042|\u00a7)[ \t]*\r?$", re.MULTILINE
)
_BLANK_AFTER = re.compile(r"\r?\n[ \t]*\r?\n")


def split_chapters(text: str, book_title: str) -> list[Chapter]:
    """Return the chapters of `text` in order; they tile the text from its first letter to its end."""
    return find_chapters(text, book_title).chapters


@dataclass(frozen=True)
class Contents:
    """The chapters of a text and the parts that group them: (part title, index of its first chapter)."""

    chapters: list[Chapter]
    parts: list[tuple[str, int]] = field(default_factory=list)
    listed: int = 0  # entries of the table of contents found in the text (0: none found)
    from_list: bool = False  # the chapters are the ones its table of contents names
    unread: int | None = None  # words no chapter reads, where the reader counts them itself (EPUB)


# Headings of what an editor, translator or transcriber wrote: front matter a listener may leave out.
_EDITORIAL = re.compile(r"(?i)\b(?:editor|translator|transcriber)(?:'?s|s')?\b|\beditorial\b")


def find_chapters(text: str, book_title: str, start: int = 0, end: int | None = None, front: bool = True,
                  use: str | None = None, front_matter: bool = False) -> Contents:
    """Chapters and parts of text[start:end]; with `front`, text before the first heading is a chapter too.

    A table of contents in the text is never read: its entries name the body's headings, and when most of
    them are found (or `use` is "toc") those headings are the chapters (a story's title alone on a line,
    `STAVE I`, `1.  Title` included). Otherwise (or `use` is "headings") headings are found by their form.
    A part heading (`PART ONE`, `BOOK THE FIRST`) starts the chapter that follows it, whose heading then spans
    both; it is a chapter of its own only when prose stands between it and that chapter. Lists of
    illustrations and an editor's or translator's preface are read only with `front_matter`.
    """
    end = len(text) if end is None else end
    lists = find_contents(text, start, end)
    if not lists:
        return _by_form(text, book_title, start, end, front)
    share = 0.0 if use == "toc" else CONTENTS_FOUND_SHARE
    listed = None if use == "headings" else _listed_heads(text, lists, end, share)
    if listed is None:
        heads, parts, _contents_end = _form_heads(text, lists[-1].end, end)
        stops: list[int] = []
    else:
        heads, parts, stops = listed
    heads = sorted(_front_heads(text, start, lists[0].start) + heads)
    if front_matter:  # a list of illustrations is read as a chapter of its own
        heads = sorted(heads + [(x.start, x.title_end, tidy_title(text[x.start:x.title_end].strip(" \t\r\n.")))
                                for x in lists if not x.is_contents])
    else:
        stops += [h[0] for h in heads if _EDITORIAL.search(h[2])]
        heads = [h for h in heads if not _EDITORIAL.search(h[2])]
    # The title page above a table of contents is read only as front matter.
    found = assemble_chapters(text, book_title, heads, parts, start, end, front and front_matter)
    cuts = [listing.start for listing in lists if listing.is_contents or not front_matter] + stops
    entries = sum(len(listing.entries) for listing in lists if listing.is_contents)
    return Contents(_end_at_lists(found.chapters, cuts), found.parts, entries, listed is not None)


def _by_form(text: str, book_title: str, start: int, end: int, front: bool) -> Contents:
    """Chapters found by the form of their headings alone (no table of contents to go by)."""
    heads, parts, contents_end = _form_heads(text, start, end)
    return assemble_chapters(text, book_title, heads, parts, start, end, front and contents_end < 0)


def _form_heads(text: str, start: int, end: int
                ) -> tuple[list[tuple[int, int, str]], list[tuple[int, int, str]], int]:
    """Chapter and part headings of text[start:end] by their form, a contents list of them left out; and where
    that list ends (-1: none)."""
    heads = _chapter_heads(text, start, end)
    parts = [h for h in _part_heads(text, start, end) if h[0] not in {c[0] for c in heads}]
    if not heads:
        heads, parts = parts, []
    heads, contents_end = _drop_contents(text, heads, end)
    return heads, [p for p in parts if p[0] > contents_end], contents_end


def _front_heads(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """A preface or an introduction set before the table of contents, with prose below it."""
    found = [h for h in _labelled(text, start, end, _SPECIAL) if _stands_alone(text, h[0])]
    return [h for n, h in enumerate(found) if _prose(text, h[1], found[n + 1][0] if n + 1 < len(found) else end)]


# A contents list is trusted when at least this share of its entries are found as headings in the body.
CONTENTS_FOUND_SHARE = 0.5


# Contents entries that are no part of the story: the text from there on is not read.
_BACK_MATTER = re.compile(r"(?i)^(?:foot ?notes|end ?notes|notes|index|glossary|transcriber'?s? notes?|"
                          r"original transcriber'?s? notes?)$")


def _listed_heads(text: str, lists: list[ContentsList], end: int, share: float
                  ) -> tuple[list[tuple[int, int, str]], list[tuple[int, int, str]], list[int]] | None:
    """Chapter and part headings the table of contents names, and where back matter it names begins;
    None when too few of its entries are found in the body."""
    body = lists[-1].end
    entries = tuple(e for listing in lists if listing.is_contents for e in listing.entries)
    matches = match_entries(text, entries, body, end) if entries else []
    if not matches or (share and len(matches) < max(2, share * len(entries))):
        return None
    heads: list[tuple[int, int, str]] = []
    parts: list[tuple[int, int, str]] = []
    stops: list[int] = []
    for match in matches:
        if match.heading.number is None and _BACK_MATTER.match(fold(match.heading.title).replace(" s ", "s ")):
            stops.append(match.start)
            continue
        is_part = "part" in (match.entry.kind, match.heading.kind)
        body_start, title = _listed_title(text, match, is_part, end)
        (parts if is_part else heads).append((match.start, body_start, title))
    heads += _unlisted_heads(text, entries, heads + parts, body, end)
    heads, grouping = _groupers(text, sorted(heads), parts, end)
    return heads, sorted(parts + grouping), stops


def _groupers(text: str, heads: list[tuple[int, int, str]], parts: list[tuple[int, int, str]], end: int
              ) -> tuple[list[tuple[int, int, str]], list[tuple[int, int, str]]]:
    """Unnumbered headings with no prose before the next heading (an `EPILOGUE` over its chapters) are parts."""
    marks = sorted(h[0] for h in heads + parts)
    kept, grouping = [], []
    for h in heads:
        after = [m for m in marks if m > h[0]]
        head = parse_heading(h[2])
        if after and head is not None and head.number is None and not _prose(text, h[1], after[0]):
            grouping.append(h)
        else:
            kept.append(h)
    return kept, grouping


def _listed_title(text: str, match: Match, is_part: bool, limit: int) -> tuple[int, str]:
    """Where a listed chapter's words begin, and its title: `Chapter 1: The Cyclone`, `A Scandal in Bohemia`."""
    line, entry = match.heading, match.entry
    body_start, words = match.line_end, line.title if line.number is not None else ""
    if line.number is not None and not words:
        sub = _subtitle(text, match.line_end, limit)
        if sub:
            words, body_start = sub
    if line.number is None:
        return body_start, tidy_title(strip_decoration(text[match.start:match.line_end]).rstrip(" ."))
    word = line.special or entry.special or ("part" if is_part else "chapter")
    label = f"{word.title()} {line.numeral}"
    words = words or (entry.title if entry.number == line.number else "")
    return body_start, f"{label}: {tidy_title(words)}" if words else label


def _unlisted_heads(text: str, entries: tuple[Entry, ...], listed: list[tuple[int, int, str]], start: int,
                    end: int) -> list[tuple[int, int, str]]:
    """Headings the contents do not name, found by their form.

    Every chapter heading when the contents list only parts; else a chapter heading that goes on with the
    numbering of the listed chapter before it (a list cut short, an entry spelt otherwise), never one that
    restarts it (sections within a chapter); and a prelude or finale before the first or after the last entry.
    """
    taken = {h[0] for h in listed}
    by_form = [h for h in _chapter_heads(text, start, end) if h[0] not in taken]
    numbered = [e.heading for e in entries if e.heading.number is not None]
    if numbered and all(h.kind == "part" for h in numbered):
        return by_form
    return _outer_specials(text, taken, start, end) + _continuing(listed, by_form)


def _outer_specials(text: str, taken: set[int], start: int, end: int) -> list[tuple[int, int, str]]:
    """A prelude, finale or conclusion heading with prose below it, before the first or after the last listed one."""
    if not taken:
        return []
    first, last = min(taken), max(taken)
    return [h for h in _labelled(text, start, end, _SPECIAL) if h[0] not in taken and (h[0] < first or h[0] > last)
            and _stands_alone(text, h[0]) and _prose(text, h[1], min([x for x in taken if x > h[0]] + [end]))]


def _continuing(listed: list[tuple[int, int, str]], by_form: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """The headings found by form whose number goes on from the chapter heading before them (n, then n + 1)."""
    marks = sorted([(h, parse_heading(h[2]), False) for h in listed] + [(h, parse_heading(h[2]), True)
                                                                        for h in by_form], key=lambda m: m[0][0])
    out = []
    number: int | None = None
    for head, parsed, extra in marks:
        if parsed is not None and parsed.kind == "part":
            continue
        value = parsed.number if parsed is not None else None
        if extra and (value is None or number is None or value != number + 1):
            continue
        number = value
        if extra:
            out.append(head)
    return out


def _end_at_lists(chapters: Sequence[Chapter], stops: Sequence[int]) -> list[Chapter]:
    """End a chapter where a contents list or the back matter (notes, an index) within it begins."""
    out = []
    for c in chapters:
        cut = min([s for s in stops if c.body_start <= s < c.end] + [c.end])
        out.append(Chapter(c.index, c.title, c.start, c.body_start, cut) if cut != c.end else c)
    return out


def assemble_chapters(text: str, book_title: str, heads: Sequence[tuple[int, int, str]],
                      parts: Sequence[tuple[int, int, str]], start: int, end: int, front: bool) -> Contents:
    """Chapters from (start, body_start, title) headings and part headings within text[start:end]."""
    chapters: list[Chapter] = []
    part_list: list[tuple[str, int]] = []
    first = min([h[0] for h in heads[:1]] + [p[0] for p in parts[:1]] + [end])
    if (not heads and not parts) or (front and re.search(r"[^\W_]", text[start:first])):
        # Text before the first heading (a title page, a prologue) is read as a chapter of its own.
        chapters.append(Chapter(1, book_title, start, start, first))
    # A part heading sorts before a chapter heading at the same place: the part opens it.
    marks = sorted([(s, b, t, False) for s, b, t in heads] + [(s, b, t, True) for s, b, t in parts],
                   key=lambda m: (m[0], not m[3]))
    pending: tuple[int, str] | None = None  # a part heading waiting for its first chapter
    for n, (s, body, title, is_part) in enumerate(marks):
        stop = marks[n + 1][0] if n + 1 < len(marks) else end
        if is_part and stop > s and (_prose(text, body, stop) or n + 1 == len(marks)):
            part_list.append((title, len(chapters) + 1))
            chapters.append(Chapter(len(chapters) + 1, title, s, min(body, stop), stop))
        elif is_part:
            pending = (s, title)
        else:
            if pending:
                part_list.append((pending[1], len(chapters) + 1))
                s, pending = pending[0], None
            chapters.append(Chapter(len(chapters) + 1, title, s, min(body, stop), stop))
    return Contents(chapters, part_list)


def scene_breaks(text: str) -> list[int]:
    """Offsets of the scene-break lines (`* * *`, `***`, `#`, `—`, `~~~`) in the text."""
    return [m.start("mark") for m in _SCENE_BREAK.finditer(text)]


def _prose(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] has a line of prose: nine words or more, in lower case, not a contents entry."""
    for line in text[start:end].splitlines():
        words = line.split()
        if len(words) >= 9 and not line.isupper() and not _CONTENTS_LINE.search(line):
            return True
    return False


def _contents_only(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] is blank or only lines of a table of contents."""
    return all(_CONTENTS_LINE.search(line) or not line.strip() for line in text[start:end].splitlines())


def _chapter_heads(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """Chapter, letter and prologue headings in text[start:end], else a run of numerals."""
    heads = [h for h in _headings(text, start, end) if _stands_alone(text, h[0])]
    if not any(h[2].startswith(("Chapter", "Letter")) for h in heads):
        heads = sorted(heads + _numeral_run(text, start, end))
    return heads


def _drop_contents(text: str, heads: list[tuple[int, int, str]], end: int) -> tuple[list[tuple[int, int, str]], int]:
    """Leave out a table of contents: headings in a row with no prose between them; return where it stops."""
    n = 0
    while n < len(heads) and _contents_only(text, heads[n][1], heads[n + 1][0] if n + 1 < len(heads) else end):
        n += 1
    # One heading with the contents below it as lines, or several set apart: both are listed again later.
    if n >= 2 or (n == 1 and any(h[2] == heads[0][2] for h in heads[1:])):
        return heads[n:], heads[n - 1][0]
    return heads, -1


def _headings(text: str, start: int, end: int) -> Iterator[tuple[int, int, str]]:
    """Yield (start, body_start, title) for each CHAPTER, LETTER and PROLOGUE-like heading, in order."""
    found = [*_labelled(text, start, end, _HEADING), *_labelled(text, start, end, _SPECIAL)]
    yield from sorted(found)


def _part_heads(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """(start, body_start, title) of each part heading that begins a paragraph."""
    return [h for h in _labelled(text, start, end, _PART) if _stands_alone(text, h[0])]


def _labelled(text: str, start: int, end: int, pattern: re.Pattern[str]) -> Iterator[tuple[int, int, str]]:
    for m in pattern.finditer(text, start, end):
        word, number = m.group("word"), m.group("num")
        if number and number_value(number) is None:
            continue
        if not number and not word[0].isupper():
            continue  # "prologue" in lower case is a word in a sentence
        raw = m.group("rest")
        # A contents line ends in its page number: "CHAPTER I. The Night ..... 1".
        raw = JUNK.sub("", raw)
        rest = re.sub(r"(?:[ \t]{2,}|[ \t]*\.{2,}[ \t]*)\d+[ \t\r]*$", "", raw).strip(" \t\r.:-\u2014\u2013")
        # "Chapter 3 was the best" is prose, not a heading: a title after the number needs a separator.
        if rest and (not re.match(r"^[ \t]*[.:\-\u2014\u2013]|^[ \t]{2,}", raw) or len(rest) > 80):
            continue
        head_start = m.start() + len(m.group(0)) - len(m.group(0).lstrip(" \t\ufeff"))
        if pattern is not _HEADING and not _stands_alone(text, head_start):
            continue
        body_start = m.end()
        if not rest:
            # A title may stand on the following lines ("CHAPTER I" / "THE ONE THING NEEDFUL").
            sub = _subtitle(text, m.end(), end)
            if sub:
                rest, body_start = sub
        label = "Chap" if word.lower() == "chap." else word
        label = label[0].upper() + label[1:].lower() + "ter" * (word.lower() == "chap.")
        if number:
            the = "the " if pattern is _PART and m.group("the") else ""
            shown = number.upper() if re.fullmatch(_ROMAN, number, re.I) else number.title()
            label = f"{label} {the}{shown}"
        yield head_start, body_start, f"{label}: {tidy_title(rest)}" if rest else label


# What a printed page shows but a title must not say: illustration markers, image file names.
JUNK = re.compile(r"\[(?:Illustration|Ill\.|Image|Picture|Frontispiece)[^\]]*\]|" + IMAGE_FILE.pattern, re.I)


_BELOW = re.compile(r"[ \t]*\r?\n(?:[ \t]*\r?\n){0,2}")


def _subtitle(text: str, pos: int, limit: int | None = None) -> tuple[str, int] | None:
    """Return the title lines right below a heading and where they end, if they look like a title.

    An illustration marker between the heading and its title is passed over; it is never the title. Nothing at
    or past `limit` (the end of the part of the text being read) is taken.
    """
    limit = len(text) if limit is None else limit
    for _attempt in range(3):
        m = _BELOW.match(text, pos, limit)
        if not m:
            return None
        start = m.end()
        block_end = _BLANK_AFTER.search(text, start, limit)
        end = block_end.start() if block_end else limit
        block = text[start:end]
        if not block.strip() or JUNK.sub("", block).strip():
            break
        pos = end  # only a marker: the title, if any, stands below it
    else:
        return None
    lines = [ln.strip() for ln in block.splitlines()]
    if not block.strip() or len(lines) > 4 or len(block) > 300 or any(p.match(block) for p in _HEADINGS):
        return None
    # A title is set apart: all capitals, or short lines without a sentence's closing punctuation.
    # ("Tom climbed the hill. It went like this:" opens the chapter; it does not name it.)
    closing = (".", "?", "!", '"', "\u201d", ":", ",", ";", "\u2014", "\u2013", "-", "\u2026")
    if block.upper() != block and (len(lines) > 1 or block.rstrip().endswith(closing) or len(block.split()) > 12
                                   or re.search(r"[.!?]\s+[A-Z]", block)):
        return None
    return " ".join(lines), end


def _stands_alone(text: str, start: int) -> bool:
    """A heading starts a paragraph: it is the text's first line or follows a blank line."""
    before = text[:start].rstrip(" \t\ufeff")
    return not before.strip() or bool(re.search(r"\n[ \t]*\r?\n[ \t\r]*$", text[max(0, start - 200):start]))


def _numeral_run(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, str]]:
    """Lone numerals count as headings only in a run of at least three numbered 1, 2, 3, ... in order."""
    found = []
    expected = 1
    for m in _LONE_NUMERAL.finditer(text, start, len(text) if end is None else end):
        value = number_value(m.group("num"))
        title = m.group("title")
        line_end = m.end() - 1 if text.endswith("\r", 0, m.end()) else m.end()
        if value != expected or not _stands_alone(text, m.start()) or not _BLANK_AFTER.match(text, line_end):
            continue
        if title and (len(title) > 80 or (title.upper() != title and not _title_case(title))):
            continue  # "1. Take the flour." is a step of a recipe; a title is set in capitals or title case
        head_start = m.start() + len(m.group(0)) - len(m.group(0).lstrip(" \t"))
        label = f"Chapter {m.group('num').strip().upper()}"
        body_start = m.end()
        if not title:
            # "I" with "PLAYING PILGRIMS" on the line below
            sub = _subtitle(text, m.end(), len(text) if end is None else end)
            if sub:
                title, body_start = sub
        found.append((head_start, body_start, f"{label}: {tidy_title(title)}" if title else label))
        expected += 1
    return found if len(found) >= 3 else []


def _title_case(title: str) -> bool:
    """`The Council with the Munchkins`: every word but the small ones capitalised, no sentence inside."""
    words = re.findall(r"[^\W\d_][\w'\u2019-]*", title)
    if not words or re.search(r"[.!?;]\s", title) or title.rstrip().endswith((".", ",", ";", ":")):
        return False
    return all(w[0].isupper() for w in words[1:] if w.lower() not in _SMALL_WORDS) and words[0][0].isupper()


_SMALL_WORDS = {"a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "into", "of", "on", "or",
                "the", "to", "with"}


def tidy_title(title: str) -> str:
    """Title-case a title set in capitals and fold its spaces; leave mixed case alone.

    Small words stay lower case except first or after a number or a colon; Roman numerals stay capitals.
    """
    title = re.sub(r"\s+", " ", JUNK.sub("", title)).strip(" _*")
    if not title.isupper():
        return title
    words = title.lower().split(" ")
    out: list[str] = []
    for n, w in enumerate(words):
        after_break = n == 0 or bool(re.fullmatch(r"\d+\.?|.*[:\u2014.]", out[-1]))
        if _numeral_word(w, out[-1] if out else "", n == len(words) - 1):
            out.append(w.upper())
        elif w in _SMALL_WORDS and not after_break:
            out.append(w)
        else:
            out.append(re.sub(r"(^|[-(\"\u201c\u2014])(\w)", lambda m: m.group(1) + m.group(2).upper(), w))
    return " ".join(out)


def _numeral_word(word: str, before: str, last: bool) -> bool:
    """A Roman numeral in a title ("Section IV", "Henry V"), not a word that looks like one ("mix", "did")."""
    value = number_value(word.rstrip(".,:")) if re.fullmatch(r"[ivxlc]+[.,:]?", word) else None
    return value is not None and value <= 100 and (before.lower() in _LABEL_WORDS or last or not before)


_LABEL_WORDS = {"book", "part", "volume", "chapter", "section", "act", "scene", "stave", "canto", "letter", "no.",
                "number", "vol."}


def spoken_title(title: str) -> str:
    """The title as it is read aloud: `Chapter XII: The Title` -> `Chapter 12. The Title`."""
    m = re.match(rf"(Chapter|Stave|Letter|Book|Part|Volume|Canto|Section|Act)( the)? ({_ROMAN})\b", title)
    value = number_value(m.group(3)) if m else None
    if m and value is not None:
        title = f"{m.group(1)}{m.group(2) or ''} {value}{title[m.end():]}"
    return title.replace(": ", ". ", 1)
