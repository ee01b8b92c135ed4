"""A question read once: the text as typed, normalised, tokenized, spelling-corrected, analysed.

Triage, the Bot's small-talk and option checks and the matcher all read the same Query, so a
question is normalised once and analysed once per reply, whatever path it takes. The correction
and the analysis are computed when first read: an emergency or a greeting never needs them.
"""

from __future__ import annotations

from collections import Counter

from .analyzer import Analysis, Analyzer
from .normalise import normalize, words_of_normalised
from .question import Relation, activity_words, context_words, reason_words, relation, strip_glue


class computed_once:
    """``functools.cached_property`` without its lock: Python 3.11's takes an RLock on every first
    read, a measurable share of a reply that reads four of them. A Query belongs to one reply in
    one thread. Computed on first read, then an ordinary attribute of the instance."""

    def __init__(self, compute):
        self.compute, self.name, self.__doc__ = compute, compute.__name__, compute.__doc__

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        value = instance.__dict__[self.name] = self.compute(instance)
        return value


class Query:
    def __init__(self, question, analyzer: Analyzer, max_chars: int | None = None):
        """``max_chars`` truncates the text read for matching (the question itself is kept)."""
        self.question: str = question if isinstance(question, str) else str(question)
        self.text: str = self.question.strip()[:max_chars] if max_chars is not None else self.question
        self.normalised: str = normalize(self.text)
        # What the matcher reads: the message without "ok so" before it or "thanks" after it.
        self.core: str = strip_glue(self.normalised)
        self.tokens: list[str] = words_of_normalised(self.core)
        self._analyzer = analyzer

    @computed_once
    def corrected(self) -> str | None:
        """The normalised text with misspelt words corrected ("having a sezure" -> "seizure"), or
        None when no word needed correcting; emergency triage reads it."""
        return self._analyzer.corrected_normalised(self.normalised)

    @computed_once
    def analysis(self) -> Analysis:
        """The matcher's reading: corrected terms, synonyms, word frequencies."""
        return self._analyzer.analyse_tokens(self.tokens, correct=True)

    @computed_once
    def context_terms(self) -> frozenset[str]:
        """Terms only the message's context uses (who, how long, the story around the question):
        the matcher weighs them low."""
        return self._terms_only_in(words_of_normalised(" ".join(context_words(self.core))))

    @computed_once
    def reason_terms(self) -> frozenset[str]:
        """Terms of the conditions the story says the medicine is taken for ("for her
        arthritis"), not asked about elsewhere in the message: the matcher weighs them low."""
        return self._terms_only_in(reason_words(self.core))

    def _terms_only_in(self, words: list[str]) -> frozenset[str]:
        """The terms of these words of the message that its other words do not also have."""
        if not words:
            return frozenset()
        rest = Counter(self.tokens)
        rest.subtract(words)
        asked = set(self._analyzer.analyse_tokens([t for t in self.tokens if rest[t] > 0], correct=True).terms)
        return frozenset(set(self._analyzer.analyse_tokens(words, correct=True).terms) - asked)

    @computed_once
    def activity_words(self) -> frozenset[str]:
        """The verbs a permission question asks about ("drive" in "can i drive on it"): the
        Bot names them as activities ("driving") when no document covers them."""
        return frozenset(activity_words(self.core))

    @computed_once
    def activity_terms(self) -> frozenset[str]:
        """``activity_words`` as the matcher's terms."""
        return self._terms_of(sorted(self.activity_words))

    @computed_once
    def permission_terms(self) -> frozenset[str]:
        """The terms of the activity a safety question asks about ("is it safe to drive on it"):
        an everyday word there is the question's focus, never its context."""
        return self._terms_of(activity_words(self.core, permission_only=True))

    def _terms_of(self, words: list[str]) -> frozenset[str]:
        """Words as terms, without spelling correction: the question's analysis corrected it once
        (an activity typed wrong is read as no activity)."""
        if not words:
            return frozenset()
        return frozenset(self._analyzer.analyse_tokens(words).terms)

    @computed_once
    def relation(self) -> tuple[frozenset[str], frozenset[str]] | None:
        """(cause terms, effect terms) when the question asks what causes what, else None."""
        found = relation(self.core)
        if found is None:
            return None
        terms = lambda words: frozenset(self._analyzer.analyse_tokens(words_of_normalised(" ".join(words)), correct=True).terms)
        return terms(found.cause), terms(found.effect)

    def __repr__(self) -> str:
        return f"Query({self.text!r})"
