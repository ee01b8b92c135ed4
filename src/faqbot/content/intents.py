"""Intents: the curated question-answer pairs the bot answers from, and their YAML files.

An intents folder holds one ``*.yaml`` file per source document, plus three reserved files:
``bot.yaml`` (the disclaimer, required), ``lexicon.yaml`` (synonyms, optional) and ``safety.yaml``
(emergency rules, optional); ``tests/`` holds coverage tests. Loading is strict, because a typo in a
key silently ignored is an answer silently wrong: unknown keys, wrong types, empty answers and
duplicate ids are errors naming the file and line.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field, fields
from functools import cache
from pathlib import Path

from ..errors import DataFileError
from ..yamlfile import LineDict, LineList, excerpt, gc_paused, load_yaml, reject_unknown_keys, type_name

PACKAGE = Path(__file__).parent.parent   # faqbot's own folder, where its package data lives
RESERVED_FILES = {"bot.yaml", "lexicon.yaml", "safety.yaml", "scope.yaml"}
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
INTENT_KEYS = {"id", "question", "examples", "answer", "topic", "source"}
FILE_KEYS = {"document", "intents", "extracted"}
SOURCE_KEYS = {"file", "section", "lines", "digest"}
BOT_KEYS = {"name", "disclaimer", "tuning"}
EXTRACTED_MALFORMED = "'extracted' must be a list of text"


@dataclass(frozen=True)
class TuningOverrides:
    """The ``tuning:`` mapping of a bot.yaml: setting name -> number, with each one's line.

    Checked here as far as this layer knows (a mapping of names to numbers); matching's
    ``Tuning.overridden`` checks the names and ranges, reporting the same file and line."""

    path: Path
    values: dict[str, int | float]
    lines: dict[str, int]

    def __bool__(self) -> bool:
        return bool(self.values)

@dataclass(frozen=True)
class Source:
    """Provenance of an answer: document file, section heading and line range (1-based)."""

    file: str
    section: str
    lines: tuple[int, int] | None = None
    digest: str = ""   # fingerprint of the answer as extraction wrote it (tells staff edits from drift)

    def label(self) -> str:
        return f"{self.file}#{self.section}"

    def __reduce__(self):
        return _positional(self)


@dataclass
class Intent:
    id: str
    question: str
    answer: str
    topic: str
    examples: list[str] = field(default_factory=list)
    source: Source | None = None
    path: Path | None = None  # the file it was loaded from
    line: int = 0

    def __reduce__(self):
        return _positional(self)


@cache
def _init_fields(cls) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls) if f.init)


def _positional(instance):
    """Pickled as a constructor call with positional arguments rather than a state dictionary:
    the compiled index of 77,759 intents unpickled in 40% less time."""
    cls = type(instance)
    return cls, tuple(getattr(instance, name) for name in _init_fields(cls))


@dataclass(frozen=True)
class IntentFile:
    """What an intent file says besides its intents, as loading read it, so that ``faqbot
    check`` compares a file with its document without parsing the file again
    (authoring/integrity.py): its ``document:`` key and its ``extracted`` record, with their lines.
    ``extracted`` is kept as written when it is a list of text; loading does not judge it (check
    reports a malformed one, exactly as ``load_extracted`` does)."""

    name: str                               # the file's name in its folder
    document: str | None                    # the ``document:`` value; None: no such key
    document_line: int
    extracted: tuple[str, ...] | None       # None: no ``extracted`` key (or an empty one)
    extracted_line: int
    extracted_malformed: bool = False       # present but not a list of text

    def extracted_list(self, path: Path) -> list[str]:
        """``load_extracted``'s answer for this file (``path``: the file as it is named now)."""
        if self.extracted_malformed:
            raise DataFileError(path, self.extracted_line, EXTRACTED_MALFORMED)
        return list(self.extracted or ())


@dataclass
class IntentSet:
    """Every intent of a folder, in file order, with the disclaimer that ends every reply."""

    intents: list[Intent]
    disclaimer: str
    folder: Path | None = None
    name: str = "faqbot"
    tuning: TuningOverrides | None = None        # bot.yaml's overrides of matching's Tuning
    files: list[IntentFile] = field(default_factory=list)   # each intent file's other keys, in file order

    def by_id(self) -> dict[str, Intent]:
        return {intent.id: intent for intent in self.intents}

    def topics(self) -> dict[str, list[Intent]]:
        grouped: dict[str, list[Intent]] = {}
        for intent in self.intents:
            grouped.setdefault(intent.topic, []).append(intent)
        return grouped


def bundled_intents() -> Path:
    """The intents folder shipped inside the package."""
    return PACKAGE / "data" / "intents"


def intent_files(folder: Path) -> list[Path]:
    """The intent files of a folder: every ``*.yaml``/``*.yml`` except the reserved ones."""
    return sorted(p for p in folder.iterdir()
                  if p.suffix in (".yaml", ".yml") and p.name not in RESERVED_FILES and not p.name.startswith("."))


