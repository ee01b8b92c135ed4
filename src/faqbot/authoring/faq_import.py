"""Import an FAQ table exported by another tool (CSV/TSV/JSON/YAML of question-answer pairs)."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

from ..errors import DataFileError
from ..content.intents import Intent, Source
from ..yamlfile import LineDict, load_yaml, read_text


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
    rows = []
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            question = row[q_index].strip() if q_index < len(row) else ""
            answer = row[a_index].strip() if a_index < len(row) else ""
            rows.append(_checked(path, line, question, answer))
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
        rows.append(_checked(path, None, entry.get("question"), entry.get("answer"), f"entry {index + 1}: "))
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
        rows.append(_checked(path, line, entry.get("question"), entry.get("answer")))
    return rows


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
    for number, (question, answer, line) in enumerate(rows, 1):
        source = Source(path.name, f"row {number}", (line, line) if line else None)
        intents.append(Intent(f"{prefix}-{number:0{width}d}", question, answer, topic, [], source))
    return intents
