"""The pre-filter derived from a regular expression (faqbot.patterns) never skips a text the
expression matches: on random expressions and texts, on every built-in emergency rule over the
rules' own cases (built-in and bundled folder) and every question set, and on texts made from
the rules' own words. And it does skip: most questions are never searched by most rules."""

from __future__ import annotations

import json
import pickle
import re

import pytest
from hypothesis import given, settings, strategies as st

from faqbot.bot import Bot
from faqbot.cli import bundled_intents
from faqbot.patterns import WORD_START, Prefilter, Screens, required_literals
from faqbot.safety.builtin import builtin_layer
from faqbot.safety.reading import chunks, clauses

from conftest import examples
from tests.questionsets import questions_in_test_data


# --- any expression, any text ------------------------------------------------------------------

_ALPHABET = "abc d1,"
_atoms = st.one_of(
    st.text(_ALPHABET, min_size=1, max_size=3).map(re.escape),
    st.sampled_from([".", r"\s", r"\S", r"\w", r"\d", "[ab]", "[a-c]", "[^a]", "[ ,]", r"\b", "^", "$",
                     "(?<![a-z])", "(?![a-z])", "(?=a)", "(?<=b)", "(?<![a-z0-9])", r"(?<!\w)", "(?<![a-z0-9,])"]),
)


def _expressions():
    def extend(inner):
        return st.one_of(
            st.lists(inner, min_size=2, max_size=4).map("".join),                        # sequence
            st.lists(inner, min_size=2, max_size=4).map(lambda p: "(?:" + "|".join(p) + ")"),
            st.tuples(inner, st.sampled_from(["?", "*", "+", "{2}", "{0,2}", "{1,3}", "+?", "??"]))
              .map(lambda p: "(?:" + p[0] + ")" + p[1]),
            inner.map(lambda p: "(" + p + ")"),
        )
    return st.recursive(_atoms, extend, max_leaves=12)


@settings(max_examples=examples(400), deadline=None)
@given(_expressions(), st.lists(st.text(_ALPHABET + "e", max_size=12), min_size=1, max_size=6))
def test_no_text_a_random_expression_matches_is_skipped(expression, texts):
    screen = Prefilter.of(expression)
    pattern = re.compile(expression)
    for text in texts:
        if pattern.search(text):
            assert screen.may_match(text), (expression, text, screen)


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(_expressions(), min_size=1, max_size=5), st.lists(st.text(_ALPHABET + "e", max_size=12), min_size=1,
                                                                 max_size=6))
def test_screens_read_together_answer_as_each_alone(expressions, texts):
    filters = [Prefilter.of(expression) for expression in expressions]
    screens = Screens(filters)
    for text in texts:
        assert screens.possible(text) == {k for k, f in enumerate(filters) if f.may_match(text)}, (expressions, text)


def test_screens_find_word_start_strings_by_the_first_letters_of_words():
    filters = [Prefilter(frozenset({WORD_START + "od ", WORD_START + "took "})), Prefilter(frozenset({WORD_START + "od"})),
               Prefilter(frozenset({WORD_START + ", x", "life"})), Prefilter(None)]
    screens = Screens(filters)
    for text, expected in (("i od now", {0, 1, 3}), ("odd", {1, 3}), ("mytook 2, x", {3}), ("mytook 2 , x", {2, 3}), ("wildlife", {2, 3}),
                           ("he took 20", {0, 3}), ("", {3})):
        assert screens.possible(text) == expected == {k for k, f in enumerate(filters) if f.may_match(text)}, text


@pytest.mark.parametrize("literals", [None, frozenset({"od"}), frozenset({WORD_START + "took ", "life"})])
def test_a_prefilter_pickles_back_to_the_same_screen(literals):
    """A compiled index keeps its folder rules' pre-filters; one that requires nothing (None) must
    come back from the index letting every text through, not without its attributes."""
    original = Prefilter(literals)
    copy = pickle.loads(pickle.dumps(original))
    assert copy.literals == original.literals
    for text in ("", "i od now", "he took 20", "wildlife", "nothing here"):
        assert copy.may_match(text) == original.may_match(text), text


def test_literals_are_derived_from_the_expression():
    assert required_literals(r"(?<![a-z])(?:seizures?|fits?)(?![a-z])") == {"seizure", "fit"}
    assert required_literals(r"took (?:10|20) tablets") == {"took 10 tablets", "took 20 tablets"}
    assert required_literals(r"(?:a|b)?c") == {"c"}
    assert required_literals(r"\d+ mg") == {" mg"}
    # Nothing is required of these: the pre-filter lets every text through.
    for expression in (r"\w+", "(?:seizure)?", "seizure|.", "(?i)seizure", "[^a]+"):
        assert required_literals(expression) is None, expression
    assert Prefilter.of(r"\w+").may_match("anything")


def test_a_string_that_begins_a_word_is_looked_for_at_word_starts_only():
    rule = r"(?<![a-z0-9])(?:(?:ate|took) \d+|(?:my|his) (?:\S+ ){0,3}(?:ate|had) pills)(?![a-z0-9])"
    # ("ate pills" holds "ate ", found whenever it is)
    assert required_literals(rule) == {WORD_START + "ate ", WORD_START + "took ", WORD_START + "had pills"}
    assert required_literals(r"a (?:\S+ ){0,3}ate") == {WORD_START + "ate"}   # after a space, however many words
    assert required_literals(r"a\S*ate") == {"ate"}                           # maybe inside a word
    assert required_literals(r"(?<![a-z])ate") == {"ate"}                      # a digit may come before
    screen = Prefilter.of(rule)
    assert not screen.may_match("valproate 200 mg, mytook 2")
    assert screen.may_match("ate 20") and screen.may_match("she, ate 20") and screen.may_match("valproate, ate 20")
    assert required_literals("(?<![a-z0-9])\x00ate") is None                 # the mark itself: no pre-filter


