"""An answer threshold that fits a folder's content, found from the folder itself.

One threshold does not suit every folder. With a dozen examples per intent (our bundled folder)
a right answer to a new wording usually scores 50 to 90, so 42 keeps weak matches out; an FAQ
table imported bare (one question per intent) scores its right answers to new wordings at 20 to
40, and 42 declines most of them. The calibration asks the folder how its own right answers score
when the wording is new (and, for a bare folder, how close its near misses come):

- intents with examples: each example is asked of the folder without that example (the
  self-check's leave-one-out bots), as a patient's new wording would be;
- intents without examples, when the table gives one answer to several questions (rows whose
  answers are the same text): each such question is asked of the folder without its own
  intent. These are real new wordings, written by the table's authors, and they echo neither
  the question asked nor the answer;
- other intents without examples: the first sentence of the answer is asked (the words a
  patient would take from the topic, but not the question's wording). A folder ``faqbot
  extract`` has just written is asked this way too (``from_answers``): its examples are the
  section kinds' templates, the same for every document, so leaving one out still leaves its
  siblings, and scores what the templates share, not a patient's new wording. A folder of many
  subjects (a site) asks each sentence of its own page, as the site answers a question naming
  its medicine.

With examples, only right answers count (ranked first); the threshold is their score at
``Tuning.calibration_answer_share`` from the top (nine in ten still answered).

Without examples both sides are modelled, since a bare table's right answers and its
near-topic misses score in the same range (20 to 50). Each wording that ranks its own intent
first (for a shared answer: an intent with that answer) is a right answer (its score); the same
wording asked of the folder without its intent is a near miss, an on-topic question the folder
does not answer, and scores what the best intent with another answer scores, read from the same
ranking (rebuilding the folder without the intent moved the calibrated threshold by at most 2.5
points on four folders, and costs a rebuild per intent). The threshold is where the two sides
separate best: the score that answers the largest share of the right answers less the share of
the near misses it answers (Youden's J; the middle of a tied run). A table of distinct topics,
whose near misses score low, gets a lower threshold than nine in ten of its right answers gave;
one whose questions overlap keeps a higher one. The model needs ``calibration_min_sentences``
right answers; a smaller table keeps the nine-in-ten rule.

An answer's sentence holds that answer's words verbatim, which a patient's question seldom
does: scored in full, the answer-text credit (``Tuning.answer_credit``) lifts the sentence's
right answers and the threshold with them, and any gain in answer-text evidence the ranking
makes would raise the threshold by as much. A bare table's sentences are therefore ranked with
no answer-text credit, both sides on that scale. An extracted folder's phrasings are made from
its sections' own words (headings, terms, list items), so a question that matches them matches
the answer's words too; its sentences keep the full score (with no credit, the three extracted
dev folders' thresholds fell to 27.5-28 for no in-scope question gained, benchmarks/RESULTS.md).

Either way the threshold is kept between ``calibration_floor`` and the default threshold (a
folder is never made stricter than the default by its own content: on the whole scale, tables
whose questions differ only by a product or a passage's name separated at 81-82.5 and answered
almost nothing). Test files and their answers are never read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from ..bot import Bot
from ..content.intents import Intent
from ..matching.matcher import Matcher
from ..matching.tuning import DEFAULT, Tuning
from .selfcheck import HeldOutBots


@dataclass(frozen=True)
class Calibration:
    threshold: float            # the calibrated answer threshold
    phrasings: int              # new wordings asked
    right: int                  # of which ranked their own intent first
    source: str                 # "examples" or "answer sentences" (what the wordings were)

    def comment(self) -> str:
        return (f"calibrated by faqbot from {self.phrasings} of the folder's own {self.source} "
                f"({self.right} ranked right)")


def first_sentence(text: str, min_words: int = 4) -> str | None:
    """The first sentence (or list item) of an answer with at least ``min_words`` words."""
    for piece in re.split(r"(?<=[.!?])\s+|\n+", text):
        piece = piece.strip(" -*#>\t")
        if len(piece.split()) >= min_words:
            return piece
    return None


def calibrate(bot: Bot, from_answers: bool = False) -> Calibration:
    """The answer threshold for ``bot``'s folder (see the module docstring); ``from_answers``
    asks the answers' first sentences even when intents have examples."""
    tuning = bot.tuning
    intents = bot.intent_set.intents
    scores: list[float] = []
    asked = 0
    with_examples = [i for i in intents if i.examples]
    if with_examples and not from_answers:
        source = "examples"
        held_out = HeldOutBots(bot)
        for position, intent in enumerate(intents):
            for index, example in enumerate(intent.examples):
                reduced = replace(intent, examples=intent.examples[:index] + intent.examples[index + 1:])
                changed = list(intents)
                changed[position] = reduced
                matcher = held_out.bot(replace(bot.intent_set, intents=changed), example).matcher
                asked += 1
                _score_if_right(matcher.match(example, limit=1).candidates, intent, scores)
    else:
        pages = _pages_of(bot)
        shared = _shared_answer_wordings(bot, pages)
        if len(shared.rights) >= tuning.calibration_min_sentences:
            return Calibration(separating_threshold(shared.rights, shared.misses, tuning), shared.asked,
                               len(shared.rights), "questions sharing an answer")
        source = "answer sentences"
        # An extracted folder's phrasings are made from its sections' own words, so a question
        # that matches them matches the answer's too: its sentences are scored as questions are.
        ranking = bot.matcher if from_answers else _phrasings_only(bot)
        sides = _sentence_sides(bot, ranking, pages)
        asked = sides.asked
        if len(sides.rights) >= tuning.calibration_min_sentences:
            return Calibration(separating_threshold(sides.rights, sides.misses, tuning), asked,
                               len(sides.rights), source)
        # A table too small for both sides keeps nine in ten of its sentences' full scores.
        scores = sides.rights if ranking is bot.matcher else _sentence_sides(bot, bot.matcher, pages).rights
    default = DEFAULT.answer_threshold
    if not scores:
        return Calibration(default, asked, 0, source)
    scores.sort(reverse=True)
    at = scores[min(len(scores) - 1, int(tuning.calibration_answer_share * len(scores)))]
    threshold = round(min(default, max(tuning.calibration_floor, at)) * 2) / 2
    return Calibration(threshold, asked, len(scores), source)


