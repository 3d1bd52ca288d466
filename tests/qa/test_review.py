"""`audiobook review`: the static pages, their audio cues, flags, colours and the fixes they generate."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pytest

from audiobook.errors import OutputError
from audiobook.layout import read_timings, timings_path
from audiobook.pipeline import RenderOptions, plan_book, render_book
from audiobook.qa.review.views import character_colours, contrast, default_book_folder, write_review
from audiobook.script.lines import chapter_lines
from tests.fakes import FakeFactory

BOOK = """CHAPTER I

"Good morning," said Anna. "Is it raining?"

"Yes."

"Then we stay in," said Tom.

"Yes."

Anna looked at the window. It was grey.

CHAPTER II

"Who is it?"

The door stayed shut. <b>Nobody</b> & nothing.

"Nobody," said Tom.
"""


class _Lines(HTMLParser):
    """The attributes of every <li class="line"> of a page, and the text of each."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict[str, str]] = []
        self.depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "li" and "line" in a.get("class", "").split():
            self.rows.append({**a, "text": ""})
            self.depth = 1
        elif tag == "li" and self.depth:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "li" and self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.rows[-1]["text"] += data


def rows_of(page: Path) -> list[dict[str, str]]:
    parser = _Lines()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.rows


def fix_yaml(chapter: int, row: dict[str, str], speaker: str) -> str:
    """The fix the page's script builds from a row's data attributes (see review.js)."""
    what = f"quote: {json.dumps(row['data-q'])}" if "data-q" in row else f"text: {json.dumps(_words(row))}"
    return (f"fixes:\n  - chapter: {chapter}\n    {what}\n    speaker: {speaker}\n"
            f"    occurrence: {row.get('data-o', '1')}\n")


def _words(row: dict[str, str]) -> str:
    text = row["text"]
    for name in (row["data-who"], "unknown", "? unattributed", "≈ inferred", "▶"):
        text = text.removeprefix(name) if text.startswith(name) else text
    return text.split("\n")[0].strip()


@pytest.fixture
def rendered(tmp_path: Path, write: Callable[..., Path]) -> tuple[Path, Path]:
    """A small book rendered with the fake engine, and its folder."""
    book = write("b.txt", BOOK)
    result = render_book(plan_book(book), RenderOptions(tmp_path / "output", jobs=1), engine=FakeFactory())
    return book, result.folder


def test_pages_without_audio(tmp_path: Path, write: Callable[..., Path]) -> None:
    script = plan_book(write("b.txt", BOOK))
    result = write_review(script, tmp_path / "review", tmp_path / "nowhere")
    assert [p.name for p in result.pages] == ["index.html", "chapter-01.html", "chapter-02.html"]
    assert (tmp_path / "review" / "assets" / "review.js").is_file()
    assert not result.audio and result.audio_chapters == 0 and result.characters == 2
    assert result.warnings == (f"no rendered audio in {tmp_path / 'nowhere'}; render the book there to play its lines",)
    page = (tmp_path / "review" / "chapter-01.html").read_text(encoding="utf-8")
    assert 'class="play"' not in page and "No rendered audio for this chapter" in page
    assert "http://" not in page and "https://" not in page  # nothing from the network


def test_default_book_folder_is_where_render_writes(write: Callable[..., Path]) -> None:
    script = plan_book(write("the_lighthouse-keeper.txt", BOOK))
    assert default_book_folder(script) == Path("output") / "The Lighthouse Keeper"


def test_rows_are_the_spoken_lines_with_their_cues(rendered: tuple[Path, Path], tmp_path: Path) -> None:
    book, folder = rendered
    script = plan_book(book)
    out = tmp_path / "site" / "review"
    result = write_review(script, out, folder)
    assert result.audio_chapters == 2 and result.warnings == ()
    for chapter in script.chapters:
        page = out / f"chapter-{chapter.index:02d}.html"
        rows = rows_of(page)
        cues = read_timings(timings_path(folder, chapter.index))
        lines = chapter_lines(script, chapter)
        assert len(rows) == len(cues) == len(lines)
        for i, (row, cue, line) in enumerate(zip(rows, cues, lines, strict=True)):
            assert row["data-i"] == str(i) and row["id"] == f"l{i}"
            assert (float(row["data-s"]), float(row["data-e"])) == (cue.start, cue.end)
            assert row["data-who"] == line.who
        src = page.read_text(encoding="utf-8").split('<audio id="player" controls preload="metadata" src="')[1]
        audio = (out / unquote(src.split('"')[0])).resolve()
        assert audio.is_file() and audio.parent == folder.resolve() and audio.suffix == ".mp3"


def test_flags_and_evidence(rendered: tuple[Path, Path], tmp_path: Path) -> None:
    book, folder = rendered
    write_review(plan_book(book), tmp_path / "r", folder)
    one, two = rows_of(tmp_path / "r" / "chapter-01.html"), rows_of(tmp_path / "r" / "chapter-02.html")
    assert "title" in one[0]["class"]
    anna = one[1]
    assert anna["class"].split() == ["line", "dialogue", "para"] and anna["data-who"] == "Anna"
    assert "explicit tag" in anna["text"] and "--ink:" in anna["style"]
    assert "narration" in one[2]["class"].split()  # "said Anna."
    unknown = two[1]
    assert "unattributed" in unknown["class"].split() and unknown["data-who"] == "narrator"
    assert "? unattributed" in unknown["text"]
    inferred = [r for r in one if "inferred" in r["class"].split()]
    # An inferred speaker shows how likely it is; below even odds the line is marked unsure.
    assert inferred and all(re.search(r"(≈ inferred|\? unsure) · \d+ %", r["text"]) for r in inferred)
    assert all("likely)" in r["text"] for r in inferred)
    # Text is escaped, never markup.
    page = (tmp_path / "r" / "chapter-02.html").read_text(encoding="utf-8")
    assert "&lt;b&gt;Nobody&lt;/b&gt; &amp; nothing." in page and "<b>" not in page


