"""The self-check: coverage without test files, by leave-one-out over the intents' own examples,
plus thin intents, near-duplicate phrasings and canonical questions that miss their intent."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from pathlib import Path

from rapidfuzz import fuzz, process, utils

from ..bot import Bot, Conversation, index_texts
from ..content.intents import IntentSet
from ..matching.tuning import DEFAULT
from ..language.analyzer import Analyzer
from ..language.normalise import tokenize
from ..safety.cases import run_cases
from .report import Duplicate, Report, SelfCheck
from .runs import label_of, result_of
from .suite import Utterance

THIN_EXAMPLES = 5             # intents with fewer examples than this are "thin"


def self_check(bot: Bot) -> Report:
    """Leave-one-out over every example, plus thin intents, near-duplicates and canonical misses.

    Each example is asked of a Bot built on a copy of the intents without that example, so it must
    reach its intent through the other phrasings and the answer text, as a patient's new wording
    would. Those bots answer exactly as bots built from scratch, only faster (``HeldOutBots``).
    """
    intent_set = bot.intent_set
    held_out = HeldOutBots(bot)
    lines = ExampleLines()
    results = []
    for position, intent in enumerate(intent_set.intents):
        for index, example in enumerate(intent.examples):
            reduced = replace(intent, examples=intent.examples[:index] + intent.examples[index + 1:])
            intents = list(intent_set.intents)
            intents[position] = reduced
            reply = held_out.bot(replace(intent_set, intents=intents), example).reply(example, Conversation())
            utterance = Utterance(example, intent.id, intent.path or Path("?"), lines.of(intent, index))
            results.append(result_of(utterance, reply, len(results) + 1, 1, True))
    canonical_misses = []
    for intent in intent_set.intents:
        reply = bot.reply(intent.question, Conversation())
        if label_of(reply) != intent.id:
            utterance = Utterance(intent.question, intent.id, intent.path or Path("?"), intent.line)
            canonical_misses.append(result_of(utterance, reply, 0, 1, True))
    thin = [(intent.id, len(intent.examples)) for intent in intent_set.intents
            if len(intent.examples) < THIN_EXAMPLES]
    check = SelfCheck(thin, near_duplicates(intent_set, bot.tuning.duplicate_similarity), canonical_misses)
    folder = str(intent_set.folder) if intent_set.folder else "(intents)"
    return Report("self-check", intent_set, results, [folder], bot.tuning.answer_threshold,
                  bot.tuning.near_miss_margin, self_check=check, rule_cases=run_cases(bot.triage, bot.scope))


class ExampleLines:
    """The line of each example in its intents file, so a failing example is named by file:line
    (the Intent keeps only its own line: 78,000 intents need not carry every example's). Each
    file is read again once, when its first example is asked."""

    def __init__(self):
        self._files: dict[Path, dict[int, list[int]]] = {}

    def of(self, intent, index: int) -> int:
        if intent.path is None:
            return intent.line
        if intent.path not in self._files:
            self._files[intent.path] = _example_lines(intent.path)
        found = self._files[intent.path].get(intent.line, [])
        return found[index] if index < len(found) else intent.line


def _example_lines(path: Path) -> dict[int, list[int]]:
    """{intent's line: its examples' lines} of one intents file; {} if it cannot be read now."""
    from ..errors import DataFileError
    from ..yamlfile import LineDict, LineList, load_yaml

    try:
        data = load_yaml(path)
    except (DataFileError, OSError, ValueError):
        return {}
    items = data.get("intents") if isinstance(data, LineDict) else data
    if not isinstance(items, LineList):
        return {}
    found = {}
    for item in items:
        examples = item.get("examples") if isinstance(item, LineDict) else None
        if isinstance(examples, LineList):
            found[item.line] = [examples.line_of(i) for i in range(len(examples))]
    return found


class HeldOutBots:
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
        self._full = Analyzer(self.lexicon, index_texts(bot.intent_set), shared_analyses=self._shared)
        self._counts: Counter[str] = Counter()
        for text in index_texts(bot.intent_set) + [term for group in self.lexicon.groups for term in group]:
            self._counts.update(tokenize(text))

    def bot(self, intent_set: IntentSet, held_out: str) -> Bot:
        """A Bot over ``intent_set``, which is the full set without the example ``held_out``."""
        own_words = Counter(tokenize(held_out))
        if all(self._counts[word] > count for word, count in own_words.items()):
            analyzer = self._full
        else:
            analyzer = Analyzer(self.lexicon, index_texts(intent_set), shared_analyses=self._shared)
        return Bot(intent_set, self.lexicon, self.safety, analyzer, scope=self.scope)


def near_duplicates(intent_set: IntentSet, cutoff: float = DEFAULT.duplicate_similarity) -> list[Duplicate]:
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
