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

At the scale of a whole site (6,500 documents) re-extracting every document at every check took
minutes. ``check_folder_remembering`` takes what the last check remembered (``Remembered``: per
intent file, the content hashes of the file and of its document, with the findings) and does
again only what changed: an intent file and document both unchanged give the same findings
without being read past their hash; any other file is compared with its document extracted now
(one extraction per changed file: what staff edit is a few files, and remembering every
document's passages instead cost a 73 MB read at every check of a site). ``faqbot extract``
remembers the check of every file it writes (``check_written``), so the first check after an
extraction extracts nothing. Findings are a pure function of those bytes and faqbot's code, so
the caller keeps a ``Remembered`` only as long as the code that makes them is the same: ``CODE``,
the parts of faqbot a check runs (this layer and those it may import; tests hold that boundary),
so a change to ranking, triage or a front end keeps what the last check found (the compiled
cache keys it by ``code_fingerprint(CODE)``).

A check is given the folder as loading read it (``loaded``: the Bot's ``IntentSet``, from the
compiled index or the YAML just parsed for the Bot): each file's intents and its ``document`` and
``extracted`` keys come from there, so no intent file is parsed twice. A document is extracted
with ``extract_passages``: the passages compared, without the phrasings and red flags only
extraction writes.

The files that must be checked again are independent of one another, so with ``jobs`` above 1
(and at least ``PARALLEL_MIN_FILES`` of them: forking costs more than a few documents) they are
checked by this process and ``jobs - 1`` worker processes forked from it (which inherit the
loaded folder), in chunks, and their checks put back in file order: the same findings and the
same ``Remembered`` as one process gives. Forking fewer copies of this process keeps a site's
check within its memory: each worker's resident pages count again.
"""

from __future__ import annotations

import difflib
import hashlib
import multiprocessing
import os
import re
import signal
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import DataFileError
from ..files import read_bounded
from ..workers import IGNORED_IN_WORKERS, begin_worker
from .extract import Pair, extract_passages
from ..content.curation import digest, edited, extraction_key
from ..content.intents import Intent, IntentFile, IntentSet, intent_file_record, intent_files, load_file
from ..yamlfile import LineDict, load_yaml

CODE = ("authoring", "content", "language", "errors.py", "display.py", "files.py", "yamlfile.py", "patterns.py",
        "workers.py", "__init__.py")
"""The parts of the package whose code the findings depend on: authoring and the layers it may
import (tests/unit/test_architecture.py), with the package's version."""
PARALLEL_MIN_FILES = 64   # fewer files to check again than this: one process (a fork costs more)
CHUNK_FILES = 32          # files per task handed to a worker

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


@dataclass(frozen=True)
class FileCheck:
    """One intent file's check, and the bytes it was made from."""

    file_hash: bytes
    document: str | None          # the document's path as the check read it; None: the file names none
    document_hash: bytes | None   # None: the document could not be read
    findings: tuple[Finding, ...]


@dataclass
class Remembered:
    """What a check found, for the next check (see the module docstring), keyed by the intent
    files' paths as given: the findings name files that way."""

    files: dict[str, FileCheck] = field(default_factory=dict)

    def with_checks(self, checks: dict[str, FileCheck]) -> "Remembered":
        """This memory and the checks ``faqbot extract`` just made of the files it wrote (newer
        ones win): the first check after an extraction extracts nothing."""
        return Remembered({**self.files, **checks})


Loaded = dict[str, tuple[IntentFile, list[Intent]]]
"""An intents folder as loading read it: per file name, its other keys and its intents in order."""


def loaded_files(intent_set: IntentSet | None) -> Loaded:
    """``intent_set`` by file (empty when it records no files: each file is then parsed)."""
    if intent_set is None or not intent_set.files:
        return {}
    by_name: Loaded = {record.name: (record, []) for record in intent_set.files}
    for intent in intent_set.intents:
        entry = by_name.get(intent.path.name) if intent.path is not None else None
        if entry is None:
            return {}       # an intent from no recorded file: this set is not one folder's load
        entry[1].append(intent)
    return by_name


def document_key(intent_file: Path, relative: str) -> str:
    """How a check names the document an intent file's ``document:`` points to (the path as the
    folder was given, normalised)."""
    return str(Path(os.path.normpath(Path(intent_file).parent / relative)))


def check_folder(folder: Path) -> list[Finding]:
    """Findings for every intent file of a folder that names its document."""
    return check_folder_remembering(folder, None)[0]


def check_folder_remembering(folder: Path, remembered: Remembered | None, jobs: int = 1,
                             loaded: IntentSet | None = None) -> tuple[list[Finding], Remembered]:
    """``check_folder``'s findings, doing again only what changed since ``remembered`` (the
    ``Remembered`` of an earlier check with the same faqbot, or None), and what to remember now;
    ``jobs``: processes to check the changed files with; ``loaded``: the folder as the Bot loaded
    it (see the module docstring), else each file checked is parsed."""
    previous = remembered if remembered is not None else Remembered()
    now = Remembered()
    checks: list[FileCheck | None] = []
    again: list[tuple[int, Path, bytes | None]] = []
    paths = intent_files(Path(folder))
    for path in paths:
        file_hash = content_hash(path)
        old = previous.files.get(str(path))
        if file_hash is not None and old is not None and old.file_hash == file_hash and (
                old.document is None or content_hash(Path(old.document)) == old.document_hash):
            checks.append(old)
        else:
            checks.append(None)
            again.append((len(checks) - 1, path, file_hash))
    if again:
        for (index, _, _), check in zip(again, _checked(again, loaded_files(loaded), jobs)):
            checks[index] = check
    findings: list[Finding] = []
    for path, check in zip(paths, checks):
        now.files[str(path)] = check
        findings += check.findings
    return findings, now


def _checked(files: list[tuple[int, Path, bytes | None]], loaded: Loaded, jobs: int) -> list[FileCheck]:
    """Each file's check, in the order given: here, or for many files (where fork exists) by
    this process and ``jobs - 1`` forked workers, chunk by chunk."""
    work = [(path, file_hash) for _, path, file_hash in files]
    if jobs < 2 or len(work) < PARALLEL_MIN_FILES or "fork" not in multiprocessing.get_all_start_methods():
        return _check_files(work, loaded)
    chunks = [work[start:start + CHUNK_FILES] for start in range(0, len(work), CHUNK_FILES)]
    # Blocked while the workers are forked (they inherit the mask, then ignore these signals):
    # Ctrl-C or a hang-up reaches this process only, which cancels what is queued.
    previous_mask = signal.pthread_sigmask(signal.SIG_BLOCK, set(IGNORED_IN_WORKERS))
    try:
        pool = ProcessPoolExecutor(jobs - 1, mp_context=multiprocessing.get_context("fork"),
                                   initializer=_start_worker, initargs=(loaded,))
        futures = {number: pool.submit(_check_files, chunk) for number, chunk in enumerate(chunks)
                   if number % jobs}
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous_mask)
    try:
        # This process takes every jobs-th chunk itself, then collects the workers' in order.
        mine = {number: _check_files(chunk, loaded) for number, chunk in enumerate(chunks) if not number % jobs}
        return [check for number in range(len(chunks))
                for check in (mine[number] if number in mine else futures[number].result())]
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


