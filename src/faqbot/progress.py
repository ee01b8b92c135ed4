"""A progress bar for long batches: count, rate and time left, drawn on stderr.

A front-end module (like repl.py): the core never imports prompt_toolkit. prompt_toolkit's
``ProgressBar`` is already a dependency, redraws itself from its own thread at a bounded rate, and
handles terminal width and resizes; a home-made ``\\r`` line would not. Its keyboard input is an
idle pipe: the bar must never read the terminal, because standard input may be the very question
stream being answered, and Ctrl-C must stay an ordinary interrupt.

Only the CLI decides whether to show it (stderr is a terminal, no ``--quiet``); ``NoProgress``
is the silent stand-in, so the answering loop is the same either way.
"""

from __future__ import annotations

import time
from contextlib import ExitStack
from typing import IO


class NoProgress:
    """Shows nothing; the same interface as Progress."""

    def __enter__(self) -> "NoProgress":
        return self

    def __exit__(self, *exc) -> None:
        return None

    def update(self, done: int) -> None:
        return None

    def finish(self, done: int) -> None:
        return None


class Progress:
    """A one-line bar on ``stream``; ``total`` None (standard input) shows count and rate only."""

    INTERVAL = 0.1     # seconds between counter updates: answering thousands a second must not redraw each time

    def __init__(self, stream: IO[str], total: int | None, label: str = "answering"):
        self.stream = stream
        self.total = total
        self.label = label
        self._bar = None
        self._counter = None
        self._last = 0.0
        self._resources = ExitStack()

    def __enter__(self) -> "Progress":
        from prompt_toolkit.input import create_pipe_input
        from prompt_toolkit.output import create_output
        from prompt_toolkit.shortcuts import ProgressBar
        from prompt_toolkit.shortcuts.progress_bar import formatters as f

        shown = [f.Label(suffix=" "), f.Progress(), f.Text(" ")]
        if self.total:
            shown += [f.Percentage(), f.Text(" "), f.Bar(), f.Text(" ")]
        shown += [f.IterationsPerSecond(), f.Text(" questions/s")]
        if self.total:
            shown += [f.Text("  eta "), f.TimeLeft()]
        idle = self._resources.enter_context(create_pipe_input())
        output = create_output(stdout=self.stream)
        output.enable_cpr = False      # the idle pipe would never answer a cursor position request
        self._bar = self._resources.enter_context(ProgressBar(formatters=shown, output=output, input=idle))
        self._counter = self._bar(label=self.label, total=self.total)
        return self

    def update(self, done: int) -> None:
        now = time.monotonic()
        if now - self._last >= self.INTERVAL:
            self._last = now
            self._set(done)

    def _set(self, done: int) -> None:
        if self.total is not None and done > self.total:
            self._counter.total = self.total = done   # the estimate was short: never show over 100%
        self._counter.items_completed = done
        self._bar.invalidate()

    def finish(self, done: int) -> None:
        """Show the final count before the bar closes."""
        if self._counter is not None:
            self._set(done)

    # After the bar closes the cursor is on the line below it: up one line, and erase that line.
    CLEAR_BAR = "\x1b[A\x1b[2K\r"

    def __exit__(self, *exc) -> None:
        self._resources.__exit__(*exc)
        if exc[0] is not None:
            # Stopped (Ctrl-C, SIGTERM) or failed: the message that follows replaces the bar, so
            # a half-way bar is not left looking like the final count.
            self.stream.write(self.CLEAR_BAR)
            self.stream.flush()
