"""`audiobook review`: a static site that shows the book as a script, plays each line and writes `fixes:`."""

from __future__ import annotations

import colorsys
import hashlib
import os
import re
from collections import Counter
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from urllib.parse import quote as url_quote

from audiobook.errors import OutputError
from audiobook.layout import book_folder, chapter_file_names, numbered_name, read_timings, timings_path
from audiobook.model import Chapter, Cue, Segment, SpokenLine
from audiobook.qa.report import attribution_report
from audiobook.qa.review.html import chapter_page, overview_page
from audiobook.qa.review.pages import ChapterView, Colour, Row
from audiobook.script import Script

# The very matching `fixes:` uses, so a generated fix always finds its quote.
from audiobook.script.fixes import QUOTE_OPENING, match_words
from audiobook.script.lines import chapter_lines

ASSETS = ("review.css", "review.js")
MAIN_HUES = (0, 28, 52, 130, 185, 215, 265, 315)  # red, orange, ochre, green, teal, blue, violet, magenta
_MARKS = "\"'“”‘’«» "
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


@dataclass(frozen=True)
class ReviewResult:
    """What `write_review` wrote."""

    folder: Path
    pages: tuple[Path, ...]
    characters: int
    audio_chapters: int  # chapters whose lines can be played
    warnings: tuple[str, ...]

    @property
    def audio(self) -> bool:
        """Whether any rendered audio was found beside the script."""
        return self.audio_chapters > 0


def default_book_folder(script: Script, out_dir: Path = Path("output")) -> Path:
    """Where `render` writes the script's book by default."""
    return book_folder(out_dir, script.title)


def chapter_audio(script: Script, folder: Path, chapter: Chapter) -> Path:
    """The chapter MP3 `render` writes in the book folder (layout.py names it for both)."""
    return folder / chapter_file_names(script.chapters)[chapter.index]


def write_review(script: Script, out: Path, book_folder: Path | None = None) -> ReviewResult:
    """Write the review site for the script into `out`: index.html, a page per chapter, and its assets."""
    folder = book_folder if book_folder is not None else default_book_folder(script)
    warnings: list[str] = []
    views = [_chapter_view(script, chapter, folder, out, warnings) for chapter in script.chapters]
    if not any(v.audio for v in views):
        warnings.append(f"no rendered audio in {folder}; render the book there to play its lines")
    counts = Counter(row.who for v in views for row in v.rows if row.kind == "dialogue" and row.who != "narrator")
    try:
        pages = _write_pages(script, out, views, counts, tuple(warnings))
    except OSError as exc:
        raise OutputError(f"{out}: cannot write the review ({exc.strerror or exc})") from None
    return ReviewResult(out, tuple(pages), len(counts), sum(1 for v in views if v.audio), tuple(warnings))


def _chapter_view(script: Script, chapter: Chapter, folder: Path, out: Path, warnings: list[str]) -> ChapterView:
    """A chapter's rows, timed against its rendered audio when the audio matches the lines."""
    lines = chapter_lines(script, chapter)
    rows = chapter_rows(script, chapter, lines)
    audio = None
    mp3 = chapter_audio(script, folder, chapter)
    cues = read_timings(timings_path(folder, chapter.index)) if mp3.is_file() else []
    if cues and _same_lines(cues, lines, warnings, chapter):
        rows = [_timed(row, cue) for row, cue in zip(rows, cues, strict=True)]
        audio = url_quote(Path(os.path.relpath(mp3.resolve(), out.resolve())).as_posix())
    page = numbered_name(chapter.index, len(script.chapters), "chapter-{}.html")
    return ChapterView(chapter, page, tuple(rows), audio)


def _write_pages(script: Script, out: Path, views: list[ChapterView], counts: Counter[str],
                 warnings: tuple[str, ...]) -> list[Path]:
    """The assets, a page per chapter and the overview; pages of chapters the book no longer has are removed."""
    colours = character_colours([name for name, _ in counts.most_common()] + sorted(set(script.casting.roles)))
    report = attribution_report(script)
    key = "audiobook-review:" + hashlib.sha256(f"{script.source.name}\0{script.title}".encode()).hexdigest()[:16]
    out.mkdir(parents=True, exist_ok=True)
    (out / "assets").mkdir(exist_ok=True)
    for name in ASSETS:
        (out / "assets" / name).write_bytes(resources.files("audiobook.qa.review").joinpath("assets", name)
                                            .read_bytes())
    pages = []
    for n, view in enumerate(views):
        nav = (views[n - 1].page if n else None, views[n + 1].page if n + 1 < len(views) else None)
        pages.append(_write(out / view.page, chapter_page(script, view, nav, colours, key, counts)))
    pages.insert(0, _write(out / "index.html", overview_page(script, views, colours, key, counts, report, warnings)))
    keep = {v.page for v in views}
    for old in out.glob("chapter-*.html"):
        if old.name not in keep:
            old.unlink()
    return pages


def _write(path: Path, html: str) -> Path:
    path.write_text(html, encoding="utf-8")
    return path


