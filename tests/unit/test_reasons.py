"""Every reply has a Status and a Reason: the decision path, told in kinds, details and sentences,
and shown by /why, ask --explain and the batch record."""

from __future__ import annotations

import json

import pytest

from faqbot import messages
from faqbot.bot import STATUSES, Bot, Conversation, Reason, Status
from faqbot.matching.tuning import DEFAULT
from faqbot.content.rules import SafetyRules
from faqbot.explain import explain

ANSWER_THRESHOLD = DEFAULT.answer_threshold


def test_status_is_an_enum_of_plain_strings_including_error():
    assert [s.value for s in Status] == ["answered", "clarify", "fallback", "smalltalk", "emergency", "error"]
    assert STATUSES == tuple(Status)
    assert Status.ANSWERED == "answered" and str(Status.CLARIFY) == "clarify" and f"{Status.ERROR}" == "error"
    assert json.dumps({"status": Status.FALLBACK}) == '{"status": "fallback"}'


def test_an_answer_says_its_score_reached_the_threshold(tea_bot):
    reply = tea_bot.reply("how do I brew coffee")
    assert reply.status is Status.ANSWERED
    assert reply.reason.kind == "matched"
    assert reply.reason.get("intent") == "coffee-brew"
    assert reply.reason.get("threshold") == ANSWER_THRESHOLD
    assert reply.reason.text == f"score {reply.score:.1f} reaches the answer threshold {ANSWER_THRESHOLD:g}"


def test_a_weak_match_says_its_score_and_the_threshold(tea_bot):
    reply = tea_bot.reply("caffeine in cola")
    assert reply.status is Status.FALLBACK
    assert reply.reason.kind == "below-threshold"
    assert reply.reason.get("score") == round(reply.score, 1) < ANSWER_THRESHOLD
    assert reply.reason.text == "best score 39.9 is below the answer threshold 42 (tea-caffeine)"


def test_no_shared_word_and_empty_input_have_their_own_reasons(tea_bot):
    assert tea_bot.reply("zebra quantum").reason.kind == "no-candidate"
    empty = tea_bot.reply("?!")
    assert (empty.status, empty.reason.kind, empty.reason.text) == (Status.FALLBACK, "empty", "no words to match")


def test_two_topics_name_the_topics(tea_bot):
    reply = tea_bot.reply("how do I brew it")
    assert reply.status is Status.CLARIFY
    assert reply.reason.kind == "two-topics"
    assert set(reply.reason.get("topics")) == {"green tea", "coffee"}
    assert reply.reason.text in ("no subject named, and the question fits green tea and coffee",
                                 "no subject named, and the question fits coffee and green tea")


def test_a_chosen_option_and_small_talk_say_so(tea_bot):
    conversation = Conversation()
    tea_bot.reply("how do I brew it", conversation)
    chosen = tea_bot.reply("2", conversation)
    assert chosen.reason.kind == "chosen-option" and chosen.reason.get("option") == 2
    assert chosen.reason.text == "chosen option 2 of those offered in the previous turn"
    hello = tea_bot.reply("hello")
    assert (hello.status, hello.reason.kind, hello.reason.text) == (Status.SMALLTALK, "smalltalk", "small talk: greeting")


def test_an_unexplained_word_is_named(bundled_bot):
    """With no subject named, a content word the best answer does not explain is the real subject:
    the fallback names it, even though the score would have been enough."""
    reply = bundled_bot.reply("does lamotrigine cause a rash")
    assert reply.status is Status.FALLBACK and reply.score >= ANSWER_THRESHOLD
    assert (reply.reason.kind, reply.reason.get("word")) == ("unknown-word", "lamotrigin")
    assert reply.reason.text == ("no subject named, and the best answer (valproate-common-side-effects) "
                                 "leaves the word 'lamotrigin' unexplained")


def test_rules_name_themselves(tmp_path, tea_folder):
    (tea_folder / "safety.yaml").write_text(
        "message: Call for help now.\nrules:\n  - id: scald\n    when: a scald\n    patterns: [scalded]\n", encoding="utf-8")
    (tea_folder / "scope.yaml").write_text(
        "message: I cannot help with prices.\nrules:\n  - id: price\n    when: prices\n    patterns: [price]\n", encoding="utf-8")
    bot = Bot.from_folder(tea_folder)
    emergency = bot.reply("I scalded my hand with green tea")
    assert emergency.status is Status.EMERGENCY
    assert (emergency.reason.kind, emergency.reason.get("rule")) == ("emergency-rule", "scald")
    assert emergency.reason.text == "emergency rule scald (a scald)"
    declined = bot.reply("what is the price of green tea")
    assert declined.status is Status.FALLBACK
    assert (declined.reason.kind, declined.reason.get("rule")) == ("out-of-scope-rule", "price")
    assert declined.reason.text == "out-of-scope rule price (prices)"


def test_explain_and_the_record_show_the_reason(tea_bot):
    reply = tea_bot.reply("how do I brew coffee")
    assert explain(reply)[1] == f"reason: {reply.reason.text}"
    record = reply.record()
    assert record["reason"] == reply.reason.text and record["status"] == "answered"
    assert type(record["status"]) is str


def test_reason_is_a_small_readable_value():
    reason = Reason.of("below-threshold", "best score 30.0 is below", score=30.0, threshold=42.0)
    assert str(reason) == "best score 30.0 is below"
    assert reason.get("score") == 30.0 and reason.get("missing", "d") == "d"
    assert reason == Reason.of("below-threshold", "best score 30.0 is below", score=30.0, threshold=42.0)
    hash(reason)


@pytest.mark.parametrize("question", ["how do I brew coffee", "hello", "zebra", "", "how do I brew it"])
def test_every_reply_has_a_reason(tea_bot, question):
    reply = tea_bot.reply(question)
    assert isinstance(reply.status, Status)
    assert isinstance(reply.reason, Reason) and reply.reason.text


def test_messages_fill_the_replies(tea_bot):
    """The reply texts are the messages module's templates, filled."""
    fallback = tea_bot.reply("zebra quantum").text
    assert fallback.startswith(messages.FALLBACK.format(topics="green tea and coffee"))
    assert messages.FALLBACK_ELSEWHERE in fallback
    assert messages.and_list([]) == "nothing yet"
    assert messages.and_list(["a", "b", "c"]) == "a, b and c"


def test_hypothesis_profiles_are_registered():
    """conftest registers a deterministic 'ci' profile (more examples) and a 'dev' one."""
    from hypothesis import settings

    from conftest import examples

    ci, dev = settings.get_profile("ci"), settings.get_profile("dev")
    assert ci.derandomize and not dev.derandomize
    assert ci.max_examples > dev.max_examples
    # a property's own budget follows the loaded profile
    assert examples(40) == 40 * settings.default.max_examples // 100
