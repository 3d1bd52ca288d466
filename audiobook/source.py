"""Read a book file into text whose code-point offsets every later stage refers to."""

from __future__ import annotations

import re
from pathlib import Path

from .errors import InputError

# Offsets index the text exactly as Python decodes the file with encoding="utf-8" and
# newline="": a BOM stays as U+FEFF at offset 0 and CRLF line ends stay two characters.


def read_text(path: Path) -> str:
    """Return the file's text, or raise InputError saying in one line why it cannot be read."""
    name = str(path)
    if not path.exists():
        raise InputError(f"{name}: no such file")
    if path.is_dir():
        raise InputError(f"{name}: is a directory, not a text file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{name}: cannot be read ({exc.strerror or exc})") from None
    nul = data.find(b"\x00")
    if nul != -1:
        raise InputError(f"{name}: looks like a binary file (NUL byte at byte offset {nul}); give a UTF-8 text file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(
            f"{name}: not UTF-8 text: byte 0x{data[exc.start]:02x} at byte offset {exc.start} (line {line});"
            " save the file as UTF-8"
        ) from None
    if not text.replace("\ufeff", "").strip():
        raise InputError(f"{name}: is empty or only whitespace; there is nothing to read aloud")
    if not re.search(r"[^\W_]", text):
        raise InputError(f"{name}: has no words, only whitespace or punctuation; there is nothing to read aloud")
    return text


def readable_title(path: Path) -> str:
    """Make a book title out of a file name: `pride_and-prejudice.txt` -> `Pride And Prejudice`."""
    words = re.sub(r"[\s_\-.]+", " ", path.stem).strip()
    if not words:
        return "Untitled"
    return words if any(c.isupper() for c in words) else words.title()
