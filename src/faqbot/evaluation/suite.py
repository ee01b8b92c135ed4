"""Coverage test files: what staff expect the bot to do with what patients say.

Staff write them next to the intents (``tests/*.yaml``): a YAML list whose entries are single
cases, ``- say: TEXT`` with ``expect: INTENT_ID`` (or ``fallback``, ``smalltalk``, ``emergency``,
``clarify``), or whole conversations, ``- conversation: [{say, expect}, ...]``, whose turns share
one Conversation so follow-ups are tested. Read strictly: a malformed entry is a DataFileError
naming its file and line.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, process

from ..content.intents import IntentSet
from ..errors import DataFileError, FaqbotError
from ..yamlfile import LineDict, LineList, load_yaml, reject_unknown_keys, type_name

STATUS_LABELS = ("fallback", "smalltalk", "emergency", "clarify")
CASE_KEYS = {"say", "expect"}
CONVERSATION_KEYS = {"conversation"}


@dataclass(frozen=True)
class Utterance:
    """One thing a patient says and the outcome expected: an intent id or a status label."""

    say: str
    expect: str
    path: Path
    line: int

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class Dialogue:
    """Utterances answered in one Conversation; a single case is a dialogue of one turn."""

    turns: tuple[Utterance, ...]
    is_conversation: bool = False


def suite_files(folder: Path) -> list[Path]:
    """The bundled coverage tests of an intents folder: ``tests/*.yaml`` (and ``*.yml``)."""
    tests = Path(folder) / "tests"
    if not tests.is_dir():
        return []
    return sorted(p for p in tests.iterdir()
                  if p.suffix in (".yaml", ".yml") and not p.name.startswith(".") and p.is_file())


def load_tests(path: Path) -> list[Dialogue]:
    """Read one coverage test file strictly; a malformed entry raises DataFileError(file, line)."""
    path = Path(path)
    data = load_yaml(path)
    if data is None:
        return []
    if not isinstance(data, LineList):
        raise DataFileError(path, getattr(data, "line", 1) or 1,
                            f"expected a list of tests (- say: ... with expect: ...), got {type_name(data)}")
    return [_entry(path, item, data.line_of(index)) for index, item in enumerate(data)]


def _entry(path: Path, item, line: int) -> Dialogue:
    if not isinstance(item, LineDict):
        raise DataFileError(path, line, "each test must be a mapping with 'say' and 'expect', "
                                        f"or with 'conversation', got {type_name(item)}")
    if "conversation" not in item:
        return Dialogue((_utterance(path, item, "test"),))
    reject_unknown_keys(path, item, CONVERSATION_KEYS, "conversation")
    turns = item["conversation"]
    if not isinstance(turns, LineList) or not turns:
        raise DataFileError(path, item.line_of("conversation"),
                            f"'conversation' must be a list of turns (say, expect), got {type_name(turns)}")
    parsed = []
    for index, turn in enumerate(turns):
        if not isinstance(turn, LineDict):
            raise DataFileError(path, turns.line_of(index),
                                f"each turn must be a mapping with 'say' and 'expect', got {type_name(turn)}")
        parsed.append(_utterance(path, turn, "turn"))
    return Dialogue(tuple(parsed), True)


def _utterance(path: Path, item: LineDict, what: str) -> Utterance:
    reject_unknown_keys(path, item, CASE_KEYS, what)
    for key in ("say", "expect"):
        if key not in item:
            raise DataFileError(path, item.line, f"{what} is missing '{key}'")
    say, expect = item["say"], item["expect"]
    if not isinstance(say, str) or not say.strip():
        raise DataFileError(path, item.line_of("say"), f"'say' must be non-empty text, got {type_name(say)}")
    if not isinstance(expect, str) or not expect.strip():
        raise DataFileError(path, item.line_of("expect"),
                            f"'expect' must be an intent id or one of {', '.join(STATUS_LABELS)}, got {type_name(expect)}")
    return Utterance(say.strip(), expect.strip(), path, item.line_of("say"))


def unknown_expectations(dialogues: list[Dialogue], intent_set: IntentSet) -> list[Utterance]:
    """Utterances whose ``expect`` is neither a status label nor an intent of the set."""
    known = set(intent_set.by_id())
    return [turn for dialogue in dialogues for turn in dialogue.turns
            if turn.expect not in STATUS_LABELS and turn.expect not in known]


def check_expectations(dialogues: list[Dialogue], intent_set: IntentSet) -> None:
    """Raise DataFileError at the first test expecting an intent that does not exist."""
    unknown = unknown_expectations(dialogues, intent_set)
    if not unknown:
        return
    turn = unknown[0]
    ids = [intent.id for intent in intent_set.intents]
    hint = process.extractOne(turn.expect, ids, scorer=fuzz.ratio, score_cutoff=70) if ids else None
    suggestion = f" (did you mean '{hint[0]}'?)" if hint else ""
    raise DataFileError(turn.path, turn.line, f"unknown intent '{turn.expect}'{suggestion}; "
                                              f"expect an intent id or one of {', '.join(STATUS_LABELS)}")


def load_suite(paths: list[Path]) -> list[Dialogue]:
    """Every dialogue of the given test files, in order; no test at all is an error."""
    dialogues = []
    for path in paths:
        dialogues += load_tests(path)
    if not dialogues:
        names = ", ".join(str(p) for p in paths) or "(no files)"
        raise FaqbotError(f"no coverage tests in {names}")
    return dialogues
