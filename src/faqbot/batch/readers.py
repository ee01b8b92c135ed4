"""Read question files and write one output record per question, streaming, in input order.

Inputs: .txt (one question per line; ``#`` lines skipped; a blank line is an empty question), .csv/.tsv (a ``question``
column, or the one named by ``column``; other columns carried through), .jsonl (objects with a
``question`` field, or plain JSON strings; other fields carried through), .yaml/.yml (a list of
questions or of mappings with ``question``; read whole, as YAML cannot be parsed record by record),
and ``-`` for standard input (read as .txt unless a format is given). UTF-8 with or without a BOM,
or UTF-16/UTF-32 with a byte-order mark; LF, CRLF or CR line ends.

Bounded whatever the input (a file, a pipe, a device): a line over files.MAX_LINE_BYTES is one
error record and its bytes are skipped; an input over files.MAX_STREAM_BYTES, NUL bytes at the
start (binary data, or UTF-16/32 without a mark) stop the run with one line naming the file.
JSON integers over 4,300 digits, numbers beyond a float, and nesting over files.MAX_NESTING are
error records naming file:line.

Nothing is silently lost: a record that cannot be read (invalid UTF-8, bad JSON, a missing or
non-text question) still yields an Item, with a one-line error, and so an output record. Only a
file that is unusable as a whole (missing, a folder, no question column) raises DataFileError.

Memory stays flat whatever the input size: every stage is a generator, and the only state kept
per question is a bounded cache of recent replies (exports repeat questions a lot).
"""

from __future__ import annotations

import csv
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Iterable, Iterator

from .. import files
from ..display import printable
from ..errors import DataFileError
from ..yamlfile import load_yaml, parse_json

INPUT_FORMATS = ("txt", "csv", "tsv", "jsonl", "yaml")
RESERVED_FIELDS = ("n", "question", "status", "intent", "score", "answer", "source", "suggestions", "see_also", "reason",
                   "error")


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
    """Stream the questions of one input (``-`` is ``stdin``, a binary stream or an iterable of
    byte lines); raises DataFileError only when the input as a whole is unusable."""
    fmt = input_format(path, fmt)
    if fmt not in INPUT_FORMATS:
        raise DataFileError(path, None, f"unknown input format '{fmt}'")
    if path == "-":
        raw, name = stdin, "<stdin>"
    else:
        # The name goes into every record's "error" and into messages: printable, so that a name
        # with control characters or bytes that are not UTF-8 can be written in every format.
        raw, name = _open(path), printable(path)
    try:
        if fmt == "yaml":
            yield from _read_yaml(raw, path, name, column)
            return
        lines = _decoded_lines(raw, name)
        if fmt == "txt":
            yield from _read_txt(lines, name)
        elif fmt in ("csv", "tsv"):
            yield from _read_csv(lines, name, "\t" if fmt == "tsv" else ",", column)
        else:
            yield from _read_jsonl(lines, name, column)
    except OSError as exc:
        # The file opened but reading failed (a disk or network error, /proc/self/mem): one line.
        raise DataFileError(name, None, f"cannot read: {exc.strerror or exc}") from None
    finally:
        if path != "-":
            raw.close()


def _open(path: str) -> IO[bytes]:
    # FIFOs and devices are inputs too (/dev/stdin, a process substitution); the limits hold for them.
    return files.open_for_reading(path, streams=True)


def _decoded_lines(raw, name: str = "<input>") -> Iterator[tuple[int, str, str | None]]:
    """(line number, text, problem) for each line: problem None, or why the line cannot be a
    question (not UTF-8, too long). Invalid UTF-8 is decoded with replacement
    characters, so a CSV row can still carry its other columns."""
    too_long = f"line is longer than {files.size_text(files.MAX_LINE_BYTES)}; skipped"
    for number, chunk in files.stream_lines(raw, name):
        if chunk is None:
            yield number, "", too_long
            continue
        try:
            text = chunk.decode("utf-8")
        except UnicodeDecodeError:
            yield number, chunk.decode("utf-8", "replace"), "line is not valid UTF-8"
            continue
        yield number, text, None


def _read_txt(lines, name: str) -> Iterator[Item]:
    for number, text, problem in lines:
        where = f"{name}:{number}"
        stripped = text.strip()
        if stripped.startswith("#"):
            continue   # a comment, even one whose other bytes are not UTF-8: it holds no question
        if problem:
            yield Item(None, where, error=problem)
            continue
        # A blank line is an empty question: its record (a request to type one) keeps record
        # n on line n for every file without comments, as the batch contract promises.
        yield Item(stripped, where)


class _RowLines:
    """The lines a CSV reader consumes, remembering those of the row being read, so that a row
    found broken can be reported at its first line and its other lines read again as rows.

    Why: a quote that opens a cell and never closes makes the csv module read every following
    line into that cell, and a real export has such rows; without this, one stray quote would
    silently swallow the rest of the file into one question."""

    def __init__(self, lines: Iterator[tuple[int, str, bool]]):
        self._lines = iter(lines)
        self._again: deque = deque()
        self.row: list[tuple[int, str, bool]] = []
        self.last = 0                           # number of the last line handed out

    def __iter__(self):
        return self

    def __next__(self) -> str:
        entry = self._again.popleft() if self._again else next(self._lines)
        self.row.append(entry)
        self.last = entry[0]
        return entry[1] + "\n"

    def next_row(self) -> None:
        self.row = []

    def read_again_after_first(self) -> None:
        self._again.extendleft(reversed(self.row[1:]))


