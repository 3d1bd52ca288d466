"""`audiobook cast`: discovered characters go into voices.yaml; the user's text stays as it was."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from typer.testing import CliRunner

from audiobook.cast.casting import load_casting
from audiobook.cli import app

BOOK = """CHAPTER I

"Good morning," said Anna. She smiled.

"Good morning," said Tom. He nodded.

"Where is the cat?" asked Mrs. Gray.

"Asleep," said Tom.
"""


def cast(book: Path, voices: Path) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["cast", str(book), "--voices", str(voices)])
    return result.exit_code, result.stdout + result.stderr


def test_cast_creates_a_valid_file_with_distinct_voices(write: Callable[..., Path], tmp_path: Path) -> None:
    voices = tmp_path / "voices.yaml"
    code, out = cast(write("b.txt", BOOK), voices)
    assert code == 0
    assert out == f"{voices}: added 3 characters (lines): Tom (2), Anna (1), Mrs. Gray (1).\n"
    casting = load_casting(voices)
    assert list(casting.roles) == ["Tom", "Anna", "Mrs. Gray"]
    assert casting.roles["Mrs. Gray"].character.gender == "female"
    assert casting.roles["Tom"].character.gender == "male"
    all_voices = [r.voice.voice for r in casting.roles.values() if r.voice] + [casting.narrator.voice]
    assert len(set(all_voices)) == 4
    assert "# 2 lines" in voices.read_text()


def test_cast_keeps_user_edits_and_twice_changes_nothing(write: Callable[..., Path]) -> None:
    book = write("b.txt", BOOK)
    mine = ("# my cast, hand-tuned\nnarrator:\n  voice: gmw/en-gb-x-rp   # posh\n  rate: 150\n"
            "characters:\n  Thomas Gray:\n    aliases: [Tom]   # he is Tom in dialogue\n    voice: gmw/en-us+m7\n")
    voices = write("voices.yaml", mine)
    code, out = cast(book, voices)
    assert code == 0 and "added 2 characters" in out
    after = voices.read_text()
    assert after.startswith(mine)  # comments, order and values kept; new characters appended
    assert "Tom:" not in after  # Tom is Thomas Gray's alias already
    code, out = cast(book, voices)
    assert (code, out) == (0, f"{voices}: all 3 characters found are already cast; nothing changed.\n")
    assert voices.read_text() == after


def test_cast_reports_a_bad_existing_file(write: Callable[..., Path]) -> None:
    voices = write("voices.yaml", "characters:\n  Tom:\n    rate: fast\n")
    code, out = cast(write("b.txt", BOOK), voices)
    assert code == 1
    assert out == (f"Error: {voices}, line 3: characters.Tom.rate: 'fast' is not allowed; rate must be words per "
                   "minute, a whole number from 80 to 450\n")


def test_cast_says_how_many_in_words_that_fit(write: Callable[..., Path]) -> None:
    book = write("one.txt", 'Tom Reed came in.\n\n"Hello," said Tom.\n')
    voices = write("voices.yaml", "characters: {}\n")
    assert cast(book, voices) == (0, f"{voices}: added 1 character (lines): Tom (1).\n")
    assert cast(book, voices) == (0, f"{voices}: the 1 character found is already cast; nothing changed.\n")
    quiet = write("quiet.txt", "Nobody spoke at all that day.\n")
    other = write("other.yaml", "characters: {}\n")
    assert cast(quiet, other) == (0, f"{other}: no speaking characters found in {quiet}; nothing changed.\n")
