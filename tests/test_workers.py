"""Worker processes: a worker that dies is a one-line error, not a traceback; the results before it are kept."""

from __future__ import annotations

import os
import signal
from typing import Any

import pytest

from audiobook.errors import EngineError
from audiobook.workers import run_parallel


def _square_or_die(job: int, tick: Any) -> int:
    """Square the job; job 0 kills its own process, as a segfault in a C library would."""
    if job == 0:
        os.kill(os.getpid(), signal.SIGKILL)
    tick(1)
    return job * job


def test_results_arrive_from_every_worker() -> None:
    results: list[int] = []
    ticks: list[int] = []
    run_parallel(_square_or_die, [1, 2, 3, 4], 2, results.append, ticks.append)
    assert sorted(results) == [1, 4, 9, 16] and sum(ticks) == 4


def test_a_dead_worker_is_a_clear_error() -> None:
    with pytest.raises(EngineError, match=r"^a worker process died .*render again to go on$"):
        run_parallel(_square_or_die, [0, 1, 2, 3], 2, lambda _r: None, lambda _n: None)
