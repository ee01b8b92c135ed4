"""Emergency triage: every rule of the bundled safety.yaml, with messages that must and must not
trigger it. General questions about seizures, overdoses or symptoms are never emergencies."""

import pytest

from faqbot.errors import DataFileError
from faqbot.content.rules import SafetyRules

POSITIVE = {
    "seizure-now": [
        "my child is having a seizure right now",
        "my husband is fitting and won't stop",
        "she has been seizing for 5 minutes",
        "son seizing for 6 mins now",
        "he's having one fit after another",
        "my son had a seizure that is lasting more than five minutes",
        "seizure happening now what do i do",
        "my wife is having a seizure and turning blue",
        "his fit started 5 mins ago",
        "she had a seizure and is not waking up",
        "my brother won't stop jerking and shaking",
    ],
    "breathing": [
        "my dad is turning blue",
        "he is not breathing",
        "my daughter's lips are blue",
        "she can't breathe after her tablets",
    ],
    "overdose": [
        "I took too many tablets",
        "my child swallowed some of my valproate tablets",
        "i accidentally took a double dose of valproate, twice the pills",
        "my toddler got into my pills and ate some",
        "i think i overdosed on valproate",
        "took 10 valproate tablets",
        "my little boy ate a few of my tabs",
    ],
    "self-harm": [
        "i don't want to live anymore",
        "i have been thinking about killing myself",
        "sometimes i wish i was dead",
        "I want to kill myself",
        "thinking about suicide",
        "i keep wanting to hurt myself",
        "my son has been cutting himself",
        "i think my daughter is harming herself",
    ],
    "pancreatitis-signs": [
        "severe pain in my upper stomach and vomiting, i take valproate",
        "I have severe stomach pain and keep vomiting on valproate",
        "really bad tummy pain since starting valproate",
        "vomiting with terrible belly pain",
    ],
    "liver-damage-signs": [
        "my skin has turned yellow since i started valproate",
        "the whites of my eyes are yellow",
        "yellowing skin and dark urine",
        "jaundice on valproate what do i do",
    ],
}

NEGATIVE = [
    "does magnesium deficiency lead to seizures?",
    "which signs point to hypomagnesemia?",
    "can hypomagnesemia cause seizures",
    "what should I do if I miss a dose?",
    "forgot my valproate tablet yesterday, take 2 today?",
    "can valproate cause pancreatitis",
    "is liver damage possible with valproate",
    "what are the signs of liver damage",
    "what is the treatment for hypomagnesemia-induced seizures",
    "how does magnesium valproate work",
    "can valproate cause stomach pain",
    "is magnesium valproate safe during pregnancy",
    "what should i do if someone has a seizure",
    "what are the symptoms of low magnesium levels",
    "my seizures got better with magnesium",
    "can i overdose on magnesium supplements",
    "what happens if you overdose on valproate",
    "i took 2 tablets this morning as prescribed",
    "can valproate cause jaundice",
    "my hands won't stop shaking since i started valproate",
    "my seizures are not responding to valproate",
    "i started valproate 10 days ago",
]


@pytest.fixture(scope="module")
def rules(bundled_bot):
    return bundled_bot.safety


@pytest.mark.parametrize("rule_id,message", [(r, m) for r, ms in POSITIVE.items() for m in ms])
def test_rule_fires_on_its_emergencies(rules, rule_id, message):
    """Each emergency message is caught, by the rule written for it."""
    hit = rules.triage(message)
    assert hit is not None, message
    assert hit.id == rule_id


@pytest.mark.parametrize("message", NEGATIVE)
def test_general_questions_are_never_emergencies(rules, message):
    """Asking about a condition or a side effect is not having it now."""
    assert rules.triage(message) is None


@pytest.mark.parametrize("hidden", ["\u00ad", "\u200b", "\u200d", "\u2060", "\ufeff"])
def test_invisible_characters_inside_a_word_do_not_hide_an_emergency(rules, hidden):
    """A soft hyphen or zero-width character pasted inside "seizure" is removed, not a space."""
    assert rules.triage(f"my child is having a sei{hidden}zure right now").id == "seizure-now"


