"""The Bot decides what to say: triage, small talk, follow-ups, matching, thresholds.

``Bot.reply`` returns a Reply whose text always ends with the disclaimer: it is appended in one
place (``_finish``), so no front end can forget it. The Bot never prints and never exits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .language.analyzer import Analyzer
from .content.lexicon import load_lexicon
from .language.lexicon import Lexicon
from .content.intents import Intent, IntentSet, load_folder
from .matching.matcher import Candidate, MatchResult, Matcher
from .content.rules import Rule, SafetyRules
from .language.normalise import normalize, tokenize
from .safety import Assessment, Finding, SafetyMemory, Triage

ANSWER_THRESHOLD = 42.0    # below this the best candidate is not trusted
TOPIC_CLARIFY_MARGIN = 20.0  # a question naming no topic fits two topics this closely: ask which
SUGGESTION_FLOOR = 8.0     # candidates worth offering as "closest questions"
MAX_SUGGESTIONS = 3
MAX_QUESTION_CHARS = 2000  # longer input is truncated for matching, never rejected

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
    rule: Rule | Finding | None = None          # the emergency or out-of-scope rule that decided
    triage: Assessment | None = None            # what triage found, near misses included

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
    safety: SafetyMemory = field(default_factory=SafetyMemory)   # episodes of the last turns


def index_texts(intent_set: IntentSet) -> list[str]:
    """The texts the Analyzer learns its vocabulary from, in order: each intent's phrasings and answer."""
    texts = []
    for intent in intent_set.intents:
        texts += [intent.question, *intent.examples, intent.answer]
    return texts


