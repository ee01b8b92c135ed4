"""Answer a long batch in worker processes, keeping input order and flat memory.

Why processes: answering is pure Python, so threads would share one core; a batch of a million
questions on a 2-core machine wants both cores. Why not ``Pool.imap``: its feeder thread reads the
whole input ahead, so memory would grow with the file. Instead chunks are submitted through a
window of at most ``2 * jobs`` chunks in flight and their results yielded in submission order.

Why fork (where the platform has it): the workers are forked from this process with the Bot
already loaded, so none loads or unpickles a Bot of its own and its pages stay shared
copy-on-write. ``gc.freeze()`` just before forking keeps them shared: the cyclic collector in a
worker would otherwise write to the header of every object it walks (millions in a site's Bot)
and so copy nearly every page. A site-sized Bot of 275 MB then costs two workers tens of MB,
where forkserver workers each unpickled a copy (three copies in all). Elsewhere the workers come
from a forkserver (or are spawned) and receive a pickled Bot, as before.

The workers are started at once, when ``ParallelAnswers`` is made, so the fork happens before the
caller starts any thread of its own (the CLI's progress bar): a thread holding a lock at the
moment of a fork leaves it held for ever in the child. Only questions not answered recently
reach them: this process remembers the most recent distinct questions' records (as
``Answerer`` does for ``-j 1``) and sends each chunk's distinct new questions, so a repeated
question costs nothing and the records are the same objects ``-j 1`` would give.

Workers ignore Ctrl-C, SIGTERM and SIGHUP (a terminal or a service manager sends them to the
whole process group), so only this process decides: it stops, cancels what is queued and waits
for the chunks being answered (a fraction of a second), and the workers (with a forkserver and
resource tracker where those are used) all exit. Should this process be killed outright
(SIGKILL), each worker notices at once and exits instead of waiting forever on its queue. The
records they return are exactly ``Bot.reply(question).record()`` (tests/unit/test_batch_exact.py).
"""

from __future__ import annotations

import gc
import itertools
import multiprocessing
import signal
from collections import OrderedDict, deque
from concurrent.futures import ProcessPoolExecutor
from typing import Iterable, Iterator

from ..bot import Bot
from ..workers import IGNORED_IN_WORKERS, begin_worker
from .answerer import CACHE_SIZE, Outcome
from .readers import Item

CHUNK = 256          # questions per chunk: large enough to amortise the hand-over, small enough to stream

STOP_SIGNALS = {signal.SIGTERM, signal.SIGHUP}

_bot: Bot | None = None


def start_method() -> str:
    """'fork' where the platform has it (the loaded Bot shared copy-on-write), else 'forkserver'
    where that exists, else 'spawn' (each worker then receives a pickled Bot)."""
    methods = multiprocessing.get_all_start_methods()
    return next(method for method in ("fork", "forkserver", "spawn") if method in methods)


def _start_worker(bot: Bot) -> None:
    global _bot
    begin_worker()
    _bot = bot


def _answer_chunk(questions: list[str]) -> list[dict]:
    return [_bot.reply(question).record() for question in questions]


class _AnsweredHere:
    """A chunk this process answers itself, when its turn comes in the output: the same face as
    a worker's future (``result()``) for the later chunks that ask the same questions."""

    def __init__(self, bot: Bot, questions: list[str]):
        self._bot = bot
        self._questions = questions
        self._records: list[dict] | None = None

    def result(self) -> list[dict]:
        if self._records is None:
            self._records = [self._bot.reply(question).record() for question in self._questions]
        return self._records