@pytest.mark.parametrize("message", ["my wife is having a siezure right now", "he has been convulsng for five minutes"])
def test_a_misspelt_emergency_is_caught_after_spelling_correction(bundled_bot, message):
    """Triage reads the question as typed, then as the spelling corrector reads it."""
    bot = bundled_bot
    assert bot.safety.triage(message) is None   # the rules alone miss it
    assert bot.reply(message).status == "emergency"


def test_every_bundled_rule_has_positive_cases(rules):
    assert {r.id for r in rules.rules} == set(POSITIVE)


def test_emergency_reply_puts_the_instruction_first_then_the_documents(bundled_bot):
    bot = bundled_bot
    reply = bot.reply("I have severe stomach pain and keep vomiting on valproate")
    assert reply.status == "emergency"
    assert reply.text.startswith("This may be an emergency. Call your local emergency number now")
    assert "Pancreatitis: Inflammation of the pancreas" in reply.text
    assert reply.text.endswith(bot.disclaimer)


def test_an_overdose_gets_only_the_urgent_instruction(bundled_bot):
    """The documents say nothing about overdoses; the missed-dose answer ("take the missed dose")
    must never follow "I took too many tablets"."""
    bot = bundled_bot
    reply = bot.reply("I took too many tablets")
    assert reply.status == "emergency"
    assert reply.text == bot.safety.message + "\n\n" + bot.disclaimer


DECLINED = {
    "prices-and-purchases": ["how much is valproate at the pharmacy", "where can i buy magnesium valproate online",
                             "is valproate expensive", "does insurance cover valproate",
                             "can i order valproate without a prescription"],
    "personal-dosing": ["what is the dose of valproate for a 10 year old", "how much valproate should i take",
                        "what dose should i give my child"],
}
NOT_DECLINED = ["how much alcohol can i drink on valproate", "what should I do if I miss a dose?",
                "should i double the dose", "is magnesium valproate addictive", "does valproate cause weight gain",
                "what is the treatment for hypomagnesemia", "in order to stop fits, what does valproate do"]


@pytest.mark.parametrize("rule_id,message", [(r, m) for r, ms in DECLINED.items() for m in ms])
def test_out_of_scope_rules_decline_prices_purchases_and_personal_doses(bundled_bot, rule_id, message):
    """They name our drug, yet no document answers them: a plain fallback, never a near miss."""
    bot = bundled_bot
    reply = bot.reply(message)
    assert (reply.status, reply.rule.id if reply.rule else None) == ("fallback", rule_id)
    assert reply.text.startswith("I'm sorry, my documents don't cover that.")
    assert reply.text.endswith(bot.disclaimer)


@pytest.mark.parametrize("message", NOT_DECLINED)
def test_out_of_scope_rules_leave_real_questions_alone(bundled_bot, message):
    bot = bundled_bot
    assert bot.scope.triage(message) is None


def test_safety_file_errors_name_file_and_line(tmp_path):
    path = tmp_path / "safety.yaml"
    path.write_text("message: call now\nrules:\n  - id: x\n    patterns: ['(unclosed']\n", encoding="utf-8")
    with pytest.raises(DataFileError) as error:
        SafetyRules.load(path)
    assert str(error.value).startswith(f"{path}:4: invalid regular expression: missing ), unterminated subpattern")


def test_safety_rule_must_refer_to_known_intents(tmp_path):
    path = tmp_path / "safety.yaml"
    path.write_text("message: call now\nrules:\n  - id: x\n    patterns: [now]\n    see: [nope]\n", encoding="utf-8")
    with pytest.raises(DataFileError) as error:
        SafetyRules.load(path, known_intents={"real"})
    assert str(error.value) == f"{path}:5: rule 'x' refers to unknown intent 'nope'"
