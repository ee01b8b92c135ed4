"""Emergency triage: the built-in layer every folder gets, the bundled folder's own red flags, and
what a patient in a hurry types. General questions about seizures, overdoses or symptoms are never
emergencies; an emergency is never lost, wherever it sits in a message and however it is spelt."""

import textwrap

import pytest
from hypothesis import given, settings, strategies as st

from conftest import DISCLAIMER, TEA_INTENTS, examples, write_folder
from faqbot.bot import Bot, Conversation
from faqbot.cli import main
from faqbot.content.rules import SafetyRules
from faqbot.errors import DataFileError
from faqbot.safety.cases import run_cases
from faqbot.safety.matrix import controls, emergencies, run_matrix

# Messages written for the rules before the built-in layer existed, kept as a floor: each is
# caught, by the rule (now built-in, or the folder's red flag) written for it.
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
    ],
    "unresponsive": ["she had a seizure and is not waking up", "my brother won't stop jerking and shaking and won't respond"],
    "breathing": ["my dad is turning blue", "he is not breathing", "my daughter's lips are blue",
                  "she can't breathe after her tablets"],
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

# What issue 11 found missed, as new users typed it.
DISGUISED = [
    "I'm having a seizure", "im having a fit", "son seizing", "i can feel a fit starting",
    "I think I'm having a seizure", "baby fitting", "having a siezure help", "se1zure happening now",
    "s e i z u r e now", "my son is having a s\u0435izur\u0435 right now",           # Cyrillic е
    "my son is having a sei\u0301zure right now",                                    # combining accent
    "took thirty tablets", "swallowed the whole bottle", "my 2 year old got into my pills", "i OD'd",
    "cant breath", "unalive myself", "kms", "going to end it tonight", "a whole week of my tablets, i took them all",
    "I took , like , twenty tablets",
]

NEGATIVE = [
    "does magnesium deficiency lead to seizures?",
    "which signs point to hypomagnesemia?",
    "can hypomagnesemia cause seizures",
    "can low magnesium cause seizures",
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
    "what should I do if someone has a fit",
    "what are the symptoms of low magnesium levels",
    "my seizures got better with magnesium",
    "can i overdose on magnesium supplements",
    "what happens if you overdose on valproate",
    "what happens if someone overdoses on valproate",
    "I had a seizure last year, can I drive",
    "i took 2 tablets this morning as prescribed",
    "can valproate cause jaundice",
    "my hands won't stop shaking since i started valproate",
    "my seizures are not responding to valproate",
    "i started valproate 10 days ago",
    "how long do i need to be seizure free before coming off valproate",
]


@pytest.fixture(scope="session")
def bot(bundled_bot):
    return bundled_bot


@pytest.mark.parametrize("rule_id,message", [(r, m) for r, ms in POSITIVE.items() for m in ms])
def test_each_emergency_is_caught_by_its_rule(bot, rule_id, message):
    assert rule_id in [f.id for f in bot.triage.assess(message).findings if f.urgent], message


@pytest.mark.parametrize("message", DISGUISED)
def test_disguised_and_hurried_emergencies_are_caught(bot, message):
    assert bot.reply(message).status == "emergency", message


@pytest.mark.parametrize("message", NEGATIVE)
def test_general_questions_are_never_emergencies(bot, message):
    """Asking about a condition or a side effect is not having it now."""
    assert bot.reply(message).status != "emergency"


@pytest.mark.parametrize("hidden", ["\u00ad", "\u200b", "\u200d", "\u2060", "\ufeff"])
def test_invisible_characters_inside_a_word_do_not_hide_an_emergency(bot, hidden):
    """A soft hyphen or zero-width character pasted inside "seizure" is removed, not a space."""
    assert bot.triage.assess(f"my child is having a sei{hidden}zure right now").urgent.id == "seizure-now"


@pytest.mark.parametrize("message", ["i took too many tablets, should i take my next dose?",
                                     "my toddler swallowed my valproate tablets, what happens if i miss a dose now",
                                     "Can valproate cause seizures? My son is having one right now.",
                                     "hes convulsing and it wont stop, does low magnesium cause this?"])
def test_a_question_elsewhere_in_the_message_never_cancels_the_emergency(bot, message):
    assert bot.reply(message).status == "emergency"


def test_the_whole_message_is_read_however_long(bot):
    """An emergency in the middle of a pasted story, far from both ends, is caught."""
    story = "We have been on valproate for years and it has mostly helped. " * 80
    reply = bot.reply(story + "About ten minutes ago she collapsed and she isn't breathing. " + story)
    assert reply.status == "emergency"


