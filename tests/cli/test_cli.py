"""The command line: exit codes, exact error lines, and the JSON Lines contract of `segment`."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from audiobook.cli import app
from tests.fakes import FakeEngine, FakeFactory

runner = CliRunner()


def run(*args: str | Path) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    ("name", "content", "error"),
    [
        ("empty.txt", "", "is empty or only whitespace; there is nothing to read aloud"),
        ("blank.txt", "  \n\n \t\n", "is empty or only whitespace; there is nothing to read aloud"),
        ("dots.txt", "... -- !!\n", "has no words, only whitespace or punctuation; there is nothing to read aloud"),
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00", "looks like a binary file (NUL byte at byte offset 8); give a UTF-8 text file"),
        ("noencoding.txt", bytes(range(128, 256)) * 4,
         "not UTF-8 text: byte 0x80 at byte offset 0 (line 1); save the file as UTF-8"),
    ],
)
def test_bad_book_gives_one_error_line(write: Callable[..., Path], name: str, content: str | bytes, error: str) -> None:
    path = write(name, content)
    for command in ("segment", "render"):
        code, out, err = run(command, path)
        assert code == 1
        assert out == ""
        assert err == f"Error: {path}: {error}\n"


def test_windows_1252_book_is_read(write: Callable[..., Path]) -> None:
    path = write("latin1.txt", 'Line one\ncaf\u00e9 "Hello," said Anna.\n'.encode("cp1252"))
    code, out, _err = run("segment", path, "--format", "text")
    assert code == 0
    assert out == '## 1. Latin1\n    Line one café\n[Anna] "Hello,"\n    said Anna.\n'


def test_missing_file_and_directory(tmp_path: Path) -> None:
    assert run("render", tmp_path / "nope.txt")[::2] == (1, f"Error: {tmp_path / 'nope.txt'}: no such file\n")
    assert run("segment", tmp_path)[::2] == (1, f"Error: {tmp_path}: is a directory, not a text file\n")


@pytest.mark.parametrize(
    ("yaml_text", "error"),
    [
        ("narrator:\n  voice: gmw/en-us\n  rate: [\n", "line 4: not valid YAML: expected the node content, but found '<stream end>'"),
        ("narrator:\n  voice: gmw/en-uss\n",
         "line 2: narrator.voice: eSpeak NG has no voice 'gmw/en-uss'; close matches: gmw/en-us, gmw/en-us-nyc, "
         "gmw/en-shaw (run `audiobook voices` for the list)"),
        ("characters:\n  Martha:\n    voice: gmw/en+f3\n    rate: -5\n",
         "line 4: characters.Martha.rate: -5 is not allowed; rate must be words per minute, a whole number from 80 to 450"),
        ("characters:\n  Martha:\n    voice: gmw/en+f3\n    rate: 0\n",
         "line 4: characters.Martha.rate: 0 is not allowed; rate must be words per minute, a whole number from 80 to 450"),
        ("narrator:\n  voice: gmw/en\n  pitch: 120\n",
         "line 3: narrator.pitch: 120 is not allowed; pitch must be a whole number from 0 to 100"),
        ("narrator:\n  voice: gmw/en\n  volume: 0\n",
         "line 3: narrator.volume: 0 is not allowed; volume must be a number above 0 and at most 1"),
        ("narrator:\n  voice: gmw/en\n  rate: fast\n",
         "line 3: narrator.rate: 'fast' is not allowed; rate must be words per minute, a whole number from 80 to 450"),
        ("narator:\n  voice: gmw/en\n", "line 1: narator: unknown key (did you mean 'narrator'?); allowed: narrator, characters, fixes, preset, pauses, lexicon"),
        ("characters:\n  Martha:\n    voice: gmw/en+f9\n",
         "line 3: characters.Martha.voice: eSpeak NG has no voice variant 'f9'; close matches: f1, f2, f3 "
         "(run `audiobook voices` for the list)"),
        ("characters:\n  Martha:\n    gender: woman\n", "line 3: characters.Martha.gender: 'woman' is not allowed; use female or male"),
        ("characters:\n  Martha:\n    colour: red\n",
         "line 3: characters.Martha.colour: unknown key; allowed: voice, rate, pitch, volume, engine, model, speaker, "
         "noise_scale, aliases, gender, lexicon"),
        ("characters:\n  Martha:\n    aliases: [Tom]\n  Thomas:\n    aliases: [Tom]\n",
         "line 5: characters.Thomas.aliases: 'Tom' is already a name or alias of 'Martha'; a name can belong to one character"),
        ("- just\n- a list\n", "line 1: must be a mapping with keys: narrator, characters, fixes, preset, pauses, lexicon"),
        ("", "is empty; give `narrator:` and/or `characters:`"),
    ],
)
def test_bad_voices_yaml_gives_one_error_line(write: Callable[..., Path], example: Path, yaml_text: str,
                                              error: str) -> None:
    voices = write("voices.yaml", yaml_text)
    code, out, err = run("segment", example, "--voices", voices)
    assert (code, out) == (1, "")
    sep = ", " if error.startswith("line") else ": "
    assert err == f"Error: {voices}{sep}{error}\n"


def test_missing_voices_file(example: Path, tmp_path: Path) -> None:
    assert run("render", example, "--voices", tmp_path / "v.yaml")[::2] == (1, f"Error: {tmp_path / 'v.yaml'}: no such file\n")


def test_unknown_format(example: Path) -> None:
    assert run("segment", example, "--format", "xml")[::2] == (1, "Error: --format 'xml' is not allowed; use jsonl or text\n")


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["render", "--format", "MP3"], "--format 'MP3' is not allowed; use mp3 or m4b"),
        (["render", "--preset", "loud"], "--preset 'loud' is not allowed; use one of default, acx-spec, ebu-r128"),
        (["render", "--subtitles", "ass"], "--subtitles 'ass' is not allowed; use srt or vtt"),
        (["report", "--format", "xml"], "--format 'xml' is not allowed; use text or json"),
        (["segment", "-f", "json"], "--format 'json' is not allowed; use jsonl or text"),
        (["segment", "--chapters-from", "pages"], "--chapters-from 'pages' is not allowed; use toc, headings, spine"),
    ],
)
def test_a_bad_choice_is_one_error_line(example: Path, args: list[str], error: str) -> None:
    """Choices are checked by the commands, not by typer: one `Error:` line and exit 1, never a usage box."""
    assert run(args[0], example, *args[1:]) == (1, "", f"Error: {error}\n")


def test_segment_jsonl_contract(example: Path) -> None:
    code, out, _err = run("segment", example, "--format", "jsonl")
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    text = example.read_text(encoding="utf-8")
    assert {r["kind"] for r in rows} == {"narration", "dialogue"}
    for prev, row in itertools.pairwise(rows):
        assert prev["end"] <= row["start"]
    for row in rows:
        assert set(row) >= {"kind", "start", "end", "speaker", "chapter"}
        piece = text[row["start"]:row["end"]]
        assert piece.strip() == piece and piece
        if row["kind"] == "dialogue":
            assert piece[0] == '"' and piece[-1] == '"'
        # How likely the speaker is right: a share for attributed quotes, null for narration and unattributed ones.
        sure = row["confidence"]
        assert (sure is None) == (row["speaker"] is None) and (sure is None or 0 < sure <= 1)
    said = {text[r["start"]:r["end"]]: r["speaker"] for r in rows if r["kind"] == "dialogue"}
    assert said['"Then I\'ll be wrong,"'] == "Thomas"
    assert said['"Father!"'] == "Martha"


def test_segment_with_cast_uses_cast_names(write: Callable[..., Path], example: Path) -> None:
    voices = write("v.yaml", "characters:\n  Martha Hale:\n    aliases: [Martha]\n    gender: female\n")
    code, out, _ = run("segment", example, "--voices", voices)
    assert code == 0
    speakers = {json.loads(line)["speaker"] for line in out.splitlines()}
    assert "Martha Hale" in speakers and "Martha" not in speakers


def test_segment_text_reads_like_a_script(example: Path) -> None:
    code, out, _ = run("segment", example, "--format", "text")
    assert code == 0
    assert out.startswith("## 1. Chapter I: The Storm\n")
    assert '[Martha] "Father!"\n    cried Martha.\n' in out


def test_voices_lists_engine_voices() -> None:
    code, out, _ = run("voices", "--json")
    assert code == 0
    ids = {v["id"] for v in json.loads(out)}
    assert {"gmw/en-us", "gmw/en", "f3", "m1"} <= ids


def test_render_json_summary_with_fake_engine(example: Path, tmp_path: Path, fake_engine: FakeEngine) -> None:
    code, out, err = run("render", example, "--out", tmp_path, "--json", "--jobs", "1", "--author", "A. Writer")
    assert code == 0, err
    summary = json.loads(out)
    assert summary["book"] == "The Lighthouse Keeper"
    names = [Path(f["path"]).name for f in summary["files"]]
    assert names == ["01 - Chapter I - The Storm.mp3", "02 - Chapter II - The Bell Rock.mp3"]
    assert all(f["seconds"] > 1 for f in summary["files"])
    assert summary["speakers"]["Martha"] >= 3
    assert summary["voices"]["narrator"] == "gmw/en-us"
    assert len(set(summary["voices"].values())) == len(summary["voices"])  # every part its own voice
    assert fake_engine.calls


def test_render_failure_is_one_line_and_leaves_no_file(example: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("audiobook.pipeline.DefaultEngine", FakeFactory(FakeEngine(fail_on="Bell Rock")))
    code, _out, err = run("render", example, "--out", tmp_path, "--jobs", "1")
    assert code == 1
    assert err.startswith("Error: chapter 2 (Chapter II: The Bell Rock): the engine wrote no audio for ")
    assert err.count("\n") == 1
    folder = tmp_path / "The Lighthouse Keeper"
    # The longer chapter 2 is rendered first and fails; nothing half-written is left behind.
    assert sorted(p.name for p in folder.iterdir()) == [".audiobook.lock", ".work"]