# --- the rules shipped with faqbot, over their own cases and every question set ---------------------

def _messages() -> list[str]:
    layer = builtin_layer()
    found = [m for rule in layer.rules for m in (*rule.fires, *rule.never)]
    bot = Bot.from_folder(bundled_intents(), cache=False)
    for rule in (*bot.triage.folder.rules, *bot.scope.rules):
        found += [*rule.fires, *rule.never]
    return found + questions_in_test_data()


@pytest.fixture(scope="module")
def readings() -> list[str]:
    """Every message as triage reads it: each clause, typo-fixed and not, and the whole folded text."""
    layer = builtin_layer()
    texts = set()
    for message in _messages():
        for piece in chunks(message):
            for typos in (layer.typos, None):
                found = clauses(piece, typos)
                texts.update(c.text for c in found)
                texts.add(" . ".join(c.text for c in found))
    return sorted(texts)


def _rule_patterns():
    for rule in builtin_layer().rules:
        yield rule.id + ":mentions", rule.mentions, rule.mention_screen
        yield rule.id + ":mentions+acting", rule.mentions, rule.screen
        if rule.acting is not None:
            yield rule.id + ":acting", rule.acting, rule.screen
        if rule.anaphora is not None:
            yield rule.id + ":anaphora", rule.anaphora, rule.anaphora_screen
        if rule.with_ is not None:
            yield rule.id + ":with", rule.with_, rule.with_screen


def test_the_layer_reads_every_rules_screen_in_one_pass(readings):
    layer = builtin_layer()
    for text in readings:
        assert layer.screens.possible(text) == {k for k, r in enumerate(layer.rules) if r.screen.may_match(text)}, text


def test_no_built_in_rule_is_skipped_where_it_matches(readings):
    searched = 0
    for name, pattern, screen in _rule_patterns():
        for text in readings:
            if pattern.search(text):
                searched += 1
                assert screen.may_match(text), (name, text)
    assert searched > 100          # the cases do exercise the rules


def _words_of_rules() -> list[str]:
    words = set()
    for _name, pattern, _screen in _rule_patterns():
        words.update(re.findall(r"[a-z]+", pattern.pattern))
    return sorted(words)


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(st.sampled_from(_words_of_rules() + ["i", "my", "son", "is", "now", "10", "30", ","]),
                min_size=1, max_size=10))
def test_texts_made_of_the_rules_own_words_are_never_skipped_where_a_rule_matches(words):
    text = " ".join(words)
    for name, pattern, screen in _rule_patterns():
        if pattern.search(text):
            assert screen.may_match(text), (name, text)


def test_most_rules_are_skipped_on_an_ordinary_question():
    text = clauses("can i drink alcohol while taking magnesium valproate")[0].text
    skipped = [r.id for r in builtin_layer().rules if not r.may_occur(text, set())]
    assert len(skipped) >= len(builtin_layer().rules) - 2, skipped


# --- the shipped table of literals (tools/make_emergency_literals.py) -------------------------------

def test_the_shipped_literals_table_is_current():
    """Fails after an edit of emergency.yaml until `python tools/make_emergency_literals.py` is run."""
    from faqbot.safety.builtin import BUILTIN_PATH, LITERALS_PATH, literals_table, load_layer

    shipped = json.loads(LITERALS_PATH.read_text(encoding="utf-8"))["literals"]
    assert shipped == literals_table(load_layer(BUILTIN_PATH)), "run: python tools/make_emergency_literals.py"


def test_an_expression_the_table_does_not_list_is_derived_and_compiled_at_load(tmp_path):
    from faqbot.errors import DataFileError
    from faqbot.patterns import LazyPattern
    from faqbot.safety.builtin import BUILTIN_PATH, load_layer

    text = BUILTIN_PATH.read_text(encoding="utf-8")
    edited = tmp_path / "emergency.yaml"
    edited.write_text(text.replace("    (?:seizure|seizures|fit|fits|", "    (?:seizure|seizures|fitz|fit|fits|", 1),
                      encoding="utf-8")
    layer = load_layer(edited)
    rule = next(r for r in layer.rules if r.id == "seizure-now")
    assert isinstance(rule.mentions, re.Pattern)                 # not in the table: compiled at load
    assert "fitz" in rule.mentions.pattern and rule.mention_screen.may_match("fitz")
    shipped = next(r for r in load_layer(BUILTIN_PATH).rules if r.id == "breathing")
    assert isinstance(shipped.mentions, LazyPattern)             # in the table: compiled when first used
    broken = tmp_path / "broken.yaml"
    broken.write_text(text.replace("    (?:seizure|seizures|fit|fits|", "    (?:seizure|seizures|(fit|fits|", 1),
                      encoding="utf-8")
    with pytest.raises(DataFileError, match="invalid regular expression"):
        load_layer(broken)


# --- one fold of the message serves triage and the conversation memory -------------------------------

@settings(max_examples=examples(200), deadline=None)
@given(st.lists(st.sampled_from(_words_of_rules() + ["he", "is", "having", "another", "one", "now", ".", "?",
                                                     "s e i z u r e", "se1zure", "fitz", "\u0441"]),
                min_size=1, max_size=12))
def test_the_assessment_names_the_episodes_the_memory_would_read(words):
    from faqbot.safety import Triage

    triage = Triage()
    message = " ".join(words)
    assert triage.assess(message).episodes == triage.episodes_in(message)


def test_the_assessment_names_the_episodes_of_every_case():
    from faqbot.safety import Triage

    triage = Triage()
    for message in _messages():
        assert triage.assess(message).episodes == triage.episodes_in(message), message
