"""Content integrity: does each answer still say what its source document says, where it says it?

Answers are copied out of documents by ``faqbot extract``. When a document is edited afterwards
(a dose corrected, a warning added) the copy goes stale, and a patient would be told the old text.
This module re-extracts each document named by an intent file's ``document:`` key and compares
every intent that has a ``source`` with the content now at its recorded place (section and line
range), ignoring only whitespace and list markers. It returns findings; it never prints.

Staff's curation is told apart from drift: an answer staff edited (it no longer matches the
``digest`` extraction recorded) is a note while the document's text at its place is still what
extraction read (same digest), and drift once the document changed there; an answer with a
source but no digest (split off or written by staff) is a note when every paragraph of it is
text of the document. Passages staff deleted (listed in the file's ``extracted`` record, with
no intent) are not reported as missing.

Intent files without ``document:`` (imported FAQ tables) have nothing to compare with and are
skipped, as are hand-written intents without a ``source``.
"""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import DataFileError
from .extract import Pair, extract_document
from ..content.curation import digest, edited, extraction_key
from ..content.intents import Intent, intent_files, load_extracted, load_file
from ..yamlfile import LineDict, load_yaml

_LIST_MARKER = re.compile(r"^\s*(?:[-*+\u2022\u25cf\u25aa]|\d+[.)])\s+", re.M)


@dataclass(frozen=True)
class Finding:
    """One problem (or, with ``drift`` False, one note) about an intent file and its document."""

    path: Path            # the intent file
    line: int             # the intent's line, or the line of the ``document:`` key
    intent: str | None    # the intent id; None for a problem with the document itself
    message: str
    drift: bool = True    # False: worth knowing, but no answer is wrong (text moved, new content)

    def __str__(self) -> str:
        subject = f"{self.intent}: " if self.intent else ""
        return f"{self.path}:{self.line}: {subject}{self.message}"


def check_folder(folder: Path) -> list[Finding]:
    """Findings for every intent file of a folder that names its document."""
    findings: list[Finding] = []
    for path in intent_files(Path(folder)):
        findings += check_file(path)
    return findings


def check_file(path: Path) -> list[Finding]:
    """Compare the intents of one file with a fresh extraction of its ``document:``."""
    path = Path(path)
    data = load_yaml(path)
    if not isinstance(data, LineDict) or not isinstance(data.get("document"), str):
        return []
    relative = data["document"]
    document = Path(os.path.normpath(path.parent / relative))
    try:
        pairs = extract_document(document).pairs
    except DataFileError as exc:
        return [Finding(path, data.line_of("document"), None, f"document '{relative}': {exc.message}")]
    findings: list[Finding] = []
    located: set[int] = set()
    document_text = comparable(" ".join(p.answer for p in pairs))
    intents = load_file(path)
    answered = {extraction_key(i) for i in intents}
    deleted = set(load_extracted(path)) - answered
    for intent in intents:
        if intent.source is None:
            continue
        if intent.source.file != document.name:
            findings.append(Finding(path, intent.line, intent.id, f"source file '{intent.source.file}' "
                                    f"is not this file's document '{document.name}'"))
            continue
        pair = _locate(intent, pairs)
        if pair is not None:
            located.add(id(pair))
        finding = _compare(path, intent, pair, document, document_text)
        if finding is not None:
            findings.append(finding)
    for pair in pairs:
        if id(pair) in located or f"{pair.section} | {pair.question}" in deleted:
            continue
        findings.append(Finding(path, data.line_of("document"), None,
                                f"{_place(document, pair.lines)} (section \"{pair.section}\") is in the "
                                "document but no intent answers from it", drift=False))
    return findings


def comparable(text: str) -> str:
    """Text as compared: list markers dropped and whitespace collapsed, nothing else, so that a
    changed letter, number, punctuation mark or control character all count as a change."""
    return " ".join(_LIST_MARKER.sub("", text).split())


