"""Rank intents for a question, with a 0-100 score calibrated so one threshold separates answers
from questions we cannot answer.

Why not one fuzzy ratio over canonical questions: every question names the same drug, so the
candidates tie. Instead each query term is weighted by how well it tells intents apart (IDF; a term
no intent knows weighs most, so "metformin" drags the score down), and an intent scores by
- the best of its phrasings (canonical question and examples): an F-measure of how much of the
  question the phrasing covers and how much of the phrasing the question covers;
- how much of the question the intent covers anywhere: full credit for a term in a phrasing,
  partial credit for a term only in the answer text;
- a character-level similarity (rapidfuzz) between the question's sorted terms and the best
  phrasing's, which catches what stemming misses (it ignores word order).
The formula, with every weight, is written out in ``tuning``; its functions are in ``scoring``,
the index it reads in ``index``.
"""

from __future__ import annotations

import bisect
import heapq
import math
from collections import defaultdict
from dataclasses import dataclass, field

from rapidfuzz import fuzz
from rapidfuzz.distance import Indel

from ..content.intents import Intent, IntentSet
from ..language.analyzer import Analysis, Analyzer
from ..language.normalise import normalize, tokenize
from ..language.query import Query
from ..language.question import relation
from . import scoring
from .index import Index, Postings
from .tuning import DEFAULT, Tuning


SMALL_POSTINGS = 64   # a term held by this many intents or fewer is looked up in a set of them


@dataclass
class Candidate:
    intent: Intent
    score: float                      # 0-100
    phrasing: str                     # the phrasing that matched best
    matched_terms: list[str] = field(default_factory=list)
    reversed_relation: bool = False   # the intent asks the question's cause and effect the other way round


@dataclass
class MatchResult:
    analysis: Analysis
    candidates: list[Candidate]
    unknown_terms: list[str]
    topics: set[str]                  # topics the question names
    everyday_unknown: set[str] = field(default_factory=set)   # unknown terms that are everyday words ("son")
    # For each topic asked for (``readings_of``): its best intent, as if only that topic existed.
    readings: dict[str, Candidate] = field(default_factory=dict)
    weights: dict[str, float] = field(default_factory=dict)   # each question term's weight in the score
    context_terms: frozenset[str] = frozenset()                # terms only the message's context uses


