"""The Bot decides what to say: triage, small talk, follow-ups, matching, thresholds.

``Bot.reply`` returns a Reply whose text always ends with the disclaimer: it is appended in one
place (``_finish``), so no front end can forget it. The Bot never prints and never exits.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from .language.analyzer import Analyzer
from .content.lexicon import load_lexicon
from .language.lexicon import Lexicon
from .content.intents import Intent, IntentSet, load_folder
from .matching import cache as compiled
from .matching.entities import Entities, Resolution
from .matching.matcher import Candidate, MatchResult, Matcher
from .matching.tuning import DEFAULT, Tuning
from .content.rules import Rule, SafetyRules
from .language.query import Query

MAX_QUESTION_CHARS = 2000  # longer input is truncated for matching, never rejected

# Folders with this much YAML (about 2,000 intents: a second or more to parse and index) keep a
# compiled index in the user's cache folder, and say so when they build it. Smaller folders load
# in well under a second and write nothing anywhere.
CACHE_MIN_BYTES = 1024 * 1024

STATUSES = ("answered", "clarify", "fallback", "smalltalk", "emergency")

# Small talk: whole messages made only of greeting, thanks, identity or help words.
_SMALLTALK = [
    ("greeting", re.compile(r"^(hi+|hello+|hey+|hiya|yo|good (morning|afternoon|evening|day)|greetings|howdy)"
                            r"( there| bot| faqbot| all)?$")),
    ("thanks", re.compile(r"^((thank you|thanks|thx|ty|cheers|much appreciated)( (so|very) much| a lot| again)?"
                          r"|great|perfect|ok(ay)? thanks|that helps|helpful)$")),
    ("identity", re.compile(r"^(who|what) are you|^are you (a |an )?(bot|robot|human|real|person|ai|doctor)$"
                            r"|^what can you (do|answer)$|^what do you know$|^your name$|^what is your name$")),
    ("help", re.compile(r"^(help|help me|i need help|how does this work|how do i use (this|you)|menu|commands|\?)$")),
    ("goodbye", re.compile(r"^(bye|goodbye|see you|see ya|good night|cya)$")),
]
_ORDINALS = {"first": 1, "1st": 1, "one": 1, "second": 2, "2nd": 2, "two": 2, "third": 3, "3rd": 3, "three": 3}
_CHOICE = re.compile(r"^(?:(?:the|option|number|no|choice|#)\s*)*(\d|first|1st|second|2nd|third|3rd|one|two|three|last)"
                     r"(?:\s+(?:one|option|question))?$")


@dataclass
class Reply:
    """Everything a front end needs to show, log or explain one answer."""

    question: str
    status: str
    text: str                                   # what the user sees, disclaimer included
    intent: Intent | None = None
    score: float = 0.0
    suggestions: list[str] = field(default_factory=list)
    options: list[Intent] = field(default_factory=list)
    match: MatchResult | None = None
    rule: Rule | None = None
    threshold: float | None = None              # the answer threshold it was judged by (explanations)

    @property
    def source(self) -> str | None:
        if self.intent is None or self.intent.source is None:
            return None
        return self.intent.source.label()

    def record(self) -> dict:
        """The batch contract of DESIGN.md: one JSON-ready record."""
        return {"question": self.question, "status": self.status,
                "intent": self.intent.id if self.intent else None, "score": round(self.score, 1),
                "answer": self.text, "source": self.source, "suggestions": list(self.suggestions)}


@dataclass
class Conversation:
    """What a session remembers between turns: its topic and the options last offered."""

    topic: str | None = None
    options: list[Intent] = field(default_factory=list)
    last: Reply | None = None


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
        self.matcher = Matcher(intent_set, self.analyzer, self.tuning)
        self._by_id = intent_set.by_id()
        # Grouping 50,000 intents by topic took 40 ms; the matcher has done it once already.
        self._topic_names = list(self.matcher.topic_terms)
        # Topics the question names by their terms: a question naming none is read once per topic.
        self._reading_topics = [topic for topic, names in self.matcher.topic_terms.items() if names]
        # Every term of every topic's name ("magnesium" too, though two topics share it).
        self._subject_terms = {t for topic in self._topic_names for t in self.analyzer.terms(topic)}
        # A folder of many subjects (a medicine site) is read by subject first; see _by_subject.
        self.entities = (Entities(intent_set.intents, self.analyzer.vocabulary, self.tuning)
                         if len(self._topic_names) >= self.tuning.many_topics else None)

    @classmethod
    def from_folder(cls, folder: Path, cache: bool = True, notify=None) -> "Bot":
        """Load an intents folder (intents, bot.yaml, lexicon.yaml, safety.yaml, scope.yaml) or raise
        DataFileError.

        With ``cache`` (the default; FAQBOT_CACHE=0 turns it off) the Bot comes from the folder's
        compiled index when its fingerprint matches (matching/cache.py), else it is built and
        the index written for the next start; only for folders of CACHE_MIN_BYTES of YAML or
        more. ``notify`` receives one line before each such build, saying why."""
        folder = Path(folder)
        if not cache or os.environ.get("FAQBOT_CACHE") == "0":
            return cls._built(folder)
        try:
            if compiled.folder_bytes(folder) < CACHE_MIN_BYTES:
                return cls._built(folder)
            printed = compiled.fingerprint(folder)
        except OSError:
            return cls._built(folder)     # loading names the file that cannot be read
        found = compiled.load(folder, printed)
        if isinstance(found.value, cls):
            return found.value
        if notify is not None:
            notify(_rebuild_message(folder, found.reason))
        bot = cls._built(folder)
        compiled.store(folder, printed, bot)
        return bot

    @classmethod
    def _built(cls, folder: Path) -> "Bot":
        """A Bot built from the folder's YAML files, with no compiled index."""
        intent_set = load_folder(folder)
        lexicon = load_lexicon(folder / "lexicon.yaml")
        safety = SafetyRules.load(folder / "safety.yaml", set(intent_set.by_id()))
        scope = SafetyRules.load(folder / "scope.yaml", set(intent_set.by_id()))
        return cls(intent_set, lexicon, safety, scope=scope)

    @property
    def disclaimer(self) -> str:
        return self.intent_set.disclaimer

    def topics_sentence(self) -> str:
        names = self._topic_names
        if len(names) <= 1:
            return names[0] if names else "nothing yet"
        return ", ".join(names[:-1]) + " and " + names[-1]

    # --- the decision -------------------------------------------------------------------

    def reply(self, question: str, conversation: Conversation | None = None) -> Reply:
        conversation = conversation if conversation is not None else Conversation()
        query = Query(question, self.analyzer, MAX_QUESTION_CHARS)   # read once, for every step below
        reply = self._decide(query, conversation)
        reply = self._finish(reply)
        conversation.last = reply
        if reply.status == "answered" and reply.intent is not None:
            conversation.topic = reply.intent.topic
        if reply.status in ("clarify", "fallback"):
            conversation.options = reply.options
        elif reply.status != "smalltalk":
            conversation.options = []
        return reply

    def _decide(self, query: Query, conversation: Conversation) -> Reply:
        question, normalised = query.question, query.normalised
        rule = self.safety.triage_normalised(normalised) if self.safety.rules else None
        if rule is None and len(question) > len(query.text):
            # A long paste may end with the emergency ("...and now she is fitting"), or start with
            # junk: its end is triaged too. Two windows keep the time bounded whatever the length.
            rule = self.safety.triage(question[-MAX_QUESTION_CHARS:])
        if rule is None and self.safety.rules:
            corrected = query.corrected   # "she is having a sezure"
            rule = self.safety.triage_normalised(corrected) if corrected else None
        if rule is not None:
            return self._emergency(question, rule)
        if not query.tokens:
            return Reply(question, "fallback", "Please type a question about " + self.topics_sentence() + ".")
        declined = self.scope.triage_normalised(normalised)
        if declined is not None:
            return self._declined(question, declined)
        chosen = self._chosen_option(normalised, conversation)
        if chosen is not None:
            return self._answer(question, chosen, 100.0, None)
        kind = self._smalltalk_kind(normalised)
        if kind is not None:
            return Reply(question, "smalltalk", self._smalltalk_text(kind))
        if self.entities is not None:
            return self._by_subject(query, conversation)
        unnamed = self._subject_unnamed(query, conversation)
        # One ranking serves both: the best answer, and (no subject named) each topic's best.
        result = self.matcher.match(query, boost_topic=conversation.topic,
                                    readings_of=self._reading_topics if unnamed else ())
        return self._judge(question, unnamed, result)

    def _judge(self, question: str, unnamed: bool, result: MatchResult) -> Reply:
        candidates = result.candidates
        if unnamed:
            readings = [c for c in self._topic_readings(result) if not self._leaves_unexplained(result, c)]
            if len(readings) > 1:
                return self._clarify(question, [c.intent for c in readings], readings[0].score, result)
        if not candidates or candidates[0].score < self.tuning.answer_threshold:
            return self._fallback(question, result)
        top = candidates[0]
        if unnamed and self._leaves_unexplained(result, top):
            return self._fallback(question, result)
        return self._answer(question, top.intent, top.score, result)

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
                return self._which_medicine(query, conversation)
            documents = self.entities.documents_of_topic(conversation.topic)
            result = self.matcher.match(query, boost_topic=conversation.topic,
                                        within=self.entities.intents_of(documents),
                                        subject_terms=self.analyzer.terms(conversation.topic))
            return self._judge(question, False, result)
        if resolution.kind == "unpaired":
            return self._unpaired(query, resolution)
        limit = self.tuning.character_candidates
        result = self.matcher.match(query, within=self.entities.intents_of(resolution.documents), limit=limit)
        best = self._best_per_document(result.candidates)
        if len(best) > 1 and best[0].score - best[1].score <= self.tuning.topic_clarify_margin:
            options = best[:self.tuning.max_suggestions]
            names = " or ".join(sorted({c.intent.topic for c in options}))
            return self._clarify_subject(question, f"Which medicine do you mean: {names}?", options, result)
        result.candidates = result.candidates[:5]
        return self._judge(question, False, result)

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
        for documents in resolution.per_mention:
            reading = self.matcher.match(query, within=self.entities.intents_of(documents), limit=1)
            result = result or reading
            if reading.candidates:
                options.append(reading.candidates[0])
        names = " and ".join(" ".join(m.name) for m in resolution.mentions if not m.partial)
        text = (f"I have no page about {names} together; please ask your pharmacist or doctor before "
                "taking them together. Which medicine's page do you want?")
        return self._clarify_subject(query.question, text, options[:self.tuning.max_suggestions], result)

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
        return self._clarify_subject(query.question, "Which medicine do you mean?", options, result)

    def _clarify_subject(self, question: str, asking: str, options: list[Candidate],
                         result: MatchResult | None) -> Reply:
        lines = [f"  {n}. {c.intent.question}" for n, c in enumerate(options, 1)]
        if lines:
            text = asking + "\n" + "\n".join(lines) + "\nReply with the number, or ask again naming the medicine."
        else:
            text = asking + " Please ask again with its name, for example: \"" + self._example_question() + "\""
        score = options[0].score if options else 0.0
        return Reply(question, "clarify", text, None, score, [c.intent.question for c in options],
                     [c.intent for c in options], result)

    def _example_question(self) -> str:
        return self.intent_set.intents[0].question

    def _subject_unnamed(self, query: Query, conversation: Conversation) -> bool:
        """True when our content names its subjects in its questions, and this question names
        none of them, and the conversation has no topic yet to supply one."""
        if conversation.topic is not None or self._subject_terms & set(query.analysis.terms):
            return False
        return bool(self._reading_topics)

    def _leaves_unexplained(self, result: MatchResult, candidate: Candidate) -> bool:
        """Whether the candidate leaves a content word of the question unexplained. With no
        subject named, that word is likely the real subject: "what causes migraines" asks about
        migraines, "alcohol with metformin" about metformin, not about our drug. A name found only
        in this intent's answer ("Johnson", "NMDA") is as good as naming the subject."""
        matched = set(candidate.matched_terms)
        if matched & self.matcher.name_terms:
            return False  # a name only this intent's text holds ("Johnson et al") names the subject
        return any(term not in matched and not self.matcher.is_light(term) for term in result.analysis.terms)

    def _topic_readings(self, result: MatchResult) -> list[Candidate]:
        """A question naming no topic ("how does it work?") read once per topic: the best answer
        of each topic that would be trusted, when more than one topic has one, best first."""
        tuning = self.tuning
        readings = [c for c in result.readings.values() if c.score >= tuning.answer_threshold]
        readings.sort(key=lambda c: -c.score)
        if len(readings) > 1 and readings[0].score - readings[1].score > tuning.topic_clarify_margin:
            return readings[:1]
        return readings[:tuning.max_suggestions]

    def _clarify(self, question: str, options: list[Intent], score: float, result: MatchResult) -> Reply:
        lines = [f"  {n}. {o.question}" for n, o in enumerate(options, 1)]
        text = ("Your question could be about more than one thing. Which do you mean?\n"
                + "\n".join(lines) + "\nReply with the number, or ask again naming what you mean.")
        return Reply(question, "clarify", text, None, score, [o.question for o in options], options, result)

    def _answer(self, question: str, intent: Intent, score: float, result: MatchResult | None) -> Reply:
        text = intent.answer
        if intent.source is not None:
            text += f"\n\nSource: {intent.source.file}, section \"{intent.source.section}\""
        return Reply(question, "answered", text, intent, score, [], [], result)

    def _fallback(self, question: str, result: MatchResult) -> Reply:
        close = [c for c in result.candidates if c.score >= self.tuning.suggestion_floor][:self.tuning.max_suggestions]
        text = ("I'm sorry, I can't answer that from my documents. I can only answer questions about "
                + self.topics_sentence() + ".")
        if close:
            text += "\nThe closest questions I can answer are:\n" + "\n".join(
                f"  {n}. {c.intent.question}" for n, c in enumerate(close, 1))
            text += "\nReply with a number to read one of them."
        text += "\nFor anything else, please ask your doctor or pharmacist."
        score = result.candidates[0].score if result.candidates else 0.0
        return Reply(question, "fallback", text, None, score, [c.intent.question for c in close],
                     [c.intent for c in close], result)

    def _declined(self, question: str, rule: Rule) -> Reply:
        """A question outside what any document covers, though it names our topics."""
        parts = [self.scope.message, rule.advice,
                 "I can only answer questions about " + self.topics_sentence() + " from my documents."]
        return Reply(question, "fallback", "\n".join(p for p in parts if p), rule=rule)

    def _emergency(self, question: str, rule: Rule) -> Reply:
        parts = [self.safety.message]
        if rule.advice:
            parts.append(rule.advice)
        related = [self._by_id[i] for i in rule.see if i in self._by_id]
        for intent in related:
            parts.append(f"What the documents say ({intent.question}):\n{intent.answer}")
        intent = related[0] if related else None
        return Reply(question, "emergency", "\n\n".join(parts), intent, 100.0, rule=rule)

    def _chosen_option(self, normalised: str, conversation: Conversation) -> Intent | None:
        """'1', 'the first one', 'number 2' pick from the options offered in the previous turn."""
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
        return None

    def _smalltalk_kind(self, normalised: str) -> str | None:
        cleaned = " ".join(re.findall(r"[\w']+|\?", normalised))
        cleaned = re.sub(r"\s*\?$", "", cleaned) or cleaned
        for kind, pattern in _SMALLTALK:
            if pattern.match(cleaned):
                return kind
        return None

    def _smalltalk_text(self, kind: str) -> str:
        scope = (f"I answer questions about {self.topics_sentence()}, using only the text of my source "
                 "documents. Ask me in your own words, for example: "
                 f"\"{min((i.question for i in self.intent_set.intents), key=len)}\"")
        opening = {
            "greeting": "Hello! ",
            "thanks": "You're welcome. ",
            "identity": f"I'm {self.intent_set.name}, an FAQ assistant, not a doctor. ",
            "help": "",
            "goodbye": "Goodbye, and take care. ",
        }[kind]
        return opening + scope

    def _finish(self, reply: Reply) -> Reply:
        """The one place the disclaimer is added: every reply, of every status, ends with it."""
        reply.text = reply.text.rstrip() + "\n\n" + self.disclaimer
        reply.threshold = self.tuning.answer_threshold
        return reply


