"""Write intents folders: from documents (extract, merging with curated work), from FAQ tables
(import) and from the bundled intents (init). Nothing here prints: each writer returns what it
did (or, on a dry run, what it would do, as diffs) for the command line to show.

Ids are derived from the document's subject and the passage's section kind
("amlodipine-missed-dose"), so they read well and stay the same when a document is extracted
again; two documents with the same subject are told apart by their file names, deterministically
(documents are read in name order). bot.yaml's disclaimer belongs to staff: extraction writes
bot.yaml only when there is none, proposing the documents' disclaimer when they agree on one and
faqbot's own otherwise, never a join of several. The subjects' other names (brand names, "also
known as") become synonym groups in lexicon.yaml, so "keppra" finds the levetiracetam page;
groups staff wrote are never changed.
"""

from __future__ import annotations

import copy
import difflib
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..content.curation import MergeReport, digest, extraction_key, merge
from ..content.lexicon import bundled_brand_names, lay_terms_file
from ..content.intents import (Intent, RESERVED_FILES, Source, bundled_intents, intent_files, load_bot_settings,
                               load_extracted, load_file)
from ..content.rules import DEFAULT_DISCLAIMER
from ..content.saving import dump_yaml, render_bot_settings, render_intent_file
from ..errors import DataFileError, FaqbotError
from ..files import write_atomic
from ..language.normalise import tokenize
from ..language.words import STOPWORDS
from ..yamlfile import read_text
from . import redflags
from .extract import Document, Pair, extract_document, find_documents
from .faq_import import faq_intents

LEXICON_HEADER = """\
Synonyms and lay terms. Each group lists words or phrases patients use for one idea; the first
entry is the canonical term. It started as faqbot's general lay terms; `faqbot extract` adds a
group for each document's subject and its other names (brand names, "also known as") and never
changes a group that is already here. Edit freely.
"""


@dataclass
class FileReport:
    path: Path
    document: Path
    topic: str
    report: MergeReport
    diff: str = ""


@dataclass
class ExtractReport:
    files: list[FileReport]
    bot: str                 # what happened to bot.yaml, one line
    lexicon: str = ""        # what happened to lexicon.yaml, one line ('' when nothing to do)
    diffs: list[str] = field(default_factory=list)   # dry run: unified diffs of every file
    safety: list[str] = field(default_factory=list)   # what happened to safety.yaml, and signs left out
    # each intent file written, with its document's passages as extraction found them (for the
    # check a large folder remembers: integrity.check_written); empty on a dry run
    passages: dict[Path, list[Pair]] = field(default_factory=dict)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


class _Ids:
    """Unique ids in linear time: the first use of a base is the base, then base-2, base-3..."""

    def __init__(self, taken: set[str] | None = None):
        self.taken = set(taken or ())
        self.next_number: Counter = Counter()

    def claim(self, base: str) -> str:
        candidate = base
        while candidate in self.taken:
            self.next_number[base] = max(self.next_number[base], 1) + 1
            candidate = f"{base}-{self.next_number[base]}"
        self.taken.add(candidate)
        return candidate


def _id_base(prefix: str, question: str, subject: str, kind: str = "") -> str:
    if kind:
        return f"{prefix}-{kind}"
    prefix_words = set(prefix.split("-")) | set(tokenize(subject))
    words = [w for w in tokenize(question) if w not in STOPWORDS and w not in prefix_words and w.isalnum()]
    return "-".join([prefix] + words[:4]) if words else prefix


def document_intents(document: Document, prefix: str | None = None, ids: _Ids | None = None) -> list[Intent]:
    prefix = prefix or slug(document.subject) or "doc"
    ids = ids or _Ids()
    intents = []
    for pair in document.pairs:
        source = Source(document.path.name, pair.section, pair.lines, digest(pair.answer))
        kind = pair.section_kind if pair.kind not in ("faq", "qa") else ""
        base = _id_base(prefix, pair.question, document.subject, kind)
        intents.append(Intent(ids.claim(base), pair.question, pair.answer, document.subject,
                              list(pair.examples), source))
    return intents


def _prefixes(documents: list[Document], into: Path) -> dict[Path, str]:
    """One id prefix per document: its subject, or subject and file name when subjects repeat."""
    counts = Counter(slug(d.subject) or "doc" for d in documents)
    prefixes = {}
    for document in documents:
        base = slug(document.subject) or "doc"
        stem = slug(document.path.stem)
        prefixes[document.path] = base if counts[base] == 1 else stem if stem.startswith(base) else f"{base}-{stem}"
    return prefixes


