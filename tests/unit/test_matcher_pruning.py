"""The matcher's pruned ranking (used when a question touches many intents) returns exactly what
scoring every covered intent returns: same candidates, scores, phrasings and matched terms.

The index is generated: hundreds of intents over a small vocabulary, so questions touch most of
them, common words are everywhere, and identical phrasings make ties that only the tie order
settles. Questions are drawn by hypothesis from the same vocabulary plus unknown words."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from faqbot.bot import Bot
from faqbot.content.intents import Intent, IntentSet
from faqbot.matching.matcher import Matcher
from faqbot.matching.tuning import Tuning
from conftest import examples

COMMON = ["take", "dose", "tablet", "side", "effect", "day", "doctor", "child", "food", "sleep"]
RARE = [f"w{n:03d}" for n in range(120)]
TOPICS = ["alpha drug", "beta drug", "gamma care"]


def generated_intents(count: int = 600, seed: int = 5) -> IntentSet:
    rng = random.Random(seed)
    intents = []
    for number in range(count):
        topic = TOPICS[number % len(TOPICS)]
        name = topic.split()[0]

        def phrase(size: int) -> str:
            words = rng.sample(COMMON, rng.randint(1, 3)) + rng.sample(RARE, size)
            if rng.random() < 0.5:
                words.append(name)
            rng.shuffle(words)
            return "how " + " ".join(words) + "?"

        question = phrase(rng.randint(0, 2)) if number % 17 else "how take dose?"   # duplicates: ties
        examples = [phrase(rng.randint(0, 2)) for _ in range(rng.randint(0, 3))]
        answer = " ".join(rng.choices(COMMON + RARE, k=rng.randint(3, 12))) + "."
        intents.append(Intent(f"i{number:04d}", question, answer, topic, examples))
    return IntentSet(intents, "Not medical advice.", None, "testbot")


@pytest.fixture(scope="module")
def bot() -> Bot:
    return Bot(generated_intents())


def retuned(bot: Bot, **changes) -> Matcher:
    """The bot's matcher with pruning settings changed, over the same index (pruning never
    changes the index)."""
    tuning = replace(bot.tuning, **changes)
    return Matcher(bot.intent_set, bot.analyzer, tuning, index=bot.matcher.index)


def ranking(bot: Bot, question: str, prune: bool, budget: int = 1000, **options):
    matcher = retuned(bot, prune_above=0 if prune else 10**9, prune_budget=budget)
    result = matcher.match(question, **options)
    return [(c.intent.id, c.score, c.phrasing, c.matched_terms) for c in result.candidates]


words = st.sampled_from(COMMON + RARE[:40] + ["alpha", "beta", "gamma", "zzzunknown", "the", "how"])


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(words, min_size=1, max_size=7), st.sampled_from([{}, {"limit": 12}, {"topic_only": "beta drug"},
                                                                  {"boost_topic": "alpha drug"}]),
       st.sampled_from([1, 40, 1000]))
def test_pruned_ranking_equals_full_ranking(bot, question_words, options, budget):
    """A budget of 1 posting leaves most intents outside the candidates, so their cap decides."""
    question = " ".join(question_words)
    pruned = ranking(bot, question, True, budget, **options)
    assert pruned == ranking(bot, question, False, **options)


def test_pruning_mostly_proves_its_rows(bot):
    """The pruned path is not a disguised fallback: typical questions are answered by it."""
    matcher = retuned(bot, prune_budget=100)     # room for the two rare words' postings
    rng = random.Random(3)
    proved = 0
    for _ in range(40):
        question = " ".join(rng.sample(RARE[:40], 2) + rng.sample(COMMON, 2))
        weights = {t: matcher.idf(t) for t in dict.fromkeys(bot.analyzer.terms(question))}
        rows = matcher._ranked_pruned(weights, sum(weights.values()), lambda topic: False, None)
        proved += rows is not None
    assert proved >= 30


def test_questions_of_common_words_touch_most_intents_and_still_agree(bot):
    question = "take dose tablet side effect"
    full = ranking(bot, question, False, limit=12)
    assert len(full) == 12
    assert ranking(bot, question, True, limit=12) == full


def test_words_credited_at_nothing_are_pruned_like_the_rest():
    """With answer_credit 0 (calibration ranks a bare table's answer sentences so), an intent
    that only its answer's words reach has no coverage: its cap is 0, not a division by zero,
    once the rows ahead of it fill the candidates."""
    doses = [Intent(f"dose{n:02d}", f"how do i take dose {n}", f"Swallow tablet {n} with water.", "pills", [])
             for n in range(16)]
    honey = [Intent(f"honey{n}", f"what is syrup {n}", f"Syrup {n} is mixed with honey.", "pills", [])
             for n in range(3)]
    uncredited = Bot(IntentSet(doses + honey, "Not medical advice.", None, "testbot"), tuning=Tuning(answer_credit=0.0))
    question = "take a dose with honey"
    full = ranking(uncredited, question, False, limit=20)
    assert len(full) == 12 and all(score > 0 for _, score, _, _ in full)
    assert ranking(uncredited, question, True, limit=20) == full


def test_replies_equal_with_and_without_pruning():
    rng = random.Random(9)
    questions = [" ".join(rng.choices(COMMON + RARE + ["alpha", "beta"], k=rng.randint(1, 6))) for _ in range(150)]
    full_bot = Bot(generated_intents(), tuning=Tuning(prune_above=10**9))
    full = [full_bot.reply(q).record() for q in questions]
    pruning_bot = Bot(generated_intents(), tuning=Tuning(prune_above=0))
    assert [pruning_bot.reply(q).record() for q in questions] == full


def tie_bot() -> Bot:
    """26 intents that tie on "tea coffee": 0-12 say coffee, 13-25 say tea, each with one word
    of its own; intent 26 has one phrasing per drink, so its best phrasing is a tie too."""
    intents = [Intent(f"c{n:02d}", f"coffee q{n:02d}", "An answer.", "drinks") for n in range(13)]
    intents += [Intent(f"t{n:02d}", f"tea p{n:02d}", "An answer.", "drinks") for n in range(13)]
    intents.append(Intent("both", "coffee zz", "An answer.", "drinks", ["tea yy"]))
    return Bot(IntentSet(intents, "Not medical advice.", None, "testbot"))


def test_ties_at_the_cut_keep_the_order_intents_were_first_met():
    """With "tea" first, the tea intents are met first and fill the candidate list, though the
    coffee intents come first in the file."""
    bot = tie_bot()
    full = ranking(bot, "tea coffee", False, limit=12)
    assert ranking(bot, "tea coffee", True, limit=12) == full
    assert {intent_id[0] for intent_id, *_ in full} == {"t", "b"}     # tea intents, and "both"


def test_tied_phrasings_keep_the_one_met_first():
    bot = tie_bot()
    for question, phrasing in (("tea coffee", "tea yy"), ("coffee tea", "coffee zz")):
        full = ranking(bot, question, False, limit=30)
        assert dict((i, p) for i, _, p, _ in full)["both"] == phrasing
        assert ranking(bot, question, True, limit=30) == full


RANK_IN_SUBPROCESS = """
import hashlib, json, random
from faqbot.bot import Bot
from faqbot.content.intents import Intent, IntentSet
# An imported FAQ repeated per product: the same words, a name of its own, rotating templates.
rng = random.Random(1)
vocabulary = [a + b for a in "bcdfgklmnprstvz" for b in ("ar", "el", "ion", "ust", "omy")]
bases = [" ".join(rng.sample(vocabulary, rng.randint(5, 9))) + "?" for _ in range(30)]
templates = ["{q} ({name})", "{name}: {q}", "About {name}, {q}", "{q} - {name} edition", "For {name} users: {q}"]
intents = []
for number in range(900):
    question, variant = bases[number % 30], number // 30
    if variant:
        question = templates[(number + variant) % 5].format(q=question, name="prod" + "abcdefghij"[variant % 10] * 3)
    intents.append(Intent(f"i{number:04d}", question, "An answer.", "t"))
bot = Bot(IntentSet(intents, "Not medical advice.", None, "testbot"))
ranks = [[c.intent.id for c in bot.matcher.match(" ".join(b.split()[:4]), limit=12).candidates] for b in bases]
print(hashlib.md5(json.dumps(ranks).encode()).hexdigest())
"""


def test_rankings_do_not_depend_on_the_hash_seed():
    """Worker processes run with their own PYTHONHASHSEED: rankings, ties included, must not
    depend on it (they did while a phrasing's weight was summed in frozenset order)."""
    import os
    import subprocess
    import sys

    outputs = set()
    for seed in ("1", "2", "3"):
        done = subprocess.run([sys.executable, "-c", RANK_IN_SUBPROCESS], capture_output=True, text=True, check=True,
                              env={**os.environ, "PYTHONHASHSEED": seed})
        outputs.add(done.stdout)
    assert len(outputs) == 1


def test_a_phrasing_repeating_its_intents_terms_is_read_once():
    """The ranking reads the first of an intent's phrasings with the same terms only (the later
    one could never be its best); scoring every phrasing (the pruned path) gives the same rows."""
    intents = [Intent("a", "How do I take the tablet?", "Swallow it whole.", "t", ["How should I take the tablet?",
                                                                                    "Tablet: how to take it?"]),
               Intent("b", "Can I take the tablet with food?", "Yes.", "t", ["Tablet with food, take it?"])]
    bot = Bot(IntentSet(intents, "Not medical advice.", None, "testbot"))
    index = bot.matcher.index
    assert len({index.phrasing_terms[p] for p in range(3)}) == 1               # intent a's three: the same terms
    holding = [index.phrasing_intent[p] for p in index.phrasing_postings["tablet"]]
    assert holding == [0, 1]                                                    # one of a's, one of b's
    for question in ("how do i take the tablet", "tablet food", "take it"):
        assert ranking(bot, question, True, limit=12) == ranking(bot, question, False, limit=12)