class Bot:
    def __init__(self, intent_set: IntentSet, lexicon: Lexicon | None = None, safety: SafetyRules | None = None,
                 analyzer: Analyzer | None = None, scope: SafetyRules | None = None):
        """``analyzer``, when given, must be built from ``index_texts(intent_set)``: the coverage
        self-check passes one to build hundreds of leave-one-out bots cheaply. ``scope`` holds the
        rules for questions the documents cannot answer even when they name our topics (prices,
        purchases): same format as the emergency rules, but they lead to a fallback."""
        self.intent_set = intent_set
        self.lexicon = lexicon or Lexicon()
        self.safety = safety or SafetyRules()
        self.scope = scope or SafetyRules()
        self.analyzer = analyzer or Analyzer(self.lexicon, index_texts(intent_set))
        # The built-in emergency layer always, then the folder's own red flags.
        self.triage = Triage(self.safety, self.analyzer.vocabulary)
        self.matcher = Matcher(intent_set, self.analyzer)
        self._by_id = intent_set.by_id()
        # Grouping 50,000 intents by topic took 40 ms; the matcher has done it once already.
        self._topic_names = list(self.matcher.topic_terms)

    @classmethod
    def from_folder(cls, folder: Path) -> "Bot":
        """Load an intents folder (intents, bot.yaml, lexicon.yaml, safety.yaml, scope.yaml) or raise
        DataFileError."""
        folder = Path(folder)
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
        if len(names) <= 1:
            return names[0] if names else "nothing yet"
        return ", ".join(names[:-1]) + " and " + names[-1]

    # --- the decision -------------------------------------------------------------------

    def reply(self, question: str, conversation: Conversation | None = None) -> Reply:
        conversation = conversation if conversation is not None else Conversation()
        question = question if isinstance(question, str) else str(question)
        text = question.strip()[:MAX_QUESTION_CHARS]
        # Triage reads the whole message, however long, as typed and as spelling-corrected.
        assessment = self.triage.assess(question, self.analyzer.corrected_text(question), conversation.safety)
        reply = self._decide(question, text, conversation, assessment)
        reply.triage = assessment
        if assessment.crisis and reply.status != "emergency":
            reply.text = self.triage.crisis_line + "\n\n" + reply.text
        reply = self._finish(reply)
        answer = reply.text if reply.status == "answered" else ""
        conversation.safety.remember(self.triage.episodes_in(question) | self.triage.episodes_in(answer))
        conversation.last = reply
        if reply.status == "answered" and reply.intent is not None:
            conversation.topic = reply.intent.topic
        if reply.status in ("clarify", "fallback"):
            conversation.options = reply.options
        elif reply.status != "smalltalk":
            conversation.options = []
        return reply

    def _decide(self, question: str, text: str, conversation: Conversation, assessment: Assessment) -> Reply:
        if assessment.urgent is not None:
            return self._emergency(question, assessment)
        normalised = normalize(text)
        if not tokenize(normalised):
            return Reply(question, "fallback", "Please type a question about " + self.topics_sentence() + ".")
        declined = self.scope.triage(text)
        if declined is not None:
            return self._declined(question, declined)
        chosen = self._chosen_option(normalised, conversation)
        if chosen is not None:
            return self._answer(question, chosen, 100.0, None)
        kind = self._smalltalk_kind(normalised)
        if kind is not None:
            return Reply(question, "smalltalk", self._smalltalk_text(kind))
        result = self.matcher.match(text, boost_topic=conversation.topic)
        return self._judge(question, text, result, conversation)

    def _judge(self, question: str, text: str, result: MatchResult, conversation: Conversation) -> Reply:
        candidates = result.candidates
        unnamed = self._subject_unnamed(result, conversation)
        if unnamed:
            readings = [c for c in self._topic_readings(text) if not self._leaves_unexplained(result, c)]
            if len(readings) > 1:
                return self._clarify(question, [c.intent for c in readings], readings[0].score, result)
        if not candidates or candidates[0].score < ANSWER_THRESHOLD:
            return self._fallback(question, result)
        top = candidates[0]
        if unnamed and self._leaves_unexplained(result, top):
            return self._fallback(question, result)
        return self._answer(question, top.intent, top.score, result)

    def _subject_unnamed(self, result: MatchResult, conversation: Conversation) -> bool:
        """True when our content names its subjects in its questions, and this question names
        none of them, and the conversation has no topic yet to supply one."""
        if conversation.topic is not None or self.matcher.subject_terms & set(result.analysis.terms):
            return False
        return any(self.matcher.topic_terms.values())

    def _leaves_unexplained(self, result: MatchResult, candidate: Candidate) -> bool:
        """Whether the candidate leaves a content word of the question unexplained. With no
        subject named, that word is likely the real subject: "what causes migraines" asks about
        migraines, "alcohol with metformin" about metformin, not about our drug. A name found only
        in this intent's answer ("Johnson", "NMDA") is as good as naming the subject."""
        matched = set(candidate.matched_terms)
        if matched & self.matcher.name_terms:
            return False  # a name only this intent's text holds ("Johnson et al") names the subject
        return any(term not in matched and not self.matcher.is_light(term) for term in result.analysis.terms)

    def _topic_readings(self, text: str) -> list[Candidate]:
        """A question naming no topic ("how does it work?") read once per topic: the best answer
        of each topic that would be trusted, when more than one topic has one, best first."""
        readings = []
        for topic, names in self.matcher.topic_terms.items():
            if not names:
                continue
            reading = self.matcher.match(text, limit=1, topic_only=topic)
            if reading.candidates and reading.candidates[0].score >= ANSWER_THRESHOLD:
                readings.append(reading.candidates[0])
        readings.sort(key=lambda c: -c.score)
        if len(readings) > 1 and readings[0].score - readings[1].score > TOPIC_CLARIFY_MARGIN:
            return readings[:1]
        return readings[:MAX_SUGGESTIONS]

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
        close = [c for c in result.candidates if c.score >= SUGGESTION_FLOOR][:MAX_SUGGESTIONS]
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
            parts.append(f"What the documents say ({intent.question}):\n{intent.answer}")
        intent = related[0] if related else None
        return Reply(question, "emergency", "\n\n".join(parts), intent, 100.0, rule=assessment.urgent)

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
        return reply


def explain(reply: Reply, limit: int = 5) -> list[str]:
    """Lines that show staff why the bot answered as it did: corrections, synonyms, candidates."""
    lines = [f"status: {reply.status}  score: {reply.score:.1f}  (answer threshold {ANSWER_THRESHOLD:.0f})"]
    if reply.rule is not None:
        if isinstance(reply.rule, Finding):
            lines.append(f"emergency rule: {reply.rule.id} ({reply.rule.when}; {reply.rule.layer})")
        else:
            lines.append(f"out-of-scope rule: {reply.rule.id} ({reply.rule.when})")
    elif reply.triage is not None and reply.triage.crisis:
        lines.append("crisis line added: " + ", ".join(f.id for f in reply.triage.findings if f.crisis))
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
