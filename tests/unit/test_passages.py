"""Passages for documents nobody tuned for (issue 13 items 2 and 3): a condition guide is asked
as a condition, a leaflet's warnings become one passage per facet, steps to follow are asked as
patients ask them, and a title's bracketed name is asked too."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from faqbot.authoring.extract import extract_document
from faqbot.content.section_kinds import load_kinds
from faqbot.errors import DataFileError


def document(tmp_path: Path, name: str, text: str):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return extract_document(path)


def by_kind(doc, kind: str):
    return [p for p in doc.pairs if p.section_kind == kind]


def test_a_condition_guide_is_never_asked_a_medicines_phrasings(tmp_path):
    doc = document(tmp_path, "asthma.md", """\
        # Asthma

        ## Symptoms

        Wheezing, coughing and a tight chest.

        ## Causes

        Pollen, colds and smoke can trigger it.

        ## Treatment

        Most people use a preventer inhaler every day. Do not stop taking your preventer inhaler even if you
        feel well. Your nurse will check your dose and your inhaler technique.

        ## Asthma in pregnancy

        Keep using your inhalers if you are pregnant: uncontrolled asthma is riskier for the baby.
        """)
    examples = [e for p in doc.pairs for e in p.examples]
    assert not [e for e in examples if re.search(r"\b(?:take|taking|stop|much) asthma\b|asthma (?:dose|mg)\b", e)]
    pregnancy = by_kind(doc, "pregnancy")
    assert [p.question for p in pregnancy] == ["What if I have asthma in pregnancy?"]
    assert "pregnant with asthma" in pregnancy[0].examples
    assert "is asthma contagious" in by_kind(doc, "causes")[0].examples


def test_a_drug_page_keeps_its_medicine_phrasings(tmp_path):
    doc = document(tmp_path, "amlodipine.md", """\
        # Amlodipine

        ## Dosage

        The usual dose is 5 mg once a day.

        ## Side effects

        Swollen ankles and flushing.

        ## Pregnancy

        Talk to your doctor if you are pregnant.
        """)
    assert "how much amlodipine should i take" in by_kind(doc, "dosage")[0].examples
    assert by_kind(doc, "pregnancy")[0].question == "Can I take amlodipine if I am pregnant or trying for a baby?"


LEAFLET = """\
    # Omeprazole

    ## Warnings and precautions

    Omeprazole may hide the symptoms of other diseases. Talk to your doctor straight away if any of the following happen to you:

    - You lose a lot of weight for no reason and have problems swallowing.
    - You begin to vomit food or blood.
    - You have severe liver problems.

    If you get a rash on your skin, especially in areas exposed to the sun, tell your doctor as soon as you can.

    Taking a proton pump inhibitor for more than a year may slightly increase your risk of fracture in the hip, wrist or spine. Tell your doctor if you have osteoporosis.

    If you take Omeprazole for more than three months, the levels of magnesium in your blood may fall. Your doctor may decide to perform regular blood tests.
    """


def test_a_leaflets_warnings_are_one_passage_per_facet(tmp_path):
    doc = document(tmp_path, "omeprazole.md", LEAFLET)
    bones, sun, tests = by_kind(doc, "bones"), by_kind(doc, "sun"), by_kind(doc, "tests")
    assert [p.question for p in bones] == ["Does omeprazole affect my bones?"]
    assert bones[0].answer.startswith("Taking a proton pump inhibitor") and "magnesium" not in bones[0].answer
    assert [p.question for p in sun] == ["Does omeprazole make my skin sensitive to sunlight?"]
    assert "exposed to the sun" in sun[0].answer
    assert "regular blood tests" in tests[0].answer and tests[0].question == "Will I need tests while taking omeprazole?"
    assert "is omeprazole bad for your bones" in bones[0].examples
    # The signs to report are one passage of the section, not the liver's: one sign names the liver.
    (signs,) = by_kind(doc, "precautions")
    assert signs.answer.startswith("Omeprazole may hide") and "severe liver problems" in signs.answer
    assert not by_kind(doc, "liver")
    assert all(len(p.answer) < 400 for p in bones + sun + tests)


def test_a_short_warnings_section_stays_one_passage(tmp_path):
    doc = document(tmp_path, "omeprazole.md", """\
        # Omeprazole

        ## Warnings and precautions

        Tell your doctor if you have osteoporosis.

        Your doctor may decide to perform regular blood tests.
        """)
    assert len(by_kind(doc, "precautions")) == 1 and not by_kind(doc, "bones")


def test_each_condition_a_before_taking_list_names_is_a_passage_of_its_own(tmp_path):
    doc = document(tmp_path, "ibuprofen.md", """\
        # Ibuprofen

        ## Warnings and precautions

        Talk to your doctor or pharmacist before taking ibuprofen if you:

        - have asthma or have had asthma - ibuprofen can occasionally trigger an asthma attack
        - have heart problems, including heart failure or angina, or have had a heart attack or stroke
        - are elderly, as you are more likely to get side effects
        - have, or have ever had, a stomach ulcer or bleeding in your stomach
        - have chickenpox (varicella) - it is advisable to avoid ibuprofen
        - have lupus or allergies such as hay fever

        Use the lowest dose that works for the shortest time needed to relieve your symptoms.
        """)
    questions = [p.question for p in doc.pairs]
    for expected in ("Can I take ibuprofen if I have asthma or have had asthma?", "Can I take ibuprofen if I am elderly?",
                     "Can I take ibuprofen if I have heart problems?", "Can I take ibuprofen if I have chickenpox?",
                     "Can I take ibuprofen if I have lupus or allergies?"):      # not "... allergies such?"
        assert expected in questions, (expected, questions)
    elderly = next(p for p in doc.pairs if p.question == "Can I take ibuprofen if I am elderly?")
    assert elderly.answer == ("Talk to your doctor or pharmacist before taking ibuprofen if you:\n\n"
                              "- are elderly, as you are more likely to get side effects")
    assert "Can I take ibuprofen if I have?" not in questions    # "have, or have ever had, ...": not "have"
    # Only the first part carries the section's phrasings: one intent answers "is ibuprofen safe for me".
    assert sum("is ibuprofen safe for me" in p.examples for p in doc.pairs) == 1


def test_a_list_that_is_one_section_under_its_label_stays_whole(tmp_path):
    doc = document(tmp_path, "ibuprofen.md", """\
        # Ibuprofen

        ## What you need to know before you take ibuprofen

        **Do not take ibuprofen if you:**

        - are allergic to ibuprofen or any of the other ingredients of this medicine, or to aspirin or other painkillers
        - have ever had an allergic reaction (such as asthma, a runny nose, skin rash or swelling) after taking aspirin
        - have, or have ever had, a stomach ulcer, bleeding or a hole in your stomach or gut, twice or more
        - have severe heart failure, severe kidney failure or severe liver failure, as ibuprofen can make them worse
        - are in the last 3 months of pregnancy, when ibuprofen may harm your unborn baby or cause problems
        """)
    (whole,) = [p for p in doc.pairs if "allergic to ibuprofen" in p.answer]
    assert "last 3 months of pregnancy" in whole.answer


def test_steps_to_follow_are_asked_as_patients_ask_them(tmp_path):
    doc = document(tmp_path, "amlodipine.md", """\
        # Amlodipine

        ## How to take it

        - Take it with food or just after a meal.
        - Do not crush or chew the tablets.
        - Swallow the tablet whole with a drink of water.
        """)
    (how,) = by_kind(doc, "how-to-take")
    for example in ("should i take amlodipine with food or just after a meal", "can i crush or chew amlodipine",
                    "should i swallow amlodipine whole with a drink of water"):
        assert example in how.examples, how.examples


def test_a_condition_guides_steps_name_the_condition_and_its_conditions_are_no_steps(tmp_path):
    doc = document(tmp_path, "high-blood-pressure.md", """\
        # High blood pressure

        ## Causes

        You are more likely to have it if you:

        - are overweight
        - drink too much alcohol
        - have a relative with high blood pressure

        ## Lifestyle changes

        - Cut down on salt: aim for less than 6g a day.
        - Stop smoking.
        - Lose weight if you are overweight.
        """)
    (lifestyle,) = by_kind(doc, "lifestyle")
    for example in ("should i cut down on salt with high blood pressure", "should i stop smoking with high blood pressure",
                    "should i lose weight if I am overweight with high blood pressure"):
        assert example in lifestyle.examples, lifestyle.examples
    assert not [e for p in doc.pairs for e in p.examples if e.startswith(("should i drink", "should i have"))]


def test_a_titles_bracketed_name_is_asked_and_a_question_heading_of_a_kind_gets_its_phrasings(tmp_path):
    doc = document(tmp_path, "high-blood-pressure.md", """\
        # High blood pressure (hypertension)

        High blood pressure is very common.

        ## What is high blood pressure?

        Blood pressure is the force your heart uses to pump blood around your body.

        ## Symptoms of high blood pressure

        It rarely causes symptoms.
        """)
    assert doc.subject == "high blood pressure" and doc.names == []   # no brand: the lexicon is not told
    (what,) = by_kind(doc, "what-it-is")
    assert what.question == "What is high blood pressure?"
    assert "tell me about high blood pressure" in what.examples and "tell me about hypertension" in what.examples
    assert "signs of hypertension" in by_kind(doc, "symptoms")[0].examples


def test_a_question_heading_that_only_starts_like_a_label_keeps_no_kind(tmp_path):
    doc = document(tmp_path, "metformin.md", """\
        # Metformin

        ## Dosage

        The usual dose is 500 mg.

        ## How long does metformin take to work?

        A few days.
        """)
    (faq,) = [p for p in doc.pairs if p.question == "How long does metformin take to work?"]
    assert faq.section_kind == ""


@pytest.mark.parametrize("entry, message", [
    ("    documents: drug\n", "4: 'documents' must be one of condition, medicine"),
    ("    facets: [bones]\n", "kind 'uses' has unknown facet 'bones'"),
    ("    condition_question: What if I have it?\n", "4: kind 'uses' needs a condition question naming <s>"),
])
def test_a_kinds_files_new_keys_are_checked(tmp_path, entry, message):
    path = tmp_path / "kinds.yaml"
    path.write_text("kinds:\n  - id: uses\n    labels: [usage]\n" + entry + "    question: What is <s> for?\n")
    with pytest.raises(DataFileError) as error:
        load_kinds(path)
    assert message in str(error.value)


def test_the_things_an_item_names_by_example_are_asked_about(tmp_path):
    doc = document(tmp_path, "high-blood-pressure.md", """\
        # High blood pressure

        ## Symptoms

        Usually none.

        ## Treatment

        Common types of medicine include:

        - ACE inhibitors, such as ramipril and lisinopril. A common side effect is a dry, tickly cough.
        - calcium channel blockers, such as nifedipine and felodipine, which can cause swollen ankles
        """)
    (treatment,) = by_kind(doc, "treatment")
    for name in ("ace inhibitors", "ramipril", "lisinopril", "nifedipine", "felodipine"):
        assert f"{name} for high blood pressure" in treatment.examples, (name, treatment.examples)


def test_a_later_part_of_a_long_section_is_asked_as_the_part_of_it_that_it_is(tmp_path):
    table = "\n".join(f"| {age} years | Oral suspension 100 mg/5 ml | {age * 2.5} ml | 3 times in 24 hours, "
                      "at least 6 hours apart, with or after food or milk |" for age in range(1, 13))
    doc = document(tmp_path, "ibuprofen.md", f"""\
