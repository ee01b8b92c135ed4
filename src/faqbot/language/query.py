"""A question read once: the text as typed, normalised, tokenized, spelling-corrected, analysed.

Triage, the Bot's small-talk and option checks and the matcher all read the same Query, so a
question is normalised once and analysed once per reply, whatever path it takes. The correction
and the analysis are computed when first read: an emergency or a greeting never needs them.
"""

from __future__ import annotations

from functools import cached_property

from .analyzer import Analysis, Analyzer
from .normalise import normalize, words_of_normalised


class Query:
    def __init__(self, question, analyzer: Analyzer, max_chars: int | None = None):
        """``max_chars`` truncates the text read for matching (the question itself is kept)."""
        self.question: str = question if isinstance(question, str) else str(question)
        self.text: str = self.question.strip()[:max_chars] if max_chars is not None else self.question
        self.normalised: str = normalize(self.text)
        self.tokens: list[str] = words_of_normalised(self.normalised)
        self._analyzer = analyzer

    @cached_property
    def corrected(self) -> str | None:
        """The normalised text with misspelt words corrected ("having a sezure" -> "seizure"), or
        None when no word needed correcting; emergency triage reads it."""
        return self._analyzer.corrected_normalised(self.normalised)

    @cached_property
    def analysis(self) -> Analysis:
        """The matcher's reading: corrected terms, synonyms, word frequencies."""
        return self._analyzer.analyse_tokens(self.tokens, correct=True)

    def __repr__(self) -> str:
        return f"Query({self.text!r})"