def _locate(intent: Intent, pairs: list[Pair]) -> Pair | None:
    """The freshly extracted pair the intent was copied from, or None when it is gone.

    In order: the same text anywhere, nearest the recorded lines first (unchanged, or moved);
    then, in the same section, the same question (an FAQ entry whose answer changed), the same
    lines, or the range that overlaps the recorded one most (a section that grew or shrank).
    """
    source = intent.source
    wanted = comparable(intent.answer)
    same_text = [p for p in pairs if comparable(p.answer) == wanted]
    if same_text:
        return min(same_text, key=lambda p: (p.section != source.section, _distance(p.lines, source.lines)))
    same_section = [p for p in pairs if p.section == source.section]
    question = comparable(intent.question)
    for pair in same_section:
        if comparable(pair.question) == question:
            return pair
    for pair in same_section:
        if source.lines is None or pair.lines == source.lines:
            return pair
    overlapping = [p for p in same_section if _overlap(p.lines, source.lines)]
    if overlapping:
        return max(overlapping, key=lambda p: _overlap(p.lines, source.lines))
    return same_section[0] if len(same_section) == 1 else None


def _compare(path: Path, intent: Intent, pair: Pair | None, document: Path, document_text: str) -> Finding | None:
    source = intent.source
    recorded = _place(document, source.lines)
    if source.digest and edited(intent):
        if pair is not None and digest(pair.answer) == source.digest:
            return Finding(path, intent.line, intent.id, "curated: your edited answer is kept; the document is "
                           f"unchanged at {_place(document, pair.lines)}", drift=False)
        where = f"at {_place(document, pair.lines)}" if pair is not None else f"(section \"{source.section}\" is gone)"
        return Finding(path, intent.line, intent.id, f"the document changed where your edited answer came from "
                       f"{where}: review the answer, then delete its 'digest' line or re-run 'faqbot extract'")
    if not source.digest and (pair is None or comparable(pair.answer) != comparable(intent.answer)) \
            and _all_in_document(intent.answer, document_text):
        return Finding(path, intent.line, intent.id, "curated: every paragraph of this answer is text of the "
                       "document", drift=False)
    if pair is None:
        return Finding(path, intent.line, intent.id,
                       f"section \"{source.section}\" ({recorded}) is no longer in the document")
    if comparable(pair.answer) != comparable(intent.answer):
        return Finding(path, intent.line, intent.id,
                       f"the answer no longer matches the document at {_place(document, pair.lines)} "
                       f"(section \"{pair.section}\"): {_difference(intent.answer, pair.answer)}")
    if source.lines and pair.lines != source.lines:
        # The words are still the document's: only the recorded line numbers are out of date.
        return Finding(path, intent.line, intent.id,
                       f"the answer's text moved from {recorded} to {_place(document, pair.lines)}", drift=False)
    return None


def _all_in_document(answer: str, document_text: str) -> bool:
    paragraphs = [comparable(p) for p in re.split(r"\n\s*\n", answer) if p.strip()]
    return bool(paragraphs) and all(p in document_text for p in paragraphs)


def _difference(answer: str, current: str, context: int = 3) -> str:
    """Where two texts that differ (as ``comparable``) first differ, with the words just before,
    short enough for a one-line report."""
    old, new = comparable(answer).split(), comparable(current).split()
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    _, i1, i2, j1, j2 = next(op for op in matcher.get_opcodes() if op[0] != "equal")
    before = " ".join(old[max(0, i1 - context):i1])
    was = " ".join(old[i1:i2][:2 * context]) or "(nothing)"
    now = " ".join(new[j1:j2][:2 * context]) or "(nothing)"
    lead = f"after \"{before}\", " if before else ""
    return f"{lead}the answer has \"{was}\", the document has \"{now}\""


def _place(document: Path, lines: tuple[int, int] | None) -> str:
    if not lines:
        return str(document)
    first, last = lines
    return f"{document}:{first}" if first == last else f"{document}:{first}-{last}"


def _overlap(a: tuple[int, int] | None, b: tuple[int, int] | None) -> int:
    if not a or not b:
        return 0
    return max(0, min(a[1], b[1]) - max(a[0], b[0]) + 1)


def _distance(a: tuple[int, int] | None, b: tuple[int, int] | None) -> int:
    if not a or not b:
        return 0
    return abs(a[0] - b[0])
