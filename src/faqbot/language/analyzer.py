"""From text to the terms the matcher compares: words, spelling correction, synonyms, stems.

The same pipeline runs over intents (at index time) and over questions, so both sides meet in one
vocabulary. Only questions are spelling-corrected, against the words the index knows, so that
"valporate" reads as "valproate" but a real unknown word ("metformin") stays unknown and lowers
confidence. Synonyms come from ``lexicon.yaml`` (data, not code): each group maps lay words and
phrases ("fits", "low magnesium") onto one canonical term.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

import snowballstemmer
from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from .lexicon import Lexicon
from .normalise import WORD, normalize, reading, tokenize
from .words import LIGHT_WORDS, STOPWORDS, english_words

_STEMMER = snowballstemmer.stemmer("english")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Snowball stem of a word; apostrophes dropped so "don't" and "dont" agree."""
    return _STEMMER.stemWord(word.replace("'", ""))


READING_MEMO = 65536   # tokens whose reading, stem and term an Analyzer remembers
_SPLIT_PART = 3        # a word patients run together ("hayfever") is split only into parts this long or longer
_CUT_OFF_OVER_TYPO = 10  # a word cut short reads as the word it begins when that is this many times commoner than its nearest typo
CHILD_YEARS = 16       # "my 10 year old": an age under this many years is a child's (leaflets' doses
                       # for children stop at 12 to 16); any age in days, weeks or months is a baby's
_AGE_UNITS = {"day": False, "days": False, "week": False, "weeks": False, "month": False, "months": False,
              "year": True, "years": True, "yr": True, "yrs": True}

_INFLECTION = re.compile(r"(?<=\w{2})(?:ings?|ed|es|s|ly|ers?)$")
_IES = re.compile(r"ies$")


def _with_child_ages(tokens: list[str]) -> list[str]:
    """The tokens with "child" after a child's age ("can my 10 year old have it", "my 6 week old"):
    patients name a child by age, and the documents answer for children (``CHILD_YEARS``)."""
    found = []
    for k, token in enumerate(tokens):
        found.append(token)
        if token == "old" and k >= 2 and tokens[k - 1] in _AGE_UNITS and tokens[k - 2].isdigit():
            if not _AGE_UNITS[tokens[k - 1]] or int(tokens[k - 2]) < CHILD_YEARS:
                found.append("child")
    return found


def _root(word: str) -> str:
    """A word without its inflection ("using" -> "us", "use" -> "us", "severe" -> "sever")."""
    root = _INFLECTION.sub("", _IES.sub("y", word)).rstrip("e") or word
    return root[:-1] if len(root) > 3 and root[-1] == root[-2] else root   # "forgetting" -> "forget"


def stem_merges(members: tuple[str, ...]) -> frozenset[str]:
    """Common English words the stemmer would merge into a synonym group's single-word member
    though they are not a form of it: "several" stems like "severe", "medical" like "medication",
    "definitely" like "definition", "depending" like "dependence". They read as themselves, so a
    group never changes an everyday word's meaning; forms of a member ("using", "causing") still
    join it. (The whole set, for staff; the Analyzer asks ``StemMerges`` one word at a time.)"""
    merges = StemMerges(members)
    # A word begins with its stem (a final "i" may be the word's "y"), so only words beginning so
    # can stem alike: stemming all 36,000 common words would take seconds.
    common = sorted(english_words())
    apart = set()
    for member_stem in merges.by_stem:
        for prefix in merges.prefixes(member_stem):
            for word in common[bisect.bisect_left(common, prefix):bisect.bisect_right(common, prefix + "\uffff")]:
                if word in merges:
                    apart.add(word)
    return frozenset(apart)


class StemMerges:
    """``word in StemMerges(members)``: whether ``stem_merges(members)`` holds the word, decided
    for that word alone (the Analyzer remembers its answer with the word's reading). Building the
    whole set stemmed thousands of English words at every start, most of a cold start's analysis
    time, where a question reads a dozen words."""

    def __init__(self, members: tuple[str, ...]):
        self.by_stem: dict[str, set[str]] = {}
        for term in members:
            words = tokenize(term)
            if len(words) == 1:
                self.by_stem.setdefault(stem(words[0]), set()).add(words[0])

    @staticmethod
    def prefixes(member_stem: str) -> tuple[str, ...]:
        """How a word stemming to ``member_stem`` begins (a final "i" may be the word's "y")."""
        return (member_stem, member_stem[:-1] + "y") if member_stem.endswith("i") else (member_stem,)

    def __contains__(self, word: str) -> bool:
        member_stem = stem(word)
        listed = self.by_stem.get(member_stem)
        if listed is None or word in listed or word not in english_words():
            return False
        if not word.startswith(self.prefixes(member_stem)):
            return False
        return not any(_root(word) == _root(m) or (len(m) >= 5 and word.startswith(m)) for m in listed)


