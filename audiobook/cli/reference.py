"""The README's command reference, generated from the typer app so that `--help` and the README never drift.

README.md calls `commands_markdown()` between cog markers; `cog -r README.md` rewrites the reference,
`cog --check README.md` (in .ci/run and tests/test_docs.py) fails when it is out of date. The text is built from
the app's commands and options, not from a terminal, so it is the same on every machine: no width, no colour.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import typer.main

from audiobook.cli import app
from audiobook.cli.shared import paragraphs

# Commands and parameters are click objects: recent typer versions bring their own copy of click (typer._click),
# older ones use click itself, so they are typed Any here.
Command = Any
Param = Any


def commands_markdown(program: str = "audiobook") -> str:
    """Markdown: a table of the commands, then a section per command with its usage, help and options."""
    root = typer.main.get_command(app)
    commands = list(_walk(program, root))
    lines = [f"`{program} --help` lists the commands; `{program} COMMAND --help` shows a command's options.", "",
             "| command | what it does |", "|---|---|"]
    lines += [f"| `{program} {p.opts[0]}` | {_cell(_text(p.help or ''))} |" for p in _shown(root)]
    for path, cmd in commands:
        summary = (paragraphs(cmd.help) or [""])[0]
        lines.append(f"| [`{path}`](#{_anchor(path)}) | {_cell(_text(summary))} |")
    for path, cmd in commands:
        lines += ["", *_section(path, cmd)]
    return "\n".join(lines) + "\n"


def _walk(path: str, group: Command) -> Iterator[tuple[str, Command]]:
    """(`audiobook render`, command), ... in the order `--help` lists them; a group, then its commands."""
    for name, cmd in group.commands.items():
        if cmd.hidden:
            continue
        yield f"{path} {name}", cmd
        if getattr(cmd, "commands", None):
            yield from _walk(f"{path} {name}", cmd)


def _section(path: str, cmd: Command) -> list[str]:
    """A command's heading, usage line, help paragraphs and a table of its arguments and options."""
    lines = [f"### `{path}`", "", f"`{_usage(path, cmd)}`", ""]
    for paragraph in paragraphs(cmd.help):
        lines += [_text(paragraph), ""]
    rows = [_row(p) for p in _shown(cmd)]
    if rows:
        lines += ["| argument or option | what it is |", "|---|---|", *rows, ""]
    return lines[:-1]


def _usage(path: str, cmd: Command) -> str:
    """`audiobook render [OPTIONS] FILE`."""
    pieces = [path]
    if any(p.param_type_name == "option" for p in _shown(cmd)):
        pieces.append("[OPTIONS]")
    pieces += [_metavar(p) for p in _shown(cmd) if p.param_type_name == "argument"]
    if getattr(cmd, "commands", None):
        pieces.append("COMMAND")
    return " ".join(pieces)


def _row(param: Param) -> str:
    """| `--format`, `-f` `[mp3|m4b]` | its help. Default: `mp3`. |"""
    if param.param_type_name == "argument":
        name = f"`{_metavar(param)}`"
    else:
        name = ", ".join(f"`{opt}`" for opt in [*param.opts, *param.secondary_opts])
        if not param.is_flag:
            name += f" `{_metavar(param)}`"
    default = _default(param)
    text = _text(param.help or "") + (f" Default: `{default}`." if default else "")
    return f"| {_cell(name)} | {_cell(text)} |"


def _shown(cmd: Command) -> list[Param]:
    """The command's arguments and options as `--help` shows them, without `--help` itself."""
    return [p for p in cmd.params if not getattr(p, "hidden", False) and p.name != "help"]


def _metavar(param: Param) -> str:
    """FILE, DIR, [mp3|m4b], SOURCES... (an argument taking any number of values)."""
    name = str(param.metavar or param.name.upper())
    return name + "..." if param.param_type_name == "argument" and param.nargs == -1 else name


def _default(param: Param) -> str:
    """The default `--help` shows: none for a flag, for None, or where the option hides it."""
    show = getattr(param, "show_default", None)
    if param.param_type_name == "argument" or param.is_flag or param.default is None or show is False:
        return ""
    return show if isinstance(show, str) else str(param.default)


def _text(text: str) -> str:
    """Help text as Markdown: `<title>` shown as written, code spans kept."""
    parts = text.split("`")
    parts[::2] = [p.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("*", r"\*")
                  for p in parts[::2]]
    return "`".join(parts)


def _cell(text: str) -> str:
    """Text in a Markdown table cell: a `|` would end the cell."""
    return text.replace("|", r"\|")


def _anchor(heading: str) -> str:
    """GitHub's anchor of a heading `audiobook cache prune` -> audiobook-cache-prune."""
    return re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")
