"""The built-in emergency layer: concept rules shipped with faqbot (``emergency.yaml``).

A rule names the pieces of an emergency, not sentences: a mention of the event (built from
concepts such as {seizure}, {ingest}, {amount}), and, for an episode, now-ness in the same sentence.
Frames (a general question, a hypothetical, the past, a habit) turn a mention into a near miss
unless the sentence says it is happening now. Every sentence is read on its own, so a question in
one sentence never cancels an emergency in another; the whole message is read, however long.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path

from ..content.rules import case_lists, rule_id_of, unique_rules
from ..errors import DataFileError
from ..patterns import LazyPattern, Prefilter, Screens, required_literals
from ..yamlfile import LineDict, LineList, load_yaml, reject_unknown_keys, type_name
from .reading import Clause, TypoFixer

BUILTIN_PATH = Path(__file__).parent / "emergency.yaml"
# The strings each built-in expression needs before it can match (faqbot.patterns), derived by
# tools/make_emergency_literals.py: deriving them parses every expression, which took longer than
# the rest of a cold start. Keyed by a digest of the expression, so an expression edited since is
# simply not found there and is derived (and compiled) at load instead: never stale, only slower.
LITERALS_PATH = Path(__file__).parent / "emergency-literals.json"
KINDS = ("episode", "sign", "caution")
TOP_KEYS = {"message", "crisis", "concepts", "frames", "rules"}
FRAME_KEYS = {"hypothetical", "question", "general-words", "general", "past", "habit", "absent"}
RULE_KEYS = {"id", "when", "kind", "crisis", "mentions", "plural", "acting", "anaphora", "with", "domain", "cases"}
_CONCEPT = re.compile(r"\{([a-z][a-z-]*)\}")
_WORDS = re.compile(r"[a-z]{5,}")
_OPTIONAL_SPACE = re.compile(r"([a-z]+) \?([a-z]+)")


@dataclass
class Hit:
    """One rule met in one sentence: ``fired`` (an emergency, or for a caution rule the crisis
    line), or a near miss (the event named in a question, a hypothetical or the past)."""

    rule: "ConceptRule"
    clause: str
    fired: bool
    why: str


@dataclass
class ConceptRule:
    id: str
    when: str
    kind: str
    mentions: re.Pattern
    crisis: bool = False
    plural: re.Pattern | None = None
    acting: re.Pattern | None = None
    anaphora: re.Pattern | None = None
    with_: re.Pattern | None = None
    domain: frozenset[str] = frozenset()
    fires: list[str] = field(default_factory=list)     # cases: messages this rule must catch
    never: list[str] = field(default_factory=list)     # cases: messages no rule may catch
    line: int = 0

    def __post_init__(self):
        # Pre-filters derived from the expressions themselves (faqbot.patterns): a sentence holding
        # none of a rule's required strings cannot meet the rule, so the rule is not run on it.
        self.mention_screen = screen_of(self.mentions.pattern)
        self.screen = (Prefilter.any_of([self.mention_screen, screen_of(self.acting.pattern)])
                       if self.acting is not None else self.mention_screen)
        self.anaphora_screen = screen_of(self.anaphora.pattern) if self.anaphora is not None else None
        self.with_screen = screen_of(self.with_.pattern) if self.with_ is not None else None

    def may_occur(self, text: str, context: set[str]) -> bool:
        """False only when ``BuiltinLayer._in_clause`` cannot find this rule in the sentence: no
        mention or acting form can match, and no reference back to the conversation's episode."""
        return self.screen.may_match(text) or self.may_refer_back(text, context)

    def may_refer_back(self, text: str, context: set[str]) -> bool:
        """False only when the sentence cannot refer back to this episode of the conversation."""
        return (self.kind == "episode" and self.anaphora_screen is not None and self.id in context
                and self.anaphora_screen.may_match(text))

    def may_accompany(self, whole: str) -> bool:
        """False only when the rule's ``with`` expression cannot match the message."""
        return self.with_screen is None or self.with_screen.may_match(whole)


@dataclass
class Frames:
    hypothetical: re.Pattern
    question: re.Pattern
    general_words: re.Pattern
    general: re.Pattern
    past: re.Pattern
    habit: re.Pattern
    absent: re.Pattern
    now: re.Pattern
    strong_now: re.Pattern
    person: re.Pattern