def load_folder(folder: Path) -> IntentSet:
    """Load and validate a whole intents folder; any problem raises DataFileError."""
    folder = Path(folder)
    files = _folder_files(folder)
    with gc_paused():
        return _load_files(folder, files)


def _load_files(folder: Path, files: list[Path]) -> IntentSet:
    intents: list[Intent] = []
    records: list[IntentFile] = []
    seen: dict[str, Intent] = {}
    for path in files:
        data = load_yaml(path)
        loaded = load_file(path, data=data)
        records.append(intent_file_record(path, data))
        for intent in loaded:
            first = seen.get(intent.id)
            if first is not None:
                raise DataFileError(path, intent.line,
                                    f"duplicate intent id '{intent.id}' (first defined in {first.path.name}:{first.line})")
            seen[intent.id] = intent
            intents.append(intent)
    if not intents:
        # A bot with nothing to answer would greet patients and then fail every question.
        raise DataFileError(folder, None, "no intents: every intent file here has an empty 'intents' list")
    name, disclaimer, tuning = read_bot_settings(folder / "bot.yaml")
    return IntentSet(intents, disclaimer, folder, name, tuning, records)


def load_bot_settings(path: Path) -> tuple[str, str]:
    """Read bot.yaml: the bot's name and the disclaimer appended to every reply (required)."""
    name, disclaimer, _ = read_bot_settings(path)
    return name, disclaimer


def read_bot_settings(path: Path) -> tuple[str, str, TuningOverrides]:
    """Read bot.yaml: the bot's name, the disclaimer appended to every reply (required) and the
    folder's tuning overrides (optional)."""
    if not path.exists():
        raise DataFileError(path, None, "missing: every intents folder needs a bot.yaml with a disclaimer")
    data = load_yaml(path)
    if not isinstance(data, LineDict):
        raise DataFileError(path, getattr(data, "line", 1), f"expected a mapping with a 'disclaimer', got {type_name(data)}")
    reject_unknown_keys(path, data, BOT_KEYS, "bot.yaml")
    disclaimer = data.get("disclaimer")
    if not isinstance(disclaimer, str) or not disclaimer.strip():
        raise DataFileError(path, data.line_of("disclaimer"), "'disclaimer' must be non-empty text")
    name = data.get("name", "faqbot")
    if not isinstance(name, str) or not name.strip():
        raise DataFileError(path, data.line_of("name"), "'name' must be non-empty text")
    return name.strip(), " ".join(disclaimer.split()), _tuning_overrides(path, data)


def _tuning_overrides(path: Path, data: LineDict) -> TuningOverrides:
    """``tuning:``: a mapping of setting names to numbers (true/false is not a number here)."""
    tuning = data.get("tuning")
    if tuning is None and "tuning" not in data:
        return TuningOverrides(path, {}, {})
    if not isinstance(tuning, LineDict):
        raise DataFileError(path, data.line_of("tuning"),
                            f"'tuning' must be a mapping of setting names to numbers, got {type_name(tuning)}")
    values, lines = {}, {}
    for key, value in tuning.items():
        if not isinstance(key, str):
            raise DataFileError(path, tuning.line_of(key), f"tuning setting names must be text, got {type_name(key)}")
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise DataFileError(path, tuning.line_of(key), f"tuning '{excerpt(key)}' must be a number, got {type_name(value)}")
        values[key], lines[key] = value, tuning.line_of(key)
    return TuningOverrides(path, values, lines)


def folder_problems(folder: Path) -> list[DataFileError]:
    """Every problem of an intents folder, not only the first: each intent file and each intent
    is checked on its own, then ids across files and bot.yaml. ``faqbot check`` lists them all,
    so staff fix a folder in one round instead of one error per run. (Rules and the lexicon
    are checked by loading the bot once these are clean.)"""
    folder = Path(folder)
    try:
        files = _folder_files(folder)
    except DataFileError as exc:
        return [exc]
    problems: list[DataFileError] = []
    seen: dict[str, Intent] = {}
    count = 0
    for path in files:
        try:
            intents = load_file(path, problems)
        except DataFileError as exc:
            problems.append(exc)
            continue
        for intent in intents:
            count += 1
            first = seen.get(intent.id)
            if first is not None:
                problems.append(DataFileError(path, intent.line, f"duplicate intent id '{intent.id}' "
                                                                 f"(first defined in {first.path.name}:{first.line})"))
            else:
                seen[intent.id] = intent
    if not count and not problems:
        problems.append(DataFileError(folder, None, "no intents: every intent file here has an empty 'intents' list"))
    try:
        load_bot_settings(folder / "bot.yaml")
    except DataFileError as exc:
        problems.append(exc)
    return problems


def _folder_files(folder: Path) -> list[Path]:
    if not folder.exists():
        raise DataFileError(folder, None, "no such intents folder")
    if not folder.is_dir():
        raise DataFileError(folder, None, "is not a folder (give the folder that holds the intent files)")
    files = intent_files(folder)
    if not files:
        raise DataFileError(folder, None, "no intent files (*.yaml) in this folder")
    return files


