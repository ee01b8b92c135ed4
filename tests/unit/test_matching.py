"""Ranking rules of the matcher and decisions of the Bot, each as a small readable case.

Most cases use a tiny two-topic intents folder built here, so each rule is visible on its own;
the last ones check the same behaviour on the bundled intents.
"""

import pytest

from faqbot.language.analyzer import Analyzer
from faqbot.language.lexicon import Lexicon
from faqbot.bot import Bot, Conversation
from faqbot.explain import explain
from faqbot.content.intents import Intent, IntentSet, Source
from faqbot.language.normalise import tokenize

DISCLAIMER = "Not medical advice."


def intent(id, question, answer, topic, examples=()):
    return Intent(id, question, answer, topic, list(examples), Source("doc.md", id, (1, 2)))


INTENTS = [
    intent("aspirin-uses", "What is aspirin used for?", "Aspirin treats pain and fever.", "aspirin",
           ["aspirin what for", "why take aspirin", "aspirin for headaches"]),
    intent("aspirin-alcohol", "Can I drink alcohol while taking aspirin?",
           "Alcohol with aspirin raises the risk of stomach bleeding.", "aspirin",
           ["aspirin and wine", "beer on aspirin"]),
    intent("aspirin-dose", "What should I do if I miss a dose of aspirin?",
           "Take it when you remember; never double the dose.", "aspirin",
           ["forgot my aspirin", "skipped a dose of aspirin"]),
    intent("aspirin-how", "How does aspirin work?", "Aspirin blocks prostaglandins.", "aspirin",
           ["aspirin mechanism"]),
    intent("anemia-what", "What is anemia?", "Anemia is a lack of healthy red blood cells.", "anemia",
           ["define anemia", "meaning of anemia"]),
    intent("anemia-treatment", "How is anemia treated?", "Anemia is treated with iron tablets or infusions.",
           "anemia", ["anemia treatment", "cure for anemia"]),
    intent("anemia-how", "How does anemia cause tiredness?",
           "With fewer red cells the body gets less oxygen, a mechanism that tires muscles.", "anemia",
           ["anemia mechanism"]),
]
LEXICON = Lexicon([["alcohol", "beer", "wine", "booze"], ["miss", "forgot", "skipped"],
                   ["anemia", "low iron", "iron deficiency"], ["mechanism", "how does it work"]])


@pytest.fixture(scope="module")
def bot():
    return Bot(IntentSet(INTENTS, DISCLAIMER), LEXICON)


def top(bot, question, conversation=None):
    reply = bot.reply(question, conversation or Conversation())
    return reply.status, reply.intent.id if reply.intent else None


def test_synonyms_from_the_lexicon_reach_the_intent(bot):
    """A lay word ("booze") counts as its canonical term ("alcohol")."""
    assert top(bot, "is booze ok with aspirin") == ("answered", "aspirin-alcohol")


def test_phrase_synonyms_are_matched_whole(bot):
    """A phrase in the lexicon ("low iron") stands for its group ("anemia")."""
    assert top(bot, "how do you treat low iron") == ("answered", "anemia-treatment")


def test_misspelled_words_are_corrected_against_the_index(bot):
    """"asprin" is read as "aspirin": a known word within a small edit distance."""
    assert top(bot, "asprin and beer") == ("answered", "aspirin-alcohol")


def test_the_shared_topic_word_counts_less_than_the_specific_one(bot):
    """"aspirin" is in every aspirin intent, so "dose" decides between them."""
    result = bot.matcher.match("aspirin dose")
    assert result.candidates[0].intent.id == "aspirin-dose"
    assert bot.matcher.idf("aspirin") < bot.matcher.idf("dose")


def test_unknown_content_words_lower_confidence(bot):
    """"metformin" is unknown to every intent: the question is about something else."""
    status, _ = top(bot, "can I drink alcohol while taking metformin")
    known_score = bot.reply("can I drink alcohol while taking aspirin").score
    assert bot.reply("can I drink alcohol while taking metformin").score < known_score
    assert status == "fallback"


