"""Every weight and threshold of matching and of the Bot's decision, in one frozen value.

The score of an intent for a question (0-100), as ``Matcher.match`` computes it:

Each question term t has a weight

    w(t) = idf(t) * light(t) * everyday(t)
    idf(t) = ln(1 + N / df(t))                  N intents, df(t) intents whose texts hold t;
                                                a term no intent knows has df = 0.5 (weighs most)
    light(t) = light_word_factor                for a common English word (language.words.LIGHT_WORDS), else 1
    everyday(t) = light_word_factor             for an unknown term that is an everyday English word
                                                (Zipf >= common_zipf) or a number, else 1
    context(t) = context_factor                 for a term only the message's context uses (a clause
                                                that does not ask, "since his stroke", "she is 68")
                                                when no intent knows it or it is a common word, else 1

and W = sum of w(t). An intent i scores by two word-level measures:

    coverage(i) = sum over t of w(t) * credit(t, i)
        credit = utterance_credit   if t is in one of the intent's phrasings (question, examples), or is
                                    a name (capitalised word, acronym) that only this intent's answer holds
               = answer_credit * min(1, (average answer length / this answer's length) ** answer_length_power)
                                    if t is only in the answer text or section title
    F(p) for each phrasing p, with overlap O = sum of w(t) over t in p, weight P = sum of idf over p's terms:
        recall = O / W, precision = O / P,
        F(p) = (1 + b^2) * precision * recall / (b^2 * precision + recall),   b = recall_beta

    lexical(i) = best_phrasing_weight * max_p F(p) + coverage_weight * coverage(i) / W
        both terms multiplied by off_topic_factor when the question names exactly one topic and
        the intent belongs to another.

The character_candidates intents of highest lexical score then get a character-level term: the
rapidfuzz ``token_sort_ratio`` (0-1) between the question's terms and the best phrasing's terms,
each sorted alphabetically. It compares sorted stems, so it ignores word order; it catches what
stemming and spelling correction miss (near-identical stems, a word split or joined).

    evidence = min(1, W / (evidence_share * ln(1 + N)))   (1 when the question IS the canonical question)
    score(i) = 100 * evidence * (lexical + character_weight * character * min(1, lexical / (1 - character_weight)))

capped at 100 and rounded to 0.1; times reversed_relation_factor when the question asks a cause
and effect the other way round from every phrasing of the intent that asks one. ``prune_above`` and ``prune_budget`` choose when and how the
ranking reads fewer postings; they never change a result (tests/unit/test_matcher_pruning.py).

Calibration: unless a field says otherwise, the values were set by hand on the dev set
(/work/shared/eval/dev.yaml), the bundled coverage suite and the external FAQ sets, then held by
the blind question sets (tests/data/): the answer threshold separates answered from unanswerable
questions there. benchmarks/ablation.py measures what perturbing each one changes
(benchmarks/RESULTS.md).

An intents folder may override any field in its bot.yaml (``tuning:``), see ``Tuning.overridden``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace

from ..content.intents import TuningOverrides
from ..errors import DataFileError


@dataclass(frozen=True)
class Tuning:
    # --- term weights --------------------------------------------------------------------
    light_word_factor: float = 0.5
    """Weight of a common English word (LIGHT_WORDS), and of an unknown everyday word or number,
    relative to its IDF. In a small index "find", "matter" look rare; halving them keeps a
    question's content words in charge. Set by hand."""
    common_zipf: float = 4.5
    """English words at least this frequent (Zipf scale, wordfreq) are everyday words: unknown to
    every intent, they are likelier the patient's context ("my son", "at work") than the subject.
    4.5 keeps "son", "work", "mention" and leaves "metformin", "ibuprofen" rare; set on the blind sets."""
    context_factor: float = 0.3
    """Weight factor of a context word no intent knows (or a common word): a word only the story
    around the question uses ("my dad is 68 ... since his stroke"), or a who/how-long span. Known
    words of the story keep their weight: they are often what it is about ("his hands shake").
    Set by hand on the blind sets' long messages (issue 12)."""
    reason_factor: float = 0.5
    """Weight factor of a word of the condition a story says the medicine is taken for ("she has
    been on prednisolone for a year for her arthritis, is it safe long term"), known to the
    documents or not: it is why they take it, not what they ask, and otherwise the uses passage,
    which lists the conditions, wins the question. Only outside the asking clause."""
    # --- credits in an intent's coverage -------------------------------------------------
    utterance_credit: float = 1.0
    """Credit of a question term found in one of the intent's phrasings (the unit of credit), and
    of a name (Smith, NMDA) that only this intent's answer holds: it pinpoints the intent as well
    as a phrasing would."""
    answer_credit: float = 0.6
    """Credit of a term found only in an answer of average length (or its section title).
    Measured flat between 0.5 and 0.6 on our sets (issue 10)."""
    answer_length_power: float = 0.25
    """Longer answers give less credit per term: (average length / length) ** power, capped at 1,
    so a long answer that mentions everything does not outscore the one that is about it."""
    # --- the lexical score ---------------------------------------------------------------
    best_phrasing_weight: float = 0.33
    """Share of the best phrasing's F-measure in the lexical score."""
    coverage_weight: float = 0.55
    """Share of the intent's coverage of the question in the lexical score. With
    best_phrasing_weight and character_weight it sums to 1, so a perfect match scores 100."""
    recall_beta: float = 1.6
    """F-measure beta: the question's coverage (recall) matters more than the phrasing's
    (precision). Measured flat between 1.0 and 1.6 on our sets (issue 10)."""
    off_topic_factor: float = 0.7
    """Factor on the lexical score of intents of other topics when the question names exactly one
    topic: "valproate neurotransmitters" names valproate."""
    reversed_relation_factor: float = 0.4
    """Factor on the score of an intent whose phrasings ask the reverse cause-and-effect question:
    "what causes hypomagnesemia" is not "can hypomagnesemia cause seizures" (the question's effect
    is the intent's cause), or asks for causes of X where the intent never names X as an effect.
    0.4 puts an otherwise perfect reverse match (85) below the answer threshold; set by hand (issue 12)."""
    # --- topics ----------------------------------------------------------------------------
    topic_share: float = 0.8
    """A term of a topic's name names the topic only if at least this share of the intents whose
    texts hold it belong to the topic..."""
    topic_naming_share: float = 0.3
    """...and at least this share of the topic's intents use it in their phrasings: a topic called
    "kb" after its file name is not named by the one answer that mentions kilobytes."""
    # --- confidence and the character term -----------------------------------------------
    evidence_share: float = 0.7
    """A question needs this share of one rare term's weight, ln(1 + N), for full confidence:
    "seizures" alone cannot pick one intent."""
    character_weight: float = 0.12
    """Share of the character similarity (token_sort_ratio of the sorted terms) in the score."""
    character_candidates: int = 12
    """How many intents of highest lexical score get the character term (and can be returned)."""
    # --- speed only: never change a result -----------------------------------------------
    prune_above: int = 2000
    """Postings read, or intents touched, beyond which ranking prunes (same result, faster)."""
    prune_budget: int = 1000
    """Postings of the rarest question terms that choose the candidates when pruning."""
    # --- the Bot's decision --------------------------------------------------------------
    answer_threshold: float = 42.0
    """Below this score the best candidate is not trusted: the Bot falls back with suggestions.
    Set where answered and unanswerable questions of the dev and blind sets separate."""
    long_message_terms: int = 7
    """A message with at least this many terms that say something (not common words) is a long
    one: a story around the question ("my husband is 60 and started amitriptyline 3 weeks ago
    for his neck, now one eye is red ..."). Its answer threshold is answer_threshold times
    long_message_threshold_factor."""
    long_message_threshold_factor: float = 0.75
    """See long_message_terms. Set on the dev halves of the s7 blind sets, where a third of the
    questions are long stories: below the plain threshold, long messages whose best passage
    scored 0.75-1.0 of it were right about three times as often as wrong (newdocs7 +9 right, +3
    wrong; site7 +14, +5), and no out-of-scope question of any set is that long, so the cost on
    long out-of-scope messages is unmeasured. 1 turns it off."""
    focus_support: float = 0.4
    """A question word no intent knows, and not context, a common word or a number, is part of
    what the question is about (its focus): "is it safe to breastfeed on valproate". The best
    answer must explain the question's other focus words (not the subject's name) with
    focus_support_specific of that word's weight, or with this share of it when its best phrasing asks nothing the
    question does not (a general intent, "what does valproate interact with", holds for
    "ibuprofen" too); otherwise the Bot says the documents don't cover the word. "safe", in four
    intents, does not explain "breastfeed". Set by hand on the blind sets (issue 12)."""
    focus_support_specific: float = 0.75
    """See focus_support: the share needed when the best phrasing asks something of its own
    ("tummy upset from valproate" for "does valproate upset your stomach": 0.83 of "stomach")."""
    named_focus_words: int = 8
    """A question below the answer threshold says which of its words no document uses ("My
    documents don't cover swimming.") only when it is short: at most this many words that are not
    function words. In a longer message an unknown word may be the story around the question."""
    named_unknown_words: int = 2
    """... and only when at most this many of its words are unknown: more means the question is
    about something else altogether, and the general fallback says so better than a list of words."""
    named_focus_zipf: float = 3.5
    """... and only a rare word (Zipf frequency at most this: "breastfeeding" 3.5, "ketamine" 2.9,
    "dialysis" 3.3), or the activity a permission question asks about ("can i drive on it"): a
    commoner word ("tastes", "harm", "reads") is likelier part of how the patient put it than
    what is asked. Set by hand on the bundled sets' fallbacks (issue 12)."""
    see_also_margin: float = 8.0
    """A runner-up from another intent within this many points of the answer (and itself above
    the answer threshold) is offered as a numbered "see also": "side effects of valproate" shows
    the common ones and offers the serious ones. Set by hand (issue 12)."""
    calibration_answer_share: float = 0.9
    """Calibration (``faqbot coverage --calibrate``, and at import) of a folder with examples, or
    of a table too small for the two-sided model (calibration_min_sentences): the answer
    threshold is set where this share of the folder's own new wordings that rank their intent
    first still reach it (evaluation.calibration): nine in ten. Set by hand (issue 12)."""
    calibration_min_sentences: int = 20
    """Calibration of a folder without examples models both the right answers and the near
    misses (evaluation.calibration) only when at least this many of its wordings (questions
    sharing an answer, else answer sentences) rank their own answer first: with a handful, the
    point where they separate is chance. A smaller table keeps calibration_answer_share. Set by
    hand."""
    calibration_floor: float = 15.0
    """Calibration never sets the answer threshold below this: under it, a question sharing one
    common word with an intent would be answered."""
    topic_clarify_margin: float = 20.0
    """A question naming no topic that fits two topics' best intents within this many points is
    answered with a question (which do you mean?); a wider gap answers the better one."""
    suggestion_floor: float = 8.0
    """Candidates scoring at least this are offered as "closest questions" in a fallback."""
    max_suggestions: int = 3
    """At most this many closest questions, or clarification options, are offered."""
    # --- subject names (matching/entities.py): sites of many documents ----------------------
    many_topics: int = 12
    """A folder with at least this many topics is read by subject first: the medicine a question
    names picks the documents ranking reads, and a question naming none, with no conversation
    topic, is asked "Which medicine do you mean?". Below it (the bundled folder has two topics)
    every intent is ranked and topic readings decide, as before."""
    name_typo_score: float = 85.0
    """A word no intent uses reads as a name word when their rapidfuzz ratio (0-100) is at least
    this: "paracetmol" (95), "amoxicilin" (95), "sertarline" (90) do; "exercise" is no name."""
    name_typo_min_length: int = 5
    """Shorter words are never corrected into names: too many short words are another's typo."""
    name_prefix_min_length: int = 4
    """A word no text uses and English does not know, at least this long, that begins exactly one
    name word reads as that name ("doxy", "amox", "pred"): patients shorten long names. Shorter
    beginnings ("dox") fit too many words."""
    subject_documents: int = 30
    """At most this many documents (single-ingredient pages first) are ranked for a word that is
    part of many names ("magnesium", "sodium"); the best few of them are offered as options."""
    # --- staff reports (coverage and review) -----------------------------------------------
    near_miss_margin: float = 5.0
    """Coverage: a right answer whose runner-up was within this many points is a near miss."""
    duplicate_similarity: float = 90.0
    """Coverage: phrasings of different intents with a token_sort_ratio at least this are near-duplicates."""
    group_similarity: float = 70.0
    """Review: a logged question joins a group when its token_sort_ratio to the group's first question is at least this."""
    new_topic_below: float = 30.0
    """Review: a group whose nearest intent scores under this is a new topic, not more examples."""

    def overridden(self, overrides: TuningOverrides | None) -> "Tuning":
        """This tuning with an intents folder's ``tuning:`` overrides (bot.yaml) applied.

        Raises DataFileError (file and line) for an unknown name, a fraction where a count is
        needed, or a value outside the field's range."""
        if not overrides:
            return self
        known = {f.name: f for f in fields(self)}
        changes = {}
        for name, value in overrides.values.items():
            line = overrides.lines.get(name)
            if name not in known:
                raise DataFileError(overrides.path, line, f"unknown tuning setting '{name}' (known: {', '.join(sorted(known))})")
            if known[name].type == "int" and not isinstance(value, int):
                raise DataFileError(overrides.path, line, f"tuning '{name}' must be a whole number, got {value!r}")
            if not math.isfinite(value) or value < 0:
                raise DataFileError(overrides.path, line, f"tuning '{name}' must be a number of 0 or more, got {value!r}")
            if known[name].type == "int" and value < 1:
                raise DataFileError(overrides.path, line, f"tuning '{name}' must be at least 1, got {value!r}")
            changes[name] = float(value) if known[name].type == "float" else value
        return replace(self, **changes)


DEFAULT = Tuning()
