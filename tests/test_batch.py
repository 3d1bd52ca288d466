"""`audiobook batch`: many books, shards, a manifest, one bad book not stopping the rest, the CI workflow."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from audiobook.batch import BookJob, collect_books, render_books, shard
from audiobook.cli import app
from audiobook.errors import InputError
from audiobook.read.book import ReadOptions
from tests.fakes import FakeFactory

ROOT = Path(__file__).resolve().parent.parent
BOOK = 'CHAPTER I\n\n"Hello," said {name}.\n\n"Hello again," said Tom.\n'


@pytest.fixture
def shelf(tmp_path: Path) -> Path:
    books = tmp_path / "books"
    for name in ("Anna", "Beth", "Cleo", "Dora", "Edna"):
        (books / name.lower()).mkdir(parents=True)
        (books / name.lower() / f"{name.lower()}.txt").write_text(BOOK.format(name=name), encoding="utf-8")
    (books / "beth" / "beth.voices.yaml").write_text("characters:\n  Beth:\n    voice: gmw/en+f4\n")
    (books / "cleo" / "cleo.txt").write_bytes(b"\x00\x01binary")  # a bad book among good ones
    return books


def test_collect_and_shard_are_stable(shelf: Path) -> None:
    books = collect_books([shelf])
    assert [b.source.name for b in books] == ["anna.txt", "beth.txt", "cleo.txt", "dora.txt", "edna.txt"]
    assert books[1].voices == shelf / "beth" / "beth.voices.yaml"
    one, two = shard(books, "1/2"), shard(books, "2/2")
    assert [b.source.name for b in one] == ["anna.txt", "cleo.txt", "edna.txt"]
    assert [b.source.name for b in two] == ["beth.txt", "dora.txt"]
    assert sorted(one + two, key=lambda b: b.source) == books
    for bad in ("0/2", "3/2", "x", "1-2"):
        with pytest.raises(InputError, match="is not allowed; give K/N"):
            shard(books, bad)


def test_manifest(tmp_path: Path, write: Callable[..., Path]) -> None:
    write("b/one.txt", "Hello.")
    write("b/one.yaml", "characters: {}\n")
    manifest = write("books.yaml", yaml.safe_dump({"books": [
        {"source": "b/one.txt", "voices": "b/one.yaml", "title": "One", "author": "Me", "preset": "ebu-r128",
         "format": "m4b", "year": 1900}, "b/one.txt"]}))
    jobs = collect_books([manifest])
    assert jobs[0] == BookJob(tmp_path / "b/one.txt", tmp_path / "b/one.yaml", "One", "Me", "ebu-r128", "m4b", "1900")
    read = write("read.yaml", "books:\n  - {source: b/one.txt, chapters_from: headings, include_front_matter: true}\n")
    assert collect_books([read])[0].reading == ReadOptions("headings", True)
    wrong = write("wrong.yaml", "books:\n  - {source: b/one.txt, include_front_matter: maybe}\n")
    with pytest.raises(InputError, match=r"wrong.yaml: books\[1\].include_front_matter: 'maybe' is not allowed; "
                                         r"use true or false"):
        collect_books([wrong])
    bad = write("bad.yaml", "books:\n  - {source: x.txt, colour: red}\n")
    with pytest.raises(InputError, match=r"bad.yaml: books\[1\].colour: unknown key; allowed: source, voices"):
        collect_books([bad])


def test_one_bad_book_does_not_stop_the_others(shelf: Path, tmp_path: Path) -> None:
    reports = render_books(collect_books([shelf]), tmp_path / "out", render_jobs=1, engine=FakeFactory())
    status = {Path(r.source).name: r.status for r in reports}
    assert status == {"anna.txt": "ok", "beth.txt": "ok", "cleo.txt": "error", "dora.txt": "ok", "edna.txt": "ok"}
    cleo = next(r for r in reports if r.status == "error")
    assert cleo.error and cleo.error.endswith("cleo.txt: looks like a binary file (NUL byte at byte offset 0); "
                                              "give a UTF-8 text file")
    anna = reports[0]
    assert anna.chapters == 1 and anna.audio_seconds > 1 and anna.clips_synthesized > 0
    assert anna.attribution["quotes"] == 2 and anna.attribution["attributed"] == 1.0
    beth = reports[1]  # its voices.yaml casts Beth only
    assert "1 of 2 quotes have no speaker and are read by the narrator; see `audiobook report`" in beth.warnings


def test_cli_report_and_exit_code(shelf: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("audiobook.pipeline.DefaultEngine", FakeFactory())
    report = tmp_path / "report.json"
    result = CliRunner().invoke(app, ["batch", str(shelf), "--out", str(tmp_path / "out"), "--shard", "1/2",
                                      "--json", str(report), "--jobs", "1"])
    assert result.exit_code == 1  # cleo is in shard 1
    assert result.stdout.splitlines()[-1].startswith("2 of 3 books rendered")
    data = json.loads(report.read_text())
    assert data["shard"] == "1/2" and [b["status"] for b in data["books"]] == ["ok", "error", "ok"]


def test_workflow_commands_run_here(tmp_path: Path) -> None:
    """The workflow's audiobook steps, as written, on a small shelf with the real engine."""
    workflow = yaml.safe_load((ROOT / "docs" / "github-actions.yml").read_text())
    steps = workflow["jobs"]["render"]["steps"]
    shards = workflow["jobs"]["render"]["strategy"]["matrix"]["shard"]
    runs = [s["run"] for s in steps if ("run" in s and "audiobook batch" in s["run"]) or "audiobook check" in
            s.get("run", "")]
    assert len(runs) == 2
    books = tmp_path / "books"
    books.mkdir()
    for name in ("Anna", "Beth"):
        (books / f"{name.lower()}.txt").write_text(BOOK.format(name=name), encoding="utf-8")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
           "AUDIOBOOK_CACHE": str(tmp_path / "cache")}
    for k in shards:
        for run in runs:
            command = re.sub(r"\$\{\{ matrix\.shard \}\}", str(k), run)
            done = subprocess.run(["bash", "-c", command], cwd=tmp_path, env=env, capture_output=True, text=True)
            assert done.returncode == 0, done.stdout + done.stderr
    assert sorted(p.name for p in (tmp_path / "output").iterdir()) == ["Anna", "Beth"]
    assert json.loads((tmp_path / "report-1.json").read_text())["books"][0]["status"] == "ok"


def test_two_books_with_one_title_do_not_overwrite_each_other(tmp_path: Path, write: Callable[..., Path]) -> None:
    write("a/novel_text.txt", BOOK.format(name="Anna"))
    write("b/novel_text.txt", BOOK.format(name="Beth"))
    reports = render_books(collect_books([tmp_path]), tmp_path / "out", render_jobs=1, engine=FakeFactory())
    assert [r.status for r in reports] == ["ok", "error"]
    assert reports[1].error == (f"{tmp_path / 'b/novel_text.txt'}: its title 'Novel Text' is also "
                                f"{tmp_path / 'a/novel_text.txt'}'s; give each book a `title:` in books.yaml")