@dataclass
class _Sides:
    rights: list[float]         # scores of new wordings answered with their own answer
    misses: list[float]         # scores of the best intent with another answer, for each wording
    asked: int


def _shared_answer_wordings(bot: Bot, pages: list[list[int]] | None) -> _Sides:
    """A table that gives one answer to several questions ("are the vaccines safe?", "are they
    held to the same safety standards?") holds real new wordings of its own: each such question,
    asked of the folder without its own intent, is answered right when a question sharing its
    answer ranks first (its score), and its near miss is the best intent with another answer.
    Unlike an answer's sentence, such a question does not echo the answer's words, and it
    shows how close this folder's other answers come to a wording that is not theirs (in a
    folder whose questions overlap, a different answer can score 60 or more). On a site only
    the questions of one page are compared (a question is answered from its medicine's page)."""
    intents = bot.intent_set.intents
    answers = [" ".join(intent.answer.split()) for intent in intents]
    answer_of = {intent.id: answer for intent, answer in zip(intents, answers)}
    groups: dict[tuple[int, str], list[int]] = {}
    for position, answer in enumerate(answers):
        page = pages[position][0] if pages is not None and pages[position] else -1
        groups.setdefault((page, answer), []).append(position)
    sides = _Sides([], [], 0)
    for members in groups.values():
        if len(members) < 2:
            continue
        within = pages[members[0]] if pages is not None else None
        for position in members:
            question, answer = intents[position].question, answers[position]
            ranked = [c for c in bot.matcher.match(question, limit=len(members) + 1, within=within).candidates
                      if c.intent is not intents[position]]
            sides.asked += 1
            if ranked and answer_of[ranked[0].intent.id] == answer:
                sides.rights.append(ranked[0].score)
            miss = next((c.score for c in ranked if answer_of[c.intent.id] != answer), None)
            if miss is None:
                # Its answer's other questions filled the ranking: rank those of other answers.
                others = [i for i in (within if within is not None else range(len(intents))) if answers[i] != answer]
                found = bot.matcher.match(question, limit=1, within=others).candidates if others else []
                miss = found[0].score if found else 0.0
            sides.misses.append(miss)
    return sides


def _phrasings_only(bot: Bot) -> Matcher:
    """The folder's ranking with no credit for words found only in an answer (answer_credit 0),
    for scoring a bare table's answer sentences. A sentence cut from an answer holds that
    answer's words verbatim and earns their full credit, which a patient's question, worded like
    the table's question and not like its answer, seldom does: scored that way the right
    answers come out higher than new wordings do, and the threshold with them (31 against 19.5
    without the echo on one public table: benchmarks/RESULTS.md). Near misses are scored on the
    same scale, so the threshold still lies between the two sides."""
    return Matcher(bot.intent_set, bot.analyzer, replace(bot.tuning, answer_credit=0.0))


