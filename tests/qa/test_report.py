"""`audiobook report`: per-chapter attribution shares, character line counts, and the CI gate."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from typer.testing import CliRunner

from audiobook.cli import app

BOOK = """CHAPTER I

"Good morning," said Anna.

"Good morning," said Tom.

CHAPTER II

"Who is it?"

The door stayed shut.

"Nobody," said Tom.
"""


def test_report_json(write: Callable[..., Path]) -> None:
    result = CliRunner().invoke(app, ["report", str(write("b.txt", BOOK)), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["total"] == {"chapter": 0, "title": "all", "quotes": 4, "explicit": 3, "inferred": 0,
                             "unattributed": 1}
    assert [c["quotes"] for c in data["chapters"]] == [2, 2]
    assert data["characters"] == [{"name": "Tom", "lines": 2}, {"name": "Anna", "lines": 1}]
    assert data["attributed"] == 0.75


def test_report_gate(write: Callable[..., Path]) -> None:
    book = write("b.txt", BOOK)
    ok = CliRunner().invoke(app, ["report", str(book), "--fail-under", "0.7"])
    assert ok.exit_code == 0
    assert "4 quotes, 75.0 % attributed" in ok.stdout
    failed = CliRunner().invoke(app, ["report", str(book), "--fail-under", "0.9"])
    assert failed.exit_code == 1
    assert failed.stderr == "Error: 75.0 % of quotes have a speaker, below --fail-under 0.9\n"


def test_stale_fix_warns_on_every_command(write: Callable[..., Path]) -> None:
    book = write("b.txt", BOOK)
    voices = write("v.yaml", "fixes:\n  - {chapter: 2, quote: Hello there, speaker: Tom}\n")
    for command in (["segment"], ["report"]):
        result = CliRunner().invoke(app, [*command, str(book), "--voices", str(voices)])
        assert result.exit_code == 0
        assert result.stderr == (f"Warning: {voices}, line 2: fixes[1]: quote 'Hello there' is not in chapter 2 "
                                 "any more; the fix was not applied\n")


def test_a_book_or_chapter_without_quotes_shows_no_shares(write: Callable[..., Path]) -> None:
    book = write("b.txt", "CHAPTER I\n\nIt rained all day.\n\nCHAPTER II\n\nThe door stayed shut.\n")
    result = CliRunner().invoke(app, ["report", str(book), "--fail-under", "0.9"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "B: no quotes (all narration)"
    assert lines[3].split() == ["1.", "Chapter", "I", "0", "—", "—", "—"]
    assert lines[-1] == "  (none speaks)"
