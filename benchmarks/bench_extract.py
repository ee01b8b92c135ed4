#!/usr/bin/env python3
"""Extraction time against document size: linear, or it is a bug (issue 15: 16k short lines took
40 s, 200k were killed at 300 s). Prints a table for generated documents of N short lines, in
each format, ending with 200,000 lines. Run by hand: python benchmarks/bench_extract.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from faqbot.authoring.extract import extract_document

SIZES = (10_000, 50_000, 200_000)


def document(lines: int, suffix: str) -> str:
    """Short lines of every kind the extractor branches on: headings, labels, bullets, Q/A."""
    shapes = {
        ".md": ["## Heading {n}", "", "**Label {n}:** text {n}", "", "* item {n}", "", "Paragraph line {n}.", ""],
        ".txt": ["Heading {n}", "", "Line {n} of text.", "", "- item {n}", "", "Q: Why {n}?", "A: Because {n}.", ""],
        ".html": ["<h2>Heading {n}</h2>", "<p><strong>Label {n}:</strong> text</p>", "<ul><li>item {n}</li></ul>",
                  "<p>Paragraph {n}.</p>"],
    }[suffix]
    out = []
    n = 0
    while len(out) < lines:
        out.extend(line.format(n=n) for line in shapes)
        n += 1
    return "# Title\n\n" + "\n".join(out[:lines]) + "\n"


def main() -> int:
    print(f"{'format':8s} {'lines':>9s} {'seconds':>9s} {'us/line':>9s} {'pairs':>8s}")
    with tempfile.TemporaryDirectory() as tmp:
        for suffix in (".md", ".txt", ".html"):
            for size in SIZES:
                path = Path(tmp) / f"doc{suffix}"
                path.write_text(document(size, suffix), encoding="utf-8")
                start = time.perf_counter()
                pairs = len(extract_document(path).pairs)
                elapsed = time.perf_counter() - start
                print(f"{suffix:8s} {size:9d} {elapsed:9.2f} {1e6 * elapsed / size:9.1f} {pairs:8d}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
