"""Learning from what patients ask: the log of unanswered questions, and its review.

With ``--log-unanswered FILE`` (opt-in) chat and batch append every question that ended in
``fallback`` or ``clarify`` as one JSON line. ``faqbot review FILE`` groups similar questions
(rapidfuzz), proposes for each group the nearest intent with its score, and renders YAML that
staff paste under that intent's ``examples``, or marks the group as a new topic the documents do
not cover. A question the emergency triage flags, or nearly flags, is never proposed: pasted as an
example it would turn a missed emergency into a permanent FAQ answer; it is listed apart, for staff
to check the triage. Nothing here prints or exits; the log is written by the file policy (files.py):
owner-only, because it holds what patients typed, one whole line at a time.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import yaml
from rapidfuzz import fuzz, process, utils

from ..language.analyzer import stem
from ..bot import Bot, Conversation
from .runs import label_of
from ..display import json_printable
from ..errors import DataFileError
from ..files import append_private_line
from ..yamlfile import parse_json, read_text

LOGGED_STATUSES = ("fallback", "clarify")
EXAMPLE_INDENT = 6        # how deep intent files indent their examples, so a block pastes as it is


class UnansweredLog:
    """Appends the records of unanswered questions to a JSON-lines file; call it with a reply record.

    The file is opened for each line and closed again, so a crash loses nothing and the REPL
    holds no file open; a line that cannot be written whole (a full disk) is taken back and raises
    a DataFileError naming the log. ``clock`` is there for tests.
    """

    def __init__(self, path: Path, clock: Callable[[], datetime] | None = None):
        self.path = Path(path)
        self.clock = clock or (lambda: datetime.now(timezone.utc))

    def __call__(self, record: dict) -> None:
        if record.get("status") not in LOGGED_STATUSES or not record.get("question"):
            return
        entry = {"time": self.clock().isoformat(timespec="seconds"), "status": record["status"],
                 "question": record["question"], "score": record.get("score"),
                 "suggestions": list(record.get("suggestions") or [])}
        # json_printable: escapes, not raw control characters or lone surrogates, so the log can be
        # shown on a terminal and written as UTF-8 whatever the question held. U+2028/U+2029 are
        # escaped so that one entry is one line for every reader.
        line = json_printable(json.dumps(entry, ensure_ascii=False))
        append_private_line(self.path, line.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029") + "\n")


def read_questions(path: Path) -> list[str]:
    """The questions of a log: JSON lines with a ``question``; any other non-blank, non-# line is
    taken as a question itself, so a plain list of questions can be reviewed too; so is a line
    that is not JSON within the limits (a huge integer, deep nesting: never a crash). The file is
    read whole within files.MAX_TEXT_BYTES, a FIFO or /dev/stdin included."""
    questions = []
    for number, line in enumerate(read_text(Path(path), streams=True).splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        try:
            value = parse_json(stripped, path, number)
        except DataFileError:
            value = stripped
        if isinstance(value, dict):
            value = value.get("question")
        if isinstance(value, str) and value.strip():
            questions.append(" ".join(value.split()))
    return questions


@dataclass
class Group:
    """Similar questions, the intent nearest to them and how near it is."""

    questions: list[str]                 # distinct, most asked first
    asked: int                           # how many times, duplicates included
    intent: str | None                   # nearest intent id
    score: float                         # mean score of that intent over the questions it is nearest to
    path: Path | None = None             # the file that defines the intent
    unknown_words: list[str] = field(default_factory=list)   # words of the questions no intent knows
    new_topic: bool = False


@dataclass
class Flagged:
    """A logged question the triage flags or nearly flags: for staff to check, never an example."""

    question: str
    asked: int
    reason: str


@dataclass
class Review:
    source: str
    total: int
    groups: list[Group] = field(default_factory=list)
    flagged: list[Flagged] = field(default_factory=list)


def review_questions(bot: Bot, questions: list[str], source: str = "") -> Review:
    """Group similar questions and propose the nearest intent for each group."""
    counts = Counter()
    first_form: dict[str, str] = {}
    for question in questions:
        key = utils.default_process(question)
        if not key:
            continue
        counts[key] += 1
        first_form.setdefault(key, question)
    ordered = sorted(counts, key=lambda k: -counts[k])          # stable: ties keep log order
    flagged = []
    for key in list(ordered):
        reason = triage_reason(bot, first_form[key])
        if reason is not None:
            flagged.append(Flagged(first_form[key], counts[key], reason))
            ordered.remove(key)
    unassigned = dict(enumerate(ordered))
    groups = []
    for index, leader in enumerate(ordered):
        if index not in unassigned:
            continue
        del unassigned[index]
        similar = [j for _, _, j in process.extract(leader, unassigned, scorer=fuzz.token_sort_ratio,
                                                     score_cutoff=bot.tuning.group_similarity, limit=None)]
        for j in similar:
            del unassigned[j]
        members = [leader] + [ordered[j] for j in similar]
        groups.append(_group(bot, [first_form[k] for k in members], sum(counts[k] for k in members)))
    return Review(source, sum(counts.values()), groups, flagged)


def triage_reason(bot: Bot, question: str) -> str | None:
    """Why triage flags or nearly flags a question (as typed or spelling-corrected), or None."""
    assessment = bot.triage.assess(question, bot.analyzer.corrected_text)
    if assessment.urgent is not None:
        return f"emergency: {assessment.urgent.id}"
    if assessment.findings:
        return "crisis line: " + ", ".join(f.id for f in assessment.findings)
    if assessment.near:
        return f"nearly an emergency ({assessment.near[0].id}): {assessment.near[0].why}"
    return None


def _group(bot: Bot, questions: list[str], asked: int) -> Group:
    """Each question votes for its best candidate, as the live Bot ranks it; the most voted intent wins.

    The group is a new topic when even that intent scores under the tuning's ``new_topic_below``, or when its
    questions name none of the documents' subjects, mostly use words no intent knows ("metformin")
    and would not be answered: more examples would only teach the bot to answer the wrong thing.
    """
    votes: dict[str, list[float]] = defaultdict(list)
    unknown: list[str] = []
    with_unknown, names_topic = 0, False
    for question in questions:
        reply = bot.reply(question, Conversation())
        if reply.status == "answered" and reply.intent is not None:
            votes[label_of(reply)].append(reply.score)
        elif reply.match is not None and reply.match.candidates:
            best = reply.match.candidates[0]
            votes[best.intent.id].append(best.score)
        if reply.match is not None:
            names_topic = names_topic or bool(reply.match.topics)
            words = _unknown_words(reply.match)
            with_unknown += bool(words)
            unknown += [w for w in words if w not in unknown]
    if not votes:
        return Group(questions, asked, None, 0.0, unknown_words=unknown, new_topic=True)
    intent_id = max(votes, key=lambda i: (len(votes[i]), sum(votes[i]), i))
    score = round(sum(votes[intent_id]) / len(votes[intent_id]), 1)
    outside = not names_topic and 2 * with_unknown > len(questions) and score < bot.tuning.answer_threshold
    return Group(questions, asked, intent_id, score, bot.intent_set.by_id()[intent_id].path, unknown,
                 score < bot.tuning.new_topic_below or outside)


def _unknown_words(result) -> list[str]:
    """The question's words whose terms no intent knows, as the patient wrote them."""
    unknown = set(result.unknown_terms)
    return [token for token in dict.fromkeys(result.analysis.tokens) if stem(token) in unknown]


