"""Issue 16 item 6: emergencies and the disclaimer behave on a site-sized folder (a slice of the
generated medicine site: 120 pages, 1,400 intents, 120 topics, so the many-subject paths run:
entities, "Which medicine do you mean?", numbered options) exactly as on the bundled one.

- every ``fires`` case of the built-in layer, and every emergency of the blind emergency set, is an
  emergency reply on the site, with the same urgent text as on the bundled folder (one of the 43
  is the bundled folder's own red flag, from its safety.yaml: caught on the site given the same
  rules); every ``never`` case and every near miss is no emergency on the site when it is none on
  the bundled;
- every reply carries the site's one disclaimer, once, at its end (answers, clarifications,
  fallbacks, emergencies, small talk), and the disclaimer is bot.yaml's alone, never joined;
- a property over random questions built from the site's own words, emergency words among them.
"""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given, settings, strategies as st

from conftest import examples
from faqbot.bot import Bot, Conversation, Status
from tests.sites import site_intents
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"
PAGES = 120
SITE_DISCLAIMER = ("This information is for general knowledge and does not constitute medical advice. Always "
                   "consult with a healthcare professional before starting or changing any medication.")


@pytest.fixture(scope="module")
def site_folder(tmp_path_factory) -> Path:
    return site_intents(tmp_path_factory.mktemp("site"), PAGES)


@pytest.fixture(scope="module")
def site(site_folder) -> Bot:
    return Bot.from_folder(site_folder, cache=False)


def builtin_cases(bot: Bot, expected: str) -> list[str]:
    return [message for rule in bot.triage.builtin.rules
            for message in (rule.fires if expected == "fires" else rule.never)]


def blind(expect_emergency: bool) -> list[str]:
    items = yaml.safe_load((DATA / "blind-emergency.yaml").read_text(encoding="utf-8"))
    return [item["q"] for item in items if (item.get("expect") == "emergency") == expect_emergency]


def without_disclaimer(reply, disclaimer: str) -> str:
    assert reply.text.endswith(disclaimer)
    return reply.text[: -len(disclaimer)]


def test_the_site_slice_takes_the_many_subject_paths(site):
    """Otherwise this file would test the bundled paths twice."""
    assert len(site.intent_set.topics()) == PAGES and site.entities is not None
    assert site.reply("is it safe to take while pregnant").status == Status.CLARIFY


def test_the_site_has_one_disclaimer_its_own(site):
    assert site.disclaimer == SITE_DISCLAIMER


def test_every_builtin_emergency_case_is_caught_on_the_site_as_on_the_bundled_folder(site, bundled_bot):
    cases = builtin_cases(site, "fires")
    assert len(cases) >= 50
    for message in cases:
        here, there = site.reply(message), bundled_bot.reply(message)
        assert here.triage.findings and built_in(here) == built_in(there), message
        if there.status == Status.EMERGENCY:
            assert here.status == Status.EMERGENCY, message
            if built_in(there) == there.triage.findings:
                # (The bundled folder's own red flag for the same sign, pancreatitis on
                # valproate, adds its passage after the instruction there.)
                assert without_disclaimer(here, site.disclaimer) == without_disclaimer(there, bundled_bot.disclaimer)
        else:
            # A crisis that is not an emergency (a question about lethal amounts): the crisis
            # line first, before whatever the folder answers.
            assert here.triage.crisis and here.text.startswith(site.triage.crisis_line), message
            assert there.text.startswith(bundled_bot.triage.crisis_line), message


def built_in(reply) -> list:
    """The built-in layer's findings of a reply's triage (a folder's own red flags left out)."""
    return [f for f in reply.triage.findings if f.layer == "built-in"]


def test_every_builtin_never_case_stays_no_emergency_on_the_site(site, bundled_bot):
    for message in builtin_cases(site, "never"):
        assert site.reply(message).status != Status.EMERGENCY, message
        assert bundled_bot.reply(message).status != Status.EMERGENCY, message


def test_every_blind_emergency_the_builtin_layer_catches_is_caught_on_the_site(site, bundled_bot):
    messages = blind(expect_emergency=True)
    assert len(messages) == 43
    builtin = [m for m in messages if any(f.urgent and f.layer == "built-in" for f in bundled_bot.reply(m).triage.findings)]
    assert len(builtin) == 42   # the other is the bundled folder's own red flag (its liver signs, safety.yaml), below
    for message in builtin:
        here, there = site.reply(message), bundled_bot.reply(message)
        assert here.status == there.status == Status.EMERGENCY, message
        assert here.triage.findings == [f for f in there.triage.findings if f.layer == "built-in"]
        if here.triage.findings == there.triage.findings:
            assert without_disclaimer(here, site.disclaimer) == without_disclaimer(there, bundled_bot.disclaimer)


