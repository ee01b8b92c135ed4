"""The per-question shortcuts of a reply give exactly what the long way gives: each is checked
against the plain computation it replaces, on any input (hypothesis) and on every question set.

- triage's fold skips a step when the text lacks what the step undoes;
- triage reads a sentence with no typo to fix once for both its readings;
- a question's spelling correction rewrites the text only when a word changes;
- a folder rule consulted often enough gets a pre-filter, which never turns away a sentence the
  rule meets;
- the matcher's character term uses a plain ratio where token_sort_ratio would sort nothing,
  a topic's reading reuses the candidates the question's ranking already scored, and only the
  candidates returned are built.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings, strategies as st

from conftest import examples
from tests.questionsets import questions_in_test_data
from faqbot.bot import Bot
from faqbot.cli import bundled_intents
from faqbot.content import rules as rules_module
from faqbot.language.normalise import WORD, normalize
from faqbot.matching import matcher as matcher_module
from faqbot.safety import reading
from faqbot.safety.builtin import builtin_layer



@pytest.fixture(scope="module")
def bot() -> Bot:
    return Bot.from_folder(bundled_intents(), cache=False)


def _questions() -> list[str]:
    layer = builtin_layer()
    return questions_in_test_data() + [m for rule in layer.rules for m in (*rule.fires, *rule.never)]


QUESTIONS = _questions()

# Text made of what the fold undoes: digits and signs inside words, spaced and repeated letters,
# "!" and "|" between letters, apostrophes, look-alike letters.
_PIECES = st.sampled_from(["s e i z u r e", "se1zure", "t00k", "50", "p1lls", "h@d", "$ome", "k!ll", "su|c|de",
                           "sooooo", "helllp", "can't", "he's", "im", "\u0441\u0435izure", "fitting", "10mg",
                           "5mins", "a", "b", "!", "|", "'", ".", "-", " ", "now", "took", "tablets"])


def _fold_the_long_way(text: str) -> str:
    """``reading.fold`` with every step run whatever the text holds."""
    import unicodedata

    text = normalize(text)
    if not text.isascii():
        text = text.translate(reading.HOMOGLYPHS)
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
        text = unicodedata.normalize("NFKC", text)
    text = reading._SIGN_LETTER.sub("i", text)
    text = reading._MIXED.sub(reading._unleet, text)
    text = reading._SPACED_LETTERS.sub(lambda m: re.sub(r"[ .\-*_]", "", m.group()), text)
    text = reading._REPEATS.sub(r"\1\1", text)
    return reading._APOSTROPHE.sub("", text)


@settings(max_examples=examples(400), deadline=None)
@given(st.lists(_PIECES, min_size=1, max_size=12).map("".join))
def test_the_fold_skips_only_steps_that_would_change_nothing(text):
    assert reading.fold(text) == _fold_the_long_way(text)


def test_the_fold_of_every_question_is_the_long_ways():
    for question in QUESTIONS:
        assert reading.fold(question) == _fold_the_long_way(question), question


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(st.sampled_from(["siezure", "ceasure", "convulsng", "he", "is", "having", "a", "seizure", "now",
                                 "fifteen", "tablets", ".", "?", "twenty", "five", "one"]), min_size=1, max_size=14))
def test_both_readings_of_a_message_are_its_two_clause_lists(words):
    layer = builtin_layer()
    text = " ".join(words)
    fixed, typed = reading.clauses_both(text, layer.typos)
    assert [(c.text, c.tokens) for c in fixed] == [(c.text, c.tokens) for c in reading.clauses(text, layer.typos)]
    assert [(c.text, c.tokens) for c in typed] == [(c.text, c.tokens) for c in reading.clauses(text)]


def test_both_readings_of_every_question_are_its_two_clause_lists():
    layer = builtin_layer()
    for question in QUESTIONS:
        fixed, typed = reading.clauses_both(question, layer.typos)
        assert [c.text for c in fixed] == [c.text for c in reading.clauses(question, layer.typos)], question
        assert [c.text for c in typed] == [c.text for c in reading.clauses(question)], question


def _corrected_the_long_way(analyzer, normalised: str) -> str | None:
    changed = False

    def fix(found):
        nonlocal changed
        word = found.group(0)
        better = analyzer.correct(word) if len(word) > 3 else None
        better = word if better is None else better
        changed = changed or better != word
        return better

    fixed = WORD.sub(fix, normalised)
    return fixed if changed else None


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(st.sampled_from(["valporate", "valproate", "sezure", "magnesum", "the", "dose", "it's",
                                 "side", "efects", "eff", "pregnent", "?", ",", "2", "x"]), min_size=1, max_size=10))
def test_a_question_is_corrected_as_word_by_word_substitution_would(bot, words):
    normalised = normalize(" ".join(words))
    assert bot.analyzer.corrected_normalised(normalised) == _corrected_the_long_way(bot.analyzer, normalised)


def test_a_folder_rule_with_its_pre_filter_meets_exactly_the_sentences_it_met_without(bot):
    rules = [*bot.triage.folder.rules, *bot.scope.rules]
    assert rules
    sentences = set()
    for message in QUESTIONS + [m for rule in rules for m in (*rule.fires, *rule.never)]:
        normalised = normalize(message)
        sentences.add(normalised)
        sentences.update(s.strip() for s in reading.SENTENCE_BREAK.split(normalised) if s.strip())
        sentences.update(c.text for c in reading.clauses(message, builtin_layer().typos))
    met = 0
    for rule in rules:
        screened = rules_module.Rule(rule.id, rule.when, rule.patterns, rule.unless)
        screened._consulted = rules_module.SCREEN_AFTER
        for sentence in sorted(sentences):
            expected = (any(p.search(sentence) for p in rule.patterns)
                        and not any(p.search(sentence) for p in rule.unless))
            assert screened.matches(sentence) == expected, (rule.id, sentence)
            met += expected
        assert screened._screen is not None and screened._screen.literals   # it does filter
    assert met > 20        # the cases do exercise the rules


def test_a_rule_gets_its_pre_filter_only_after_being_consulted_often(bot):
    rule = bot.triage.folder.rules[0]
    fresh = rules_module.Rule(rule.id, rule.when, rule.patterns, rule.unless)
    for _ in range(rules_module.SCREEN_AFTER - 1):
        fresh.matches("how much should i take")
    assert fresh._screen is None
    fresh.matches("how much should i take")
    assert fresh._screen is not None


def test_the_character_term_is_what_token_sort_ratio_gives(bot, monkeypatch):
    """The same candidates, scores and readings with the plain ratio replaced by token_sort_ratio."""
    from rapidfuzz import fuzz

    def read(question):
        result = bot.matcher.match(question, readings_of=bot._reading_topics)
        return ([(c.intent.id, c.score, c.phrasing, c.matched_terms, c.reversed_relation) for c in result.candidates],
                {t: (c.intent.id, c.score, c.matched_terms) for t, c in result.readings.items()})

    questions = QUESTIONS[:600]
    shortcut = [read(q) for q in questions]
    monkeypatch.setattr(matcher_module.fuzz, "ratio", fuzz.token_sort_ratio)
    assert [read(q) for q in questions] == shortcut


def test_a_topics_reading_is_the_topic_only_ranking(bot):
    """A reading reuses the question's scored candidates: it is what ranking that topic alone gives."""
    checked = 0
    for question in QUESTIONS[:400]:
        result = bot.matcher.match(question, readings_of=bot._reading_topics)
        for topic, reading_candidate in result.readings.items():
            alone = bot.matcher.match(question, limit=1, topic_only=topic).candidates[0]
            assert (reading_candidate.intent.id, reading_candidate.score, reading_candidate.matched_terms) == \
                   (alone.intent.id, alone.score, alone.matched_terms), (question, topic)
            assert reading_candidate is not alone
            checked += 1
    assert checked > 100


def test_fewer_candidates_asked_for_are_the_first_of_the_longer_ranking(bot):
    """Only the candidates returned are built: asking for fewer gives the first of the full list."""
    def read(candidates):
        return [(c.intent.id, c.score, c.phrasing, c.matched_terms, c.reversed_relation) for c in candidates]

    longest = bot.tuning.character_candidates
    for question in QUESTIONS[:400]:
        full = read(bot.matcher.match(question, limit=longest).candidates)
        for limit in (1, 5):
            assert read(bot.matcher.match(question, limit=limit).candidates) == full[:limit], question
