"""Subject names (matching/entities.py): which medicines a question names, typos included, and
which pages ranking may then read, on a slice of the generated medicine site."""

from __future__ import annotations

import pytest

from faqbot.content.intents import Intent, Source, load_folder
from faqbot.matching.entities import Entities
from tests.sites import site_intents


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    intent_set = load_folder(site_intents(tmp_path_factory.mktemp("site"), 40))
    return Entities(intent_set.intents)


def topics(entities, numbers):
    return [entities.documents[n].topic for n in numbers]


def test_every_page_is_a_document_with_its_ingredients(site):
    assert site.count == 40
    combination = next(d for d in site.documents if d.topic == "diclofenac + paracetamol + serratiopeptidase")
    assert combination.ingredients == {("diclofenac",), ("paracetamol",), ("serratiopeptidase",)}
    assert len(combination.intents) >= 11


def test_a_single_ingredient_question_prefers_the_single_ingredient_page(site):
    resolution = site.resolve(site.find("what is paracetamol used for"))
    assert resolution.kind == "named"
    assert topics(site, resolution.documents) == ["paracetamol"]
    with_others = site.find("what is paracetamol + caffeine used for")
    assert topics(site, site.resolve(with_others).documents) == ["paracetamol + caffeine"]


def test_a_medicine_found_only_in_combinations_names_the_smallest_ones(site):
    # caffeine has no page of its own in the slice: the two-ingredient page is the most specific
    assert topics(site, site.resolve(site.find("caffeine dose")).documents) == ["paracetamol + caffeine"]


@pytest.mark.parametrize("typed, name", [("paracetmol", "paracetamol"), ("amoxicilin", "amoxicillin"),
                                         ("sertarline", "sertraline"), ("magnesium valporate", "magnesium valproate")])
def test_misspelt_names_are_recognised(site, typed, name):
    mentions = site.find(f"side effects of {typed} please")
    assert [" ".join(m.name) for m in mentions] == [name]
    assert mentions[0].typed == typed


@pytest.mark.parametrize("typed, name", [("amox", "amoxicillin"), ("serrati", "serratiopeptidase"),
                                         ("cetiri", "cetirizine")])
def test_a_name_cut_short_is_the_one_name_it_begins(site, typed, name):
    """Patients shorten long names ("doxy" for doxycycline): a word no text uses, at least four
    letters, that begins exactly one name word reads as that name."""
    mentions = site.find(f"{typed} dose for adults")
    assert [" ".join(m.name) for m in mentions] == [name]


def test_a_beginning_of_several_names_or_a_known_word_is_left_as_typed(site):
    assert site.find("cet dose") == []                   # too short
    assert site.find("hydr dose") == []                  # hydrochloride or hydroxide: which?
    assert site.find("dose for my grandmother") == []    # English words are meant as typed


def test_a_misspelt_word_is_not_forced_onto_a_name(site):
    assert site.find("what should i do if i feel dizzy after exercise") == []


def test_two_medicines_go_to_the_page_about_both(site):
    resolution = site.resolve(site.find("can i take ibuprofen with paracetamol"))
    assert resolution.kind == "named"
    assert topics(site, resolution.documents) == ["ibuprofen + paracetamol"]


def test_two_medicines_with_no_page_together_are_unpaired(site):
    resolution = site.resolve(site.find("can i take tramadol with my sertraline"))
    assert resolution.kind == "unpaired"
    assert [topics(site, own)[0] for own in resolution.per_mention] == ["tramadol", "sertraline"]


def test_a_combination_named_in_full_goes_to_its_page(site):
    resolution = site.resolve(site.find("diclofenac + paracetamol + serratiopeptidase dose"))
    assert topics(site, resolution.documents) == ["diclofenac + paracetamol + serratiopeptidase"]


def test_a_word_shared_by_many_names_offers_several_pages_singles_first(site):
    resolution = site.resolve(site.find("magnesium"))
    assert resolution.kind == "several"
    found = topics(site, resolution.documents)
    assert set(found[:4]) == {"magnesium valproate", "magnesium hydroxide", "magnesium sulfate", "magnesium oxide"}
    assert found[4:] == ["magnesium hydroxide + aluminium hydroxide + simethicone"]


def test_a_question_naming_no_medicine_resolves_to_nothing(site):
    resolution = site.resolve(site.find("is it safe to take while pregnant"))
    assert resolution.kind == "none" and resolution.documents == []


def _intent(number, topic, section, answer):
    return Intent(f"i{number}", f"question {number}?", answer, topic, [], Source(f"{topic}.md", section))


def test_names_come_from_topic_generic_name_also_known_as_and_brands():
    intents = [_intent(1, "pain relief tablets", "Generic Name", "paracetamol"),
               _intent(2, "pain relief tablets", "Also Known As", "acetaminophen"),
               _intent(3, "pain relief tablets", "Brand Names", "Calpol, Panadol"),
               _intent(4, "pain relief tablets", "Usage", "Calpol Junior is not this page's subject alone."),
               _intent(5, "fever", "Usage", "For fever.")]
    entities = Entities(intents)
    for typed in ("calpol", "panadol", "acetaminophen", "paracetamol", "pain relief tablets"):
        resolution = entities.resolve(entities.find(f"is {typed} safe"))
        assert topics(entities, resolution.documents) == ["pain relief tablets"], typed
    assert entities.find("junior dose") == []        # words of an answer are not names
