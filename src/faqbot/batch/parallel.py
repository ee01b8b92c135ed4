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
this process be killed outright, each worker notices its parent (the forkserver) is gone and
exits within a second instead of waiting forever on its queue. The records they return are
exactly ``Bot.reply(question).record()`` (tests/unit/test_batch_exact.py).
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from typing import Iterable, Iterator

from ..bot import Bot
from .answerer import Answerer, Outcome
from .readers import Item

WARMUP = 2000        # questions answered in this process before workers start
CHUNK = 256          # questions per task: large enough to amortise pickling, small enough to stream
ORPHAN_CHECK = 1.0   # seconds between a worker's checks that its parent is still alive

_answerer: Answerer | None = None


def _start_worker(bot: Bot) -> None:
    global _answerer
    for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, signal.SIG_IGN)
    parent = os.getppid()
    threading.Thread(target=_exit_when_orphaned, args=(parent,), daemon=True).start()
    _answerer = Answerer(bot)


def _exit_when_orphaned(parent: int) -> None:
    """End this worker once its parent has gone (adopted by init): nobody will read its answers."""
    while True:
        time.sleep(ORPHAN_CHECK)
        if os.getppid() != parent:
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


def _finish(entry, n: int):
    batch, future = entry
    for item, answer in zip(batch, future.result()):
        n += 1
        yield Outcome(n, item, answer)
    return n
