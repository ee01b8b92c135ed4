"""Section kinds: the bundled table of sections patient documents use (``section-kinds.yaml``).

Each kind carries its label variants, a natural question naming the document's subject and lay
phrasings that apply to every document of its kind; ``faqbot extract`` labels sections with
them. The table is data, read strictly (an unknown key or a kind without a question is an error
naming its line), so staff can read and extend it without touching code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from ..errors import DataFileError
from ..language.words import STOPWORDS
from ..yamlfile import LineDict, LineList, load_yaml, reject_unknown_keys, type_name

KIND_KEYS = {"id", "labels", "within", "question", "phrasings", "item_phrasings", "role", "cues", "documents",
             "condition_question", "condition_phrasings", "facets"}
DOCUMENTS = {"medicine", "condition"}
ITEM = "<item>"
ROLES = {"answer", "container", "disclaimer", "noise"}
SUBJECT = "<s>"
MAX_LABEL_WORDS = 14


@dataclass(frozen=True)
class SectionKind:
    id: str
    labels: tuple[tuple[str, ...], ...]    # each label as words, the subject removed
    within: frozenset[str]
    question: str
    phrasings: tuple[str, ...]
    role: str = "answer"
    item_phrasings: tuple[str, ...] = ()
    cues: tuple[str, ...] = ()             # phrases in a passage's text that show it answers this kind
    documents: str = ""                    # "medicine" or "condition" when only that kind of document has it
    condition_question: str = ""           # how a condition guide asks it ("What if I have <s> in pregnancy?")
    condition_phrasings: tuple[str, ...] = ()
    facets: tuple[str, ...] = ()           # kinds a long section of this kind is split into, by their cues

    def fits(self, condition: bool) -> bool:
        """Whether a document about a condition (or about a medicine) can have this section: a
        condition guide's passages are never asked "how much asthma should I take"."""
        return not self.documents or self.documents == ("condition" if condition else "medicine")

    def as_condition(self) -> SectionKind:
        """This kind as a condition guide asks it: its condition question and phrasings, when it
        has them, instead of the medicine's ("can I take <s> while pregnant")."""
        if not self.condition_question and not self.condition_phrasings:
            return self
        return replace(self, question=self.condition_question or self.question,
                       phrasings=self.condition_phrasings, item_phrasings=())

    def ask(self, subject: str) -> str:
        return _capitalised(self.question.replace(SUBJECT, subject))

    def examples(self, subject: str) -> list[str]:
        return [" ".join(p.replace(SUBJECT, subject).split()) for p in self.phrasings]

    def item_examples(self, subject: str, item: str) -> list[str]:
        return [" ".join(p.replace(SUBJECT, subject).replace(ITEM, item).split()) for p in self.item_phrasings]


def label_words(text: str, subject_words: tuple[str, ...] = ()) -> tuple[str, ...]:
    """A label as comparable words: lower case, simple plurals folded, the subject's words and
    a leading number ("2. How to take") removed, "it's" read as "it is" ("What it's for" is the
    label "what it is for")."""
    text = re.sub(r"^\s*\d+[.)]\s+", "", text.replace(SUBJECT, " "))
    text = _IS_CONTRACTED.sub(r"\1 is", text.lower().replace("\u2019", "'"))
    words = re.findall(r"[a-z0-9]+(?:'[a-z]+)?", text)
    drop = set(subject_words)
    return tuple(_fold(w) for w in words if w not in drop and _fold(w) not in drop)


_IS_CONTRACTED = re.compile(r"\b(it|what|that|there|who|this|he|she)'s\b")


def _content_words(words: tuple[str, ...]) -> int:
    return sum(1 for w in words if w not in STOPWORDS)


