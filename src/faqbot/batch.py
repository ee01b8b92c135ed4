"""Read question files and write one output record per question, streaming, in input order.

Inputs: .txt (one question per line; ``#`` lines skipped; a blank line is an empty question), .csv/.tsv (a ``question``
column, or the one named by ``column``; other columns carried through), .jsonl (objects with a
``question`` field, or plain JSON strings; other fields carried through), .yaml/.yml (a list of
questions or of mappings with ``question``; read whole, as YAML cannot be parsed record by record),
and ``-`` for standard input (read as .txt unless a format is given). UTF-8 with or without a BOM,
LF or CRLF line ends.

Nothing is silently lost: a record that cannot be read (invalid UTF-8, bad JSON, a missing or
non-text question) still yields an Item, with a one-line error, and so an output record. Only a
file that is unusable as a whole (missing, a folder, no question column) raises DataFileError.

Memory stays flat whatever the input size: every stage is a generator, and the only state kept
per question is a bounded cache of recent replies (exports repeat questions a lot).
"""

from __future__ import annotations

import codecs
import csv
import json
import os
import tempfile
from collections import OrderedDict, deque
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Iterable, Iterator

from .bot import Bot, Conversation
from .errors import DataFileError, FaqbotError
from .text import json_printable, printable
from .yamlfile import load_yaml, unreadable

INPUT_FORMATS = ("txt", "csv", "tsv", "jsonl", "yaml")
OUTPUT_FORMATS = ("jsonl", "csv", "markdown", "text")
RESERVED_FIELDS = ("n", "question", "status", "intent", "score", "answer", "source", "suggestions", "error")
CACHE_SIZE = 4096          # recent distinct questions whose replies are kept; bounded, so memory is flat


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
        lines = _decoded_lines(raw)
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
    file_path = Path(path)
    if file_path.is_dir():
        raise DataFileError(path, None, "is a directory, not a question file")
    try:
        return open(file_path, "rb")
    except OSError as exc:
        raise unreadable(path, exc) from None


def _decoded_lines(raw: Iterable[bytes]) -> Iterator[tuple[int, str, bool]]:
    """(line number, text, valid) for each line; BOM and CRLF removed. Invalid UTF-8 is decoded
    with replacement characters and flagged, so a CSV row can still carry its other columns."""
    for number, chunk in enumerate(raw, 1):
        if number == 1 and chunk.startswith(codecs.BOM_UTF8):
            chunk = chunk[len(codecs.BOM_UTF8):]
        chunk = chunk.rstrip(b"\r\n")
        try:
            yield number, chunk.decode("utf-8"), True
        except UnicodeDecodeError:
            yield number, chunk.decode("utf-8", "replace"), False


def _read_txt(lines, name: str) -> Iterator[Item]:
    for number, text, valid in lines:
        where = f"{name}:{number}"
        if not valid:
            yield Item(None, where, error="line is not valid UTF-8")
            continue
        stripped = text.strip()
        if not stripped.startswith("#"):
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
    if not all(valid for _, _, valid in source.row):
        raise DataFileError(name, 1, "the header is not valid UTF-8")
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
        if not all(valid for _, _, valid in source.row):
            yield Item(None, where, extra, "row is not valid UTF-8")
        elif not question:
            yield Item(None, where, extra, f"missing value in column '{names[index]}'")
        else:
            yield Item(question, where, extra)


def _read_jsonl(lines, name: str, column: str) -> Iterator[Item]:
    for number, text, valid in lines:
        where = f"{name}:{number}"
        if not valid:
            yield Item(None, where, error="line is not valid UTF-8")
            continue
        if not text.strip():
            continue
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            yield Item(None, where, error=f"invalid JSON: {exc.msg} at column {exc.colno}")
            continue
        except RecursionError:
            yield Item(None, where, error="invalid JSON: nested too deeply")
            continue
        yield _record_item(value, where, column, "an object")


def _read_yaml(raw: IO[bytes], path: str, name: str, column: str) -> Iterator[Item]:
    """YAML is read whole (a list cannot be parsed record by record); ``name`` is the printable
    name for messages, ``path`` the file itself."""
    data = load_yaml(Path(path)) if path != "-" else load_yaml(Path(name), _stdin_text(raw))
    if data is None:
        return
    if not isinstance(data, list):
        raise DataFileError(name, getattr(data, "line", 1), "expected a list of questions")
    for index, value in enumerate(data):
        yield _record_item(value, f"{name}:{data.line_of(index)}", column, "a mapping")