# Ibuprofen

## How to take ibuprofen

| Age | Form | Dose | How often |
|-----|------|------|-----------|
{table}

For children, leave at least 6 to 8 hours between doses. Do not give to children under 3 months.
""")
    dose = by_kind(doc, "dosage")
    (children,) = by_kind(doc, "dosage-children")
    assert len(dose) == 1 and children.question == "What is the dose of ibuprofen for children?"
    assert "For children, leave" in children.answer and "how much ibuprofen can i give my child" in children.examples


def test_a_term_in_bold_that_a_passage_defines_is_asked_what_it_is(tmp_path):
    doc = document(tmp_path, "asthma.md", """\
        # Asthma

        ## Diagnosis

        - **Peak flow** - you blow into a small hand-held device several times a day.
        - **Reliever inhalers** quickly relax the muscles around the airways.
        - **Lactic acidosis** is a very rare but serious condition.

        **Spirometry** measures how much air you can breathe out and how fast.
        """)
    (diagnosis,) = by_kind(doc, "diagnosis")
    for example in ("what is peak flow", "what are reliever inhalers", "what is lactic acidosis", "what is spirometry"):
        assert example in diagnosis.examples, diagnosis.examples
    # the bold words stay part of the answer, as written
    assert "- Peak flow - you blow" in diagnosis.answer


def test_each_side_effect_of_a_run_in_list_is_asked_about(tmp_path):
    doc = document(tmp_path, "omeprazole.md", """\
        # Omeprazole

        ## Possible side effects

        **Uncommon (may affect up to 1 in 100 people):** swelling of the feet and ankles; disturbed sleep (insomnia); spinning feeling (vertigo).
        """)
    examples = [e for p in doc.pairs for e in p.examples]
    for name in ("swelling of the feet and ankles", "insomnia", "vertigo", "disturbed sleep"):
        assert f"can omeprazole cause {name}" in examples, examples


def test_a_condition_guides_passage_of_readings_is_asked_what_is_normal(tmp_path):
    doc = document(tmp_path, "high-blood-pressure.md", """\
        # High blood pressure

        ## Symptoms

        It rarely causes symptoms.

        ## What it means

        Ideal blood pressure is between 90/60mmHg and 120/80mmHg. High blood pressure is 140/90mmHg or higher
        at a clinic, or 135/85mmHg or higher at home.

        ## Treatment

        Lifestyle changes and medicines.
        """)
    (readings,) = [p for p in doc.pairs if "what is a normal reading" in p.examples]
    assert readings.answer.startswith("Ideal blood pressure")


def test_a_heading_naming_a_kind_the_document_has_elsewhere_is_asked_only_what_it_adds(tmp_path):
    # "with food" names how-to-take; the document's own how-to-take section answers when to
    # take it, so the food heading keeps only how-to-take's phrasings about food and drink.
    doc = document(tmp_path, "omeprazole.md", """\
        # Omeprazole

        ## Taking this medicine

        Take your capsules in the morning. Swallow them whole with half a glass of water.

        ## Omeprazole with food, drink and alcohol

        You can take your capsules with food or on an empty stomach.

        ## Side effects

        Tell your doctor if you get a headache, stomach pain or constipation.

        ## Reporting of side effects

        Tell your pharmacist about any side effect you get.
        """)
    food, = by_kind(doc, "food")
    assert "can i take omeprazole with food" in food.examples
    assert "what time of day should i take omeprazole" not in food.examples
    assert "what time of day should i take omeprazole" in by_kind(doc, "how-to-take")[0].examples
    reporting = next(p for p in doc.pairs if p.question.startswith("How do I report"))
    assert "omeprazole side effects" not in reporting.examples


def test_a_heading_naming_a_kind_the_document_has_nowhere_else_is_asked_all_of_it(tmp_path):
    doc = document(tmp_path, "omeprazole.md", """\
        # Omeprazole

        ## Omeprazole with food, drink and alcohol

        You can take your capsules with food or on an empty stomach, in the morning.
        """)
    food, = by_kind(doc, "food")
    assert "what time of day should i take omeprazole" in food.examples


def test_a_medicine_is_never_asked_a_conditions_overview_phrasings_and_its_group_is_asked_by_cue(tmp_path):
    doc = document(tmp_path, "omeprazole.md", """\
        # Omeprazole

        ## What omeprazole is

        Omeprazole belongs to a group of medicines called proton pump inhibitors. It reduces the acid
        your stomach makes.

        ## Side effects

        Tell your doctor if you get a headache, stomach pain or constipation.
        """)
    overview, = by_kind(doc, "what-it-is")
    assert "tell me about omeprazole" in overview.examples
    assert not [e for e in overview.examples if "condition" in e or "types of" in e]
    assert "What type of medicine is omeprazole?" in overview.examples
    assert "what kind of medicine is omeprazole" in overview.examples
    guide = document(tmp_path, "asthma.md", """\
        # Asthma

        ## What is asthma

        Asthma is a common lung condition that causes breathing difficulties.

        ## Symptoms

        Wheezing, coughing and a tight chest.

        ## Causes

        Pollen, colds and smoke can trigger it.
        """)
    assert "what kind of condition is asthma" in by_kind(guide, "what-it-is")[0].examples


def test_a_short_section_split_into_passages_answers_its_own_question_whole(tmp_path):
    """The doses for each condition become passages of their own, and the section's own
    question ("What is the usual dose?") is answered with the whole section, in the page's
    order, not with the paragraph left over after them."""
    doc = document(tmp_path, "ramipril.txt", """\
        # Ramipril

        **Usage:** Ramipril treats high blood pressure and heart failure.

        **Dosage:**

        * **High blood pressure:** Usually 2.5 mg once a day, up to a maximum of 10 mg a day.
        * **Heart failure:** Started at 1.25 mg a day and increased slowly.
        * **Elderly:** Older people usually start on 1.25 mg a day.
        * **Children:** Ramipril is not recommended for children under 18.

        Take ramipril at the same time each day, with or without food.

        **Side Effects:** A dry cough is common.
        """)
    pairs = {p.question: p for p in doc.pairs}
    whole = pairs["What is the usual dose of ramipril?"].answer
    assert whole.index("up to a maximum of 10 mg a day") < whole.index("Heart failure") \
        < whole.index("Older people usually start") < whole.index("Take ramipril at the same time")
    assert "dry cough" not in whole       # another section's kind read as a sub-label is not part of it
    elderly = pairs["What is the dose of ramipril for older people?"].answer
    assert "Older people usually start on 1.25 mg a day" in elderly and "maximum of 10 mg" not in elderly