def _fold(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


class SectionKinds:
    """The kinds, and the one way of telling which kind a heading or label is."""

    def __init__(self, kinds: list[SectionKind]):
        self.kinds = kinds
        self.by_id = {kind.id: kind for kind in kinds}
        # Variants by their first word: a heading is compared only with variants that can occur
        # in it (a site of 6,000 pages has hundreds of thousands of headings).
        self._by_first_word: dict[str, list[tuple[SectionKind, tuple[str, ...]]]] = {}
        for kind in kinds:
            for variant in kind.labels:
                if variant:
                    self._by_first_word.setdefault(variant[0], []).append((kind, variant))
        self._cache: dict[tuple, list[SectionKind]] = {}
        # By the label's words: the same labels ("Usage", "Side Effects") recur on every page of a
        # site under another subject, and the kinds depend on the words left once it is dropped.
        self._by_words: dict[tuple, list[SectionKind]] = {}

    def match(self, label: str, subject_words: tuple[str, ...] = (), parent: str | None = None) -> SectionKind | None:
        """The kind of a heading or label, or None (the first of :meth:`matches`)."""
        found = self.matches(label, subject_words, parent)
        return found[0] if found else None

    def matches(self, label: str, subject_words: tuple[str, ...] = (), parent: str | None = None) -> list[SectionKind]:
        """Every kind a heading or label names, best first ("Pregnancy, breastfeeding and
        fertility": pregnancy, then breastfeeding).

        A kind's label matches when its words occur in the heading as a phrase; the longest match
        wins, a whole-heading match beats a partial one, and a kind that is part of the section
        we are in (``within``) beats one that is not. A kind with ``within`` matches outside its
        parent only through a label of two or more words ("common side effects"), and any
        one-word label only a heading of at most two content words ("Symptoms and aura")."""
        key = (label, subject_words, parent)
        cached = self._cache.get(key)
        if cached is None:
            cached = self._cache[key] = self._matches(label, subject_words, parent)
            if len(self._cache) > 100_000:
                self._cache.clear()
        return list(cached)

    def _matches(self, label: str, subject_words: tuple[str, ...], parent: str | None) -> list[SectionKind]:
        words = label_words(label, subject_words)
        if not words or len(words) > MAX_LABEL_WORDS:
            return []   # a sentence ("Call 999 if you have ..."), not a label
        key = (words, parent)
        found = self._by_words.get(key)
        if found is None:
            found = self._by_words[key] = self._matches_words(words, parent)
            if len(self._by_words) > 100_000:
                self._by_words.clear()
        return found

    def _matches_words(self, words: tuple[str, ...], parent: str | None) -> list[SectionKind]:
        short = _content_words(words) <= 2
        scored: dict[str, tuple] = {}
        candidates = [pair for word in dict.fromkeys(words) for pair in self._by_first_word.get(word, ())]
        for kind, variant in candidates:
            inside = parent is not None and parent in kind.within
            if kind.within and not inside and len(variant) < 2:
                continue
            if len(variant) == 1 and not short and not inside and variant != words:
                continue   # "overview" names a section only on its own, not in "Overview of research"
            if not _contains(words, variant):
                continue
            score = (len(variant) + (100 if variant == words else 0), inside, -len(kind.within) if not inside else 0)
            if kind.id not in scored or score > scored[kind.id]:
                scored[kind.id] = score
        return [self.by_id[k] for k in sorted(scored, key=lambda k: scored[k], reverse=True)]


def _contains(words: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    n = len(phrase)
    return any(words[i:i + n] == phrase for i in range(len(words) - n + 1))


def kinds_file() -> Path:
    return Path(__file__).parent / "section-kinds.yaml"


@lru_cache(maxsize=1)
def bundled_kinds() -> SectionKinds:
    return load_kinds(kinds_file())


def load_kinds(path: Path) -> SectionKinds:
    data = load_yaml(path)
    if not isinstance(data, LineDict) or not isinstance(data.get("kinds"), LineList):
        raise DataFileError(path, getattr(data, "line", 1), "expected a mapping with a 'kinds' list")
    reject_unknown_keys(path, data, {"kinds"}, "section kinds file")
    kinds: list[SectionKind] = []
    seen: set[str] = set()
    items = data["kinds"]
    for index, item in enumerate(items):
        line = items.line_of(index)
        if not isinstance(item, LineDict):
            raise DataFileError(path, line, f"each kind must be a mapping, got {type_name(item)}")
        reject_unknown_keys(path, item, KIND_KEYS, "section kind")
        kind_id = item.get("id")
        if not isinstance(kind_id, str) or not re.fullmatch(r"[a-z][a-z-]*", kind_id):
            raise DataFileError(path, item.line_of("id"), "'id' must be lower-case letters and '-'")
        if kind_id in seen:
            raise DataFileError(path, item.line_of("id"), f"duplicate kind '{kind_id}'")
        seen.add(kind_id)
        role = item.get("role", "answer")
        if role not in ROLES:
            raise DataFileError(path, item.line_of("role"), f"'role' must be one of {', '.join(sorted(ROLES))}")
        lists = {}
        for key in ("labels", "within", "phrasings", "item_phrasings", "cues", "facets"):
            value = item.get(key, [])
            if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
                raise DataFileError(path, item.line_of(key), f"'{key}' must be a list of text")
            lists[key] = value
        if not lists["labels"]:
            raise DataFileError(path, item.line, f"kind '{kind_id}' has no labels")
        question = item.get("question", "")
        if role == "answer" and (not isinstance(question, str) or SUBJECT not in question):
            raise DataFileError(path, item.line_of("question"), f"kind '{kind_id}' needs a question naming {SUBJECT}")
        documents = item.get("documents", "")
        if documents and documents not in DOCUMENTS:
            raise DataFileError(path, item.line_of("documents"), f"'documents' must be one of {', '.join(sorted(DOCUMENTS))}")
        condition_question = item.get("condition_question", "")
        if condition_question and (not isinstance(condition_question, str) or SUBJECT not in condition_question):
            raise DataFileError(path, item.line_of("condition_question"),
                                f"kind '{kind_id}' needs a condition question naming {SUBJECT}")
        condition_phrasings = item.get("condition_phrasings", [])
        if not isinstance(condition_phrasings, list) or not all(isinstance(v, str) and v.strip()
                                                                for v in condition_phrasings):
            raise DataFileError(path, item.line_of("condition_phrasings"), "'condition_phrasings' must be a list of text")
        for phrasing in lists["item_phrasings"]:
            if ITEM not in phrasing:
                raise DataFileError(path, item.line_of("item_phrasings"), f"each item phrasing needs {ITEM}")
        kinds.append(SectionKind(kind_id, tuple(label_words(v) for v in lists["labels"]),
                                 frozenset(lists["within"]), question or "", tuple(lists["phrasings"]), role,
                                 tuple(lists["item_phrasings"]), tuple(lists["cues"]), documents,
                                 condition_question, tuple(condition_phrasings), tuple(lists["facets"])))
    for kind in kinds:
        for parent in kind.within:
            if parent not in seen:
                raise DataFileError(path, None, f"kind '{kind.id}' is within unknown kind '{parent}'")
        for facet in kind.facets:
            if facet not in seen:
                raise DataFileError(path, None, f"kind '{kind.id}' has unknown facet '{facet}'")
    return SectionKinds(kinds)
