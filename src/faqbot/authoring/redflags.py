"""A document's own red flags, turned into the extracted folder's emergency rules (safety.yaml).

Patient documents say themselves what is urgent: "Call 999 ... immediately if you or someone else
has signs of a severe asthma attack, such as:" and a list; "STOP taking ibuprofen and get medical
help immediately if you have:"; "Call your local emergency number immediately if you have swelling
of the lips, mouth, throat or tongue". Extraction finds those passages (:func:`find_red_flags`)
and writes each sign as a rule (:func:`rules_for`), by general means only (``red-flags.yaml``):

1. **Urgent passages**: a sentence, label or heading with an urgent-action phrase (call 999 / your
   emergency number, go to A&E, get medical help immediately, seek urgent medical attention, stop
   taking X and ...) governs the signs of its "if you have ..." clause, the examples after its
   "such as", or, when it ends there ("... if you have:"), the list under it. A sentence about
   taking too much is left to the built-in overdose rule.
2. **Signs**: each list item or clause is cut where its explanation starts ("- these can be signs
   of"), then read as slots: "lips or fingers turning blue or grey" is [lips|fingers] and
   [blue|grey]; "swelling of the lips, mouth, throat or tongue" is [swelling] and
   [lips|mouth|throat|tongue]. Words that say nothing specific ("feeling", "very") are dropped;
   each slot takes the lay variants of ``red-flags.yaml`` and of the folder's lexicon.
3. **Rules**: a message meets a sign when every slot is met in one sentence, in any order. A sign
   too vague to stand alone (one everyday word: "feeling very faint"; or words the same document
   also uses outside its urgent passages: metformin's "stomach pain" is also a common side effect)
   only counts together with another sign of the same passage. Every rule gets the standard
   ``unless`` frames (a general question "can X cause ...", "signs of", a hypothetical, the past,
   the sign denied), ``see`` the intent whose passage holds the sign, and generated ``cases``
   (the sign itself fires; a general question about it never), checked here before it is written.

:func:`merge_safety` writes them the way extraction writes everything: a rule staff edited or
deleted stays so on re-extraction (each generated rule carries a ``digest`` of what extraction
wrote, and the file's ``extracted`` list names what it wrote last time), rules staff wrote
themselves are never touched, and comments are kept.
"""

from __future__ import annotations

import hashlib
import json
import re

import yaml
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from ..content.section_kinds import bundled_kinds
from ..language.normalise import normalize
from ..language.words import english_words
from .documents import Block

DIGEST_CHARS = 12
MAX_FILLER_WORDS = 1     # words allowed inside a lay phrase ("pain in my upper stomach")
MAX_SLUG_WORDS = 5       # words of a sign in its rule id
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'“(])")
_IF_CLAUSE = re.compile(
    r"\b(?:if|when|whenever)\s+(?:you|your child|your baby|someone|someone else|they|he|she|a child)\b"
    r"(?:\s+or\s+(?:someone else|your child|your baby|anyone else))?"
    r"(?:\s+(?:have|has|had|get|gets|notice|develop|experience|are|is|feel|start|suddenly|see|show|develops))*\b\s*", re.I)
_SUCH_AS = re.compile(r"\b(?:such as|including|for example|e\.g\.)\s*:?\s*", re.I)
_COMMA = re.compile(r"\s*,\s*(?:(?:or|and)\s+)?|\s+and/or\s+")
_OR = re.compile(r"\s+or\s+|\s*/\s*")
_PREPOSITION = re.compile(r"^(.*?\b(?:of|in|on|around|with)\b)\s+(.*)$")
_NEGATION_WORDS = ("no", "not", "never", "without", "isnt", "arent", "hasnt", "havent", "wasnt", "dont",
                   "doesnt", "didnt", "isn't", "aren't", "hasn't", "haven't", "wasn't", "don't", "doesn't",
                   "didn't")


@dataclass(frozen=True)
class Terms:
    """``red-flags.yaml``, compiled."""

    urgent: tuple[re.Pattern, ...]
    overdose: tuple[re.Pattern, ...]
    cut: re.Pattern
    audience: tuple[re.Pattern, ...]
    generic: frozenset[str]
    negations: str
    groups: tuple[tuple[str, ...], ...]
    unless: tuple[str, ...]
    doctor_first: re.Pattern
    swallow_medicine: str
    modifiers: tuple[str, ...]
    qualifiers: tuple[str, ...]
    everyday: float


