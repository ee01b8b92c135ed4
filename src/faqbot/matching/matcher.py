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

import bisect
import heapq
import math
import re
from array import array
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from ..language.analyzer import Analysis, Analyzer, stem
from ..content.intents import Intent, IntentSet
from ..language.words import LIGHT_WORDS

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
TOPIC_NAMING_SHARE = 0.3  # ...and appear in the phrasings of at least this share of the topic's intents
CHARACTER_CANDIDATES = 12
UTTERANCE_CREDIT = 1.0    # a query term found in the intent's phrasings counts fully
PRUNE_ABOVE = 2000        # postings read, or intents touched, beyond which ranking prunes (same result, faster)
PRUNE_BUDGET = 1000       # postings of the rarest question terms that choose the candidates when pruning


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
    everyday_unknown: set[str] = field(default_factory=set)   # unknown terms that are everyday words ("son")


_NAME = re.compile(r"(?<![.!?:]\s)(?<!^)\b([A-Z][a-z]+|[A-Z]{2,}[a-z]*)\b")


def _proper_names(text: str) -> list[str]:
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
                self._phrasing_text.append(" ".join(sorted(terms)))
                self._phrasing_terms.append(terms)
                self._phrasing_intent.append(index)
                self._phrasing_source_text.append(text)
                terms_here |= terms
            utterance_terms.append(tuple(terms_here))
            section = intent.source.section if intent.source else ""
            answer_terms.append(tuple(set(analyzer.terms(intent.answer + " " + section, phrase_words=True)) - terms_here))
        count = len(self.intents)
        document_frequency: dict[str, int] = defaultdict(int)
        for index in range(count):
            for term in (*utterance_terms[index], *answer_terms[index]):   # disjoint
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
        # fsum: exact whatever the order, and a frozenset's order changes with PYTHONHASHSEED, so a
        # plain sum made ties (and suggestions) differ from one run, or worker process, to the next.
        self._phrasing_weight = [math.fsum(self._idf[t] for t in terms) for terms in self._phrasing_terms]
        self._intent_postings: dict[str, Postings] = defaultdict(Postings)
        lengths = [max(1, len(a)) for a in answer_terms]
        average = sum(lengths) / len(lengths) if lengths else 1.0
        self.name_terms: set[str] = set()   # names (Smith, NMDA) that pinpoint one intent
        for index in range(count):
            for term in utterance_terms[index]:
                self._intent_postings[term].append((index, UTTERANCE_CREDIT))
            credit = ANSWER_CREDIT * min(1.0, (average / lengths[index]) ** ANSWER_LENGTH_POWER)
            names = set(analyzer.terms(" ".join(_proper_names(self.intents[index].answer))))
            pinpoints = {t for t in names if document_frequency.get(t) == 1}
            self.name_terms |= pinpoints
            for term in answer_terms[index]:
                # A name (Smith, NMDA) found in one intent's answer only pinpoints that intent.
                if term in pinpoints:
                    self._intent_postings[term].append((index, 1.0))
                else:
                    self._intent_postings[term].append((index, credit))
        topics = self.intent_set.topics()
        # Keyed by topic, in the order the intents name them; the Bot reads its topic list here.
        self.topic_terms = self._topic_terms(topics)
        # Every term of every topic's name ("magnesium" too, though two topics share it).
        self.subject_terms = {t for topic in topics for t in analyzer.terms(topic)}
        # Which topics each term names: a question's topics found from its own terms, not by
        # visiting every topic (thousands on a medicine site).
        self._topics_naming: dict[str, list[str]] = defaultdict(list)
        for topic, names in self.topic_terms.items():
            for term in names:
                self._topics_naming[term].append(topic)

    def _topic_terms(self, topics: dict[str, list[Intent]]) -> dict[str, set[str]]:
        """Terms that name a topic: from the topic's name, found almost only in its intents, and
        used in the questions of a fair share of them. A topic called "kb" after its file name is
        not named by the one answer that mentions kilobytes."""
        by_topic: dict[str, set[str]] = {}
        # Per term, how many of its holders (and of the intents whose phrasings use it) each topic
        # has: counted once per term, not once per topic naming it (a site's 6,500 topics share
        # "hydroxide" and "acid", each held by thousands of intents).
        counted: dict[str, tuple[int, Counter, Counter]] = {}
        for topic, members in topics.items():
            names = set(self.analyzer.terms(topic))
            distinctive = set()
            for term in names:
                if term not in counted:
                    holders = self._intent_postings.get(term, Postings()).intents   # intents whose texts hold it
                    asked = {self._phrasing_intent[p] for p in self._phrasing_postings.get(term, ())}
                    counted[term] = (len(holders), Counter(self.intents[i].topic for i in holders),
                                     Counter(self.intents[i].topic for i in asked))
                holding, inside, asked_inside = counted[term]
                if (holding and inside[topic] / holding >= TOPIC_SHARE
                        and asked_inside[topic] >= TOPIC_NAMING_SHARE * len(members)):
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
        named_topics = {topic for term in terms for topic in self._topics_naming.get(term, ())}
        unknown = [t for t in terms if t not in self._idf]
        # "at work", "for 15 years": an everyday word or a number no intent knows is likelier the
        # patient's context than the subject, and weighs as a common word; a rarer word
        # ("metformin") weighs fully.
        everyday = {t for t in unknown if (t in analysis.everyday_terms or t.isdigit()) and t not in self._light}
        if boost_topic and not named_topics and boost_topic in self.topic_terms:
            # A follow-up: read it as if it named the conversation's topic.
            terms += [t for t in sorted(self.topic_terms[boost_topic]) if t not in terms]
        weights = {t: self.idf(t) * (LIGHT_WORD_FACTOR if t in everyday else 1.0) for t in terms}
        total = sum(weights.values())
        if not terms or total <= 0:
            return MatchResult(analysis, [], unknown, named_topics, everyday)
        query_text = " ".join(sorted(terms))
        evidence = min(1.0, total / self._evidence_needed)
        off_topic = (lambda topic: topic not in named_topics) if len(named_topics) == 1 else (lambda topic: False)
        scored = None
        if sum(len(self._intent_postings.get(t, ())) for t in weights) > PRUNE_ABOVE:
            scored = self._ranked_pruned(weights, total, off_topic, topic_only)
        if scored is None:
            scored = self._ranked(weights, total, off_topic, topic_only)
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
            matched_terms = [t for t in terms if t in phrasing_terms or self._holds(t, intent_index)]
            phrasing = self._phrasing_source(intent, position)
            candidates.append(Candidate(intent, round(min(score, 100.0), 1), phrasing, matched_terms))
        candidates.sort(key=lambda c: (-c.score, c.intent.id))
        return MatchResult(analysis, candidates[:limit], unknown, named_topics, everyday)

    @staticmethod
    def _f_score(overlap: float, total: float, phrasing_weight: float) -> float:
        """How well one phrasing fits: F-measure of the question's share it covers (recall) and
        its own share the question covers (precision), recall weighted by RECALL_BETA.
        Grows with ``overlap`` and shrinks with ``phrasing_weight`` (``_ranked_pruned`` relies on it)."""
        beta2 = RECALL_BETA ** 2
        recall = overlap / total
        precision = overlap / phrasing_weight
        return (1 + beta2) * precision * recall / (beta2 * precision + recall)

    def _lexical(self, f_score: float, covered: float, total: float, off_topic: bool) -> float:
        """An intent's word-level score from its best phrasing and its coverage of the question.

        Must not decrease when ``f_score`` or ``covered`` grows: ``_ranked_pruned`` relies on it."""
        if off_topic:
            covered, f_score = covered * OFF_TOPIC_FACTOR, f_score * OFF_TOPIC_FACTOR
        return BEST_PHRASING_WEIGHT * f_score + COVERAGE_WEIGHT * covered / total

    def _ranked(self, weights, total, off_topic, topic_only) -> list[list]:
        """Rows [lexical, intent, best phrasing or -1] of the intents holding a question term,
        best first; ties keep the order intents were first met in (``coverage``'s order). With
        more than PRUNE_ABOVE intents only the first rows are scored (see ``_rows_until_cut``)."""
        terms = list(weights)
        coverage = defaultdict(float)
        for term, weight in weights.items():
            for intent_index, credit in self._intent_postings.get(term, ()):
                coverage[intent_index] += weight * credit
        if len(coverage) > PRUNE_ABOVE:
            rows, _ = self._rows_until_cut(coverage, terms, weights, total, off_topic, topic_only, -math.inf)
            return self._in_ranked_order(rows, terms)
        matched = defaultdict(float)
        for term, weight in weights.items():
            for position in self._phrasing_postings.get(term, ()):
                matched[position] += weight
        best: dict[int, tuple[float, int]] = {}
        for position, overlap in matched.items():
            f_score = self._f_score(overlap, total, self._phrasing_weight[position])
            intent_index = self._phrasing_intent[position]
            if intent_index not in best or f_score > best[intent_index][0]:
                best[intent_index] = (f_score, position)
        scored = []
        for intent_index, covered in coverage.items():
            topic = self.intents[intent_index].topic
            if topic_only is not None and topic != topic_only:
                continue
            f_score, position = best.get(intent_index, (0.0, -1))
            scored.append([self._lexical(f_score, covered, total, off_topic(topic)), intent_index, position])
        scored.sort(key=lambda row: -row[0])
        return scored

    def _ranked_pruned(self, weights, total, off_topic, topic_only) -> list[list] | None:
        """The first rows of ``_ranked`` (at least CHARACTER_CANDIDATES, or all), reading only the
        postings of the question's rarer terms; None when that cannot be proved to give the
        same rows. With 50,000 intents a question's common words ("how", "covid") hold tens of
        thousands of postings each: summing them all was most of a match.

        Candidates are the intents holding a rare term (shortest postings first, up to a budget
        of postings, raised once if that proves nothing). An intent holding no rare term has
        coverage at most the other terms' weights times their largest credit, which caps its
        score (``_lexical_cap``); when ``_rows_until_cut`` stops below that cap too, nothing
        outside the candidates can enter the rows used.
        """
        terms = list(weights)
        postings = [self._intent_postings.get(t) or Postings() for t in terms]
        by_length = sorted(range(len(terms)), key=lambda k: len(postings[k]))
        coverage: dict[int, float] = {}
        for budget in (PRUNE_BUDGET, 4 * PRUNE_BUDGET):
            rare, spent = set(), 0
            for k in by_length:
                if rare and postings[k] and spent + len(postings[k]) > budget:
                    break
                rare.add(k)
                spent += len(postings[k])
            outside = 0.0                        # coverage cap of the intents holding no rare term
            for k in range(len(terms)):
                if k not in rare and postings[k]:
                    outside += weights[terms[k]] * max(postings[k].credits)
            for k in rare:
                for intent_index in postings[k].intents:
                    if intent_index not in coverage:
                        coverage[intent_index] = self._coverage(intent_index, terms, weights, postings)
            outside_cap = self._lexical_cap(outside, total) if outside else -math.inf
            rows, proved = self._rows_until_cut(coverage, terms, weights, total, off_topic, topic_only, outside_cap)
            if proved:
                return self._in_ranked_order(rows, terms)
        return None

    def _rows_until_cut(self, coverage, terms, weights, total, off_topic, topic_only, outside_cap):
        """Score intents by decreasing coverage until no intent left, nor any outside ``coverage``
        (capped at ``outside_cap``), can beat the CHARACTER_CANDIDATES-th best row: (rows, proved).

        Exact because a phrasing's terms are the intent's own, each counted at UTTERANCE_CREDIT in
        its coverage: its overlap is at most ``covered / UTTERANCE_CREDIT``, its F-measure at most
        that of a phrasing of exactly those terms (precision 1), and ``_lexical`` grows with
        both, so ``_lexical_cap(covered)`` bounds every intent with that coverage or less. Rows
        are computed by the same functions from the same sums, in the same term order, as the
        full ranking (tests/test_matcher_pruning.py compares the two)."""
        rows: list[list] = []
        kept: list[float] = []                   # a min-heap of the best rows' lexical scores
        for intent_index in sorted(coverage, key=coverage.__getitem__, reverse=True):
            covered = coverage[intent_index]
            if len(kept) >= CHARACTER_CANDIDATES and max(self._lexical_cap(covered, total), outside_cap) < kept[0]:
                return rows, True
            topic = self.intents[intent_index].topic
            if topic_only is not None and topic != topic_only:
                continue
            f_score, position = self._best_phrasing(intent_index, terms, weights, total)
            lexical = self._lexical(f_score, covered, total, off_topic(topic))
            rows.append([lexical, intent_index, position])
            heapq.heappush(kept, lexical)
            if len(kept) > CHARACTER_CANDIDATES:
                heapq.heappop(kept)
        return rows, outside_cap == -math.inf or (len(kept) >= CHARACTER_CANDIDATES and outside_cap < kept[0])

    def _in_ranked_order(self, rows: list[list], terms) -> list[list]:
        """Rows in ``_ranked``'s order: by lexical, then by when coverage first met the intent (at
        the first question term whose postings hold it, in intent order within a term)."""
        rows.sort(key=lambda row: (-row[0], self._first_term(row[1], terms), row[1]))
        return rows

    def _lexical_cap(self, covered: float, total: float) -> float:
        """The highest ``_lexical`` an intent with this coverage can have (see _ranked_pruned)."""
        overlap = min(covered / UTTERANCE_CREDIT, total)
        f_cap = self._f_score(overlap, total, overlap)
        return max(self._lexical(f_cap, covered, total, False), self._lexical(f_cap, covered, total, True))

    def _coverage(self, intent_index: int, terms, weights, postings) -> float:
        """The intent's coverage of the question, summed in the question's term order like ``_ranked``."""
        covered = 0.0
        for term, term_postings in zip(terms, postings):
            i = bisect.bisect_left(term_postings.intents, intent_index)
            if i < len(term_postings.intents) and term_postings.intents[i] == intent_index:
                covered += weights[term] * term_postings.credits[i]
        return covered

    def _best_phrasing(self, intent_index: int, terms, weights, total) -> tuple[float, int]:
        """(F-measure, position) of the intent's best phrasing as ``_ranked`` picks it: overlaps
        summed in the question's term order; on a tie, the phrasing met first (first question
        term it holds, then position)."""
        best = (0.0, -1)
        best_key = None
        start = bisect.bisect_left(self._phrasing_intent, intent_index)
        end = bisect.bisect_right(self._phrasing_intent, intent_index, lo=start)
        for position in range(start, end):
            phrasing_terms = self._phrasing_terms[position]
            overlap, first = 0.0, None
            for k, term in enumerate(terms):
                if term in phrasing_terms:
                    overlap += weights[term]
                    first = k if first is None else first
            if first is None:
                continue
            f_score = self._f_score(overlap, total, self._phrasing_weight[position])
            key = (first, position)
            if best_key is None or f_score > best[0] or (f_score == best[0] and key < best_key):
                best, best_key = (f_score, position), key
        return best

    def _first_term(self, intent_index: int, terms) -> int:
        """Index of the first question term whose intent postings hold the intent."""
        return next((k for k, term in enumerate(terms) if self._holds(term, intent_index)), len(terms))

    def _holds(self, term: str, intent_index: int) -> bool:
        """Whether the intent's phrasings or answer contain the term."""
        postings = self._intent_postings.get(term)
        return postings is not None and postings.holds(intent_index)

    def _phrasing_source(self, intent: Intent, position: int) -> str:
        """The phrasing as written (kept at index time: re-analysing per candidate cost most of a match)."""
        return self._phrasing_source_text[position] if position >= 0 else "(answer text)"
