"""Normalisation and tokenising shared by the index and by questions.

Only the standard library: the same functions serve extraction, matching and triage.
"""

from __future__ import annotations

import re
import unicodedata

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
    text = _INVISIBLE.sub("", _ANSI.sub(" ", text))
    text = unicodedata.normalize("NFKC", text).translate(_TYPOGRAPHY)
    text = _CONTROL.sub(" ", text)
    return " ".join(text.casefold().split())


def tokenize(text: str) -> list[str]:
    """Words of the text, normalised; apostrophes inside a word are kept ("don't"), possessive 's dropped."""
    return words_of_normalised(normalize(text))


def words_of_normalised(normalised: str) -> list[str]:
    """``tokenize`` for text already normalised: a Query normalises its question once."""
    tokens = []
    for token in WORD.findall(normalised):
        if token.endswith("'s"):
            token = token[:-2]
        tokens.append(SHORTHAND.get(token, token))
    return tokens