class BuiltinLayer:
    """The concept rules, their frames, and the vocabulary typos are corrected towards."""

    def __init__(self, message: str, crisis: str, rules: list[ConceptRule], frames: Frames, vocabulary: set[str],
                 path: Path = BUILTIN_PATH):
        self.message = message
        self.crisis = crisis
        self.rules = rules
        self.frames = frames
        self.typos = TypoFixer(vocabulary)
        self.path = path
        # Every rule's pre-filter in one pass: which rules a sentence may meet (``ConceptRule.screen``).
        self.screens = Screens([rule.screen for rule in rules])
        self.episode_rules = [rule for rule in rules if rule.kind == "episode"]
        # The rules a sentence may meet by referring back to the conversation's episode alone.
        self._referring = [(number, rule) for number, rule in enumerate(rules)
                           if rule.kind == "episode" and rule.anaphora_screen is not None]

    def expressions(self) -> list[str]:
        """Every expression of the layer (rules and frames), as compiled."""
        found = [getattr(self.frames, f.name).pattern for f in fields(Frames)]
        for rule in self.rules:
            found += [p.pattern for p in (rule.mentions, rule.plural, rule.acting, rule.anaphora, rule.with_)
                      if p is not None]
        return found

    def assess(self, clauses: list[Clause], context: set[str] = frozenset()) -> list[Hit]:
        """Every rule met in any sentence. ``context`` holds the ids of episodes the conversation
        (or the documents) is about, for sentences that say "another one" or "it's starting"."""
        whole = " . ".join(c.text for c in clauses)
        hits = []
        # Every sentence is in ``whole``: a rule whose strings are not there is in none of them.
        possible = self.screens.possible(whole)
        referring = {number for number, rule in self._referring if rule.may_refer_back(whole, context)}
        # A message of one sentence is ``whole``, already screened.
        in_clause = [self.screens.possible(c.text) for c in clauses] if len(clauses) > 1 else None
        for number in sorted(possible | referring):      # in the rules' order
            rule = self.rules[number]
            if rule.with_ is not None and not (rule.may_accompany(whole) and rule.with_.search(whole)):
                continue
            for position, clause in enumerate(clauses):
                if (in_clause is not None and number not in in_clause[position]
                        and not rule.may_refer_back(clause.text, context)):
                    continue
                hit = self._in_clause(rule, clause.text, context)
                if hit is not None:
                    hits.append(hit)
                    if hit.fired:
                        break
        return hits

    def _in_clause(self, rule: ConceptRule, text: str, context: set[str]) -> Hit | None:
        """The rule in one sentence: fired, a near miss, or nothing. A mention fires when it is
        happening (episodes need now-ness) and is neither framed as a question or hypothetical
        nor set in the past or a habit, unless the sentence says it is happening now."""
        frames = self.frames
        acting = list(rule.acting.finditer(text)) if rule.acting is not None else []
        found = list(rule.mentions.finditer(text))
        if not found and not acting:
            # Nothing named: only an episode's reference back can fire. (A pre-filter lets through
            # sentences that merely hold a rule's strings, "ate" in "valproate": they end here.)
            if (rule.kind == "episode" and rule.id in context and rule.anaphora is not None
                    and not frames.question.search(text)):
                # "omg she's having another one": the episode of the earlier turns, happening now.
                strong = bool(frames.strong_now.search(text))
                for match in rule.anaphora.finditer(text):
                    if strong or not self._framed(text, match.start()):
                        return Hit(rule, text, True, f"refers back to the conversation's {rule.id}: {match.group()}")
            return None
        # The sentence's now-ness, each searched once and only when a mention needs it: they are
        # large expressions, and most sentences naming a seizure ask about seizures in general.
        known: dict[str, bool] = {}

        def says(frame: str) -> bool:
            if frame not in known:
                known[frame] = bool(getattr(frames, frame).search(text))
            return known[frame]

        near = None
        seen = set()
        for match, acted in [(m, True) for m in acting] + [(m, False) for m in found]:
            if rule.kind == "caution":
                return Hit(rule, text, True, "asks about: " + match.group())
            happening = acted or self._happening(rule, match, says)
            # Within one part of a sentence a later mention is framed whenever the first is: one
            # look per part keeps a pasted "seizure seizure seizure..." linear.
            part = (text.rfind(",", 0, match.start()), happening)
            if part in seen:
                continue
            seen.add(part)
            if frames.absent.search(text, 0, match.start()):
                continue   # "no fits for 2 years now": the event is named as absent, however now
            if happening and (says("strong_now") or not self._framed(text, match.start(), habit=not rule.crisis)):
                return Hit(rule, text, True, "mentions: " + match.group())
            if near is None and (rule.kind != "episode" or says("person")):
                near = Hit(rule, text, False, "named, but in a question, a hypothetical or not now: " + match.group())
        return near

    def _happening(self, rule: ConceptRule, match: re.Match, says) -> bool:
        """Whether a mention is of something happening now; ``says(frame)``: whether the
        sentence holds that frame."""
        if rule.kind != "episode":
            return True
        if rule.plural is not None and rule.plural.fullmatch(match.group()):
            return says("strong_now")   # "his seizures started again" is about a condition
        return says("now")

    def _framed(self, text: str, start: int, habit: bool = True) -> bool:
        """Whether the mention at ``start`` is not an event happening now: in its part of the
        sentence (between the commas around it) a general question or a hypothetical comes before
        it, or the part begins as a question and asks in general, or it is set in the past or is
        a habit (``habit``: "sometimes I wish I was dead" is no less urgent for being often)."""
        segment_start = text.rfind(",", 0, start) + 1
        segment_end = text.find(",", start)
        before = text[segment_start:start]
        segment = text[segment_start:segment_end if segment_end >= 0 else len(text)]
        frames = self.frames
        if frames.hypothetical.search(before) or frames.general.search(before) or frames.general_words.search(before):
            return True
        if frames.past.search(segment) or (habit and frames.habit.search(segment)):
            return True
        return bool(frames.question.search(segment) and frames.general_words.search(segment))


