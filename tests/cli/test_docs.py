"""The help is complete and the README's command reference is generated from it: they cannot drift apart."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer.main
from cogapp import Cog
from typer.testing import CliRunner

from audiobook.audio.loudness import PRESETS
from audiobook.cli import app
from audiobook.cli.options import ChapterSource, Preset
from audiobook.read.book import CHAPTER_SOURCES

README = Path(__file__).resolve().parents[2] / "README.md"


def commands(path: str = "audiobook", group: Any = None) -> Iterator[tuple[str, Any]]:
    """Every command and command group of the app, with its full name."""
    group = group or typer.main.get_command(app)
    yield path, group
    for name, cmd in getattr(group, "commands", {}).items():
        yield from commands(f"{path} {name}", cmd)


ALL = list(commands())


@pytest.mark.parametrize(("path", "cmd"), ALL, ids=[path for path, _ in ALL])
def test_every_command_argument_and_option_has_help(path: str, cmd: Any) -> None:
    assert (cmd.help or "").strip(), f"{path} has no help text"
    for param in cmd.params:
        assert (getattr(param, "help", None) or "").strip(), f"{path} {param.name} has no help text"
        # Rich markup would swallow `[...]` in --help, and the README would show what --help does not.
        assert "[" not in param.help, f"{path} {param.name}: no square brackets in help, please"
    assert "[" not in cmd.help, f"{path}: no square brackets in help, please"


@pytest.mark.parametrize(("path", "cmd"), ALL, ids=[path for path, _ in ALL])
def test_every_help_page_renders(path: str, cmd: Any) -> None:
    args = [*path.split()[1:], "--help"]
    result = CliRunner().invoke(app, args, env={"COLUMNS": "100", "NO_COLOR": "1", "TERMINAL_WIDTH": "100"})
    assert result.exit_code == 0, result.output
    for param in cmd.params:
        if param.param_type_name == "option":
            assert param.opts[0] in result.stdout


def test_a_command_group_lists_its_commands_in_its_help() -> None:
    for path, cmd in ALL:
        for name in getattr(cmd, "commands", {}) if path != "audiobook" else ():
            assert name in cmd.help, f"{path}'s help does not name its command {name}"


def test_the_choices_are_the_librarys() -> None:
    assert [p.value for p in Preset] == list(PRESETS)
    assert tuple(c.value for c in ChapterSource) == CHAPTER_SOURCES


def test_readme_command_reference_is_up_to_date() -> None:
    """README.md's `## Commands` is `cog` output of audiobook/cli/reference.py; run `cog -r README.md` to update."""
    status = Cog().main(["cog", "--check", str(README)])
    assert status == 0, "README.md's command reference is out of date: run `cog -r README.md`"