_worker_loaded: Loaded = {}


def _start_worker(loaded: Loaded) -> None:
    global _worker_loaded
    begin_worker()
    _worker_loaded = loaded      # inherited through the fork, not pickled


def _check_files(work: list[tuple[Path, bytes | None]], loaded: Loaded | None = None) -> list[FileCheck]:
    loaded = _worker_loaded if loaded is None else loaded
    return [_check_file(path, file_hash, loaded.get(path.name)) for path, file_hash in work]


def check_file(path: Path) -> list[Finding]:
    """Compare the intents of one file with a fresh extraction of its ``document:``."""
    return list(_check_file(Path(path), None, None).findings)


def check_written(path: Path, pairs: list[Pair]) -> FileCheck:
    """The check of an intent file extraction has just written from ``pairs`` (its document's
    passages as ``extract_document`` found them, before anything touched them), as a check
    would make it now, without extracting the document again."""
    return _check_file(Path(path), content_hash(path), None, pairs)


def _check_file(path: Path, file_hash: bytes | None, loaded: tuple[IntentFile, list[Intent]] | None,
                pairs: list[Pair] | None = None) -> FileCheck:
    """One file's check: its intents (``loaded``, else the file parsed) against its document,
    extracted now unless its ``pairs`` are given."""
    data = None
    if loaded is not None:
        record, intents = loaded
    else:
        data = load_yaml(path)
        if not isinstance(data, LineDict) or not isinstance(data.get("document"), str):
            return FileCheck(file_hash, None, None, ())
        record, intents = intent_file_record(path, data), None
    if record.document is None:
        return FileCheck(file_hash, None, None, ())
    relative = record.document
    document = Path(document_key(path, relative))
    document_hash = content_hash(document)
    if pairs is None:
        try:
            pairs = extract_passages(document)
        except DataFileError as exc:
            finding = Finding(path, record.document_line, None, f"document '{relative}': {exc.message}")
            return FileCheck(file_hash, str(document), document_hash, (finding,))
    if intents is None:
        intents = load_file(path, data=data)
    findings = _compare_file(path, record, intents, document, pairs)
    return FileCheck(file_hash, str(document), document_hash, tuple(findings))


