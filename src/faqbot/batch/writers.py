"""Writing batch records: JSON lines, CSV, markdown or text, streamed, safe for their consumers.

Each format is safe for what reads it (README, "Output safety"):
- JSON lines: exact data; controls, bidi marks and U+2028/U+2029 escaped, so one record is one
  line and inert on a terminal; pure ASCII escapes when the output stream is not UTF-8.
- text: one block per record; a CR or a line break inside the question or an error is shown as
  ``\\r``/``\\n``, so a question can never forge another record's block ("(answered, score 100.0)").
- markdown: a table whose cells escape HTML (``&``, ``<``, ``>`` as entities) and the markdown
  punctuation that could make a link, an image or a code span, or break a cell: ``[ ] ` | \\``.
- CSV: a text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a CR (what a spreadsheet
  takes for a formula) gets a leading apostrophe ``'``, as OWASP advises; nested values are JSON;
  the header is the union of every record's fields (or ``fields``), so none is dropped.
"""

from __future__ import annotations

import codecs
import csv
import json
import re
import tempfile
from typing import IO, Iterator

from ..display import json_printable, printable
from ..errors import FaqbotError
from .answerer import Outcome
from .readers import RESERVED_FIELDS

OUTPUT_FORMATS = ("jsonl", "csv", "markdown", "text")
# The output format an -o file name implies (unless --format says otherwise).
FORMAT_OF_SUFFIX = {".jsonl": "jsonl", ".json": "jsonl", ".ndjson": "jsonl", ".csv": "csv",
                    ".md": "markdown", ".markdown": "markdown", ".txt": "text", ".text": "text"}
