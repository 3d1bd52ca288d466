"""A corpus of bad and odd inputs: each ends in one clear `Error:` line or a correct render; never a traceback,
never a half-written file at a final path, never a silently dropped sentence."""

from __future__ import annotations

import io
import re
import time
import types
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from mutagen.mp3 import MP3
from typer.testing import CliRunner

from audiobook.cli import app
from audiobook.model import Voice
from audiobook.tts.espeak import Clip
from tests.fakes import FakeEngine, FakeFactory

OK_STORY = 'CHAPTER I\n\n"Hello," said Anna.\n\n"Goodbye," said Tom.\n'


@dataclass
class Case:
    """A bad input: files to write, the command's extra arguments, and the error expected (None: it renders)."""

    name: str
    files: dict[str, str | bytes]
    args: list[str] = field(default_factory=list)
    error: str | None = None  # a regular expression the one `Error:` line must match
    command: str = "render"


BOMB = "characters:\n  A0:\n    aliases: &a0 [x, y, z]\n" + "".join(
    f"  A{i}:\n    aliases: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]\n" for i in range(1, 25))

CASES = [
    Case("binary file", {"book.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"}, error="looks like a binary file"),
    Case("empty file", {"book.txt": ""}, error="is empty or only whitespace"),
    Case("whitespace only", {"book.txt": " \n\t\n\r\n"}, error="is empty or only whitespace"),
    Case("only punctuation", {"book.txt": "... !!! -- ?? ;;\n"}, error="has no words"),
    Case("NUL bytes in text", {"book.txt": "Hello there.\x00 Goodbye.\n"}, error="NUL byte at byte offset 12"),
    Case("missing file", {}, error="no such file"),
    Case("directory as book", {"book.txt/inner.txt": "x"}, error="is a directory"),
    Case("huge single line", {"book.txt": ('"Hi," said Anna. ' + "The sea was grey. " * 4000)}),
    Case("unmatched quotes everywhere", {"book.txt": '"Hello, said Anna.\n\nShe left" and "came back.\n\n"" "\n'}),
    Case("only dialogue", {"book.txt": '"Hello."\n\n"Hi."\n\n"How are you?"\n\n"Well."\n'}),
    Case("emoji and RTL text", {"book.txt": 'She smiled 😀🎉 and wrote שלום עולם and مرحبا.\n\n"Hi 👋," said Anna.\n'}),
    Case("chapter with no words", {"book.txt": "CHAPTER I\n\n* * *\n\nCHAPTER II\n\nThe end came.\n"}),
    Case("heading only", {"book.txt": "CHAPTER I\n"}),
    Case("nested quotes", {"book.txt": '"He said \'never\' to me," said Anna, "and \'never\' he meant."\n'}),
    Case("CRLF and a BOM", {"book.txt": "\ufeffCHAPTER I\r\n\r\n\"Hello,\" said Anna.\r\n"}),
    Case("title with ../", {"book.txt": OK_STORY}, ["--title", "../../escape"]),
    Case("very long title", {"book.txt": OK_STORY}, ["--title", "T" * 500]),
    Case("YAML alias bomb", {"book.txt": OK_STORY, "v.yaml": BOMB}, ["--voices", "v.yaml"],
         error=r"characters\.A1\.aliases: a list is not allowed"),
    Case("YAML wrong type", {"book.txt": OK_STORY, "v.yaml": "narrator:\n  voice: gmw/en\n  rate: fast\n"},
         ["--voices", "v.yaml"], error=r"line 3: narrator\.rate: 'fast' is not allowed"),
    Case("YAML characters is a list", {"book.txt": OK_STORY, "v.yaml": "characters:\n  - Anna\n"},
         ["--voices", "v.yaml"], error=r"line 2: characters: must be a mapping"),
    Case("YAML unknown key", {"book.txt": OK_STORY, "v.yaml": "narrator:\n  voice: gmw/en\n  speed: 3\n"},
         ["--voices", "v.yaml"], error=r"narrator\.speed: unknown key"),
    Case("YAML duplicate key", {"book.txt": OK_STORY, "v.yaml": "characters:\n  Jo: {}\n  Jo: {}\n"},
         ["--voices", "v.yaml"], error=r"characters\.Jo: appears twice"),
    Case("YAML syntax error", {"book.txt": OK_STORY, "v.yaml": "narrator: [unclosed\n"}, ["--voices", "v.yaml"],
         error="not valid YAML"),
    Case("YAML not UTF-8", {"book.txt": OK_STORY, "v.yaml": b"narrator:\n  name: caf\xe9\n"}, ["--voices", "v.yaml"],
         error="not UTF-8 text"),
    Case("voices.yaml is a folder", {"book.txt": OK_STORY, "v.yaml/x": "x"}, ["--voices", "v.yaml"],
         error="is a directory"),
    Case("voice that does not exist", {"book.txt": OK_STORY, "v.yaml": "narrator:\n  voice: gmw/xx-nowhere\n"},
         ["--voices", "v.yaml"], error="eSpeak NG has no voice 'gmw/xx-nowhere'"),
    Case("rate 0", {"book.txt": OK_STORY, "v.yaml": "narrator:\n  voice: gmw/en\n  rate: 0\n"},
         ["--voices", "v.yaml"], error="rate: 0 is not allowed"),
    Case("volume 2", {"book.txt": OK_STORY, "v.yaml": "narrator:\n  voice: gmw/en\n  volume: 2\n"},
         ["--voices", "v.yaml"], error="volume: 2 is not allowed"),
    Case("stale fix", {"book.txt": OK_STORY, "v.yaml": "fixes:\n  - {chapter: 1, quote: Farewell, speaker: Tom}\n"},
         ["--voices", "v.yaml"]),
    Case("output is a file", {"book.txt": OK_STORY, "out": "not a folder"}, ["--out", "out"],
         error="cannot create the output folder"),
    Case("unknown preset", {"book.txt": OK_STORY}, ["--preset", "loud"], error="--preset 'loud' is not allowed"),
    Case("cover not an image", {"book.txt": OK_STORY, "c.png": "text"}, ["--cover", "c.png"],
         error="not a JPEG or PNG image"),
    Case("unknown format", {"book.txt": OK_STORY}, ["--format", "wav"], error="--format 'wav' is not allowed"),
    Case("bad manifest", {"books.yaml": "books:\n  - {title: x}\n"}, error=r"books\[1\]: needs `source:`",
         command="batch"),
    Case("10 MB without newlines", {"book.txt": ('"Hi," said Anna. ' + "Grey sea. " * 1_000_000)},
         command="report"),
]


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W\d_]+", text.casefold())


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, write: Callable[..., Path]) -> None:
    monkeypatch.chdir(tmp_path)
    factory = FakeFactory()
    monkeypatch.setattr("audiobook.pipeline.DefaultEngine", factory)
    for name, content in case.files.items():
        write(name, content)
    source = "books.yaml" if case.command == "batch" else "book.txt"
    args = [case.command, source, *(["--out", "out"] if case.command in ("render", "batch")
                                    and "--out" not in case.args else []), *case.args]
    if case.command == "render":
        args += ["--jobs", "1"]
    started = time.perf_counter()
    result = CliRunner().invoke(app, args)
    assert "Traceback" not in result.output
    assert time.perf_counter() - started < 120
    if case.error:
        assert result.exit_code == 1, result.output
        assert result.stderr.count("\n") == 1 and result.stderr.startswith("Error: "), result.stderr
        assert re.search(case.error, result.stderr), result.stderr
    else:
        assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    if out.is_dir():
        for path in out.rglob("*"):
            assert ".part-" not in path.name, path
            if path.suffix == ".mp3":
                assert MP3(str(path)).info.length > 0
        for folder in out.iterdir():
            assert folder.resolve().parent == out.resolve()  # nothing escapes the output folder
    if case.command == "render" and not case.error:
        # No sentence silently dropped: every word of the book was given to the engine.
        spoken = set(_words(" ".join(text for text, _ in factory.engine.calls)))
        book = (tmp_path / "book.txt").read_text(encoding="utf-8")
        book = re.sub(r"(?m)^\W*CHAPTER \w+$", "", book)  # headings are read as "Chapter 1", not "Chapter I"
        assert set(_words(book)) <= spoken, set(_words(book)) - spoken