def test_a_lone_common_word_is_not_enough_to_answer(bot):
    """One word found in most intents ("aspirin") does not pick one of them."""
    reply = bot.reply("aspirin")
    assert reply.score < 100
    assert reply.status in ("fallback", "answered")
    assert bot.reply("aspirin").score < bot.reply("aspirin and wine").score


def test_answer_text_is_searched_too(bot):
    """A word only in an answer ("prostaglandins") still finds its intent."""
    result = bot.matcher.match("aspirin prostaglandins")
    assert result.candidates[0].intent.id == "aspirin-how"


def test_gibberish_and_digits_fall_back(bot):
    """Nothing known, nothing answered."""
    assert top(bot, "zzzz qqq") == ("fallback", None)
    assert top(bot, "12345") == ("fallback", None)


def test_no_subject_and_two_topics_fit_asks_which(bot):
    """"how does it work?" fits aspirin and anemia alike: the bot asks, numbering the options."""
    conversation = Conversation()
    reply = bot.reply("how does it work?", conversation)
    assert reply.status == "clarify"
    assert "  1. How does aspirin work?" in reply.text
    assert "  2. How does anemia cause tiredness?" in reply.text
    assert top(bot, "2", conversation) == ("answered", "anemia-how")


def test_no_subject_and_only_one_topic_holds_every_word_answers_it():
    """Two topics' readings fit "dose for adults" alike, so the bot asks which; "cetirizine dose
    for adults" is held whole by one topic's passage only (the other explains "dose for adults",
    which weighs more than "cetirizine", but not the medicine), so it is answered."""
    folder = Bot(IntentSet([
        intent("hay-fever-antihistamines", "What is the dose for adults with hay fever?",
               "Cetirizine 10 mg once a day is the usual dose for adults with hay fever.", "hay fever"),
        intent("hay-fever-symptoms", "What are the symptoms of hay fever?", "Sneezing and itchy eyes.", "hay fever"),
        intent("naproxen-dose-adults", "What is the dose of naproxen for adults?",
               "Adults take 250 mg to 500 mg of naproxen twice a day.", "naproxen"),
        intent("naproxen-uses", "What is naproxen used for?", "Naproxen eases pain and swelling.", "naproxen"),
    ], DISCLAIMER))
    assert folder.reply("dose for adults").status == "clarify"
    assert top(folder, "cetirizine dose for adults") == ("answered", "hay-fever-antihistamines")


@pytest.mark.parametrize("choice,expected", [("1", "aspirin-how"), ("the first one", "aspirin-how"),
                                             ("second", "anemia-how"), ("number 2", "anemia-how"),
                                             ("the last one", "anemia-how")])
def test_choosing_an_offered_option(bot, choice, expected):
    """A number or an ordinal picks from the options offered in the previous turn."""
    conversation = Conversation()
    bot.reply("how does it work?", conversation)
    assert top(bot, choice, conversation) == ("answered", expected)


def test_a_number_without_options_is_not_a_choice(bot):
    assert top(bot, "1") == ("fallback", None)


def test_follow_up_uses_the_conversation_topic(bot):
    """After an aspirin answer, "and how does it work?" is about aspirin, not a clarification."""
    conversation = Conversation()
    assert top(bot, "what is aspirin used for", conversation) == ("answered", "aspirin-uses")
    assert conversation.topic == "aspirin"
    assert top(bot, "and how does it work?", conversation) == ("answered", "aspirin-how")
    assert top(bot, "what is anemia", conversation) == ("answered", "anemia-what")
    assert top(bot, "how is it treated?", conversation) == ("answered", "anemia-treatment")


def test_no_subject_and_an_unexplained_known_word_falls_back(bot):
    """"what causes headaches": headaches appear under aspirin's uses, but nothing explains
    their causes, and the question names neither aspirin nor anemia."""
    assert top(bot, "what causes headaches")[0] == "fallback"


@pytest.mark.parametrize("message,kind", [("hi there", "Hello!"), ("thank you so much", "You're welcome."),
                                          ("who are you?", "I'm faqbot"), ("help", "I answer questions"),
                                          ("bye", "Goodbye")])
