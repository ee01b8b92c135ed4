"""Running coverage dialogues: every utterance through ``Bot.reply``, the decision path a patient
meets, never a shortcut into the matcher; one CaseResult per utterance."""

from __future__ import annotations

from dataclasses import dataclass

from ..bot import Bot, Conversation, Reply, Status
from .suite import Dialogue, Utterance


@dataclass
class CaseResult:
    """What the bot did with one utterance, and whether that was what the test expected."""

    utterance: Utterance
    got: str                      # intent id when answered, else the status
    status: str
    score: float
    runner_up: str | None         # the best candidate other than the answer
    runner_up_score: float | None
    matched: bool                 # went through the matcher (has a score worth plotting)
    dialogue: int                 # index of its dialogue, 1-based
    turn: int                     # turn within the dialogue, 1-based
    known: bool = True            # False when it expects an intent that does not exist

    @property
    def passed(self) -> bool:
        return self.known and self.got == self.utterance.expect

    @property
    def margin(self) -> float | None:
        return None if self.runner_up_score is None else round(self.score - self.runner_up_score, 1)


def label_of(reply: Reply) -> str:
    """The outcome label of a reply: the intent id of an answer, otherwise its status."""
    if reply.status is Status.ANSWERED and reply.intent is not None:
        return reply.intent.id
    return reply.status


def run_dialogues(bot: Bot, dialogues: list[Dialogue], unknown: set[Utterance] = frozenset()) -> list[CaseResult]:
    """Answer every utterance with ``Bot.reply``; a dialogue's turns share one Conversation."""
    results = []
    for number, dialogue in enumerate(dialogues, 1):
        conversation = Conversation()
        for turn_number, turn in enumerate(dialogue.turns, 1):
            reply = bot.reply(turn.say, conversation)
            results.append(result_of(turn, reply, number, turn_number, turn not in unknown))
    return results


def result_of(utterance: Utterance, reply: Reply, dialogue: int, turn: int, known: bool) -> CaseResult:
    got = label_of(reply)
    runner_up, runner_score = None, None
    if reply.match is not None:
        chosen = reply.intent.id if reply.status is Status.ANSWERED and reply.intent else None
        for candidate in reply.match.candidates:
            if candidate.intent.id != chosen:
                runner_up, runner_score = candidate.intent.id, candidate.score
                break
    return CaseResult(utterance, got, reply.status, round(reply.score, 1), runner_up, runner_score,
                      reply.match is not None, dialogue, turn, known)
