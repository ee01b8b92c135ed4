"""Normalisation and tokenising shared by the index and by questions.

Only the standard library: the same functions serve extraction, matching and triage.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from ..display import CONTROL as _CONTROL
from .words import SHORTHAND

# Typographic characters that patients' phones and web pages put in, mapped to plain ASCII.
_TYPOGRAPHY = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201b": "'", "\u2032": "'", "`": "'",
    "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-", "\u2212": "-",
    "\u00a0": " ", "\u2022": " ", "\u00b7": " ",
})

# Characters that are invisible inside a word (soft hyphen, zero-width space and joiners, BOM):
# removed, not turned into spaces, so "sei\u00adzure" still reads "seizure" for triage and matching.
_INVISIBLE = re.compile(r"[\u00ad\u200b-\u200d\u2060\ufeff]")
_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")   # a word, apostrophes inside it kept


def normalize(text: str) -> str:
    """Unicode NFKC, typography to ASCII, case folded, control characters and escapes removed."""
    if text.isascii() and text.isprintable():
        # Most questions: no escape, control or invisible character, nothing NFKC changes; the
        # backquote is the one ASCII typography mark. The same result, without four passes.
        return " ".join(text.replace("`", "'").casefold().split())
    text = _INVISIBLE.sub("", _ANSI.sub(" ", text))
    text = unicodedata.normalize("NFKC", text).translate(_TYPOGRAPHY)
    text = _CONTROL.sub(" ", text)
    return " ".join(text.casefold().split())


def tokenize(text: str) -> list[str]:
    """Words of the text, normalised; apostrophes inside a word are kept ("don't"), possessive 's dropped."""
    return words_of_normalised(normalize(text))


def words_of_normalised(normalised: str) -> list[str]:
    """``tokenize`` for text already normalised: a Query normalises its question once. Text-speak
    is expanded; spelling and numbers are the Analyzer's (``reading``), so extraction and triage
    see the words as written."""
    tokens = []
    for token in WORD.findall(normalised):
        if token.endswith("'s"):
            token = token[:-2]
        tokens.append(SHORTHAND.get(token, token))
    return tokens


@lru_cache(maxsize=65536)
def reading(token: str) -> str:
    """A word as the matcher reads it, on both sides of the index: British spelling folded to one
    form, number words as digits ("two" -> "2")."""
    return NUMBER_WORDS.get(token) or fold_spelling(token)


# British and American spellings of one word read alike, on both sides of the index, so that
# "hypomagnesaemia", "paediatric", "foetus", "diarrhoea" and "stabilize" meet the documents'
# "hypomagnesemia", "pediatric", "fetus", "diarrhea" and "stabilise". Each fold is a spelling
# pattern, not a word list; short words are left alone ("size", "seize", "does", "toe").
_SPELLING_FOLDS = (
    (re.compile(r"(?<=[a-z])ae(?=[bcdfghklmnpqrstvz])"), "e"),       # haem, paed, -aemia, anaes
    (re.compile(r"^oe(?=[bcdfghklmnpqrstvz])"), "e"),                 # oedema, oesophagus, oestrogen
    (re.compile(r"(?<=[cf])oe(?=[lt])"), "e"),                        # foetus, coeliac
    (re.compile(r"(?<=rrh)oea"), "ea"),                               # diarrhoea, gonorrhoea
    # -ize to -ise, not the reverse: the stemmer cuts "normalize" to "normal", an everyday word of
    # another meaning, but keeps "normalise" apart ("normalis").
    (re.compile(r"(?<=[a-z]{3})iz(e|es|ed|er|ers|ing)$"), r"is\1"),
    (re.compile(r"(?<=[a-z]{3})ization(s?)$"), r"isation\1"),
)


def fold_spelling(word: str) -> str:
    """One spelling for British and American forms of a word (lower-case input)."""
    if len(word) < 6 or not word.isalpha():
        return word
    for pattern, replacement in _SPELLING_FOLDS:
        word = pattern.sub(replacement, word)
    return word


# Number words read as digits, so "2 doses" and "two doses" are one question. "one" stays a word:
# it is more often a pronoun ("the first one") than a count.
NUMBER_WORDS = {word: str(value) for value, word in enumerate(
    "zero _ two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split()) if word != "_"}
NUMBER_WORDS.update({"thirty": "30", "forty": "40", "fifty": "50", "sixty": "60", "seventy": "70",
                     "eighty": "80", "ninety": "90", "hundred": "100", "twice": "2"})
