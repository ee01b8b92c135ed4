"""The question sets in tests/data, read the way several tests need them: every question of every
set (conversations turn by turn), and a folder of documents extracted with no hand edits and
scored on its blind questions as /work/blind/score_newdocs.py and score_site.py score them."""

from __future__ import annotations

import io
import json
from pathlib import Path

import yaml

from faqbot.cli import main

DATA = Path(__file__).resolve().parent / "data"


def questions_in_test_data() -> list[str]:
    """Every question of every set in tests/data, each conversation's turns in order."""
    found = []
    for path in sorted(DATA.glob("*.yaml")):
        items = yaml.safe_load(path.read_text(encoding="utf-8"))
        for item in items if isinstance(items, list) else []:
            for turn in (item if isinstance(item, list) else [item]):
                if isinstance(turn, dict) and isinstance(turn.get("q"), str):
                    found.append(turn["q"])
    return found


def extracted_and_scored(tmp_path: Path, documents: Path, questions: Path) -> tuple[dict[str, int], list[str]]:
    """``faqbot extract`` of the documents (as staff run it: calibration included), then a batch
    of the questions: how many of each kind passed (an answered in-scope question carries an
    accepted phrase and is under 3,000 characters; ``clarify`` items must be asked which one),
    and the questions raised falsely as emergencies."""
    into = tmp_path / "intents"
    assert main(["extract", str(documents), "--into", str(into)], stdout=io.StringIO(),
                stderr=io.StringIO()) == 0
    items = yaml.safe_load(questions.read_text(encoding="utf-8"))
    asked = tmp_path / "questions.txt"
    asked.write_text("\n".join(i["q"] for i in items) + "\n", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert main(["--intents", str(into), "batch", str(asked), "--format", "jsonl", "-j", "1"],
                stdout=out, stderr=err) == 0, err.getvalue()
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(records) == len(items)
    passed = {"in": 0, "clarify": 0, "out": 0, "emergency": 0}
    false_emergencies = []
    for item, record in zip(items, records):
        status, answer = record["status"], record["answer"] or ""
        expect = item.get("expect")
        if expect != "emergency" and status == "emergency":
            false_emergencies.append(item["q"])
        if expect is None:
            flat = " ".join(answer.lower().split())
            passed["in"] += (status == "answered" and len(answer) - 600 < 3000
                             and any(p.lower() in flat for p in item["accept"]))
        elif expect == "clarify":
            passed["clarify"] += status == "clarify"
        elif expect == "fallback":
            passed["out"] += status in ("fallback", "clarify", "smalltalk")
        else:
            passed["emergency"] += status == "emergency"
    return passed, false_emergencies


def assert_floors(tmp_path: Path, documents: str, questions: str, floors: dict[str, int],
                  known_false_alarms: list[str] = ()) -> None:
    """A blind set's regression floors: its documents (tests/data/DOCUMENTS) extracted with no
    hand edits answer its questions at least as well as ``floors`` per kind, and raise no false
    emergency but the ones known by name (a new one fails)."""
    passed, false_emergencies = extracted_and_scored(tmp_path, DATA / documents, DATA / questions)
    assert false_emergencies == list(known_false_alarms)
    assert all(passed[kind] >= floor for kind, floor in floors.items()), passed
