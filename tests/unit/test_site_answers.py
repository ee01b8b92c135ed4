"""A folder of many subjects (a slice of the generated medicine site): the medicine a question
names picks the page, typos included; naming none asks which one; never a guess."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from conftest import examples
from faqbot.bot import Bot, Conversation, Status
from faqbot.content.intents import bundled_intents
from tests.sites import site_intents


@pytest.fixture(scope="module")
def bot(tmp_path_factory):
    return Bot.from_folder(site_intents(tmp_path_factory.mktemp("site"), 40), cache=False)


def page(reply) -> str:
    return reply.intent.source.file if reply.intent is not None else None


@pytest.mark.parametrize("question, expected", [
    ("what is paracetamol used for", ("0000-paracetamol.md", "Usage")),
    ("paracetmol side effects", ("0000-paracetamol.md", "Side Effects")),
    ("amoxicilin dose", ("0003-amoxicillin.md", "Dosage")),
    ("how does sertarline work", ("0006-sertraline.md", "How it Works")),
    ("diclofenac + paracetamol + serratiopeptidase dose",
     ("0001-diclofenac-paracetamol-serratiopeptidase.md", "Dosage")),
    ("can i take ibuprofen with paracetamol", ("0016-ibuprofen-paracetamol.md", "FAQs")),
    ("is magnesium valporate safe in pregnancy", ("0008-magnesium-valproate.md", "FAQs")),
])
def test_the_named_medicine_picks_its_page(bot, question, expected):
    reply = bot.reply(question)
    assert reply.status == Status.ANSWERED, reply.text
    assert (reply.intent.source.file, reply.intent.source.section) == expected


def test_a_question_naming_no_medicine_is_asked_which_one_never_guessed(bot):
    reply = bot.reply("is it safe to take while pregnant")
    assert reply.status == Status.CLARIFY and reply.intent is None
    assert reply.reason.kind == "no-medicine"
    assert reply.text.startswith("Which medicine do you mean? Please ask again with its name")
    assert reply.text.endswith(bot.disclaimer)
    # the example is this very question asked of a page, with its medicine's name
    example = reply.text.split('for example: "', 1)[1].split('"', 1)[0]
    assert "pregnan" in example.lower() and example in {i.question for i in bot.intent_set.intents}


@pytest.mark.parametrize("question", ["what is the capital of peru", "who won the football last night"])
def test_a_question_about_nothing_the_pages_know_is_a_fallback_not_which_medicine(bot, question):
    reply = bot.reply(question)
    assert reply.status == Status.FALLBACK and reply.reason.kind == "unknown-words"
    assert reply.text.startswith("I'm sorry, I can't answer that from my documents.")
    assert reply.text.endswith(bot.disclaimer)


@pytest.mark.parametrize("follow_up, section, words", [
    ("i missed a dose what should i do", "FAQs", "nearly time for the next dose"),
    ("is it safe during pregnancy", "FAQs", "pregnancy"),
    ("how does it work", "How it Works", "stops bacteria"),
])
def test_a_follow_up_reads_the_conversations_medicine(bot, follow_up, section, words):
    conversation = Conversation()
    assert page(bot.reply("what is amoxicillin used for", conversation)) == "0003-amoxicillin.md"
    reply = bot.reply(follow_up, conversation)
    assert reply.status == Status.ANSWERED and page(reply) == "0003-amoxicillin.md"
    assert reply.intent.source.section == section and words in reply.text


def test_two_medicines_without_a_page_together_offer_each_page(bot):
    reply = bot.reply("can i take tramadol with my sertraline")
    assert reply.status == Status.CLARIFY and reply.reason.kind == "unpaired-medicines"
    assert reply.text.startswith("I have no page about tramadol and sertraline together")
    assert reply.suggestions == ["Can I take tramadol with other medications?",
                                 "Can I take sertraline with other medications?"]


def test_a_word_of_many_names_offers_the_likeliest_few_as_numbered_options(bot):
    conversation = Conversation()
    reply = bot.reply("magnesium", conversation)
    assert reply.status == Status.CLARIFY and reply.reason.kind == "several-subjects"
    assert len(reply.options) == 3
    assert {o.topic for o in reply.options} <= {"magnesium hydroxide", "magnesium oxide", "magnesium sulfate",
                                                  "magnesium valproate"}
    assert "  1. " in reply.text and "  3. " in reply.text
    chosen = bot.reply("2", conversation)
    assert chosen.status == Status.ANSWERED and chosen.intent == reply.options[1]


def test_replies_name_a_few_topics_not_all_of_them(bot):
    reply = bot.reply("hello")
    assert "40 subjects, such as paracetamol, diclofenac + paracetamol + serratiopeptidase and" in reply.text
    assert len(reply.text) < 1000


def test_the_bundled_folder_keeps_its_two_topic_behaviour():
    bundled = Bot.from_folder(bundled_intents())
    assert bundled.entities is None
    assert bundled.reply("how does it work").reason.kind == "two-topics"     # topic readings decide


@settings(max_examples=examples(60), deadline=None)
@given(st.text(max_size=80))
def test_any_input_gets_one_reply_ending_with_the_disclaimer(bot, text):
    reply = bot.reply(text)
    assert reply.text.endswith(bot.disclaimer)
    assert reply.status in set(Status)


@pytest.mark.parametrize("message", ["kill myselfA", "i want to kill myslef", "going to hurt himselff"])
def test_a_typo_of_a_word_the_rules_write_with_an_optional_space_is_still_an_emergency(bot, message):
    # the site's documents never use "myself": the rules' own words are what typos are read against
    assert bot.reply(message).status == Status.EMERGENCY


def test_the_example_of_asking_with_a_name_always_names_a_medicine(bot):
    # the site's FAQ "What should I do if I miss a dose?" names none: it is no example of naming one
    reply = bot.reply("what should i do if i miss a dose")
    example = reply.text.split('for example: "', 1)[1].split('"', 1)[0]
    assert example != "What should I do if I miss a dose?"
    first = bot.entities.document_of(0)
    assert any(" ".join(name) in " ".join(example.lower().replace("-", " ").split()) for name in first.names)
