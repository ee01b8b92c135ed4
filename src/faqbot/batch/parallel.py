"""Answer a long batch in worker processes, keeping input order and flat memory.

Why processes: answering is pure Python, so threads would share one core; a batch of a million
questions on a 2-core machine wants both cores. Why not ``Pool.imap``: its feeder thread reads the
whole input ahead, so memory would grow with the file. Instead chunks are submitted through a
window of at most ``2 * jobs`` chunks in flight and their results yielded in submission order.

The first ``WARMUP`` questions are answered here, in this process, so a short batch never pays
for starting workers (each one receives a pickled copy of the Bot). Workers ignore Ctrl-C, SIGTERM
and SIGHUP (a terminal or a service manager sends them to the whole process group), so only this
process decides: it stops, cancels what is queued and waits for the chunks being answered (a
fraction of a second), and the workers, the forkserver and the resource tracker all exit. Should
this process be killed outright (SIGKILL), each worker notices at once and exits instead of
waiting forever on its queue (and keeping the forkserver alive). The records they return are
exactly ``Bot.reply(question).record()`` (tests/unit/test_batch_exact.py).
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import signal
import threading
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from typing import Iterable, Iterator

from ..bot import Bot
from .answerer import Answerer, Outcome
from .readers import Item

WARMUP = 2000        # questions answered in this process before workers start
CHUNK = 256          # questions per task: large enough to amortise pickling, small enough to stream

_answerer: Answerer | None = None


def _start_worker(bot: Bot) -> None:
    global _answerer
    for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, signal.SIG_IGN)
    threading.Thread(target=_exit_when_orphaned, daemon=True).start()
    _answerer = Answerer(bot)


def _exit_when_orphaned() -> None:
    """End this worker as soon as the process that started it has gone (killed outright, so it
    could not stop us): nobody will read the answers, and its queue would keep us waiting forever.
    ``parent_process().join()`` waits on a pipe from that process, which closes when it dies."""
    multiprocessing.parent_process().join()
    os._exit(1)


def _answer_chunk(questions: list[str | None]) -> list[dict | None]:
    return _answerer.answer_all(questions)


def answer_parallel(bot: Bot, items: Iterable[Item], jobs: int, warmup: int = WARMUP,
                    chunk: int = CHUNK) -> Iterator[Outcome]:
    """One Outcome per item, in input order, answered by ``jobs`` worker processes."""
    items = iter(items)
    answerer = Answerer(bot)
    n = 0
    for item in itertools.islice(items, warmup):
        n += 1
        yield Outcome(n, item, None if item.error is not None else answerer(item.question))
    first = list(itertools.islice(items, chunk))
    if not first:
        return
    # forkserver, not fork: the progress bar runs a thread, and forking a threaded process can
    # deadlock the child.
    _start_helpers_immune_to_stop_signals()
    pool = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("forkserver"),
                               initializer=_start_worker, initargs=(bot,))
    pending: deque = deque()
    try:
        for batch in itertools.chain([first], iter(lambda: list(itertools.islice(items, chunk)), [])):
            questions = [None if item.error is not None else item.question for item in batch]
            pending.append((batch, pool.submit(_answer_chunk, questions)))
            while len(pending) >= 2 * jobs:
                n = yield from _finish(pending.popleft(), n)
        while pending:
            n = yield from _finish(pending.popleft(), n)
    finally:
        # Waiting is short even when stopped: queued chunks are cancelled, running ones take
        # milliseconds; returning before the workers exit would leave them to outlive us.
        pool.shutdown(wait=True, cancel_futures=True)


STOP_SIGNALS = {signal.SIGTERM, signal.SIGHUP}


def _start_helpers_immune_to_stop_signals() -> None:
    """Start multiprocessing's forkserver and resource tracker with SIGTERM and SIGHUP blocked,
    which they (and the workers forked from the forkserver) inherit: a hang-up sent to the whole
    process group must reach only this process, which then stops them in order. Killed outright
    instead, the tracker would be relaunched mid-run and print tracebacks. Blocked, not ignored,
    here: a signal arriving meanwhile is delivered the moment the mask is restored."""
    from multiprocessing import forkserver, resource_tracker

    previous = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        resource_tracker.ensure_running()
        forkserver.ensure_running()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _finish(entry, n: int):
    batch, future = entry
    for item, answer in zip(batch, future.result()):
        n += 1
        yield Outcome(n, item, answer)
    return n
