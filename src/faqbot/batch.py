"""Read question files and write one output record per question, streaming, in input order.

Inputs: .txt (one question per line; blank and ``#`` lines skipped), .csv/.tsv (a ``question``
column, or the one named by ``column``; other columns carried through), .jsonl (objects with a
``question`` field; other fields carried through), .yaml/.yml (a list of questions or of mappings
with ``question``), and ``-`` for standard input (read as .txt unless a format is given).
A record that cannot be read still yields an item, with an error, so nothing is silently lost.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Iterable, Iterator

from .bot import Bot, Conversation, Reply
from .errors import DataFileError, FaqbotError
from .yamlfile import LineDict, load_yaml

INPUT_FORMATS = ("txt", "csv", "tsv", "jsonl", "yaml")
OUTPUT_FORMATS = ("jsonl", "csv", "markdown", "text")
RESERVED_FIELDS = ("n", "question", "status", "intent", "score", "answer", "source", "suggestions", "error")


@dataclass
class Item:
    """One question read from input, or the reason it could not be read."""

    question: str | None
    where: str                                   # file:line, for messages
    extra: dict = field(default_factory=dict)    # other columns/fields, carried to the output
    error: str | None = None


def input_format(path: str, forced: str | None = None) -> str:
    if forced:
        return forced
    if path == "-":
        return "txt"
    suffix = Path(path).suffix.lower().lstrip(".")
    return {"yml": "yaml", "json": "jsonl", "ndjson": "jsonl", "text": "txt"}.get(suffix, suffix if suffix in INPUT_FORMATS else "txt")


def read_items(path: str, fmt: str | None = None, column: str = "question", stdin: IO[bytes] | None = None) -> Iterator[Item]:
    """Stream the questions of one input; raises DataFileError only when the file as a whole is
    unusable (missing, a folder, no question column)."""
    fmt = input_format(path, fmt)
    if fmt == "yaml":
        yield from _read_yaml(path, column)
        return
    if path == "-":
        raw = stdin if stdin is not None else sys.stdin.buffer
        name = "<stdin>"
    else:
        file_path = Path(path)
        if file_path.is_dir():
            raise DataFileError(path, None, "is a directory, not a question file")
        try:
            raw = open(file_path, "rb")
        except FileNotFoundError:
            raise DataFileError(path, None, "no such file") from None
        except PermissionError:
            raise DataFileError(path, None, "permission denied") from None
        except OSError as exc:
            raise DataFileError(path, None, f"cannot read: {exc.strerror or exc}") from None
        name = path
    try:
        lines = _decoded_lines(raw, name)
        if fmt == "txt":
            yield from _read_txt(lines, name)
        elif fmt in ("csv", "tsv"):
            yield from _read_csv(lines, name, "\t" if fmt == "tsv" else ",", column)
        elif fmt == "jsonl":
            yield from _read_jsonl(lines, name, column)
        else:
            raise DataFileError(path, None, f"unknown input format '{fmt}'")
    finally:
        if path != "-":
            raw.close()


def _decoded_lines(raw: IO[bytes], name: str) -> Iterator[tuple[int, str | None]]:
    """(line number, text) pairs; a line that is not valid UTF-8 gives text None. BOM and CRLF handled."""
    number = 0
    for chunk in raw:
        number += 1
        if number == 1 and chunk.startswith(codecs.BOM_UTF8):
            chunk = chunk[len(codecs.BOM_UTF8):]
        try:
            text = chunk.decode("utf-8")
        except UnicodeDecodeError:
            yield number, None
            continue
        yield number, text.rstrip("\r\n").rstrip("\r")


def _read_txt(lines, name: str) -> Iterator[Item]:
    for number, text in lines:
        where = f"{name}:{number}"
        if text is None:
            yield Item(None, where, error="line is not valid UTF-8")
            continue
        stripped = text.strip()
        if not stripped or stripped.startswith("#"):
            continue
        yield Item(stripped, where)


def _read_csv(lines, name: str, delimiter: str, column: str) -> Iterator[Item]:
    numbers: list[int] = []

    def texts():
        for number, text in lines:
            numbers.append(number)
            yield (text if text is not None else "\ufffd") + "\n"

    reader = csv.reader(texts(), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error as exc:
        raise DataFileError(name, 1, f"cannot read the CSV header: {exc}") from None
    names = [h.strip() for h in header]
    lowered = [h.lower() for h in names]
    if column.lower() not in lowered:
        raise DataFileError(name, 1, f"no '{column}' column in the header (columns: {', '.join(names) or 'none'})")
    index = lowered.index(column.lower())
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield Item(None, f"{name}:{numbers[-1] if numbers else '?'}", error=f"malformed CSV row: {exc}")
            continue
        where = f"{name}:{numbers[-1] if numbers else '?'}"
        if not any(cell.strip() for cell in row):
            continue
        extra = {names[i]: cell for i, cell in enumerate(row) if i != index and i < len(names) and names[i]}
        if index >= len(row) or not row[index].strip():
            yield Item(None, where, extra, f"missing value in column '{column}'")
        elif "\ufffd" in row[index]:
            yield Item(None, where, extra, "row is not valid UTF-8")
        else:
            yield Item(row[index].strip(), where, extra)


def _read_jsonl(lines, name: str, column: str) -> Iterator[Item]:
    for number, text in lines:
        where = f"{name}:{number}"
        if text is None:
            yield Item(None, where, error="line is not valid UTF-8")
            continue
        if not text.strip():
            continue
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            yield Item(None, where, error=f"invalid JSON: {exc.msg}")
            continue
        if isinstance(value, str):
            yield Item(value.strip(), where) if value.strip() else Item(None, where, error="empty question")
            continue
        if not isinstance(value, dict):
            yield Item(None, where, error=f"expected an object with a '{column}' field")
            continue
        extra = {k: v for k, v in value.items() if k != column}
        question = value.get(column)
        if not isinstance(question, str):
            reason = f"missing '{column}' field" if question is None else f"'{column}' must be text"
            yield Item(None, where, extra, reason)
        elif not question.strip():
            yield Item(None, where, extra, "empty question")
        else:
            yield Item(question.strip(), where, extra)


def _read_yaml(path: str, column: str) -> Iterator[Item]:
    data = load_yaml(Path(path)) if path != "-" else load_yaml(Path("<stdin>"), sys.stdin.read())
    if data is None:
        return
    if not isinstance(data, list):
        raise DataFileError(path, getattr(data, "line", 1), "expected a list of questions")
    for index, value in enumerate(data):
        where = f"{path}:{data.line_of(index)}"
        if isinstance(value, str):
            yield Item(value.strip(), where) if value.strip() else Item(None, where, error="empty question")
        elif isinstance(value, LineDict):
            extra = {k: v for k, v in value.items() if k not in (column, "q")}
            question = value.get(column, value.get("q"))
            if isinstance(question, str) and question.strip():
                yield Item(question.strip(), where, extra)
            else:
                yield Item(None, where, extra, f"missing or non-text '{column}'")
        else:
            yield Item(None, where, error=f"expected text or a mapping with '{column}'")


# --- answering ------------------------------------------------------------------------------


@dataclass
class Outcome:
    n: int
    item: Item
    reply: Reply | None

    def record(self) -> dict:
        record = {"n": self.n}
        for key, value in self.item.extra.items():
            if key not in RESERVED_FIELDS:
                record[key] = value
        if self.reply is not None:
            record.update(self.reply.record())
        else:
            record.update({"question": self.item.question, "status": "error", "intent": None, "score": 0.0,
                           "answer": None, "source": None, "suggestions": [],
                           "error": f"{self.item.where}: {self.item.error}"})
        return record


def answer_items(bot: Bot, items: Iterable[Item], conversation: bool = False) -> Iterator[Outcome]:
    """One Outcome per item, in order. With ``conversation`` the items share one Conversation."""
    shared = Conversation() if conversation else None
    for n, item in enumerate(items, 1):
        if item.error is not None or item.question is None:
            yield Outcome(n, item, None)
        else:
            yield Outcome(n, item, bot.reply(item.question, shared if shared is not None else Conversation()))


# --- writing --------------------------------------------------------------------------------


class Writer:
    """Streams records in one output format."""

    def __init__(self, out: IO[str], fmt: str):
        if fmt not in OUTPUT_FORMATS:
            raise FaqbotError(f"unknown output format '{fmt}' (choose from {', '.join(OUTPUT_FORMATS)})")
        self.out = out
        self.fmt = fmt
        self._csv = None
        self._fields: list[str] | None = None
        self.count = 0

    def write(self, outcome: Outcome) -> None:
        record = outcome.record()
        getattr(self, "_" + self.fmt)(record)
        self.count += 1

    def close(self) -> None:
        self.out.flush()

    def _jsonl(self, record: dict) -> None:
        self.out.write(json.dumps(record, ensure_ascii=False) + "\n")

    def _csv_row(self, record: dict) -> dict:
        row = dict(record)
        row["suggestions"] = " | ".join(record.get("suggestions") or [])
        return {k: ("" if v is None else v) for k, v in row.items()}

    def _csv(self, record: dict) -> None:
        row = self._csv_row(record)
        if self._csv is None:
            base = ["n", "question", "status", "intent", "score", "answer", "source", "suggestions", "error"]
            extra = [k for k in row if k not in base]
            self._fields = ["n", *extra, *base[1:]]
            self._csv = csv.DictWriter(self.out, fieldnames=self._fields, extrasaction="ignore", lineterminator="\n")
            self._csv.writeheader()
        self._csv.writerow(row)

    def _markdown(self, record: dict) -> None:
        if self.count == 0:
            self.out.write("| n | question | status | intent | score | answer | source |\n")
            self.out.write("|---|---|---|---|---|---|---|\n")

        def cell(value) -> str:
            text = "" if value is None else str(value)
            return text.replace("|", "\\|").replace("\r", " ").replace("\n", "<br>")

        answer = record.get("answer") if record["status"] != "error" else record.get("error")
        self.out.write("| " + " | ".join(cell(record.get(k)) if k != "answer" else cell(answer) for k in
                                         ("n", "question", "status", "intent", "score", "answer", "source")) + " |\n")

    def _text(self, record: dict) -> None:
        if self.count:
            self.out.write("\n" + "-" * 60 + "\n")
        self.out.write(f"[{record['n']}] Q: {record.get('question') or ''}\n")
        if record["status"] == "error":
            self.out.write(f"error: {record['error']}\n")
        else:
            self.out.write(f"({record['status']}, score {record['score']})\n{record['answer']}\n")


def stream_text(data: str) -> IO[bytes]:
    """Bytes stream over text, for tests and for answering a string as if it were stdin."""
    return io.BytesIO(data.encode("utf-8"))
