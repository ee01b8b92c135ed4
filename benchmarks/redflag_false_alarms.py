#!/usr/bin/env python3
"""False emergencies from generated red flags: every question set, on folders extracted with and
without their safety.yaml (run by hand, prints a table).

Usage: python benchmarks/redflag_false_alarms.py [--bot .venv/bin/faqbot] [--docs DIR ...] [SETS ...]

Each folder is extracted from documents with `faqbot extract`, then every question of every set
is asked once with the extracted safety.yaml and once without it. A question that the set does not
mark as an emergency and that is an emergency only with the red flags is a new false emergency
(listed); an emergency the set marks that only the red flags catch is a new catch.
"""
from __future__ import annotations

import argparse
import glob
import json
import shutil
import subprocess
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def questions(path: Path) -> list[tuple[str, bool]]:
    """(question, marked as an emergency) for a flat set or a set of conversations."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    out = []

    def visit(item):
        if isinstance(item, list):
            for sub in item:
                visit(sub)
        elif isinstance(item, dict) and isinstance(item.get("q"), str):
            expect = item.get("expect") or item.get("status") or []
            marked = "emergency" in (expect if isinstance(expect, list) else [expect])
            out.append((" ".join(item["q"].split()), marked))
    visit(data)
    return out


def statuses(bot: str, folder: Path, texts: list[str], work: Path) -> list[str]:
    qfile = work / "q.txt"
    qfile.write_text("\n".join(texts) + "\n", encoding="utf-8")
    run = subprocess.run([bot, "--intents", str(folder), "batch", str(qfile), "--format", "jsonl"],
                         capture_output=True, text=True, check=True)
    return [json.loads(line)["status"] for line in run.stdout.splitlines() if line.strip()]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("sets", nargs="*")
    parser.add_argument("--bot", default=str(ROOT / ".venv/bin/faqbot"))
    parser.add_argument("--docs", action="append")
    args = parser.parse_args()
    found = [Path(s) for s in args.sets] or sorted({Path(p) for p in glob.glob(str(ROOT / "tests/data/*.yaml"))
                                                    + glob.glob("/work/blind/dev/*.yaml")
                                                    + glob.glob("/work/shared/eval/*.yaml")})
    sets, seen = [], set()
    for path in found:   # tests/data holds copies of the blind dev halves: each set once
        content = path.read_bytes()
        if content not in seen:
            seen.add(content)
            sets.append(path)
    docs = [Path(d) for d in (args.docs or [ROOT / "tests/data/newdocs", ROOT / "documents"])]
    print(f"{'documents':22s} {'set':34s} {'asked':>6s} {'new false':>9s} {'new caught':>10s}")
    for doc in docs:
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            folder = work / "intents"
            subprocess.run([args.bot, "extract", str(doc), "--into", str(folder)], capture_output=True, check=True)
            bare = work / "bare"
            shutil.copytree(folder, bare)
            (bare / "safety.yaml").unlink(missing_ok=True)
            total_false = 0
            for path in sets:
                items = questions(path)
                if not items:
                    continue
                texts = [q for q, _ in items]
                with_rules = statuses(args.bot, folder, texts, work)
                without = statuses(args.bot, bare, texts, work)
                false = [q for (q, marked), a, b in zip(items, with_rules, without)
                         if not marked and a == "emergency" and b != "emergency"]
                caught = [q for (q, marked), a, b in zip(items, with_rules, without)
                          if marked and a == "emergency" and b != "emergency"]
                total_false += len(false)
                print(f"{doc.name:22s} {path.name:34s} {len(items):6d} {len(false):9d} {len(caught):10d}")
                for q in false:
                    print(f"    FALSE: {q}")
            print(f"{doc.name:22s} {'all sets':34s} {'':6s} {total_false:9d}")


if __name__ == "__main__":
    main()