def test_with_the_same_safety_rules_the_site_catches_every_blind_emergency(site_folder, bundled_bot, tmp_path):
    """A folder's own red flags (the bundled valproate leaflet's pancreatitis and liver signs)
    belong to that folder: the site given the same rules catches all 43 with the same findings
    (without their ``see`` lists, which name the bundled folder's intents)."""
    from faqbot.content.intents import bundled_intents

    rules = yaml.safe_load((bundled_intents() / "safety.yaml").read_text(encoding="utf-8"))
    for rule in rules["rules"]:
        rule.pop("see", None)
    (site_folder / "safety.yaml").write_text(yaml.safe_dump(rules, sort_keys=False), encoding="utf-8")
    try:
        site = Bot.from_folder(site_folder, cache=False)
    finally:
        (site_folder / "safety.yaml").unlink()
    for message in blind(expect_emergency=True):
        here, there = site.reply(message), bundled_bot.reply(message)
        assert here.status == there.status == Status.EMERGENCY, message
        assert [(f.id, f.layer) for f in here.triage.findings] == [(f.id, f.layer) for f in there.triage.findings]
        assert here.text.count(site.disclaimer) == 1 and here.text.endswith(site.disclaimer)


def test_a_near_miss_is_an_emergency_on_the_site_only_where_it_is_on_the_bundled_folder(site, bundled_bot):
    for message in blind(expect_emergency=False):
        assert (site.reply(message).status == Status.EMERGENCY) == \
            (bundled_bot.reply(message).status == Status.EMERGENCY), message


def test_an_emergency_in_a_conversation_about_a_medicine_is_still_first(site):
    conversation = Conversation()
    assert site.reply("what is paracetamol used for", conversation).status == Status.ANSWERED
    reply = site.reply("my son took the whole box of them", conversation)
    assert reply.status == Status.EMERGENCY
    assert reply.text.count(site.disclaimer) == 1 and reply.text.endswith(site.disclaimer)


@pytest.mark.parametrize("question, status", [
    ("what is paracetamol used for", Status.ANSWERED),
    ("is it safe to take while pregnant", Status.CLARIFY),
    ("magnesium", Status.CLARIFY),
    ("paracetamol and the capital of peru", Status.FALLBACK),
    ("hello", Status.SMALLTALK),
    ("my dad collapsed and isnt breathing", Status.EMERGENCY),
])
def test_every_kind_of_reply_ends_with_the_one_disclaimer(site, question, status):
    reply = site.reply(question)
    assert reply.status == status, reply.text
    assert reply.text.endswith(site.disclaimer) and reply.text.count(site.disclaimer) == 1


@pytest.mark.parametrize("block", [
    "what is paracetamol used for\ni took 30 tablets of it\nside effects of amoxicillin",
    "side effects of amoxicillin?\nmy dad collapsed and isnt breathing",
    "my son is having a seizure right now\nwhat is the dose of paracetamol",
])
def test_a_pasted_block_meets_triage_on_the_site_as_on_the_bundled_folder(site, bundled_bot, block):
    here, there = site.replies(block), bundled_bot.replies(block)
    emergencies = [r.status == Status.EMERGENCY for r in here]
    assert any(emergencies) and emergencies == [r.status == Status.EMERGENCY for r in there]
    assert all(r.text.endswith(site.disclaimer) and r.text.count(site.disclaimer) == 1 for r in here)


def test_a_batch_over_the_site_catches_the_blind_emergencies(cli, site_folder, bundled_bot, tmp_path):
    import json

    messages = [m for m in blind(expect_emergency=True)
                if any(f.urgent and f.layer == "built-in" for f in bundled_bot.reply(m).triage.findings)]
    questions = tmp_path / "q.txt"
    questions.write_text("\n".join(messages) + "\n", encoding="utf-8")
    result = cli(["--intents", str(site_folder), "batch", str(questions), "--format", "jsonl"])
    assert result.status == 0, result.err
    records = [json.loads(line) for line in result.out.splitlines()]
    assert [r["question"] for r in records] == messages
    assert all(r["status"] == "emergency" and r["answer"].endswith(SITE_DISCLAIMER)
               and r["answer"].count(SITE_DISCLAIMER) == 1 for r in records)


def _site_words() -> list[str]:
    import sitegen

    names = []
    for page in sitegen.plan(PAGES):
        names += [page.generic, *page.ingredients, *page.brands]
    return sorted(set(names))


_EMERGENCY_WORDS = ["took", "30", "tablets", "whole", "box", "overdose", "seizure", "not breathing", "collapsed",
                    "kill myself", "my son", "right now", "swallowed", "lips swelling", "chest pain"]
_QUESTION_WORDS = ["what", "is", "it", "safe", "side effects", "dose", "with", "and", "can i", "pregnant",
                   "missed a dose", "alcohol", "how long", "?", "please", "magnesium", "1", "2"]


@st.composite
def site_question(draw):
    words = draw(st.lists(st.sampled_from(_site_words() + _EMERGENCY_WORDS + _QUESTION_WORDS), min_size=0, max_size=9))
    noise = draw(st.text(max_size=6))
    return " ".join(words) + (noise if draw(st.booleans()) else "")


@settings(max_examples=examples(150), deadline=None)
@given(question=site_question(), follow_up=site_question())
def test_any_question_on_the_site_ends_with_one_disclaimer_and_loses_no_emergency(site, bundled_bot, question, follow_up):
    conversation = Conversation()
    for text in (question, follow_up):
        reply = site.reply(text, conversation)
        assert reply.text.endswith(site.disclaimer) and reply.text.count(site.disclaimer) == 1
        if bundled_bot.reply(text).status == Status.EMERGENCY:
            # Triage is the folder's no more than the built-in layer (the site adds no rules):
            # what is an emergency on the bundled folder is one here, even mid-conversation.
            assert reply.status == Status.EMERGENCY, text
