"""Run chapter jobs in worker processes, one engine each, with progress ticks and a clean Ctrl-C."""

from __future__ import annotations

import contextlib
import queue
import signal
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context
from typing import Any, TypeVar

from audiobook.errors import EngineError

Job = TypeVar("Job")
Result = TypeVar("Result")
Tick = Callable[[int], None]
Task = Callable[[Any, Tick], Any]

_ticks: Any = None


def run_parallel(task: Task, jobs: Sequence[Job], workers: int, on_result: Callable[[Any], None],
                 on_tick: Tick) -> None:
    """Call task(job, tick) for every job, in `workers` processes (inline for one); on_result gets each result."""
    if workers <= 1 or len(jobs) <= 1:
        for job in jobs:
            on_result(task(job, on_tick))
        return
    # spawn, not fork: pyttsx3 and eSpeak NG keep process-wide state and threads that a fork would copy.
    ctx = get_context("spawn")
    ticks = ctx.Queue()
    pool = ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init_worker, initargs=(ticks,))
    try:
        pending: set[Future[Any]] = {pool.submit(_call, task, job) for job in jobs}
        sent = received = 0
        while pending:
            done, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
            received += _drain(ticks, on_tick)
            for future in done:
                result, n = future.result()
                sent += n
                on_result(result)
        # A worker's last ticks may still be on their way through the queue when its result is in.
        while received < sent:
            n = _drain(ticks, on_tick, wait_s=5.0)
            if not n:
                break
            received += n
    except BaseException as exc:
        # An error in one chapter or Ctrl-C: stop the others now rather than finish the book.
        pool.shutdown(wait=False, cancel_futures=True)
        for process in list((getattr(pool, "_processes", None) or {}).values()):
            with contextlib.suppress(Exception):
                process.terminate()
        if isinstance(exc, BrokenProcessPool):
            raise EngineError("a worker process died (killed, or a crash in the speech engine); the chapters "
                              "finished so far are kept: render again to go on") from None
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        ticks.close()


def _init_worker(ticks: Any) -> None:
    global _ticks
    _ticks = ticks
    # Ctrl-C reaches the whole process group; the parent alone decides what to do about it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _call(task: Task, job: Any) -> tuple[Any, int]:
    sent = 0

    def tick(n: int) -> None:
        nonlocal sent
        sent += n
        _ticks.put(n)

    return task(job, tick), sent


def _drain(ticks: Any, on_tick: Tick, wait_s: float = 0.0) -> int:
    """Pass on the ticks that have arrived (waiting up to wait_s for the first); return how many."""
    n = 0
    with contextlib.suppress(queue.Empty, OSError, ValueError):
        if wait_s:
            n += ticks.get(timeout=wait_s)
        while True:
            n += ticks.get_nowait()
    if n:
        on_tick(n)
    return n