class Matcher:
    """An index over an IntentSet; ``match`` ranks intents for one question."""

    def __init__(self, intent_set: IntentSet, analyzer: Analyzer, tuning: Tuning = DEFAULT,
                 index: Index | None = None):
        """``index``, when given, must be built from the same intents, analyzer and tuning (a
        Matcher differing only in how it ranks, e.g. its pruning, can share one)."""
        self.intent_set = intent_set
        self.analyzer = analyzer
        self.tuning = tuning
        self.intents = intent_set.intents
        self.index = index if index is not None else Index(intent_set, analyzer, tuning)
        self.topic_terms = self.index.topic_terms     # topic -> the terms that name it
        self.name_terms = self.index.name_terms       # names (Smith, NMDA) that pinpoint one intent
        self._relation_memo: dict[int, tuple[set[str], set[str]]] = {}

    def knows(self, term: str) -> bool:
        """Whether any intent's phrasings or answer contain the term."""
        return term in self.index.idf

    def is_light(self, term: str) -> bool:
        """A common English word (language.words.LIGHT_WORDS), weighed at light_word_factor of its IDF."""
        return term in self.index.light

    def idf(self, term: str) -> float:
        if term in self.index.idf:
            return self.index.idf[term]
        return self.index.unknown_idf * (self.tuning.light_word_factor if term in self.index.light else 1.0)

    def match(self, question: str | Query, boost_topic: str | None = None, limit: int = 5,
              topic_only: str | None = None, readings_of: tuple[str, ...] | list[str] = (),
              within: list[int] | None = None, subject_terms: list[str] = ()) -> MatchResult:
        """Rank intents for a question. ``boost_topic`` is the conversation's topic, used when the
        question names no topic of its own ("is it addictive?"); ``topic_only`` keeps one topic's
        intents. ``readings_of``: topics whose best intent to report too (``MatchResult.readings``),
        each exactly as ``match(question, limit=1, topic_only=topic)`` would rank it (with the
        same ``boost_topic``), taken from this one ranking whenever it scored every intent.
        ``within``: intent indices (ascending), the only ones ranked: the documents a question's
        medicine names (matching/entities.py); their cost is theirs alone, whatever the folder's size.
        ``subject_terms``: the conversation's subject as terms; a question naming no topic gets
        their weight as evidence (it is about that subject), not as words to match, since the
        phrasing that fits a follow-up ("what should I do if I miss a dose?") may not name it."""
        query = question if isinstance(question, Query) else Query(question, self.analyzer)
        analysis = query.analysis
        tuning = self.tuning
        idf = self.index.idf
        terms = list(dict.fromkeys(analysis.terms))
        named_topics = {topic for term in terms for topic in self.index.topics_naming.get(term, ())}
        unknown = [t for t in terms if t not in idf]
        # "at work", "for 15 years": an everyday word or a number no intent knows is likelier the
        # patient's context than the subject, and weighs as a common word; a rarer word
        # ("metformin") weighs fully, and so does the activity a permission question asks about
        # ("is it safe to drive on it": "drive" is the question).
        frequencies = analysis.frequencies
        everyday = {t for t in unknown
                    if ((t in frequencies and frequencies[t] >= tuning.common_zipf) or t.isdigit())
                    and t not in self.index.light}
        if everyday:
            everyday -= query.permission_terms
        if boost_topic and not named_topics and boost_topic in self.topic_terms:
            # A follow-up: read it as if it named the conversation's topic.
            terms += [t for t in sorted(self.topic_terms[boost_topic]) if t not in terms]
        context = query.context_terms
        reasons = query.reason_terms
        weights = {t: self.idf(t) * (tuning.light_word_factor if t in everyday else 1.0)
                   * (tuning.context_factor if t in context and (t not in idf or t in self.index.light) else 1.0)
                   * (tuning.reason_factor if t in reasons else 1.0)
                   for t in terms}
        total = sum(weights.values())
        if not terms or total <= 0:
            return MatchResult(analysis, [], unknown, named_topics, everyday, weights=weights, context_terms=context)
        query_text = " ".join(sorted(terms))
        implied = sum(self.idf(t) for t in dict.fromkeys(subject_terms) if t not in weights) if not named_topics else 0.0
        evidence = min(1.0, (total + implied) / self.index.evidence_needed)
        off_topic = (lambda topic: topic not in named_topics) if len(named_topics) == 1 else (lambda topic: False)
        if within is not None:
            scored, complete = self._ranked_within(within, weights, total, off_topic), False
        else:
            scored, complete = self._rows(weights, total, off_topic, topic_only)
        scoring_of = _Scoring(terms, query_text, evidence, query.relation, self.index, " ".join(query.tokens))
        candidates = self._candidates(scored, scoring_of, limit)
        readings = {}
        for topic in readings_of:
            if complete and topic_only is None:
                rows = [row for row in scored if self.intents[row[1]].topic == topic]
            else:
                rows, _ = self._rows(weights, total, off_topic, topic)
            best = self._candidates(rows, scoring_of, 1)
            if best:
                readings[topic] = best[0]
        return MatchResult(analysis, candidates, unknown, named_topics, everyday, readings, weights, context)

    def _rows(self, weights, total, off_topic, topic_only) -> tuple[list[list], bool]:
        """Rows [lexical, intent, best phrasing or -1], best first, and whether they are every
        covered intent's (False when pruning kept only the first rows)."""
        if sum(len(self.index.intent_postings.get(t, ())) for t in weights) > self.tuning.prune_above:
            scored = self._ranked_pruned(weights, total, off_topic, topic_only)
            if scored is not None:
                return scored, False
        return self._ranked(weights, total, off_topic, topic_only)

    def _candidates(self, scored: list[list], question: "_Scoring", limit: int) -> list[Candidate]:
        """The first character_candidates rows scored in full, best first (ties by the question's
        frame, then intent id: _order_tie_by_frame); an intent asking the reverse of the question's
        cause and effect scores less. Only the first ``limit`` become Candidates (their terms and
        phrasing looked up): the rest only rank."""
        index, tuning, intents = self.index, self.tuning, self.intents
        phrasing_text, split_alike, source_text = index.phrasing_text, index.phrasing_split_alike, index.phrasing_source_text
        query_text, evidence, asked_relation = question.text, question.evidence, question.relation
        known = question.rows
        ranked = []
        for row in scored[:tuning.character_candidates]:
            lexical, intent_index, position = row
            key = (lexical, intent_index, position)
            found = known.get(key)
            if found is None:
                intent = intents[intent_index]
                if position >= 0:
                    text = phrasing_text[position]
                    if question.sorted and split_alike[position]:
                        character = fuzz.ratio(query_text, text) / 100
                    else:
                        character = fuzz.token_sort_ratio(query_text, text) / 100
                    # A question that is exactly the intent's canonical question needs no more evidence.
                    exact = text == query_text and source_text[position] == intent.question
                else:
                    character, exact = 0.0, False
                score = scoring.final_score(lexical, character, 1.0 if exact else evidence, tuning)
                reverse = asked_relation is not None and self._reverses(intent_index, asked_relation)
                if reverse:
                    score *= tuning.reversed_relation_factor
                # A row met again in a topic's reading scores the same.
                found = known[key] = (round(min(score, 100.0), 1), intent.id, intent_index, position, reverse)
            ranked.append(found)
        ranked.sort(key=lambda r: (-r[0], r[1]))
        _order_tie_by_frame(ranked, question.words, self._phrasing_source)
        return [self._candidate(score, intent_index, position, reverse, question)
                for score, _id, intent_index, position, reverse in ranked[:limit]]

    def _candidate(self, score: float, intent_index: int, position: int, reverse: bool,
                   question: "_Scoring") -> Candidate:
        these_terms = self.index.phrasing_terms[position] if position >= 0 else frozenset()
        matched_terms = [t for t, holders in question.holders if t in these_terms or intent_index in holders]
        return Candidate(self.intents[intent_index], score, self._phrasing_source(position), matched_terms, reverse)

    def _reverses(self, intent_index: int, asked: tuple[frozenset[str], frozenset[str]]) -> bool:
        """Whether the intent fails the question's cause and effect: its phrasings put the
        question's effect on the cause side (or its cause on the effect side) and never the way
        the question does, or the question asks for one side ("what causes X") and no phrasing
        of the intent asks about X as an effect. (The reverse, "what can X lead to", is left to
        the words: an answer listing consequences rarely phrases them as a question.)"""
        cause, effect = asked
        intent_cause, intent_effect = self._relation_sides(intent_index)
        if not cause and effect:
            return not effect & intent_effect
        return bool((effect & intent_cause and not effect & intent_effect)
                    or (cause & intent_effect and not cause & intent_cause))

    def _relation_sides(self, intent_index: int) -> tuple[set[str], set[str]]:
        """The intent's cause and effect terms over its phrasings that ask a cause and effect,
        read when first needed (a folder of 50,000 intents never reads most of them)."""
        sides = self._relation_memo.get(intent_index)
        if sides is None:
            cause, effect = set(), set()
            intent = self.intents[intent_index]
            for phrasing in (intent.question, *intent.examples):
                found = relation(normalize(phrasing))
                if found is not None:
                    cause.update(self.analyzer.terms(" ".join(found.cause)))
                    effect.update(self.analyzer.terms(" ".join(found.effect)))
            sides = self._relation_memo[intent_index] = (cause, effect)
        return sides

    def _f_score(self, overlap: float, total: float, phrasing_weight: float) -> float:
        return scoring.f_score(overlap, total, phrasing_weight, self.tuning)

    def _lexical(self, f_score: float, covered: float, total: float, off_topic: bool) -> float:
        return scoring.lexical(f_score, covered, total, off_topic, self.tuning)

    def _lexical_cap(self, covered: float, total: float) -> float:
        return scoring.lexical_cap(covered, total, self.tuning)

    def _ranked(self, weights, total, off_topic, topic_only) -> tuple[list[list], bool]:
        """Rows [lexical, intent, best phrasing or -1] of the intents holding a question term,
        best first; ties keep the order intents were first met in (``coverage``'s order). With
        more than prune_above intents only the first rows are scored (see ``_rows_until_cut``):
        the second value says whether the rows are complete."""
        terms = list(weights)
        index = self.index
        # Plain dicts and bound methods: these loops run for every posting and phrasing the
        # question meets (a defaultdict's += and a tuple per phrasing were most of a reply).
        # The sums are the same additions in the same order, from 0.0.
        coverage: dict[int, float] = {}
        coverage_get = coverage.get
        intent_postings = index.intent_postings
        for term, weight in weights.items():
            postings = intent_postings.get(term)
            if postings is not None:
                for intent_index, credit in zip(postings.intents, postings.credits):
                    coverage[intent_index] = coverage_get(intent_index, 0.0) + weight * credit
        if len(coverage) > self.tuning.prune_above:
            rows, _ = self._rows_until_cut(coverage, terms, weights, total, off_topic, topic_only, -math.inf)
            return self._in_ranked_order(rows, terms), False
        matched: dict[int, float] = {}
        phrasing_postings = index.phrasing_postings
        for term, weight in weights.items():
            positions = phrasing_postings.get(term)
            if positions is None:
                continue
            if not matched:
                matched = dict.fromkeys(positions, weight)    # 0.0 + weight is weight: the same sums
                matched_get = matched.get
                continue
            for position in positions:
                matched[position] = matched_get(position, 0.0) + weight
        best_f: dict[int, float] = {}
        best_position: dict[int, int] = {}
        best_get = best_f.get
        phrasing_weight, phrasing_intent = index.phrasing_weight, index.phrasing_intent
        # scoring.f_score, written out for speed (it runs for every phrasing the question meets),
        # with the same operations in the same order, so the same bits.
        beta2 = self.tuning.recall_beta ** 2
        scale = 1 + beta2
        for position, overlap in matched.items():
            recall = overlap / total
            precision = overlap / phrasing_weight[position]
            f_score = scale * precision * recall / (beta2 * precision + recall)
            intent_index = phrasing_intent[position]
            held = best_get(intent_index)
            if held is None or f_score > held:
                best_f[intent_index] = f_score
                best_position[intent_index] = position
        scored = []
        lexical, intents = scoring.lexical_measure(self.tuning), self.intents
        position_get = best_position.get
        for intent_index, covered in coverage.items():
            topic = intents[intent_index].topic
            if topic_only is not None and topic != topic_only:
                continue
            scored.append([lexical(best_get(intent_index, 0.0), covered, total, off_topic(topic)), intent_index,
                           position_get(intent_index, -1)])
        scored.sort(key=lambda row: -row[0])
        return scored, True

    def _ranked_pruned(self, weights, total, off_topic, topic_only) -> list[list] | None:
        """The first rows of ``_ranked`` (at least character_candidates, or all), reading only the
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
        postings = [self.index.intent_postings.get(t) or Postings() for t in terms]
        by_length = sorted(range(len(terms)), key=lambda k: len(postings[k]))
        coverage: dict[int, float] = {}
        for budget in (self.tuning.prune_budget, 4 * self.tuning.prune_budget):
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
        (capped at ``outside_cap``), can beat the character_candidates-th best row: (rows, proved).

        Exact because a phrasing's terms are the intent's own, each counted at utterance_credit in
        its coverage: its overlap is at most ``covered / utterance_credit``, its F-measure at most
        that of a phrasing of exactly those terms (precision 1), and ``_lexical`` grows with
        both, so ``_lexical_cap(covered)`` bounds every intent with that coverage or less. Rows
        are computed by the same functions from the same sums, in the same term order, as the
        full ranking (tests/unit/test_matcher_pruning.py compares the two)."""
        rows: list[list] = []
        kept: list[float] = []                   # a min-heap of the best rows' lexical scores
        for intent_index in sorted(coverage, key=coverage.__getitem__, reverse=True):
            covered = coverage[intent_index]
            if len(kept) >= self.tuning.character_candidates and max(self._lexical_cap(covered, total), outside_cap) < kept[0]:
                return rows, True
            topic = self.intents[intent_index].topic
            if topic_only is not None and topic != topic_only:
                continue
            f_score, position = self._best_phrasing(intent_index, terms, weights, total)
            lexical = self._lexical(f_score, covered, total, off_topic(topic))
            rows.append([lexical, intent_index, position])
            heapq.heappush(kept, lexical)
            if len(kept) > self.tuning.character_candidates:
                heapq.heappop(kept)
        return rows, outside_cap == -math.inf or (len(kept) >= self.tuning.character_candidates and outside_cap < kept[0])

    def _ranked_within(self, within: list[int], weights, total, off_topic) -> list[list]:
        """``_ranked``'s rows for the given intents only, computed by the same functions from
        the same sums: a bisection per question term and intent instead of whole postings."""
        terms = list(weights)
        postings = [self.index.intent_postings.get(t) or Postings() for t in terms]
        rows = []
        for intent_index in within:
            covered = self._coverage(intent_index, terms, weights, postings)
            if covered <= 0:
                continue
            f_score, position = self._best_phrasing(intent_index, terms, weights, total)
            topic = self.intents[intent_index].topic
            rows.append([self._lexical(f_score, covered, total, off_topic(topic)), intent_index, position])
        return self._in_ranked_order(rows, terms)

    def _in_ranked_order(self, rows: list[list], terms) -> list[list]:
        """Rows in ``_ranked``'s order: by lexical, then by when coverage first met the intent (at
        the first question term whose postings hold it, in intent order within a term)."""
        rows.sort(key=lambda row: (-row[0], self._first_term(row[1], terms), row[1]))
        return rows

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
        start = bisect.bisect_left(self.index.phrasing_intent, intent_index)
        end = bisect.bisect_right(self.index.phrasing_intent, intent_index, lo=start)
        for position in range(start, end):
            phrasing_terms = self.index.phrasing_terms[position]
            overlap, first = 0.0, None
            for k, term in enumerate(terms):
                if term in phrasing_terms:
                    overlap += weights[term]
                    first = k if first is None else first
            if first is None:
                continue
            f_score = self._f_score(overlap, total, self.index.phrasing_weight[position])
            key = (first, position)
            if best_key is None or f_score > best[0] or (f_score == best[0] and key < best_key):
                best, best_key = (f_score, position), key
        return best

    def _first_term(self, intent_index: int, terms) -> int:
        """Index of the first question term whose intent postings hold the intent."""
        return next((k for k, term in enumerate(terms) if self.index.holds(term, intent_index)), len(terms))

    def _phrasing_source(self, position: int) -> str:
        """The phrasing as written (kept at index time: re-analysing per candidate cost most of a match)."""
        return self.index.phrasing_source_text[position] if position >= 0 else "(answer text)"


