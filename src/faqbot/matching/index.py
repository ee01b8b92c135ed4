"""The index over an intents folder: phrasings and their terms, IDF weights, postings, topic names.

Built once per folder (by the Matcher); everything a ranking reads that does not depend on the
question lives here, so ranking is sums over postings."""

from __future__ import annotations

import bisect
import math
import re
from array import array
from collections import Counter, defaultdict

from ..content.intents import Intent, IntentSet
from ..language.analyzer import Analyzer, stem
from ..language.words import LIGHT_WORDS
from .tuning import Tuning

_NAME = re.compile(r"(?<![.!?:]\s)(?<!^)\b([A-Z][a-z]+|[A-Z]{2,}[a-z]*)\b")


def proper_names(text: str) -> list[str]:
    """Capitalised words not starting a sentence, and acronyms: "Smith", "Lee", "NMDA"."""
    names = []
    for line in text.splitlines():
        names += _NAME.findall(line.lstrip("- "))
    return names


class Postings:
    """One term's intent postings: intent indices (ascending, as the index is built in intent
    order) and their credits, in two typed arrays. 12 bytes a posting instead of a tuple's 64:
    with 50,000 intents there are millions, and tuples took most of the memory."""

    __slots__ = ("intents", "credits")

    def __init__(self):
        self.intents = array("l")
        self.credits = array("d")

    def append(self, posting: tuple[int, float]) -> None:
        self.intents.append(posting[0])
        self.credits.append(posting[1])

    def __iter__(self):
        return zip(self.intents, self.credits)

    def __len__(self) -> int:
        return len(self.intents)

    def holds(self, intent_index: int) -> bool:
        i = bisect.bisect_left(self.intents, intent_index)
        return i < len(self.intents) and self.intents[i] == intent_index

    __contains__ = holds