def _rebuild_message(folder: Path, reason: str) -> str:
    """The line shown before building a large folder's index."""
    if reason == "rejected":
        return (f"ignored the compiled index of {folder}: it is damaged or faqbot did not write it; "
                "rebuilding it from the intents")
    why = "the intents or faqbot changed since it was built" if reason == "stale" else "none was built yet"
    return f"building the compiled index of {folder} ({why}); the next start reads it"


def explain(reply: Reply, limit: int = 5) -> list[str]:
    """Lines that show staff why the bot answered as it did: corrections, synonyms, candidates."""
    threshold = reply.threshold if reply.threshold is not None else DEFAULT.answer_threshold
    lines = [f"status: {reply.status}  score: {reply.score:.1f}  (answer threshold {threshold:.0f})"]
    if reply.rule is not None:
        kind = "emergency rule" if reply.status == "emergency" else "out-of-scope rule"
        lines.append(f"{kind}: {reply.rule.id} ({reply.rule.when})")
    result = reply.match
    if result is None:
        if reply.status == "answered":
            lines.append("chosen from the options offered in the previous turn")
        return lines
    analysis = result.analysis
    if analysis.corrections:
        lines.append("spelling: " + ", ".join(f"{a} -> {b}" for a, b in analysis.corrections.items()))
    if analysis.synonyms:
        lines.append("synonyms: " + ", ".join(f"{a} -> {b}" for a, b in analysis.synonyms.items()))
    lines.append("terms: " + (" ".join(analysis.terms) or "(none)"))
    if result.unknown_terms:
        lines.append("unknown to every intent: " + " ".join(result.unknown_terms))
    for rank, candidate in enumerate(result.candidates[:limit], 1):
        lines.append(f"{rank}. {candidate.score:5.1f}  {candidate.intent.id}  via \"{candidate.phrasing}\""
                     f"  [{' '.join(candidate.matched_terms)}]")
    return lines


__all__ = ["Bot", "Candidate", "Conversation", "Reply", "STATUSES", "explain"]
