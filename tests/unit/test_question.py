"""The question inside a message (language.question), spelling and number readings, stem merges
and the lexicon lint: the pieces issue 12 added below the Bot, each tested on its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from faqbot.content.lexicon import lint_lexicon
from faqbot.language.analyzer import Analyzer, stem_merges
from faqbot.language.lexicon import Lexicon
from faqbot.language.normalise import fold_spelling, reading
from faqbot.language.question import (activity_name, activity_words, asks, context_words, reason_words, relation,
                                      separate_questions, strip_glue)


@pytest.mark.parametrize("british,american", [("hypomagnesaemia", "hypomagnesemia"), ("paediatric", "pediatric"),
                                              ("foetus", "fetus"), ("diarrhoea", "diarrhea"),
                                              ("oedema", "edema"), ("anaemia", "anemia")])
def test_british_and_american_spellings_read_alike(british, american):
    assert reading(british) == reading(american)


def test_ize_and_ise_fold_to_ise_so_normalize_never_stems_to_normal():
    assert fold_spelling("normalize") == fold_spelling("normalise") == "normalise"
    assert fold_spelling("stabilizing") == "stabilising"
    analyzer = Analyzer(Lexicon(), [])
    assert analyzer.terms("normalize") != analyzer.terms("normal")


@pytest.mark.parametrize("adjective,noun", [("stable", "stability"), ("viable", "viability"),
                                             ("liable", "liability"), ("stable", "stabilities")])
def test_an_adjective_in_able_meets_its_noun_in_ability(adjective, noun):
    """The stemmer keeps a short stem's -ability apart ("stabil" / "stabl"); the fold joins them,
    and leaves the -ility of other adjectives ("mobility", "mobile": both "mobil") alone."""
    analyzer = Analyzer(Lexicon(), [])
    assert analyzer.terms(adjective) == analyzer.terms(noun)
    assert analyzer.terms("mobility") == analyzer.terms("mobile")


def test_an_adjective_finds_the_answer_that_uses_its_noun(bundled_bot):
    reply = bundled_bot.reply("how does magnesium keep neurons stable")
    assert (reply.status, reply.intent.id) == ("answered", "hypomagnesemia-mechanisms")


@pytest.mark.parametrize("word", ["size", "seize", "does", "toes", "poetry", "advise", "aerobic"])
def test_short_and_unrelated_words_keep_their_spelling(word):
    assert fold_spelling(word) == word


def test_number_words_read_as_digits_but_one_stays_a_word():
    assert [reading(w) for w in ["two", "twelve", "twice", "2", "one"]] == ["2", "12", "2", "2", "one"]
    analyzer = Analyzer(Lexicon(), [])
    assert analyzer.terms("i missed 2 doses") == analyzer.terms("i missed two doses")


def test_a_stem_merge_never_changes_an_everyday_word():
    """'several' stems like 'severe', 'medical' like 'medication': they keep their own stems,
    while forms of a group member ('causing', 'using') still join it."""
    groups = [["serious", "severe"], ["medication", "medicine"], ["cause", "trigger"], ["use", "uses"]]
    analyzer = Analyzer(Lexicon(groups), [])
    assert analyzer.terms("severe") == ["serious"]
    assert analyzer.terms("several") != ["serious"]
    assert analyzer.terms("medical") != analyzer.terms("medication")
    assert analyzer.terms("causing") == analyzer.terms("cause")
    assert "several" in stem_merges(tuple(w for g in groups for w in g))


@pytest.mark.parametrize("message,question", [
    ("right, next thing - can i drink on it thanks", "can i drink on it"),
    ("ok so what about pregnancy?", "what about pregnancy?"),
    ("one more question: is it addictive please", "is it addictive"),
    ("thanks", "thanks"),                       # nothing else: small talk reads it
])
def test_conversational_openers_and_closers_are_stripped(message, question):
    assert strip_glue(message) == question


def test_context_is_the_story_around_the_question():
    message = ("my dad is 68 and has taken valproate since his stroke, and lately his hands shake "
               "when he holds a cup, is that the tablets")
    context = context_words(message)
    assert {"dad", "68", "stroke", "cup"} <= set(context)
    assert "tablets" not in context
    assert context_words("what is valproate for") == []


def test_the_condition_a_story_says_the_medicine_is_for_is_a_reason_not_the_question():
    """"on prednisolone for a year for her arthritis": why she takes it, not what is asked; in the
    asking clause itself ("can i take naproxen for my back pain") it is the question."""
    assert reason_words("my mum has been on 5mg prednisolone every day for 6 years for her rheumatoid arthritis. "
                        "is it safe long term") == ["rheumatoid", "arthritis"]
    assert reason_words("he started amitriptyline for his neck, now one eye is red, is that linked?") == ["neck"]
    assert reason_words("can i take naproxen for my back pain") == []
    assert reason_words("i have been on it for 6 months. can i stop") == []       # a duration, no condition


def test_reason_terms_weigh_less_in_the_ranking(bundled_bot):
    """The matcher weighs a reason's terms at reason_factor of their weight (known words too)."""
    from faqbot.language.query import Query

    story = "my son has been on valproate for his epilepsy for years. can he drink alcohol"
    query = Query(story, bundled_bot.analyzer)
    term = bundled_bot.analyzer.terms("epilepsy")[0]
    assert query.reason_terms == {term}
    weights = bundled_bot.matcher.match(query).weights
    plain = bundled_bot.matcher.match("epilepsy valproate alcohol").weights
    assert weights[term] == pytest.approx(plain[term] * bundled_bot.tuning.reason_factor)