class _Scoring:
    """What scoring a candidate reads of one question, the same for every row it scores."""

    __slots__ = ("terms", "text", "evidence", "relation", "sorted", "holders", "rows", "words")

    def __init__(self, terms: list[str], text: str, evidence: float, relation, index: Index, words: str):
        self.terms, self.text, self.evidence, self.relation = terms, text, evidence, relation
        self.words = words      # the question's words, function words included (ties: its frame)
        # The character term compares sorted terms joined by spaces. When no term holds a space
        # (a text splits into as many words as it has terms: nearly always), token_sort_ratio
        # would split and sort each side back into the same string, so a plain ratio is the same.
        self.sorted = len(text.split()) == len(terms)
        # Which intents hold each term, as a set when that is small (a folder's few dozen intents).
        self.holders = [(t, _holders(index.intent_postings.get(t))) for t in terms]
        # A row met again in a topic's reading scores the same: scored once.
        self.rows: dict[tuple, tuple] = {}


def _order_tie_by_frame(ranked: list[tuple], words: str, phrasing_of) -> None:
    """Rows (score, intent id, intent, phrasing position, reversed) tied at the top, reordered by
    how closely the whole question, function words included, reads like each one's best phrasing
    (``phrasing_of(position)``). The terms leave out "what", "is", "for", which carry the
    question's frame: with only the subject's name to go on, "whats fluoxetine for" ties "what is
    fluoxetine for" with "what does fluoxetine do", and the frame tells them apart."""
    if len(ranked) < 2 or ranked[1][0] != ranked[0][0]:
        return
    top = ranked[0][0]
    tied = next((k for k, row in enumerate(ranked) if row[0] != top), len(ranked))
    # Indel similarity is fuzz.ratio / 100: the share of characters the two have in order.
    ranked[:tied] = sorted(ranked[:tied], key=lambda row: (
        -Indel.normalized_similarity(words, " ".join(tokenize(phrasing_of(row[3])))), row[1]))


def _holders(postings: Postings | None):
    """The intents of a term's postings, for ``in``: a set when there are few (cheaper to build
    than to search), else the postings themselves (a bisection each)."""
    if postings is None:
        return ()
    return set(postings.intents) if len(postings) <= SMALL_POSTINGS else postings