def load_file(path: Path, problems: list[DataFileError] | None = None, data=None) -> list[Intent]:
    """Load one intent file strictly. With ``problems``, an intent that is wrong is recorded
    there and skipped, so every wrong intent of the file is found in one pass. ``data``: the
    file as ``load_yaml`` already parsed it (a caller that reads other keys parses it once)."""
    data = load_yaml(path) if data is None else data
    if not isinstance(data, LineDict):
        raise DataFileError(path, getattr(data, "line", 1) or 1,
                            f"expected a mapping with an 'intents' list, got {type_name(data)}")
    reject_unknown_keys(path, data, FILE_KEYS, "intent file")
    items = data.get("intents")
    if not isinstance(items, LineList):
        raise DataFileError(path, data.line_of("intents"), f"'intents' must be a list, got {type_name(items)}")
    if "document" in data and not isinstance(data["document"], str):
        raise DataFileError(path, data.line_of("document"), f"'document' must be text, got {type_name(data['document'])}")
    if problems is None:
        return [_intent(path, item, items.line_of(i)) for i, item in enumerate(items)]
    intents = []
    for index, item in enumerate(items):
        try:
            intents.append(_intent(path, item, items.line_of(index)))
        except DataFileError as exc:
            problems.append(exc)
    return intents


def _intent(path: Path, item, line: int) -> Intent:
    if not isinstance(item, LineDict):
        raise DataFileError(path, line, f"each intent must be a mapping, got {type_name(item)}")
    reject_unknown_keys(path, item, INTENT_KEYS, "intent")
    for key in ("id", "question", "answer", "topic"):
        if key not in item:
            raise DataFileError(path, item.line, f"intent is missing '{key}'")
    values = {}
    for key in ("id", "question", "answer", "topic"):
        value = item[key]
        if not isinstance(value, str):
            raise DataFileError(path, item.line_of(key), f"'{key}' must be text, got {type_name(value)}")
        if not value.strip():
            raise DataFileError(path, item.line_of(key), f"'{key}' must not be empty")
        values[key] = value.strip()
    if not ID_PATTERN.match(values["id"]):
        raise DataFileError(path, item.line_of("id"),
                            f"id '{excerpt(values['id'])}' must use lower-case letters, digits, '-', '_' or '.'")
    examples = item.get("examples", [])
    if examples is None:
        examples = []
    if not isinstance(examples, list):
        raise DataFileError(path, item.line_of("examples"), f"'examples' must be a list of text, got {type_name(examples)}")
    clean_examples = []
    for index, example in enumerate(examples):
        where = examples.line_of(index)
        if not isinstance(example, str):
            raise DataFileError(path, where, f"each example must be text, got {type_name(example)}")
        if not example.strip():
            raise DataFileError(path, where, "examples must not be empty")
        clean_examples.append(" ".join(example.split()))
    source = _source(path, item["source"], item.line_of("source")) if item.get("source") is not None else None
    # Topics repeat across a file's intents: one string each (less memory, a smaller compiled index).
    return Intent(values["id"], " ".join(values["question"].split()), values["answer"], sys.intern(values["topic"]),
                  clean_examples, source, path, item.line)


def _source(path: Path, data, line: int) -> Source:
    if not isinstance(data, LineDict):
        raise DataFileError(path, line, f"'source' must be a mapping (file, section, lines), got {type_name(data)}")
    reject_unknown_keys(path, data, SOURCE_KEYS, "source")
    for key in ("file", "section"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise DataFileError(path, data.line_of(key), f"source '{key}' must be non-empty text")
    lines = data.get("lines")
    if lines is not None:
        if (not isinstance(lines, list) or len(lines) != 2
                or not all(isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in lines)
                or lines[0] > lines[1]):
            raise DataFileError(path, data.line_of("lines"), "source 'lines' must be [first, last], two line numbers")
        lines = (lines[0], lines[1])
    digest = data.get("digest", "")
    if not isinstance(digest, str) or (digest and not re.fullmatch(r"[0-9a-f]{6,64}", digest)):
        raise DataFileError(path, data.line_of("digest"), "source 'digest' must be the hex fingerprint "
                                                          "extraction wrote (delete it rather than edit it)")
    return Source(sys.intern(data["file"].strip()), sys.intern(data["section"].strip()), lines, digest)


def load_extracted(path: Path, data=None) -> list[str]:
    """The file's ``extracted`` list: what extraction found in its document last time (``data``:
    the file already parsed, as for ``load_file``)."""
    data = load_yaml(path) if data is None else data
    if not isinstance(data, LineDict):
        return []
    return intent_file_record(path, data).extracted_list(path)


def intent_file_record(path: Path, data: LineDict) -> IntentFile:
    """The ``IntentFile`` of an intent file ``load_file`` accepted (``data``: as parsed)."""
    document = data.get("document")
    extracted = data.get("extracted")
    malformed = extracted is not None and (not isinstance(extracted, list)
                                           or not all(isinstance(k, str) for k in extracted))
    return IntentFile(path.name, document if isinstance(document, str) else None, data.line_of("document"),
                      tuple(extracted) if extracted and not malformed else None, data.line_of("extracted"),
                      malformed)