def test_small_talk_gets_a_friendly_reply_and_no_medical_answer(bot, message, kind):
    reply = bot.reply(message)
    assert reply.status == "smalltalk"
    assert reply.intent is None
    assert reply.text.startswith(kind)
    assert "aspirin and anemia" in reply.text or kind == "Goodbye"   # a farewell only says goodbye
    assert reply.text.endswith(DISCLAIMER)


def test_small_talk_with_a_question_is_answered(bot):
    assert top(bot, "hi, is booze ok with aspirin?") == ("answered", "aspirin-alcohol")


def test_fallback_offers_up_to_three_closest_questions(bot):
    reply = bot.reply("aspirin metformin warfarin clopidogrel")
    assert reply.status == "fallback"
    assert reply.text.startswith("I'm sorry, I can't answer that from my documents.")
    assert 1 <= len(reply.suggestions) <= 3
    assert reply.suggestions[0] in reply.text


def test_explanation_shows_corrections_synonyms_and_candidates(bot):
    reply = bot.reply("asprin with booze")
    lines = explain(reply)
    assert lines[0].startswith("status: answered  score: ")
    assert "spelling: asprin -> aspirin" in lines
    assert "synonyms: booze -> alcohol" in lines
    assert any("aspirin-alcohol" in line for line in lines)


def test_answers_show_their_source(bot):
    reply = bot.reply("aspirin and wine")
    assert "Source: Aspirin, Aspirin-alcohol" in reply.text     # title and section, never the file name
    assert "doc.md" not in reply.text
    assert reply.source == "doc.md#aspirin-alcohol"


def test_a_name_only_one_answer_holds_names_the_subject():
    """"what did Garcia et al report?" names no topic and "report" is known elsewhere, but Garcia
    appears in one answer only: the question is about that answer, not about something else."""
    faq = INTENTS + [
        intent("anemia-studies", "What do studies say about anemia?",
               "In one study, Garcia et al. found that iron tablets helped 80% of patients.", "anemia",
               ["the Garcia et al iron study"]),
        intent("aspirin-report", "Should I report side effects of aspirin?", "Report any bleeding to a doctor.",
               "aspirin", ["aspirin report side effects"])]
    named = Bot(IntentSet(faq, DISCLAIMER), LEXICON)
    assert "garcia" in named.matcher.name_terms
    assert top(named, "what did Garcia et al report?") == ("answered", "anemia-studies")


def test_a_topic_named_after_a_file_is_not_a_subject_patients_name():
    """An imported FAQ's topic is its file name ("kb"); one answer mentioning "KB" (kilobytes)
    must not make every question that does not say "kb" look subject-less."""
    faq = [intent("kb-1", "How do I show the size of a mail?", "Sizes are shown in KB and MB.", "kb"),
           intent("kb-2", "How do I strike text through?", "Use ~~tildes around the words~~.", "kb"),
           intent("kb-3", "How do I delete my account?", "Open the settings and press delete.", "kb")]
    faq_bot = Bot(IntentSet(faq, DISCLAIMER))
    assert faq_bot.matcher.topic_terms == {"kb": set()}
    assert top(faq_bot, "crossing out text with a strike") == ("answered", "kb-2")


def test_spelling_corrector_rules():
    """Corrections need the same first letter, a small distance, and a word that is neither known
    to the index nor common English (english-words.txt); a cut-off
    word is completed to the index's most used word it begins."""
    analyzer = Analyzer(Lexicon(), ["valproate magnesium epilepsy medicine matter"])
    assert analyzer.correct("valporate") == "valproate"
    assert analyzer.correct("magnessium") == "magnesium"
    assert analyzer.correct("epilepsey") == "epilepsy"
    assert analyzer.correct("medecine") == "medicine"
    assert analyzer.correct("valproate") is None          # known
    assert analyzer.correct("fatter") is None              # first letter differs from "matter"
    assert analyzer.correct("mother") is None              # an English word, not a typo of "matter"
    assert analyzer.correct("xyzzy") is None               # nothing close
    assert analyzer.correct("med") == "medicine"           # cut off while typing
    assert analyzer.correct("mz") is None                  # too short to guess


