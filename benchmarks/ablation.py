"""What each tuning knob changes: every field of matching.tuning.Tuning perturbed in turn, on every
question set we have, so keeping or removing a knob is a measured decision.

    python benchmarks/ablation.py [--markdown]

For each knob and value (x0.5 and x1.5 of the default, counts halved and raised, plus the values
issue 10 names), a Bot is built over the bundled intents with only that field changed, and asked:
- the question sets tests/data/*.yaml and, if present, /work/shared/eval/dev.yaml and patients.yaml,
  each question in a new conversation as `faqbot batch` asks it; an item passes by the rule of
  /work/shared/eval/score.py (accept phrases in an answer, or the expected fallback/emergency);
- the bundled coverage suite (data/intents/tests/*.yaml), dialogues and all: tests passed;
- /work/shared/eval/conversations.yaml, if present, turn by turn.
Columns: pass counts per set (the default's in the first row), and "changed": how many replies of
all sets differ in any field of their batch record (status, intent, score, answer, suggestions).
A knob whose every value changes nothing is flat on our sets: not necessarily dead (it may matter
for other content), but no measurement here supports its value.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import fields, replace
from pathlib import Path

import yaml

from faqbot.bot import Bot, Conversation, index_texts
from faqbot.content.intents import bundled_intents, load_folder
from faqbot.content.lexicon import load_lexicon
from faqbot.content.rules import SafetyRules
from faqbot.evaluation.report import coverage_report
from faqbot.language.analyzer import Analyzer
from faqbot.matching.tuning import DEFAULT

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path("/work/shared/eval")
NOT_ANSWERED = {"fallback", "smalltalk", "clarify"}
# Values issue 10 reports as changing nothing, measured again here.
NAMED = {"recall_beta": [1.0], "answer_credit": [0.5]}


def passes(item: dict, record: dict) -> bool:
    """score.py's rule for one item."""
    expect = item.get("expect") or []
    expect = [expect] if isinstance(expect, str) else list(expect)
    status, answer = record["status"], (record["answer"] or "").lower()
    if item.get("accept") and status == "answered" and any(p.lower() in answer for p in item["accept"]):
        return True
    return ("fallback" in expect and status in NOT_ANSWERED) or ("emergency" in expect and status == "emergency")


def question_sets() -> dict[str, list[dict]]:
    paths = sorted((ROOT / "tests" / "data").glob("*.yaml"))
    paths += [p for p in (SHARED / "dev.yaml", SHARED / "patients.yaml") if p.exists()]
    sets = {}
    for path in paths:
        name = path.stem if path.parent == SHARED else "tests/" + path.stem
        sets[name] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return sets


def values_for(name: str, default):
    """The perturbed values of one field: halved and raised by half (at least 1 for a count)."""
    if isinstance(default, int):
        values = [max(1, default // 2), max(default + 1, default * 3 // 2)]
    else:
        values = [round(default * 0.5, 4), round(default * 1.5, 4)]
    values += [v for v in NAMED.get(name, []) if v not in values]
    return [v for v in values if v != default]


class Runner:
    def __init__(self):
        folder = bundled_intents()
        self.intent_set = load_folder(folder)
        self.lexicon = load_lexicon(folder / "lexicon.yaml")
        known = set(self.intent_set.by_id())
        self.safety = SafetyRules.load(folder / "safety.yaml", known)
        self.scope = SafetyRules.load(folder / "scope.yaml", known)
        self.analyzer = Analyzer(self.lexicon, index_texts(self.intent_set))   # tuning plays no part in it
        self.sets = question_sets()
        self.suite = sorted((folder / "tests").glob("*.yaml"))
        conversations = SHARED / "conversations.yaml"
        self.conversations = yaml.safe_load(conversations.read_text(encoding="utf-8")) if conversations.exists() else []

    def run(self, tuning) -> tuple[dict[str, int], list]:
        """Pass counts per set, and every reply's record in a fixed order."""
        bot = Bot(self.intent_set, self.lexicon, self.safety, self.analyzer, scope=self.scope, tuning=tuning)
        counts, records = {}, []
        for name, items in self.sets.items():
            replies = [bot.reply(item["q"], Conversation()).record() for item in items]
            counts[name] = sum(passes(item, record) for item, record in zip(items, replies))
            records += replies
        report = coverage_report(bot, self.suite)
        counts["coverage suite"] = report.passed
        records += [(r.got, r.status, r.score, r.runner_up) for r in report.results]
        for dialogue in self.conversations:
            conversation = Conversation()
            records += [bot.reply(turn["q"], conversation).record() for turn in dialogue]
        return counts, records


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.parse_args()
    runner = Runner()
    base_counts, base_records = runner.run(DEFAULT)
    sets = list(base_counts)
    sizes = {name: len(items) for name, items in runner.sets.items()}
    sizes["coverage suite"] = len(coverage_report(Bot(runner.intent_set, runner.lexicon, runner.safety,
                                                      runner.analyzer, scope=runner.scope), runner.suite).results)
    header = ["knob", "value"] + [f"{name} ({sizes[name]})" for name in sets] + [f"changed (of {len(base_records)})"]
    rows = [["(defaults)", ""] + [str(base_counts[name]) for name in sets] + ["0"]]
    flat = []
    for field in fields(DEFAULT):
        default = getattr(DEFAULT, field.name)
        changed_any = False
        for value in values_for(field.name, default):
            counts, records = runner.run(replace(DEFAULT, **{field.name: value}))
            changed = sum(a != b for a, b in zip(records, base_records))
            changed_any = changed_any or bool(changed)
            cells = [f"{counts[name]}" if counts[name] == base_counts[name]
                     else f"**{counts[name]}** ({counts[name] - base_counts[name]:+d})" for name in sets]
            rows.append([field.name, f"{value:g} (default {default:g})"] + cells + [str(changed)])
        if not changed_any:
            flat.append(field.name)
    widths = [max(len(row[k]) for row in [header] + rows) for k in range(len(header))]
    for row in [header, ["-" * w for w in widths]] + rows:
        print("| " + " | ".join(cell.ljust(w) for cell, w in zip(row, widths)) + " |")
    print()
    print("Flat on every set (no reply changes at any value tried): " + (", ".join(flat) or "none"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