def test_the_spelling_corrected_text_is_read_too(bot):
    """A typo of an index word the built-in layer has no concept for is still corrected first."""
    assert bot.triage.assess("my wife is having a siezure right now").urgent.id == "seizure-now"
    assert bot.reply("he has been convulsng for five minutes").status == "emergency"


def test_a_conversation_resolves_another_one_to_the_seizure_of_the_last_turns(bot):
    conversation = Conversation()
    assert bot.reply("can low magnesium cause seizures", conversation).status == "answered"
    assert bot.reply("ok thanks. oh god hes having another one right now", conversation).status == "emergency"


def test_another_one_means_nothing_in_a_folder_about_something_else(tea_folder):
    """Tea is no episode: "I'm having another one now" after a tea question is no emergency."""
    tea = Bot.from_folder(tea_folder)
    conversation = Conversation()
    tea.reply("does green tea contain caffeine", conversation)
    assert tea.reply("i'm having another one now", conversation).status != "emergency"


def test_every_folder_gets_the_built_in_layer_even_without_a_safety_file(tea_folder):
    tea = Bot.from_folder(tea_folder)
    assert not (tea_folder / "safety.yaml").exists()
    reply = tea.reply("my son is having a seizure right now")
    assert reply.status == "emergency"
    assert reply.text == tea.triage.message + "\n\n" + DISCLAIMER


def test_a_safety_file_cannot_switch_the_built_in_layer_off(tmp_path):
    """It only adds red flags: with no rules, or rules of its own, the built-in ones still apply."""
    folder = write_folder(tmp_path / "intents", {
        "tea.yaml": TEA_INTENTS, "bot.yaml": f"name: teabot\ndisclaimer: {DISCLAIMER}\n",
        "safety.yaml": "message: Call 999 now.\nrules:\n  - id: scald\n    patterns: ['\\bscalded\\b']\n"})
    tea = Bot.from_folder(folder)
    assert tea.reply("i took 30 tablets").text.startswith("Call 999 now.")   # its own wording, the built-in rule
    assert tea.reply("i scalded my hand badly").status == "emergency"
    assert tea.triage.layers() == ["built-in emergency layer: 15 rules (always on)",
                                   "safety.yaml: 1 red flags of this folder"]


def test_an_extracted_folder_gets_the_built_in_triage(tmp_path):
    documents = tmp_path / "docs"
    documents.mkdir()
    (documents / "inhalers.md").write_text("# Inhalers\n\n## How to use\n\nShake the inhaler, breathe out, "
                                           "then press and breathe in slowly.\n", encoding="utf-8")
    assert main(["extract", str(documents), "--into", str(tmp_path / "intents")]) == 0
    extracted = Bot.from_folder(tmp_path / "intents")
    assert extracted.reply("cant breathe, inhaler not working, lips going blue").status == "emergency"
    assert extracted.reply("how do i use the inhaler").status != "emergency"


def test_self_harm_gets_the_crisis_line_after_the_urgent_instruction(bot):
    reply = bot.reply("i dont want to be here anymore, im going to take all of them")
    assert reply.status == "emergency"
    assert reply.text == bot.triage.message + "\n\n" + bot.triage.crisis_line + "\n\n" + bot.disclaimer
    assert "988" in reply.text and "116 123" in reply.text


@pytest.mark.parametrize("message", ["what is a lethal dose of valproate", "how many tablets would it take to kill someone",
                                     "can valproate cause suicidal thoughts"])
def test_questions_about_lethal_amounts_or_suicidal_thoughts_carry_the_crisis_line(bot, message):
    """Not an emergency, but the crisis line comes first, before whatever the bot answers."""
    reply = bot.reply(message)
    assert reply.status != "emergency"
    assert reply.text.startswith(bot.triage.crisis_line + "\n\n")
    assert reply.text.endswith(bot.disclaimer)


def test_emergency_reply_puts_the_instruction_first_then_the_documents(bot):
    reply = bot.reply("I have severe stomach pain and keep vomiting on valproate")
    assert reply.status == "emergency"
    assert reply.text.startswith("This may be an emergency. Call your local emergency number now")
    assert "Pancreatitis: Inflammation of the pancreas" in reply.text
    assert reply.text.endswith(bot.disclaimer)


def test_an_overdose_gets_only_the_urgent_instruction(bot):
    """The documents say nothing about overdoses; the missed-dose answer ("take the missed dose")
    must never follow "I took too many tablets"."""
    reply = bot.reply("I took too many tablets")
    assert reply.status == "emergency"
    assert reply.text == bot.triage.message + "\n\n" + bot.disclaimer


