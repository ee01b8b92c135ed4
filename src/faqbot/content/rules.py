"""A folder's own rules: its red flags (``safety.yaml``) and what it declines (``scope.yaml``).

Each rule has regular expressions matched on the normalised question, optional ``unless``
expressions that cancel it, the advice to give, the intents whose document text should follow the
urgent instruction, and its ``cases`` (messages it must and must never meet), which ``faqbot check``
and ``faqbot coverage`` run. A folder's red flags add to the built-in emergency layer
(``faqbot.safety``), which applies to every folder and which no file can switch off; they are
matched one sentence at a time (``matches_any``), so an ``unless`` cancels only its own sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import DataFileError
from ..patterns import LazyPattern, Prefilter
from ..language.normalise import normalize
from ..yamlfile import LineDict, LineList, load_yaml, reject_unknown_keys, type_name

SAFETY_KEYS = {"message", "rules", "extracted"}   # extracted: the rules `faqbot extract` wrote last time
RULE_KEYS = {"id", "when", "patterns", "unless", "advice", "see", "cases", "source"}   # source: where extraction found it

# A rule consulted this many times (sentences read) gets its pre-filter: a running bot's rules after
# a few dozen questions, never a single `faqbot ask` of a folder read from its YAML (a folder read
# from its compiled index has them from the start: derived when the index was written).
SCREEN_AFTER = 500

DEFAULT_DISCLAIMER = ("This information is for general knowledge and does not constitute medical advice. "
                      "Always consult a healthcare professional about your own situation.")


@dataclass
class Rule:
    id: str
    when: str                         # human description, shown to staff
    patterns: list[re.Pattern | LazyPattern]   # lazy when read from a compiled index
    unless: list[re.Pattern | LazyPattern] = field(default_factory=list)
    advice: str = ""
    see: list[str] = field(default_factory=list)
    line: int = 0
    fires: list[str] = field(default_factory=list)    # cases: messages this rule must meet
    never: list[str] = field(default_factory=list)    # cases: messages it (and every rule) must not meet
    _consulted: int = field(default=0, repr=False, compare=False)
    _screen: Prefilter | None = field(default=None, repr=False, compare=False)

    def matches(self, normalised: str) -> bool:
        # The pre-filter (as the built-in layer's, faqbot.patterns) is derived only once the rule
        # has been consulted SCREEN_AFTER times: deriving it parses every expression again, which
        # would cost a cold start or a single question more than these few rules cost its replies.
        screen = self._screen
        if screen is None:
            self._consulted += 1
            if self._consulted >= SCREEN_AFTER:
                screen = self._screen = self.screen()
        if screen is not None and not screen.may_match(normalised):
            return False
        # Plain loops, not any() over generators: every reply runs this for every rule.
        for pattern in self.patterns:
            if pattern.search(normalised):
                break
        else:
            return False
        for pattern in self.unless:
            if pattern.search(normalised):
                return False
        return True

    def __getstate__(self) -> dict:
        # Written into a compiled index: with the pre-filter derived now, once per build, a start
        # from the index skips at once the sentences a rule cannot meet, and compiles a rule's
        # expressions only when a sentence gets past the pre-filter (25 expressions were compiled
        # again at every start, most never needed by the question asked).
        state = dict(self.__dict__)
        if state["_screen"] is None:
            state["_screen"] = self.screen()
        state["patterns"] = [LazyPattern(p.pattern, p.flags) for p in self.patterns]
        state["unless"] = [LazyPattern(p.pattern, p.flags) for p in self.unless]
        return state

    def screen(self) -> Prefilter:
        """The pre-filter of all the rule's expressions (faqbot.patterns)."""
        return Prefilter.any_of([Prefilter.of(p.pattern, p.flags) for p in self.patterns])


