"""Whatever a patient types, they get a proper reply that ends with the disclaimer, quickly.

Hostile and unusual questions (empty, huge, control characters, escapes, NUL, emoji, right-to-left
text, other languages) are tried by name, then hypothesis tries arbitrary Unicode through each
way in: the Bot itself, the REPL loop and batch.
"""

from __future__ import annotations

import io
import json
import re
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from conftest import ONE_INTENT, write_folder
from faqbot.bot import Bot, MAX_QUESTION_CHARS, STATUSES
from faqbot.cli import main
from faqbot.repl import run_repl
from conftest import examples

# What must never reach a terminal raw: C0/C1 controls except newline and tab, bidi controls.
RAW_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

HOSTILE = {
    "empty": "",
    "whitespace": " \t\n\r\u00a0\u2003 ",
    "one megabyte": "side effects " * (1024 * 1024 // 13),
    "one long word": "x" * 1_000_000,
    "control characters": "side\x01\x02\x07 effects\x08\x7f\x9b",
    "ansi colour": "\x1b[31mside effects\x1b[0m",
    "screen clear and title": "\x1b[2J\x1b]0;owned\x07can I drink alcohol",
    "nul bytes": "alcohol\x00\x00\x00",
    "only nul": "\x00",
    "emoji": "\U0001f48a\U0001f48a\U0001f622 side effects? \U0001f937\u200d\u2640\ufe0f",
    "right to left": "\u05de\u05d4 \u05d4\u05ea\u05d5\u05e4\u05e2\u05d5\u05ea \u05d4\u05dc\u05d5\u05d5\u05d0\u05d9",
    "bidi override": "\u202eside effects\u202c",
    "arabic": "\u0645\u0627 \u0647\u064a \u0627\u0644\u0622\u062b\u0627\u0631 \u0627\u0644\u062c\u0627\u0646\u0628\u064a\u0629\u061f",
    "chinese": "\u526f\u4f5c\u7528\u662f\u4ec0\u4e48\uff1f",
    "spanish": "\u00bfCu\u00e1les son los efectos secundarios del valproato?",
    "combining marks": "e\u0301" * 5000 + " alcohol",
    "lone surrogate": "alcohol \ud800",
    "only punctuation": "?!?!...,,,;;",
    "carriage returns": "fake\rline\r\nside effects",
    "numbers only": "1",
    "sql and shell": "'; DROP TABLE intents; -- $(rm -rf ~) `reboot`",
}


TINY_DISCLAIMER = "Not medical advice."


@pytest.fixture(scope="module")
def tiny_folder(tmp_path_factory):
    """A one-intent folder that loads in milliseconds, for properties that start the CLI each time."""
    return write_folder(tmp_path_factory.mktemp("tiny"),
                        {"tea.yaml": ONE_INTENT, "bot.yaml": f"disclaimer: {TINY_DISCLAIMER}\n"})


@pytest.mark.parametrize("question", HOSTILE.values(), ids=HOSTILE.keys())
def test_every_hostile_question_gets_a_proper_reply_quickly(bundled_bot, question):
    started = time.perf_counter()
    reply = bundled_bot.reply(question)
    assert time.perf_counter() - started < 2.0
    assert reply.status in STATUSES
    assert reply.text.endswith(bundled_bot.disclaimer)
    assert reply.text.strip() != bundled_bot.disclaimer  # something is said before it


def test_a_blank_question_is_asked_to_type_one_not_matched(bundled_bot):
    for question in ("", "   ", "\x00", "\x1b[0m"):
        reply = bundled_bot.reply(question)
        assert reply.status == "fallback"
        assert reply.text.startswith("Please type a question")


def test_a_huge_paste_is_truncated_for_matching_not_rejected(bundled_bot):
    question = "Can I drink alcohol while taking magnesium valproate? " + "blah " * 200_000
    reply = bundled_bot.reply(question)
    assert reply.status == "answered"
    assert reply.intent.id == "valproate-alcohol"
    assert reply.question == question  # the record keeps what was asked
    assert len(question) > 100 * MAX_QUESTION_CHARS


def test_escape_sequences_do_not_change_the_answer(bundled_bot):
    plain = bundled_bot.reply("can I drink alcohol with valproate")
    dressed = bundled_bot.reply("\x1b[1mcan I drink\x1b[0m alcohol\x07 with valproate\x1b]0;x\x07")
    assert (dressed.status, dressed.intent) == (plain.status, plain.intent)


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_property_the_bot_always_replies_with_the_disclaimer(bundled_bot, question):
    reply = bundled_bot.reply(question)
    assert reply.status in STATUSES
    assert isinstance(reply.text, str) and reply.text.endswith(bundled_bot.disclaimer)


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.text(), min_size=1, max_size=4))
def test_property_a_conversation_of_arbitrary_turns_always_replies(bundled_bot, questions):
    from faqbot.bot import Conversation

    conversation = Conversation()
    for question in questions:
        assert bundled_bot.reply(question, conversation).text.endswith(bundled_bot.disclaimer)


# --- the REPL loop --------------------------------------------------------------------------


