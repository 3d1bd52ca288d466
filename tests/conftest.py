"""Shared fixtures: the bundled example, a fake engine, and a helper to write small books."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.fakes import FakeEngine

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "the-lighthouse-keeper.txt"


@pytest.fixture
def example() -> Path:
    return EXAMPLE


@pytest.fixture
def fake_engine(monkeypatch: pytest.MonkeyPatch) -> FakeEngine:
    """A FakeEngine that `render_book` uses instead of eSpeak NG when given no engine."""
    engine = FakeEngine()
    monkeypatch.setattr("audiobook.render.EspeakEngine", lambda: engine)
    return engine


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    """Write text (or bytes) to a file under tmp_path and return its path."""

    def _write(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return _write
