"""Labelled question sets as regression floors: the development set (a copy of
../shared/eval/dev.yaml), the patients' set (../shared/eval/patients.yaml), sets written blind
from the documents (tests/data/blind-*.yaml, patients2.yaml, seeds3.yaml), among them emergencies and near
misses, alone and inside conversations, and two sets of multi-turn conversations
(conversations.yaml, every turn right; conversations2.yaml, written blind).

Scored exactly as ../shared/eval/score.py scores them, through the same path it uses (``faqbot
batch FILE --format jsonl``), so the repository checks its answer quality on its own. Every set
must catch every emergency and raise no false one; the floors for the rest are per set.
"""

import io
import json
from pathlib import Path

import pytest
import yaml

from faqbot.cli import main

DATA = Path(__file__).parent.parent / "data"
# Set: (in-scope floor, out-of-scope floor). The blind sets' floors sit below their scores today
# (39/46 and 40/46 in scope, 14/14 and 14/14 out of scope; patients 122/127 and 26/26; patients2
# 45/60 and 17/24) by about two questions.
# blind-emergency.yaml: 43 emergencies and 43 near misses (24/30 answered in scope, 13/13 out).
# seeds3.yaml: the dev half of a set written blind on 2026-12-02 (first run 34/50 in scope, 14/15
# out, 14/15 emergencies, 2 false; now 37/50, 14/15, 15/15, none false).
FLOORS = {"seeds3.yaml": (0.70, 0.86), "dev.yaml": (0.95, 0.95), "blind-patients.yaml": (0.80, 0.85), "blind-carers.yaml": (0.80, 0.85),
          "patients.yaml": (0.94, 0.92), "patients2.yaml": (0.71, 0.62),
          "blind-emergency.yaml": (0.75, 0.90)}
# Emergencies every set must catch, and false ones it may raise: all and none, except patients2,
# written blind after the triage was, whose misses (one carer's story of jaundice and drowsiness,
# one "still fitting" asked as a question) belong to the triage's own issue (11).
EMERGENCY_MISSES = {"patients2.yaml": 1}
FALSE_EMERGENCIES = {"patients2.yaml": 1}
# Conversation files: the turns that must pass (all of conversations.yaml; patients' blind set two
# below today's 31/34).
CONVERSATION_FLOORS = {"conversations.yaml": 19, "conversations2.yaml": 29}
NOT_ANSWERED = {"fallback", "smalltalk", "clarify"}


def _expectations(item):
    expect = item.get("expect") or []
    return [expect] if isinstance(expect, str) else list(expect)


def _kind(item):
    expect = _expectations(item)
    if "emergency" in expect:
        return "emergency"
    if "fallback" in expect and not item.get("accept"):
        return "out_of_scope"
    return "in_scope"


def _passes(item, record):
    status, answer = record["status"], (record["answer"] or "").lower()
    if item.get("accept") and status == "answered" and any(p.lower() in answer for p in item["accept"]):
        return True
    expect = _expectations(item)
    return ("fallback" in expect and status in NOT_ANSWERED) or ("emergency" in expect and status == "emergency")


@pytest.mark.parametrize("name", FLOORS)
def test_question_set_scores_at_least_its_floor(tmp_path, name):
    items = yaml.safe_load((DATA / name).read_text(encoding="utf-8"))
    questions = tmp_path / "questions.txt"
    questions.write_text("\n".join(i["q"] for i in items) + "\n", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert main(["batch", str(questions), "--format", "jsonl"], stdout=out, stderr=err) == 0, err.getvalue()
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(records) == len(items)
    totals, passed, failures = {}, {}, []
    false_emergencies = 0
    for item, record in zip(items, records):
        kind = _kind(item)
        ok = _passes(item, record)
        totals[kind] = totals.get(kind, 0) + 1
        passed[kind] = passed.get(kind, 0) + ok
        if not ok:
            failures.append((kind, item["q"], record["status"]))
        assert "medical advice" in record["answer"].lower()
        if kind != "emergency" and record["status"] == "emergency":
            false_emergencies += 1
    assert false_emergencies <= FALSE_EMERGENCIES.get(name, 0), failures
    assert passed["emergency"] >= totals["emergency"] - EMERGENCY_MISSES.get(name, 0), failures
    for kind, floor in zip(("in_scope", "out_of_scope"), FLOORS[name]):
        assert passed[kind] / totals[kind] >= floor, (kind, failures)
    if name == "dev.yaml":
        assert sum(passed.values()) / len(items) >= 0.95, failures


def test_emergencies_inside_conversations_are_caught_and_nothing_else_is_one(tmp_path):
    """Each conversation answered as ``faqbot batch --conversation`` answers it: a turn that says
    "he's having another one" after a seizure question is an emergency; no other turn is."""
    conversations = yaml.safe_load((DATA / "blind-emergency-conversations.yaml").read_text(encoding="utf-8"))
    missed, false = [], []
    for number, turns in enumerate(conversations):
        questions = tmp_path / f"conversation-{number}.txt"
        questions.write_text("\n".join(t["q"] for t in turns) + "\n", encoding="utf-8")
        out = io.StringIO()
        assert main(["batch", str(questions), "--conversation", "--format", "jsonl"], stdout=out) == 0
        records = [json.loads(line) for line in out.getvalue().splitlines()]
        for turn, record in zip(turns, records):
            if turn.get("status") == "emergency" and record["status"] != "emergency":
                missed.append(turn["q"])
            if turn.get("status") != "emergency" and record["status"] == "emergency":
                false.append(turn["q"])
    assert (missed, false) == ([], [])


def _turn_passes(turn, record):
    """conversations.py's check: a status, or an answer containing one accepted phrase."""
    if "status" in turn:
        return record["status"] == turn["status"]
    answer = (record["answer"] or "").lower()
    return record["status"] == "answered" and any(a.lower() in answer for a in turn["accept"])


@pytest.mark.parametrize("name", CONVERSATION_FLOORS)
def test_conversations_pass_at_least_their_floor(tmp_path, name):
    conversations = yaml.safe_load((DATA / name).read_text(encoding="utf-8"))
    passed, failures = 0, []
    for number, conversation in enumerate(conversations):
        path = tmp_path / f"conversation{number}.txt"
        path.write_text("\n".join(t["q"] for t in conversation) + "\n", encoding="utf-8")
        out, err = io.StringIO(), io.StringIO()
        assert main(["batch", str(path), "--conversation", "--format", "jsonl"], stdout=out, stderr=err) == 0
        records = [json.loads(line) for line in out.getvalue().splitlines()]
        assert len(records) == len(conversation)
        for turn, record in zip(conversation, records):
            ok = _turn_passes(turn, record)
            passed += ok
            if not ok:
                failures.append((turn["q"], record["status"]))
    assert passed >= CONVERSATION_FLOORS[name], failures
