"""Rank intents for a question, with a 0-100 score calibrated so one threshold separates answers
from questions we cannot answer.

Why not one fuzzy ratio over canonical questions: every question names the same drug, so the
candidates tie. Instead each query term is weighted by how well it tells intents apart (IDF; a term
no intent knows weighs most, so "metformin" drags the score down), and an intent scores by
- the best of its phrasings (canonical question and examples): an F-measure of how much of the
  question the phrasing covers and how much of the phrasing the question covers;
- how much of the question the intent covers anywhere: full credit for a term in a phrasing,
  partial credit for a term only in the answer text;
- a character-level similarity (rapidfuzz) between the question and the best phrasing, which
  rewards word order and catches what stemming misses.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from .analysis import Analysis, Analyzer, stem
from .intents import Intent, IntentSet
from .text import LIGHT_WORDS

ANSWER_CREDIT = 0.6       # a query term found only in an answer of average length counts this much
ANSWER_LENGTH_POWER = 0.25  # longer answers give less credit per term: (average / length) ** power
COVERAGE_WEIGHT = 0.55
BEST_PHRASING_WEIGHT = 0.33
CHARACTER_WEIGHT = 0.12
RECALL_BETA = 1.6         # the question's coverage matters more than the phrasing's
EVIDENCE_SHARE = 0.7      # a question needs this share of one rare term's weight for full confidence
LIGHT_WORD_FACTOR = 0.5   # weight of common English words (text.LIGHT_WORDS) relative to their IDF
OFF_TOPIC_FACTOR = 0.7    # "valproate neurotransmitters" names valproate: other topics' intents count less
TOPIC_SHARE = 0.8         # a topic term must sit in at least this share of its topic's intents' texts
CHARACTER_CANDIDATES = 12


@dataclass
class Candidate:
    intent: Intent
    score: float                      # 0-100
    phrasing: str                     # the phrasing that matched best
    matched_terms: list[str] = field(default_factory=list)


@dataclass
class MatchResult:
    analysis: Analysis
    candidates: list[Candidate]
    unknown_terms: list[str]
    topics: set[str]                  # topics the question names


_NAME = re.compile(r"(?<![.!?:]\s)(?<!^)\b([A-Z][a-z]+|[A-Z]{2,}[a-z]*)\b")


def _proper_names(text: str) -> list[str]:
    """Capitalised words not starting a sentence, and acronyms: "Smith", "Lee", "NMDA"."""
    names = []
    for line in text.splitlines():
        names += _NAME.findall(line.lstrip("- "))
    return names


class Matcher:
    """An index over an IntentSet; ``match`` ranks intents for one question."""

    def __init__(self, intent_set: IntentSet, analyzer: Analyzer):
        self.intent_set = intent_set
        self.analyzer = analyzer
        self.intents = intent_set.intents
        self._phrasing_text: list[str] = []
        self._phrasing_terms: list[frozenset[str]] = []
        self._phrasing_intent: list[int] = []
        self._phrasing_source_text: list[str] = []   # the phrasing as written, for explanations
        utterance_terms: list[set[str]] = []
        answer_terms: list[set[str]] = []
        for index, intent in enumerate(self.intents):
            terms_here: set[str] = set()
            for text in [intent.question, *intent.examples]:
                terms = frozenset(analyzer.terms(text))
                if not terms:
                    continue
                self._phrasing_text.append(" ".join(sorted(terms)))
                self._phrasing_terms.append(terms)
                self._phrasing_intent.append(index)
                self._phrasing_source_text.append(text)
                terms_here |= terms
            utterance_terms.append(terms_here)
            section = intent.source.section if intent.source else ""
            answer_terms.append(set(analyzer.terms(intent.answer + " " + section)) - terms_here)
        count = len(self.intents)
        document_frequency: dict[str, int] = defaultdict(int)
        for index in range(count):
            for term in utterance_terms[index] | answer_terms[index]:
                document_frequency[term] += 1
        light = self._light = {stem(w) for w in LIGHT_WORDS}
        self._idf = {t: math.log(1 + count / df) * (LIGHT_WORD_FACTOR if t in light else 1.0)
                     for t, df in document_frequency.items()}
        self._unknown_idf = math.log(1 + count / 0.5) if count else 1.0
        # One term found in a single intent carries math.log(1 + count); a question saying less than
        # a share of that ("seizures", "valproate") cannot pick one intent with full confidence.
        self._evidence_needed = EVIDENCE_SHARE * math.log(1 + count) if count else 1.0
        self._phrasing_postings: dict[str, list[int]] = defaultdict(list)
        for position, terms in enumerate(self._phrasing_terms):
            for term in terms:
                self._phrasing_postings[term].append(position)
        self._phrasing_weight = [sum(self._idf[t] for t in terms) for terms in self._phrasing_terms]
        self._intent_postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        lengths = [max(1, len(a)) for a in answer_terms]
        average = sum(lengths) / len(lengths) if lengths else 1.0
        for index in range(count):
            for term in utterance_terms[index]:
                self._intent_postings[term].append((index, 1.0))
            credit = ANSWER_CREDIT * min(1.0, (average / lengths[index]) ** ANSWER_LENGTH_POWER)
            names = set(analyzer.terms(" ".join(_proper_names(self.intents[index].answer))))
            for term in answer_terms[index]:
                # A name (Smith, NMDA) found in one intent's answer only pinpoints that intent.
                if term in names and document_frequency[term] == 1:
                    self._intent_postings[term].append((index, 1.0))
                else:
                    self._intent_postings[term].append((index, credit))
        self.topic_terms = self._topic_terms(utterance_terms, answer_terms)
        self._intent_terms = [u | a for u, a in zip(utterance_terms, answer_terms)]  # for matched_terms
        # Every term of every topic's name ("magnesium" too, though two topics share it).
        self.subject_terms = {t for topic in self.intent_set.topics() for t in analyzer.terms(topic)}

    def _topic_terms(self, utterance_terms, answer_terms) -> dict[str, set[str]]:
        """Terms that name a topic: from the topic's name, and found almost only in its intents."""
        by_topic: dict[str, set[str]] = {}
        topics = self.intent_set.topics()
        for topic, members in topics.items():
            names = set(self.analyzer.terms(topic))
            distinctive = set()
            for term in names:
                holders = [i for i, intent in enumerate(self.intents)
                           if term in utterance_terms[i] or term in answer_terms[i]]
                inside = sum(1 for i in holders if self.intents[i].topic == topic)
                if holders and inside / len(holders) >= TOPIC_SHARE:
                    distinctive.add(term)
            by_topic[topic] = distinctive
        return by_topic

    def knows(self, term: str) -> bool:
        """Whether any intent's phrasings or answer contain the term."""
        return term in self._idf

    def is_light(self, term: str) -> bool:
        """A common English word (text.LIGHT_WORDS), weighed at half its IDF."""
        return term in self._light

    def idf(self, term: str) -> float:
        if term in self._idf:
            return self._idf[term]
        return self._unknown_idf * (LIGHT_WORD_FACTOR if term in self._light else 1.0)

    def match(self, question: str, boost_topic: str | None = None, limit: int = 5,
              topic_only: str | None = None) -> MatchResult:
        """Rank intents for a question. ``boost_topic`` is the conversation's topic, used when the
        question names no topic of its own ("is it addictive?"); ``topic_only`` keeps one topic's
        intents."""
        analysis = self.analyzer.analyse(question, correct=True)
        terms = list(dict.fromkeys(analysis.terms))
        named_topics = {topic for topic, names in self.topic_terms.items() if names & set(terms)}
        unknown = [t for t in terms if t not in self._idf]
        if boost_topic and not named_topics and boost_topic in self.topic_terms:
            # A follow-up: read it as if it named the conversation's topic.
            terms += [t for t in sorted(self.topic_terms[boost_topic]) if t not in terms]
        weights = {t: self.idf(t) for t in terms}
        total = sum(weights.values())
        if not terms or total <= 0:
            return MatchResult(analysis, [], unknown, named_topics)
        matched = defaultdict(float)
        for term, weight in weights.items():
            for position in self._phrasing_postings.get(term, ()):
                matched[position] += weight
        best: dict[int, tuple[float, int]] = {}
        beta2 = RECALL_BETA ** 2
        for position, overlap in matched.items():
            recall = overlap / total
            precision = overlap / self._phrasing_weight[position]
            f_score = (1 + beta2) * precision * recall / (beta2 * precision + recall)
            intent_index = self._phrasing_intent[position]
            if intent_index not in best or f_score > best[intent_index][0]:
                best[intent_index] = (f_score, position)
        coverage = defaultdict(float)
        for term, weight in weights.items():
            for intent_index, credit in self._intent_postings.get(term, ()):
                coverage[intent_index] += weight * credit
        query_text = " ".join(sorted(terms))
        evidence = min(1.0, total / self._evidence_needed)
        scored = []
        for intent_index, covered in coverage.items():
            topic = self.intents[intent_index].topic
            if topic_only is not None and topic != topic_only:
                continue
            f_score, position = best.get(intent_index, (0.0, -1))
            if len(named_topics) == 1 and topic not in named_topics:
                covered, f_score = covered * OFF_TOPIC_FACTOR, f_score * OFF_TOPIC_FACTOR
            lexical = BEST_PHRASING_WEIGHT * f_score + COVERAGE_WEIGHT * covered / total
            scored.append([lexical, intent_index, position])
        scored.sort(key=lambda row: -row[0])
        candidates = []
        for lexical, intent_index, position in scored[:CHARACTER_CANDIDATES]:
            character = fuzz.token_sort_ratio(query_text, self._phrasing_text[position]) / 100 if position >= 0 else 0.0
            # A question that is exactly the intent's canonical question needs no more evidence.
            exact = (position >= 0 and self._phrasing_text[position] == query_text
                     and self._phrasing_source_text[position] == self.intents[intent_index].question)
            score = 100 * (1.0 if exact else evidence) * (
                lexical + CHARACTER_WEIGHT * character * min(1.0, lexical / (1 - CHARACTER_WEIGHT)))
            intent = self.intents[intent_index]
            phrasing_terms = self._phrasing_terms[position] if position >= 0 else frozenset()
            intent_terms = self._intent_terms[intent_index]
            matched_terms = [t for t in terms if t in phrasing_terms or t in intent_terms]
            phrasing = self._phrasing_source(intent, position)
            candidates.append(Candidate(intent, round(min(score, 100.0), 1), phrasing, matched_terms))
        candidates.sort(key=lambda c: (-c.score, c.intent.id))
        return MatchResult(analysis, candidates[:limit], unknown, named_topics)

    def _phrasing_source(self, intent: Intent, position: int) -> str:
        """The phrasing as written (kept at index time: re-analysing per candidate cost most of a match)."""
        return self._phrasing_source_text[position] if position >= 0 else "(answer text)"
