"""The development question set (a copy of ../shared/eval/dev.yaml) as a regression floor.

Scored exactly as ../shared/eval/score.py scores it, through the same path it uses (``faqbot
batch FILE --format jsonl``), so the repository checks its answer quality on its own.
"""

import io
import json
from pathlib import Path

import yaml

from faqbot.cli import main

DEV = Path(__file__).parent / "data" / "dev.yaml"
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


def test_dev_set_scores_at_least_the_floor(tmp_path):
    items = yaml.safe_load(DEV.read_text(encoding="utf-8"))
    questions = tmp_path / "questions.txt"
    questions.write_text("\n".join(i["q"] for i in items) + "\n", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert main(["batch", str(questions), "--format", "jsonl"], stdout=out, stderr=err) == 0, err.getvalue()
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(records) == len(items)
    totals, passed, failures = {}, {}, []
    for item, record in zip(items, records):
        kind = _kind(item)
        ok = _passes(item, record)
        totals[kind] = totals.get(kind, 0) + 1
        passed[kind] = passed.get(kind, 0) + ok
        if not ok:
            failures.append((kind, item["q"], record["status"]))
        assert "medical advice" in record["answer"].lower()
        if kind != "emergency":
            assert record["status"] != "emergency", item["q"]
    assert passed["emergency"] == totals["emergency"], failures
    for kind in ("in_scope", "out_of_scope"):
        assert passed[kind] / totals[kind] >= 0.95, (kind, failures)
    assert sum(passed.values()) / len(items) >= 0.95, failures
