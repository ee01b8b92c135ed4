"""Subject names: which medicine (or other subject) each document is about, and which of them a
question names, typos included, before any ranking.

Why: on a site of thousands of drug pages every page answers the same questions ("What should
I do if I miss a dose?"), so words alone cannot pick the page; the medicine's name must. And
the name must pick the right page: "paracetamol" is the subject of its own page and an
ingredient of hundreds of combination products ("diclofenac + paracetamol + serratiopeptidase").

A document's names come from its intents, as extraction writes them: the topic (the page's
title), and the answers of the name fields (generic name, also known as, brand names). A name
joined with "+" or "/" is a combination: each part is an ingredient. Names are matched as
whole word sequences; a word of a name the question misspells ("paracetmol", "amoxicilin") is
found with rapidfuzz against the name words of its first letter (``process.extract`` with a
score cutoff), only for words no intent uses and no common English word. A word that is only part of names ("magnesium" of "magnesium
oxide" and "magnesium valproate") names every document whose names contain it.

``resolve`` turns the mentions into the documents ranking may read (see ``Resolution``). All
of it costs a dictionary lookup per word and, for unknown words, one fuzzy search over the
name words: nothing grows with the number of documents a question does not name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from ..content.intents import Intent
from ..language.normalise import tokenize
from ..language.words import LIGHT_WORDS, STOPWORDS, english_words
from .tuning import DEFAULT, Tuning

NAME_SECTIONS = {"generic name", "generic names", "also known as", "other names", "brand name", "brand names",
                 "brands", "trade names"}
MAX_NAME_WORDS = 6          # longer "names" are sentences, not names
_SEPARATORS = re.compile(r"\s*(?:\+|/|,|;|\bor\b|\(|\))\s*")
_PARTS = re.compile(r"\s*(?:\+|/)\s*")
_AND = re.compile(r"\s+(?:and|&)\s+", re.I)
_BRACKETED = re.compile(r"\([^)]*\)")


@dataclass
class Document:
    """One document's subject: its names and, for a combination product, its ingredients."""

    key: str                                  # the source file (or the topic when none)
    topic: str
    intents: list[int] = field(default_factory=list)   # intent indices, in folder order
    names: set[tuple[str, ...]] = field(default_factory=set)
    ingredients: frozenset[tuple[str, ...]] = frozenset()


@dataclass
class Mention:
    """A name found in a question: the words as typed, the name they read as, and the documents
    it names, each with the ingredient the name stands for (None when it names the whole page)."""

    typed: str
    name: tuple[str, ...]
    documents: set[int]
    exact_documents: set[int]                 # documents that have this very name or ingredient
    partial: bool = False                     # one word of longer names ("magnesium")


@dataclass
class Resolution:
    """What the names in a question mean for ranking.

    - ``kind == "none"``: no name recognised; ``documents`` empty.
    - ``"named"``: rank only the intents of ``documents``: the most specific pages for what was
      named (the single-ingredient page, not the combinations holding it; the page about all
      the medicines named, not larger combinations).
    - ``"several"``: a word that is part of many names ("magnesium"): ``documents`` are the
      pages it may mean, single-ingredient pages first; the best few are offered.
    - ``"unpaired"``: two or more medicines and no document about them together; ``per_mention``
      holds each medicine's own most specific documents.
    - ``"named"`` for several medicines with a page about them all (a combination product):
      ``own_pages`` are each medicine's own pages besides, where an entry may ask about them
      together ("Can I take paracetamol and ibuprofen together?" on the paracetamol page).
    """

    kind: str
    mentions: list[Mention]
    documents: list[int] = field(default_factory=list)
    per_mention: list[list[int]] = field(default_factory=list)
    own_pages: list[int] = field(default_factory=list)   # "named" with several medicines: each one's own page


def _words(text: str) -> tuple[str, ...]:
    return tuple(tokenize(text))


def _names_in(text: str) -> list[tuple[str, ...]]:
    """The names a field lists: "Paracetamol (acetaminophen), Calpol" -> three names; a
    combination keeps its whole name besides (its parts are ingredients, see ``_ingredients``)."""
    names = []
    whole = _words(text.replace("+", " ").replace("/", " "))
    if 0 < len(whole) <= MAX_NAME_WORDS * 3 and _PARTS.search(text):
        names.append(whole)
    for part in _SEPARATORS.split(text):
        words = _words(part)
        if 0 < len(words) <= MAX_NAME_WORDS:
            names.append(words)
    return names


def _name_fields(answer: str, section: str) -> list[tuple[str, str]]:
    """(label, names) of a name passage: one field, or consecutive fields extraction joined,
    each line under its own label ("Generic name: ...", "Also known as: ...")."""
    fields = []
    for line in answer.splitlines():
        label, colon, text = line.partition(":")
        if colon and label.strip().lower() in NAME_SECTIONS:
            fields.append((label.strip().lower(), text.strip()))
        elif line.strip():
            fields.append((section, line.strip()))
    return fields if len(fields) > 1 else [(section, answer)]


