"""The review pages in a real browser: no errors, a line plays its own cue, the page follows, fixes apply, fast."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from audiobook.pipeline import RenderOptions, plan_book, render_book
from audiobook.qa.review.views import write_review
from audiobook.script.lines import chapter_lines
from tests.conftest import EXAMPLE
from tests.fakes import FakeFactory

NOW = """async () => {
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  const a = document.getElementById('player'), c = document.querySelector('li.current');
  return [a.currentTime, a.paused, c ? +c.dataset.i : null, c ? c.getBoundingClientRect().top : null,
          c ? c.getBoundingClientRect().bottom : null];
}"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled example rendered with the fake engine, and its review beside it."""
    root = tmp_path_factory.mktemp("site")
    script = plan_book(EXAMPLE)
    result = render_book(script, RenderOptions(root / "output", jobs=1, cache_dir=root / "cache"), engine=FakeFactory())
    review = write_review(script, root / "review", result.folder)
    assert review.audio_chapters == len(script.chapters)
    return root / "review"


def expect(locator: Any) -> Any:
    """Playwright's retrying assertions (imported late: without Playwright the browser fixture skips or fails)."""
    from playwright.sync_api import expect as pw_expect

    return pw_expect(locator)


def cues(page: Any) -> list[tuple[int, float, float]]:
    rows = page.eval_on_selector_all("li.line[data-s]", "rs => rs.map(r => [+r.dataset.i, +r.dataset.s, +r.dataset.e])")
    return [(int(i), s, e) for i, s, e in rows]