MARKDOWN_COLUMNS = ("n", "question", "status", "intent", "score", "answer", "source")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Escaped with a backslash in markdown cells: what makes a link or an image (brackets), a code span,
# a cell break (pipe), and the backslash itself (so text cannot un-escape our escapes).
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`\[\]|])")


def format_for(output: str | None, forced: str | None) -> str:
    """The output format: ``forced`` (--format), else the one -o's extension names, else jsonl."""
    if forced:
        return forced
    if output:
        suffix = "." + output.rsplit(".", 1)[-1].lower() if "." in output.rsplit("/", 1)[-1] else ""
        return FORMAT_OF_SUFFIX.get(suffix, "jsonl")
    return "jsonl"


def spreadsheet_safe(text: str) -> str:
    """A CSV cell a spreadsheet shows as text: a leading apostrophe before what would start a
    formula (``=HYPERLINK(...)``, ``+``, ``-``, ``@``, tab, CR). Strip one leading ``'`` to get
    the exact text back."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def markdown_cell(value) -> str:
    """Text for one markdown table cell: inert (printable), HTML and markdown punctuation escaped,
    line breaks as ``<br>`` (the only HTML in the table, written by us). Every character a reader
    splits lines at counts as a break (U+2028 and U+0085 too), so a row stays one line."""
    text = "" if value is None else printable(str(value))
    text = _MARKDOWN_PUNCTUATION.sub(r"\\\1", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return "<br>".join(text.splitlines()) if text else text


def one_line_field(value) -> str:
    """A field of the text format on one line: CR and line breaks shown as escapes."""
    text = "" if value is None else str(value)
    return printable(text.replace("\r", "\\r").replace("\n", "\\n"))


class Writer:
    """Streams records in one output format. CSV is spooled to an unnamed temporary file (deleted
    by the system however the run ends) until ``close``, because its header needs every record's
    fields; with ``fields`` given the header is known and rows stream at once."""

    def __init__(self, out: IO[str], fmt: str, fields: list[str] | None = None):
        if fmt not in OUTPUT_FORMATS:
            raise FaqbotError(f"unknown output format '{fmt}' (choose from {', '.join(OUTPUT_FORMATS)})")
        self.out = out
        self.fmt = fmt
        self.count = 0
        self.statuses: dict[str, int] = {}
        self._fields = list(fields) if fields else None
        self._csv_writer = None
        self._spool: IO[str] | None = None
        self._seen: dict[str, None] = {}
        # CSV is data and stays exact in a file; on a terminal its cells are made printable too.
        isatty = getattr(out, "isatty", None)
        self._tty = bool(isatty and isatty())
        encoding = getattr(out, "encoding", None) or "utf-8"
        try:
            self._ascii = codecs.lookup(encoding).name != "utf-8"
        except LookupError:
            self._ascii = True

    def write(self, outcome: Outcome) -> None:
        record = outcome.record()
        getattr(self, "_" + self.fmt)(record)
        self.count += 1
        self.statuses[record["status"]] = self.statuses.get(record["status"], 0) + 1

    def close(self) -> None:
        if self._spool is not None:
            self._write_spooled()
        self.out.flush()

    def discard(self) -> None:
        """Drop what was spooled (an interrupted run writes no partial CSV)."""
        if self._spool is not None:
            self._spool.close()
            self._spool = None

    def _jsonl(self, record: dict) -> None:
        # U+2028/U+2029 are the only line breaks (for str.splitlines and JavaScript) that json.dumps
        # leaves raw; escaped, one record stays one line for every reader.
        if self._ascii:
            self.out.write(json.dumps(record, ensure_ascii=True) + "\n")
            return
        text = json_printable(json.dumps(record, ensure_ascii=False))
        self.out.write(text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029") + "\n")

    def _csv_row(self, record: dict) -> dict:
        row = dict(record)
        row["suggestions"] = " | ".join(record.get("suggestions") or [])
        row["see_also"] = " | ".join(record.get("see_also") or [])
        return {key: self._csv_cell(value) for key, value in row.items()}

    def _csv_cell(self, value):
        if value is None:
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (int, float)):
            return value
        if not isinstance(value, str):              # a nested list or object carried from JSON/YAML
            value = json.dumps(value, ensure_ascii=False)
        if self._tty:
            value = printable(value)
        else:
            # Exact, except what UTF-8 cannot hold: a lone surrogate (from a "\udcff" JSON escape)
            # is written as that escape rather than crashing the write.
            value = value.encode("utf-8", "backslashreplace").decode("utf-8")
        return spreadsheet_safe(value)

    def _csv(self, record: dict) -> None:
        row = self._csv_row(record)
        if self._fields is not None:
            if self._csv_writer is None:
                self._csv_writer = self._start_csv(self._fields)
            self._csv_writer.writerow(row)
            return
        if self._spool is None:
            self._spool = tempfile.TemporaryFile("w+", encoding="utf-8", newline="")
        self._seen.update(dict.fromkeys(row))
        self._spool.write(json.dumps(row, ensure_ascii=False) + "\n")

    def _start_csv(self, fields: list[str]):
        # Rows end with CRLF, as RFC 4180 says: Python's csv quotes a cell only for the characters
        # of its line terminator, so with a bare LF a cell holding a CR went out unquoted and split
        # its row in two for every reader. On a terminal, where cells are printable (no CR left),
        # a bare LF, so that nothing raw reaches the screen.
        writer = csv.DictWriter(self.out, fieldnames=fields, extrasaction="ignore", restval="",
                                lineterminator="\n" if self._tty else "\r\n")
        writer.writeheader()
        return writer

    def _write_spooled(self) -> None:
        carried = [key for key in self._seen if key not in RESERVED_FIELDS]
        writer = self._start_csv(["n", *carried, *RESERVED_FIELDS[1:]])
        self._spool.seek(0)
        for line in self._spool:
            writer.writerow(json.loads(line))
        self._spool.close()
        self._spool = None

    def _markdown(self, record: dict) -> None:
        if self.count == 0:
            self.out.write("| " + " | ".join(MARKDOWN_COLUMNS) + " |\n")
            self.out.write("|" + "---|" * len(MARKDOWN_COLUMNS) + "\n")
        answer = record.get("answer") if record["status"] != "error" else record.get("error")
        cells = [markdown_cell(answer if key == "answer" else record.get(key)) for key in MARKDOWN_COLUMNS]
        self.out.write("| " + " | ".join(cells) + " |\n")

    def _text(self, record: dict) -> None:
        if self.count:
            self.out.write("\n" + "-" * 60 + "\n")
        self.out.write(f"[{record['n']}] Q: {one_line_field(record.get('question'))}\n")
        if record["status"] == "error":
            self.out.write(f"error: {one_line_field(record['error'])}\n")
        else:
            self.out.write(f"({record['status']}, score {record['score']})\n{printable(record['answer'])}\n")


def text_lines_as_bytes(stream: IO[str]) -> Iterator[bytes]:
    """Byte lines of a text stream that has no binary buffer (a test's StringIO), lazily, so even
    such a stream is read as it comes."""
    for line in stream:
        yield line.encode("utf-8", "surrogateescape")
