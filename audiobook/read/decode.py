"""Decode a book file in whatever encoding it came in, and repair mojibake while keeping offsets traceable."""

from __future__ import annotations

import codecs
import contextlib
import difflib
from collections.abc import Sequence

import ftfy

from audiobook.errors import InputError
from audiobook.read.offsets import OffsetMap, TextBuilder, identity

# Only encoding repairs: curly quotes, ligatures, line breaks and Unicode normal forms are left alone,
# so that the text stays character for character what the user wrote wherever it was not broken.
_FTFY = ftfy.TextFixerConfig(
    unescape_html=False, remove_terminal_escapes=False, fix_latin_ligatures=False, fix_character_width=False,
    uncurl_quotes=False, fix_line_breaks=False, remove_control_chars=False, normalization=None, explain=False,
)
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))
# English books in a legacy encoding are nearly always Windows-1252; a detector often cannot tell it from
# its single-byte cousins on a short text, so it wins whenever it decodes the file as cleanly as the best.
_WESTERN = ("cp1252", "windows_1252", "latin_1", "iso8859_15", "iso8859_1")


def decode_bytes(data: bytes, name: str) -> tuple[str, str]:
    """Decode a text file: UTF-8 if it is, else the detected encoding; return (text, encoding)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError:
                break
    nul = data.find(b"\x00")
    if nul != -1:
        raise InputError(f"{name}: looks like a binary file (NUL byte at byte offset {nul}); give a UTF-8 text file")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        error = exc
    detected = detect_encoding(data)
    if detected is None:
        line = data.count(b"\n", 0, error.start) + 1
        raise InputError(
            f"{name}: not UTF-8 text: byte 0x{data[error.start]:02x} at byte offset {error.start} (line {line});"
            " save the file as UTF-8"
        )
    return data.decode(detected), detected


def detect_encoding(data: bytes) -> str | None:
    """The encoding of non-UTF-8 text (charset-normalizer, preferring Windows-1252), or None if it is not text."""
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data))
    if not matches:
        return None
    least = min(m.chaos for m in matches)
    for m in matches:
        if m.chaos <= least + 0.05 and any(c.lower().replace("-", "_") in _WESTERN for c in m.could_be_from_charset):
            try:
                data.decode("cp1252")
            except UnicodeDecodeError:
                break
            return "cp1252"
    best = matches[0]
    return None if best.chaos > 0.5 else str(best.encoding)


def repair_mojibake(text: str) -> tuple[str, OffsetMap]:
    """Undo UTF-8 read as Windows-1252 (`â€“` -> `–`) and the like; return the text and its map to `text`."""
    if text.isascii() or ftfy.fix_text(text, _FTFY) == text:
        return text, identity(len(text))
    out = TextBuilder(text)
    pos = 0
    for line in text.split("\n"):
        end = pos + len(line)
        fixed = ftfy.fix_text(line, _FTFY) if not line.isascii() else line
        if fixed == line:
            out.copy(pos, end)
        else:
            _align(out, line, fixed, pos)
        if end < len(text):
            out.copy(end, end + 1)
        pos = end + 1
    return out.build()


def _originals(ch: str) -> list[str]:
    """What `ch` looks like after the usual mis-decodings, longest first."""
    found = []
    data = ch.encode("utf-8")
    for encoding in ("sloppy-windows-1252", "latin-1"):
        found.append(data.decode(encoding))
        # A mis-decoded character twice over ("Ã¢â‚¬â€œ") is repaired in one go by ftfy.
        with contextlib.suppress(UnicodeError):
            found.append(data.decode(encoding).encode("utf-8").decode(encoding))
    for encoding in ("sloppy-windows-1252", "latin-1"):
        with contextlib.suppress(UnicodeError):  # a C1 control standing for the Windows-1252 character
            found.append(ch.encode(encoding).decode("latin-1"))
    return sorted({f for f in found if f != ch}, key=len, reverse=True)


def _greedy(src: str, fixed: str) -> list[int] | None:
    """Each fixed character's offset in src, matching mis-decoded sequences; None if they fall out of step."""
    positions = []
    j = 0
    for ch in fixed:
        if j >= len(src):
            return None
        for orig in _originals(ch) if not ch.isascii() else ():
            # The last byte of a sequence is sometimes lost (0x9D has no Windows-1252 character).
            if src.startswith(orig, j) or (len(orig) > 2 and src.startswith(orig[:-1], j)):
                positions.append(j)
                j += len(orig) if src.startswith(orig, j) else len(orig) - 1
                break
        else:
            if src[j] != ch:
                return None
            positions.append(j)
            j += 1
    return positions if j == len(src) else None


def _align(out: TextBuilder, line: str, fixed: str, base: int) -> None:
    """Append the repaired line, each character mapped to the start of its original in `line`."""
    positions = _greedy(line, fixed)
    if positions is not None:
        _put_positions(out, fixed, [base + p for p in positions])
        return
    matcher = difflib.SequenceMatcher(None, line, fixed, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.copy(base + i1, base + i2)
        elif tag != "delete":
            piece = fixed[j1:j2]
            inner = _greedy(line[i1:i2], piece)
            if inner is None:  # not a mis-decoding undone (ftfy guessed): keep what the file says
                out.copy(base + i1, base + i2)
            else:
                _put_positions(out, piece, [base + i1 + p for p in inner])


def _put_positions(out: TextBuilder, text: str, positions: Sequence[int]) -> None:
    """Copy where characters are unchanged, and record each repaired character at its original's start."""
    n = 0
    while n < len(text):
        m = n
        while m < len(text) and out.source[positions[m]] == text[m] and (
                m == n or positions[m] == positions[m - 1] + 1):
            m += 1
        if m > n:
            out.copy(positions[n], positions[n] + (m - n))
            n = m
        else:
            out.put(text[n], positions[n])
            n += 1
