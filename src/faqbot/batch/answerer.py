"""Answering independent questions: one record per question, with a bounded cache of replies.

Used in this process and inside each worker process (``parallel``), so it imports neither.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from ..bot import Bot, Status
from .readers import Item

CACHE_SIZE = 4096          # recent distinct questions whose replies are kept; bounded, so memory is flat


@dataclass
class Outcome:
    n: int
    item: Item
    answer: dict | None        # Reply.record() of the answer; None when the item could not be read

    def record(self) -> dict:
        record = {"n": self.n}
        record.update(self.item.extra)
        if self.answer is not None:
            record.update(self.answer)
        else:
            record.update({"question": self.item.question, "status": Status.ERROR.value, "intent": None,
                           "score": 0.0, "answer": None, "source": None, "suggestions": [],
                           "reason": "the input could not be read", "see_also": [],
                           "error": f"{self.item.where}: {self.item.error}"})
        return record


class Answerer:
    """``Bot.reply(question).record()`` for independent questions, remembering the most recent
    distinct ones. Exact: a reply depends only on the question when there is no conversation."""

    def __init__(self, bot: Bot, cache_size: int = CACHE_SIZE):
        self.bot = bot
        self.cache_size = cache_size
        self._cache: OrderedDict[str, dict] = OrderedDict()

    def __call__(self, question: str) -> dict:
        record = self._cache.get(question)
        if record is not None:
            self._cache.move_to_end(question)
            return record
        record = self.bot.reply(question).record()
        self._cache[question] = record
        if len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)
        return record

    def answer_all(self, questions: list[str | None]) -> list[dict | None]:
        """Records for a list of questions, None staying None (unreadable items)."""
        return [None if question is None else self(question) for question in questions]
