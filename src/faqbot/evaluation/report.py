"""The coverage Report and its gates.

Accuracy; per-label support, precision, recall and F1 with what each intent is confused with; the
most confused pairs; near misses; the fallback rate; the score distribution of right and wrong
answers; intents no test reaches; tests that expect an intent that does not exist; and, for a
self-check (``selfcheck``), thin intents, near-duplicate phrasings and canonical misses. Nothing
here prints or exits; the renderers are in ``renderers``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..bot import Bot, Status
from ..matching.tuning import DEFAULT
from ..content.intents import IntentSet
from ..safety.cases import CaseResult as RuleCase, run_cases
from .runs import CaseResult, run_dialogues
from .suite import STATUS_LABELS, check_expectations, load_suite, unknown_expectations

SCORE_BIN_WIDTH = 10
MAX_CONFUSED_PAIRS = 10
MAX_NEAR_MISSES = 20


@dataclass
class LabelStats:
    """Support, precision, recall and F1 of one label, and the utterances it lost to others."""

    label: str
    kind: str                     # "intent" or "status"
    topic: str | None
    support: int = 0              # tests expecting this label
    predicted: int = 0            # replies with this label
    correct: int = 0
    confused_with: dict[str, list[CaseResult]] = field(default_factory=dict)

    @property
    def precision(self) -> float | None:
        return self.correct / self.predicted if self.predicted else None

    @property
    def recall(self) -> float | None:
        return self.correct / self.support if self.support else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class ConfusedPair:
    a: str
    b: str
    a_as_b: int                   # tests expecting a answered with b
    b_as_a: int

    @property
    def count(self) -> int:
        return self.a_as_b + self.b_as_a


@dataclass
class ScoreBin:
    low: int
    high: int
    right: int = 0
    wrong: int = 0


@dataclass
class Duplicate:
    """Two phrasings of different intents that read almost the same: the matcher cannot tell them apart."""

    a: str
    a_text: str
    b: str
    b_text: str
    similarity: float


@dataclass
class SelfCheck:
    """What the self-check finds beyond leave-one-out: thin intents, duplicates, canonical misses."""

    thin: list[tuple[str, int]]               # (intent id, number of examples)
    duplicates: list[Duplicate]
    canonical_misses: list[CaseResult]        # canonical questions that do not reach their intent


@dataclass
class Report:
    kind: str                                  # "tests" or "self-check"
    intent_set: IntentSet
    results: list[CaseResult]
    sources: list[str]                         # test files, or the intents folder for a self-check
    threshold: float = DEFAULT.answer_threshold          # the bot's (see matching.tuning)
    near_miss_margin: float = DEFAULT.near_miss_margin
    self_check: SelfCheck | None = None
    # The rule cases kept beside the triage and scope rules in YAML (safety.cases), run with the
    # report: staff see a red flag's broken case where they see everything else.
    rule_cases: list[RuleCase] = field(default_factory=list)

    @property
    def failed_rule_cases(self) -> list[RuleCase]:
        return [c for c in self.rule_cases if not c.passed]

    def __post_init__(self):
        self.scored = [r for r in self.results if r.known]
        self.unknown = [r for r in self.results if not r.known]
        self.labels = self._label_stats()

    # overall

    @property
    def total(self) -> int:
        return len(self.scored)

    @property
    def passed(self) -> int:
        return sum(r.passed for r in self.scored)

    @property
    def accuracy(self) -> float:
        return self.passed / self.total if self.total else 0.0

    @property
    def fallbacks(self) -> int:
        return sum(r.status == Status.FALLBACK for r in self.scored)

    @property
    def fallback_rate(self) -> float:
        return self.fallbacks / self.total if self.total else 0.0

    @property
    def failures(self) -> list[CaseResult]:
        return [r for r in self.scored if not r.passed]

    # per label

    def _label_stats(self) -> dict[str, LabelStats]:
        stats: dict[str, LabelStats] = {}
        for intent in self.intent_set.intents:
            stats[intent.id] = LabelStats(intent.id, "intent", intent.topic)
        for status in STATUS_LABELS:
            stats[status] = LabelStats(status, "status", None)
        for result in self.scored:
            expected, got = stats[result.utterance.expect], stats.setdefault(
                result.got, LabelStats(result.got, "status", None))
            expected.support += 1
            got.predicted += 1
            if result.passed:
                expected.correct += 1
            else:
                expected.confused_with.setdefault(result.got, []).append(result)
        return stats

    @property
    def intent_stats(self) -> list[LabelStats]:
        return [s for s in self.labels.values() if s.kind == "intent"]

    @property
    def status_stats(self) -> list[LabelStats]:
        return [s for s in self.labels.values() if s.kind == "status"]

    def recall_below(self, floor: float) -> list[LabelStats]:
        """Intents with tests whose recall is under ``floor``, worst first."""
        low = [s for s in self.intent_stats if s.support and s.recall < floor]
        return sorted(low, key=lambda s: (s.recall, s.label))

    # what to fix

    @property
    def confused_pairs(self) -> list[ConfusedPair]:
        """Intent pairs answered for each other, most often first (both directions counted)."""
        counts: Counter[tuple[str, str]] = Counter()
        for result in self.scored:
            expected, got = result.utterance.expect, result.got
            if not result.passed and self.labels[expected].kind == "intent" and got in self.labels \
                    and self.labels[got].kind == "intent":
                counts[(expected, got)] += 1
        pairs = {}
        for (a, b) in counts:
            key = tuple(sorted((a, b)))
            if key not in pairs:
                pairs[key] = ConfusedPair(key[0], key[1], counts[key], counts[(key[1], key[0])])
        ranked = sorted(pairs.values(), key=lambda p: (-p.count, p.a, p.b))
        return ranked[:MAX_CONFUSED_PAIRS]

    @property
    def near_misses(self) -> list[CaseResult]:
        """Right answers whose runner-up came within ``near_miss_margin`` points: one edit from wrong."""
        close = [r for r in self.scored if r.passed and r.status == Status.ANSWERED and r.margin is not None
                 and r.margin < self.near_miss_margin]
        return sorted(close, key=lambda r: (r.margin, r.utterance.where))[:MAX_NEAR_MISSES]

    @property
    def score_bins(self) -> list[ScoreBin]:
        """Scores of right and wrong replies that went through the matcher, in bins of ten points."""
        bins = [ScoreBin(low, low + SCORE_BIN_WIDTH) for low in range(0, 100, SCORE_BIN_WIDTH)]
        for result in self.scored:
            if not result.matched:
                continue
            index = min(int(result.score // SCORE_BIN_WIDTH), len(bins) - 1)
            if result.passed:
                bins[index].right += 1
            else:
                bins[index].wrong += 1
        return bins

    @property
    def unreached(self) -> list[LabelStats]:
        """Intents no reply landed on: untested (support 0), or every test of theirs went elsewhere."""
        return [s for s in self.intent_stats if s.predicted == 0]

    def confusion(self) -> tuple[list[str], list[list[int]]]:
        """Labels (intents in file order, then statuses) that occur, and counts[expected][got]."""
        used = set()
        for result in self.scored:
            used.update((result.utterance.expect, result.got))
        labels = [s.label for s in self.labels.values() if s.label in used]
        position = {label: i for i, label in enumerate(labels)}
        matrix = [[0] * len(labels) for _ in labels]
        for result in self.scored:
            matrix[position[result.utterance.expect]][position[result.got]] += 1
        return labels, matrix


def coverage_report(bot: Bot, paths: list[Path], allow_unknown: bool = False) -> Report:
    """Run the test files through the bot. Unknown expected intents are an error unless
    ``allow_unknown``, in which case they are listed in the report and left out of the numbers."""
    dialogues = load_suite(paths)
    if not allow_unknown:
        check_expectations(dialogues, bot.intent_set)
    unknown = set(unknown_expectations(dialogues, bot.intent_set))
    results = run_dialogues(bot, dialogues, unknown)
    return Report("tests", bot.intent_set, results, [str(p) for p in paths],
                  bot.tuning.answer_threshold, bot.tuning.near_miss_margin,
                  rule_cases=run_cases(bot.triage, bot.scope))


def gate_failures(report: Report, min_accuracy: float | None, min_recall: float | None) -> list[str]:
    """Why the report fails the gates, one short phrase per gate; empty when it passes."""
    reasons = []
    if report.failed_rule_cases:
        count = len(report.failed_rule_cases)
        reasons.append(f"{count} rule case{'s' if count != 1 else ''} of the triage or scope rules fail")
    if min_accuracy is not None and report.accuracy < min_accuracy:
        reasons.append(f"accuracy {report.accuracy:.3f} is below --min-accuracy {min_accuracy:g}")
    if min_recall is not None:
        low = report.recall_below(min_recall)
        if low:
            named = ", ".join(f"{s.label} ({s.recall:.2f})" for s in low[:5])
            more = f" and {len(low) - 5} more" if len(low) > 5 else ""
            reasons.append(f"recall is below --min-recall {min_recall:g} for {len(low)} intent"
                           f"{'s' if len(low) != 1 else ''}: {named}{more}")
    return reasons