def _stdin_text(raw) -> str:
    data = raw.read() if hasattr(raw, "read") else b"".join(raw)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataFileError("<stdin>", data[: exc.start].count(b"\n") + 1, "invalid UTF-8 text") from None


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
    if path == "-" or fmt == "yaml":
        return None
    try:
        with open(path, "rb") as handle:
            if fmt == "txt":
                count = sum(1 for line in handle if not line.lstrip().startswith(b"#"))
            else:
                count = sum(1 for line in handle if line.strip())
    except OSError:
        return None
    return max(0, count - 1) if fmt in ("csv", "tsv") else count


# --- answering ------------------------------------------------------------------------------


@dataclass
class Outcome:
    n: int
    item: Item
    answer: dict | None        # Reply.record() of the answer; None when the item could not be read

    def record(self) -> dict:
        record = {"n": self.n}
        record.update(self.item.extra)
        if self.answer is not None:
            record.update(self.answer)
        else:
            record.update({"question": self.item.question, "status": "error", "intent": None, "score": 0.0,
                           "answer": None, "source": None, "suggestions": [],
                           "error": f"{self.item.where}: {self.item.error}"})
        return record


class Answerer:
    """``Bot.reply(question).record()`` for independent questions, remembering the most recent
    distinct ones. Exact: a reply depends only on the question when there is no conversation."""

    def __init__(self, bot: Bot, cache_size: int = CACHE_SIZE):
        self.bot = bot
        self.cache_size = cache_size
        self._cache: OrderedDict[str, dict] = OrderedDict()

    def __call__(self, question: str) -> dict:
        record = self._cache.get(question)
        if record is not None:
            self._cache.move_to_end(question)
            return record
        record = self.bot.reply(question).record()
        self._cache[question] = record
        if len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)
        return record

    def answer_all(self, questions: list[str | None]) -> list[dict | None]:
        """Records for a list of questions, None staying None (unreadable items)."""
        return [None if question is None else self(question) for question in questions]


def answer_items(bot: Bot, items: Iterable[Item], conversation: bool = False, jobs: int = 1) -> Iterator[Outcome]:
    """One Outcome per item, in input order. With ``conversation`` the items share one
    Conversation (so they are answered one after another); otherwise ``jobs`` > 1 answers in that
    many worker processes once the input proves long enough to pay for starting them."""
    if conversation:
        shared = Conversation()
        for n, item in enumerate(items, 1):
            answer = None if item.error is not None else bot.reply(item.question, shared).record()
            yield Outcome(n, item, answer)
    elif jobs > 1:
        from .parallel import answer_parallel

        yield from answer_parallel(bot, items, jobs)
    else:
        answerer = Answerer(bot)
        for n, item in enumerate(items, 1):
            yield Outcome(n, item, None if item.error is not None else answerer(item.question))


def answer_partition(lines: Iterable[str | bytes], bot: Bot) -> list[dict]:
    """The JSON-lines records for a partition of a question file's lines, read as ``.txt`` (``#``
    lines skipped, a blank line an empty question); ``n`` counts within the partition.

    A plain function of picklable arguments, so an existing engine can map it over the partitions
    of a huge input: with Dask, ``bag.map_partitions(answer_partition, bot)`` (see the README).
    """
    raw = (line if isinstance(line, bytes) else line.encode("utf-8", "surrogateescape") for line in lines)
    items = _read_txt(_decoded_lines(raw), "partition")
    return [outcome.record() for outcome in answer_items(bot, items)]


# --- writing --------------------------------------------------------------------------------


