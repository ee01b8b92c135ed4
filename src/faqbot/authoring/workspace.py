"""Write intents folders: from documents (extract, merging with curated work) and FAQ tables (import)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import DataFileError
from .extract import Document, extract_document, find_documents
from .faq_import import faq_intents
from ..content.intents import Intent, Source, load_bot_settings, load_file
from ..content.curation import MergeReport, merge
from ..content.saving import save_bot_settings, save_file
from ..content.rules import DEFAULT_DISCLAIMER
from ..language.words import STOPWORDS
from ..language.normalise import tokenize


@dataclass
class FileReport:
    path: Path
    document: Path
    topic: str
    report: MergeReport


def intent_id(prefix: str, question: str, taken: set[str], subject: str = "") -> str:
    """A readable, stable id from a question's content words: 'valproate-drink-alcohol'."""
    prefix_words = set(prefix.split("-")) | set(tokenize(subject))
    words = [w for w in tokenize(question) if w not in STOPWORDS and w not in prefix_words and w.isalnum()]
    base = "-".join([prefix] + words[:4]) if words else prefix
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    taken.add(candidate)
    return candidate


def document_intents(document: Document) -> list[Intent]:
    prefix = re.sub(r"[^a-z0-9]+", "-", document.subject.split()[-1].lower()).strip("-") or "doc"
    taken: set[str] = set()
    intents = []
    for pair in document.pairs:
        source = Source(document.path.name, pair.section, pair.lines)
        intents.append(Intent(intent_id(prefix, pair.question, taken, document.subject), pair.question, pair.answer,
                              document.subject, list(pair.examples), source))
    return intents


def extract_into(documents: Path, into: Path) -> list[FileReport]:
    """Extract every document into ``into/<document stem>.yaml``, keeping curated ids and examples,
    and refresh the disclaimer in bot.yaml from the documents' disclaimer and note."""
    into = Path(into)
    if into.exists() and not into.is_dir():
        raise DataFileError(into, None, "is not a folder")
    parsed = [extract_document(path) for path in find_documents(Path(documents))]
    reports = []
    for document in parsed:
        target = into / f"{document.path.stem}.yaml"
        curated = load_file(target) if target.exists() else []
        merged, report = merge(curated, document_intents(document))
        relative = os.path.relpath(document.path.resolve(), into.resolve())
        save_file(target, merged, document=relative)
        reports.append(FileReport(target, document.path, document.subject, report))
    disclaimer_parts = []
    for document in parsed:
        for part in document.disclaimer:
            if part and part not in disclaimer_parts:
                disclaimer_parts.append(part)
    bot_file = into / "bot.yaml"
    name = load_bot_settings(bot_file)[0] if bot_file.exists() else "faqbot"
    if disclaimer_parts:
        save_bot_settings(bot_file, " ".join(disclaimer_parts), name)
    elif not bot_file.exists():
        save_bot_settings(bot_file, DEFAULT_DISCLAIMER, name)
    return reports


def import_into(table: Path, into: Path, topic: str | None = None) -> tuple[Path, MergeReport]:
    """Import an FAQ table as ``into/<table stem>.yaml`` (merged like extraction) with a bot.yaml."""
    into = Path(into)
    if into.exists() and not into.is_dir():
        raise DataFileError(into, None, "is not a folder")
    new = faq_intents(Path(table), topic)
    target = into / f"{Path(table).stem}.yaml"
    curated = load_file(target) if target.exists() else []
    merged, report = merge(curated, new)
    save_file(target, merged)
    if not (into / "bot.yaml").exists():
        save_bot_settings(into / "bot.yaml", DEFAULT_DISCLAIMER)
    return target, report