class Index:
    """What the ranking reads, for one IntentSet, analysed by one Analyzer, weighed by one Tuning.

    Phrasings (each intent's question and examples) are numbered in intent order: ``phrasing_*``
    lists are indexed by that position. ``intent_postings`` hold, for each term, the intents whose
    texts hold it with the term's credit there (see Tuning); ``phrasing_postings`` the phrasings
    that hold it (but for repeats of an earlier phrasing's terms in the same intent)."""

    def __init__(self, intent_set: IntentSet, analyzer: Analyzer, tuning: Tuning):
        self.intents = intent_set.intents
        self.phrasing_text: list[str] = []          # a phrasing's terms, sorted, joined: the character term's input
        self.phrasing_terms: list[frozenset[str]] = []
        self.phrasing_intent: list[int] = []
        self.phrasing_source_text: list[str] = []   # the phrasing as written, for explanations
        # Whether the phrasing's text splits back into its terms (no term holds a space: nearly
        # always); the character term then needs no token sort on its side (Matcher._candidates).
        self.phrasing_split_alike: list[bool] = []
        # Tuples, not sets: with 50,000 intents the answers' term sets took 150 MB while the index
        # was built, more than the index itself.
        utterance_terms: list[tuple[str, ...]] = []
        answer_terms: list[tuple[str, ...]] = []
        for index, intent in enumerate(self.intents):
            terms_here: set[str] = set()
            for text in [intent.question, *intent.examples]:
                terms = frozenset(analyzer.terms(text))
                if not terms:
                    continue
                self.phrasing_text.append(" ".join(sorted(terms)))
                self.phrasing_split_alike.append(len(self.phrasing_text[-1].split()) == len(terms))
                self.phrasing_terms.append(terms)
                self.phrasing_intent.append(index)
                self.phrasing_source_text.append(text)
                terms_here |= terms
            utterance_terms.append(tuple(terms_here))
            section = intent.source.section if intent.source else ""
            answer_terms.append(tuple(set(analyzer.joined_terms([intent.answer, section], phrase_words=True)) - terms_here))
        count = len(self.intents)
        document_frequency: dict[str, int] = defaultdict(int)
        for index in range(count):
            for term in (*utterance_terms[index], *answer_terms[index]):   # disjoint
                document_frequency[term] += 1
        light = self.light = {stem(w) for w in LIGHT_WORDS}
        self.idf = {t: math.log(1 + count / df) * (tuning.light_word_factor if t in light else 1.0)
                    for t, df in document_frequency.items()}
        self.unknown_idf = math.log(1 + count / 0.5) if count else 1.0
        # One term found in a single intent carries math.log(1 + count); a question saying less than
        # a share of that ("seizures", "valproate") cannot pick one intent with full confidence.
        self.evidence_needed = tuning.evidence_share * math.log(1 + count) if count else 1.0
        # A phrasing with the same terms as an earlier one of its intent ("how do I take it?", "how
        # should I take it?") is left out: its F-measure is always that earlier one's, which the
        # ranking meets first and keeps, so reading it again could never change a row.
        self.phrasing_postings: dict[str, list[int]] = defaultdict(list)
        seen: set[tuple[int, frozenset[str]]] = set()
        for position, terms in enumerate(self.phrasing_terms):
            key = (self.phrasing_intent[position], terms)
            if key in seen:
                continue
            seen.add(key)
            for term in terms:
                self.phrasing_postings[term].append(position)
        # fsum: exact whatever the order, and a frozenset's order changes with PYTHONHASHSEED, so a
        # plain sum made ties (and suggestions) differ from one run, or worker process, to the next.
        self.phrasing_weight = [math.fsum(self.idf[t] for t in terms) for terms in self.phrasing_terms]
        self.intent_postings: dict[str, Postings] = defaultdict(Postings)
        lengths = [max(1, len(a)) for a in answer_terms]
        average = sum(lengths) / len(lengths) if lengths else 1.0
        self.name_terms: set[str] = set()   # names (Smith, NMDA) that pinpoint one intent
        for index in range(count):
            for term in utterance_terms[index]:
                self.intent_postings[term].append((index, tuning.utterance_credit))
            credit = tuning.answer_credit * min(1.0, (average / lengths[index]) ** tuning.answer_length_power)
            names = set(analyzer.terms(" ".join(proper_names(self.intents[index].answer))))
            pinpoints = {t for t in names if document_frequency.get(t) == 1}
            self.name_terms |= pinpoints
            for term in answer_terms[index]:
                # A name (Smith, NMDA) found in one intent's answer only pinpoints that intent.
                if term in pinpoints:
                    self.intent_postings[term].append((index, tuning.utterance_credit))
                else:
                    self.intent_postings[term].append((index, credit))
        # Keyed by topic, in the order the intents name them.
        self.topic_terms = self._topic_terms(intent_set.topics(), analyzer, tuning)
        # Which topics each term names: a question's topics found from its own terms, not by
        # visiting every topic (thousands on a medicine site).
        self.topics_naming: dict[str, list[str]] = defaultdict(list)
        for topic, names in self.topic_terms.items():
            for term in names:
                self.topics_naming[term].append(topic)

    def _topic_terms(self, topics: dict[str, list[Intent]], analyzer: Analyzer, tuning: Tuning) -> dict[str, set[str]]:
        """Terms that name a topic: from the topic's name, found almost only in its intents, and
        used in the questions of a fair share of them. A topic called "kb" after its file name is
        not named by the one answer that mentions kilobytes."""
        by_topic: dict[str, set[str]] = {}
        # Per term, how many of its holders (and of the intents whose phrasings use it) each topic
        # has: counted once per term, not once per topic naming it (a medicine site's 6,500
        # topics share "hydroxide" or "acid", each held by thousands of intents).
        counted: dict[str, tuple[int, Counter, Counter]] = {}
        for topic, members in topics.items():
            names = set(analyzer.terms(topic))
            distinctive = set()
            for term in names:
                if term not in counted:
                    holders = self.intent_postings.get(term, Postings()).intents   # intents whose texts hold it
                    asked = {self.phrasing_intent[p] for p in self.phrasing_postings.get(term, ())}
                    counted[term] = (len(holders), Counter(self.intents[i].topic for i in holders),
                                     Counter(self.intents[i].topic for i in asked))
                holding, inside, asked_inside = counted[term]
                if (holding and inside[topic] / holding >= tuning.topic_share
                        and asked_inside[topic] >= tuning.topic_naming_share * len(members)):
                    distinctive.add(term)
            by_topic[topic] = distinctive
        return by_topic

    def holds(self, term: str, intent_index: int) -> bool:
        """Whether the intent's phrasings or answer contain the term."""
        postings = self.intent_postings.get(term)
        return postings is not None and postings.holds(intent_index)
