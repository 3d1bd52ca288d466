"""The clip cache, unchanged chapters, resumed and parallel renders: less work, the same bytes."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from audiobook.audio.levels import CALIBRATION
from audiobook.errors import EngineError
from audiobook.model import Voice
from audiobook.pipeline import RenderOptions, plan_book, render_book
from audiobook.tts.cache import ClipCache, clip_key
from audiobook.tts.espeak import Clip, EspeakEngine
from tests.fakes import FakeEngine, FakeFactory

STORY = """CHAPTER I. Arrival

Anna opened the door. "Who is there?" she asked.

"Only me," said Tom.

CHAPTER II. The Talk

"Come in," said Anna.

The rain went on.

CHAPTER III. Departure

"Goodbye," said Tom.
"""


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*.mp3"))}


def test_cache_key_changes_exactly_when_the_sound_would() -> None:
    base = clip_key("e1", Voice("gmw/en-us+f3", 175, 50, 1.0), "Hello there.")
    assert base == clip_key("e1", Voice("gmw/en-US+f3", 175, 50, 1.0), "Hello there.")  # same voice, other case
    changed = [
        clip_key("e2", Voice("gmw/en-us+f3", 175, 50, 1.0), "Hello there."),
        clip_key("e1", Voice("gmw/en-us+f4", 175, 50, 1.0), "Hello there."),
        clip_key("e1", Voice("gmw/en-us+f3", 176, 50, 1.0), "Hello there."),
        clip_key("e1", Voice("gmw/en-us+f3", 175, 51, 1.0), "Hello there."),
        clip_key("e1", Voice("gmw/en-us+f3", 175, 50, 0.9), "Hello there."),
        clip_key("e1", Voice("gmw/en-us+f3", 175, 50, 1.0), "Hello there!"),
    ]
    assert len({base, *changed}) == 7


def test_cache_roundtrip_and_prune(tmp_path: Path) -> None:
    cache = ClipCache(tmp_path)
    clip = Clip(b"\x01\x02" * 1000, 22050)
    assert cache.get("ab" * 32) is None
    cache.put("ab" * 32, clip)
    assert cache.get("ab" * 32) == clip
    cache.put("cd" * 32, clip)
    os.utime(cache._path("ab" * 32), (1, 1))  # the least recently used
    result = cache.prune(3000)
    assert (result.removed_files, result.kept_files) == (1, 1)
    assert cache.get("ab" * 32) is None and cache.get("cd" * 32) == clip
    assert not list(tmp_path.rglob("*.tmp"))


def test_damaged_cache_file_is_a_miss(tmp_path: Path) -> None:
    cache = ClipCache(tmp_path)
    cache.put("ef" * 32, Clip(b"\x01\x02" * 100, 22050))
    cache._path("ef" * 32).write_bytes(b"RIFF garbage")
    assert cache.get("ef" * 32) is None


def test_rerender_with_nothing_changed_does_nothing(write: Callable[..., Path], tmp_path: Path) -> None:
    book = write("b.txt", STORY)
    factory = FakeFactory()
    first = render_book(plan_book(book), RenderOptions(tmp_path / "out", jobs=1), engine=factory)
    before = digests(first.folder)
    calls = len(factory.engine.calls)
    again = render_book(plan_book(book), RenderOptions(tmp_path / "out", jobs=1), engine=factory)
    assert (again.clips_synthesized, again.chapters_encoded) == (0, 0)
    assert len(factory.engine.calls) == calls
    assert digests(again.folder) == before
    assert [f.seconds for f in again.files] == pytest.approx([f.seconds for f in first.files], abs=0.01)


def test_changing_one_voice_resynthesizes_only_its_lines(write: Callable[..., Path], tmp_path: Path) -> None:
    book = write("b.txt", STORY)
    cast = write("v.yaml", "characters:\n  Tom:\n    voice: gmw/en-us+m3\n  Anna:\n    voice: gmw/en-us+f3\n")
    factory = FakeFactory()
    first = render_book(plan_book(book, cast), RenderOptions(tmp_path / "out", jobs=1), engine=factory)
    before = digests(first.folder)
    cast.write_text("characters:\n  Tom:\n    voice: gmw/en-us+m3\n  Anna:\n    voice: gmw/en-us+f3\n    pitch: 80\n")
    factory.engine.calls.clear()
    second = render_book(plan_book(book, cast), RenderOptions(tmp_path / "out", jobs=1), engine=factory)
    spoken = [text for text, _ in factory.engine.calls]
    # Anna's two lines, and once the passage that matches her new voice's level to the narrator's.
    assert [t for t in spoken if t != CALIBRATION] == ["Who is there?", "Come in,"]
    assert spoken.count(CALIBRATION) == 1
    assert second.clips_synthesized == 2
    after = digests(second.folder)
    # Anna speaks in chapters 1 and 2 only: chapter 3 is not re-encoded.
    assert [f.encoded for f in second.files] == [True, True, False]
    assert after["03 - Chapter III - Departure.mp3"] == before["03 - Chapter III - Departure.mp3"]
    assert after["01 - Chapter I - Arrival.mp3"] != before["01 - Chapter I - Arrival.mp3"]


def test_failed_render_resumes_to_the_same_bytes(write: Callable[..., Path], tmp_path: Path) -> None:
    book = write("b.txt", STORY)
    with pytest.raises(EngineError):
        render_book(plan_book(book), RenderOptions(tmp_path / "a", jobs=1), engine=FakeFactory(FakeEngine(fail_on="Goodbye")))
    factory = FakeFactory()
    resumed = render_book(plan_book(book), RenderOptions(tmp_path / "a", jobs=1), engine=factory)
    clean = render_book(plan_book(book), RenderOptions(tmp_path / "b", jobs=1), engine=FakeFactory())
    assert digests(resumed.folder) == digests(clean.folder)


def test_parallel_and_serial_renders_are_byte_identical(write: Callable[..., Path], tmp_path: Path) -> None:
    # The real engine, each render with its own empty cache: eSpeak NG's state must not leak between clips.
    book = write("b.txt", STORY)
    serial = render_book(plan_book(book), RenderOptions(tmp_path / "s", jobs=1, cache_dir=tmp_path / "c1"), engine=EspeakEngine)
    parallel = render_book(plan_book(book), RenderOptions(tmp_path / "p", jobs=2, cache_dir=tmp_path / "c2"), engine=EspeakEngine)
    # Two workers may both speak a line that occurs in two chapters before either has cached it: counts can differ.
    assert serial.clips_synthesized > 0 and parallel.clips_synthesized >= serial.clips_synthesized
    assert digests(serial.folder) == digests(parallel.folder)


def test_killed_render_resumes_to_the_same_bytes(write: Callable[..., Path], tmp_path: Path) -> None:
    chapters = "\n\n".join(
        f'CHAPTER {n}\n\n"We are in chapter {n} of the story," said Anna. ' + "The sea was grey and cold. " * 40
        for n in range(1, 9)
    )
    book = write("long.txt", chapters)
    env = {**os.environ, "AUDIOBOOK_CACHE": str(tmp_path / "cache1")}
    cmd = [sys.executable, "-m", "audiobook", "render", str(book), "--out", str(tmp_path / "killed"), "--jobs", "2"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    out = tmp_path / "killed" / "Long"
    deadline = time.monotonic() + 60
    while proc.poll() is None and time.monotonic() < deadline and not list(out.glob("*.mp3")):
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)  # the render and its workers, as the first chapter lands
    proc.wait()
    landed = len(list(out.glob("*.mp3")))
    assert 1 <= landed < 8, landed
    subprocess.run(cmd, env=env, check=True, capture_output=True)
    env["AUDIOBOOK_CACHE"] = str(tmp_path / "cache2")
    clean = [*cmd[:-3], str(tmp_path / "clean"), "--jobs", "1"]
    subprocess.run(clean, env=env, check=True, capture_output=True)
    killed, fresh = digests(tmp_path / "killed" / "Long"), digests(tmp_path / "clean" / "Long")
    assert len(fresh) == 8
    assert killed == fresh
    assert not [p for p in (tmp_path / "killed" / "Long").iterdir() if ".part-" in p.name]