def _sentence_sides(bot: Bot, matcher: Matcher, pages: list[list[int]] | None) -> _Sides:
    """Each answer's first sentence, ranked by ``matcher``: a right answer when its own intent,
    or another whose answer holds the sentence, ranks first (its score), and a near miss scored
    by the best intent whose answer does not hold it."""
    sides = _Sides([], [], 0)
    for position, intent in enumerate(bot.intent_set.intents):
        sentence = first_sentence(intent.answer)
        if sentence is None:
            continue
        sides.asked += 1
        # A site (Bot.entities) answers a question from the pages its medicine names: the
        # sentence is asked of its own page, as a question naming that medicine would be.
        within = pages[position] if pages is not None else None
        candidates = matcher.match(sentence, limit=3, within=within).candidates
        # Any intent whose answer holds the sentence answers it right (a short section's whole
        # text answers its own question, and holds the sentences of the passages split off it).
        answers = [c for c in candidates if c.intent.id == intent.id or sentence in c.intent.answer]
        if candidates and candidates[0] in answers and candidates[0].score > 0:
            sides.rights.append(candidates[0].score)      # (at 0 the order it reached means nothing)
        sides.misses.append(next((c.score for c in candidates if c not in answers), 0.0))
    return sides


def _pages_of(bot: Bot) -> list[list[int]] | None:
    """For a folder read by subject first, each intent's page (the intent indices of its
    document), else None. Ranking one page costs what the page costs, so calibrating a site of
    78,000 intents is 78,000 small rankings, not 78,000 rankings of the whole site."""
    if bot.entities is None:
        return None
    pages: list[list[int]] = [[] for _ in bot.intent_set.intents]
    for number in range(bot.entities.count):
        members = bot.entities.intents_of([number])
        for index in members:
            pages[index] = members
    return pages


def separating_threshold(rights: list[float], misses: list[float], tuning: Tuning) -> float:
    """The threshold on the half-point grid between the floor and the default that answers the
    largest share of ``rights`` less the share of ``misses`` it answers; where several do, the
    middle of the first such run (the widest berth to both sides). When no threshold answers
    more right answers than near misses (in shares), the folder cannot tell them apart: the
    default."""
    grid = [tuning.calibration_floor + step / 2
            for step in range(int((DEFAULT.answer_threshold - tuning.calibration_floor) * 2) + 1)]
    gains = [sum(score >= threshold for score in rights) / len(rights)
             - sum(score >= threshold for score in misses) / len(misses) for threshold in grid]
    best = max(gains)
    if best <= 0:
        return DEFAULT.answer_threshold
    first = next(index for index, gain in enumerate(gains) if gain >= best - 1e-9)
    last = first
    while last + 1 < len(grid) and gains[last + 1] >= best - 1e-9:
        last += 1
    return round((grid[first] + grid[last])) / 2


def _score_if_right(candidates, intent: Intent, scores: list[float]) -> None:
    """A wording ranked its own intent first: its score is a right answer's. At 0 it shares
    no credited word with any intent, and the order of the intents it reached means nothing."""
    if candidates and candidates[0].intent.id == intent.id and candidates[0].score > 0:
        scores.append(candidates[0].score)


# --- storing it in bot.yaml ------------------------------------------------------------------

_TUNING_BLOCK = re.compile(r"^tuning:[ \t]*(?:#.*)?$", re.MULTILINE)
_THRESHOLD_LINE = re.compile(r"^([ \t]+)answer_threshold:.*$", re.MULTILINE)


def stored_text(text: str, calibration: Calibration) -> str:
    """bot.yaml's text with ``tuning: answer_threshold`` set to the calibration, every other line
    (comments included) kept as it was."""
    line = f"answer_threshold: {calibration.threshold:g}   # {calibration.comment()}"
    block = _TUNING_BLOCK.search(text)
    if block is None:
        return text.rstrip("\n") + ("\n" if text.strip() else "") + "tuning:\n  " + line + "\n"
    rest = text[block.end():]
    following = re.search(r"^\S", rest, re.MULTILINE)       # where the tuning block ends
    body_end = block.end() + (following.start() if following else len(rest))
    body = text[block.end():body_end]
    existing = _THRESHOLD_LINE.search(body)
    if existing:
        body = body[:existing.start()] + existing.group(1) + line + body[existing.end():]
    else:
        body = "\n  " + line + body
    return text[:block.end()] + body + text[body_end:]


def calibrated_by_faqbot(text: str) -> bool:
    """Whether bot.yaml's text holds an answer threshold faqbot calibrated (not one staff set)."""
    block = _TUNING_BLOCK.search(text)
    existing = _THRESHOLD_LINE.search(text, block.end()) if block is not None else None
    return existing is not None and "calibrated by faqbot" in existing.group(0)


def store(folder: Path, calibration: Calibration) -> Path:
    """Write the calibrated threshold into the folder's bot.yaml (created if missing)."""
    from ..files import write_atomic

    path = Path(folder) / "bot.yaml"
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    write_atomic(path, stored_text(text, calibration))
    return path