def test_a_word_cut_short_reads_as_the_far_commoner_word_it_begins():
    """"pred" is one letter from "peed" and the beginning of "prednisolone": the documents'
    much commoner word wins; when the typo's word is as common, the typo reading stays."""
    analyzer = Analyzer(Lexicon(), ["prednisolone tablets"] * 12 + ["you peed more", "a pest"])
    assert analyzer.correct("pred") == "prednisolone"
    assert analyzer.correct("prdnisolone") == "prednisolone"
    even = Analyzer(Lexicon(), ["prednisolone tablets", "you peed more"])
    assert even.correct("pred") == "peed"


def test_words_run_together_are_split_into_two_index_words():
    """"hayfever" is how patients often type "hay fever": a word neither the index nor English
    uses, made of two index words, is read as both; a real word ("season") never is, nor a split
    with a function word or a part of two letters."""
    analyzer = Analyzer(Lexicon(), ["hay fever in the pollen season", "tooth ache and sea salt", "it is on"])
    assert analyzer.correct("hayfever") == "hay fever"
    assert analyzer.correct("toothache") == "tooth ache"
    assert analyzer.analyse("is hayfever worse in june", correct=True).terms[:2] == ["hay", "fever"]
    assert analyzer.corrected_text("my hayfever is bad") == "my hay fever is bad"
    assert analyzer.correct("season") is None                # a word of its own
    assert analyzer.correct("seasalt") == "sea salt"
    assert analyzer.correct("iton") is None                  # "it" and "on": function words
    assert analyzer.correct("hayfeverish") is None           # "feverish" is no index word


def test_bundled_intents_answer_typical_patient_questions(bundled_bot):
    """Robust facts on our own content, phrased the way patients type."""
    bot = bundled_bot
    cases = {
        "valporate what for": "valproate-uses",
        "glass of wine ok on valproate": "valproate-alcohol",
        "forgot my pill": "valproate-miss-dose",
        "magnessium deficiency symptoms": "hypomagnesemia-symptoms",
        "is valproate addicting": "valproate-addictive",
    }
    for question, expected in cases.items():
        reply = bot.reply(question)
        assert (reply.status, reply.intent.id if reply.intent else None) == ("answered", expected), question
    assert bot.reply("side effects of metformin").status == "fallback"
    assert bot.tuning.answer_threshold == 42.0


def test_bundled_follow_ups_resolve_to_the_conversation_topic(bundled_bot):
    bot = bundled_bot
    conversation = Conversation()
    assert bot.reply("what is magnesium valproate used for", conversation).intent.id == "valproate-uses"
    assert bot.reply("what about alcohol?", conversation).intent.id == "valproate-alcohol"
    assert bot.reply("is it addictive?", conversation).intent.id == "valproate-addictive"
    assert bot.reply("and in pregnancy?", conversation).intent.id == "valproate-pregnancy"
    assert bot.reply("what is hypomagnesemia", conversation).intent.id == "hypomagnesemia-definition"
    assert bot.reply("how is it treated?", conversation).intent.id == "hypomagnesemia-treatment"
    assert bot.reply("how does it work?").status == "clarify"


def test_batch_conversation_treats_the_file_as_one_conversation():
    """With --conversation, "how does it work?" follows the valproate answer before it; without,
    each line stands alone and the bot asks which topic is meant."""
    import io
    import json

    from faqbot.cli import main

    questions = "what is magnesium valproate used for\nis it addictive?\nhow does it work?\n"

    def statuses(*options):
        out = io.StringIO()
        assert main(["batch", "-", *options], stdin=io.StringIO(questions), stdout=out, stderr=io.StringIO()) == 0
        return [(r["status"], r["intent"]) for r in map(json.loads, out.getvalue().splitlines())]

    assert statuses("--conversation") == [("answered", "valproate-uses"), ("answered", "valproate-addictive"),
                                          ("answered", "valproate-how-it-works")]
    assert statuses()[2] == ("clarify", None)


