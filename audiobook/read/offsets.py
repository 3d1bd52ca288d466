"""Map offsets in a text the pipeline built (repaired, stripped of markup) back to the text it came from."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class OffsetMap:
    """Runs of the built text: each starts at `out[k]` and comes from the source at `src[k]`.

    A copied run advances in step with the source; a replaced run (a repaired character, a
    markup-free heading) maps every one of its characters to the start of what it replaced.
    """

    out: tuple[int, ...] = ()
    src: tuple[int, ...] = ()
    copied: tuple[bool, ...] = ()
    length: int = 0  # of the built text
    source_length: int = 0

    def __call__(self, i: int) -> int:
        """The source offset of built offset `i` (0 <= i <= length); the end maps to the source's end."""
        if not 0 <= i <= self.length:
            raise IndexError(f"offset {i} is outside the text (0 to {self.length})")
        if i == self.length or not self.out:
            return self.source_length if i == self.length else i
        k = bisect_right(self.out, i) - 1
        return self.src[k] + (i - self.out[k] if self.copied[k] else 0)


def identity(length: int) -> OffsetMap:
    """The map of a text that is its source, unchanged."""
    return OffsetMap((0,), (0,), (True,), length, length)


class TextBuilder:
    """Builds a text piece by piece from a source, recording where each piece came from."""

    def __init__(self, source: str) -> None:
        self.source = source
        self._parts: list[str] = []
        self._out: list[int] = []
        self._src: list[int] = []
        self._copied: list[bool] = []
        self._length = 0

    def __len__(self) -> int:
        return self._length

    def copy(self, start: int, end: int) -> None:
        """Append source[start:end] as it is."""
        if end > start:
            self._run(self.source[start:end], start, True)

    def put(self, text: str, at: int) -> None:
        """Append `text` standing for what is at source offset `at` (a replacement, or an added separator)."""
        if text:
            self._run(text, at, False)

    def put_each(self, text: str, positions: Sequence[int]) -> None:
        """Append `text`, its n-th character coming from source offset positions[n]."""
        for ch, pos in zip(text, positions, strict=True):
            self._run(ch, pos, False)

    def tail(self) -> str:
        """The last few characters built, to decide on separators."""
        return "".join(self._parts[-3:])[-2:]

    def _run(self, text: str, at: int, copied: bool) -> None:
        last = len(self._out) - 1
        if last >= 0 and self._copied[last] == copied:
            # Merge with the previous run when it continues it, so that maps stay small.
            if copied and self._src[last] + (self._length - self._out[last]) == at:
                self._parts.append(text)
                self._length += len(text)
                return
            if not copied and self._src[last] == at:
                self._parts.append(text)
                self._length += len(text)
                return
        self._out.append(self._length)
        self._src.append(at)
        self._copied.append(copied)
        self._parts.append(text)
        self._length += len(text)

    def build(self) -> tuple[str, OffsetMap]:
        """The text and its map back to the source."""
        return "".join(self._parts), OffsetMap(tuple(self._out), tuple(self._src), tuple(self._copied),
                                               self._length, len(self.source))
