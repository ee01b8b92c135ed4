"""The lexicon: synonym groups from ``lexicon.yaml`` (data, not code), loaded strictly."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import DataFileError
from ..language.lexicon import Lexicon
from ..language.analyzer import stem
from ..language.normalise import normalize, tokenize
from ..language.words import english_words
from ..yamlfile import LineDict, LineList, excerpt, load_yaml, reject_unknown_keys, type_name

LEXICON_KEYS = {"synonyms"}


def lay_terms_file() -> Path:
    """The general lay terms a new folder's lexicon starts from (data, not code)."""
    
    return Path(__file__).parent / "lay-terms.yaml"


def brand_names_file() -> Path:
    """Brand names of widely used medicines, which extraction adds to a folder's lexicon (data)."""
    return Path(__file__).parent / "brand-names.yaml"


def bundled_brand_names() -> dict[str, list[str]]:
    """The bundled brand names by generic name (tokenised: "sodium valproate"), in file order."""
    data = load_yaml(brand_names_file())
    return {" ".join(tokenize(group[0])): [str(name) for name in group[1:]] for group in data["brands"]}


def load_lexicon(path: Path) -> Lexicon:
    """Read lexicon.yaml; a missing file means no synonyms (imported FAQs have none)."""
    if not path.exists():
        return Lexicon()
    data = load_yaml(path)
    if data is None:
        return Lexicon()
    if not isinstance(data, LineDict):
        raise DataFileError(path, getattr(data, "line", 1), f"expected a mapping with 'synonyms', got {type_name(data)}")
    reject_unknown_keys(path, data, LEXICON_KEYS, "lexicon")
    groups = data.get("synonyms") or []
    if not isinstance(groups, LineList):
        raise DataFileError(path, data.line_of("synonyms"), f"'synonyms' must be a list of lists, got {type_name(groups)}")
    result, lines = [], []
    for index, group in enumerate(groups):
        line = groups.line_of(index)
        if not isinstance(group, list) or len(group) < 2:
            raise DataFileError(path, line, "each synonym group must be a list of at least two words or phrases")
        for term in group:
            if not isinstance(term, str) or not tokenize(term):
                raise DataFileError(path, line, f"synonym entries must be words or phrases, got '{excerpt(term)}'")
        result.append([str(t) for t in group])
        lines.append(line)
    return Lexicon(result, lines)


# --- the lint ``faqbot check`` runs ---------------------------------------------------------------

EVERYDAY_ZIPF = 5.0
"""A single word at least this frequent in English (Zipf) is an everyday word: one that patients
use in many senses ("only", "drink", "normal"), so a synonym group that swallows it changes what
questions mean ("can i only take one tablet" read as "sole cause"). Higher than the matcher's
``Tuning.common_zipf`` (4.5): "beer" in the group of "alcohol" is a true synonym; the commonest
words are the ones with many senses. Set on the bundled lexicon."""
BROAD_GROUP_SHARE = 0.6
"""A group whose words occur in at least this share of the intents (and in more than two) tells
none of them apart: every question using it looks like every intent."""


@dataclass(frozen=True)
class LexiconFinding:
    path: Path
    line: int | None
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}" if self.line else f"{self.path}: {self.message}"


def lint_lexicon(path: Path, lexicon: Lexicon, intent_texts: list[str],
                 topic_names: list[str] = ()) -> list[LexiconFinding]:
    """What in a lexicon likely changes a question's meaning, for ``faqbot check`` (notes, not errors):

    - an everyday English word as a single-word member of a group whose canonical term is another
      word (not just another form of it): phrases ("drink alcohol", "only cause") keep the meaning;
    - a group whose words occur in most intents' texts, so it tells none of them apart.
    ``intent_texts`` holds one text per intent (its phrasings and answer); a group naming a topic
    (``topic_names``) is meant to be everywhere in that topic and is not reported as broad.
    """
    everyday = {word for word, zipf in english_words().items() if zipf >= EVERYDAY_ZIPF}
    findings = []
    topic_stems = {stem(w) for name in topic_names for w in tokenize(name)}
    stems_of_groups = [_group_stems(group) for group in lexicon.groups]
    reach = _reach(stems_of_groups, intent_texts)
    for number, group in enumerate(lexicon.groups):
        line = lexicon.lines[number] if number < len(lexicon.lines) else None
        canonical = tokenize(group[0])
        canonical_stems = {stem(w) for w in canonical}
        for term in group:
            words = tokenize(term)
            word = normalize(term)
            if (len(words) == 1 and word in everyday and stem(words[0]) not in canonical_stems
                    and not _same_word(words[0], canonical)):
                findings.append(LexiconFinding(path, line, f"'{term}' is an everyday word of many senses; in "
                                               f"the group of '{group[0]}' it always reads as '{group[0]}' "
                                               "(a phrase keeps the one sense)"))
        holding = reach[number]
        if not stems_of_groups[number] & topic_stems and len(intent_texts) > 2 and holding > 2 and holding >= BROAD_GROUP_SHARE * len(intent_texts):
            findings.append(LexiconFinding(path, line, f"the group of '{group[0]}' occurs in {holding} of "
                                           f"{len(intent_texts)} intents, so it tells them apart poorly"))
    return findings


def _group_stems(group: list[str]) -> set[str]:
    """The stems a group is found by in a text: its single-word members' and its canonical term's words."""
    found = {stem(w) for w in tokenize(group[0])}
    for term in group:
        words = tokenize(term)
        if len(words) == 1:
            found.add(stem(words[0]))
    return found


def _reach(stems_of_groups: list[set[str]], intent_texts: list[str]) -> list[int]:
    """For each group, how many of the texts hold one of its stems. One pass over the texts with
    a count per group: a site's lexicon has a group per medicine (2,188 groups x 78k intents
    compared one by one was quadratic, and keeping each stem's intents took hundreds of MB)."""
    groups_of_stem: dict[str, list[int]] = {}
    for number, stems in enumerate(stems_of_groups):
        for word_stem in stems:
            groups_of_stem.setdefault(word_stem, []).append(number)
    counts = [0] * len(stems_of_groups)
    if not groups_of_stem:
        return counts
    for text in intent_texts:
        touched: set[int] = set()
        for word in set(tokenize(text)):
            touched.update(groups_of_stem.get(stem(word), ()))
        for number in touched:
            counts[number] += 1
    return counts


def _same_word(word: str, canonical: list[str]) -> bool:
    """Whether a group member is only another form of its one-word canonical term ("children" of
    "child", "percent" of "percentage"): one begins with the other."""
    return len(canonical) == 1 and (word.startswith(canonical[0]) or canonical[0].startswith(word))