def load_ms(page: Any, url: str) -> float:
    page.goto(url)
    return float(page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd"))


def test_pages_load_without_errors(page: Any, site: Path) -> None:
    for html in sorted(site.glob("*.html")):
        page.goto(html.as_uri())
        page.wait_for_function("document.readyState === 'complete'")
        assert page.evaluate("document.querySelector('.fix-count').textContent") == "0"
        if html.name.startswith("chapter-"):  # its audio is found and readable
            page.wait_for_function("document.getElementById('player').readyState >= 1")
            assert page.evaluate("document.getElementById('player').error") is None
    assert page.problems == []


LATE = 0.35  # seconds past a line's end that playback may run before the page's stop lands


def test_play_button_plays_exactly_its_line(page: Any, site: Path) -> None:
    page.goto((site / "chapter-01.html").as_uri())
    timed = cues(page)
    for i, start, end in (timed[2], timed[5], timed[-1]):
        page.click(f"#l{i} button.play")
        page.wait_for_function(f"!document.getElementById('player').paused && "
                               f"document.getElementById('player').currentTime > {start}")
        t, paused, current, *_ = page.evaluate(NOW)
        # The page stops playback from its timeupdate events, which a loaded machine delivers late: allow that.
        assert start <= t < end + LATE and current == i, (start, t, end)
        page.wait_for_function("document.getElementById('player').paused", timeout=10_000)
        t, paused, current, *_ = page.evaluate(NOW)
        assert paused and start <= t < end + LATE, (start, t, end)  # stopped at the end of the line, not after
        assert current == i
    assert page.problems == []


def test_highlight_follows_the_audio(page: Any, site: Path) -> None:
    page.set_viewport_size({"width": 900, "height": 400})  # small, so that following has to scroll
    page.goto((site / "chapter-02.html").as_uri())
    timed = cues(page)
    page.evaluate("document.getElementById('player').play()")
    seen = set()
    deadline = time.monotonic() + 6
    while time.monotonic() < deadline:
        t, _paused, current, top, bottom = page.evaluate(NOW)
        want = ([None] + [i for i, s, _e in timed if s <= t + 1e-3])[-1]  # nothing lit before the first line
        assert current == want or min(abs(t - s) for _, s, _ in timed) < 0.05, (t, current, want)
        if current is not None:
            assert top >= 0 and bottom <= 400, "the current line is scrolled into view"
        seen.add(current)
        time.sleep(0.15)
    assert len(seen) >= 4  # it moved along with the audio
    assert page.problems == []


def test_fix_snippet_applies(page: Any, site: Path, tmp_path: Path) -> None:
    page.goto((site / "chapter-01.html").as_uri())
    script = plan_book(EXAMPLE)
    lines = chapter_lines(script, script.chapters[0])
    quote = next(i for i, line in enumerate(lines) if line.who == "Thomas")
    narration = next(i for i, line in enumerate(lines) if i > 1 and line.who == "narrator")
    for i, who in ((quote, "Martha"), (narration, "Peter")):
        page.click(f"#l{i} button.who")
        assert page.evaluate("document.getElementById('fix-dialog').open")
        page.select_option("#fix-speaker", who)
        page.click("#fix-dialog button[value=ok]")
        expect(page.locator(f"#l{i} .fixbadge")).to_have_text(f"→ {who}")
    snippet = page.input_value("#fix-yaml")
    assert snippet.count("  - chapter: 1\n") == 2 and "speaker: Martha" in snippet and "    text: " in snippet
    with page.expect_download() as download:
        page.click("#fixes summary")
        page.click(".fix-download")
    assert Path(download.value.path()).read_text(encoding="utf-8") == snippet
    voices = tmp_path / "voices.yaml"
    voices.write_text(snippet, encoding="utf-8")
    fixed = plan_book(EXAMPLE, voices)
    assert fixed.warnings == ()
    after = chapter_lines(fixed, fixed.chapters[0])
    assert after[quote].who == "Martha" and after[quote].text == lines[quote].text
    assert [line.who for line in after if line.text == lines[narration].text] == ["Peter"]
    # The fixes are kept for the book, across its pages.
    page.goto((site / "index.html").as_uri())
    expect(page.locator(".fix-count")).to_have_text("2")
    page.goto((site / "chapter-01.html").as_uri())
    page.click(f"#l{quote} button.who")
    page.click("#fix-dialog button[value=remove]")
    expect(page.locator(".fix-count")).to_have_text("1")
    expect(page.locator(f"#l{quote} .fixbadge")).to_have_count(0)
    assert page.problems == []


def test_keyboard(page: Any, site: Path) -> None:
    page.goto((site / "chapter-01.html").as_uri())
    for _ in range(3):  # the title, the first narration, the first quote
        page.keyboard.press("j")
    focused = "document.activeElement.closest('li.line') && document.activeElement.closest('li.line').id"
    assert page.evaluate(focused) == "l2"
    page.keyboard.press("s")
    assert page.evaluate("document.getElementById('fix-dialog').open")
    assert page.evaluate("document.activeElement.id") == "fix-speaker"
    page.keyboard.press("Escape")
    page.wait_for_function("!document.getElementById('fix-dialog').open")
    page.wait_for_function(f"({focused}) === 'l2'")  # focus goes back to the line
    page.keyboard.press("n")
    assert "inferred" in page.evaluate("document.activeElement.closest('li.line').className") or \
        "unattributed" in page.evaluate("document.activeElement.closest('li.line').className")
    page.keyboard.press("p")
    page.wait_for_function("!document.getElementById('player').paused")
    page.keyboard.press("Escape")
    page.wait_for_function("document.getElementById('player').paused")
    assert page.problems == []


def test_sample_button(page: Any, site: Path) -> None:
    page.goto((site / "index.html").as_uri())
    button = page.locator("button.sample").first
    start, end = float(button.get_attribute("data-s")), float(button.get_attribute("data-e"))
    button.click()
    page.wait_for_function(f"document.getElementById('player').currentTime > {start}")
    page.wait_for_function("document.getElementById('player').paused", timeout=10_000)
    assert start <= page.evaluate("document.getElementById('player').currentTime") < end
    assert page.problems == []


def test_a_long_book_opens_in_under_a_second(page: Any, tmp_path: Path) -> None:
    """60 chapters of 240 paragraphs each (made up here), well beyond any chapter of a real novel."""
    names = ["Anna", "Tom", "Mr. Grey", "Lucy", "Mrs. Hill", "Peter"]
    parts = []
    for c in range(1, 61):
        parts.append(f"CHAPTER {c}\n")
        for n in range(240):
            who = names[(n + c) % len(names)]
            parts.append(f'"Line {n} of chapter {c}, and some more words to make it a sentence," said {who}.'
                         if n % 3 else f"The narration of paragraph {n} goes on for a while, as narration does.")
    book = tmp_path / "long.txt"
    book.write_text("\n\n".join(parts) + "\n", encoding="utf-8")
    out = tmp_path / "review"
    write_review(plan_book(book), out, None)
    times = {name: load_ms(page, (out / name).as_uri()) for name in ("index.html", "chapter-01.html",
                                                                     "chapter-60.html")}
    assert max(times.values()) < 1000, times
    assert page.problems == []
