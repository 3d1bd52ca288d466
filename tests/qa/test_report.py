"""`audiobook report`: per-chapter attribution shares, character line counts, and the CI gate."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from typer.testing import CliRunner

from audiobook.cli import app
from audiobook.pipeline import plan_book
from audiobook.qa.report import attribution_report, report_text

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
                             "unattributed": 1, "unsure": 0}
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
    assert lines[3].split() == ["1.", "Chapter", "I", "0", "—", "—", "—", "—"]
    assert lines[-1] == "  (none speaks)"


def test_inferred_quotes_the_attributor_doubts_are_counted_as_unsure(write: Callable[..., Path]) -> None:
    book = write("b.txt", "CHAPTER I\n\nTom met Anna.\n\n\"Rain again.\"\n\n\"It always rains.\"\n\n\"Not in May.\"\n")
    script = plan_book(book)
    dialogue = [i for i, s in enumerate(script.segments) if s.kind == "dialogue"]
    assert len(dialogue) == 3
    segments = list(script.segments)
    for i, sure in zip(dialogue, (0.9, 0.3, 0.49), strict=True):
        segments[i] = replace(segments[i], speaker="Tom", evidence="alternation", confidence=sure)
    report = attribution_report(replace(script, segments=tuple(segments)))
    assert (report.total.inferred, report.total.unsure) == (3, 2)
    assert "unsure" in report_text(report).splitlines()[2]
