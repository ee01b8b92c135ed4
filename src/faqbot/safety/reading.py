"""How triage reads a message: folded to plain words, whole, one clause at a time.

Patients in a hurry, and people hiding what they type, write "s e i z u r e", "se1zure", "t00k 50
p1lls", Cyrillic or Greek look-alike letters, accents or combining marks inside a word, "im" for
"I'm" and "fifteen" for 15. ``clauses`` undoes all of that, for the whole message whatever its
length, and cuts it into sentences, so that no part of a message is skipped and a question in one
sentence never hides an emergency in another. Words that look like a typo of a word the triage
knows ("siezure", "ceasure", "convulsng") become that word (``TypoFixer``).

Only the standard library and the language layer: the text is never changed for anything but triage.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from rapidfuzz.distance import DamerauLevenshtein

from ..language.normalise import normalize
from ..language.words import english_words

# Latin letters that Cyrillic and Greek letters are made to look like (lower case: text is
# case-folded first). A real Russian or Greek word becomes Latin nonsense, which no concept meets.
HOMOGLYPHS = str.maketrans({
    "а": "a", "в": "b", "е": "e", "ё": "e", "з": "3", "и": "u", "й": "u", "к": "k", "м": "m", "н": "h",
    "о": "o", "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "i", "ј": "j",
    "ԁ": "d", "ԛ": "q", "ԝ": "w", "һ": "h", "ɡ": "g", "ɩ": "i", "ı": "i", "ꞵ": "b",
    "α": "a", "β": "b", "γ": "y", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o",
    "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ω": "w", "ζ": "z", "μ": "u", "ς": "s", "σ": "o",
})
# Digits and signs typed for the letters they resemble, inside a word ("se1zure", "t00k").
LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"})
# A number glued to its unit is a number, not a disguised word: "5mins", "10mg", "2yr", "3am".
_NUMBER_WITH_UNIT = re.compile(r"^(\d+(?:\.\d+)?)(st|nd|rd|th|am|pm|mg|mcg|ml|g|kg|lbs?|mins?|minutes?|hrs?|hours?|"
                               r"h|yrs?|years?|yo|y|months?|mo|weeks?|wks?|days?|x|k|s)$")
# "!" and "|" between letters stand for an i or an l ("k!ll", "su!c!de"); never at a word's end ("help!").
_SIGN_LETTER = re.compile(r"(?<=[a-z])[!|](?=[a-z])")
_MIXED = re.compile(r"[a-z0-9@$]*[0-9@$][a-z0-9@$]*")   # words with a digit or sign in them
_DIGIT_OR_SIGN = re.compile(r"[0-9@$]")                  # what every _MIXED word holds
_SPACED_LETTERS = re.compile(r"(?<![\w])(?:[a-z][ .\-*_]){2,}[a-z](?![\w])")
_REPEATS = re.compile(r"([a-z])\1{2,}")
_THREE_ALIKE = re.compile(r"([a-z])\1\1")                 # found exactly where _REPEATS is
_APOSTROPHE = re.compile(r"(?<=[a-z])'(?=[a-z])")
# Sentence ends, and the words that start a new thought in run-on chat ("..., also can he have...").
SENTENCE_BREAK = re.compile(r"[.!?;:\n\r]+|\s-\s|\b(?:also|btw|anyway|anyways|plus|oh and|and also|ps)\b")
_TOKEN = re.compile(r"[a-z0-9]+|,")
# A message longer than CHUNK_CHARS (a pasted story) is read in pieces of about that many
# characters, cut at spaces, overlapping by CHUNK_OVERLAP: every step then costs the same per
# character however long the message, a piece repeated word for word is read once, and an event and
# its now-ness a sentence apart still share a piece.
CHUNK_CHARS = 1500
CHUNK_OVERLAP = 300

_UNITS = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
          "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
          "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "dozen": 12}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90}
# "one" is usually a pronoun ("having another one"): it stays a word unless it counts something.
_PRONOUN_NUMBERS = {"one"}
# The tokens numbers_as_digits may change: a sentence holding none of them is left as it is.
_NUMBER_TOKENS = frozenset(_TENS) | (frozenset(_UNITS) - _PRONOUN_NUMBERS) | {"hundred", "hundreds"}


@dataclass
class Clause:
    """One sentence of a message as triage reads it: folded words separated by single spaces,
    commas kept as their own token (a question's scope ends at a comma)."""

    text: str
    tokens: list[str] = field(default_factory=list)


def fold(text: str) -> str:
    """The message case-folded, with look-alike letters, combining marks, digits and signs for letters,
    spaced-out letters, long letter repeats and apostrophes inside words undone."""
    text = normalize(text)
    if not text.isascii():
        text = text.translate(HOMOGLYPHS)
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
        text = unicodedata.normalize("NFKC", text)
    # Each step runs only when the text holds what it undoes (a cheap test first: most messages
    # hold none of it, and the substitutions cost more than the tests even when they change nothing).
    if "!" in text or "|" in text:
        text = _SIGN_LETTER.sub("i", text)
    if _DIGIT_OR_SIGN.search(text):
        text = _MIXED.sub(_unleet, text)
    if _SPACED_LETTERS.search(text):
        text = _SPACED_LETTERS.sub(lambda m: re.sub(r"[ .\-*_]", "", m.group()), text)
    if _THREE_ALIKE.search(text):
        text = _REPEATS.sub(r"\1\1", text)
    return _APOSTROPHE.sub("", text) if "'" in text else text


def _unleet(found: re.Match) -> str:
    word = found.group()
    unit = _NUMBER_WITH_UNIT.match(word)
    if unit:
        return f"{unit.group(1)} {unit.group(2)}"
    if sum(c.isalpha() for c in word) < 2:
        return word
    return word.translate(LEET)


def numbers_as_digits(tokens: list[str]) -> list[str]:
    """Counts written as words become digits ("twenty five" -> "25", "a dozen" -> "12"), so one
    pattern meets every way of writing a number."""
    if _NUMBER_TOKENS.isdisjoint(tokens):
        return list(tokens)      # most sentences: no number written as a word
    out: list[str] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token in _TENS:
            value = _TENS[token]
            following = tokens[index + 1] if index + 1 < len(tokens) else ""
            if following in _UNITS and 0 < _UNITS[following] < 10:
                value += _UNITS[following]
                index += 1
            out.append(str(value))
        elif token in ("hundred", "hundreds") and out and out[-1] in ("a", "1"):
            out[-1] = "100"
        elif token in _UNITS and token not in _PRONOUN_NUMBERS:
            out.append(str(_UNITS[token]))
        else:
            out.append(token)
        index += 1
    return out


_SOFT_C = re.compile(r"c(?=[eiy])")
_SILENT = re.compile(r"[aeiouyhw]")
_DOUBLED = re.compile(r"(.)\1+")


def phonetic_key(word: str) -> str:
    """A rough sound of a word: soft c, z and s alike, ph as f, vowels and doubled letters dropped
    after the first letter. "ceasure" and "seizure" sound alike; "scissor" does not."""
    word = _SOFT_C.sub("s", word)
    word = word.replace("ph", "f").replace("ck", "k").replace("z", "s").replace("q", "k").replace("c", "k")
    head, rest = word[:1], _SILENT.sub("", word[1:])
    if head in "aeiou":
        head = "a"
    return _DOUBLED.sub(r"\1", head + rest)


class TypoFixer:
    """Replaces a word that is no English word by the triage word it is a typo of.

    A word of five letters or more may differ from a known word by one edit up to seven letters,
    two beyond (transpositions count once), with the first letter kept; or it may sound the same
    (``phonetic_key``) within three edits. Common English words are never changed ("sitting" stays
    "sitting", not "fitting")."""

    def __init__(self, vocabulary: set[str]):
        self.vocabulary = {w for w in vocabulary if len(w) >= 5}
        self._by_initial: dict[str, list[str]] = {}
        self._by_sound: dict[str, list[str]] = {}
        for word in sorted(self.vocabulary):
            self._by_initial.setdefault(word[0], []).append(word)
            self._by_sound.setdefault(phonetic_key(word), []).append(word)
        self._cache: dict[str, str] = {}

    def fix(self, word: str) -> str:
        """The word, or the triage word it is a typo of (cached: patients repeat their words)."""
        known = self._cache.get(word)
        if known is None:
            known = self._fix(word)
            if len(self._cache) < 50_000:
                self._cache[word] = known
        return known

    def fix_all(self, tokens: list[str]) -> list[str]:
        """``[fix(t) for t in tokens]``, a known word's fix read straight from the cache."""
        cache = self._cache
        return [cache.get(t) or self.fix(t) for t in tokens]

    def _fix(self, word: str) -> str:
        if len(word) < 5 or not word.isalpha() or word in self.vocabulary or word in english_words():
            return word
        limit = 1 if len(word) <= 7 else 2
        best, best_distance = word, limit + 1
        for known in self._by_initial.get(word[0], ()):
            if abs(len(known) - len(word)) <= limit:
                distance = DamerauLevenshtein.distance(word, known, score_cutoff=limit)
                if distance < best_distance:
                    best, best_distance = known, distance
        if best is not word:
            return best
        for known in self._by_sound.get(phonetic_key(word), ()):
            if DamerauLevenshtein.distance(word, known, score_cutoff=3) <= 3:
                return known
        return word


def chunks(text: str, size: int = CHUNK_CHARS, overlap: int = CHUNK_OVERLAP) -> list[str]:
    """The message in overlapping pieces cut at spaces (itself when short), each piece once."""
    if len(text) <= size + overlap:
        return [text]
    found: dict[str, None] = {}
    start = 0
    while start < len(text):
        end = _next_space(text, start + size)
        found.setdefault(text[start:end], None)
        if end >= len(text):
            break
        start = _next_space(text, end - overlap)
    return list(found)


def _next_space(text: str, position: int) -> int:
    """The first whitespace at or after ``position`` (within 100 characters; else ``position``)."""
    if position >= len(text):
        return len(text)
    found = re.compile(r"\s").search(text, position, min(len(text), position + 100))
    return found.start() if found else position


def clauses(text: str, typos: TypoFixer | None = None) -> list[Clause]:
    """Every sentence of the text, folded, numbers as digits, typos of triage words fixed; a
    sentence repeated word for word is read once. Give it a chunk of a long message (``chunks``)."""
    return _clauses(_sentence_tokens(text), typos)


def clauses_both(text: str, typos: TypoFixer) -> tuple[list[Clause], list[Clause]]:
    """``(clauses(text, typos), clauses(text))``, folding the text once for both; a sentence with
    no typo to fix is read once for both (it is the same clause)."""
    fixed: dict[str, Clause] = {}
    typed: dict[str, Clause] = {}
    for tokens in _sentence_tokens(text):
        clause = _clause(tokens)
        _add(typed, clause)
        corrected = typos.fix_all(tokens)
        _add(fixed, clause if corrected == tokens else _clause(corrected))
    return list(fixed.values()), list(typed.values())


def _sentence_tokens(text: str) -> list[list[str]]:
    """The tokens of each sentence of the folded text that holds a word."""
    found = []
    for piece in SENTENCE_BREAK.split(fold(text)):
        tokens = _TOKEN.findall(piece)
        if any(t != "," for t in tokens):
            found.append(tokens)
    return found


def _clauses(sentences: list[list[str]], typos: TypoFixer | None) -> list[Clause]:
    found: dict[str, Clause] = {}
    for tokens in sentences:
        if typos is not None:
            tokens = typos.fix_all(tokens)
        _add(found, _clause(tokens))
    return list(found.values())


def _clause(tokens: list[str]) -> Clause:
    digits = numbers_as_digits(tokens)
    return Clause(" ".join(digits), digits)


def _add(found: dict[str, Clause], clause: Clause) -> None:
    """A sentence repeated word for word is read once (the first kept)."""
    found.setdefault(clause.text, clause)
