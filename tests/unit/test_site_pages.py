"""A small medicine site extracted from pages in the site's format, as staff would bring it:
brand names the pages state in their text, names typed without their hyphen, and questions
naming two medicines (issue 16: the right medicine every time)."""

from __future__ import annotations

import pytest

from faqbot.bot import Bot, Status
from faqbot.cli import main

FILLERS = ["amoxicillin", "cetirizine", "loratadine", "omeprazole", "lansoprazole", "tramadol", "morphine",
           "sertraline", "metformin", "amlodipine"]


def drug_page(title: str, generic: str, usage: str, faqs: str = "") -> str:
    """A page in the site's format (front matter, bold labels, an FAQ section)."""
    return (f"---\ntitle: {title}\n---\n\n# {title}\n\n**Generic Name:** {generic}\n\n**Usage:**\n\n{usage}\n\n"
            f"**Side Effects:**\n\n{title} can cause a headache or feeling sick.\n\n**FAQs:**\n\n{faqs}\n")


@pytest.fixture(scope="module")
def bot(tmp_path_factory):
    docs = tmp_path_factory.mktemp("site-pages")
    pages = {
        "paracetamol.txt": drug_page(
            "Paracetamol", "Paracetamol (Acetaminophen)",
            "Paracetamol is sold under brand names such as Panadol and Calpol. It treats mild pain and fever. "
            "The usual dose for adults is one or two 500 mg tablets, no more than 8 tablets in 24 hours.",
            "**Can I take paracetamol and ibuprofen together?**\n\nYes, adults can take both at the same time "
            "if they need to, at their usual doses."),
        "paracetamol-codeine.txt": drug_page(
            "Paracetamol and Codeine", "Paracetamol and Codeine Phosphate (Co-codamol)",
            "It is sold under brand names such as Solpadol and Kapake. It treats pain that paracetamol alone "
            "does not relieve.",
            "**Can I take ibuprofen with co-codamol?**\n\nYes, ibuprofen contains no paracetamol or codeine, so "
            "it can be taken with co-codamol if a pharmacist agrees."),
        "ibuprofen-paracetamol.txt": drug_page(
            "Ibuprofen and Paracetamol", "Ibuprofen and Paracetamol",
            "It is sold under brand names such as Nuromol. It combines two painkillers for short-term pain."),
        "magnesium-valproate.txt": drug_page("Magnesium Valproate", "Magnesium Valproate",
                                             "Magnesium valproate treats epilepsy."),
        "magnesium-oxide.txt": drug_page("Magnesium Oxide", "Magnesium Oxide", "Magnesium oxide treats low magnesium."),
        "sodium-chloride.txt": drug_page("Sodium Chloride", "Sodium Chloride", "Sodium chloride replaces salt."),
        "sodium-bicarbonate.txt": drug_page("Sodium Bicarbonate", "Sodium Bicarbonate",
                                            "Sodium bicarbonate treats indigestion."),
    }
    for name in FILLERS:
        pages[f"{name}.txt"] = drug_page(name.capitalize(), name.capitalize(), f"{name.capitalize()} is a medicine.")
    for name, text in pages.items():
        (docs / name).write_text(text, encoding="utf-8")
    into = docs.parent / (docs.name + "-intents")
    assert main(["extract", str(docs), "--into", str(into)]) == 0
    return Bot.from_folder(into, cache=False)


def test_a_brand_named_only_in_the_text_finds_its_page_and_the_dose_passage(bot):
    reply = bot.reply("how many panadol can i take in a day")
    assert reply.status == Status.ANSWERED, reply.text
    assert reply.intent.source.file == "paracetamol.txt"
    assert "no more than 8 tablets in 24 hours" in reply.text


def test_a_hyphenated_name_typed_as_one_word_is_recognised(bot):
    reply = bot.reply("what is cocodamol used for")
    assert reply.status == Status.ANSWERED and reply.intent.source.file == "paracetamol-codeine.txt"


def test_two_medicines_asked_together_on_one_medicines_page(bot):
    # the combination page is about both, but the paracetamol page has the entry asking exactly this
    reply = bot.reply("can i take paracetamol and ibuprofen together")
    assert reply.status == Status.ANSWERED, reply.text
    assert (reply.intent.source.file, reply.intent.question) == (
        "paracetamol.txt", "Can I take paracetamol and ibuprofen together?")


def test_two_medicines_with_no_page_together_answer_from_the_page_that_names_the_other(bot):
    reply = bot.reply("can i take ibuprofen with cocodamol")
    assert reply.status == Status.ANSWERED, reply.text
    assert reply.intent.question == "Can I take ibuprofen with co-codamol?"


def test_two_words_of_names_with_no_page_together_are_named_in_the_reply(bot):
    reply = bot.reply("can i take magnesium with sodium")
    assert reply.status == Status.CLARIFY
    assert reply.text.startswith("I have no page about magnesium and sodium together")


def test_the_single_medicines_page_wins_over_the_combinations_holding_it(bot):
    reply = bot.reply("can i drink alcohol with paracetamol")
    assert reply.intent is None or reply.intent.source.file == "paracetamol.txt"
    assert "Which medicine do you mean" not in reply.text