@lru_cache(maxsize=1)
def terms() -> Terms:
    text = resources.files("faqbot.authoring").joinpath("red-flags.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)   # a file shipped with faqbot, read once
    return Terms(tuple(re.compile(p) for p in data["urgent"]), tuple(re.compile(p) for p in data["overdose"]),
                 re.compile("|".join(f"(?:{p})" for p in data["cut"])),
                 tuple(re.compile(p) for p in data["audience"]), frozenset(data["generic"].split()),
                 data["negations"], tuple(tuple(str(t).lower() for t in g) for g in data["terms"]),
                 tuple(data["unless"]), re.compile(data["doctor_first"]), data["swallow_medicine"], tuple(data["modifiers"]), tuple(data["qualifiers"]), float(data["everyday"]))


# --- finding the signs -------------------------------------------------------------------------------


NEGATION = ("<not>",)   # the slot of a negation inside a sign ("inhaler is not helping")


@dataclass
class Sign:
    """One sign as the document words it, and the slots a message must meet."""

    text: str
    slots: list[tuple[str, ...]]
    line: int
    words: int = 0          # the document's own specific words it stands for

    @property
    def key(self) -> tuple:
        return tuple(self.slots)


@dataclass
class Passage:
    """An urgent-action sentence (or label, or heading) and the signs it governs."""

    lead: str
    line: int
    signs: list[Sign] = field(default_factory=list)


def urgent(text: str) -> bool:
    """Whether a sentence asks for emergency help; "call a doctor or get medical help straight
    away" offers a doctor first, which an emergency reply ("call your emergency number") is not."""
    lowered = text.lower()
    for pattern in terms().urgent:
        for found in pattern.finditer(lowered):
            if not terms().doctor_first.search(lowered[:found.start()]):
                return True
    return False


def _overdose(text: str) -> bool:
    lowered = text.lower()
    return any(p.search(lowered) for p in terms().overdose)


def _texts(block: Block) -> list[tuple[str, int]]:
    if block.kind == "list":
        out = []
        for item in block.items:
            out.append((f"{item.label}: {item.text}" if item.label else item.text, item.start))
        return out
    text = block.answer if block.kind == "label" and block.answer else block.text
    if block.kind == "field":
        text = f"{block.text}: {block.answer}"
    return [(text, block.start)]


def find_red_flags(blocks: list[Block]) -> tuple[list[Passage], list[str]]:
    """The urgent passages of a document and its other sentences (what the document says outside
    them, to tell a distinctive sign from one it also calls common)."""
    passages: list[Passage] = []
    governed: set[int] = set()     # list blocks whose items are signs of an urgent lead
    others: list[str] = []
    kinds = bundled_kinds()
    aside = False   # inside a disclaimer or noise section ("In an emergency, call ..." is no sign)
    for index, block in enumerate(blocks):
        if index in governed:
            continue
        if block.kind in ("heading", "label", "field"):
            kind = kinds.match(block.text)
            role = kind.role if kind is not None else ""
            if block.kind == "field":
                if role in ("disclaimer", "noise"):
                    continue
            else:
                aside = role in ("disclaimer", "noise")
        if aside:
            continue
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        next_list = following if following is not None and following.kind == "list" else None
        for text, line in _texts(block):
            sentences = _SENTENCE.split(text.strip())
            for position, sentence in enumerate(sentences):
                if _overdose(sentence) or _overdose(" ".join(sentences[:position])):
                    continue   # the built-in overdose rule's job; its symptoms are not everyday either
                if not urgent(sentence):
                    others.append(sentence)
                    continue
                if block.kind == "heading" and next_list is None:
                    continue   # "When to get emergency help": the sentence under it says what
                passage = Passage(" ".join(sentence.split()), line)
                condition = _condition(sentence)
                last = position == len(sentences) - 1
                if not condition and block.kind == "list":
                    # "Pancreatitis: inflammation of the pancreas (requires immediate medical
                    # attention)": the item names the sign, the urgent words follow it.
                    lead = _first_urgent(sentence)
                    condition = re.sub(r"\(\s*$", "", sentence[:lead.start()]).replace(":", ",").strip(" ,(")
                if condition:
                    passage.signs += _signs(condition, line)
                if (not condition or sentence.rstrip().endswith(":")) and last and next_list is not None \
                        and block.kind != "list":
                    for item_text, item_line in _texts(next_list):
                        passage.signs += _signs(item_text, item_line)
                    governed.add(index + 1)
                if passage.signs:
                    passages.append(passage)
    return passages, others


def _condition(sentence: str) -> str:
    """What an urgent sentence is conditional on: its "if you have ..." clause, or the examples
    after "such as"; '' when the signs follow as a list."""
    text = sentence.strip().rstrip(":").strip()
    lead = _first_urgent(text)
    clause = ""
    found = _IF_CLAUSE.search(text, lead.end() if lead else 0)
    if found:
        clause = text[found.end():]
    elif lead is not None:
        before = _IF_CLAUSE.search(text[:lead.start()])
        if before:
            clause = text[before.end():lead.start()]
    such = _SUCH_AS.search(clause)
    if such:
        clause = clause[such.end():]
    elif re.match(r"^(?:signs|symptoms)\s+of\b", clause.strip(), re.I):
        return ""   # "signs of a severe asthma attack" with no examples names no sign of its own
    return clause.strip(" ,.;:")


def _first_urgent(text: str):
    lowered = text.lower()
    found = [m for m in (p.search(lowered) for p in terms().urgent) if m]
    return min(found, key=lambda m: m.start()) if found else None


def _signs(text: str, line: int) -> list[Sign]:
    """The signs a list item or clause names (see the module docstring, step 2)."""
    t = terms()
    names = [m.group(1) for m in re.finditer(r"\(([^()]*)\)", text)]
    text = t.cut.split(text, maxsplit=1)[0]
    text = text.replace("\u201c", "").replace("\u201d", "").replace('"', "").strip(" ,.:")
    for pattern in t.audience:
        text = pattern.sub("", text, count=1).strip()
    pieces = [text]
    such = _SUCH_AS.search(text)
    if such:
        # "chest pain, or symptoms of a stroke such as weakness ...": the category before "such as"
        # names no sign of its own; its examples and the phrases before it do.
        before = _COMMA.split(text[:such.start()].strip(" ,"))[:-1]
        pieces = [", ".join(before), text[such.end():]] if before else [text[such.end():]]
    signs: list[Sign] = []
    for piece in pieces:
        signs += _signs_of_piece(piece, line)
    for name in names:
        name = name.replace('"', "").replace("\u201c", "").replace("\u201d", "")
        name = re.sub(r"^(?:an?|the)\s+", "", name.strip(), flags=re.I)
        if 1 <= len(name.split()) <= 3 and not re.search(r"\b(?:signs?|see|these|this|may|can|rare|common|uk|us)\b",
                                                         name, re.I):
            slots, count = _slots(name)
            if slots:
                signs.append(Sign(name, slots, line, count))
    return signs


def _signs_of_piece(text: str, line: int) -> list[Sign]:
    """Slots read phrase by phrase: a lone word after a sign is an alternative of its last slot
    ("difficulty breathing or swallowing", "swelling of the lips, mouth"); a lay phrase after a
    "with" is an alternative of what goes with it ("a headache with a high temperature, stiff
    neck"); lone words before a sign are alternatives of its first slot ("weakness, numbness or
    drooping on one side"); a phrase that only qualifies ("a sudden, severe headache") joins the
    next one."""
    modifiers = {g for g in terms().groups if g[0] in _modifier_names()}
    phrases = [p for p in _COMMA.split(text) if p.strip()]
    joined: list[str] = []
    carry = ""
    for phrase in phrases:
        slots, _ = _slots(phrase)
        if slots and all(s in modifiers for s in slots):
            carry = f"{carry} {phrase}".strip()
            continue
        joined.append(f"{carry} {phrase}".strip())
        carry = ""
    if carry:
        joined.append(carry)
    signs: list[Sign] = []
    pending: list[tuple[str, ...]] = []
    pending_text: list[str] = []
    for phrase in joined:
        parts = [p for p in _OR.split(phrase) if p.strip()]
        first = _PREPOSITION.match(parts[0]) if parts else None
        for number, part in enumerate(parts):
            for pattern in terms().audience:
                part = pattern.sub("", part.strip(), count=1)
            slots, count = _slots(part)
            if not slots:
                continue
            if len(slots) == 1 and signs and not pending:
                previous = signs[-1]
                one_word = count <= 1 and len(_WORD.findall(part.lower())) <= 2
                # "a headache with a high temperature, stiff neck": what goes with it, across commas;
                # "yellowing of the skin or the whites of the eyes": what it is of, in one phrase.
                with_object = re.search(r"\bwith\b", previous.text) is not None or \
                    (number > 0 and _PREPOSITION.match(parts[0]) is not None)
                if one_word or with_object:
                    _widen(previous.slots, -1, slots[0])
                    previous.text += f" or {part.strip()}"
                    continue
            elif len(slots) == 1 and not signs and not _rare(slots[0], count):
                pending.append(slots[0])
                pending_text.append(" ".join(part.split()))
                continue
            if number > 0 and first and first.group(1).endswith("with") and not _PREPOSITION.match(part) \
                    and len(slots) > 1:
                part = f"{first.group(1)} {part}"
                slots, count = _slots(part)
            if pending:
                for alternative in pending:
                    _widen(slots, 0, alternative)
                part = " or ".join(pending_text + [part.strip()])
                pending, pending_text = [], []
            signs.append(Sign(" ".join(part.split()), slots, line, count))
    if pending:
        merged: tuple[str, ...] = ()
        for alternative in pending:
            merged += tuple(a for a in alternative if a not in merged)
        signs.append(Sign(" or ".join(pending_text), [merged], line, 1))
    return signs


def _modifier_names() -> set[str]:
    return set(terms().modifiers)


def _widen(slots: list[tuple[str, ...]], index: int, alternative: tuple[str, ...]) -> None:
    if alternative == NEGATION or slots[index] == NEGATION:
        return
    slots[index] = slots[index] + tuple(a for a in alternative if a not in slots[index])


@lru_cache(maxsize=1)
def _phrase_index() -> dict[tuple[str, ...], tuple[str, ...]]:
    index: dict[tuple[str, ...], tuple[str, ...]] = {}
    for group in terms().groups:
        for entry in group:
            index.setdefault(tuple(_WORD.findall(entry)), group)
    return index


def _slots(text: str, extra: dict[tuple[str, ...], tuple[str, ...]] | None = None) -> tuple[list[tuple[str, ...]], int]:
    """The slots of a phrase and how many of its words are specific."""
    t = terms()
    index = _phrase_index()
    words = _WORD.findall(text.lower())
    slots: list[tuple[str, ...]] = []
    specific = 0
    position = 0
    negation = re.compile(t.negations)
    while position < len(words):
        for size in (4, 3, 2, 1):
            key = tuple(words[position:position + size])
            if len(key) < size:
                continue
            group = (extra or {}).get(key) or index.get(key) or (index.get((key[0][:-1],)) if size == 1 and
                                                                   key[0].endswith("s") else None)
            if group is not None and (size > 1 or key[0] not in t.generic):
                if group not in slots:
                    slots.append(group)
                specific += sum(1 for w in key if w not in t.generic)
                position += size
                break
        else:
            word = words[position]
            position += 1
            if negation.fullmatch(word):
                if NEGATION not in slots:
                    slots.append(NEGATION)
            elif word not in t.generic and not word.isdigit() and len(word) > 1:
                if (word,) not in slots:
                    slots.append((word,))
                specific += 1
    return slots, specific


# --- patterns ------------------------------------------------------------------------------------------


def _forms(word: str) -> list[str]:
    forms = {word}
    if word.endswith("ing") and len(word) > 5:
        stem = word[:-3]
        forms |= {stem, stem + "e", stem + "s", stem + "es", stem + "ed", stem + "ed"}
        if len(stem) > 2 and stem[-1] == stem[-2]:
            forms.add(stem[:-1])
    elif word.endswith("ed") and len(word) > 4:
        stem = word[:-2]
        forms |= {stem, stem + "e", stem + "ing", stem + "s"}
    elif word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        forms |= {word[:-1]}
    else:
        forms |= {word + "s", word + "es", word + "ed", word + "ing"}
        if word.endswith("e"):
            forms |= {word + "d", word[:-1] + "ing"}
        if word.endswith("y"):
            forms |= {word[:-1] + "ies", word[:-1] + "ied"}
    return sorted(forms, key=lambda f: (-len(f), f))


def _word_re(word: str) -> str:
    if "'" in word:
        return re.escape(word).replace("'", "'?")
    forms = _forms(word)
    return forms[0] if len(forms) == 1 else "(?:" + "|".join(re.escape(f) for f in forms) + ")"


def slot_re(slot: tuple[str, ...]) -> str:
    if slot == NEGATION:
        return terms().negations
    alternatives = []
    for entry in slot:
        words = _WORD.findall(entry)
        if words:
            filler = rf"\W+(?:\w+\W+){{0,{MAX_FILLER_WORDS}}}?"
            alternatives.append(r"\b" + filler.join(_word_re(w) for w in words) + r"\b")
    return "(?:" + "|".join(alternatives) + ")"


def sign_re(sign: Sign) -> str:
    return "".join(f"(?=.*{slot_re(slot)})" for slot in sign.slots)


def _negated_re(sign: Sign) -> str:
    """The sign denied: "no chest pain", "lips aren't swollen"."""
    words = [slot_re(s) for s in sign.slots if s != NEGATION]
    negation = r"(?:\b(?:" + "|".join(re.escape(w).replace("'", "'?") for w in _NEGATION_WORDS) + r")\b)"
    return rf"{negation}\s+(?:\w+\s+){{0,2}}?(?:{'|'.join(words)})"


# --- rules ---------------------------------------------------------------------------------------------


@dataclass
class RuleDraft:
    id: str
    when: str
    patterns: list[str]
    unless: list[str]
    see: list[str]
    fires: list[str]
    never: list[str]
    file: str
    line: int
    anchors: frozenset[str] = frozenset()   # words one of which every message it meets holds
    caught_by: set[int] = field(default_factory=set)   # earlier rules that meet its fires cases

    def content(self) -> dict:
        return {"id": self.id, "when": self.when, "patterns": list(self.patterns), "unless": list(self.unless),
                "see": list(self.see), "cases": {"fires": list(self.fires), "never": list(self.never)}}


def rule_digest(content: dict) -> str:
    """A fingerprint of a rule as extraction wrote it (its ``source`` aside), to tell staff's edits."""
    plain = {k: v for k, v in content.items() if k != "source"}
    return hashlib.sha256(json.dumps(plain, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()[:DIGEST_CHARS]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _rare(slot: tuple[str, ...], words: int) -> bool:
    """A one-word sign specific enough alone ("pancreatitis", "jaundice"), not an everyday word."""
    return words <= 1 and slot != NEGATION and " " not in slot[0] \
        and english_words().get(slot[0], 0.0) < terms().everyday


def _rare_words(text: str) -> bool:
    """Whether a sign names something specific in a word that is not everyday ("pancreatitis",
    "thunderclap"), which is enough alone."""
    t = terms()
    words = [w for w in _WORD.findall(text.lower()) if w not in t.generic]
    return any(english_words().get(w, 0.0) < t.everyday for w in words)


def _weak(sign: Sign, others: list[str]) -> bool:
    slots = [s for s in sign.slots if s != NEGATION]
    content = [s for s in slots if s[0] not in terms().qualifiers]
    if not content:
        return True
    if len(content) < 2 and not _rare_words(sign.text):
        return True   # one idea in everyday words ("muscle cramps", "feeling very faint") is not enough alone
    return _common(sign, others) and not _narrowed(sign, others)


def _common(sign: Sign, others: list[str]) -> bool:
    pattern = re.compile(sign_re(sign))
    return any(pattern.search(normalize(sentence)) for sentence in others)


def _narrowed(sign: Sign, others: list[str]) -> bool:
    """A sign the document also uses elsewhere through only some of its alternatives ("a headache
    with a high temperature, stiff neck, ... or sensitivity to light", where the document calls
    light sensitivity part of every migraine) keeps the alternatives it uses only here."""
    index = _phrase_index()
    for position, slot in enumerate(sign.slots):
        groups: dict[tuple[str, ...], list[str]] = {}
        for alternative in slot:
            groups.setdefault(index.get(tuple(_WORD.findall(alternative)), (alternative,)), []).append(alternative)
        if len(groups) < 2:
            continue
        kept = []
        for alternatives in groups.values():
            trial = Sign(sign.text, sign.slots[:position] + [tuple(alternatives)] + sign.slots[position + 1:],
                         sign.line, sign.words)
            if not _common(trial, others):
                kept += alternatives
        if kept:
            sign.slots[position] = tuple(kept)
            return True
    return False


def rules_for(passages: list[Passage], others: list[str], subject: str, file: str, prefix: str,
              see_of_line, taken: set[str], names: list[str] = (), other_subjects: set[str] = frozenset()
              ) -> tuple[list[RuleDraft], list[str]]:
    """One rule per sign of the document's urgent passages; what could not be made a rule, said why.

    A sign naming another document's subject ("worsening of asthma" on the ibuprofen leaflet, in
    a folder with an asthma guide) is this document's only when its subject (or one of its
    ``names``) is in the sentence too: "my asthma is worse" alone is the asthma guide's question."""
    t = terms()
    own_names = tuple(dict.fromkeys(n.lower() for n in [subject, *names] if n.strip()))
    drafts: list[RuleDraft] = []
    skipped: list[str] = []
    seen: set[tuple] = set()
    for passage in passages:
        signs = []
        for sign in passage.signs:
            if sign.key not in seen and any(s != NEGATION for s in sign.slots):
                seen.add(sign.key)
                signs.append(sign)
        for sign in signs:
            companions = [s for s in signs if s is not sign]
            if other_subjects and any(w in other_subjects for slot in sign.slots for w in slot) \
                    and own_names not in sign.slots:
                sign.slots.append(own_names)
            weak = _weak(sign, others)   # may narrow the sign to the alternatives only it uses
            pattern = sign_re(sign)
            if weak:
                if not companions:
                    skipped.append(f"{file} line {sign.line}: '{sign.text}' is too general to be an emergency alone")
                    continue
                pattern += "(?:" + "|".join(sign_re(c) for c in companions) + ")"
            base = f"{prefix}-{_slug(' '.join(_WORD.findall(sign.text.lower())[:MAX_SLUG_WORDS]))}"
            rule_id, number = base, 2
            while rule_id in taken:
                rule_id, number = f"{base}-{number}", number + 1
            unless = list(t.unless)
            if NEGATION not in sign.slots:
                unless.append(_negated_re(sign))
            if any("swallow" in alternative for slot in sign.slots for alternative in slot):
                unless.append(t.swallow_medicine)
            if weak:
                fires = [case for c in companions for case in
                         (f"i have {sign.text} and {c.text}", f"help, {_variant(sign)} and {_variant(c)} right now ({subject})")]
            else:
                fires = [f"i have {sign.text}", f"help, {_variant(sign)} right now ({subject})"]
                fires += [f"i have {words}" for words in _alternatives(sign)]
            named = " or ".join(sign.text.split(" or ")[:2])
            never = [f"can {subject} cause {named}", f"what are the signs of {named}",
                     f"what if i get {named}", f"i had {named} last year"]
            draft = RuleDraft(rule_id, f"{sign.text}{' (with another sign of the passage)' if weak else ''}: "
                                       f"{file} line {sign.line} says \"{_short(passage.lead)}\"",
                              ["^" + pattern], unless, list(see_of_line(sign.line)), fires, never, file, sign.line,
                              _first_words(sign))
            if not _own_cases_hold(draft):
                skipped.append(f"{file} line {sign.line}: '{sign.text}' gave no rule that meets its own cases")
                continue
            taken.add(rule_id)
            drafts.append(draft)
    return drafts, skipped


def _first_words(sign: Sign) -> frozenset[str]:
    slot = next((s for s in sign.slots if s != NEGATION), None)
    if slot is None:
        return frozenset()
    words = set()
    for alternative in slot:
        found = _WORD.findall(alternative)
        if not found:
            return frozenset()
        words |= {f.replace("'", "") for f in _forms(found[0].replace("'", ""))} | {found[0]}
    return frozenset(words)


def _variant(sign: Sign) -> str:
    """The sign in other words: each slot's first lay variant that is not the document's word."""
    words = []
    for slot in sign.slots:
        if slot == NEGATION:
            words.append("not")
            continue
        own = [w for w in slot if w in sign.text.lower()]
        other = [w for w in slot if w not in own and "'" not in w]
        words.append(other[0] if other else slot[0])
    return " ".join(words)


MAX_ALTERNATIVE_CASES = 8


def _alternatives(sign: Sign) -> list[str]:
    """The sign through each alternative of its widest slot ("swelling face", "swelling lips"...),
    so a rule that shares some alternatives with an earlier one still gets a case of its own."""
    slots = [s for s in sign.slots if s != NEGATION]
    if not slots:
        return []
    index = _phrase_index()

    def groups(slot):   # how many of the document's own alternatives a slot holds
        return len({index.get(tuple(_WORD.findall(a)), (a,)) for a in slot})

    cases = []
    for widest in sorted(range(len(slots)), key=lambda i: -groups(slots[i])):
        heads = list(dict.fromkeys(index.get(tuple(_WORD.findall(a)), (a,))[0] for a in slots[widest]))
        for alternative in heads[:MAX_ALTERNATIVE_CASES]:
            if "'" not in alternative:
                cases.append(" ".join(alternative if i == widest else s[0] for i, s in enumerate(slots)))
    if NEGATION in sign.slots:
        cases = [f"not {c}" for c in cases]
    return cases


def _short(text: str, limit: int = 90) -> str:
    text = " ".join(text.split()).rstrip(":")
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " ..."


def _own_cases_hold(draft: RuleDraft) -> bool:
    patterns = [re.compile(p) for p in draft.patterns]
    unless = [re.compile(p) for p in draft.unless]

    def meets(message: str) -> bool:
        text = normalize(message)
        return any(p.search(text) for p in patterns) and not any(u.search(text) for u in unless)

    draft.fires = [case for case in draft.fires if meets(case)]
    draft.never = [case for case in draft.never if not meets(case)]
    return bool(draft.fires)


MAX_FIRES_CASES = 2


def settle_cases(drafts: list[RuleDraft]) -> tuple[list[RuleDraft], list[str]]:
    """The rules worth writing, with the cases that say something about them, once all rules are
    known: a ``fires`` case another rule earlier in the file meets first would not test this one
    (the folder's first matching rule is the one reported), and a ``never`` case no rule may meet.
    A rule none of whose own cases reaches it first adds nothing an earlier rule does not catch
    (the same sign in two documents): it is left out, and said so."""
    cases = {id(d): (list(d.fires), list(d.never)) for d in drafts}
    left_out: list[str] = []
    while True:
        for draft in drafts:
            draft.fires, draft.never = list(cases[id(draft)][0]), list(cases[id(draft)][1])
        _settle(drafts)
        covered = {id(d) for d in drafts if not d.fires}
        if not covered:
            return drafts, left_out
        # A rule goes when a rule that stays catches its cases; if every rule that catches them is
        # itself covered, only the last covered one goes this round (its coverer may be needed).
        going = {id(d) for d in drafts if id(d) in covered and any(id(drafts[i]) not in covered for i in d.caught_by)}
        if not going:
            going = {id([d for d in drafts if id(d) in covered][-1])}
        left_out += [f"{d.file} line {d.line}: '{d.when.split(': ')[0]}' is already caught by an earlier rule"
                     for d in drafts if id(d) in going]
        drafts = [d for d in drafts if id(d) not in going]


def _settle(drafts: list[RuleDraft]) -> None:
    compiled = [([re.compile(p) for p in d.patterns], [re.compile(u) for u in d.unless]) for d in drafts]
    by_word: dict[str, list[int]] = {}
    unanchored: list[int] = []
    for index, draft in enumerate(drafts):
        if draft.anchors:
            for word in draft.anchors:
                by_word.setdefault(word, []).append(index)
        else:
            unanchored.append(index)

    def first(message: str) -> int | None:
        text = normalize(message)
        words = set(_WORD.findall(text)) | {w.replace("'", "") for w in _WORD.findall(text)}
        candidates = sorted(set(unanchored).union(*(by_word.get(w, ()) for w in words)))
        for index in candidates:
            patterns, unless = compiled[index]
            if any(p.search(text) for p in patterns) and not any(u.search(text) for u in unless):
                return index
        return None

    for index, draft in enumerate(drafts):
        firsts = [(case, first(case)) for case in draft.fires]
        draft.caught_by = {i for _, i in firsts if i is not None and i != index}
        draft.fires = [case for case, i in firsts if i == index][:MAX_FIRES_CASES]
        draft.never = [case for case in draft.never if first(case) is None]


# --- writing safety.yaml -------------------------------------------------------------------------------


SAFETY_HEADER = """\
This folder's own red flags: the signs its documents say need urgent help. They ADD to faqbot's
built-in emergency layer (seizures now, not breathing, collapse, chest pain, swelling, overdoses,
self-harm...), which every folder gets and which this file cannot switch off. A message that meets
a rule gets the urgent instruction first, then the passage of `see`, never an FAQ answer.

`faqbot extract` wrote the rules that have a `source`: one per sign of each document's urgent
passages ("Call 999 if you have:", "get medical help immediately if"). Edit them, delete them or
add your own: a rule you edit (its text no longer matches its `digest`) or delete stays so when
the documents are extracted again, and rules without a `source` are yours and never touched. The
`extracted` list records what extraction wrote last time.

`patterns` are Python regular expressions matched on each sentence of the message, lower-cased
with typography normalised, and on the same sentence with apostrophes dropped and disguises
undone. `unless` cancels a rule in its own sentence only (a general question, a hypothetical, the
past). `cases` are checked by `faqbot check` and `faqbot coverage`: every `fires` message must meet
the rule, and no `never` message may meet any emergency rule.
"""


@dataclass
class SafetyReport:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    curated: list[str] = field(default_factory=list)       # staff edited it: kept as they left it
    kept_deleted: list[str] = field(default_factory=list)  # staff deleted it: not added back
    removed: list[str] = field(default_factory=list)       # its sign left the documents
    hand_written: int = 0
    skipped: list[str] = field(default_factory=list)       # signs that gave no rule, and why


def _rule_map(draft: RuleDraft):
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    def texts(values: list[str], flow: bool = False):
        seq = CommentedSeq([DoubleQuotedScalarString(v) for v in values])
        if flow:
            seq.fa.set_flow_style()
        return seq

    rule = CommentedMap()
    rule["id"] = draft.id
    rule["when"] = DoubleQuotedScalarString(draft.when)
    rule["patterns"] = texts(draft.patterns)
    rule["unless"] = texts(draft.unless)
    see = CommentedSeq(draft.see)
    see.fa.set_flow_style()
    rule["see"] = see
    cases = CommentedMap()
    cases["fires"] = texts(draft.fires)
    cases["never"] = texts(draft.never)
    rule["cases"] = cases
    source = CommentedMap()
    source["file"] = draft.file
    source["line"] = draft.line
    source["digest"] = rule_digest(draft.content())
    rule["source"] = source
    return rule


def _plain(value):
    return json.loads(json.dumps(value, ensure_ascii=False))


def generated_by_extraction(rule) -> bool:
    return isinstance(rule, dict) and isinstance(rule.get("source"), dict) and bool(rule["source"].get("digest"))


def _unedited(rule) -> bool:
    return generated_by_extraction(rule) and rule_digest(_plain(rule)) == rule["source"]["digest"]


def taken_ids(current_text: str | None) -> set[str]:
    """Ids of the rules staff wrote themselves (generated ones keep their own ids)."""
    from ..content.saving import _round_trip

    data = _round_trip(current_text)
    rules = data.get("rules") if data is not None else None
    return {str(r.get("id")) for r in rules or [] if isinstance(r, dict) and not generated_by_extraction(r)}


def merge_safety(current_text: str | None, drafts: list[RuleDraft]) -> tuple[str | None, SafetyReport]:
    """safety.yaml's new text with the drafts merged in by rule id (see the module docstring): the
    current text when there is nothing to change, None when there is no file and nothing to write
    or when the file cannot be read back with its comments (then it is kept as it is)."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    from ..content.saving import _round_trip

    report = SafetyReport()
    if current_text is None or not current_text.strip():
        if not drafts:
            return None, report
        data = CommentedMap()
        data.yaml_set_start_comment(SAFETY_HEADER)
        data["rules"] = CommentedSeq()
        previously: set[str] = set()
    else:
        data = _round_trip(current_text)
        if data is None or not isinstance(data.get("rules", CommentedSeq()), list):
            return None, report
        if "rules" not in data:
            data["rules"] = CommentedSeq()
        previously = set(data.get("extracted") or [])
    rules = data["rules"]
    position = {rule.get("id"): index for index, rule in enumerate(rules) if isinstance(rule, dict)}
    report.hand_written = sum(1 for r in rules if isinstance(r, dict) and not generated_by_extraction(r))
    wanted = {draft.id for draft in drafts}
    for draft in drafts:
        fresh = _rule_map(draft)
        index = position.get(draft.id)
        if index is not None:
            current = rules[index]
            if not generated_by_extraction(current):
                continue   # staff's own rule of that id (ids were chosen around them)
            if not _unedited(current):
                report.curated.append(draft.id)
                continue
            if _plain(current) == _plain(fresh):
                report.unchanged.append(draft.id)
                continue
            rules[index] = fresh
            report.changed.append(draft.id)
        elif draft.id in previously:
            report.kept_deleted.append(draft.id)
        else:
            rules.append(fresh)
            report.added.append(draft.id)
    for index in range(len(rules) - 1, -1, -1):
        rule = rules[index]
        if isinstance(rule, dict) and rule.get("id") not in wanted and _unedited(rule):
            report.removed.append(str(rule.get("id")))
            del rules[index]
    if not drafts and "extracted" not in data:
        return current_text, report   # staff's own file, and nothing found: left exactly as it is
    data["extracted"] = CommentedSeq([draft.id for draft in drafts])
    text = _dump(data)
    written = {r.get("id"): r for r in (yaml.safe_load(text) or {}).get("rules") or [] if isinstance(r, dict)}
    for draft in drafts:   # what is read back is what was meant: a regular expression is never refolded
        rule = written.get(draft.id)
        if rule is not None and generated_by_extraction(rule) and rule_digest(rule) == rule["source"]["digest"]:
            assert rule["patterns"] == draft.patterns and rule["unless"] == draft.unless, draft.id
    return text, report


def _dump(data) -> str:
    """The file as round-trip YAML on lines as long as they need: ruamel.yaml folds a long
    double-quoted string at a backslash as "\\ b", which would change a pattern."""
    import io

    from ruamel.yaml import YAML

    dumper = YAML(typ="rt")
    dumper.width = 1_000_000
    dumper.indent(mapping=2, sequence=4, offset=2)
    dumper.preserve_quotes = True
    buffer = io.StringIO()
    dumper.dump(data, buffer)
    return buffer.getvalue()
