"""A worker process faqbot forks (batch answering, checking a site's files): what it does first.

The parent handles Ctrl-C, SIGTERM and SIGHUP (it cancels what is queued and says so), so a worker
ignores them; and a worker whose parent was killed outright ends itself, since nobody will read
what it returns and its queue would keep it waiting forever. Both places that fork workers start
them here."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading

IGNORED_IN_WORKERS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
"""The signals a worker leaves to its parent. The parent blocks them while it forks (a worker
inherits the mask), so no handler of the parent's can run in a worker before it ignores them."""


def begin_worker() -> None:
    """The first thing a forked worker does: ignore IGNORED_IN_WORKERS, then unblock them (which
    now delivers nothing), and watch for the end of its parent."""
    for number in IGNORED_IN_WORKERS:
        signal.signal(number, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, set(IGNORED_IN_WORKERS))
    threading.Thread(target=_exit_when_orphaned, daemon=True).start()


def _exit_when_orphaned() -> None:
    """End this worker once the process that started it has gone: ``parent_process().join()``
    waits on a pipe from that process, which closes when it dies."""
    multiprocessing.parent_process().join()
    os._exit(1)