@contextmanager
def atomic_output(path: str | os.PathLike) -> Iterator[IO[str]]:
    """A text file that appears at ``path`` only when the block completes: written to a temporary
    file in the same folder and renamed over ``path``, so an interrupted run (Ctrl-C, a crash, a
    full disk) never leaves a half file that looks whole. The file is owner-only (0600): it holds
    what patients asked."""
    target = Path(path)
    if target.is_dir():
        raise DataFileError(target, None, "is a directory; give a file name for the output")
    if target.exists() and not target.is_file():
        # A device or a pipe (-o /dev/null, -o /dev/stdout): renaming a file over it would destroy
        # it (as root, /dev/null itself), so it is written as it is.
        with open(target, "w", encoding="utf-8", newline="") as out:
            yield out
        return
    # Through a symbolic link to the file it names: the link stays a link.
    target = Path(os.path.realpath(target))
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise DataFileError(target, None, f"folder {folder} does not exist")
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise DataFileError(target, None, f"cannot write here: {exc.strerror or exc}") from None
    try:
        with open(fd, "w", encoding="utf-8", newline="") as out:
            yield out
        os.replace(temporary, target)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


class Writer:
    """Streams records in one output format. CSV columns are fixed by the first record (the
    carried-through columns of a CSV input are the same on every row)."""

    def __init__(self, out: IO[str], fmt: str):
        if fmt not in OUTPUT_FORMATS:
            raise FaqbotError(f"unknown output format '{fmt}' (choose from {', '.join(OUTPUT_FORMATS)})")
        self.out = out
        self.fmt = fmt
        self._csv_writer = None
        self._fields: list[str] | None = None
        self.count = 0
        # CSV is data and stays exact in a file; on a terminal its cells are made printable too.
        isatty = getattr(out, "isatty", None)
        self._tty = bool(isatty and isatty())

    def write(self, outcome: Outcome) -> None:
        record = outcome.record()
        getattr(self, "_" + self.fmt)(record)
        self.count += 1

    def close(self) -> None:
        self.out.flush()

    def _jsonl(self, record: dict) -> None:
        # U+2028/U+2029 are the only line breaks (for str.splitlines and JavaScript) that json.dumps
        # leaves raw; escaped, one record stays one line for every reader.
        text = json_printable(json.dumps(record, ensure_ascii=False))
        self.out.write(text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029") + "\n")

    def _csv_row(self, record: dict) -> dict:
        row = dict(record)
        row["suggestions"] = " | ".join(record.get("suggestions") or [])
        row = {k: ("" if v is None else v) for k, v in row.items()}
        if self._tty:
            return {k: printable(str(v)) for k, v in row.items()}
        # Exact, except what UTF-8 cannot hold: a lone surrogate (from a "\udcff" JSON escape) is
        # written as that escape rather than crashing the write.
        return {k: v.encode("utf-8", "backslashreplace").decode("utf-8") if isinstance(v, str) else v
                for k, v in row.items()}

    def _csv(self, record: dict) -> None:
        row = self._csv_row(record)
        if self._csv_writer is None:
            base = ["n", "question", "status", "intent", "score", "answer", "source", "suggestions", "error"]
            extra = [k for k in row if k not in base]
            self._fields = ["n", *extra, *base[1:]]
            self._csv_writer = csv.DictWriter(self.out, fieldnames=self._fields, extrasaction="ignore", lineterminator="\n")
            self._csv_writer.writeheader()
        self._csv_writer.writerow(row)

    def _markdown(self, record: dict) -> None:
        if self.count == 0:
            self.out.write("| n | question | status | intent | score | answer | source |\n")
            self.out.write("|---|---|---|---|---|---|---|\n")

        def cell(value) -> str:
            text = "" if value is None else printable(str(value))
            return text.replace("|", "\\|").replace("\r", " ").replace("\n", "<br>")

        answer = record.get("answer") if record["status"] != "error" else record.get("error")
        self.out.write("| " + " | ".join(cell(record.get(k)) if k != "answer" else cell(answer) for k in
                                         ("n", "question", "status", "intent", "score", "answer", "source")) + " |\n")

    def _text(self, record: dict) -> None:
        if self.count:
            self.out.write("\n" + "-" * 60 + "\n")
        self.out.write(f"[{record['n']}] Q: {printable(record.get('question') or '')}\n")
        if record["status"] == "error":
            self.out.write(f"error: {printable(record['error'])}\n")
        else:
            self.out.write(f"({record['status']}, score {record['score']})\n{printable(record['answer'])}\n")


def text_lines_as_bytes(stream: IO[str]) -> Iterator[bytes]:
    """Byte lines of a text stream that has no binary buffer (a test's StringIO), lazily, so even
    such a stream is read as it comes."""
    for line in stream:
        yield line.encode("utf-8", "surrogateescape")
