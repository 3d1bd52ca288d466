"""Apply the user's `fixes:` to the attributed segments, and report the ones the text no longer matches."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from audiobook.model import Casting, Fix, Segment

QUOTE_OPENING = re.compile(r"^[\s\"'“”‘’«»]+")


def apply_fixes(text: str, segments: Sequence[Segment], casting: Casting) -> tuple[list[Segment], list[str]]:
    """Return the segments with every fix applied, and one message for each fix that matched nothing."""
    names = _name_index(casting)
    out = list(segments)
    stale = []
    for n, fix in enumerate(casting.fixes, 1):
        speaker = None if fix.speaker.casefold() == "narrator" else names.get(fix.speaker.casefold(), fix.speaker)
        what = f"quote {fix.quote!r}" if fix.quote is not None else f"text {fix.text!r}"
        found = _fix_quote(text, out, fix, speaker) if fix.quote is not None else _fix_text(text, out, fix, speaker)
        if found is None:
            nth = f" (occurrence {fix.occurrence})" if fix.occurrence > 1 else ""
            stale.append(f"{casting.source}, line {fix.line}: fixes[{n}]: {what}{nth} is not in chapter {fix.chapter} "
                         "any more; the fix was not applied")
        else:
            out = found
    return out, stale


def _name_index(casting: Casting) -> dict[str, str]:
    index = {}
    for name, role in casting.roles.items():
        for alias in (name, *role.character.aliases):
            index[alias.casefold()] = name
    return index


def match_words(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip().casefold()


def _fix_quote(text: str, segments: list[Segment], fix: Fix, speaker: str | None) -> list[Segment] | None:
    """Pin the speaker of the quote that opens with fix.quote, and of the rest of its paragraph's speech."""
    want = match_words(fix.quote or "")
    matches = [i for i, s in enumerate(segments)
               if s.chapter == fix.chapter and s.kind == "dialogue"
               and match_words(QUOTE_OPENING.sub("", text[s.start:s.end])).startswith(want)]
    if len(matches) < fix.occurrence:
        return None
    first = segments[matches[fix.occurrence - 1]]
    # A quote split by its tag ("...," said she, "...") is one speech: its pieces share the old speaker.
    same = [i for i, s in enumerate(segments) if s.kind == "dialogue" and s.paragraph == first.paragraph
            and s.speaker == first.speaker and s.start >= first.start]
    out = list(segments)
    for i in same:
        seg = out[i]
        out[i] = (replace(seg, kind="narration", speaker=None, evidence="fix", confidence=None) if speaker is None
                  else replace(seg, speaker=speaker, evidence="fix", confidence=1.0))
    return out


def _fix_text(text: str, segments: list[Segment], fix: Fix, speaker: str | None) -> list[Segment] | None:
    """Make the exact stretch fix.text one segment: narration, or a line of the speaker."""
    chapter = [s for s in segments if s.chapter == fix.chapter]
    if not chapter:
        return None
    lo, hi = chapter[0].start, chapter[-1].end
    pattern = r"\s+".join(re.escape(w) for w in (fix.text or "").split())
    if not pattern:
        return None
    found = list(re.finditer(pattern, text[lo:hi]))
    if len(found) < fix.occurrence:
        return None
    a, b = lo + found[fix.occurrence - 1].start(), lo + found[fix.occurrence - 1].end()
    out: list[Segment] = []
    paragraph = None
    for seg in segments:
        if seg.end <= a or seg.start >= b:
            out.append(seg)
            continue
        paragraph = seg.paragraph if paragraph is None else paragraph
        # Keep what lies outside the stretch, trimmed, as it was.
        for s, e in ((seg.start, a), (b, seg.end)):
            piece = text[max(s, seg.start):min(e, seg.end)]
            if s < e and re.search(r"[^\W_]", piece):
                lead = len(piece) - len(piece.lstrip())
                trail = len(piece) - len(piece.rstrip())
                out.append(replace(seg, start=max(s, seg.start) + lead, end=min(e, seg.end) - trail))
    new = Segment("narration" if speaker is None else "dialogue", a, b, fix.chapter, paragraph or 0,
                  speaker, "fix")
    out.append(new)
    out.sort(key=lambda s: s.start)
    return out