@dataclass
class SafetyRules:
    message: str = ""
    rules: list[Rule] = field(default_factory=list)

    def triage(self, question: str) -> Rule | None:
        """The first rule the whole question meets, or None."""
        if not self.rules:
            return None
        return self.matches_any([normalize(question)])

    def triage_normalised(self, normalised: str) -> Rule | None:
        """``triage`` of text already normalised (a Query's)."""
        return self.matches_any([normalised])

    def matches_any(self, sentences: list[str], applies=None) -> Rule | None:
        """The first rule that one of the sentences meets; a rule's ``unless`` cancels it only in
        the sentence it is found in, never the rule met in another sentence. ``applies``, when
        given, says which rules may be met at all (``Bot``: a page's red flag when the message
        names another medicine), asked only of a rule a sentence meets."""
        for rule in self.rules:
            for sentence in sentences:
                if rule.matches(sentence):
                    if applies is None or applies(rule):
                        return rule
                    break
        return None

    @classmethod
    def load(cls, path: Path, known_intents: set[str] | None = None, message_required: bool = True) -> "SafetyRules":
        """Read safety.yaml or scope.yaml; no file means no rules. ``see`` ids must be known
        intents. Without ``message_required`` (safety.yaml: the built-in layer has its own
        urgent instruction) the message may be left out; given, it must be text."""
        if not path.exists():
            return cls()
        data = load_yaml(path)
        if not isinstance(data, LineDict):
            raise DataFileError(path, getattr(data, "line", 1), f"expected a mapping with 'message' and 'rules', got {type_name(data)}")
        reject_unknown_keys(path, data, SAFETY_KEYS, "safety file")
        message = data.get("message")
        if message is None and not message_required:
            message = ""
        elif not isinstance(message, str) or not message.strip():
            raise DataFileError(path, data.line_of("message"), "'message' must be non-empty text (the urgent instruction)")
        rules_data = data.get("rules")
        if not isinstance(rules_data, LineList):
            raise DataFileError(path, data.line_of("rules"), f"'rules' must be a list, got {type_name(rules_data)}")
        rules = unique_rules(path, rules_data, lambda item, line: _rule(path, item, line, known_intents))
        return cls(" ".join(message.split()), rules)


def unique_rules(path: Path, rules_data: LineList, build) -> list:
    """Each entry of a rules list built by ``build(item, line)``, in order; a repeated id is an
    error naming its line (the folder's rules and the built-in layer read rules alike)."""
    rules, seen = [], set()
    for index, item in enumerate(rules_data):
        rule = build(item, rules_data.line_of(index))
        if rule.id in seen:
            raise DataFileError(path, rule.line, f"duplicate rule id '{rule.id}'")
        seen.add(rule.id)
        rules.append(rule)
    return rules


def rule_id_of(path: Path, item, line: int, keys: set[str]) -> str:
    """A rule's id, once the item is checked to be a mapping of known ``keys`` with a non-empty id
    (the same for a folder's rules and the built-in layer's)."""
    if not isinstance(item, LineDict):
        raise DataFileError(path, line, f"each rule must be a mapping, got {type_name(item)}")
    reject_unknown_keys(path, item, keys, "rule")
    rule_id = item.get("id")
    if not isinstance(rule_id, str) or not rule_id.strip():
        raise DataFileError(path, item.line_of("id"), "rule 'id' must be non-empty text")
    return rule_id


def _rule(path: Path, item, line: int, known_intents: set[str] | None) -> Rule:
    rule_id = rule_id_of(path, item, line, RULE_KEYS)

    def patterns(key: str, required: bool) -> list[re.Pattern]:
        values = item.get(key)
        if values is None and not required:
            return []
        if not isinstance(values, LineList) or (required and not values):
            raise DataFileError(path, item.line_of(key), f"rule '{key}' must be a list of regular expressions")
        compiled = []
        for position, value in enumerate(values):
            if not isinstance(value, str) or not value:
                raise DataFileError(path, values.line_of(position), f"rule '{key}' entries must be text")
            try:
                compiled.append(re.compile(value))
            except re.error as exc:
                raise DataFileError(path, values.line_of(position), f"invalid regular expression: {exc}") from None
        return compiled

    see = item.get("see") or []
    if not isinstance(see, list) or not all(isinstance(s, str) for s in see):
        raise DataFileError(path, item.line_of("see"), "rule 'see' must be a list of intent ids")
    if known_intents is not None:
        for position, intent_id in enumerate(see):
            if intent_id not in known_intents:
                raise DataFileError(path, see.line_of(position), f"rule '{rule_id}' refers to unknown intent '{intent_id}'")
    advice = item.get("advice", "")
    if not isinstance(advice, str):
        raise DataFileError(path, item.line_of("advice"), "rule 'advice' must be text")
    when = item.get("when", "")
    if not isinstance(when, str):
        raise DataFileError(path, item.line_of("when"), "rule 'when' must be text")
    fires, never = case_lists(path, item)
    return Rule(rule_id.strip(), when.strip(), patterns("patterns", True), patterns("unless", False),
                " ".join(advice.split()), list(see), item.line, fires, never)


def case_lists(path: Path, item: LineDict) -> tuple[list[str], list[str]]:
    """A rule's ``cases: {fires: [...], never: [...]}``, checked to be lists of messages."""
    cases = item.get("cases")
    if cases is None:
        return [], []
    if not isinstance(cases, LineDict):
        raise DataFileError(path, item.line_of("cases"), "rule 'cases' must be a mapping with 'fires' and 'never'")
    reject_unknown_keys(path, cases, {"fires", "never"}, "cases")
    lists = []
    for key in ("fires", "never"):
        values = cases.get(key) or []
        if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
            raise DataFileError(path, cases.line_of(key), f"cases '{key}' must be a list of messages")
        lists.append([" ".join(v.split()) for v in values])
    return lists[0], lists[1]
