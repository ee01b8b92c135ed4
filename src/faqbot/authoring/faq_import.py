"""Import an FAQ table exported by another tool (CSV/TSV/JSON/YAML of question-answer pairs).

Besides ``question`` and ``answer``, a table may give an ``id`` (kept as the intent's id, so a
re-import pairs rows with curated intents by id) and other ways to ask each question: an
``alternatives`` / ``alternative questions`` column (or ``examples``, ``variations``,
``paraphrases``), several per cell separated by ``|``, ``;`` or new lines; in JSON and YAML a
list or such a string. They become the intent's examples."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

from ..errors import DataFileError
from ..content.intents import ID_PATTERN, Intent, Source
from ..yamlfile import LineDict, excerpt, load_yaml, read_text

ID_COLUMNS = ("id", "intent", "intent id", "intent_id")
EXAMPLE_COLUMNS = ("alternatives", "alternative questions", "alternative_questions", "alternative question",
                   "examples", "variations", "variants", "paraphrases", "other questions")
_SEPARATORS = re.compile(r"\s*(?:\||;|\n)\s*")


class Row(tuple):
    """(question, answer, line) with the optional id and examples a table may give."""

    id: str | None = None
    examples: list[str] = []


def _row(question: str, answer: str, line: int, row_id=None, examples=None) -> Row:
    row = Row((question, answer, line))
    row.id = row_id
    row.examples = examples or []
    return row


def _examples(value) -> list[str]:
    if isinstance(value, list):
        parts = [v for v in value if isinstance(v, str)]
    elif isinstance(value, str):
        parts = _SEPARATORS.split(value)
    else:
        return []
    return [" ".join(p.split()) for p in parts if p and p.strip()]


def _checked_id(path: Path, line, value, prefix: str = "") -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).strip().lower()
    if not ID_PATTERN.match(text):
        raise DataFileError(path, line, f"{prefix}id '{excerpt(text)}' must use lower-case letters, digits, '-', '_' or '.'")
    return text


def read_faq_table(path: Path) -> list[tuple[str, str, int]]:
    """(question, answer, line) rows of an FAQ table; a row without both is an error naming its line."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return _rows_from_yaml(path)
    text = read_text(path)
    if suffix == ".json":
        return _rows_from_json(path, text)
    delimiter = "\t" if suffix == ".tsv" or ("\t" in text.split("\n", 1)[0] and "," not in text.split("\n", 1)[0]) else ","
    return _rows_from_csv(path, text, delimiter)


def _rows_from_csv(path: Path, text: str, delimiter: str) -> list[tuple[str, str, int]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise DataFileError(path, None, "empty file: expected a header with 'question' and 'answer' columns") from None
    except csv.Error as exc:
        raise DataFileError(path, 1, f"malformed CSV: {exc}") from None
    for needed in ("question", "answer"):
        if needed not in header:
            raise DataFileError(path, 1, f"no '{needed}' column in the header (columns: {', '.join(header) or 'none'})")
    q_index, a_index = header.index("question"), header.index("answer")
    id_index = next((header.index(c) for c in ID_COLUMNS if c in header), None)
    example_indexes = [header.index(c) for c in EXAMPLE_COLUMNS if c in header]
    rows = []
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            question = row[q_index].strip() if q_index < len(row) else ""
            answer = row[a_index].strip() if a_index < len(row) else ""
            checked = _checked(path, line, question, answer)
            row_id = _checked_id(path, line, row[id_index]) if id_index is not None and id_index < len(row) else None
            examples = [e for i in example_indexes if i < len(row) for e in _examples(row[i])]
            rows.append(_row(*checked, row_id, examples))
    except csv.Error as exc:
        raise DataFileError(path, reader.line_num, f"malformed CSV: {exc}") from None
    return rows


def _rows_from_json(path: Path, text: str) -> list[tuple[str, str, int]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataFileError(path, exc.lineno, f"invalid JSON: {exc.msg}") from None
    if not isinstance(data, list):
        raise DataFileError(path, 1, "expected a list of {question, answer} objects")
    rows = []
    for index, entry in enumerate(data):
        if not isinstance(entry, dict):
            raise DataFileError(path, None, f"entry {index + 1}: expected an object with 'question' and 'answer'")
        where = f"entry {index + 1}: "
        rows.append(_row(*_checked(path, None, entry.get("question"), entry.get("answer"), where),
                         _checked_id(path, None, entry.get("id"), where), _entry_examples(entry)))
    return rows


def _rows_from_yaml(path: Path) -> list[tuple[str, str, int]]:
    data = load_yaml(path)
    if not isinstance(data, list):
        raise DataFileError(path, getattr(data, "line", 1), "expected a list of {question, answer} mappings")
    rows = []
    for index, entry in enumerate(data):
        line = data.line_of(index)
        if not isinstance(entry, LineDict):
            raise DataFileError(path, line, "expected a mapping with 'question' and 'answer'")
        rows.append(_row(*_checked(path, line, entry.get("question"), entry.get("answer")),
                         _checked_id(path, line, entry.get("id")), _entry_examples(entry)))
    return rows


def _entry_examples(entry: dict) -> list[str]:
    return [e for key in EXAMPLE_COLUMNS if key in entry for e in _examples(entry[key])]


def _checked(path: Path, line, question, answer, prefix: str = "") -> tuple[str, str, int]:
    if not isinstance(question, str) or not question.strip():
        raise DataFileError(path, line, prefix + "missing or empty question")
    if not isinstance(answer, str) or not answer.strip():
        raise DataFileError(path, line, prefix + "missing or empty answer")
    return " ".join(question.split()), answer.strip(), line or 0


def faq_intents(path: Path, topic: str | None = None) -> list[Intent]:
    """Intents for every row of an FAQ table, topic named after the file unless given."""
    path = Path(path)
    rows = read_faq_table(path)
    if not rows:
        raise DataFileError(path, None, "no question-answer rows")
    topic = topic or re.sub(r"[_-]+", " ", path.stem).strip() or "faq"
    prefix = re.sub(r"[^a-z0-9]+", "-", topic.lower()).strip("-") or "faq"
    width = max(3, len(str(len(rows))))
    intents = []
    seen: dict[str, int] = {}
    for number, row in enumerate(rows, 1):
        question, answer, line = row
        intent_id = row.id or f"{prefix}-{number:0{width}d}"
        if intent_id in seen:
            raise DataFileError(path, line or None, f"duplicate id '{intent_id}' (row {seen[intent_id]} has it too)")
        seen[intent_id] = number
        source = Source(path.name, f"row {number}", (line, line) if line else None)
        examples = [e for e in dict.fromkeys(row.examples) if e.lower() != question.lower()]
        intents.append(Intent(intent_id, question, answer, topic, examples, source))
    return intents
