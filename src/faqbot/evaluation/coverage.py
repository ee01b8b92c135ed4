"""Coverage: how well the intents answer what patients say, measured the way a live reply decides.

Staff write coverage tests next to the intents (``tests/*.yaml``): a YAML list whose entries are
single cases, ``- say: TEXT`` with ``expect: INTENT_ID`` (or ``fallback``, ``smalltalk``,
``emergency``, ``clarify``), or whole conversations, ``- conversation: [{say, expect}, ...]``,
whose turns share one Conversation so follow-ups are tested. Every case goes through
``Bot.reply``, the same decision path a patient meets, never a shortcut into the matcher.

The result is a ``Report``: accuracy; per-label support, precision, recall and F1 with what each
intent is confused with; the most confused pairs; near misses; the fallback rate; the score
distribution of right and wrong answers; intents no test reaches; and tests that expect an intent
that does not exist. ``self_check`` builds the same report without test files, by leave-one-out over
the intents' own examples, and adds thin intents, near-duplicate examples and canonical questions
that miss. This module never prints and never exits; the renderers are in ``coverage_report``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from rapidfuzz import fuzz, process, utils

from ..language.analyzer import Analyzer
from ..bot import ANSWER_THRESHOLD, Bot, Conversation, Reply, index_texts
from ..errors import DataFileError, FaqbotError
from ..content.intents import IntentSet
from ..language.normalise import tokenize
from ..yamlfile import LineDict, LineList, load_yaml, reject_unknown_keys, type_name

STATUS_LABELS = ("fallback", "smalltalk", "emergency", "clarify")
CASE_KEYS = {"say", "expect"}
CONVERSATION_KEYS = {"conversation"}
NEAR_MISS_MARGIN = 5.0        # right, but the runner-up was within this many points
THIN_EXAMPLES = 5             # intents with fewer examples than this are "thin"
DUPLICATE_SIMILARITY = 90.0   # rapidfuzz token_sort_ratio at or above which two phrasings are near-duplicates
SCORE_BIN_WIDTH = 10
MAX_CONFUSED_PAIRS = 10
MAX_NEAR_MISSES = 20


# --- test files ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Utterance:
    """One thing a patient says and the outcome expected: an intent id or a status label."""

    say: str
    expect: str
    path: Path
    line: int

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class Dialogue:
    """Utterances answered in one Conversation; a single case is a dialogue of one turn."""

    turns: tuple[Utterance, ...]
    is_conversation: bool = False


def suite_files(folder: Path) -> list[Path]:
    """The bundled coverage tests of an intents folder: ``tests/*.yaml`` (and ``*.yml``). A FIFO or
    a device with such a name is listed too, so that loading refuses it with one line instead of
    skipping it silently (or hanging on it)."""
    tests = Path(folder) / "tests"
    if not tests.is_dir():
        return []
    return sorted(p for p in tests.iterdir()
                  if p.suffix in (".yaml", ".yml") and not p.name.startswith(".") and not p.is_dir())


def load_tests(path: Path) -> list[Dialogue]:
    """Read one coverage test file strictly; a malformed entry raises DataFileError(file, line)."""
    path = Path(path)
    data = load_yaml(path)
    if data is None:
        return []
    if not isinstance(data, LineList):
        raise DataFileError(path, getattr(data, "line", 1) or 1,
                            f"expected a list of tests (- say: ... with expect: ...), got {type_name(data)}")
    return [_entry(path, item, data.line_of(index)) for index, item in enumerate(data)]


def _entry(path: Path, item, line: int) -> Dialogue:
    if not isinstance(item, LineDict):
        raise DataFileError(path, line, "each test must be a mapping with 'say' and 'expect', "
                                        f"or with 'conversation', got {type_name(item)}")
    if "conversation" not in item:
        return Dialogue((_utterance(path, item, "test"),))
    reject_unknown_keys(path, item, CONVERSATION_KEYS, "conversation")
    turns = item["conversation"]
    if not isinstance(turns, LineList) or not turns:
        raise DataFileError(path, item.line_of("conversation"),
                            f"'conversation' must be a list of turns (say, expect), got {type_name(turns)}")
    parsed = []
    for index, turn in enumerate(turns):
        if not isinstance(turn, LineDict):
            raise DataFileError(path, turns.line_of(index),
                                f"each turn must be a mapping with 'say' and 'expect', got {type_name(turn)}")
        parsed.append(_utterance(path, turn, "turn"))
    return Dialogue(tuple(parsed), True)


def _utterance(path: Path, item: LineDict, what: str) -> Utterance:
    reject_unknown_keys(path, item, CASE_KEYS, what)
    for key in ("say", "expect"):
        if key not in item:
            raise DataFileError(path, item.line, f"{what} is missing '{key}'")
    say, expect = item["say"], item["expect"]
    if not isinstance(say, str) or not say.strip():
        raise DataFileError(path, item.line_of("say"), f"'say' must be non-empty text, got {type_name(say)}")
    if not isinstance(expect, str) or not expect.strip():
        raise DataFileError(path, item.line_of("expect"),
                            f"'expect' must be an intent id or one of {', '.join(STATUS_LABELS)}, got {type_name(expect)}")
    return Utterance(say.strip(), expect.strip(), path, item.line_of("say"))


def unknown_expectations(dialogues: list[Dialogue], intent_set: IntentSet) -> list[Utterance]:
    """Utterances whose ``expect`` is neither a status label nor an intent of the set."""
    known = set(intent_set.by_id())
    return [turn for dialogue in dialogues for turn in dialogue.turns
            if turn.expect not in STATUS_LABELS and turn.expect not in known]


def check_expectations(dialogues: list[Dialogue], intent_set: IntentSet) -> None:
    """Raise DataFileError at the first test expecting an intent that does not exist."""
    unknown = unknown_expectations(dialogues, intent_set)
    if not unknown:
        return
    turn = unknown[0]
    ids = [intent.id for intent in intent_set.intents]
    hint = process.extractOne(turn.expect, ids, scorer=fuzz.ratio, score_cutoff=70) if ids else None
    suggestion = f" (did you mean '{hint[0]}'?)" if hint else ""
    raise DataFileError(turn.path, turn.line, f"unknown intent '{turn.expect}'{suggestion}; "
                                              f"expect an intent id or one of {', '.join(STATUS_LABELS)}")


def load_suite(paths: list[Path]) -> list[Dialogue]:
    """Every dialogue of the given test files, in order; no test at all is an error."""
    dialogues = []
    for path in paths:
        dialogues += load_tests(path)
    if not dialogues:
        names = ", ".join(str(p) for p in paths) or "(no files)"
        raise FaqbotError(f"no coverage tests in {names}")
    return dialogues


# --- running -------------------------------------------------------------------------------


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
    if reply.status == "answered" and reply.intent is not None:
        return reply.intent.id
    return reply.status


def run_dialogues(bot: Bot, dialogues: list[Dialogue], unknown: set[Utterance] = frozenset()) -> list[CaseResult]:
    """Answer every utterance with ``Bot.reply``; a dialogue's turns share one Conversation."""
    results = []
    for number, dialogue in enumerate(dialogues, 1):
        conversation = Conversation()
        for turn_number, turn in enumerate(dialogue.turns, 1):
            reply = bot.reply(turn.say, conversation)
            results.append(_result(turn, reply, number, turn_number, turn not in unknown))
    return results


def _result(utterance: Utterance, reply: Reply, dialogue: int, turn: int, known: bool) -> CaseResult:
    got = label_of(reply)
    runner_up, runner_score = None, None
    if reply.match is not None:
        chosen = reply.intent.id if reply.status == "answered" and reply.intent else None
        for candidate in reply.match.candidates:
            if candidate.intent.id != chosen:
                runner_up, runner_score = candidate.intent.id, candidate.score
                break
    return CaseResult(utterance, got, reply.status, round(reply.score, 1), runner_up, runner_score,
                      reply.match is not None, dialogue, turn, known)


# --- the report ----------------------------------------------------------------------------


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
    threshold: float = ANSWER_THRESHOLD
    near_miss_margin: float = NEAR_MISS_MARGIN
    self_check: SelfCheck | None = None

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
        return sum(r.status == "fallback" for r in self.scored)

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
        close = [r for r in self.scored if r.passed and r.status == "answered" and r.margin is not None
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
    return Report("tests", bot.intent_set, results, [str(p) for p in paths])


# --- self-check ----------------------------------------------------------------------------


def self_check(bot: Bot) -> Report:
    """Leave-one-out over every example, plus thin intents, near-duplicates and canonical misses.

    Each example is asked of a Bot built on a copy of the intents without that example, so it must
    reach its intent through the other phrasings and the answer text, as a patient's new wording
    would. Those bots answer exactly as bots built from scratch, only faster (``_HeldOut``).
    """
    intent_set = bot.intent_set
    held_out = _HeldOut(bot)
    results = []
    for position, intent in enumerate(intent_set.intents):
        for index, example in enumerate(intent.examples):
            reduced = replace(intent, examples=intent.examples[:index] + intent.examples[index + 1:])
            intents = list(intent_set.intents)
            intents[position] = reduced
            reply = held_out.bot(replace(intent_set, intents=intents), example).reply(example, Conversation())
            utterance = Utterance(example, intent.id, intent.path or Path("?"), intent.line)
            results.append(_result(utterance, reply, len(results) + 1, 1, True))
    canonical_misses = []
    for intent in intent_set.intents:
        reply = bot.reply(intent.question, Conversation())
        if label_of(reply) != intent.id:
            utterance = Utterance(intent.question, intent.id, intent.path or Path("?"), intent.line)
            canonical_misses.append(_result(utterance, reply, 0, 1, True))
    thin = [(intent.id, len(intent.examples)) for intent in intent_set.intents
            if len(intent.examples) < THIN_EXAMPLES]
    check = SelfCheck(thin, near_duplicates(intent_set), canonical_misses)
    folder = str(intent_set.folder) if intent_set.folder else "(intents)"
    return Report("self-check", intent_set, results, [folder], self_check=check)


class _SharedAnalysis(Analyzer):
    """An Analyzer whose uncorrected analyses (of index texts) are shared by every held-out bot.

    Without spelling correction an analysis depends only on the lexicon, not on the index, so the
    hundreds of almost identical indexes of a leave-one-out run need not analyse the same phrasings
    again; questions (corrected) are analysed by each bot against its own vocabulary.
    """

    def __init__(self, lexicon, texts: list[str], shared: dict):
        super().__init__(lexicon, texts)
        self._shared = shared

    def analyse(self, text: str, correct: bool = False, phrase_words: bool = False):
        if correct:
            return super().analyse(text, True, phrase_words)
        found = self._shared.get((text, phrase_words))
        if found is None:
            found = self._shared[text, phrase_words] = super().analyse(text, False, phrase_words)
        return found


class _HeldOut:
    """Builds the leave-one-out bots of one Bot in a few milliseconds each instead of twenty.

    A held-out bot needs its own Matcher (the index without the example) but rarely its own
    Analyzer: the Analyzer learns only which words the index knows, for spelling correction, and a
    word known to the index is never corrected. So when every word of the held-out example also
    occurs elsewhere in the index texts or the lexicon, the full Analyzer reads that example exactly
    as a rebuilt one would; only examples with a word of their own get a rebuilt Analyzer. The test
    suite checks that these bots answer exactly as bots built from scratch.
    """

    def __init__(self, bot: Bot):
        self.lexicon, self.safety, self.scope = bot.lexicon, bot.safety, bot.scope
        self._shared: dict = {}
        self._full = _SharedAnalysis(self.lexicon, index_texts(bot.intent_set), self._shared)
        self._counts: Counter[str] = Counter()
        for text in index_texts(bot.intent_set) + [term for group in self.lexicon.groups for term in group]:
            self._counts.update(tokenize(text))

    def bot(self, intent_set: IntentSet, held_out: str) -> Bot:
        """A Bot over ``intent_set``, which is the full set without the example ``held_out``."""
        own_words = Counter(tokenize(held_out))
        if all(self._counts[word] > count for word, count in own_words.items()):
            analyzer = self._full
        else:
            analyzer = _SharedAnalysis(self.lexicon, index_texts(intent_set), self._shared)
        return Bot(intent_set, self.lexicon, self.safety, analyzer, scope=self.scope)


def near_duplicates(intent_set: IntentSet, cutoff: float = DUPLICATE_SIMILARITY) -> list[Duplicate]:
    """Phrasings (canonical questions and examples) of different intents that read almost alike.

    Each phrasing is compared with the later ones by one rapidfuzz ``extract`` call (the pairs are
    scored in C); ``cdist`` would do it in one call but needs numpy, which faqbot does not depend on.
    """
    owners, originals = [], []
    for intent in intent_set.intents:
        for text in [intent.question, *intent.examples]:
            owners.append(intent.id)
            originals.append(text)
    processed = [utils.default_process(text) for text in originals]
    found, seen = [], set()
    for i, text in enumerate(processed):
        later = {j: processed[j] for j in range(i + 1, len(processed)) if owners[j] != owners[i]}
        for _, similarity, j in process.extract(text, later, scorer=fuzz.token_sort_ratio,
                                                 score_cutoff=cutoff, limit=None):
            key = (owners[i], text, owners[j], processed[j])
            if key not in seen:
                seen.add(key)
                found.append(Duplicate(owners[i], originals[i], owners[j], originals[j], round(similarity, 1)))
    return sorted(found, key=lambda d: (-d.similarity, d.a, d.b, d.a_text))


def gate_failures(report: Report, min_accuracy: float | None, min_recall: float | None) -> list[str]:
    """Why the report fails the gates, one short phrase per gate; empty when it passes."""
    reasons = []
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
