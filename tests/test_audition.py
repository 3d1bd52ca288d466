"""Trying a cast before a full render: --dry-run, --preview, --chapters, `audiobook say`, lexicons."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from audiobook.cli import app
from audiobook.pipeline import plan_book
from audiobook.script.lines import chapter_lines
from tests.fakes import FakeEngine

BOOK = """CHAPTER I

"Hello," said Anna. Kuznetsova smiled.

CHAPTER II

"Goodbye," said Tom on 5 June 1865.

CHAPTER III

The end.
"""


def run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def test_dry_run_synthesizes_nothing(write: Callable[..., Path], tmp_path: Path, fake_engine: FakeEngine) -> None:
    code, out, _ = run("render", write("b.txt", BOOK), "--dry-run", "--json", "--out", tmp_path / "o")
    assert code == 0
    plan = json.loads(out)
    assert [c["title"] for c in plan["chapters"]] == ["Chapter I", "Chapter II", "Chapter III"]
    assert {c["name"] for c in plan["characters"]} == {"Anna", "Tom"}
    assert plan["estimated_seconds"] > 3
    assert fake_engine.calls == [] and not (tmp_path / "o").exists()


def test_chapters_renders_a_selection_and_keeps_the_rest(write: Callable[..., Path], tmp_path: Path,
                                                         fake_engine: FakeEngine) -> None:
    book = write("b.txt", BOOK)
    assert run("render", book, "--out", tmp_path, "--jobs", "1")[0] == 0
    folder = tmp_path / "B"
    before = {p.name: p.stat().st_mtime_ns for p in folder.glob("*.mp3")}
    book.write_text(BOOK.replace("Goodbye", "Farewell"), encoding="utf-8")
    code, _out, err = run("render", book, "--out", tmp_path, "--jobs", "1", "--chapters", "1,3")
    assert code == 0, err
    after = {p.name: p.stat().st_mtime_ns for p in folder.glob("*.mp3")}
    assert after == before  # 1 and 3 unchanged, 2 changed but not selected: left as it was
    code, _out, err = run("render", book, "--out", tmp_path, "--jobs", "1", "--chapters", "2-2")
    assert code == 0 and "Farewell," in [t for t, _ in fake_engine.calls]
    assert run("render", book, "--chapters", "4")[2] == (
        "Error: --chapters '4' is not allowed; give numbers or ranges from 1 to 3, e.g. 1,3-5\n")


def test_preview_gives_each_voice_a_file(write: Callable[..., Path], tmp_path: Path, fake_engine: FakeEngine) -> None:
    code, _out, err = run("render", write("b.txt", BOOK), "--preview", "--out", tmp_path, "--jobs", "1")
    assert code == 0, err
    names = sorted(p.name for p in (tmp_path / "B - preview").glob("*.mp3"))
    assert names == ["01 - Narrator.mp3", "02 - Anna.mp3", "03 - Tom.mp3"]
    assert "Goodbye," in [t for t, _ in fake_engine.calls]


def test_lexicon_and_normalization_reach_the_engine(write: Callable[..., Path]) -> None:
    voices = write("v.yaml", "lexicon:\n  Kuznetsova: kooz-NYET-so-va\ncharacters:\n  Tom:\n    voice: gmw/en-us+m3\n"
                   "    lexicon:\n      June: Joon\n")
    script = plan_book(write("b.txt", BOOK), voices)
    texts = [line.text for c in script.chapters for line in chapter_lines(script, c)]
    assert "said Anna. [[ku:z'njEts@v@]] smiled." in texts
    assert "said Tom on 5 June 18 65." in texts  # the narrator's line: the book lexicon only
    assert "Chapter 2" in texts


def test_say_speaks_in_a_cast_voice(write: Callable[..., Path], tmp_path: Path) -> None:
    voices = write("v.yaml", "characters:\n  Anna:\n    aliases: [Annie]\n    voice: gmw/en-us+f3\n")
    out = tmp_path / "hello.mp3"
    code, text, err = run("say", "Hello there, Kuznetsova.", "--voice", "annie", "--voices", voices, "--out", out)
    assert code == 0, err
    assert text.startswith(f"{out} (") and out.stat().st_size > 1000
    code, _text, err = run("say", "Hi", "--voice", "Bob", "--voices", voices, "--out", out)
    assert code == 1 and err.startswith("Error: --voice 'Bob' is neither a cast name (narrator, Anna) nor a voice")


@pytest.mark.parametrize(("value", "error"), [
    ('"[[bad"', "lexicon.Kuz: phonemes must be written whole, as [[...]] with nothing around them"),
    ("[1, 2]", "lexicon.Kuz: give a respelling such as kooz-NYET-so-va or eSpeak phonemes"),
])
def test_bad_lexicon_entry(write: Callable[..., Path], value: str, error: str) -> None:
    voices = write("v.yaml", f"lexicon:\n  Kuz: {value}\n")
    code, _out, err = run("segment", write("b.txt", BOOK), "--voices", voices)
    assert code == 1 and err.startswith(f"Error: {voices}, line 2: {error}"), err
