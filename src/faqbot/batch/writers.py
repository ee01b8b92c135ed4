"""Writing batch records: JSON lines, CSV, markdown or text, streamed, inert on a terminal."""

from __future__ import annotations

import csv
import json
from typing import IO, Iterator

from ..display import json_printable, printable
from ..errors import FaqbotError
from .answerer import Outcome

OUTPUT_FORMATS = ("jsonl", "csv", "markdown", "text")


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
        row["see_also"] = " | ".join(record.get("see_also") or [])
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
            base = ["n", "question", "status", "intent", "score", "answer", "source", "suggestions", "see_also", "reason", "error"]
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
