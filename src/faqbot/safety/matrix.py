"""A generated matrix of emergencies (who x event x now-ness, with typos, contractions and filler
words) that must all fire, and a control set of general questions that must never fire.

The phrasings are written here, independently of the rules' concepts, the way patients and carers
type them; ``faqbot check`` reports both as counts and the tests hold them at 100% and 0%.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product

# Who: (subject, "is" forms, "has" form, possessive, reflexive). Each "is" form is one spelling:
# in full, contracted, and contracted without the apostrophe, as phones type it.
PEOPLE = [
    ("i", ["i am", "i'm", "im"], "i have", "my", "myself"),
    ("he", ["he is", "he's", "hes"], "he has", "his", "himself"),
    ("she", ["she is", "she's", "shes"], "she has", "her", "herself"),
    ("they", ["they are", "they're"], "they have", "their", "themselves"),
    ("my son", ["my son is", "my son's", "son is", "son"], "my son has", "his", "himself"),
    ("my daughter", ["my daughter is", "daughter's"], "my daughter has", "her", "herself"),
    ("my mum", ["my mum is", "mum's"], "my mum has", "her", "herself"),
    ("my dad", ["my dad is", "dads"], "my dad has", "his", "himself"),
    ("my baby", ["my baby is", "baby"], "my baby has", "her", "herself"),
    ("my partner", ["my partner is", "my partners"], "my partner has", "their", "themselves"),
    ("my nan", ["my nan is", "nan is"], "my nan has", "her", "herself"),
    ("my husband", ["my husband is", "husbands"], "my husband has", "his", "himself"),
]
# Events happening now, by kind; {is} {has} {subject} {poss} are filled from PEOPLE.
EPISODES = ["{is} having a seizure", "{is} having a fit", "{is} fitting", "{is} seizing", "{is} convulsing",
            "{is} having convulsions", "{is} in a seizure"]
EPISODE_NOW = ["", " right now", " now", " and it won't stop", " for 5 minutes", " for ten mins", " again",
               " and it's been going on for 6 minutes"]
ONSETS = ["{subject} can feel a seizure starting", "{subject} can feel a fit coming on",
          "{poss} seizure won't stop", "{poss} fit has been going for 7 minutes", "{poss} fit started 5 mins ago",
          "{is} having one seizure after another"]
SIGNS = ["{is} not breathing", "{is} struggling to breathe", "{subject} can't breathe", "{is} turning blue",
         "{poss} lips are going blue", "{is} choking", "{is} unconscious", "{is} not waking up",
         "{subject} won't wake up", "{subject} collapsed", "{is} not responding", "{has} chest pain",
         "{is} clutching {poss} chest", "{poss} throat is swelling up", "{poss} face and lips are swelling",
         "{poss} tongue is swollen", "{is} having a severe allergic reaction", "{poss} face is drooping",
         "{poss} speech is slurred", "{is} vomiting blood", "{poss} heart is racing and {subject} fainted"]
INGESTIONS = ["{subject} took {n} tablets", "{subject} swallowed {n} of {poss} pills", "{subject} took too many pills",
              "{subject} took a whole strip of tablets", "{subject} swallowed the whole bottle",
              "{subject} took a whole week of {poss} tablets", "{subject} overdosed", "{subject} took loads of pills",
              "{subject} took like {n} tablets", "{subject} swallowed about {n} pills", "{subject} just took {n} tablets"]
COUNTS = ["20", "twenty", "30", "fifteen", "12", "fifty"]
CHILDREN = ["my toddler", "my 2 year old", "the baby", "my little boy", "my 3yo"]
CHILD_INGESTIONS = ["{child} swallowed some of my tablets", "{child} got into my pills", "{child} ate a tablet",
                    "{child} drank the medicine", "{child} has eaten some of grandma's pills", "{child} swallowed a battery"]
SELF_HARM = ["i want to kill myself", "i'm going to end it tonight", "i dont want to live anymore", "i feel suicidal",
             "im going to take all my tablets", "i want to die", "thinking about killing myself",
             "i've been cutting myself", "i don't want to be here anymore", "gonna kms", "i want to unalive myself",
             "i took 20 tablets on purpose", "i've been having suicidal thoughts"]
FILLERS = ["omg ", "pls help ", "help ", "um ", "sorry ", "hi "]
# General questions, also with every who: asking about a condition is not having it now.
CONTROLS = ["can low magnesium cause seizures", "what should i do if someone has a fit",
            "what happens if someone overdoses on valproate", "how long does a seizure normally last",
            "can you die from a seizure", "is chest pain a side effect of valproate",
            "can valproate cause breathing problems", "what are the signs of a stroke",
            "can valproate cause a severe allergic reaction", "what should i do if my child swallows a tablet",
            "how many tablets should i take a day", "i took 2 tablets this morning as prescribed",
            "can hypomagnesemia cause fits", "do magnesium supplements help reduce seizures",
            "is it normal to be tired after a seizure", "what is status epilepticus",
            "can stress bring on seizures", "when should you call an ambulance for a seizure",
            "what does a seizure look like", "can valproate make you faint", "why are my ankles swollen",
            "how do i childproof my medicine cupboard", "what is the maximum dose of valproate",
            "my hands won't stop shaking since i started valproate", "my seizures are not responding to valproate",
            "does valproate cause weight gain", "can i drink alcohol on valproate", "what if i miss a dose",
            "what foods are high in magnesium", "how is hypomagnesemia diagnosed"]
CONTROLS_WITH_PEOPLE = ["{subject} had a seizure last year, can {subject} drive", "{poss} seizures got better with magnesium",
                        "what should i do if {subject} has a fit", "{has} had fits since childhood",
                        "{subject} had chest pain last month, it was heartburn", "{subject} fainted once as a child",
                        "does {subject} need to take {poss} tablets with food", "{is} taking valproate for seizures",
                        "{subject} took {poss} tablet 2 hours late", "{subject} took 2 tablets this morning"]


@dataclass
class MatrixResult:
    emergencies: int
    caught: int
    controls: int
    false_alarms: int
    missed: list[str]
    flagged: list[tuple[str, str, str]]    # (control question, rule, layer) flagged as emergencies

    @property
    def builtin_flagged(self) -> list[str]:
        return [message for message, _, layer in self.flagged if layer == "built-in"]


def _typos(word: str) -> list[str]:
    """Three common slips in a word: two letters swapped, one dropped, one doubled."""
    middle = len(word) // 2
    return [word[:middle - 1] + word[middle] + word[middle - 1] + word[middle + 1:],
            word[:middle] + word[middle + 1:], word[:middle] + word[middle] + word[middle:]]


_TYPO_WORDS = ("seizure", "seizing", "fitting", "convulsing", "breathing", "breathe", "unconscious", "swelling",
               "tablets", "swallowed", "overdosed", "suicidal")


def emergencies() -> list[str]:
    """Every generated emergency: who x event x now-ness, then typo and filler variants."""
    plain = []
    for subject, is_forms, has, poss, _ in PEOPLE:
        for is_form in is_forms:
            for template, now in product(EPISODES, EPISODE_NOW):
                plain.append(template.format(**{"is": is_form}) + now)
            for template in ONSETS + SIGNS:
                plain.append(template.format(**{"is": is_form, "has": has, "subject": subject, "poss": poss}))
        for template, count in product(INGESTIONS, COUNTS):
            plain.append(template.format(subject=subject, poss=poss, n=count))
    plain += [t.format(child=c) for t, c in product(CHILD_INGESTIONS, CHILDREN)]
    plain += SELF_HARM
    plain = list(dict.fromkeys(plain))
    variants = []
    for message in plain:
        for word in _TYPO_WORDS:
            if f" {word}" in f" {message}":
                variants += [message.replace(word, typo, 1) for typo in _typos(word)]
                break
    variants += [filler + message for filler, message in zip(FILLERS * len(plain), plain[::7])]
    return list(dict.fromkeys(plain + variants))


def controls() -> list[str]:
    messages = list(CONTROLS)
    for subject, is_forms, has, poss, _ in PEOPLE:
        for template in CONTROLS_WITH_PEOPLE:
            messages.append(template.format(**{"is": is_forms[0], "has": has, "subject": subject, "poss": poss}))
    return list(dict.fromkeys(messages))


def run_matrix(triage) -> MatrixResult:
    """How many generated emergencies the triage catches, and how many controls it flags."""
    generated, general = emergencies(), controls()
    missed = [m for m in generated if triage.assess(m).urgent is None]
    flagged = []
    for message in general:
        urgent = triage.assess(message).urgent
        if urgent is not None:
            flagged.append((message, urgent.id, urgent.layer))
    return MatrixResult(len(generated), len(generated) - len(missed), len(general), len(flagged), missed, flagged)
