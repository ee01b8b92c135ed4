"""The Bot decides what to say: triage, small talk, follow-ups, matching, thresholds.

``Bot.reply`` returns a Reply whose text always ends with the disclaimer: it is appended in one
place (``_finish``), so no front end can forget it. Every Reply has a ``Status`` and a ``Reason``
(why that status: the rule, the score against the threshold, the unexplained word...), which
``/why``, ``ask --explain`` and the batch record show. The words patients read come from
``messages``; the staff explanation is built by ``explain``. The Bot never prints and never exits.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from . import messages

from .language.analyzer import Analyzer
from .content.lexicon import load_lexicon
from .language.lexicon import Lexicon
from .content.intents import Intent, IntentSet, load_folder
from .language.normalise import tokenize
from .matching import cache as compiled
from .matching.entities import Entities, Resolution
from .matching.matcher import Candidate, MatchResult, Matcher
from .matching.tuning import DEFAULT, Tuning
from .content.rules import Rule, SafetyRules
from .language.query import Query
from .language.question import PERMISSION_WORDS, activity_name, carries_on, relation, separate_questions
from .language.words import STOPWORDS
from .safety import Assessment, Finding, SafetyMemory, Triage
from .yamlfile import gc_paused

MAX_QUESTION_CHARS = 2000  # longer input is truncated for matching, never rejected
# Words that end the search for a verb's object ("unsteady on her feet"); "of" does not ("a cup of tea").
_PREPOSITIONS = frozenset("on in at with for from by to into onto over under after before during while about "
                          "through off up down out against".split())
_RELATION_WORDS = 10       # a cause-and-effect question's sides quoted back in "My documents don't cover ..."

# Folders with this much YAML (about 2,000 intents: a second or more to parse and index) say so
# when they build their compiled index, and `faqbot check` remembers there what it found. Every
# folder keeps a compiled index: the bundled one started in about 130 ms less from it (parsing,
# the word lists and building the index at each start was most of a `faqbot ask`), but a smaller
# folder builds it too quickly for a message to be worth a line.
LARGE_FOLDER_BYTES = 1024 * 1024



class Status(str, Enum):
    """What kind of reply this is. A ``str``, so ``reply.status == "answered"`` and JSON keep working;
    batch records carry the plain value. ``error`` is a batch record whose input could not be read."""

    ANSWERED = "answered"
    CLARIFY = "clarify"
    FALLBACK = "fallback"
    SMALLTALK = "smalltalk"
    EMERGENCY = "emergency"
    ERROR = "error"

    def __str__(self) -> str:
        return self.value


STATUSES = tuple(Status)   # every status a batch record can carry, "error" included


@dataclass(frozen=True)
class Reason:
    """Why a reply has its status: ``kind`` for programs, ``text`` for people, ``details`` for both
    (the rule id, the score and threshold, the word left unexplained, the topics...).

    Kinds: ``emergency-rule``, ``out-of-scope-rule``, ``empty``, ``chosen-option``, ``smalltalk``,
    ``two-topics``, ``no-candidate``, ``below-threshold``, ``unknown-word``, ``not-covered``, ``matched``,
    ``choice-out-of-range``, ``other-subject`` (the question names one topic, and only another
    topic's intent would answer it), ``unreadable`` (a batch record that could not be read); in a folder of
    many subjects also ``no-medicine``, ``unknown-words`` (naming no medicine, and no word a
    document uses), ``several-subjects``, ``unpaired-medicines``.
    """

    kind: str
    text: str
    details: tuple[tuple[str, Any], ...] = ()

    def __str__(self) -> str:
        return self.text

    def get(self, key: str, default: Any = None) -> Any:
        return dict(self.details).get(key, default)

    @classmethod
    def of(cls, kind: str, text: str, **details: Any) -> "Reason":
        return cls(kind, text, tuple(details.items()))

# Small talk: messages made only of greeting, thanks, acknowledgement, identity, help or farewell
# phrases, in any combination ("ok thank you", "thanks, you're very helpful", "hi, who are you?").
_SMALLTALK_PHRASES = {
    "greeting": r"(?:hi+|hello+|hey+|hiya|yo|good (?:morning|afternoon|evening|day)|greetings|howdy)"
                r"(?: there| bot| faqbot| all| everyone| again)?",
    "thanks": r"(?:thank you|thanks|thank u|thx|ty|cheers|ta|much appreciated|(?:i )?appreciate (?:it|that|you))"
              r"(?: (?:so|very) much| a lot| again| for (?:that|this|your help|the help|the info|the information|helping))*"
              r"|(?:that|this|that's|thats|it's|its|you're|youre|you are|you've been|youve been)? ?(?:very |really |so |super )?"
              r"(?:helpful|useful|great|brilliant|perfect|lovely|amazing|fantastic|wonderful|excellent|awesome|"
              r"clear|interesting|good to know|a big help|a great help|a help|kind|a star|a gem)"
              r"|that helps|that helped|nice one|great stuff|good bot",
    "acknowledge": r"ok(?:ay)?|ok(?:ay)? then|right|alright|all right|fine|cool|i see|got it|understood|noted|sure|"
                   r"yes|yeah|yep|no|nope|hmm+|ah+|oh+|wow|ahh? (?:ok|i see)|fair enough|makes sense|that makes sense",
    "identity": r"(?:who|what) are you|are you (?:a |an )?(?:real )?(?:bot|robot|human|person|ai|doctor|nurse|machine|"
                r"computer|chatbot|pharmacist)|are you real|is this (?:a )?(?:bot|robot|real person|human)|"
                r"am i (?:talking|speaking|chatting) to (?:a )?(?:bot|robot|real person|human|person|doctor)|"
                r"what can you (?:do|answer|help with)|what do you know|your name|what is your name|what's your name",
    "help": r"help|help me|i need help|how does this work|how do i use (?:this|you)|menu|commands|\\?",
    "goodbye": r"bye+|bye bye|goodbye|good bye|see you(?: later| soon)?|see ya|good night|night night|cya|later|"
               r"take care|have a (?:nice|good|great) (?:day|evening|night|one)|that's all|thats all|that is all|"
               r"that's it|thats it|nothing else|no more questions|i'm done|im done|i am done|all done|exit|quit",
}
_SMALLTALK_PIECE = re.compile("^(?:" + "|".join(f"(?P<{kind}>{pattern})" for kind, pattern in _SMALLTALK_PHRASES.items())
                              + r")(?:\s+|$)")
# When a message mixes kinds, the one it answers to: a farewell ends the talk, a question about the
# bot wants its answer, thanks beat the "ok" around them.
_SMALLTALK_PRIORITY = ("goodbye", "identity", "help", "thanks", "greeting", "acknowledge")
_SMALLTALK_WORDS = re.compile(r"[\w']+|\?")      # what small talk is read from: words and question marks
_FINAL_QUESTION_MARK = re.compile(r"\s*\?$")
_ORDINALS = {"first": 1, "1st": 1, "one": 1, "second": 2, "2nd": 2, "two": 2, "third": 3, "3rd": 3, "three": 3}
_CHOICE = re.compile(r"^(?:(?:the|option|number|no|choice|#)\s*)*(\d{1,4}|first|1st|second|2nd|third|3rd|one|two|three|last)"
                     r"(?:\s+(?:one|option|question|please|pls))?$")
_FOLLOW_UP_WORDS = 5   # a follow-up with no word of its own ("how come?", "why?") is this short at most
_TERMS_MEMO = 65536    # texts (phrasings, words) whose terms a Bot remembers


@dataclass
class Reply:
    """Everything a front end needs to show, log or explain one answer."""

    question: str
    status: Status
    text: str                                   # what the user sees, disclaimer included
    intent: Intent | None = None
    score: float = 0.0
    suggestions: list[str] = field(default_factory=list)
    options: list[Intent] = field(default_factory=list)
    match: MatchResult | None = None
    rule: Rule | Finding | None = None          # the emergency or out-of-scope rule that decided
    threshold: float | None = None              # the answer threshold it was judged by (explanations)
    reason: Reason | None = None                # always set by Bot.reply
    triage: Assessment | None = None            # what triage found, near misses included
    see_also: list[Intent] = field(default_factory=list)   # a close runner-up of an answer, offered by number

    @property
    def citation(self) -> str | None:
        """The answer's source as a patient would say it ("Magnesium valproate, FAQs")."""
        if self.intent is None or self.intent.source is None:
            return None
        return messages.citation(self.intent.topic, self.intent.source.section)

    @property
    def ends_conversation(self) -> bool:
        """A farewell ("bye", "see you", "exit"): the REPL leaves after showing the reply."""
        return self.reason is not None and self.reason.get("smalltalk") == "goodbye"

    @property
    def source(self) -> str | None:
        if self.intent is None or self.intent.source is None:
            return None
        return self.intent.source.label()

    def record(self) -> dict:
        """The batch contract of DESIGN.md: one JSON-ready record."""
        return {"question": self.question, "status": self.status.value,
                "intent": self.intent.id if self.intent else None, "score": round(self.score, 1),
                "answer": self.text, "source": self.source, "suggestions": list(self.suggestions),
                "reason": self.reason.text if self.reason is not None else None,
                "see_also": [intent.question for intent in self.see_also]}


@dataclass
class Conversation:
    """What a session remembers between turns: its topic and the options last offered."""

    topic: str | None = None
    options: list[Intent] = field(default_factory=list)
    last: Reply | None = None
    safety: SafetyMemory = field(default_factory=SafetyMemory)   # episodes of the last turns


def index_texts(intent_set: IntentSet) -> list[str]:
    """The texts the Analyzer learns its vocabulary from, in order: each intent's phrasings and answer."""
    texts = []
    for intent in intent_set.intents:
        texts += [intent.question, *intent.examples, intent.answer]
    return texts


class Bot:
    def __init__(self, intent_set: IntentSet, lexicon: Lexicon | None = None, safety: SafetyRules | None = None,
                 analyzer: Analyzer | None = None, scope: SafetyRules | None = None, tuning: Tuning | None = None):
        """``analyzer``, when given, must be built from ``index_texts(intent_set)``: the coverage
        self-check passes one to build hundreds of leave-one-out bots cheaply. ``scope`` holds the
        rules for questions the documents cannot answer even when they name our topics (prices,
        purchases): same format as the emergency rules, but they lead to a fallback. ``tuning``,
        when given, replaces the defaults overridden by the folder's bot.yaml (raises
        DataFileError for a bad override)."""
        self.intent_set = intent_set
        self.lexicon = lexicon or Lexicon()
        self.safety = safety or SafetyRules()
        self.scope = scope or SafetyRules()
        self.tuning = tuning if tuning is not None else DEFAULT.overridden(intent_set.tuning)
        self.analyzer = analyzer or Analyzer(self.lexicon, index_texts(intent_set))
        # The built-in emergency layer always, then the folder's own red flags.
        self.triage = Triage(self.safety, self.analyzer.vocabulary)
        self.matcher = Matcher(intent_set, self.analyzer, self.tuning)
        self._by_id = intent_set.by_id()
        # Grouping 50,000 intents by topic took 40 ms; the matcher has done it once already.
        self._topic_names = list(self.matcher.topic_terms)
        # Topics the question names by their terms: a question naming none is read once per topic.
        self._reading_topics = [topic for topic, names in self.matcher.topic_terms.items() if names]
        # Every term of every topic's name ("magnesium" too, though two topics share it).
        self._subject_terms = {t for topic in self._topic_names for t in self.analyzer.terms(topic)}
        # A folder of many subjects (a medicine site) is read by subject first; see _by_subject.
        self.entities = (Entities(intent_set.intents, self.analyzer.vocabulary, self.tuning,
                                  {group[0].lower(): group[1:] for group in self.lexicon.groups if group})
                         if len(self._topic_names) >= self.tuning.many_topics else None)
        if analyzer is None:
            self.analyzer.release_index_tokens()   # ours, and only the index needed them
        self._phrasing_memo: dict[str, list[str]] = {}
        # The documents a folder red flag was found in (the topics of the intents it points to):
        # a page's "swollen ankles: get help immediately" is that medicine's, not every page's.
        self._red_flag_topics = {rule.id: frozenset(self._by_id[i].topic for i in rule.see if i in self._by_id)
                                 for rule in self.safety.rules if rule.see}

    @classmethod
    def from_folder(cls, folder: Path, cache: bool = True, notify=None) -> "Bot":
        """Load an intents folder (intents, bot.yaml, lexicon.yaml, safety.yaml, scope.yaml) or raise
        DataFileError.

        With ``cache`` (the default; FAQBOT_CACHE=0 turns it off) the Bot comes from the folder's
        compiled index when its fingerprint matches (matching/cache.py), else it is built and
        the index written for the next start. ``notify`` receives one line before each build of
        a large folder's index (LARGE_FOLDER_BYTES of YAML or more: a slow start), saying why."""
        folder = Path(folder)
        with gc_paused():      # everything built here stays alive: collecting found nothing to free
            if not cache or not cls.caches():
                return cls._built(folder)
            try:
                printed = compiled.fingerprint(folder)
            except OSError:
                return cls._built(folder)     # loading names the file that cannot be read
            found = compiled.load(folder, printed)
            if isinstance(found.value, cls):
                return found.value
            if notify is not None and cls.is_large(folder):
                notify(_rebuild_message(folder, found.reason))
            bot = cls._built(folder)
            compiled.store(folder, printed, bot)
            return bot

    @staticmethod
    def caches() -> bool:
        """Whether folders' loaded state is kept in the compiled cache: unless FAQBOT_CACHE=0."""
        return os.environ.get("FAQBOT_CACHE") != "0"

    @staticmethod
    def is_large(folder: Path) -> bool:
        """Whether the folder holds LARGE_FOLDER_BYTES of YAML or more (False when it cannot be
        listed: loading then names the problem)."""
        try:
            return compiled.folder_bytes(Path(folder)) >= LARGE_FOLDER_BYTES
        except OSError:
            return False

    @classmethod
    def from_compiled_index(cls, folder: Path) -> "Bot | None":
        """A large folder's Bot if its compiled index is current, else None (nothing is built or
        written). A current index also tells that the folder loads without a problem: an index
        is written only after a load succeeded, and its fingerprint covers every byte loaded.
        (``faqbot check`` parses a small folder whole anyway: that takes no time.)"""
        folder = Path(folder)
        if not cls.caches() or not cls.is_large(folder):
            return None
        try:
            found = compiled.load(folder, compiled.fingerprint(folder))
        except OSError:
            return None
        return found.value if isinstance(found.value, cls) else None

    @classmethod
    def _built(cls, folder: Path) -> "Bot":
        """A Bot built from the folder's YAML files, with no compiled index."""
        intent_set = load_folder(folder)
        lexicon = load_lexicon(folder / "lexicon.yaml")
        safety = SafetyRules.load(folder / "safety.yaml", set(intent_set.by_id()), message_required=False)
        scope = SafetyRules.load(folder / "scope.yaml", set(intent_set.by_id()))
        return cls(intent_set, lexicon, safety, scope=scope)

    @property
    def disclaimer(self) -> str:
        return self.intent_set.disclaimer

    def topics_sentence(self) -> str:
        names = self._topic_names
        if self.entities is not None:
            # 6,500 topics named in full made every fallback 200 kB long
            return messages.MANY_TOPICS.format(count=len(names), some=messages.and_list(names[:3]))
        return messages.and_list(names)

    # --- the decision -------------------------------------------------------------------

    def reply(self, question: str, conversation: Conversation | None = None) -> Reply:
        conversation = conversation if conversation is not None else Conversation()
        query = Query(question, self.analyzer, MAX_QUESTION_CHARS)   # read once, for every step below
        # Triage reads the whole message, however long, as typed and as spelling-corrected.
        def corrected(piece: str) -> str | None:
            # A message short enough to be one piece is the Query's own text: its correction is reused.
            whole = piece == query.question and len(piece) <= MAX_QUESTION_CHARS
            return query.corrected if whole else self.analyzer.corrected_text(piece)

        assessment = self.triage.assess(query.question, corrected, conversation.safety,
                                        self._red_flags_for(query) if self._red_flag_topics else None)
        reply = self._decide(query, conversation, assessment)
        reply.triage = assessment
        if assessment.crisis and reply.status is not Status.EMERGENCY:
            reply.text = self.triage.crisis_line + "\n\n" + reply.text
        reply = self._finish(reply)
        answer = reply.text if reply.status is Status.ANSWERED else ""
        conversation.safety.remember(assessment.episodes | self.triage.episodes_in(answer))
        conversation.last = reply
        if reply.status is Status.ANSWERED and reply.intent is not None:
            conversation.topic = reply.intent.topic
        if reply.status in (Status.CLARIFY, Status.FALLBACK):
            conversation.options = reply.options
        elif reply.status is Status.ANSWERED:
            conversation.options = list(reply.see_also)
        elif reply.status is not Status.SMALLTALK:
            conversation.options = []
        return reply

    def replies(self, text: str, conversation: Conversation | None = None) -> list[Reply]:
        """Every question of a pasted block answered in turn, in one conversation: one per line,
        or several on one line each ending with "?". A single question gets one reply, exactly
        ``reply``'s. Every line reaches triage: an emergency anywhere is answered where it is."""
        conversation = conversation if conversation is not None else Conversation()
        questions = separate_questions(text) if len(text) <= MAX_QUESTION_CHARS else [text]
        if len(questions) <= 1:
            return [self.reply(text, conversation)]
        # The block is triaged whole first: an emergency split over lines ("i took" / "30 tablets")
        # is one message, and its urgent instruction comes before any answer.
        if self.triage.assess(text, self.analyzer.corrected_text, conversation.safety).urgent is not None:
            return [self.reply(text, conversation)]
        return [self.reply(question, conversation) for question in questions]

    def _red_flags_for(self, query: Query):
        """Which of the folder's red flags a message may meet: all, unless it names medicines or
        topics and none of them is a red flag's own document. "norvasc swollen ankles" is not
        aceclofenac's serious side effect, which that page says needs help at once, while the
        amlodipine page calls swollen ankles common; a message naming nothing, or naming
        aceclofenac, still meets it. The built-in layer applies whatever is named."""
        named: list[frozenset[str] | None] = []

        def applies(rule) -> bool:
            topics = self._red_flag_topics.get(rule.id)
            if not topics:
                return True           # a rule of staff's own, pointing at no intent: always
            if not named:
                named.append(self._topics_named(query))
            return not named[0] or bool(topics & named[0])

        return applies

    def _topics_named(self, query: Query) -> frozenset[str]:
        """The topics a message names: by the medicine names of a folder of many subjects (every
        page a name may mean, and a combination's ingredients' pages), else by the terms that
        name a topic."""
        if self.entities is not None:
            mentions = self.entities.find_tokens(query.tokens)
            pages = self.entities.with_ingredient_pages({d for m in mentions for d in m.documents})
            return frozenset(self.entities.document_of(d).topic for d in pages)
        naming = self.matcher.index.topics_naming
        return frozenset(topic for term in query.analysis.terms for topic in naming.get(term, ()))

    def _decide(self, query: Query, conversation: Conversation, assessment: Assessment) -> Reply:
        question, normalised = query.question, query.normalised
        if assessment.urgent is not None:
            return self._emergency(question, assessment)
        if not query.tokens:
            return Reply(question, Status.FALLBACK, messages.EMPTY_QUESTION.format(topics=self.topics_sentence()),
                         reason=Reason.of("empty", "no words to match"))
        declined = self.scope.triage_normalised(normalised)
        if declined is not None:
            return self._declined(question, declined)
        chosen = self._chosen_option(normalised, conversation)
        if chosen == "out of range":
            count = len(conversation.options)
            valid = messages.CHOICE_ONE if count == 1 else messages.CHOICE_RANGE.format(count=count)
            return Reply(question, Status.CLARIFY, messages.CHOICE_OUT_OF_RANGE.format(valid=valid), None, 0.0,
                         [o.question for o in conversation.options], list(conversation.options),
                         reason=Reason.of("choice-out-of-range", f"no option with that number (1 to {count} offered)",
                                          offered=count))
        if chosen is not None:
            number = conversation.options.index(chosen) + 1
            reason = Reason.of("chosen-option", f"chosen option {number} of those offered in the previous turn",
                               option=number, intent=chosen.id)
            return self._answer(question, chosen, 100.0, None, reason)
        kind = self._smalltalk_kind(normalised)
        if kind is not None:
            return Reply(question, Status.SMALLTALK, self._smalltalk_text(kind, conversation),
                         reason=Reason.of("smalltalk", f"small talk: {kind}", smalltalk=kind))
        follow_up = self._follow_up(query, conversation)
        if follow_up is not None:
            return follow_up
        if self.entities is not None:
            return self._by_subject(query, conversation)
        unnamed = self._subject_unnamed(query, conversation)
        # One ranking serves both: the best answer, and (no subject named) each topic's best.
        result = self.matcher.match(query, boost_topic=conversation.topic,
                                    readings_of=self._reading_topics if unnamed else ())
        return self._judge(question, unnamed, result, query)

    def _follow_up(self, query: Query, conversation: Conversation) -> Reply | None:
        """A short follow-up read with the question it follows. Two kinds:

        - with no word of its own ("how come?", "why?", "does it go away?"): the next answer on the
          same thing, the last one having been read already; it must still be about what was asked
          ("how come?" after "will it make my hair fall out" is not answered by how the medicine
          works, which says nothing of hair);
        - carrying the question on to something new ("and for kids?", "what about alcohol"): the
          answer must speak of the new thing, the last answer included ("what about white cells"
          after platelets: the same list of blood disorders)."""
        last = conversation.last
        if last is None or last.status is not Status.ANSWERED or last.intent is None or last.match is None:
            return None
        if self.entities is not None:
            return None      # a folder of many subjects reads follow-ups within the conversation's page
        matcher = self.matcher
        own = [t for t in query.analysis.terms if t not in self._subject_terms and not matcher.is_light(t)]
        carrying = bool(own) and carries_on(query.normalised)
        if not carrying and (len(query.tokens) > _FOLLOW_UP_WORDS      # a subject named is a question of its own
                             or any(matcher.knows(t) and not matcher.is_light(t) for t in query.analysis.terms)):
            return None
        combined = Query(last.question + " " + query.core, self.analyzer, MAX_QUESTION_CHARS)
        result = matcher.match(combined, boost_topic=conversation.topic, limit=self.tuning.max_suggestions + 2)
        everything, opening, needed = result.candidates, None, ""
        if carrying:
            new = {t for t in own if matcher.knows(t)}
            unknown = [t for t in own if t not in new]
            if unknown:   # "what about breastfeeding" after pregnancy: the new thing is the question
                words = self._words_for(unknown, query)
                result.candidates = [c for c in everything if c.intent.id != last.intent.id]
                reply = self._fallback(query.question, result, Reason.of(
                    "not-covered", f"no intent knows '{words}', the follow-up's new subject", words=words),
                    messages.NOT_COVERED.format(focus=words))
                return self._as_follow_up(reply, last)
            if new:
                result.candidates = [c for c in everything if new & set(c.matched_terms)]
                opening = messages.NOT_SAID_FOR.format(focus=self._words_for(own, query))
                needed = "speaks of " + messages.and_list(sorted(new))
        else:
            asked = {t for t in self.analyzer.terms(last.question)
                     if t not in self._subject_terms and not matcher.is_light(t)}
            result.candidates = [c for c in everything if c.intent.id != last.intent.id
                                 and (not asked or asked & set(c.matched_terms))]
            opening, needed = messages.NOTHING_MORE, "says more about what was asked"
        if result.candidates:
            reply = self._judge(query.question, False, result, combined, opening)
        else:
            result.candidates = [c for c in everything if c.intent.id != last.intent.id]   # the closest, to offer
            reply = self._fallback(query.question, result, Reason.of(
                "follow-up-unanswered", f"no other intent {needed}"), opening)
        return self._as_follow_up(reply, last)

    @staticmethod
    def _as_follow_up(reply: Reply, last: Reply) -> Reply:
        """The reply's reason says which question it was read with."""
        reply.reason = Reason.of(reply.reason.kind, reply.reason.text + f" (read as a follow-up to \"{last.question}\")",
                                 *(), **dict(reply.reason.details), follow_up=last.question)
        return reply

    def _judge(self, question: str, unnamed: bool, result: MatchResult, query: Query,
               opening: str | None = None) -> Reply:
        """The reply to a ranking: a clarification, a fallback or the answer (with a see also).
        ``opening`` replaces the general "I can't answer that" of a fallback (a follow-up's)."""
        candidates = result.candidates
        if unnamed:
            readings = [c for c in self._topic_readings(result) if not self._leaves_unexplained(result, c)]
            if len(readings) > 1 and not self._only_one_explains_all(result, readings):
                topics = [c.intent.topic for c in readings]
                reason = Reason.of("two-topics", "no subject named, and the question fits "
                                   + messages.and_list(topics), topics=tuple(topics))
                return self._clarify(question, [c.intent for c in readings], readings[0].score, result, reason)
        if not candidates:
            return self._fallback(question, result, Reason.of("no-candidate", "no intent shares a word with the question"),
                                  opening)
        top, passed_over = candidates[0], None
        threshold = self.tuning.answer_threshold
        if self._answered_from_another_topic(result, threshold):
            named = next((c for c in candidates if c.intent.topic in result.topics), None)
            if named is None or named.score < threshold:
                subject = next(iter(result.topics))
                reason = Reason.of("other-subject", f"the question names {subject}, and the best answer "
                                   f"({top.intent.id}, {top.score:.1f}) is about {top.intent.topic}",
                                   subject=subject, intent=top.intent.id, score=round(top.score, 1))
                return self._fallback(question, result, reason, opening)
            # The other topics' intents are not offered as "see also" either.
            result.candidates = candidates = [c for c in candidates if c.intent.topic in result.topics]
            passed_over, top = top, named
        if top.score < threshold:
            asked = self._relation_answered_reversed(query, candidates)
            if asked is not None:
                reason = Reason.of("not-covered", f"no close intent asks '{asked}' the way round the question does "
                                   f"(best score {top.score:.1f}, below the answer threshold {threshold:g})",
                                   words=asked, score=round(top.score, 1), threshold=threshold, intent=top.intent.id)
                return self._fallback(question, result, reason, messages.NOT_COVERED.format(focus=asked))
            unknown = self._unknown_focus(result, query) if opening is None else []
            if unknown:
                words = self._words_for(unknown, query)
                reason = Reason.of("not-covered", f"no intent knows '{words}', and the best answer "
                                   f"({top.intent.id}, {top.score:.1f}) is below the answer threshold {threshold:g}",
                                   words=words, score=round(top.score, 1), threshold=threshold, intent=top.intent.id)
                return self._fallback(question, result, reason, messages.NOT_COVERED.format(focus=words))
            reason = Reason.of("below-threshold", f"best score {top.score:.1f} is below the answer threshold "
                               f"{threshold:g} ({top.intent.id})", score=round(top.score, 1),
                               threshold=threshold, intent=top.intent.id)
            return self._fallback(question, result, reason, opening)
        word = self._leaves_unexplained(result, top) if unnamed else None
        if word:
            reason = Reason.of("unknown-word", f"no subject named, and the best answer ({top.intent.id}) leaves "
                               f"the word '{word}' unexplained", word=word, intent=top.intent.id)
            return self._fallback(question, result, reason)
        uncovered = self._uncovered_focus(result, top)
        if uncovered:
            words = self._words_for(uncovered, query)
            reason = Reason.of("not-covered", f"no intent knows '{words}', and the best answer ({top.intent.id}) "
                               "does not explain the rest of the question", words=words, intent=top.intent.id)
            return self._fallback(question, result, reason, messages.NOT_COVERED.format(focus=words))
        passed = (f"; {passed_over.intent.id} ({passed_over.score:.1f}) is about {passed_over.intent.topic}, "
                  "which the question does not name") if passed_over is not None else ""
        reason = Reason.of("matched", f"score {top.score:.1f} reaches the answer threshold {threshold:g}{passed}",
                           score=round(top.score, 1), threshold=threshold, intent=top.intent.id)
        reply = self._answer(question, top.intent, top.score, result, reason)
        runner_up = next((c for c in candidates[1:] if c.intent.id != top.intent.id), None)
        if (runner_up is not None and runner_up.score >= threshold
                and top.score - runner_up.score <= self.tuning.see_also_margin
                and not self._uncovered_focus(result, runner_up)):
            reply.see_also = [runner_up.intent]
            reply.text += "\n\n" + "\n".join([messages.SEE_ALSO_INTRO, *messages.numbered([runner_up.intent.question]),
                                              messages.SEE_ALSO_OUTRO])
        return reply

    def _answered_from_another_topic(self, result: MatchResult, threshold: float) -> bool:
        """Whether the question names exactly one topic and the best candidate, good enough to be
        answered, is from another topic's document. Then only the named topic's best candidate
        may answer; below the threshold (or not ranked at all) the Bot declines: "can the weather
        cause migraines" is not answered by what causes asthma, whose answer speaks of the
        weather, when the migraine document does not say. A folder of many subjects has chosen
        its documents by the names in the question already (``_by_subject``)."""
        top = result.candidates[0]
        return (self.entities is None and len(result.topics) == 1 and top.score >= threshold
                and top.intent.topic not in result.topics)

    def _uncovered_focus(self, result: MatchResult, candidate: Candidate) -> list[str]:
        """The question's focus words no intent knows, when the candidate does not explain enough
        of the rest of the question to answer it anyway (``Tuning.focus_support``).

        Focus words are the question's terms other than the subject's name, common words, numbers,
        abbreviations of two letters and context. "is it safe to breastfeed on valproate": "breastfeed" is unknown and "safe"
        alone, in four intents, weighs too little to answer for it; "can I combine valproate and
        ibuprofen": "combine" is what the interactions answer is about, so it answers."""
        weights, matcher = result.weights, self.matcher
        focus = self._focus_terms(result)
        unknown = [t for t in focus if not matcher.knows(t)]
        if not unknown:
            return []
        # What the candidate explains of the question's other focus words must weigh as much as the
        # unknown word; a share of it (focus_support) when its best phrasing asks nothing the
        # question does not, a general intent ("what does valproate interact with") whose answer
        # holds for the unknown word too. A phrasing about pints of beer is about another focus.
        # Known words of the story around the question explain it as well as the same words in
        # the question would: "pregnant and my blood pressure is high, what should i watch out
        # for" is asked of pregnancy, as "what should i watch out for when pregnant" is.
        matched = set(candidate.matched_terms) - self._misread_synonyms(result, set(unknown))
        explained = sum(weights.get(t, 0.0) for t in self._focus_terms(result, with_context=True)
                        if t in matched)
        asked = set(result.analysis.terms)
        general = all(t in asked for t in self._phrasing_terms(candidate.phrasing)
                      if t not in self._subject_terms and not matcher.is_light(t))
        needed = max(weights.get(t, 0.0) for t in unknown) * (self.tuning.focus_support if general else self.tuning.focus_support_specific)
        return unknown if explained < needed else []

    def _focus_terms(self, result: MatchResult, with_context: bool = False) -> list[str]:
        """The question's terms other than the subject's name, common words, numbers, context
        (unless ``with_context``) and terms of two letters ("mg", "iv": too ambiguous to name),
        once each, in order."""
        matcher = self.matcher
        return [t for t in dict.fromkeys(result.analysis.terms)
                if t not in self._subject_terms and not matcher.is_light(t) and not t.isdigit()
                and (with_context or t not in result.context_terms) and len(t) > 2]

    def _unknown_focus(self, result: MatchResult, query: Query) -> list[str]:
        """The question's focus words no intent knows, to name when no answer comes close ("can i
        swim on valproate": "My documents don't cover swimming."): the activity a permission
        question asks about, or a rare word of the English word list. Only in a short question
        with few such words (``Tuning.named_focus_words``, ``named_unknown_words``,
        ``named_focus_zipf``); a word the list does not hold may be a misspelling nobody could
        mend, and is not named either."""
        tuning = self.tuning
        if sum(token not in STOPWORDS for token in query.tokens) > tuning.named_focus_words:
            return []
        matcher, frequencies = self.matcher, result.analysis.frequencies
        unknown = [term for term in self._focus_terms(result)
                   if not matcher.knows(term) and term not in PERMISSION_WORDS
                   and (term in query.activity_terms or 0.0 < frequencies.get(term, 0.0) <= tuning.named_focus_zipf)]
        return unknown if len(unknown) <= tuning.named_unknown_words else []

    def _relation_answered_reversed(self, query: Query, candidates: list[Candidate]) -> str | None:
        """What a cause-and-effect question asks, in the patient's words ("what causes
        hypomagnesemia"), when the documents answer it only the other way round ("can
        hypomagnesemia cause seizures") or never ask what causes it: a candidate lowered for its
        direction would have been answered but for it. None otherwise (the general fallback)."""
        if not any(c.reversed_relation and c.score / self.tuning.reversed_relation_factor >= self.tuning.answer_threshold
                   for c in candidates):
            return None
        found = relation(query.core)
        if found is None:
            return None
        cause, effect = _trimmed(found.cause), _trimmed(found.effect)
        if not effect or len(cause) + len(effect) > _RELATION_WORDS:
            return None          # a whole story is no phrase to quote back
        cause, effect = " ".join(cause), " ".join(effect)
        if not cause:
            return messages.RELATION_CAUSES_OF.format(effect=effect)
        return messages.RELATION_CAUSING.format(cause=cause, effect=effect)

    def _misread_synonyms(self, result: MatchResult, unknown: set[str]) -> set[str]:
        """Lexicon terms a word was read as, when its object (the next word that is not a function
        word) is an unknown focus word: "drink" reads as alcohol, but in "can i drink coffee" the
        object says which drink is meant, and the documents never mention it. Such a term explains
        nothing of the question (the uncovered word wins); "can i drink wine" keeps alcohol, wine
        being one of its words. A preposition ends the search: in "unsteady on her feet" the feet
        are where, not which unsteadiness."""
        synonyms = result.analysis.synonyms
        if not synonyms or not unknown:
            return set()
        tokens = [t for t in result.analysis.tokens if t not in STOPWORDS or t in _PREPOSITIONS]
        misread = set()
        for word, following in zip(tokens, tokens[1:]):
            term = synonyms.get(word)
            if term is not None and following not in _PREPOSITIONS and set(self._phrasing_terms(following)) & unknown:
                misread.add(term)
        return misread

    def _phrasing_terms(self, text: str) -> list[str]:
        """A candidate's phrasing (or a question's word) read as the index read it, uncorrected;
        remembered, since the same few phrasings win question after question and the same words
        come back (up to _TERMS_MEMO texts). Never to be changed by the caller."""
        known = self._phrasing_memo.get(text)
        if known is None:
            known = self.analyzer.terms(text)
            if len(self._phrasing_memo) < _TERMS_MEMO:
                self._phrasing_memo[text] = known
        return known

    def _words_for(self, terms: list[str], query: Query) -> str:
        """The words the patient typed for terms, once each, as a list to name in a sentence
        ("breastfeeding" for "breastfe"; "coffee and tea"; "driving" for "is it safe to drive")."""

        def typed(term: str) -> str:
            word = next((token for token in query.tokens if self._phrasing_terms(token) == [term]), term)
            return activity_name(word) if word in query.activity_words else word

        return messages.and_list(list(dict.fromkeys(typed(term) for term in terms)))

    # --- many subjects: the medicine named picks the pages ---------------------------------

    def _by_subject(self, query: Query, conversation: Conversation) -> Reply:
        """A folder of many subjects: rank only the pages of the medicines the question names
        (entities.Resolution), so no step grows with the number of pages it does not name.
        Naming none, a follow-up reads the conversation's topic; a first question is asked
        which medicine it means, never answered from an arbitrary page."""
        question = query.question
        resolution = self.entities.resolve(self.entities.find_tokens(query.tokens))
        if resolution.kind == "none":
            if conversation.topic is None:
                if not self._knows_the_words(query):
                    reason = Reason.of("unknown-words", "the question names no medicine and no document "
                                       "uses any of its words")
                    empty = MatchResult(query.analysis, [], [], set())
                    return self._fallback(question, empty, reason)
                return self._which_medicine(query, conversation)
            documents = self.entities.documents_of_topic(conversation.topic)
            result = self.matcher.match(query, boost_topic=conversation.topic,
                                        within=self.entities.intents_of(documents),
                                        subject_terms=self.analyzer.terms(conversation.topic))
            return self._judge(question, False, result, query)
        query = self._names_as_the_pages_write_them(query, resolution)
        if resolution.kind == "unpaired":
            return self._unpaired(query, resolution)
        limit = self.tuning.character_candidates
        result = self.matcher.match(query, within=self.entities.intents_of(resolution.documents), limit=limit)
        if resolution.own_pages:
            # The combination's page is about them all, unless one medicine's own page has an
            # entry asking about them together: that entry is the answer.
            own = self.matcher.match(query, within=self.entities.intents_of(resolution.own_pages), limit=1)
            names = [m.name for m in resolution.mentions if not m.partial]
            if own.candidates and own.candidates[0].score >= self.tuning.answer_threshold \
                    and self._names_all(own.candidates[0].intent, names, question_only=True):
                result = own
        best = self._best_per_document(result.candidates)
        one_name = sum(1 for m in resolution.mentions if not m.partial) <= 1    # not "X and Y together"
        if one_name and len(best) > 1 and best[0].score - best[1].score <= self.tuning.topic_clarify_margin:
            options = best[:self.tuning.max_suggestions]
            topics = [c.intent.topic for c in options]
            reason = Reason.of("several-subjects", "the medicine named fits " + messages.and_list(topics),
                               topics=tuple(topics))
            asking = messages.WHICH_OF_MEDICINES.format(names=" or ".join(dict.fromkeys(topics)))
            return self._clarify_subject(question, asking, options, result, reason)
        result.candidates = result.candidates[:5]
        return self._judge(question, False, result, query)

    def _knows_the_words(self, query: Query) -> bool:
        """Whether any text of the folder uses one of the question's words that says something
        (not a light word such as "last" or "how"): with none, "what is the capital of peru" is
        about nothing the pages cover, and the site does not ask which medicine it means. A
        folder's own words may miss a question's ("pregnant" where pages say "pregnancy"), so
        one known word is enough. A dictionary lookup per word."""
        index = self.matcher.index
        terms = query.analysis.terms
        return not terms or any(term in index.idf and term not in index.light for term in terms)

    def _names_as_the_pages_write_them(self, query: Query, resolution: Resolution) -> Query:
        """The query with each medicine name read as its page writes it ("cocodamol" ->
        "co codamol", "tramdol" -> "tramadol"): the name already chose the pages, and a name
        ranking does not know would count against every passage as an unknown word."""
        text = f" {' '.join(query.tokens)} "
        for mention in resolution.mentions:
            written = " ".join(mention.name)
            if not mention.partial and mention.typed != written:
                text = text.replace(f" {mention.typed} ", f" {written} ")
        if text.strip() == " ".join(query.tokens):
            return query
        renamed = Query(text.strip(), self.analyzer)
        renamed.question = query.question        # the reply still answers what was typed
        return renamed

    def _best_per_document(self, candidates: list[Candidate]) -> list[Candidate]:
        """Each document's best candidate that would be trusted, best first."""
        seen, best = set(), []
        for candidate in candidates:
            key = candidate.intent.source.file if candidate.intent.source else candidate.intent.topic
            if key not in seen and candidate.score >= self.tuning.answer_threshold:
                seen.add(key)
                best.append(candidate)
        return best

    def _unpaired(self, query: Query, resolution: Resolution) -> Reply:
        """Two medicines and no page about them together: what each one's page says, as options."""
        options, result = [], None
        for mention, documents in zip(resolution.mentions, resolution.per_mention):
            reading = self.matcher.match(query, within=self.entities.intents_of(documents), limit=1)
            result = result or reading
            if reading.candidates:
                best = reading.candidates[0]
                others = [m.name for m in resolution.mentions if m is not mention]
                if best.score >= self.tuning.answer_threshold and self._names_all(best.intent, others):
                    # One medicine's page speaks of the other ("Can I take ibuprofen with
                    # co-codamol?" on the co-codamol page): that passage is the answer.
                    return self._judge(query.question, False, reading, query)
                options.append(best)
        names = ([" ".join(m.name) for m in resolution.mentions if not m.partial]
                 or [" ".join(m.name) for m in resolution.mentions])     # words of names only ("ibuprofen")
        reason = Reason.of("unpaired-medicines", "no page is about " + messages.and_list(names) + " together",
                           medicines=tuple(names))
        text = messages.NO_PAGE_TOGETHER.format(names=messages.and_list(names))
        return self._clarify_subject(query.question, text, options[:self.tuning.max_suggestions], result, reason)

    @staticmethod
    def _names_all(intent: Intent, names: list[tuple[str, ...]], question_only: bool = False) -> bool:
        """Whether the intent's question (or answer, unless ``question_only``) names every one
        of these names."""
        text = intent.question if question_only else intent.question + " " + intent.answer
        words = f" {' '.join(tokenize(text))} {' '.join(tokenize(text.replace('-', '')))} "   # "co-codamol" too
        return all(f" {' '.join(name)} " in words for name in names)

    def _which_medicine(self, query: Query, conversation: Conversation) -> Reply:
        """No medicine named and none in the conversation: ask, offering the question read on
        each topic the conversation last offered (none on a first question)."""
        topics = list(dict.fromkeys(o.topic for o in conversation.options))[:self.tuning.max_suggestions]
        options, result = [], None
        for topic in topics:
            documents = self.entities.documents_of_topic(topic)
            reading = self.matcher.match(query, within=self.entities.intents_of(documents), limit=1)
            result = result or reading
            if reading.candidates:
                options.append(reading.candidates[0])
        example = None
        if not options:
            # The example of asking with a name is this question as the first page asks it
            # ("Is amoxicillin safe during pregnancy?"), not an unrelated one: one page ranked.
            reading = self.matcher.match(query, within=self.entities.intents_of([0]), limit=1)
            names = self.entities.document_of(0).names
            if reading.candidates and any(self._names_all(reading.candidates[0].intent, [name], question_only=True)
                                          for name in names):
                example = reading.candidates[0].intent.question     # not an FAQ that names no medicine
        reason = Reason.of("no-medicine", "the question names no medicine and the conversation has no topic")
        return self._clarify_subject(query.question, messages.WHICH_MEDICINE, options, result, reason, example)

    def _clarify_subject(self, question: str, asking: str, options: list[Candidate],
                         result: MatchResult | None, reason: Reason, example: str | None = None) -> Reply:
        """``example``: the question to show as asked with a name when there are no options (by
        default the folder's first)."""
        questions = [c.intent.question for c in options]
        if questions:
            text = "\n".join([asking, *messages.numbered(questions), messages.SUBJECT_OUTRO])
        else:
            text = asking + " " + messages.WHICH_MEDICINE_EXAMPLE.format(
                example=example or self.intent_set.intents[0].question)
        score = options[0].score if options else 0.0
        return Reply(question, Status.CLARIFY, text, None, score, questions, [c.intent for c in options], result,
                     threshold=self.tuning.answer_threshold, reason=reason)

    def _subject_unnamed(self, query: Query, conversation: Conversation) -> bool:
        """True when our content names its subjects in its questions, and this question names
        none of them, and the conversation has no topic yet to supply one."""
        if conversation.topic is not None or self._subject_terms & set(query.analysis.terms):
            return False
        return bool(self._reading_topics)

    def _leaves_unexplained(self, result: MatchResult, candidate: Candidate) -> str | None:
        """The first content word of the question the candidate leaves unexplained, if any. With no
        subject named, that word is likely the real subject: "what causes migraines" asks about
        migraines, "alcohol with metformin" about metformin, not about our drug. A name found only
        in this intent's answer ("Johnson", "NMDA") is as good as naming the subject. Words the
        documents know are no other subject when what the candidate explains of the question
        weighs more than they do ("peak flow meter how does it work": "meter", only in a spacer's
        answer, against "peak flow"), as a question naming the subject would be answered. It must
        explain two words or more: one word it shares may be all that links another subject to
        ours ("migraine symptoms" and valproate's use for migraine). A word no document uses is
        always left unexplained."""
        matched = set(candidate.matched_terms)
        if matched & self.matcher.name_terms:
            return None  # a name only this intent's text holds ("Johnson et al") names the subject
        left = [term for term in result.analysis.terms if term not in matched and not self.matcher.is_light(term)]
        if not left:
            return None
        weights, matcher = result.weights, self.matcher
        explains = [t for t in result.analysis.terms if t in matched and not matcher.is_light(t)]
        if len(explains) > 1 and all(matcher.knows(term) for term in left):
            explained = sum(weights.get(t, 0.0) for t in explains)
            if explained > sum(weights.get(t, 0.0) for t in left):
                return None
        return left[0]

    def _only_one_explains_all(self, result: MatchResult, readings: list[Candidate]) -> bool:
        """Whether the best reading holds every word of the question that says something and no
        other reading does: then the question fits one topic, not several. "cetirizine dose for
        adults" fits hay fever's antihistamines (cetirizine, dose, adults) and naproxen's adult
        dose only in part (dose, adults), though "dose for adults" weighs more than "cetirizine"."""
        def explains_all(candidate: Candidate) -> bool:
            matched = set(candidate.matched_terms)
            return all(t in matched for t in result.analysis.terms if not self.matcher.is_light(t))
        return explains_all(readings[0]) and not any(explains_all(c) for c in readings[1:])

    def _topic_readings(self, result: MatchResult) -> list[Candidate]:
        """A question naming no topic ("how does it work?") read once per topic: the best answer
        of each topic that would be trusted, when more than one topic has one, best first."""
        tuning = self.tuning
        readings = [c for c in result.readings.values() if c.score >= tuning.answer_threshold]
        readings.sort(key=lambda c: -c.score)
        if len(readings) > 1 and readings[0].score - readings[1].score > tuning.topic_clarify_margin:
            return readings[:1]
        return readings[:tuning.max_suggestions]

    def _clarify(self, question: str, options: list[Intent], score: float, result: MatchResult,
                 reason: Reason) -> Reply:
        questions = [o.question for o in options]
        text = "\n".join([messages.CLARIFY_INTRO, *messages.numbered(questions), messages.CLARIFY_OUTRO])
        return Reply(question, Status.CLARIFY, text, None, score, questions, options, result, reason=reason)

    def _answer(self, question: str, intent: Intent, score: float, result: MatchResult | None,
                reason: Reason) -> Reply:
        text = intent.answer
        if intent.source is not None:
            text += messages.ANSWER_SOURCE.format(citation=messages.citation(intent.topic, intent.source.section))
        return Reply(question, Status.ANSWERED, text, intent, score, [], [], result, reason=reason)

    def _fallback(self, question: str, result: MatchResult, reason: Reason, opening: str | None = None) -> Reply:
        """``opening``, when given, replaces the general "I can't answer that" (a named focus)."""
        tuning = self.tuning
        close = [c for c in result.candidates if c.score >= tuning.suggestion_floor][:tuning.max_suggestions]
        lines = [opening or messages.FALLBACK.format(topics=self.topics_sentence())]
        if close:
            lines += [messages.FALLBACK_CLOSEST_INTRO, *messages.numbered([c.intent.question for c in close]),
                      messages.FALLBACK_CLOSEST_OUTRO]
        lines.append(messages.FALLBACK_ELSEWHERE)
        score = result.candidates[0].score if result.candidates else 0.0
        return Reply(question, Status.FALLBACK, "\n".join(lines), None, score, [c.intent.question for c in close],
                     [c.intent for c in close], result, reason=reason)

    def _declined(self, question: str, rule: Rule) -> Reply:
        """A question outside what any document covers, though it names our topics."""
        parts = [self.scope.message, rule.advice, messages.DECLINED_SCOPE.format(topics=self.topics_sentence())]
        reason = Reason.of("out-of-scope-rule", f"out-of-scope rule {rule.id} ({rule.when})", rule=rule.id)
        return Reply(question, Status.FALLBACK, "\n".join(p for p in parts if p), rule=rule, reason=reason)

    def _emergency(self, question: str, assessment: Assessment) -> Reply:
        """The urgent instruction first (and the crisis line for self-harm), then the advice of the
        rules met, then only the document text the folder's red flags point to."""
        parts = [self.triage.message]
        if assessment.crisis:
            parts.append(self.triage.crisis_line)
        related: list[Intent] = []
        for finding in assessment.findings:
            if finding.advice and finding.advice not in parts:
                parts.append(finding.advice)
            related += [self._by_id[i] for i in finding.see if i in self._by_id and self._by_id[i] not in related]
        for intent in related:
            parts.append(messages.EMERGENCY_DOCUMENTS.format(question=intent.question, answer=intent.answer))
        intent = related[0] if related else None
        rule = assessment.urgent
        text = f"emergency rule {rule.id} ({rule.when})"
        if rule.layer == "built-in":
            text += f", built-in: {rule.why}"
        reason = Reason.of("emergency-rule", text, rule=rule.id, layer=rule.layer)
        return Reply(question, Status.EMERGENCY, "\n\n".join(parts), intent, 100.0, rule=rule, reason=reason)

    def _chosen_option(self, normalised: str, conversation: Conversation) -> Intent | str | None:
        """'1', 'the first one', 'number 2' pick from the options offered in the previous turn;
        "out of range" for a number no option has ("7" after three)."""
        if not conversation.options:
            return None
        match = _CHOICE.match(normalised.strip(" .!?"))
        if not match:
            return None
        word = match.group(1)
        if word == "last":
            return conversation.options[-1]
        number = int(word) if word.isdigit() else _ORDINALS.get(word, 0)
        if 1 <= number <= len(conversation.options):
            return conversation.options[number - 1]
        return "out of range"

    def _smalltalk_kind(self, normalised: str) -> str | None:
        """The kind of small talk a message is made of, or None when anything else is in it."""
        cleaned = " ".join(_SMALLTALK_WORDS.findall(normalised))
        cleaned = _FINAL_QUESTION_MARK.sub("", cleaned) or cleaned
        kinds = set()
        while cleaned:
            piece = _SMALLTALK_PIECE.match(cleaned)
            if piece is None or not piece.group():
                return None
            kinds.add(piece.lastgroup)
            cleaned = cleaned[piece.end():]
        return next((kind for kind in _SMALLTALK_PRIORITY if kind in kinds), None)

    def _smalltalk_text(self, kind: str, conversation: Conversation) -> str:
        if kind in messages.SMALLTALK_CLOSINGS:
            return messages.SMALLTALK_CLOSINGS[kind].format(topics=self.topics_sentence())
        if kind == "acknowledge":
            return messages.SMALLTALK_ACKNOWLEDGE.format(topics=self.topics_sentence())
        scope = messages.SMALLTALK_SCOPE.format(topics=self.topics_sentence(),
                                                example=min((i.question for i in self.intent_set.intents), key=len))
        return messages.SMALLTALK_OPENINGS[kind].format(name=self.intent_set.name) + scope

    def _finish(self, reply: Reply) -> Reply:
        """The one place the disclaimer is added: every reply, of every status, ends with it."""
        reply.text = reply.text.rstrip() + "\n\n" + self.disclaimer
        reply.threshold = self.tuning.answer_threshold
        return reply


def _trimmed(words: tuple[str, ...]) -> list[str]:
    """A side of a cause-and-effect question without the question and function words around it:
    "can seizures" -> "seizures", "hypomagnesemia in adults" stays."""
    words = list(words)
    while words and words[0] in STOPWORDS:
        words.pop(0)
    while words and words[-1] in STOPWORDS:
        words.pop()
    return words


def _rebuild_message(folder: Path, reason: str) -> str:
    """The line shown before building a large folder's index."""
    if reason == "rejected":
        return (f"ignored the compiled index of {folder}: it is damaged or faqbot did not write it; "
                "rebuilding it from the intents")
    why = "the intents or faqbot changed since it was built" if reason == "stale" else "none was built yet"
    return f"building the compiled index of {folder} ({why}); the next start reads it"


__all__ = ["Bot", "Candidate", "Conversation", "Reason", "Reply", "STATUSES", "Status"]