def test_an_everyday_word_no_intent_knows_weighs_less_than_a_rare_one(bundled_bot):
    """"at school" is the patient's context, "metformin" a subject we do not cover: an unknown word
    that is very common English (english-words.txt, Zipf >= 4.5) weighs as a common word, so it
    lowers confidence less than a rare unknown word does."""
    bot = bundled_bot
    everyday = bot.matcher.match("is hair loss from valproate common at school")
    rare = bot.matcher.match("is hair loss from valproate common with metformin")
    assert everyday.everyday_unknown == {"school"}
    assert rare.everyday_unknown == set()
    assert everyday.candidates[0].intent.id == rare.candidates[0].intent.id == "valproate-common-side-effects"
    assert everyday.candidates[0].score > rare.candidates[0].score


def test_an_everyday_word_still_counts_as_the_subject_when_none_of_ours_is_named(bundled_bot):
    """"what causes high blood pressure" names none of our subjects, so "pressure", everyday as it
    is, stays the unexplained subject: a fallback, not a valproate side effect."""
    bot = bundled_bot
    assert bot.reply("what causes high blood pressure").status == "fallback"


def test_people_around_the_patient_are_not_the_subject(bundled_bot):
    """"what if my son misses a dose": who the question is about (son, mum, wife) is a light word,
    so it neither drags the score down nor stands for an unexplained subject."""
    bot = bundled_bot
    for who in ("son", "mum", "wife", "grandad"):
        assert top(bot, f"what if my {who} forgets a dose of their epilepsy tablets") == ("answered", "valproate-miss-dose")


def test_text_speak_reads_as_the_words_it_stands_for():
    assert tokenize("wat r u taking 4 yrs pls") == ["what", "are", "you", "taking", "4", "years", "please"]
    # Function words typed short are function words: "shud" no intent knows would otherwise weigh
    # as the rarest word of the question and be taken for what it is about.
    assert tokenize("shud i wait till tmrw, cud it wait til then") == [
        "should", "i", "wait", "until", "tmrw", "could", "it", "wait", "until", "then"]


def test_a_function_word_typed_short_does_not_lower_the_answer(bundled_bot):
    """"shud" read as "should" (a stop word) leaves the question's content to decide, as typed in full."""
    full = bundled_bot.reply("how long should i wait before i take valproate again")
    short = bundled_bot.reply("how long shud i wait before i take valproate again")
    assert (short.status, short.intent, short.score) == (full.status, full.intent, full.score)


def test_triage_text_corrects_typos_but_never_completes_short_words(bundled_bot):
    """The text emergency rules read again is corrected word by word, but a three-letter word is
    never completed there: "car" would become "cardiac", which a rule could read as an event."""
    analyzer = bundled_bot.analyzer
    assert analyzer.correct("car") == "cardiac"           # matching completes cut-off words...
    assert analyzer.corrected_text("the car is in the pan") is None   # ...triage does not
    assert analyzer.corrected_text("she is havng a siezure") == "she is having a seizure"


def test_a_common_short_word_is_never_completed_into_a_longer_one(bundled_bot):
    """"my 3 month old" means old, not "older": completion is for cut-off words ("eff"), and a
    light word such as "old" or "who" is a word the patient meant."""
    analyzer = bundled_bot.analyzer
    assert analyzer.correct("old") is None
    assert analyzer.correct("who") is None
    assert analyzer.correct("eff") == "effects"


def test_no_subject_and_a_known_word_outweighed_by_what_the_answer_explains_is_answered(bot):
    """A word the documents know is no other subject when the best answer explains the rest of
    the question, weighing more than it: "skipped a dose fever" is read as a missed dose, as
    "skipped a dose of aspirin fever" is. A word no document uses still stands for the subject."""
    assert top(bot, "skipped a dose fever") == ("answered", "aspirin-dose")
    assert top(bot, "skipped a dose of aspirin fever") == ("answered", "aspirin-dose")
    assert top(bot, "skipped a dose of lamotrigine")[0] == "fallback"


def test_known_words_of_the_story_explain_the_question_as_they_would_inside_it(bot):
    """"i forgot my aspirin, what should i watch out for": the asking clause holds only a word no
    intent knows, and the story before it says what it is about, as the same words after it do."""
    assert top(bot, "what should i watch out for if i forgot my aspirin") == ("answered", "aspirin-dose")
    assert top(bot, "i forgot my aspirin, what should i watch out for") == ("answered", "aspirin-dose")
    assert top(bot, "i had wine with aspirin, what should i watch for") == ("answered", "aspirin-alcohol")


