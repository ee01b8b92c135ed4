"""The question inside a message: conversational glue stripped, context told from the question,
several questions told apart, and the relation asked (what causes what).

Patients rarely type a bare question. They open with "right, next thing -", close with "thanks",
wrap the question in a story ("my dad is 68 and has taken valproate since his stroke, ... is that
the tablets"), paste three questions at once, or ask "what causes X" where the documents answer
"can X cause Y". These functions read the normalised text (``normalise.normalize``) and say which
words are the question and which are context; they decide nothing (the matcher and the Bot do).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .normalise import WORD
from .words import english_words

# Openers and closers that carry no question: "ok so", "right, next thing -", "one more question:",
# "... thanks", "... please". Stripped from the ends, repeatedly ("ok thanks, and also ...").
_OPENER = re.compile(
    r"^(?:(?:(?:one|a|another|my|the) (?:more |other |next |last |second |quick |further )?(?:thing|question|query)"
    r"(?: (?:is|for you|then|please))?|next (?:thing|question|one)|quick question|"
    r"i have (?:a|another) (?:question|query)|i (?:was|am|'m|m) (?:just )?wondering(?: if| whether)?|"
    r"can i ask(?: you)?(?: something| a question)?|i wanted to ask|i want to ask|thank you|all right|got it|i see|"
    r"ok(?:ay)?|right|alright|so|and|also|well|um+|erm+|hmm+|oh|ah|sorry|great|perfect|cool|thanks|cheers|"
    r"brilliant|lovely|fine|next|then|plus|question)"
    r"(?:\s*[,.:;!\-]+\s*|\s+))+")
_CLOSER = re.compile(
    r"(?:[\s,.;:!\-]+(?:thanks|thank you|thx|ta|cheers|please|pls|plz|in advance|thanks in advance|"
    r"many thanks|if you can|if you know|any idea|any ideas|anyone)(?: (?:so|very) much| a lot)?)+[\s.!?]*$")

# Clause boundaries inside one message: sentence ends, semicolons, dashes, and ", and" / ", but".
_CLAUSE = re.compile(r"(?<=[?!.;])\s+|\s+-+\s+|,\s*(?:and|but|so)\s+(?=\w)"
                     r"|,\s*(?=(?:is|are|can|could|does|do|did|should|will|would|what|how|why|when)\s)")
# A clause that asks: it ends with "?" or opens with a question word or an inverted verb.
_ASKING = re.compile(r"^(?:(?:and|but|so|then|or|also)\s+)?(?:what|whats|what's|how|hows|why|when|where|which|who|whom|"
                     r"is|are|am|was|were|can|could|cant|can't|do|does|did|dont|don't|doesnt|doesn't|should|shall|"
                     r"will|would|wont|won't|may|might|must|has|have|had|any|tell me|explain|is there|are there)\b")
# Who the patient is and how long something has gone on: context, however the message is cut.
_CONTEXT = re.compile(
    r"\b(?:ever )?since (?:last |the |a |an |my |his |her |their |about |around )?"
    r"(?:\w+ )?(?:ago|years?|months?|weeks?|days?|birth|childhood|stroke|diagnosis|then|\d+)\b[^,.;?!]*"
    r"|\bfor (?:about |around |over |nearly |almost |the (?:last|past) )?(?:\d+|a few|a couple of|several|many|some|"
    r"a|an) (?:years?|months?|weeks?|days?|hours?)\b"
    r"|\b\d+ (?:years?|months?) old\b|\baged? \d+\b|\b(?:is|was|turned|turns|im|i'm|i am|she's|he's) \d+\b"
    r"|\b\d+ (?:years?|months?|weeks?|days?) ago\b")


# A short message that carries the previous question on to something new: "and for kids?", "what
# about alcohol", "even herbal stuff?", "same for my son". At most CARRY_ON_WORDS words.
_CARRY_ON = re.compile(r"^(?:and|but|also|plus|or|even|same|what about|how about|what of|"
                       r"(?:is|does) (?:that|it|this) (?:\w+ )?(?:true|the same|same|apply|go|ok|okay|safe) (?:for|with|in))\b")
CARRY_ON_WORDS = 6

_MAYBE_CONTEXT = re.compile(r"[,;!\d]|[.?]\s+\S|\s-+\s|\bsince\b|\bfor\b")


# The activity a permission or safety question asks about: "is it safe to drive on valproate",
# "can i swim with it", "am i allowed to fly". An everyday word there is what the question is
# about, not the patient's context ("at work", "on her feet"). "where can i read more" asks
# where, not whether; asked of "you", a verb of asking ("can you tell me") is a request.
PERMISSION_WORDS = frozenset("safe ok okay alright fine allowed dangerous advisable wise possible".split())
_ADVERB = (r"(?:(?:still|ever|also|just|even|somehow|safely|really|actually|definitely|normally|usually|"
           r"regularly|occasionally|sometimes)\s+)?")
_ACTIVITY = re.compile(
    r"\b(?:" + "|".join(sorted(PERMISSION_WORDS)) + r")\s+"
    r"(?:for\s+(?:me|him|her|them|us|you|my\s+\w+)\s+)?to\s+" + _ADVERB + r"(?P<after_to>[a-z]+)"
    r"|(?<!what )(?<!where )(?<!when )(?<!which )(?<!who )(?<!how )(?<!why )"
    r"\b(?:can|could|may)\s+(?P<who>i|we|he|she|they|you)\s+" + _ADVERB + r"(?P<after_who>[a-z]+)")
_REQUESTS = frozenset("tell explain help give say show list describe recommend suggest advise confirm check "
                      "answer find let send ask".split())


def strip_glue(normalised: str) -> str:
    """The message without conversational openers and closers; the message itself when nothing
    else would remain ("thanks" stays "thanks", for small talk to recognise)."""
    text = normalised.strip()
    stripped = _OPENER.sub("", text, count=1)
    stripped = _CLOSER.sub("", stripped)
    stripped = stripped.strip(" ,.;:!-")
    return stripped if WORD.search(stripped) else text


def carries_on(normalised: str) -> bool:
    """Whether a short message continues the previous question with a new thing ("and for kids?"),
    rather than asking a question of its own ("and how is it treated?" asks its own)."""
    text = normalised.strip()
    found = _CARRY_ON.match(text)
    return (found is not None and len(text.split()) <= CARRY_ON_WORDS
            and not _ASKING.match(text[found.end():].strip()))


def clauses(normalised: str) -> list[str]:
    """The message cut into sentences and clauses, in order, empty pieces dropped."""
    return [c.strip(" ,") for c in _CLAUSE.split(normalised) if c and WORD.search(c)]


def asks(clause: str) -> bool:
    """Whether a clause is itself a question (not a statement of context)."""
    clause = clause.strip()
    return clause.endswith("?") or bool(_ASKING.match(clause))


def context_words(normalised: str) -> list[str]:
    """The words of a message that describe its context rather than its question: clauses that do
    not ask when another clause does, and spans saying who and how long ("since his stroke", "for
    15 years", "she is 68"), wherever they are. A word asked about elsewhere is not context."""
    if not _MAYBE_CONTEXT.search(normalised):
        return []      # one clause, no number, no "since" / "for ...": nothing but the question
    pieces = clauses(normalised)
    context: list[str] = []
    asking = [p for p in pieces if asks(p)]
    if len(pieces) > 1 and asking:
        for piece in pieces:
            if not asks(piece):
                context += WORD.findall(piece)
    for span in _CONTEXT.finditer(normalised):
        context += WORD.findall(span.group())
    asked = {w for p in (asking or pieces) for w in WORD.findall(_CONTEXT.sub(" ", p))}
    return [w for w in context if w not in asked]


# Why a patient takes the medicine, told as a story ("she has been on prednisolone for a year for
# her arthritis", "started amitriptyline for his neck"): a possessive after "for" names the
# person's condition, not what they ask.
_REASON = re.compile(r"(?<![a-z])(?:on|taking|takes|take|took|given|prescribed|started|using|uses)\s+(?:\S+\s+){0,8}?"
                     r"for\s+(?:his|her|my|their|your)\s+((?:[a-z]+\s+){0,2}[a-z]+)")


_REASON_ENDS = frozenset("for since and but now when so because with at in on to every each which that".split())


def reason_words(normalised: str) -> list[str]:
    """The words of the conditions a message says the medicine is taken for, in clauses that do
    not ask when another clause does (the story around the question); none in the question itself
    ("can i take naproxen for my back pain" asks about back pain)."""
    if "for " not in normalised:
        return []      # most messages: every reason is said with "for", so no clause is cut
    pieces = clauses(normalised)
    if len(pieces) < 2 or not any(asks(p) for p in pieces):
        return []
    found = []
    for piece in pieces:
        if not asks(piece):
            for match in _REASON.finditer(piece):
                for word in WORD.findall(match.group(1)):
                    if word in _REASON_ENDS:
                        break      # "for his epilepsy for years": the condition ends at "for"
                    found.append(word)
    return found


def activity_words(normalised: str, permission_only: bool = False) -> list[str]:
    """The verbs a permission or safety question asks about ("drive" in "is it safe to drive on
    valproate", "swim" in "can i swim"), in order; none when the message asks no such thing.
    ``permission_only``: only after "safe to", "ok to", "allowed to" (not "can i", which also
    asks how: "can i increase the number of results")."""
    found = []
    for match in _ACTIVITY.finditer(normalised):
        word = match.group("after_to") or (None if permission_only else match.group("after_who"))
        if word is None or (match.group("who") == "you" and word in _REQUESTS):
            continue
        found.append(word)
    return found


def activity_name(verb: str) -> str:
    """The activity a verb names, as a sentence can name it: "driving" for "drive", "swimming"
    for "swim", "flying" for "fly" ("My documents don't cover driving."). The -ing form chosen is
    the one English uses (in the word list); the verb itself when none is."""
    if verb.endswith("ing"):
        return verb
    candidates = [verb + "ing"]
    if verb.endswith("ie"):
        candidates.insert(0, verb[:-2] + "ying")
    elif verb.endswith("e") and not verb.endswith(("ee", "ye", "oe")):
        candidates.insert(0, verb[:-1] + "ing")
    elif len(verb) >= 3 and verb[-1] not in "aeiouwxy" and verb[-2] in "aeiou" and verb[-3] not in "aeiou":
        candidates.insert(0, verb + verb[-1] + "ing")
    known = english_words()
    return next((c for c in candidates if c in known), verb)


def verb_of_activity(gerund: str) -> str | None:
    """The verb an -ing form is made from ("cleaning" -> "clean", "living" -> "live", "getting"
    -> "get"): the English word whose -ing form it is (the inverse of :func:`activity_name`), or
    None when there is none."""
    if not gerund.endswith("ing") or len(gerund) < 5:
        return None
    stem = gerund[:-3]
    options = [stem + "e", stem] + ([stem[:-1]] if len(stem) > 2 and stem[-1] == stem[-2] else [])
    known = english_words()
    return next((v for v in options if v in known and activity_name(v) == gerund), None)


def separate_questions(text: str) -> list[str]:
    """A pasted block split into its questions: one per line, or several on one line each ending
    with "?". A single question (or a story around one) comes back whole."""
    lines = [line.strip() for line in text.splitlines() if WORD.search(line)]
    if len(lines) > 1:
        return [q for line in lines for q in separate_questions(line)]
    line = lines[0] if lines else text.strip()
    parts = [p.strip() for p in re.split(r"(?<=\?)\s+", line) if WORD.search(p)]
    questions = [p for p in parts if p.endswith("?") and len(WORD.findall(p)) >= 3]
    if len(parts) > 1 and len(questions) == len(parts):
        return parts
    return [line] if line else []


# --- the relation asked -------------------------------------------------------------------------

@dataclass(frozen=True)
class Relation:
    """A cause-and-effect question read as words on each side: ``cause`` the words naming what
    causes, ``effect`` what is caused. "what causes X": effect X, cause nothing named; "can X cause
    Y" and "is Y caused by X": cause X, effect Y."""

    cause: tuple[str, ...]
    effect: tuple[str, ...]


# Active markers put the cause before them; passive ones after them.
_ACTIVE = re.compile(r"\b(?:cause[sd]?|causing|trigger(?:s|ed|ing)?|lead(?:s|ing)? to|led to|result(?:s|ed)? in|"
                     r"bring(?:s|ing)? on|brought on|provoke[sd]?|responsible for|reasons? for|to blame(?: for)?|"
                     r"behind)\b")
_PASSIVE = re.compile(r"\b(?:caused by|triggered by|brought on by|provoked by|because of|due to|from|resulting from)\b")


def relation(normalised: str) -> Relation | None:
    """The cause-and-effect relation a question asks about, if it asks one (one marker read)."""
    passive = _PASSIVE.search(normalised)
    active = _ACTIVE.search(normalised)
    if passive and (not active or passive.start() <= active.start()):
        return Relation(tuple(WORD.findall(normalised[passive.end():])), tuple(WORD.findall(normalised[:passive.start()])))
    if active:
        return Relation(tuple(WORD.findall(normalised[:active.start()])), tuple(WORD.findall(normalised[active.end():])))
    return None