def _ingredients(text: str) -> list[tuple[str, ...]]:
    parts = [_words(p) for p in _PARTS.split(text)]
    return [p for p in parts if 0 < len(p) <= MAX_NAME_WORDS]


class Entities:
    """The subject names of a folder's documents, built once per folder (and kept in the
    compiled index with the rest)."""

    def __init__(self, intents: list[Intent], known_words: set[str] | frozenset[str] = frozenset(),
                 tuning: Tuning = DEFAULT, other_names: dict[str, list[str]] | None = None):
        """``known_words``: words any intent uses (never read as a misspelt name).
        ``other_names``: names by topic (lower case) from the folder's lexicon, whose groups
        headed by a subject list its other names ("[paracetamol, Panadol, Calpol]": extraction
        writes one for each page that names its brands in its text, and staff may add more)."""
        self.tuning = tuning
        self.documents: list[Document] = []
        by_key: dict[str, int] = {}
        generic: dict[int, str] = {}
        for index, intent in enumerate(intents):
            key = intent.source.file if intent.source is not None else "topic:" + intent.topic
            number = by_key.get(key)
            if number is None:
                number = by_key[key] = len(self.documents)
                self.documents.append(Document(key, intent.topic))
                self.documents[number].names.update(_names_in(intent.topic))
            document = self.documents[number]
            document.intents.append(index)
            section = intent.source.section.strip().lower() if intent.source is not None else ""
            if section in NAME_SECTIONS and len(intent.answer) < 400:
                for label, text in _name_fields(intent.answer, section):
                    document.names.update(_names_in(text))
                    if label.startswith("generic"):
                        generic[number] = text
        for document in self.documents:
            for name in (other_names or {}).get(document.topic.lower(), ()):
                document.names.update(_names_in(name))
        for number, document in enumerate(self.documents):
            # A generic-name field joins a combination's ingredients with "+" or "and"
            # ("Paracetamol and Codeine Phosphate"); a title's "and" may join anything.
            parts = (_ingredients(_AND.sub(" + ", _BRACKETED.sub(" ", generic[number]))) if number in generic
                     else _ingredients(document.topic))
            # One part is a single medicine ("Paracetamol (Acetaminophen)": the brackets hold
            # another name), not a combination of one.
            document.ingredients = frozenset(parts) if len(parts) > 1 else frozenset()
            document.names.update(parts)
        self._by_name: dict[tuple[str, ...], set[int]] = {}
        self._by_word: dict[str, set[int]] = {}
        # A name of two or three words typed as one ("cocodamol" for "co-codamol"): found, and
        # read as the page writes it.
        self._written: dict[tuple[str, ...], tuple[str, ...]] = {}
        for number, document in enumerate(self.documents):
            for name in document.names:
                self._by_name.setdefault(name, set()).add(number)
                for word in name:
                    self._by_word.setdefault(word, set()).add(number)
            for name in document.names:
                joined = ("".join(name),)
                if 2 <= len(name) <= 3 and joined not in document.names:
                    self._by_name.setdefault(joined, set()).add(number)
                    self._written.setdefault(joined, name)
        self.longest = max((len(n) for n in self._by_name), default=0)
        # A word standing alone for the names holding it must say something: not a stop word
        # or a common English word ("sodium" yes, "plus" or "acid" no).
        common = english_words()
        self._telling_words = {w for w in self._by_word
                               if w not in STOPWORDS and w not in LIGHT_WORDS and len(w) >= 4
                               and (common.get(w, 0.0) < 4.0 or any(n == (w,) for n in self._by_name))}
        # Name words by first letter: a typo rarely changes it ("paracetmol"), and one letter's
        # words are a twentieth of the list a misspelt word is compared with.
        self._fuzzy_choices: dict[str, list[str]] = {}
        for word in sorted(self._by_word):
            if len(word) >= tuning.name_typo_min_length:
                self._fuzzy_choices.setdefault(word[0], []).append(word)
        self._known = set(known_words) | set(self._by_word) | {joined for (joined,) in self._written}
        self._read_as: dict[str, str] = {}     # misspelt word -> the name word it reads as (or itself)
        self._by_topic: dict[str, list[int]] = {}
        for number, document in enumerate(self.documents):
            self._by_topic.setdefault(document.topic, []).append(number)

    @property
    def count(self) -> int:
        return len(self.documents)

    def document_of(self, number: int) -> Document:
        return self.documents[number]

    def intents_of(self, documents) -> list[int]:
        """The intent indices of these documents, in folder order."""
        return sorted(i for number in documents for i in self.documents[number].intents)

    def with_ingredient_pages(self, numbers) -> set[int]:
        """These documents and, for a combination product, every page naming one of its
        ingredients: what is true of metformin's page is true of a tablet holding metformin."""
        found = set(numbers)
        for number in numbers:
            for ingredient in self.documents[number].ingredients:
                found |= self._by_name.get(ingredient, set())
        return found

    def documents_of_topic(self, topic: str) -> list[int]:
        return self._by_topic.get(topic, [])

    def find(self, text: str) -> list[Mention]:
        """The names a text mentions (see ``find_tokens``)."""
        return self.find_tokens(tokenize(text))

    def find_tokens(self, typed: list[str]) -> list[Mention]:
        """The names a question's words mention, longest first at each place, left to right."""
        read = [self._name_word(t) for t in typed]
        mentions: list[Mention] = []
        i = 0
        while i < len(read):
            found = None
            for size in range(min(self.longest, len(read) - i), 0, -1):
                name = tuple(read[i:i + size])
                documents = self._by_name.get(name)
                if documents:
                    found = Mention(" ".join(typed[i:i + size]), self._written.get(name, name), set(documents),
                                    set(documents))
                    i += size
                    break
            if found is None and read[i] in self._telling_words:
                documents = self._by_word[read[i]]
                found = Mention(typed[i], (read[i],), set(documents), set(), partial=True)
                i += 1
            elif found is None:
                i += 1
            if found is not None:
                mentions.append(found)
        return _distinct(mentions)

    def _name_word(self, word: str) -> str:
        """The name word a typed word reads as: itself when any text knows it, else the closest
        name word within name_typo_score, if one is, else the one name word it begins ("doxy"
        for doxycycline, "amox" for amoxicillin: names patients shorten), if only one does."""
        tuning = self.tuning
        if word in self._known or len(word) < min(tuning.name_typo_min_length, tuning.name_prefix_min_length) \
                or not word.isalpha():
            return word
        found = self._read_as.get(word)
        if found is not None:
            return found
        found = word
        if word not in english_words():        # an English word ("pregnant") is meant as typed
            choices = self._fuzzy_choices.get(word[0], ())
            hits = process.extract(word, choices, scorer=fuzz.ratio, score_cutoff=tuning.name_typo_score,
                                   limit=3) if len(word) >= tuning.name_typo_min_length else []
            if hits:
                # best score, then the word of most documents (the common spelling), then alphabetical
                found = min(hits, key=lambda hit: (-hit[1], -len(self._by_word[hit[0]]), hit[0]))[0]
            elif len(word) >= tuning.name_prefix_min_length:
                begun = [w for w in choices if w.startswith(word)]
                if len(begun) == 1:
                    found = begun[0]
        if len(self._read_as) < 100_000:
            self._read_as[word] = found
        return found

    def resolve(self, mentions: list[Mention]) -> Resolution:
        """Which documents ranking may read for these mentions (see ``Resolution``)."""
        if not mentions:
            return Resolution("none", [])
        named = [m for m in mentions if not m.partial] or mentions
        if len(named) == 1 and named[0].partial:
            documents = sorted(named[0].documents, key=lambda d: (max(1, len(self.documents[d].ingredients)), d))
            return Resolution("several", mentions, documents[:self.tuning.subject_documents])
        if len(named) == 1:
            return Resolution("named", mentions, self._most_specific(named[0].documents, {named[0].name}))
        together = set.intersection(*(m.documents for m in named))
        if together:
            documents = self._most_specific(together, {m.name for m in named})
            own = sorted({d for m in named for d in self._most_specific(m.documents, {m.name})} - set(documents))
            return Resolution("named", mentions, documents, own_pages=own)
        return Resolution("unpaired", named, [],
                          [self._most_specific(m.documents, {m.name}) for m in named])

    def _most_specific(self, documents, wanted: set[tuple[str, ...]]) -> list[int]:
        """The documents holding the fewest ingredients beyond those asked for: the page of one
        medicine before the combinations that contain it."""
        extra = {d: self._extra(d, wanted) for d in documents}
        fewest = min(extra.values())
        return sorted(d for d, count in extra.items() if count == fewest)

    def _extra(self, number: int, wanted: set[tuple[str, ...]]) -> int:
        """How many ingredients the document holds beyond the names asked for (0: exactly them)."""
        ingredients = self.documents[number].ingredients
        names = self.documents[number].names
        if not ingredients:
            return 0 if wanted <= names else 1
        return len(ingredients - wanted) + sum(1 for w in wanted if w not in ingredients and w not in names)


def _distinct(mentions: list[Mention]) -> list[Mention]:
    """One mention per name, and no partial mention covered by a full one ("magnesium
    valproate ... valproate")."""
    seen: set[tuple[str, ...]] = set()
    full_words = {w for m in mentions if not m.partial for w in m.name}
    kept = []
    for mention in mentions:
        if mention.name in seen or (mention.partial and mention.name[0] in full_words):
            continue
        seen.add(mention.name)
        kept.append(mention)
    return kept
