"""What the engine is given to read: a segment's text without quote marks or emphasis."""

from __future__ import annotations

import re


def speech_text(text: str) -> str:
    """Turn a segment's text into what the engine should read: no quote marks, emphasis or line breaks."""
    # [[phonemes]] from the lexicon pass through untouched: their ' and _ are stress and pause marks.
    pieces = re.split(r"(\[\[[^\]]*\]\])", text)
    for i in range(0, len(pieces), 2):
        piece = re.sub(r"[\"\u201c\u201d\u201e\u00ab\u00bb]", "", pieces[i])
        piece = re.sub(r"(?<!\w)['\u2018]|['\u2019](?!\w)", "", piece)  # single quote marks, not apostrophes
        pieces[i] = re.sub(r"[_*]+", "", piece)  # _emphasis_ and *emphasis*
    return re.sub(r"\s+", " ", "".join(pieces)).strip()


def is_speakable(text: str) -> bool:
    """A text with no letter or digit makes no sound; it is a pause, not a line."""
    return bool(re.search(r"[^\W_]", text))
