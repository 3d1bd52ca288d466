"""The errors audiobook raises; the CLI turns each into one `Error: ...` line."""

from __future__ import annotations


class AudiobookError(Exception):
    """Base of every error the library raises on purpose."""


class InputError(AudiobookError):
    """The book file cannot be read or holds nothing to read aloud."""


class CastingError(AudiobookError):
    """voices.yaml is missing, malformed or names something that does not exist."""


class EngineError(AudiobookError):
    """The speech engine failed, or produced audio that does not pass the checks."""


class OutputError(AudiobookError):
    """Audio could not be encoded, tagged or written to the output folder."""
