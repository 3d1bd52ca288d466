"""Shared fixtures: the bundled example, a fake engine, and a helper to write small books."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.fakes import FakeEngine, FakeFactory

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "the-lighthouse-keeper.txt"


@pytest.fixture(autouse=True)
def _own_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test gets an empty clip cache, never the user's."""
    path = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("AUDIOBOOK_CACHE", str(path))
    return path


@pytest.fixture
def example() -> Path:
    return EXAMPLE


@pytest.fixture
def fake_engine(monkeypatch: pytest.MonkeyPatch) -> FakeEngine:
    """A FakeEngine that `render_book` uses instead of eSpeak NG when given no engine."""
    factory = FakeFactory()
    monkeypatch.setattr("audiobook.pipeline.DefaultEngine", factory)
    return factory.engine


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