@lru_cache(maxsize=4)
def builtin_layer(path: Path = BUILTIN_PATH) -> BuiltinLayer:
    """The built-in layer, read once per process (a DataFileError if the file shipped is broken)."""
    return load_layer(path)


def load_layer(path: Path) -> BuiltinLayer:
    data = load_yaml(path)
    if not isinstance(data, LineDict):
        raise DataFileError(path, getattr(data, "line", 1), f"expected a mapping, got {type_name(data)}")
    reject_unknown_keys(path, data, TOP_KEYS, "emergency layer")
    message, crisis = _text(path, data, "message"), _text(path, data, "crisis")
    concepts = data.get("concepts")
    if not isinstance(concepts, LineDict):
        raise DataFileError(path, data.line_of("concepts"), "'concepts' must be a mapping of name to expression")
    expand = _expander(path, concepts)
    frames_data = data.get("frames")
    if not isinstance(frames_data, LineDict):
        raise DataFileError(path, data.line_of("frames"), "'frames' must be a mapping")
    reject_unknown_keys(path, frames_data, FRAME_KEYS, "frames")
    missing = FRAME_KEYS - set(frames_data)
    if missing:
        raise DataFileError(path, frames_data.line, f"frames lack {', '.join(sorted(missing))}")

    def frame(key: str) -> re.Pattern:
        return _compile(path, frames_data.line_of(key), expand(frames_data[key], frames_data.line_of(key)), bounded=False)

    def concept(name: str) -> re.Pattern:
        if name not in concepts:
            raise DataFileError(path, concepts.line, f"concept '{name}' is required")
        return _compile(path, concepts.line_of(name), expand("{" + name + "}", concepts.line_of(name)))

    frames = Frames(frame("hypothetical"), frame("question"), frame("general-words"), frame("general"), frame("past"),
                    frame("habit"), frame("absent"), concept("now"), concept("strong-now"), concept("person"))
    rules_data = data.get("rules")
    if not isinstance(rules_data, LineList) or not rules_data:
        raise DataFileError(path, data.line_of("rules"), "'rules' must be a non-empty list")
    rules = unique_rules(path, rules_data, lambda item, line: _rule(path, item, line, expand))
    vocabulary = set()
    for name in concepts:
        vocabulary |= _words_of(expand("{" + name + "}", 0))
    for item in rules_data:
        for key in ("mentions", "acting", "anaphora", "with"):
            for value in item.get(key) or []:
                vocabulary |= _words_of(expand(value, 0))
    return BuiltinLayer(message, crisis, rules, frames, vocabulary, path)


def _words_of(expression: str) -> set[str]:
    """The words an expression spells out, typos are corrected towards: its letters, and a word
    written with an optional space ("my ?self", "non ?stop") as typed whole too, so "myselfa"
    reads as "myself" in any folder, not only one whose documents use the word."""
    joined = {first + second for first, second in _OPTIONAL_SPACE.findall(expression)}
    return set(_WORDS.findall(expression)) | {word for word in joined if len(word) >= 5}