def _read_csv(lines, name: str, delimiter: str, column: str) -> Iterator[Item]:
    source = _RowLines(lines)
    # strict: a quote closing in mid-cell or a file ending inside quotes is an error, not a guess
    reader = csv.reader(source, delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error as exc:
        raise DataFileError(name, 1, f"cannot read the CSV header: {exc}") from None
    problem = next((problem for _, _, problem in source.row if problem), None)
    if problem:
        raise DataFileError(name, 1, f"cannot read the CSV header: {problem.replace('line', 'the header', 1)}")
    names = [h.strip() for h in header]
    lowered = [h.lower() for h in names]
    if column.lower() not in lowered:
        raise DataFileError(name, 1, f"no '{column}' column in the header (columns: {', '.join(names) or 'none'})")
    index = lowered.index(column.lower())
    carried = [(i, n) for i, n in enumerate(names) if i != index and n and n not in RESERVED_FIELDS]
    while True:
        source.next_row()
        start = source.last + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            where = f"{name}:{source.row[0][0] if source.row else start}"
            if len(source.row) > 1:             # the bad quote swallowed the lines after it
                source.read_again_after_first()
                yield Item(None, where, error=f"malformed CSV row: {exc} (a quoted cell does not close; "
                                              "the lines after it are read as rows)")
            else:
                yield Item(None, where, error=f"malformed CSV row: {exc}")
            continue
        where = f"{name}:{source.row[0][0]}"
        if not any(cell.strip() for cell in row):
            continue
        extra = {n: (row[i] if i < len(row) else "") for i, n in carried}
        question = row[index].strip() if index < len(row) else ""
        problem = next((problem for _, _, problem in source.row if problem), None)
        if problem:
            yield Item(None, where, extra, problem.replace("line", "row", 1))
        elif not question:
            yield Item(None, where, extra, f"missing value in column '{names[index]}'")
        else:
            yield Item(question, where, extra)


def _read_jsonl(lines, name: str, column: str) -> Iterator[Item]:
    for number, text, problem in lines:
        where = f"{name}:{number}"
        if problem:
            yield Item(None, where, error=problem)
            continue
        if not text.strip():
            continue
        try:
            value = parse_json(text, name, number)
        except DataFileError as exc:
            yield Item(None, where, error=exc.message)
            continue
        yield _record_item(value, where, column, "an object")


def _read_yaml(raw: IO[bytes], path: str, name: str, column: str) -> Iterator[Item]:
    """YAML is read whole (a list cannot be parsed record by record); ``name`` is the printable
    name for messages, ``path`` the file itself."""
    text = files.read_text(path, streams=True) if path != "-" else _stdin_text(raw)
    data = load_yaml(Path(name), text)
    if data is None:
        return
    if not isinstance(data, list):
        raise DataFileError(name, getattr(data, "line", 1), "expected a list of questions")
    for index, value in enumerate(data):
        yield _record_item(value, f"{name}:{data.line_of(index)}", column, "a mapping")


def _stdin_text(raw) -> str:
    """Standard input read whole (for YAML), within the same limit as a file."""
    limit = files.MAX_TEXT_BYTES
    if hasattr(raw, "read"):
        data = raw.read(limit + 1)
    else:
        data = b""
        for chunk in raw:
            data += chunk
            if len(data) > limit:
                break
    if len(data) > limit:
        raise DataFileError("<stdin>", None, f"input is larger than {files.size_text(limit)}")
    return files.decode_text(data, "<stdin>")


def _record_item(value, where: str, column: str, kind: str) -> Item:
    """An Item from one parsed JSONL line or YAML list entry: text, or a mapping with ``column``."""
    if isinstance(value, str):
        return Item(value.strip(), where) if value.strip() else Item(None, where, error="empty question")
    if not isinstance(value, dict):
        return Item(None, where, error=f"expected text or {kind} with a '{column}' field")
    extra = {k: v for k, v in value.items() if k != column and k not in RESERVED_FIELDS}
    question = value.get(column)
    if question is None:
        return Item(None, where, extra, f"missing '{column}' field")
    if not isinstance(question, str):
        return Item(None, where, extra, f"'{column}' must be text, not {type(question).__name__}")
    if not question.strip():
        return Item(None, where, extra, "empty question")
    return Item(question.strip(), where, extra)


def estimate_questions(path: str, fmt: str | None = None) -> int | None:
    """About how many questions a file holds (its lines, less comments and a CSV's blank rows and
    header), for a progress bar's time
    left; None for standard input and YAML. A quick byte scan: no decoding, no parsing."""
    fmt = input_format(path, fmt)
    if path == "-" or fmt == "yaml" or not Path(path).is_file():
        return None          # a FIFO or a device cannot be read twice
    try:
        with open(path, "rb") as handle:
            if fmt == "txt":
                count = sum(1 for line in handle if not line.lstrip().startswith(b"#"))
            else:
                count = sum(1 for line in handle if line.strip())
    except OSError:
        return None
    return max(0, count - 1) if fmt in ("csv", "tsv") else count
