"""Synonym groups as the Analyzer reads them; loading them from a folder is content's job."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Lexicon:
    """Synonym groups; the first entry of a group is the canonical term the index uses."""

    groups: list[list[str]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)      # each group's line in lexicon.yaml (for messages)
