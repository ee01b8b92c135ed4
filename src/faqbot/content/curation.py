"""Curation across re-extraction: every staff edit survives, and is told apart from drift.

What staff may do to an extracted intent file, and what re-extraction then does:

- **edit a question or examples**: kept exactly (intents are paired by question, then id, then
  source section);
- **edit an answer** (strip a prefix, shorten, split one passage in two): each extracted answer
  carries a ``digest`` (a fingerprint of the text extraction wrote). An answer that no longer
  matches its digest is staff's: re-extraction keeps it. If the document's text at that place
  changed too, the intent is reported as a conflict (and ``check`` calls it drift) so staff can
  review it;
- **delete an intent**: the file's ``extracted`` list records what extraction found last time;
  a passage in that list with no intent is one staff deleted, and is not added back;
- **add an intent** (hand-written, or split off with no digest): kept as it is.

Anything new in the document is added; an intent whose passage left the document is removed only
when staff never edited it (an edited one is kept and reported).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field, replace

from ..language.normalise import normalize
from .intents import Intent

DIGEST_CHARS = 12


def digest(text: str) -> str:
    """A short fingerprint of an answer, blind to whitespace (re-indenting is not an edit)."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()[:DIGEST_CHARS]


def edited(intent: Intent) -> bool:
    """Whether staff changed the answer extraction wrote (or wrote it themselves)."""
    return intent.source is None or not intent.source.digest or digest(intent.answer) != intent.source.digest


def extraction_key(intent: Intent) -> str:
    """How a passage is named in the ``extracted`` list: its section, and its question when
    several passages share a section (FAQ entries)."""
    section = intent.source.section if intent.source else ""
    return f"{section} | {intent.question}"


@dataclass
class MergeReport:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    curated: list[str] = field(default_factory=list)          # staff answers kept as they are
    conflicts: list[str] = field(default_factory=list)        # staff answers whose document text changed
    kept_deleted: list[str] = field(default_factory=list)     # passages staff deleted, not added back
    hand_written: list[str] = field(default_factory=list)     # staff's own intents, kept

    def total(self) -> int:
        return len(self.added) + len(self.changed) + len(self.unchanged) + len(self.curated) \
            + len(self.conflicts) + len(self.hand_written)


def merge(curated: list[Intent], extracted: list[Intent], previously_extracted: list[str] | None = None
          ) -> tuple[list[Intent], MergeReport]:
    """Refresh curated intents from a new extraction (see the module docstring).

    Each extracted intent is paired with a curated one, in passes from the safest clue to the
    weakest: the same question; the same id (staff may have reworded the question); the same
    source section, only when that section is a single intent on both sides (a relabelled
    section). A guess by position would risk giving one question another's answer."""
    report = MergeReport()
    previously = set(previously_extracted or [])
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
        if intent.source and intent.id not in used:
            curated_sections.setdefault((intent.source.file, intent.source.section), []).append(intent)
    extracted_sections = Counter((n.source.file, n.source.section) for n in extracted if n.source)
    for index, new in enumerate(extracted):
        if new.source and index not in paired:
            key = (new.source.file, new.source.section)
            candidates = curated_sections.get(key, [])
            if len(candidates) == 1 and extracted_sections[key] == 1:
                pair(index, candidates[0])
    taken = {i.id for i in curated}
    result: list[Intent] = []
    placed: set[str] = set()
    for index, new in enumerate(extracted):
        old = paired.get(index)
        if old is None:
            if extraction_key(new) in previously:
                report.kept_deleted.append(new.id)
                continue
            new_id, number = new.id, 2
            while new_id in taken:
                new_id, number = f"{new.id}-{number}", number + 1
            taken.add(new_id)
            result.append(replace(new, id=new_id))
            report.added.append(new_id)
            continue
        placed.add(old.id)
        if old.source is not None and old.source.digest and edited(old):
            # Staff's answer: kept. Conflict when the document's text there changed as well.
            refreshed = replace(old, topic=new.topic, source=replace(new.source, digest=old.source.digest))
            (report.conflicts if old.source.digest != new.source.digest else report.curated).append(old.id)
            result.append(refreshed)
            continue
        refreshed = replace(old, answer=new.answer, topic=new.topic, source=new.source)
        if (old.answer.strip(), old.topic, old.source) != (new.answer.strip(), new.topic, new.source):
            report.changed.append(old.id)
        else:
            report.unchanged.append(old.id)
        result.append(refreshed)
    # Curated intents extraction did not pair: staff's own are kept in their place; extracted
    # ones whose passage left the document are removed, unless staff edited them.
    for position, intent in enumerate(curated):
        if intent.id in placed:
            continue
        if intent.source is None or not intent.source.digest:
            report.hand_written.append(intent.id)
        elif edited(intent):
            report.conflicts.append(intent.id)
        else:
            report.removed.append(intent.id)
            continue
        result.insert(_position_after(result, curated, position), intent)
        placed.add(intent.id)
    return result, report


def _position_after(result: list[Intent], curated: list[Intent], position: int) -> int:
    """Where a kept curated intent goes: right after the curated intent that preceded it."""
    for earlier in reversed(curated[:position]):
        for index, intent in enumerate(result):
            if intent.id == earlier.id:
                return index + 1
    return 0