def _other_ids(into: Path, own: set[Path]) -> set[str]:
    """Ids used by intent files of this folder that this extraction does not write."""
    taken: set[str] = set()
    if into.is_dir():
        for path in intent_files(into):
            if path not in own:
                try:
                    taken |= {i.id for i in load_file(path)}
                except DataFileError:
                    pass
    return taken


def extract_into(documents: Path, into: Path, dry_run: bool = False) -> ExtractReport:
    """Extract every document into ``into/<document stem>.yaml``, keeping curated work (see
    content/curation.py); bot.yaml is written only when missing, lexicon.yaml gains groups for
    new subjects' names. With ``dry_run`` nothing is written: the report carries the diffs."""
    into = Path(into)
    if into.exists() and not into.is_dir():
        raise DataFileError(into, None, "is not a folder")
    parsed = [extract_document(path) for path in find_documents(Path(documents))]
    # The passages as extraction found them, before assembling intents touches any list.
    found = {document.path: copy.deepcopy(document.pairs) for document in parsed}
    prefixes = _prefixes(parsed, into)
    targets = {document.path: into / f"{document.path.stem}.yaml" for document in parsed}
    _check_target_names(parsed, targets)
    ids = _Ids(_other_ids(into, set(targets.values())))
    writes: list[tuple[Path, str]] = []
    reports = []
    sees = {}
    for document in parsed:
        target = targets[document.path]
        curated = load_file(target) if target.exists() else []
        previously = load_extracted(target) if target.exists() else []
        new = document_intents(document, prefixes[document.path], ids)
        merged, report = merge(curated, new, previously)
        relative = os.path.relpath(document.path.resolve(), into.resolve())
        extracted = [extraction_key(i) for i in new]
        text = render_intent_file(merged, relative, extracted, _current(target))
        writes.append((target, text))
        reports.append(FileReport(target, document.path, document.subject, report))
        sees[document.path] = _passage_intents(new, merged)
    bot_line, bot_write = _proposed_bot(into, parsed)
    if bot_write:
        writes.append(bot_write)
    lexicon_line, lexicon_write = _lexicon_names(into, parsed)
    if lexicon_write:
        writes.append(lexicon_write)
    safety_lines, safety_write = _safety_rules(into, parsed, prefixes, sees)
    if safety_write:
        writes.append(safety_write)
    diffs = [_diff(path, text) for path, text in writes]
    if not dry_run:
        into.mkdir(parents=True, exist_ok=True)
        for path, text in writes:
            if _current(path) != text:
                write_atomic(path, text)
    return ExtractReport(reports, bot_line, lexicon_line, [d for d in diffs if d], safety=safety_lines,
                         passages={} if dry_run else {targets[d.path]: found[d.path] for d in parsed})


def _passage_intents(new: list[Intent], merged: list[Intent]):
    """line -> [the id of the intent whose passage holds that line of the document], for a red
    flag's ``see``; nothing when staff deleted that intent."""
    kept = {(i.source.file, i.source.section, tuple(i.source.lines or ())): i.id for i in merged if i.source}
    spans = []
    for intent in new:
        if intent.source and intent.source.lines:
            found = kept.get((intent.source.file, intent.source.section, tuple(intent.source.lines)))
            if found:
                spans.append((intent.source.lines[0], intent.source.lines[1], found))

    def see(line: int) -> list[str]:
        holding = [(end - start, start, found) for start, end, found in spans if start <= line <= end]
        return [min(holding)[2]] if holding else []
    return see


def _safety_rules(into: Path, parsed: list[Document], prefixes: dict[Path, str], sees) -> tuple[list[str], tuple[Path, str] | None]:
    """safety.yaml: the documents' own red flags (authoring/redflags.py), merged by rule id with
    what is there, so staff's edits, deletions and own rules survive."""
    path = into / "safety.yaml"
    current = _current(path)
    if path.exists():
        from ..content.rules import SafetyRules

        SafetyRules.load(path, None, message_required=False)   # still must be valid
    taken = redflags.taken_ids(current)
    drafts, skipped = [], []
    subjects = {d.subject.lower() for d in parsed}
    for document in parsed:
        made, left_out = redflags.rules_for(document.red_flags, document.plain_sentences, document.subject,
                                            document.path.name, prefixes[document.path], sees[document.path], taken,
                                            document.names, subjects - {document.subject.lower()})
        drafts += made
        skipped += left_out
    drafts, covered = redflags.settle_cases(drafts)
    skipped += covered
    text, report = redflags.merge_safety(current, drafts)
    if text is None and current is not None:
        return [f"{path}: kept (could not be read back with its comments); "
                f"{len(drafts)} red flags from the documents not added"], None
    if text == current:
        text = None
    lines = []
    counts = [f"{len(getattr(report, key))} {label}" for key, label in
              (("added", "added"), ("changed", "changed"), ("unchanged", "unchanged"), ("curated", "edited by you, kept"),
               ("kept_deleted", "deleted by you, not added back"), ("removed", "removed")) if getattr(report, key)]
    if drafts or counts:
        mine = f"; your {report.hand_written} own rules kept" if report.hand_written else ""
        verb = "written" if current is None else "updated" if text is not None else "unchanged"
        lines.append(f"{path}: {verb}, {len(drafts)} red flags from the documents' urgent passages "
                     f"({', '.join(counts) or 'none'}){mine}")
    lines += [f"  not a rule: {line}" for line in skipped]
    return lines, ((path, text) if text is not None else None)


