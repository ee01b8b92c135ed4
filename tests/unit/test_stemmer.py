"""The optional C stemmer (PyStemmer, the 'fast' extra) stems every word we know exactly as
snowballstemmer's pure-Python English stemmer does, so installing it changes no answer."""

from __future__ import annotations

import pytest
from snowballstemmer.english_stemmer import EnglishStemmer

from faqbot.bot import Bot
from faqbot.content.intents import bundled_intents
from faqbot.language.words import english_words
from tests.sites import site_intents

Stemmer = pytest.importorskip("Stemmer", reason="PyStemmer (the 'fast' extra) is not installed")


def test_the_c_stemmer_agrees_on_every_word_we_know(tmp_path):
    words = set(english_words())
    words |= Bot.from_folder(bundled_intents()).analyzer.vocabulary
    words |= Bot.from_folder(site_intents(tmp_path, 84), cache=False).analyzer.vocabulary
    c_stemmer, pure = Stemmer.Stemmer("english"), EnglishStemmer()
    differing = sorted(w for w in words if c_stemmer.stemWord(w) != pure.stemWord(w))
    assert len(words) > 36000
    assert differing == []
