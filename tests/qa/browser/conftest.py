"""Headless Chromium (Debian's, driven by Playwright) for the review pages; skipped only when it is not here."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("AUDIOBOOK_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--autoplay-policy=no-user-gesture-required"]


def _missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if not Path(CHROMIUM).is_file():
        return f"no Chromium at {CHROMIUM}: apt-get install chromium (or set AUDIOBOOK_CHROMIUM)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed: pip install playwright (its own browser download is not needed)"
    return None


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One Chromium for the session; CI sets AUDIOBOOK_REQUIRE_BROWSER=1 so that a missing one fails."""
    why = _missing()
    if why:
        if os.environ.get("AUDIOBOOK_REQUIRE_BROWSER"):
            pytest.fail(why)
        pytest.skip(why)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh page (and storage) whose console errors, page errors and failed loads are collected in .problems."""
    context = browser.new_context(accept_downloads=True, viewport={"width": 1200, "height": 800})
    pg = context.new_page()
    problems: list[str] = []
    pg.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning")
          else None)
    pg.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    # Media fetches are aborted on purpose once the metadata is in, or when the page is left: not a failure.
    pg.on("requestfailed", lambda r: problems.append(f"failed: {r.url} {r.failure}")
          if r.failure != "net::ERR_ABORTED" else None)
    pg.problems = problems
    yield pg
    context.close()