def render_review(result: Review) -> str:
    """YAML to paste: each proposal is a block of ``- question`` lines indented like intent files'
    examples; new topics are commented out. The whole text is one valid YAML list."""
    distinct = sum(len(g.questions) for g in result.groups) + len(result.flagged)
    lines = [f"# faqbot review of {result.source}: {_count(result.total, 'logged question')} ({distinct} distinct) "
             f"in {_count(len(result.groups), 'group')}.",
             "# Paste a block under the `examples:` of the intent it names, once you have checked that the",
             "# intent's answer really answers those questions; then run `faqbot check` and `faqbot coverage`.",
             "# A NEW TOPIC is something the documents do not cover: do not force it into an intent."]
    for number, group in enumerate(result.groups, 1):
        asked = _count(group.asked, "question")
        lines.append("")
        if group.new_topic:
            nearest = f"nearest: {group.intent}, score {group.score:g}" if group.intent else "no intent is near"
            lines.append(f"# group {number}: {asked} -> NEW TOPIC, the documents do not cover this ({nearest})")
        else:
            where = f" in {group.path}" if group.path else ""
            lines.append(f"# group {number}: {asked} -> {group.intent} (score {group.score:g}){where}")
        if group.unknown_words:
            lines.append("#   words no intent knows: " + ", ".join(group.unknown_words))
        block = _examples(group.questions)
        lines += ["#" + line[1:] for line in block] if group.new_topic else block
    if result.flagged:
        lines += ["", f"# CHECK THE TRIAGE: {_count(len(result.flagged), 'question')} the emergency triage flags or nearly "
                  "flags. Never paste these",
                  "# as examples: check that each got (or should have got) the urgent instruction; a missed",
                  "# emergency belongs in the triage rules (safety.yaml, with its cases), not in an intent."]
        for item in result.flagged:
            asked = f" (asked {item.asked} times)" if item.asked > 1 else ""
            lines.append(f"#   - {json.dumps(item.question, ensure_ascii=False)}{asked}: {item.reason}")
    return "\n".join(lines) + "\n"


def _examples(questions: list[str]) -> list[str]:
    dumped = yaml.safe_dump(list(questions), default_flow_style=False, allow_unicode=True, width=10_000)
    return [" " * EXAMPLE_INDENT + line for line in dumped.splitlines()]


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
