"""A batch's answers, in input order: one question after another in a conversation, or
independent questions (in worker processes when asked)."""

from __future__ import annotations

from typing import Iterable, Iterator

from ..bot import Bot, Conversation
from .answerer import Answerer, Outcome
from .parallel import answer_parallel
from .readers import Item, _decoded_lines, _read_txt


def answer_items(bot: Bot, items: Iterable[Item], conversation: bool = False, jobs: int = 1) -> Iterator[Outcome]:
    """One Outcome per item, in input order. With ``conversation`` the items share one
    Conversation (so they are answered one after another); otherwise ``jobs`` > 1 answers in that
    many worker processes, started at once (before the caller starts threads of its own: see
    parallel.py). The iterator's ``close()`` stops any workers, whether or not it was read."""
    if conversation:
        return _in_conversation(bot, items)
    if jobs > 1:
        return answer_parallel(bot, items, jobs)
    return _one_by_one(bot, items)


def _in_conversation(bot: Bot, items: Iterable[Item]) -> Iterator[Outcome]:
    shared = Conversation()
    for n, item in enumerate(items, 1):
        answer = None if item.error is not None else bot.reply(item.question, shared).record()
        yield Outcome(n, item, answer)


def _one_by_one(bot: Bot, items: Iterable[Item]) -> Iterator[Outcome]:
    answerer = Answerer(bot)
    for n, item in enumerate(items, 1):
        yield Outcome(n, item, None if item.error is not None else answerer(item.question))


def answer_partition(lines: Iterable[str | bytes], bot: Bot) -> list[dict]:
    """The JSON-lines records for a partition of a question file's lines, read as ``.txt`` (``#``
    lines skipped, a blank line an empty question); ``n`` counts within the partition.

    A plain function of picklable arguments, so an existing engine can map it over the partitions
    of a huge input: with Dask, ``bag.map_partitions(answer_partition, bot)`` (see the README).
    """
    encoded = (line if isinstance(line, bytes) else line.encode("utf-8", "surrogateescape") for line in lines)
    # Each element is one line, with its line break or without (dask strips none, plain lists may).
    raw = (line if line.endswith((b"\n", b"\r")) else line + b"\n" for line in encoded)
    items = _read_txt(_decoded_lines(raw, "partition"), "partition")
    return [outcome.record() for outcome in answer_items(bot, items)]
