"""Decoding legacy encodings and repairing mojibake, with offsets that lead back to the file as decoded."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from audiobook.errors import InputError
from audiobook.read.book import load_book, read_text
from audiobook.read.decode import decode_bytes, repair_mojibake

# shared/ lies beside the clone, here and in CI.
SNOWFLAKES = Path(__file__).resolve().parents[3] / "shared" / "stories" / "snowflakes.txt"


def test_cp1252_file_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "old.txt"
    text = "CHAPTER I\n\n\u201cCaf\u00e9 cr\u00e8me \u2013 na\u00efve,\u201d she said. It cost \u00a35.\n"
    path.write_bytes(text.encode("cp1252"))
    book = load_book(path)
    assert (book.text, book.encoding) == (text, "cp1252")
    assert book.source_offset(5) == 5
    with pytest.raises(InputError, match="not UTF-8 text"):
        read_text(path)  # read_text keeps today's contract


def test_binary_and_bom_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"looks like a binary file \(NUL byte at byte offset 8\)"):
        decode_bytes(b"\x89PNG\r\n\x1a\n\x00\x00", "x")
    assert decode_bytes("Hello there.".encode("utf-16"), "x") == ("Hello there.", "utf-16")
    assert decode_bytes("\ufeffHi".encode(), "x") == ("\ufeffHi", "utf-8")  # a UTF-8 BOM stays as U+FEFF


def test_clean_utf8_text_is_the_file_exactly(tmp_path: Path) -> None:
    text = "\ufeffCHAPTER I.\r\n\r\n\u201cCaf\u00e9,\u201d she said \u2014 na\u00efvely.\r\n"
    path = tmp_path / "clean.txt"
    path.write_bytes(text.encode("utf-8"))
    book = load_book(path)
    assert book.text == text and book.offsets == ()
    assert all(book.source_offset(i) == i for i in range(len(text) + 1))


def test_mojibake_is_repaired_with_offsets() -> None:
    broken = "caf\u00c3\u00a9 \u00e2\u20ac\u201c said \u00e2\u20ac\u0153hi\u00e2\u20ac\x9d\r\nnext"
    text, offsets = repair_mojibake(broken)
    assert text == "caf\u00e9 \u2013 said \u201chi\u201d\r\nnext"
    assert broken[offsets(3):offsets(4)] == "\u00c3\u00a9"
    assert broken[offsets(text.index("\u2013")):].startswith("\u00e2\u20ac\u201c")
    assert offsets(len(text)) == len(broken)


@pytest.mark.skipif(not SNOWFLAKES.exists(), reason="shared stories not mounted")
def test_snowflakes_loads_repaired() -> None:
    book = load_book(SNOWFLAKES)
    original = SNOWFLAKES.read_text(encoding="utf-8")
    assert "\u00e2\u20ac" in original and "\u00e2\u20ac" not in book.text and "\u2013" in book.text
    dash = book.text.index("\u2013")
    assert original[book.source_offset(dash):].startswith("\u00e2\u20ac\u201c")
    assert book.source_offset(len(book.text)) == len(original)
    assert book.text[:dash] == original[:dash]


SPECIAL = ["\u2013", "\u2014", "\u201c", "\u201d", "\u2019", "\u00e9", "\u00e8", "\u00ef", "\u00a3", "\u2026", "\u00fc"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.text(alphabet=st.characters(codec="ascii", exclude_characters="\x00"), max_size=12),
                          st.sampled_from(SPECIAL), st.booleans()), max_size=8),
       st.text(alphabet="abc \n", max_size=5))
def test_offsets_lead_back_to_each_characters_original(pieces: list[tuple[str, str, bool]], tail: str) -> None:
    broken = "".join(plain + (ch.encode("utf-8").decode("cp1252", errors="ignore") if mangle else ch)
                     for plain, ch, mangle in pieces) + tail
    text, offsets = repair_mojibake(broken)
    # "é£–" next to each other is itself the mis-decoding of "飖", and ftfy takes it so: a real ambiguity, and
    # then no character of the output has its own mis-decoded form in the input.
    assume(max(map(ord, text), default=0) <= 0x2FFF)
    assert offsets(len(text)) == len(broken)
    previous = 0
    for i, ch in enumerate(text):
        at = offsets(i)
        assert previous <= at < len(broken)
        previous = at
        mangled = ch.encode("utf-8").decode("cp1252", errors="ignore")
        assert broken.startswith(ch, at) or broken.startswith(mangled[:2], at), (i, ch, broken[at:at + 3])
