"""Triage: the built-in emergency layer plus a folder's own red flags, over the whole message.

Every message a patient types reaches ``Triage.assess`` before anything else. It reads every
sentence, as typed (folded, see ``reading``) and as the spelling corrector reads it, and it
remembers which episodes (a seizure) the last turns were about, so that "he's having another one"
after a seizure question is caught. The built-in layer cannot be switched off: a folder's
``safety.yaml`` only adds rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Callable

from ..content.rules import Rule, SafetyRules
from ..language.normalise import normalize
from .builtin import BuiltinLayer, ConceptRule, Hit, builtin_layer
from .reading import SENTENCE_BREAK, chunks, clauses, clauses_both

MEMORY_TURNS = 3   # how many earlier turns an "another one" may point back to


@dataclass
class Finding:
    """A rule met by a message: an emergency (``urgent``), or a caution that adds the crisis line
    to whatever the bot answers; or, in ``Assessment.near``, a near miss."""

    id: str
    when: str
    layer: str                 # "built-in" or the folder's file name
    urgent: bool
    crisis: bool = False
    advice: str = ""
    see: list[str] = field(default_factory=list)
    why: str = ""


@dataclass
class Assessment:
    findings: list[Finding] = field(default_factory=list)   # rules met, emergencies first
    near: list[Finding] = field(default_factory=list)       # named in a question, a hypothetical or the past
    episodes: frozenset[str] = frozenset()                   # what ``Triage.episodes_in`` finds in the message

    @property
    def urgent(self) -> Finding | None:
        return next((f for f in self.findings if f.urgent), None)

    @property
    def crisis(self) -> bool:
        return any(f.crisis for f in self.findings)

    @property
    def flagged(self) -> bool:
        """Met a rule (emergency or crisis caution) or nearly did: never an FAQ example."""
        return bool(self.findings or self.near)


@dataclass
class SafetyMemory:
    """The episodes (rule ids) each of the last turns named, newest last."""

    turns: list[set[str]] = field(default_factory=list)

    def remember(self, episodes: set[str]) -> None:
        self.turns = (self.turns + [set(episodes)])[-MEMORY_TURNS:]

    @property
    def episodes(self) -> set[str]:
        return set().union(*self.turns) if self.turns else set()


@lru_cache(maxsize=4096)   # answers repeat: each intent's is read once
def _episodes_in(layer: BuiltinLayer, text: str) -> frozenset[str]:
    return _episodes_of(layer, [c.text for piece in chunks(text) for c in clauses(piece)])


def _episodes_of(layer: BuiltinLayer, plain: list[str]) -> frozenset[str]:
    """The episodes named in a text's clauses as folded without typo fixes."""
    folded = " . ".join(plain)
    return frozenset(r.id for r in layer.episode_rules if r.mention_screen.may_match(folded) and r.mentions.search(folded))


class Triage:
    """Built-in concept rules first, then the folder's red flags; ``domain_words`` (the words of the
    folder's intents) say which episodes the documents are about, for an "it's starting again"
    with no earlier turn to point back to."""

    def __init__(self, folder: SafetyRules | None = None, domain_words: set[str] | frozenset[str] = frozenset(),
                 layer: BuiltinLayer | None = None, folder_name: str = "safety.yaml"):
        self.builtin = layer or builtin_layer()
        self.folder = folder or SafetyRules()
        self.folder_name = folder_name
        self.domain = {r.id for r in self.builtin.rules if r.kind == "episode" and r.domain & set(domain_words)}

    @property
    def message(self) -> str:
        """The urgent instruction: the folder's own wording (its local number) when it gives one."""
        return self.folder.message or self.builtin.message

    @property
    def crisis_line(self) -> str:
        return self.builtin.crisis

    def assess(self, message: str, correct: Callable[[str], str | None] | None = None,
               memory: SafetyMemory | None = None, applies: Callable | None = None) -> Assessment:
        """What the rules find in the whole message. ``correct`` (the Analyzer's ``corrected_text``)
        gives the spelling-corrected reading of each piece; ``memory`` the episodes of the last turns;
        ``applies`` which of the folder's rules may be met (all when None; the built-in layer always)."""
        readings, sentences, plain = [], [], []
        for piece in chunks(message):
            corrected = correct(piece) if correct is not None else None
            # The message as typed is also what the conversation's memory reads (``episodes_in``,
            # without typo fixes): one fold serves both.
            as_fixed, as_typed = clauses_both(piece, self.builtin.typos)
            plain += [c.text for c in as_typed]
            for text in (piece, corrected):
                if text:
                    found = as_fixed if text is piece else clauses(text, self.builtin.typos)
                    readings += found
                    sentences += self._sentences(text, found)
        context = self.domain | (memory.episodes if memory is not None else set())
        hits = self.builtin.assess(readings, context)
        findings = [self._finding(h) for h in hits if h.fired]
        fired_ids = {f.id for f in findings}
        near = [self._finding(h) for h in hits if not h.fired and h.rule.id not in fired_ids]
        # Self-harm named in a question or in the past still gets the crisis line beside the answer.
        findings += [replace(f, crisis=True) for f in near if self._crisis_rule(f.id)]
        rule = self.folder.matches_any(list(dict.fromkeys(sentences)), applies) if self.folder.rules else None
        if rule is not None:
            findings.append(self._folder_finding(rule))
        findings.sort(key=lambda f: not f.urgent)
        return Assessment(findings, near, _episodes_of(self.builtin, plain))

    def episodes_in(self, text: str) -> frozenset[str]:
        """The episodes a text names (a question, or the answer the bot gave), for the memory."""
        return _episodes_in(self.builtin, text)

    @staticmethod
    def _sentences(text: str, folded) -> list[str]:
        """The folder's expressions were written for normalised text ("won't"): each sentence so,
        and each as folded for the built-in layer ("wont", "seizure" for "se1zure")."""
        plain = [s.strip() for s in SENTENCE_BREAK.split(normalize(text)) if s.strip()]
        return plain + [c.text for c in folded]

    def _crisis_rule(self, rule_id: str) -> bool:
        return any(r.id == rule_id and r.crisis for r in self.builtin.rules)

    @staticmethod
    def _finding(hit: Hit) -> Finding:
        rule: ConceptRule = hit.rule
        return Finding(rule.id, rule.when, "built-in", hit.fired and rule.kind != "caution",
                       rule.crisis and hit.fired, "", [], hit.why)

    def _folder_finding(self, rule: Rule) -> Finding:
        return Finding(rule.id, rule.when, self.folder_name, True, False, rule.advice, list(rule.see), "")

    def layers(self) -> list[str]:
        """What `faqbot check` says is active."""
        builtin = self.builtin.rules
        lines = [f"built-in emergency layer: {len(builtin)} rules (always on)"]
        if self.folder.rules:
            lines.append(f"{self.folder_name}: {len(self.folder.rules)} red flags of this folder")
        else:
            lines.append(f"{self.folder_name}: none (the folder adds no red flags of its own)")
        return lines
