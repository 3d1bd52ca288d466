"""audiobook: turn a story or novel into a multi-voice audiobook, offline, on a CPU."""

__version__ = "0.1.0"