def _check_target_names(parsed: list[Document], targets: dict[Path, Path]) -> None:
    seen: dict[Path, Path] = {}
    for document in parsed:
        target = targets[document.path]
        if target.name in RESERVED_FILES:
            raise DataFileError(document.path, None, f"would be written as {target.name}, a reserved file; rename the document")
        if target in seen:
            raise DataFileError(document.path, None, f"has the same name as {seen[target].name}: both would be "
                                                     f"written to {target.name}; rename one")
        seen[target] = document.path


def _current(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8") if path.is_file() else None
    except (OSError, UnicodeDecodeError):
        return None


def _diff(path: Path, text: str) -> str:
    old = _current(path)
    if old == text:
        return ""
    lines = difflib.unified_diff((old or "").splitlines(keepends=True), text.splitlines(keepends=True),
                                 fromfile=str(path) if old is not None else "/dev/null", tofile=str(path))
    return "".join(lines)


def _proposed_bot(into: Path, parsed: list[Document]) -> tuple[str, tuple[Path, str] | None]:
    """bot.yaml is staff's once it exists; when missing, propose one disclaimer, never a join."""
    bot_file = into / "bot.yaml"
    if bot_file.exists():
        load_bot_settings(bot_file)   # still must be valid
        return f"{bot_file}: kept (the disclaimer is yours; extraction never changes it)", None
    texts = []
    for document in parsed:
        text = " ".join(document.disclaimer)
        if text and text not in texts:
            texts.append(text)
    if len(texts) == 1:
        where = parsed[[" ".join(d.disclaimer) for d in parsed].index(texts[0])].path.name
        line = f"{bot_file}: written with the disclaimer of {where}; review it"
        disclaimer = texts[0]
    else:
        why = f"the documents have {len(texts)} different disclaimers" if texts else "no document has a disclaimer"
        line = f"{bot_file}: written with faqbot's own disclaimer ({why}); review it"
        disclaimer = DEFAULT_DISCLAIMER
    return line, (bot_file, render_bot_settings(disclaimer))


def _lexicon_names(into: Path, parsed: list[Document]) -> tuple[str, tuple[Path, str] | None]:
    """Synonym groups [subject, other names...] for subjects that have other names and no group
    yet: the names the documents give, then the bundled brand names of the subject
    (content/brand-names.yaml); and the bundled group of every other medicine the documents
    mention ("do not take with ibuprofen": Nurofen is ibuprofen)."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    from ..content.saving import _round_trip

    path = into / "lexicon.yaml"
    brands = bundled_brand_names()
    subjects = {" ".join(tokenize(d.subject)) for d in parsed}
    wanted = [[d.subject, *d.names, *brands.get(" ".join(tokenize(d.subject)), [])] for d in parsed]
    wanted = [group for group in wanted if len(group) > 1]
    mentioned = _medicines_mentioned(parsed, [generic for generic in brands if generic not in subjects])
    wanted += [[generic, *brands[generic]] for generic in mentioned]
    current = _current(path)
    if not wanted and current is not None:
        return "", None
    if current is not None:
        from ..content.lexicon import load_lexicon

        known = {" ".join(tokenize(term)) for group in load_lexicon(path).groups for term in group}
        data = _round_trip(current)
        if data is None:
            return f"{path}: kept (not rewritten: could not be read back with its comments)", None
    else:
        # A new folder starts with the general lay terms (content/lay-terms.yaml), then names.
        data = _round_trip(read_text(lay_terms_file()))
        data.yaml_set_start_comment(LEXICON_HEADER)
        known = {" ".join(tokenize(str(term))) for group in data["synonyms"] for term in group}
    groups = data.get("synonyms")
    if not isinstance(groups, list):
        groups = CommentedSeq()
        data["synonyms"] = groups
    added = []
    for group in wanted:
        if " ".join(tokenize(group[0])) in known:
            continue
        names, seen = [], set(known)
        for name in group:                  # once each (a page and the brand table may both name it)
            key = " ".join(tokenize(name))
            if key not in seen:
                seen.add(key)
                names.append(name)
        if len(names) < 2:
            continue
        seq = CommentedSeq(names)
        seq.fa.set_flow_style()
        groups.append(seq)
        known |= {" ".join(tokenize(n)) for n in names}
        added.append(group[0])
    if current is None:
        names = f", with the names of {', '.join(added)}" if added else ""
        return f"{path}: written with faqbot's lay terms{names}; edit it freely", (path, dump_yaml(data))
    if not added:
        return "", None
    return f"{path}: names added for {', '.join(added)}", (path, dump_yaml(data))


def _medicines_mentioned(parsed: list[Document], generics: list[str]) -> list[str]:
    """The generic names (tokenised) any document's answers mention, in the table's order."""
    texts = ["\n".join(pair.answer.lower() for pair in document.pairs) for document in parsed]
    words = {word for text in texts for word in re.findall(r"[a-z0-9]+", text)}
    found = []
    for generic in generics:
        parts = generic.split()
        if all(part in words for part in parts) and (len(parts) == 1 or any(
                re.search(r"\b" + r"\W+".join(map(re.escape, parts)) + r"\b", text) for text in texts)):
            found.append(generic)
    return found


def import_into(table: Path, into: Path, topic: str | None = None, replace: bool = False,
                dry_run: bool = False) -> tuple[Path, MergeReport, str]:
    """Import an FAQ table as ``into/<table stem>.yaml`` (merged like extraction) with a bot.yaml.

    Importing over a file whose intents would be lost (removed, or curated answers replaced) is
    refused, naming them, unless ``replace`` is given."""
    into = Path(into)
    if into.exists() and not into.is_dir():
        raise DataFileError(into, None, "is not a folder")
    new = faq_intents(Path(table), topic)
    target = into / f"{Path(table).stem}.yaml"
    if target.name in RESERVED_FILES:
        raise DataFileError(table, None, f"would be written as {target.name}, a reserved file; rename the table")
    curated = load_file(target) if target.exists() else []
    for intent in new:
        intent.source = Source(intent.source.file, intent.source.section, intent.source.lines, digest(intent.answer))
    merged, report = merge(curated, new)
    at_risk = report.removed + report.conflicts + report.curated + report.hand_written
    if curated and at_risk and not replace:
        raise FaqbotError(f"{target}: holds {len(curated)} intents; importing {Path(table).name} would drop or "
                          f"override {len(at_risk)} of them ({', '.join(at_risk[:10])}"
                          f"{', ...' if len(at_risk) > 10 else ''}). Nothing was written; give --replace to "
                          "replace them, or import into another folder")
    if replace:
        # The table is the truth: curated answers and intents it no longer has go.
        merged = [i for i in merged if i.id not in set(report.hand_written + report.conflicts)]
        by_id = {i.id: i for i in new}
        merged = [i if i.id not in report.curated else by_id.get(i.id, i) for i in merged]
    text = render_intent_file(merged, None, None, _current(target))
    writes = [(target, text)]
    if not (into / "bot.yaml").exists():
        writes.append((into / "bot.yaml", render_bot_settings(DEFAULT_DISCLAIMER)))
    diff = "".join(_diff(path, t) for path, t in writes)
    if not dry_run:
        into.mkdir(parents=True, exist_ok=True)
        for path, t in writes:
            write_atomic(path, t)
    return target, report, diff


def init_folder(target: Path, documents: Path | None = None) -> list[Path]:
    """Create an editable intents folder: a copy of the bundled one, or extracted from documents.
    Refuses a folder that already holds anything, so nothing staff wrote is overwritten."""
    target = Path(target)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise FaqbotError(f"{target}: already exists and is not empty; give a new folder name")
    if documents is not None:
        extract_into(documents, target)
        return sorted(target.iterdir())
    source = bundled_intents()
    written = []
    target.mkdir(parents=True, exist_ok=True)
    documents_copy = target / "documents"
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source)
        destination = target / relative
        if path.is_dir():
            destination.mkdir(exist_ok=True)
            continue
        if path.suffix not in (".yaml", ".yml"):
            continue
        text = read_text(path)
        if path.parent == source and path.name not in RESERVED_FILES:
            # The bundled files name their documents relative to the package: the copy gets the
            # documents beside it, so `faqbot check` and `faqbot extract` keep working on it.
            match = re.search(r"^document: (.+)$", text, re.M)
            if match:
                document = (path.parent / match.group(1).strip()).resolve()
                if document.is_file():
                    documents_copy.mkdir(exist_ok=True)
                    write_atomic(documents_copy / document.name, read_text(document))
                    written.append(documents_copy / document.name)
                    text = text.replace(match.group(0), f"document: documents/{document.name}", 1)
        destination.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(destination, text)
        written.append(destination)
    return written