def test_overview(rendered: tuple[Path, Path], tmp_path: Path) -> None:
    book, folder = rendered
    write_review(plan_book(book), tmp_path / "r", folder)
    page = (tmp_path / "r" / "index.html").read_text(encoding="utf-8")
    assert '<th scope="row"><span class="swatch"' in page and ">Tom</th><td>3</td><td>6</td>" in page
    assert page.count('class="sample"') == 3  # Tom, Anna and the narrator
    assert "<svg" in page and page.count('<a href="chapter-0') == 4  # the chart's and the table's links
    assert "6 quotes, <strong>83.3 %</strong> attributed" in page


def test_stale_audio_is_not_played(rendered: tuple[Path, Path], tmp_path: Path) -> None:
    book, folder = rendered
    book.write_text(BOOK.replace("The door stayed shut.", "The door stayed shut. Nobody came."), encoding="utf-8")
    result = write_review(plan_book(book), tmp_path / "r", folder)
    assert result.audio_chapters == 1
    assert result.warnings == ("chapter 2: the audio was rendered from other text; render again to play it",)
    assert 'class="play"' not in (tmp_path / "r" / "chapter-02.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("index", range(1, 9))
def test_generated_fix_changes_the_speaker(write: Callable[..., Path], tmp_path: Path, index: int) -> None:
    """Every line's fix, as the page builds it, moves exactly that line (the repeated "Yes." included)."""
    book = write("b.txt", BOOK)
    write_review(plan_book(book), tmp_path / "r", None)
    rows = rows_of(tmp_path / "r" / "chapter-01.html")
    row = rows[index]
    speaker = "Anna" if row["data-who"] != "Anna" else "Tom"
    voices = write("voices.yaml", fix_yaml(1, row, speaker))
    script = plan_book(book, voices)
    assert script.warnings == ()
    lines = chapter_lines(script, script.chapters[0])
    assert lines[index].who == speaker
    before = chapter_lines(plan_book(book), script.chapters[0])
    changed = [i for i, (a, b) in enumerate(zip(before, lines, strict=False)) if a.who != b.who]
    assert changed[0] == index


def test_fix_to_narrator(write: Callable[..., Path], tmp_path: Path) -> None:
    book = write("b.txt", BOOK)
    write_review(plan_book(book), tmp_path / "r", None)
    row = rows_of(tmp_path / "r" / "chapter-01.html")[7]  # the second "Yes."
    script = plan_book(book, write("voices.yaml", fix_yaml(1, row, "narrator")))
    assert [s.kind for s in script.segments if s.start == script.text.rindex('"Yes."')] == ["narration"]


def test_colours_are_stable_distinct_and_readable() -> None:
    names = ["Arabella", "Mr. Royce", "Judith", "Mrs. Kemp", "Mr. Kemp", "Flora", "Tessa", "Maud", "Marwood"]
    colours = character_colours(names)
    assert colours == character_colours(names)
    assert len({c.ink for c in colours.values()}) == len(names)
    assert character_colours(names[:3]) == {n: colours[n] for n in names[:3]}  # minor characters change nothing
    for c in colours.values():
        assert contrast(c.ink, "#ffffff") >= 4.5 and contrast(c.ink, c.tint) >= 4.5
        assert contrast("#1a1a1a", c.tint) >= 7


def test_unwritable_folder_is_an_output_error(write: Callable[..., Path], tmp_path: Path) -> None:
    script = plan_book(write("b.txt", BOOK))
    blocker = write("blocker", "a file where the folder should be")
    with pytest.raises(OutputError, match="cannot write the review"):
        write_review(script, blocker / "review", None)


def test_old_chapter_pages_are_removed(write: Callable[..., Path], tmp_path: Path) -> None:
    out = tmp_path / "r"
    write_review(plan_book(write("b.txt", BOOK)), out, None)
    write_review(plan_book(write("c.txt", "Just one chapter, no headings.\n")), out, None)
    assert sorted(p.name for p in out.glob("*.html")) == ["chapter-01.html", "index.html"]


def _wired() -> bool:
    from audiobook.cli import app

    return any(c.name == "review" for c in app.registered_commands)


@pytest.mark.skipif(not _wired(), reason="`audiobook review` is not wired into cli.py yet")
def test_cli(rendered: tuple[Path, Path], tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from audiobook.cli import app

    book, folder = rendered
    out = tmp_path / "review"
    result = CliRunner().invoke(app, ["review", str(book), "--out", str(out), "--book", str(folder)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{out / 'index.html'}: 2 chapter pages, 2 speaking characters, lines of 2 chapters playable.\n"
    failed = CliRunner().invoke(app, ["review", str(book), "--out", str(book / "review")])
    assert failed.exit_code == 1 and failed.stderr.startswith(f"Error: {book / 'review'}: cannot write the review")


def test_two_chapters_with_one_title_both_play(tmp_path: Path, write: Callable[..., Path]) -> None:
    # render numbers a repeated title ("Chapter I (1)", "Chapter I (2)"); review must find the files it named
    book = write("twice.txt", "CHAPTER I\n\n\"Hello,\" said Anna.\n\nCHAPTER I\n\n\"Goodbye,\" said Tom.\n")
    script = plan_book(book)
    rendered = render_book(script, RenderOptions(tmp_path / "out", jobs=1), engine=FakeFactory())
    assert [f.path.name for f in rendered.files] == ["01 - Chapter I (1).mp3", "02 - Chapter I (2).mp3"]
    result = write_review(script, tmp_path / "site", rendered.folder)
    assert result.audio_chapters == 2