def _same_lines(cues: list[Cue], lines: list[SpokenLine], warnings: list[str], chapter: Chapter) -> bool:
    """Whether the recorded cues are this chapter's lines; the i-th cue is the i-th line, so both must agree."""
    if len(cues) != len(lines) or any(c.text != line.text for c, line in zip(cues, lines, strict=False)):
        warnings.append(f"chapter {chapter.index}: the audio was rendered from other text; render again to play it")
        return False
    if any(c.speaker != line.who for c, line in zip(cues, lines, strict=True)):
        warnings.append(f"chapter {chapter.index}: the audio predates a change of speakers; render again to hear it")
    return True


def _timed(row: Row, cue: Cue) -> Row:
    return replace(row, start=cue.start, end=cue.end)


def chapter_rows(script: Script, chapter: Chapter, lines: list[SpokenLine]) -> list[Row]:
    """A row for each spoken line of the chapter, with what a fix needs to find it again."""
    segs = [s for s in script.segments if s.chapter == chapter.index]
    by_start = {s.start: s for s in segs}
    quotes = _QuoteIndex(script.text, [s for s in segs if s.kind == "dialogue"])
    lo, hi = (segs[0].start, segs[-1].end) if segs else (chapter.start, chapter.end)
    rows = []
    for i, line in enumerate(lines):
        seg = by_start.get(line.offset)
        if line.title or seg is None:
            rows.append(Row(i, chapter.title, "narrator", "title", None, -1, _words_in(chapter.title)))
            continue
        shown = " ".join(script.text[seg.start:seg.end].split())
        words = _words_in(shown)
        if seg.kind == "dialogue":
            opening, nth = quotes.target(seg)
            rows.append(Row(i, shown, line.who, "dialogue", seg.evidence, seg.paragraph, words, quote=opening,
                            occurrence=nth, confidence=seg.confidence))
        else:
            rows.append(Row(i, shown, line.who, "narration", None, seg.paragraph, words,
                            occurrence=_text_occurrence(script.text, lo, hi, seg)))
    return rows


def _words_in(text: str) -> int:
    return len(_WORD.findall(text))


class _QuoteIndex:
    """Finds, for each quote of a chapter, the fewest opening words (at least five) that tell it from the others."""

    def __init__(self, text: str, dialogue: list[Segment]) -> None:
        self.text = text
        self.segs = dialogue
        self.norm = [match_words(QUOTE_OPENING.sub("", text[s.start:s.end])) for s in dialogue]

    def target(self, seg: Segment) -> tuple[str, int]:
        """The opening words of seg's quote and which match of them in the chapter it is (1-based)."""
        words = QUOTE_OPENING.sub("", self.text[seg.start:seg.end]).split()
        pos = self.segs.index(seg)
        first = match_words(words[0].rstrip(_MARKS)) if words else ""
        pool = [j for j, n in enumerate(self.norm) if n.startswith(first)]
        k = min(5, len(words))
        while True:
            # Without a closing mark: the README's "opening words of the quote (without its mark)".
            opening = " ".join(words[:k]).rstrip(_MARKS) or " ".join(words[:k])
            want = match_words(opening)
            pool = [j for j in pool if self.norm[j].startswith(want)]
            if len(pool) == 1 or k >= min(len(words), 12):
                return opening, pool.index(pos) + 1
            k += 1


def _text_occurrence(text: str, lo: int, hi: int, seg: Segment) -> int:
    """Which match of the segment's exact text (spaces may differ) in the chapter it is, as `text:` fixes count."""
    pattern = r"\s+".join(re.escape(w) for w in text[seg.start:seg.end].split())
    starts = [m.start() + lo for m in re.finditer(pattern, text[lo:hi])]
    return starts.index(seg.start) + 1 if seg.start in starts else 0  # 0: no text fix can reach it


def character_colours(names: list[str]) -> dict[str, Colour]:
    """A stable colour for each name: the busiest eight (names come busiest first) from eight well-apart hues."""
    out: dict[str, Colour] = {}
    free = list(MAIN_HUES)
    for name in names:
        if name in out:
            continue
        hashed = int(hashlib.sha256(name.encode()).hexdigest()[:8], 16)
        # The hash picks the slot, so a character keeps its colour when the others' counts change a little.
        hue = free.pop(hashed % len(free)) if free else hashed % 360
        out[name] = Colour(_hsl(hue, 0.75, 0.91), _ink(hue))
    return out


def _hsl(hue: float, sat: float, light: float) -> str:
    r, g, b = colorsys.hls_to_rgb(hue / 360, light, sat)
    return f"#{round(r * 255):02x}{round(g * 255):02x}{round(b * 255):02x}"


def _luminance(colour: str) -> float:
    chans = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in chans]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    """The WCAG contrast ratio of two #rrggbb colours."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _ink(hue: float) -> str:
    """The lightest shade of the hue that reads on white and on its own tint (WCAG AA, 4.5:1, with a margin)."""
    tint = _hsl(hue, 0.75, 0.91)
    light = 0.40
    while light > 0.1:
        ink = _hsl(hue, 0.7, light)
        if contrast(ink, "#ffffff") >= 5 and contrast(ink, tint) >= 4.6:
            return ink
        light -= 0.02
    return _hsl(hue, 0.7, 0.1)