def test_a_clause_asks_when_it_opens_with_a_question_word_or_ends_with_a_question_mark():
    assert asks("is that the tablets") and asks("valproate and wine?")
    assert not asks("my dad is 68")


@pytest.mark.parametrize("question,cause,effect", [
    ("what causes hypomagnesemia", ("what",), ("hypomagnesemia",)),
    ("can hypomagnesemia cause seizures", ("can", "hypomagnesemia"), ("seizures",)),
    ("do seizures happen because of low magnesium", ("low", "magnesium"), ("do", "seizures", "happen")),
    ("are seizures caused by low magnesium", ("low", "magnesium"), ("are", "seizures")),
])
def test_cause_and_effect_are_read_by_direction(question, cause, effect):
    found = relation(question)
    assert (found.cause, found.effect) == (cause, effect)


def test_a_question_without_cause_and_effect_has_no_relation():
    assert relation("is valproate safe during pregnancy") is None


def test_a_pasted_block_separates_into_its_questions():
    assert separate_questions("what is it for? is it addictive? can i drink on it?") == [
        "what is it for?", "is it addictive?", "can i drink on it?"]
    assert separate_questions("what is it for\nis it addictive") == ["what is it for", "is it addictive"]
    # One question, or a story with one question mark, stays whole.
    assert separate_questions("my mum takes it, is that ok?") == ["my mum takes it, is that ok?"]
    assert separate_questions("really? ok") == ["really? ok"]


def test_the_lexicon_lint_names_everyday_words_and_broad_groups(tmp_path):
    lexicon = Lexicon([["sole", "only", "single cause"], ["aspirin", "asa"], ["drink", "drinks"]], [3, 4, 5])
    texts = ["aspirin and anemia", "aspirin dose", "aspirin with alcohol", "anemia diet"]
    findings = [str(f) for f in lint_lexicon(Path("lexicon.yaml"), lexicon, texts)]
    assert findings == [
        "lexicon.yaml:3: 'only' is an everyday word of many senses; in the group of 'sole' it always reads "
        "as 'sole' (a phrase keeps the one sense)",
        "lexicon.yaml:4: the group of 'aspirin' occurs in 3 of 4 intents, so it tells them apart poorly",
    ]
    # A group naming a topic is meant to be everywhere in it.
    assert len(lint_lexicon(Path("lexicon.yaml"), lexicon, texts, ["aspirin"])) == 1


def test_the_lexicon_lint_counts_a_group_in_every_intent_holding_any_of_its_words(tmp_path):
    """The broad-group count is the number of intents whose text holds a word of the group (each
    intent once, however many of its words it holds), read from postings, not group by intent."""
    lexicon = Lexicon([["tablet", "pill", "capsule"], ["nausea", "sickness"], ["zzz", "yyy"]], [1, 2, 3])
    texts = ["a tablet or a pill", "pills and capsules", "take it with food", "nausea after a tablet",
             "sickness and nausea", "tablets", "one capsule a day"]
    findings = [str(f) for f in lint_lexicon(Path("lexicon.yaml"), lexicon, texts)]
    assert "lexicon.yaml:1: the group of 'tablet' occurs in 5 of 7 intents, so it tells them apart poorly" in findings
    assert not any("'nausea' occurs" in f or "'zzz'" in f for f in findings)


def test_the_activity_a_permission_question_asks_about():
    assert activity_words("is it safe to drive on valproate") == ["drive"]
    assert activity_words("am i allowed to fly with it") == ["fly"]
    assert activity_words("is it ok for my son to swim") == ["swim"]
    assert activity_words("can i safely drive") == ["drive"]
    assert activity_words("can i drive on valproate", permission_only=True) == []
    # Asking how or where, or asking the bot for something, is no activity.
    assert activity_words("where can i read more about it") == []
    assert activity_words("can you tell me what it is for") == []
    assert activity_words("what is valproate for") == []


@pytest.mark.parametrize("verb,named", [("drive", "driving"), ("swim", "swimming"), ("fly", "flying"),
                                        ("store", "storing"), ("breastfeed", "breastfeeding"), ("lie", "lying"),
                                        ("visit", "visiting"), ("driving", "driving")])
def test_an_activity_is_named_by_its_ing_form(verb, named):
    assert activity_name(verb) == named