def type_at_prompt(bot: Bot, keys: str) -> tuple[int, list[str], list]:
    """Type ``keys`` and then close the input (as a terminal hang-up would): status, shown, replies."""
    shown, replies = [], []
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        pipe.close()
        status = run_repl(bot, input=pipe, output=DummyOutput(), write=shown.append, on_reply=replies.append)
    return status, shown, replies


@pytest.mark.parametrize("question", [q for q in HOSTILE.values() if len(q) < 10_000 and "\ud800" not in q],
                         ids=[k for k, q in HOSTILE.items() if len(q) < 10_000 and "\ud800" not in q])
def test_the_repl_survives_each_hostile_line(bundled_bot, question):
    status, shown, replies = type_at_prompt(bundled_bot, question + "\r" + "is it addictive?\r")
    assert status == 0
    assert replies and all(r.text.endswith(bundled_bot.disclaimer) for r in replies)
    assert not any(RAW_CONTROL.search(text) for text in shown)


def test_the_repl_answers_a_long_paste(bundled_bot):
    """Pasted, as a terminal sends it (bracketed paste); typed key by key it would take minutes."""
    status, shown, replies = type_at_prompt(bundled_bot, "\x1b[200~" + "side effects " * 5000 + "\x1b[201~\r")
    assert status == 0 and len(replies) == 1
    assert replies[0].text.endswith(bundled_bot.disclaimer)


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80))
def test_property_the_repl_always_ends_cleanly_and_shows_nothing_raw(bundled_bot, keys):
    status, shown, replies = type_at_prompt(bundled_bot, keys + "\r")
    assert status == 0
    assert shown[-1].startswith("Goodbye")
    assert all(r.text.endswith(bundled_bot.disclaimer) for r in replies)
    assert not any(RAW_CONTROL.search(text) for text in shown)


# --- batch ----------------------------------------------------------------------------------


def expected_questions(text: str) -> list[str]:
    """The txt contract: one question per line, a blank line an empty one; '#' comments skipped."""
    lines = [line.rstrip("\r") for line in text.split("\n")]
    if text.endswith("\n") or not text:
        lines.pop()  # a final newline ends the last line; it does not start another
    return [line.strip() for line in lines if not line.strip().startswith("#")]


def run_batch(text: str, *options: str) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    status = main(["batch", "-", *options], stdin=io.StringIO(text), stdout=stdout, stderr=stderr)
    return status, stdout.getvalue(), stderr.getvalue()


def test_batch_answers_every_hostile_line_in_order(bundled_bot):
    questions = [q for q in HOSTILE.values() if "\n" not in q and "\r" not in q and "\ud800" not in q]
    status, out, err = run_batch("\n".join(questions) + "\n")
    assert (status, err) == (0, "")
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["question"] for r in records] == expected_questions("\n".join(questions))
    disclaimer = bundled_bot.disclaimer
    assert all(r["answer"].endswith(disclaimer) for r in records)
    assert [r["n"] for r in records] == list(range(1, len(records) + 1))


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40), max_size=6))
def test_property_batch_gives_one_record_per_question_with_the_disclaimer(tiny_folder, lines):
    text = "\n".join(lines)
    status, out, err = run_batch(text, "--intents", str(tiny_folder))
    assert (status, err) == (0, "")
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["question"] for r in records] == expected_questions(text)
    assert all(r["answer"].endswith(TINY_DISCLAIMER) for r in records)
    assert not RAW_CONTROL.search(out)


@settings(max_examples=examples(30), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60))
def test_property_batch_text_output_shows_nothing_raw(tiny_folder, text):
    status, out, err = run_batch(text, "--format", "text", "--intents", str(tiny_folder))
    assert status == 0 and err == ""
    assert not RAW_CONTROL.search(out)


# --- emergencies in long or odd input -------------------------------------------------------


@pytest.mark.parametrize("question", [
    "Some background first. " * 5000 + "Now my child is having a seizure right now, what do I do?",
    "\x00" * 3000 + "I took too many tablets",
    " " * 5000 + "\n" * 100 + "I took too many tablets",
    "\x1b[0m" * 1000 + "my child is having a seizure right now",
], ids=["emergency after a long story", "after NUL junk", "after blank lines", "after escape junk"])
def test_an_emergency_at_the_end_of_a_long_paste_is_still_an_emergency(bundled_bot, question):
    """Only the first 2,000 characters are matched, but the end of a longer message is triaged
    too: a patient who pastes a long story and ends with the emergency must get the warning."""
    assert len(question) > MAX_QUESTION_CHARS
    assert bundled_bot.reply(question).status == "emergency"


@pytest.mark.parametrize("question", ["seizure " * 125_000, "the skin is " * 100_000,
                                      "my child is having a " * 50_000, "I took " * 150_000])
def test_repetitive_megabyte_pastes_stay_fast(bundled_bot, question):
    """Triage rules with '.*' are quadratic on long text: triaging a whole megabyte took minutes."""
    started = time.perf_counter()
    assert bundled_bot.reply(question).text.endswith(bundled_bot.disclaimer)
    assert time.perf_counter() - started < 2.0
