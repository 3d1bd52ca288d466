"""audiobook: turn a story or novel into a multi-voice audiobook, offline, on a CPU."""

import os as _os

# Chapters run in parallel processes; a BLAS thread pool inside each would only spin on the cores the other
# workers and their MP3 encoders need (measured: 4x the CPU time of a chapter render). Set before numpy loads.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    _os.environ.setdefault(_var, "1")

__version__ = "0.1.0"