def test_every_rule_case_in_the_yaml_files_passes(bot):
    results = run_cases(bot.triage, bot.scope)
    assert [r for r in results if not r.passed] == []
    assert {r.rule for r in results if r.expected == "fires"} >= {r.id for r in bot.triage.builtin.rules}


def test_a_failing_case_fails_check_and_names_it(tmp_path):
    folder = write_folder(tmp_path / "intents", {
        "tea.yaml": TEA_INTENTS, "bot.yaml": f"name: teabot\ndisclaimer: {DISCLAIMER}\n",
        "safety.yaml": textwrap.dedent("""\
            rules:
              - id: scald
                patterns: ['\\bscalded\\b']
                cases:
                  fires: [i burnt my hand]
                  never: [i scalded the teapot]
            """)})
    import io

    out = io.StringIO()
    assert main(["check", str(folder)], stdout=out) == 1
    lines = out.getvalue().splitlines()
    assert 'case failed: safety.yaml, rule scald: "i burnt my hand" (fires): expected its rule to meet it, got nothing' in lines
    assert ('case failed: safety.yaml, rule scald: "i scalded the teapot" (never): expected no emergency, '
            'got scald (safety.yaml)') in lines


def test_the_generated_matrix_all_fires_and_no_control_does(bot):
    """who x event x now-ness, with typos, contractions and fillers: counts, then the misses."""
    result = run_matrix(bot.triage)
    assert (result.caught, result.false_alarms) == (result.emergencies, 0), (result.missed[:20], result.flagged)
    assert result.emergencies == len(emergencies()) > 5000 and result.controls == len(controls()) > 100


@settings(max_examples=examples(60), deadline=None)
@given(st.text(max_size=300), st.text(max_size=300))
def test_an_emergency_sentence_is_never_lost_whatever_surrounds_it(bot, before, after):
    reply = bot.reply(f"{before}\nmy son is having a seizure right now.\n{after}")
    assert reply.status == "emergency"
    assert reply.text.endswith(bot.disclaimer)


def test_safety_file_message_is_optional_but_must_be_text_when_given(tmp_path):
    path = tmp_path / "safety.yaml"
    path.write_text("rules:\n  - id: x\n    patterns: [now]\n", encoding="utf-8")
    assert SafetyRules.load(path, message_required=False).message == ""
    path.write_text("message: ''\nrules: []\n", encoding="utf-8")
    with pytest.raises(DataFileError):
        SafetyRules.load(path, message_required=False)


def test_rule_cases_must_be_lists_of_messages(tmp_path):
    path = tmp_path / "safety.yaml"
    path.write_text("rules:\n  - id: x\n    patterns: [now]\n    cases:\n      fires: now\n", encoding="utf-8")
    with pytest.raises(DataFileError) as error:
        SafetyRules.load(path, message_required=False)
    assert str(error.value) == f"{path}:5: cases 'fires' must be a list of messages"


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
def test_out_of_scope_rules_decline_prices_purchases_and_personal_doses(bot, rule_id, message):
    """They name our drug, yet no document answers them: a plain fallback, never a near miss."""
    reply = bot.reply(message)
    assert (reply.status, reply.rule.id if reply.rule else None) == ("fallback", rule_id)
    assert reply.text.startswith("I'm sorry, my documents don't cover that.")
    assert reply.text.endswith(bot.disclaimer)


@pytest.mark.parametrize("message", NOT_DECLINED)
def test_out_of_scope_rules_leave_real_questions_alone(bot, message):
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


def test_why_says_when_triage_added_the_crisis_line_or_nearly_flagged_a_question(bot):
    from faqbot.explain import explain

    assert "crisis line added: lethal-amount" in explain(bot.reply("what is a lethal dose of valproate"))
    lines = explain(bot.reply("I had a seizure last year, can I drive"))
    assert any(line.startswith("triage nearly flagged it (seizure-now): ") for line in lines)


def test_a_repeated_rule_id_in_a_safety_file_is_an_error_naming_its_line(tmp_path):
    path = tmp_path / "safety.yaml"
    path.write_text("message: Call 999 now.\nrules:\n  - id: scald\n    patterns: ['scalded']\n  - id: scald\n    patterns: ['burnt']\n",
                    encoding="utf-8")
    with pytest.raises(DataFileError) as raised:
        SafetyRules.load(path)
    assert str(raised.value) == f"{path}:5: duplicate rule id 'scald'"