def _text(path: Path, data: LineDict, key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise DataFileError(path, data.line_of(key), f"'{key}' must be non-empty text")
    return " ".join(value.split())


def _expander(path: Path, concepts: LineDict):
    """Replaces each {name} by its concept, recursively, as a non-capturing group."""
    cache: dict[str, str] = {}

    def concept(name: str, line: int, stack: tuple[str, ...]) -> str:
        if name in cache:
            return cache[name]
        if name not in concepts:
            raise DataFileError(path, line, f"unknown concept '{{{name}}}'")
        if name in stack:
            raise DataFileError(path, concepts.line_of(name), f"concept '{name}' refers to itself")
        value = concepts[name]
        if not isinstance(value, str):
            raise DataFileError(path, concepts.line_of(name), f"concept '{name}' must be an expression")
        cache[name] = "(?:" + expand(value, concepts.line_of(name), stack + (name,)) + ")"
        return cache[name]

    def expand(text: str, line: int, stack: tuple[str, ...] = ()) -> str:
        if not isinstance(text, str):
            raise DataFileError(path, line, f"expected an expression, got {type_name(text)}")
        text = re.sub(r"\n\s*", "", text).strip()   # a long expression is written over several lines
        return _CONCEPT.sub(lambda m: concept(m.group(1), line, stack), text)

    return expand


def _compile(path: Path, line: int, expression: str, bounded: bool = True) -> re.Pattern | LazyPattern:
    """Whole words only: a pattern never starts or ends inside a word. An expression of the
    shipped table (known to compile: the tool compiled it) is compiled when first used; any other
    is compiled now, so a mistake is an error naming its line."""
    full = rf"(?<![a-z0-9])(?:{expression})(?![a-z0-9])" if bounded else expression
    if expression_digest(full) in shipped_literals():
        return LazyPattern(full)
    try:
        return re.compile(full)
    except re.error as exc:
        raise DataFileError(path, line, f"invalid regular expression: {exc}") from None


def expression_digest(expression: str) -> str:
    return hashlib.blake2b(expression.encode("utf-8"), digest_size=12).hexdigest()


@lru_cache(maxsize=1)
def shipped_literals() -> dict[str, frozenset[str] | None]:
    """The table tools/make_emergency_literals.py wrote: expression digest -> required strings
    (None: the expression needs none). Empty when the file is missing or unreadable."""
    import json    # here: a start from the compiled index reads no table

    try:
        table = json.loads(LITERALS_PATH.read_text(encoding="utf-8"))["literals"]
        return {key: (frozenset(value) if value is not None else None) for key, value in table.items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def literals_table(layer: "BuiltinLayer") -> dict[str, list[str] | None]:
    """What tools/make_emergency_literals.py writes for a layer: every expression's digest and its
    required strings, derived afresh (each expression compiled, so the table lists only good ones)."""
    table = {}
    for expression in layer.expressions():
        re.compile(expression)
        found = required_literals(expression)
        table[expression_digest(expression)] = sorted(found) if found is not None else None
    return dict(sorted(table.items()))


def screen_of(expression: str) -> Prefilter:
    """The expression's pre-filter: from the shipped table when it lists the expression, else derived."""
    table = shipped_literals()
    key = expression_digest(expression)
    return Prefilter(table[key]) if key in table else Prefilter.of(expression)


def _rule(path: Path, item, line: int, expand) -> ConceptRule:
    rule_id = rule_id_of(path, item, line, RULE_KEYS)
    kind = item.get("kind")
    if kind not in KINDS:
        raise DataFileError(path, item.line_of("kind"), f"rule 'kind' must be one of {', '.join(KINDS)}")

    def patterns(key: str, required: bool = False) -> re.Pattern | None:
        values = item.get(key)
        if values is None and not required:
            return None
        if not isinstance(values, LineList) or not values:
            raise DataFileError(path, item.line_of(key), f"rule '{key}' must be a list of expressions")
        parts = [expand(v, values.line_of(i)) for i, v in enumerate(values)]
        return _compile(path, values.line_of(0), "|".join(f"(?:{p})" for p in parts))

    fires, never = case_lists(path, item)
    domain = item.get("domain") or []
    return ConceptRule(rule_id, str(item.get("when", "")), kind, patterns("mentions", True), bool(item.get("crisis")),
                       patterns("plural"), patterns("acting"), patterns("anaphora"), patterns("with"),
                       frozenset(str(w) for w in domain), fires, never, item.line)
