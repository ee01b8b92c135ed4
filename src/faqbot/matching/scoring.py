"""The score's pure functions (the formula is written out in ``tuning``'s docstring).

Kept apart from the index so each term of the formula reads as one function, and so pruning can
state what it relies on: ``lexical`` never decreases when the F-measure or the coverage grows, and
``f_score`` grows with the overlap and shrinks with the phrasing's weight."""

from __future__ import annotations

from .tuning import Tuning


def f_score(overlap: float, total: float, phrasing_weight: float, tuning: Tuning) -> float:
    """How well one phrasing fits: F-measure of the question's share it covers (recall) and its
    own share the question covers (precision), recall weighted by ``recall_beta``. (Matcher._ranked
    writes it out, operation for operation, for speed.)"""
    beta2 = tuning.recall_beta ** 2
    recall = overlap / total
    precision = overlap / phrasing_weight
    return (1 + beta2) * precision * recall / (beta2 * precision + recall)


def lexical(f: float, covered: float, total: float, off_topic: bool, tuning: Tuning) -> float:
    """An intent's word-level score from its best phrasing's F-measure and its coverage of the
    question; ``off_topic`` when the question names one topic and the intent is of another."""
    return lexical_measure(tuning)(f, covered, total, off_topic)


def lexical_measure(tuning: Tuning):
    """``lexical`` with the tuning bound once (called for every intent a question reaches)."""
    factor, phrasing_part, coverage_part = tuning.off_topic_factor, tuning.best_phrasing_weight, tuning.coverage_weight

    def lexical_score(f: float, covered: float, total: float, off_topic: bool) -> float:
        if off_topic:
            covered, f = covered * factor, f * factor
        return phrasing_part * f + coverage_part * covered / total

    return lexical_score


def lexical_cap(covered: float, total: float, tuning: Tuning) -> float:
    """The highest ``lexical`` an intent with this coverage can have: its best phrasing overlaps
    the question by at most ``covered / utterance_credit`` and at best is made of exactly those
    terms (precision 1). An intent reached only through words credited at nothing (answer text,
    with answer_credit 0) shares no word with any phrasing: its F-measure is 0."""
    overlap = min(covered / tuning.utterance_credit, total)
    f_cap = f_score(overlap, total, overlap, tuning) if overlap > 0 else 0.0
    return max(lexical(f_cap, covered, total, False, tuning), lexical(f_cap, covered, total, True, tuning))


def final_score(lexical_score: float, character: float, evidence: float, tuning: Tuning) -> float:
    """0-100 before capping: the lexical score plus the character term, scaled by the evidence."""
    weight = tuning.character_weight
    return 100 * evidence * (lexical_score + weight * character * min(1.0, lexical_score / (1 - weight)))