def content_hash(path: Path) -> bytes | None:
    try:
        return hashlib.blake2b(read_bounded(path, streams=False), digest_size=16).digest()
    except (OSError, DataFileError):
        return None


def _compare_file(path: Path, record: IntentFile, intents: list[Intent], document: Path,
                  pairs: list[Pair]) -> list[Finding]:
    """The findings of one intent file (its intents and other keys) against its document's pairs."""
    findings: list[Finding] = []
    located: set[int] = set()
    document_text = comparable(" ".join(p.answer for p in pairs))
    # Each passage's answer as compared, once: every intent of the file is looked for among them.
    answers = {id(p): comparable(p.answer) for p in pairs}
    answered = {extraction_key(i) for i in intents}
    deleted = set(record.extracted_list(path)) - answered
    for intent in intents:
        if intent.source is None:
            continue
        if intent.source.file != document.name:
            findings.append(Finding(path, intent.line, intent.id, f"source file '{intent.source.file}' "
                                    f"is not this file's document '{document.name}'"))
            continue
        pair = _locate(intent, pairs, answers)
        if pair is not None:
            located.add(id(pair))
        finding = _compare(path, intent, pair, document, document_text, answers)
        if finding is not None:
            findings.append(finding)
    for pair in pairs:
        if id(pair) in located or f"{pair.section} | {pair.question}" in deleted:
            continue
        findings.append(Finding(path, record.document_line, None,
                                f"{_place(document, pair.lines)} (section \"{pair.section}\") is in the "
                                "document but no intent answers from it", drift=False))
    return findings


def comparable(text: str) -> str:
    """Text as compared: list markers dropped and whitespace collapsed, nothing else, so that a
    changed letter, number, punctuation mark or control character all count as a change."""
    return " ".join(_LIST_MARKER.sub("", text).split())


def _locate(intent: Intent, pairs: list[Pair], answers: dict[int, str]) -> Pair | None:
    """The freshly extracted pair the intent was copied from, or None when it is gone.

    In order: the same text anywhere, nearest the recorded lines first (unchanged, or moved);
    then, in the same section, the same question (an FAQ entry whose answer changed), the same
    lines, or the range that overlaps the recorded one most (a section that grew or shrank).
    """
    source = intent.source
    wanted = comparable(intent.answer)
    same_text = [p for p in pairs if answers[id(p)] == wanted]
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


def _compare(path: Path, intent: Intent, pair: Pair | None, document: Path, document_text: str,
             answers: dict[int, str]) -> Finding | None:
    """``answers``: each passage's answer as compared (``comparable``), by id."""
    source = intent.source
    answer = comparable(intent.answer)
    current = answers[id(pair)] if pair is not None else None
    recorded = _place(document, source.lines)
    if source.digest and edited(intent):
        if pair is not None and digest(pair.answer) == source.digest:
            return Finding(path, intent.line, intent.id, "curated: your edited answer is kept; the document is "
                           f"unchanged at {_place(document, pair.lines)}", drift=False)
        where = f"at {_place(document, pair.lines)}" if pair is not None else f"(section \"{source.section}\" is gone)"
        return Finding(path, intent.line, intent.id, f"the document changed where your edited answer came from "
                       f"{where}: review the answer, then delete its 'digest' line or re-run 'faqbot extract'")
    if not source.digest and (pair is None or current != answer) \
            and _all_in_document(intent.answer, document_text):
        return Finding(path, intent.line, intent.id, "curated: every paragraph of this answer is text of the "
                       "document", drift=False)
    if pair is None:
        return Finding(path, intent.line, intent.id,
                       f"section \"{source.section}\" ({recorded}) is no longer in the document")
    if current != answer:
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