@dataclass
class Analysis:
    """What a text became on its way to the matcher, kept for explanations (/why, --explain)."""

    tokens: list[str]
    corrections: dict[str, str]
    synonyms: dict[str, str]
    terms: list[str]
    # Each term's highest English word frequency (Zipf) among the words that became it (questions
    # only): the matcher weighs an unknown everyday word ("son", "work") as a common one.
    frequencies: dict[str, float] = field(default_factory=dict)


class Analyzer:
    """Turns text into matcher terms; built once per intents folder."""

    def __init__(self, lexicon: Lexicon, index_texts: list[str], shared_analyses: dict | None = None):
        """``shared_analyses``, when given, holds the uncorrected analyses (of index texts) and is
        shared with other Analyzers of the same lexicon: without spelling correction an analysis
        depends only on the lexicon, so the hundreds of near-identical indexes of a leave-one-out
        self-check need not analyse the same phrasings again. Corrected analyses (questions)
        depend on this Analyzer's vocabulary and are never shared."""
        self._shared_analyses = shared_analyses
        # Single words map to their group first, so a phrase matches whatever synonym spells its
        # words ("not enuf magnesium" meets "not enough magnesium").
        self._single: dict[str, str] = {}
        canonicals = []
        for group in lexicon.groups:
            canonical = "_".join(stem(w) for w in tokenize(group[0]))
            canonicals.append(canonical)
            for term in group:
                words = tokenize(term)
                if len(words) == 1:
                    self._single.setdefault(stem(words[0]), canonical)
        self._apart = StemMerges(tuple(term for group in lexicon.groups for term in group))
        self._phrases: dict[tuple[str, ...], str] = {}
        self._max_phrase = 1
        for group, canonical in zip(lexicon.groups, canonicals):
            for term in group:
                key = tuple(self._single.get(stem(w), stem(w)) for w in tokenize(term))
                if len(key) > 1:
                    self._phrases.setdefault(key, canonical)
                    self._max_phrase = max(self._max_phrase, len(key))
        self._phrase_starts = {key[0] for key in self._phrases}
        counts: Counter[str] = Counter()
        # Each index text is tokenised here, once: the index reads these tokens back
        # (``index_tokens``) instead of tokenising every phrasing and answer again, then lets them
        # go (``release_index_tokens``). Tokens are shared strings, so 78,000 answers' tokens
        # cost their lists, not millions of copies.
        self._index_tokens: dict[str, list[str]] | None = {}
        shared_words: dict[str, str] = {}
        for text in index_texts:
            if text not in self._index_tokens:
                self._index_tokens[text] = [shared_words.setdefault(t, t) for t in tokenize(text)]
            counts.update(self._index_tokens[text])
        for group in lexicon.groups:
            for term in group:
                counts.update(tokenize(term))
        self._word_counts = counts
        self._vocabulary = set(counts) | STOPWORDS
        self._known_stems = {stem(w) for w in counts}
        self._by_initial: dict[str, list[str]] = {}
        for word in counts:
            if word.isalpha() and len(word) >= 3:
                self._by_initial.setdefault(word[0], []).append(word)
        self._cache: dict[str, str | None] = {}
        self._readings: dict[str, tuple[str, str, str]] = {}

    @property
    def vocabulary(self) -> set[str]:
        return self._vocabulary

    def terms(self, text: str, correct: bool = False, phrase_words: bool = False) -> list[str]:
        return self.analyse(text, correct, phrase_words).terms

    def index_tokens(self, text: str) -> list[str]:
        """``tokenize(text)``, read back from construction for an index text."""
        known = self._index_tokens.get(text) if self._index_tokens is not None else None
        return known if known is not None else tokenize(text)

    def joined_terms(self, parts: list[str], phrase_words: bool = False) -> list[str]:
        """``terms(" ".join(parts))`` (uncorrected) from the parts' own tokens: words never run
        across the space that joins them, so the tokens are the parts' tokens in order."""
        if self._shared_analyses is not None:
            return self.terms(" ".join(parts), phrase_words=phrase_words)
        tokens = [token for part in parts for token in self.index_tokens(part)]
        return self.analyse_tokens(tokens, False, phrase_words).terms

    def release_index_tokens(self) -> None:
        """Forget the index texts' tokens once the index is built (they are only for building)."""
        self._index_tokens = None

    def analyse(self, text: str, correct: bool = False, phrase_words: bool = False) -> Analysis:
        """``phrase_words`` keeps the words of a phrase synonym besides its canonical term: the
        index reads answers so, and "hair loss" there still answers a question that says "hair"."""
        if correct:
            return self.analyse_tokens(tokenize(text), correct, phrase_words)
        if self._shared_analyses is None:
            return self.analyse_tokens(self.index_tokens(text), False, phrase_words)
        found = self._shared_analyses.get((text, phrase_words))
        if found is None:
            found = self._shared_analyses[text, phrase_words] = self.analyse_tokens(self.index_tokens(text), False,
                                                                                    phrase_words)
        return found

    def analyse_tokens(self, tokens: list[str], correct: bool = False, phrase_words: bool = False) -> Analysis:
        """``analyse`` of text already tokenized (a Query's tokens); never shared."""
        corrections: dict[str, str] = {}
        if correct:
            fixed = []
            index = 0
            count = len(tokens)
            vocabulary, cache = self._vocabulary, self._cache
            while index < count:
                token = tokens[index]
                following = tokens[index + 1] if index + 1 < count else ""
                if (len(token) > 2 and len(following) > 2 and token not in STOPWORDS and following not in STOPWORDS
                        and token + following in vocabulary):
                    # "corona virus" -> "coronavirus" when only the compound is known
                    joined = token + following
                    corrections[f"{token} {following}"] = joined
                    fixed.append(joined)
                    index += 2
                    continue
                better = cache[token] if token in cache else self.correct(token)
                if better and better != token:
                    corrections[token] = better
                    if " " in better:           # "hayfever" -> "hay fever": two words
                        fixed += better.split()
                        index += 1
                        continue
                    token = better
                fixed.append(token)
                index += 1
            tokens_for_terms = fixed
        else:
            tokens_for_terms = tokens
        if "old" in tokens_for_terms:
            tokens_for_terms = _with_child_ages(tokens_for_terms)
        readings = self._readings
        known = [readings.get(t) or self._reading_of(t) for t in tokens_for_terms]
        tokens_for_terms = [k[0] for k in known]
        stems = [k[1] for k in known]
        mapped = [k[2] for k in known]
        synonyms: dict[str, str] = {}
        terms: list[str] = []
        phrases, phrase_starts = self._phrases, self._phrase_starts
        i = 0
        while i < len(stems):
            # Only a term that begins some phrase can begin one here: the rest skip the lookups.
            for size in range(min(self._max_phrase, len(stems) - i) if mapped[i] in phrase_starts else 1, 1, -1):
                canonical = phrases.get(tuple(mapped[i:i + size]))
                if canonical is not None:
                    synonyms[" ".join(tokens_for_terms[i:i + size])] = canonical
                    terms.append(canonical)
                    if phrase_words:
                        terms += [mapped[k] for k in range(i, i + size)
                                  if tokens_for_terms[k] not in STOPWORDS and stems[k] not in STOPWORDS]
                    i += size
                    break
            else:
                if tokens_for_terms[i] not in STOPWORDS and stems[i] not in STOPWORDS:
                    if mapped[i] != stems[i]:
                        synonyms[tokens_for_terms[i]] = mapped[i]
                    terms.append(mapped[i])
                i += 1
        # Only questions (corrected) are weighed by it; the index's texts, millions of words with
        # 50,000 intents, need not be looked up.
        frequencies: dict[str, float] = {}
        if correct:
            common = english_words()
            for k, token in enumerate(tokens_for_terms):
                zipf = common.get(token, 0.0)
                if mapped[k] not in frequencies or zipf > frequencies[mapped[k]]:
                    frequencies[mapped[k]] = zipf
        return Analysis(tokens, corrections, synonyms, terms, frequencies)

    def _reading_of(self, token: str) -> tuple[str, str, str]:
        """(reading, stem, term) of one token, remembered (up to READING_MEMO tokens): the same
        words come back in every question and every indexed text. A word kept apart from a group
        reads as itself: its stem may be the group's own term ("medical" and "medication" both
        stem to "medic")."""
        read = reading(token)
        stemmed = stem(read)
        known = (read, stemmed, read if read in self._apart else self._single.get(stemmed, stemmed))
        if len(self._readings) < READING_MEMO:
            self._readings[token] = known
        return known

    def __getstate__(self) -> dict:
        # A compiled index keeps the analyzer, not what it remembered while building (a site's
        # words would make the file larger and slower to read than the work they save).
        state = dict(self.__dict__)
        state["_readings"] = {}
        return state

    def corrected_text(self, text: str) -> str | None:
        """The normalised text with each misspelt word replaced by its correction, every other
        character kept; None when no word needed correcting. Emergency triage reads this too, so
        "having a sezure" meets the rule written for "seizure"."""
        return self.corrected_normalised(normalize(text))

    def corrected_normalised(self, normalised: str) -> str | None:
        """``corrected_text`` of text already normalised (a Query's)."""
        # Words of three letters are only completed, never corrected: "ate" is no typo.
        fixes: dict[str, str] = {}   # a long paste repeats its words: each is looked up once
        changed = False
        for word in WORD.findall(normalised):
            if word not in fixes:
                better = self.correct(word) if len(word) > 3 else None
                if better is not None and better != word:
                    fixes[word], changed = better, True
                else:
                    fixes[word] = word
        if not changed:
            return None          # most questions: nothing to replace, so no second pass
        return WORD.sub(lambda found: fixes[found.group(0)], normalised)

    def correct(self, word: str) -> str | None:
        """The index word closest to an unknown word, within a small edit distance, or None.

        A common English word of four letters or more is never a typo. Allowed edits grow with
        length (1 up to 5 letters, 2 up to 9, then 3); transpositions count once
        (Damerau-Levenshtein); the first letter must agree. Ties go to the word the index uses most.
        """
        cache = self._cache
        if word in cache:
            return cache[word]
        best = self._correction(word)
        if len(cache) < 100_000:          # every word asked about, so each is looked at once
            cache[word] = best
        return best

    def _correction(self, word: str) -> str | None:
        if word in self._vocabulary or not word.isalpha() or len(word) < 3 or stem(word) in self._known_stems:
            return None
        if len(word) >= 2 * _SPLIT_PART and word not in english_words():
            split = self._split(word)
            if split is not None:
                return split
        if len(word) < 4:
            # "eff" is cut off ("effects"); "old" in "3 month old" is a word, not the start of "older".
            return None if word in LIGHT_WORDS else self._completion(word)
        if word in english_words():
            return None
        limit = 1 if len(word) <= 5 else 2 if len(word) <= 9 else 3
        # Typos rarely change the first letter; requiring it keeps real words ("matter") from
        # being "corrected" into other real words ("fatter").
        choices = self._by_initial.get(word[0], ())
        found = process.extract(word, choices, scorer=DamerauLevenshtein.distance,
                                score_cutoff=limit, limit=8)
        best = None
        if found:
            best = min(found, key=lambda hit: (hit[1], abs(len(hit[0]) - len(word)),
                                               -self._word_counts[hit[0]], hit[0]))[0]
        completed = self._completion(word)
        if best is None or completed is not None and \
                self._word_counts[completed] >= _CUT_OFF_OVER_TYPO * self._word_counts[best]:
            # "pred" is prednisolone, which the documents say a hundred times, cut short, not
            # "peed" mistyped, which they say once: the far commoner word wins.
            return completed or best
        return best

    def _split(self, word: str) -> str | None:
        """Two index words a word is made of, written apart ("hayfever" -> "hay fever",
        "toothache" -> "tooth ache"), or None. Only for a word neither the index nor English uses
        (a real word such as "season" is never split into "sea son"); each part at least
        _SPLIT_PART letters and no function word; of several splits, the one whose rarer part the
        index uses most."""
        counts = self._word_counts
        splits = [(min(counts[word[:k]], counts[word[k:]]), word[:k], word[k:])
                  for k in range(_SPLIT_PART, len(word) - _SPLIT_PART + 1)
                  if word[:k] in counts and word[k:] in counts
                  and word[:k] not in STOPWORDS and word[k:] not in STOPWORDS]
        if not splits:
            return None
        _, first, second = max(splits)
        return f"{first} {second}"

    def _completion(self, prefix: str) -> str | None:
        """The index's most used word beginning with a cut-off word ("eff" -> "effects"), if any."""
        longer = [w for w in self._by_initial.get(prefix[0], ()) if w.startswith(prefix) and len(w) > len(prefix)]
        return max(longer, key=lambda w: (self._word_counts[w], -len(w), w)) if longer else None
