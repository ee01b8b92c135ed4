"""A question is read once per reply: normalised once, analysed once, and the per-topic readings
of a question naming no topic come from the one ranking, exactly as ranking each topic alone."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import faqbot.content.rules
import faqbot.language.analyzer
import faqbot.language.normalise
import faqbot.language.query
from faqbot.bot import Bot, Conversation
from faqbot.content.intents import bundled_intents
from faqbot.language.analyzer import Analyzer
from faqbot.language.query import Query
from faqbot.matching.tuning import Tuning
from test_matcher_pruning import COMMON, RARE, generated_intents


@pytest.fixture(scope="module")
def bundled() -> Bot:
    return Bot.from_folder(bundled_intents())


def counting(monkeypatch):
    """Count every call of normalize() and of the question analysis, wherever it is called from."""
    calls = {"normalize": 0, "analyse": 0}
    real_normalize = faqbot.language.normalise.normalize
    real_analyse = Analyzer.analyse_tokens

    def normalize(text):
        calls["normalize"] += 1
        return real_normalize(text)

    def analyse_tokens(self, tokens, correct=False, phrase_words=False):
        calls["analyse"] += correct
        return real_analyse(self, tokens, correct, phrase_words)

    for module in (faqbot.language.normalise, faqbot.language.query, faqbot.language.analyzer, faqbot.content.rules):
        monkeypatch.setattr(module, "normalize", normalize)
    monkeypatch.setattr(Analyzer, "analyse_tokens", analyse_tokens)
    return calls


@pytest.mark.parametrize("question", [
    "how does it work?",                      # names no subject: read once per topic
    "what are the side effects of valproate",
    "can i take magnesium with metformin",
    "she is having a sezure",                 # an emergency, found in the corrected text
    "hello",
])
def test_each_reply_normalises_and_analyses_its_question_once(bundled, monkeypatch, question):
    calls = counting(monkeypatch)
    reply = bundled.reply(question, Conversation())
    assert calls["normalize"] == 1, reply.status
    assert calls["analyse"] <= 1


def test_a_question_naming_no_topic_is_analysed_once_though_read_per_topic(bundled, monkeypatch):
    assert len(bundled._reading_topics) > 1
    calls = counting(monkeypatch)
    bundled.reply("how does it work?", Conversation())
    assert calls["analyse"] == 1


def test_query_fields(bundled):
    query = Query("  Is it SAFE with valporate?  " + "x" * 50, bundled.analyzer, max_chars=30)
    assert query.question.startswith("  Is it SAFE")
    assert query.text == "Is it SAFE with valporate?  xx"
    assert query.normalised == "is it safe with valporate? xx"
    assert query.tokens == ["is", "it", "safe", "with", "valporate", "xx"]
    assert query.corrected == "is it safe with valproate? xx"
    assert "valproat" in query.analysis.terms
    assert query.analysis is query.analysis          # computed once


@pytest.fixture(scope="module", params=[2000, 0], ids=["full", "pruned"])
def generated(request) -> Bot:
    return Bot(generated_intents(), tuning=Tuning(prune_above=request.param, prune_budget=40))


words = st.sampled_from(COMMON + RARE[:40] + ["alpha", "beta", "gamma", "zzzunknown", "how"])


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(words, min_size=1, max_size=6))
def test_readings_equal_ranking_each_topic_alone(generated, question_words):
    question = " ".join(question_words)
    topics = list(generated.matcher.topic_terms)
    result = generated.matcher.match(question, readings_of=topics)
    for topic in topics:
        alone = generated.matcher.match(question, limit=1, topic_only=topic).candidates
        assert result.readings.get(topic) == (alone[0] if alone else None)
    assert result.candidates == generated.matcher.match(question).candidates


def test_readings_of_the_bundled_topics_equal_ranking_each_topic_alone(bundled):
    rng = random.Random(4)
    vocabulary = sorted({w for i in bundled.intent_set.intents for w in i.question.lower().strip("?").split()})
    topics = bundled._reading_topics
    for _ in range(200):
        question = " ".join(rng.sample(vocabulary, rng.randint(1, 5)))
        result = bundled.matcher.match(question, readings_of=topics)
        for topic in topics:
            alone = bundled.matcher.match(question, limit=1, topic_only=topic).candidates
            assert result.readings.get(topic) == (alone[0] if alone else None), (question, topic)