def test_no_subject_and_known_words_weighing_as_much_as_what_the_answer_explains_fall_back(bot):
    """"aspirin" is named nowhere: the dose answer explains "skipped" and "dose", and "fever" and
    "tiredness" together weigh as much, so the question may be about something else."""
    assert top(bot, "skipped a dose fever")[0] == "answered"
    assert top(bot, "skipped a dose fever tired bleeding oxygen")[0] == "fallback"


def test_a_childs_age_reads_as_a_child():
    """"can my 10 year old have it", "my 6 week old": patients name a child by age, and documents
    answer for children; an adult's age ("my 80 year old dad") is no child."""
    analyzer = Analyzer(Lexicon([["child", "children", "kid"]]), ["Children under 12 must not take it."])
    assert "child" in analyzer.terms("can my 10 year old have it", correct=True)
    assert "child" in analyzer.terms("my 6 week old", correct=True)
    assert "child" in analyzer.terms("for a 3 month old baby", correct=True)
    assert "child" not in analyzer.terms("my 80 year old dad", correct=True)
    assert "child" not in analyzer.terms("is it old", correct=True)


def test_a_question_about_a_childs_age_finds_the_childrens_answer():
    intents = [intent("x-children", "Can children take x?", "Children under 12 must not take x.", "x"),
               intent("x-dose", "What is the dose of x?", "Adults take 10 mg of x a day.", "x", ["how much x"]),
               intent("x-uses", "What is x for?", "X treats pain.", "x")]
    bot = Bot(IntentSet(intents, DISCLAIMER), Lexicon([["child", "children", "kid"]]))
    assert top(bot, "can my 10 year old have x") == ("answered", "x-children")


def test_no_subject_and_one_shared_word_is_no_answer(bundled_bot):
    """"migraine symptoms": valproate's answer on preventing migraine shares only "migraine"; the
    symptoms asked about may be another subject's, so it is no answer."""
    assert bundled_bot.reply("migraine symptoms").status == "fallback"


def test_an_exact_tie_goes_to_the_phrasing_closest_to_the_words_typed():
    """"is cocodamol addictive": the lexicon reads both names as one, so the two intents tie
    exactly; the page's own FAQ, worded as the patient wrote, wins over the intent id's order."""
    intents = [intent("cc-a-addiction", "Is paracetamol and codeine addictive?", "Codeine can be addictive.", "cc"),
               intent("cc-b-faq", "Is co-codamol addictive?", "Yes, co-codamol can be addictive.", "cc")]
    bot = Bot(IntentSet(intents, DISCLAIMER), Lexicon([["paracetamol and codeine", "co-codamol", "cocodamol"]]))
    ranked = bot.matcher.match("is cocodamol addictive").candidates
    assert ranked[0].score == ranked[1].score
    assert [c.intent.id for c in ranked[:2]] == ["cc-b-faq", "cc-a-addiction"]
    ranked = bot.matcher.match("is paracetamol and codeine addictive").candidates
    assert ranked[0].intent.id == "cc-a-addiction"


def test_intents_tied_on_the_subject_alone_are_told_apart_by_the_questions_frame():
    """With only the name to go on, "what", "is" and "for" say which question it is."""
    intents = [intent("zolix-how", "What does zolix do?", "Zolix calms the gut.", "zolix"),
               intent("zolix-uses", "What is zolix for?", "Zolix treats nausea.", "zolix"),
               intent("zolix-same", "Is zolix the same as its brands?", "Zolix is sold as Zo.", "zolix")]
    bot = Bot(IntentSet(intents, disclaimer=DISCLAIMER))
    for question, expected in [("whats zolix for", "zolix-uses"), ("what does zolix do", "zolix-how"),
                               ("what is zolix actually for", "zolix-uses")]:
        candidates = bot.matcher.match(question).candidates
        assert candidates[0].score == candidates[1].score      # the terms alone tie
        assert candidates[0].intent.id == expected, question
