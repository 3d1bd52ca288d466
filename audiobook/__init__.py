"""audiobook: turn a story or novel into a multi-voice audiobook, offline, on a CPU.

The library under the `audiobook` command. A book goes through the stages listed in `audiobook.pipeline.STAGES`:

    from audiobook import plan_book, render_book, RenderOptions
    script = plan_book(Path("book.epub"))                 # read, segment, attribute, cast: who says what
    render_book(script, RenderOptions(out_dir=Path("output")))   # speak, stitch, encode, tag

The names below are the public API; everything else may change between versions.
"""

from __future__ import annotations

import importlib
import os as _os
from typing import TYPE_CHECKING, Any

# Chapters run in parallel processes; a BLAS thread pool inside each would only spin on the cores the other
# workers and their MP3 encoders need (measured: 4x the CPU time of a chapter render). Set before numpy loads.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    _os.environ.setdefault(_var, "1")

__version__ = "0.1.0"

__all__ = [
    "STAGES",
    "AudiobookError",
    "Book",
    "Casting",
    "CastingError",
    "Chapter",
    "EngineError",
    "InputError",
    "OutputError",
    "ReadOptions",
    "RenderOptions",
    "RenderResult",
    "Script",
    "Segment",
    "__version__",
    "load_book",
    "load_casting",
    "plan_book",
    "render_book",
]

# Where each public name lives; they load on first use, so that `audiobook --help` stays quick.
_HOMES = {
    "STAGES": "audiobook.pipeline", "plan_book": "audiobook.pipeline", "render_book": "audiobook.pipeline",
    "RenderOptions": "audiobook.pipeline", "RenderResult": "audiobook.pipeline",
    "Book": "audiobook.read.book", "ReadOptions": "audiobook.read.book", "load_book": "audiobook.read.book",
    "Script": "audiobook.script", "load_casting": "audiobook.cast.casting",
    "Casting": "audiobook.model", "Chapter": "audiobook.model", "Segment": "audiobook.model",
    "AudiobookError": "audiobook.errors", "CastingError": "audiobook.errors", "EngineError": "audiobook.errors",
    "InputError": "audiobook.errors",
    "OutputError": "audiobook.errors",
}

if TYPE_CHECKING:
    from audiobook.cast.casting import load_casting
    from audiobook.errors import AudiobookError, CastingError, EngineError, InputError, OutputError
    from audiobook.model import Casting, Chapter, Segment
    from audiobook.pipeline import STAGES, RenderOptions, RenderResult, plan_book, render_book
    from audiobook.read.book import Book, ReadOptions, load_book
    from audiobook.script import Script


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'audiobook' has no attribute {name!r}")
