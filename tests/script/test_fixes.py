"""The `fixes:` section of voices.yaml: pinning a quote's speaker, marking text, and reporting stale fixes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from audiobook.cast.casting import load_casting
from audiobook.errors import CastingError
from audiobook.pipeline import plan_book

BOOK = """CHAPTER I

"Good morning," said Anna.

"Is it?" Tom asked, "I had not noticed."

"It is," came the answer from the hall.

She called it the "blue room" for no reason.
"""

CAST = """characters:
  Anna Lee:
    aliases: [Anna]
    gender: female
  Tom:
    gender: male
  Mother:
    gender: female
"""


def lines(script: object) -> list[tuple[str, str, str | None, str | None]]:
    text = script.text  # type: ignore[attr-defined]
    return [(s.kind, text[s.start:s.end], s.speaker, s.evidence) for s in script.segments  # type: ignore[attr-defined]
            if s.end > script.chapters[0].body_start]  # type: ignore[attr-defined]


def test_quote_fix_pins_the_speaker_of_every_piece(write: Callable[..., Path]) -> None:
    voices = write("v.yaml", CAST + "fixes:\n  - {chapter: 1, quote: Is it, speaker: Anna}\n"
                   "  - {chapter: 1, quote: 'It is,', speaker: Mother}\n")
    script = plan_book(write("b.txt", BOOK), voices)
    got = {t: (sp, ev) for kind, t, sp, ev in lines(script) if kind == "dialogue"}
    assert got['"Is it?"'] == ("Anna Lee", "fix")  # an alias maps to the cast name
    assert got['"I had not noticed."'] == ("Anna Lee", "fix")
    assert got['"It is,"'] == ("Mother", "fix")
    assert got['"Good morning,"'][0] == "Anna Lee"
    assert script.warnings == ()


def test_text_fix_marks_a_stretch_as_narration_or_a_line(write: Callable[..., Path]) -> None:
    voices = write("v.yaml", CAST + "fixes:\n  - {chapter: 1, quote: Good morning, speaker: narrator}\n"
                   "  - {chapter: 1, text: came the answer, speaker: Mother}\n")
    script = plan_book(write("b.txt", BOOK), voices)
    got = lines(script)
    assert ("narration", '"Good morning,"', None, "fix") in got
    assert ("dialogue", "came the answer", "Mother", "fix") in got
    assert ("narration", "from the hall.", None, None) in got


def test_stale_fix_is_reported_not_dropped_silently(write: Callable[..., Path]) -> None:
    voices = write("v.yaml", CAST + "fixes:\n  - chapter: 1\n    quote: Farewell\n    speaker: Tom\n"
                   "  - {chapter: 2, text: blue room, speaker: Tom}\n")
    script = plan_book(write("b.txt", BOOK), voices)
    assert script.warnings == (
        f"{voices}, line 10: fixes[1]: quote 'Farewell' is not in chapter 1 any more; the fix was not applied",
        f"{voices}, line 13: fixes[2]: text 'blue room' is not in chapter 2 any more; the fix was not applied",
    )


@pytest.mark.parametrize(("fix", "error"), [
    ("  - {chapter: 1, speaker: Tom}", "line 10: fixes[1]: needs exactly one of `quote:` (a quote's opening words) "
     "or `text:` (an exact stretch of the chapter)"),
    ("  - {chapter: 0, quote: Hi, speaker: Tom}", "line 10: fixes[1].chapter: 0 is not allowed; chapter must be a "
     "chapter number, 1 or more"),
    ("  - {quote: Hi, speaker: Tom}", "line 10: fixes[1]: needs `chapter:`"),
    ("  - {chapter: 1, quote: Hi, speaker: Tom, who: me}", "line 10: fixes[1].who: unknown key; allowed: chapter, "
     "quote, text, speaker, occurrence"),
])
def test_bad_fix_is_a_clear_error(write: Callable[..., Path], fix: str, error: str) -> None:
    voices = write("v.yaml", CAST + "fixes:\n" + fix + "\n")
    with pytest.raises(CastingError) as err:
        load_casting(voices)
    assert str(err.value) == f"{voices}, {error}"