class ParallelAnswers:
    """One Outcome per item, in input order, answered by ``jobs`` processes: this one and
    ``jobs - 1`` workers, started now.

    This process answers every ``jobs``-th chunk itself while the workers answer theirs: it
    would otherwise only wait, and with fork each worker costs the pages it writes to, so one
    process fewer is a third less memory on two cores. An iterator; ``close()`` (also reached at
    the end of the items, or on an error) stops the workers and waits for them, whether or not
    iteration began."""

    def __init__(self, bot: Bot, items: Iterable[Item], jobs: int, chunk: int = CHUNK,
                 cache_size: int = CACHE_SIZE):
        if jobs < 2:
            raise ValueError("ParallelAnswers needs at least 2 jobs (1 answers in this process)")
        self._bot = bot
        self._items = iter(items)
        self._chunk = chunk
        self._jobs = jobs
        self._cache_size = cache_size
        self._cache: OrderedDict[str, dict] = OrderedDict()
        self._frozen = False
        self._pool = self._start(bot, jobs - 1)
        self._answers = self._answered()

    def _start(self, bot: Bot, workers: int) -> ProcessPoolExecutor:
        method = start_method()
        if method == "fork":
            gc.collect()        # no garbage frozen for the whole run
            gc.freeze()
            self._frozen = True
        # Blocked while the helpers and workers start, which inherit the mask (see _start_worker).
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, set(IGNORED_IN_WORKERS))
        try:
            if method == "forkserver":
                _start_helpers_immune_to_stop_signals()
            pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method),
                                       initializer=_start_worker, initargs=(bot,))
            # The first task starts the workers (with fork, all of them at once): now, before the
            # caller's threads.
            started = pool.submit(_answer_chunk, [])
        except BaseException:
            self._unfreeze()
            raise
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)
        try:
            started.result()      # a worker that cannot start fails here, not mid-output
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            self._unfreeze()
            raise
        return pool

    def __iter__(self) -> "ParallelAnswers":
        return self

    def __next__(self) -> Outcome:
        return next(self._answers)

    def close(self) -> None:
        self._answers.close()
        self._shutdown()

    def _shutdown(self) -> None:
        # Waiting is short even when stopped: queued chunks are cancelled, running ones take
        # milliseconds; returning before the workers exit would leave them to outlive us.
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._unfreeze()

    def _unfreeze(self) -> None:
        if self._frozen:
            self._frozen = False
            gc.unfreeze()

    def _answered(self) -> Iterator[Outcome]:
        pending: deque = deque()
        n = 0
        try:
            chunks = iter(lambda: list(itertools.islice(self._items, self._chunk)), [])
            for number, batch in enumerate(chunks):
                # The first chunk goes to a worker, so it starts while this process reads on.
                here = number % self._jobs == self._jobs - 1
                pending.append(self._submit(batch, pending, here))
                while len(pending) >= 2 * self._jobs:
                    n = yield from self._finish(pending.popleft(), n)
            while pending:
                n = yield from self._finish(pending.popleft(), n)
        finally:
            self._shutdown()

    def _submit(self, batch: list[Item], pending: deque, here: bool):
        """The chunk's plan, one entry per item: None (unreadable), a remembered record, or
        (source, index) saying where its record will come from (this chunk's distinct new
        questions, or an earlier chunk still in flight that asks the same)."""
        in_flight = {question: (source, index)
                     for _, _, source, new in pending for index, question in enumerate(new)}
        new: list[str] = []
        placed: dict[str, int] = {}
        plan: list = []
        for item in batch:
            question = item.question
            if item.error is not None:
                plan.append(None)
            elif question in self._cache:
                self._cache.move_to_end(question)
                plan.append(self._cache[question])
            elif question in in_flight:
                plan.append(in_flight[question])
            else:
                if question not in placed:
                    placed[question] = len(new)
                    new.append(question)
                plan.append(placed[question])
        if not new:
            source = None
        elif here:
            source = _AnsweredHere(self._bot, new)
        else:
            source = self._pool.submit(_answer_chunk, new)
        plan = [(source, entry) if isinstance(entry, int) else entry for entry in plan]
        return batch, plan, source, new

    def _finish(self, entry, n: int):
        batch, plan, source, new = entry
        if new:
            for question, record in zip(new, source.result()):
                self._remember(question, record)
        for item, where in zip(batch, plan):
            n += 1
            if isinstance(where, tuple):
                earlier, index = where
                where = earlier.result()[index]
            yield Outcome(n, item, where)
        return n

    def _remember(self, question: str, record: dict) -> None:
        self._cache[question] = record
        self._cache.move_to_end(question)
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)


def answer_parallel(bot: Bot, items: Iterable[Item], jobs: int, chunk: int = CHUNK) -> ParallelAnswers:
    """One Outcome per item, in input order, answered by this process and ``jobs - 1`` workers
    (started now)."""
    return ParallelAnswers(bot, items, jobs, chunk)


def _start_helpers_immune_to_stop_signals() -> None:
    """Start multiprocessing's forkserver and resource tracker with SIGTERM and SIGHUP blocked,
    which they (and the workers forked from the forkserver) inherit: a hang-up sent to the whole
    process group must reach only this process, which then stops them in order. Killed outright
    instead, the tracker would be relaunched mid-run and print tracebacks."""
    from multiprocessing import forkserver, resource_tracker

    resource_tracker.ensure_running()
    forkserver.ensure_running()
