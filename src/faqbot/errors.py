"""Domain errors. The core raises these; only cli.py turns them into messages and exit codes."""

from __future__ import annotations


class FaqbotError(Exception):
    """Any error the user can fix (bad file, bad option); never a bug in faqbot."""


class DataFileError(FaqbotError):
    """A problem in a data file (intents, lexicon, tests, question files), located by file and line."""

    def __init__(self, path, line: int | None, message: str):
        self.path = str(path)
        self.line = line
        self.message = message
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(f"{where}: {message}")


# The name DESIGN.md uses; intent files are the most common data files.
IntentFileError = DataFileError
