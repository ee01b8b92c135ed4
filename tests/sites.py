"""Small slices of the generated medicine site (benchmarks/sitegen.py) for tests: the first
pages of the same deterministic site the scale benchmark loads whole."""

from __future__ import annotations

import sys
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
if str(BENCHMARKS) not in sys.path:
    sys.path.insert(0, str(BENCHMARKS))

import sitegen  # noqa: E402


def site_intents(folder: Path, pages: int = 40) -> Path:
    """Documents and intents of the site's first ``pages`` pages under ``folder``; the intents folder."""
    return sitegen.write_intents(Path(folder), pages)
