"""Curation across re-extraction: staff's ids, questions and examples kept when documents change."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace

from ..language.normalise import normalize
from .intents import Intent


@dataclass
class MergeReport:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def merge(curated: list[Intent], extracted: list[Intent]) -> tuple[list[Intent], MergeReport]:
    """Refresh curated intents from a new extraction.

    Each extracted intent is paired with a curated one, in passes from the safest clue to the
    weakest: the same question; the same id (staff may have reworded the question); the same
    source section, only when that section is a single intent on both sides (a relabelled
    section). A guess by position would risk giving one question another's answer. Paired
    intents keep their id, question and examples exactly (staff work, deletions included) and
    take the new answer, topic and provenance. Unpaired extracted intents are added, with the
    examples extraction found and an id no curated intent uses; unpaired curated ones are removed.
    """
    report = MergeReport()
    paired: dict[int, Intent] = {}
    used: set[str] = set()

    def pair(index: int, old: Intent | None) -> None:
        if old is not None and old.id not in used and index not in paired:
            paired[index] = old
            used.add(old.id)

    by_question = {normalize(i.question): i for i in curated}
    for index, new in enumerate(extracted):
        pair(index, by_question.get(normalize(new.question)))
    by_id = {i.id: i for i in curated}
    for index, new in enumerate(extracted):
        pair(index, by_id.get(new.id))
    curated_sections: dict[tuple, list[Intent]] = {}
    for intent in curated:
        if intent.source:
            curated_sections.setdefault((intent.source.file, intent.source.section), []).append(intent)
    extracted_sections = Counter((n.source.file, n.source.section) for n in extracted if n.source)
    for index, new in enumerate(extracted):
        if new.source:
            key = (new.source.file, new.source.section)
            candidates = curated_sections.get(key, [])
            if len(candidates) == 1 and extracted_sections[key] == 1:
                pair(index, candidates[0])
    taken = {i.id for i in curated}
    result: list[Intent] = []
    for index, new in enumerate(extracted):
        old = paired.get(index)
        if old is None:
            new_id, number = new.id, 2
            while new_id in taken:
                new_id, number = f"{new.id}-{number}", number + 1
            taken.add(new_id)
            result.append(replace(new, id=new_id))
            report.added.append(new_id)
            continue
        refreshed = replace(old, answer=new.answer, topic=new.topic, source=new.source)
        if (old.answer.strip(), old.topic, old.source) != (new.answer.strip(), new.topic, new.source):
            report.changed.append(old.id)
        else:
            report.unchanged.append(old.id)
        result.append(refreshed)
    report.removed = [i.id for i in curated if i.id not in used]
    return result, report