class HangingEngine(FakeEngine):
    def synthesize(self, text: str, voice: Voice) -> Clip:
        if "Goodbye" in text:
            time.sleep(30)
        return super().synthesize(text, voice)


class SilentEngine(FakeEngine):
    def synthesize(self, text: str, voice: Voice) -> Clip:
        return Clip(b"", 22050) if "Goodbye" in text else super().synthesize(text, voice)


@pytest.mark.parametrize(("engine", "error"), [
    (FakeEngine(fail_on="Goodbye"), "the engine wrote no audio for 'Goodbye,'"),
    (HangingEngine(), "the engine did not answer within 1 s for 'Goodbye,'"),
    (SilentEngine(), "the engine returned no audio for 'Goodbye,'"),
])
def test_engine_faults_name_the_chapter_and_keep_finished_chapters(
        engine: FakeEngine, error: str, write: Callable[..., Path], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("audiobook.chapter_render.CLIP_TIMEOUT", 1.0)
    monkeypatch.setattr("audiobook.pipeline.DefaultEngine", FakeFactory(engine))
    book = write("b.txt", "CHAPTER I\n\n" + "A long first chapter. " * 30 + '\n\n"Hello," said Anna.\n\n'
                 'CHAPTER II\n\n"Goodbye," said Tom.\n')
    result = CliRunner().invoke(app, ["render", str(book), "--out", str(tmp_path / "out"), "--jobs", "1"])
    assert result.exit_code == 1
    assert result.stderr == f"Error: chapter 2 (Chapter II): {error}\n" or \
        re.match(rf"Error: chapter 2 \(Chapter II\): {re.escape(error)}", result.stderr), result.stderr
    # The longer chapter 1 is rendered first and is kept; chapter 2 left nothing behind.
    files = sorted(p.name for p in (tmp_path / "out" / "B").iterdir() if not p.name.startswith("."))
    assert files == ["01 - Chapter I.mp3", "B.cue", "B.m3u"] or files == ["01 - Chapter I.mp3"]
    monkeypatch.setattr("audiobook.pipeline.DefaultEngine", FakeFactory())
    again = CliRunner().invoke(app, ["render", str(book), "--out", str(tmp_path / "out"), "--jobs", "1"])
    assert again.exit_code == 0
    assert sorted(p.name for p in (tmp_path / "out" / "B").glob("*.mp3")) == ["01 - Chapter I.mp3",
                                                                               "02 - Chapter II.mp3"]


def test_encoder_failure_and_disk_full(write: Callable[..., Path], tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("audiobook.pipeline.DefaultEngine", FakeFactory())
    book = write("b.txt", OK_STORY)
    monkeypatch.setattr("imageio_ffmpeg.get_ffmpeg_exe", lambda: "/bin/false")
    # Each run names its cache: monkeypatch.undo() below also undoes the test's own AUDIOBOOK_CACHE.
    result = CliRunner().invoke(app, ["render", str(book), "--out", str(tmp_path / "o1"), "--format", "m4b",
                                      "--cache-dir", str(tmp_path / "cache1")])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and "encoding failed" in result.stderr, result.stderr
    assert result.stderr.count("\n") == 1
    monkeypatch.undo()
    monkeypatch.setattr("audiobook.pipeline.DefaultEngine", FakeFactory())

    class BrokenEncoder:
        def __getattr__(self, _name: str) -> Callable[..., None]:
            def fail(*_args: object) -> None:
                raise RuntimeError("lame_encode_buffer returned -1")
            return fail

    monkeypatch.setattr("audiobook.audio.mp3.lameenc", types.SimpleNamespace(Encoder=BrokenEncoder))
    result = CliRunner().invoke(app, ["render", str(book), "--out", str(tmp_path / "o3"), "--jobs", "1",
                                      "--cache-dir", str(tmp_path / "cache3")])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and "MP3 encoding failed (lame_encode_buffer returned -1)" in \
        result.stderr, result.stderr
    assert result.stderr.count("\n") == 1
    assert not [p for p in (tmp_path / "o3").rglob("*.mp3")]
    monkeypatch.undo()
    monkeypatch.setattr("audiobook.pipeline.DefaultEngine", FakeFactory())

    class FullDisk(io.BytesIO):
        def write(self, _data: object) -> int:
            raise OSError(28, "No space left on device")

    monkeypatch.setattr("audiobook.audio.mp3.open", lambda *_a, **_k: FullDisk(), raising=False)
    result = CliRunner().invoke(app, ["render", str(book), "--out", str(tmp_path / "o2"), "--jobs", "1",
                                      "--cache-dir", str(tmp_path / "cache2")])
    assert result.exit_code == 1
    assert "No space left on device" in result.stderr and result.stderr.count("\n") == 1, result.stderr
    assert not [p for p in (tmp_path / "o2").rglob("*.mp3")]
