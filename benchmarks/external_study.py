#!/usr/bin/env python3
"""Why a bare FAQ table's answer threshold is hard to set from its own content: a study, not a tuner.

For each public FAQ set (a folder with kb.yaml and queries.yaml, as ../shared/eval/external.py
reads them) the table is imported bare with `faqbot import` (which calibrates its threshold), and
its queries are ranked. Printed, per set:

1. the calibrated threshold, top-1 right (ignoring any threshold), answered right as external.py
   scores it, and the best a single threshold could do (chosen on the queries themselves, so an
   upper bound, never a setting);
2. the top-1 score of right, wrong and out-of-scope queries (quartiles), and the margin to the
   next intent with another answer;
3. what a calibration from the folder's own content sees: the answer sentences it asks today,
   synthetic rephrasings of each question (half its words kept, one everyday word the folder
   never uses added) and synthetic near-topic negatives (the question's most specific words
   replaced by such words), scored as the real queries are.

Usage: python benchmarks/external_study.py ../shared/datasets/NAME [...]

The queries are a test set: look at the figures, never fit a setting to them (benchmarks/RESULTS.md).
"""

from __future__ import annotations

import csv
import hashlib
import random
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import FAQBOT, machine, table  # noqa: E402

from faqbot.bot import Bot, Status  # noqa: E402
from faqbot.evaluation.calibration import first_sentence  # noqa: E402
from faqbot.language.words import LIGHT_WORDS, STOPWORDS, english_words  # noqa: E402

THRESHOLDS = range(10, 71, 5)


def words(text: str) -> str:
    return " ".join(re.findall(r"\w+", (text or "").lower()))


def quartiles(values: list[float]) -> str:
    if len(values) < 4:
        return "-"
    return " / ".join(f"{q:.0f}" for q in statistics.quantiles(values, n=4))


def imported(dataset: Path, into: Path) -> Bot:
    """The dataset's FAQ table imported bare, as external.py does it."""
    kb_csv = into.parent / "kb.csv"
    with open(kb_csv, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["question", "answer"])
        for row in yaml.safe_load((dataset / "kb.yaml").read_text(encoding="utf-8")):
            writer.writerow([row["question"], row["answer"]])
    subprocess.run([FAQBOT, "import", str(kb_csv), "--into", str(into)], check=True, capture_output=True)
    return Bot.from_folder(into, cache=False)


def study(dataset: Path) -> dict:
    kb = yaml.safe_load((dataset / "kb.yaml").read_text(encoding="utf-8"))
    queries = yaml.safe_load((dataset / "queries.yaml").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        bot = imported(dataset, Path(tmp) / "intents")
    key = {words(row["answer"])[:120]: row["id"] for row in kb}
    kb_id = {intent.id: key.get(words(intent.answer)[:120]) for intent in bot.intent_set.intents}
    rows = []        # (kind: right / wrong / out, top score, margin, answered right by the Bot)
    for query in queries:
        expected = query.get("accept") or query["expect"]
        expected = [expected] if isinstance(expected, str) else expected
        out = expected == ["fallback"]
        candidates = bot.matcher.match(query["q"], limit=12).candidates
        top = candidates[0] if candidates else None
        right = top is not None and kb_id[top.intent.id] in expected
        runner_up = next((c.score for c in candidates[1:] if words(c.intent.answer) != words(top.intent.answer)), 0.0) if top else 0.0
        reply = bot.reply(query["q"])
        answered = reply.status is Status.ANSWERED
        passed = (not answered) if out else (answered and reply.intent is not None and kb_id[reply.intent.id] in expected)
        rows.append(("out" if out else "right" if right else "wrong", top.score if top else 0.0,
                     (top.score - runner_up) if top else 0.0, passed))
    return {"name": dataset.name, "bot": bot, "rows": rows, **_synthetic(bot)}


def _synthetic(bot: Bot) -> dict:
    """Scores of what a calibration can make from the folder itself (see the module docstring)."""
    matcher, analyzer = bot.matcher, bot.analyzer
    user_words = sorted(w for w, zipf in english_words().items()
                        if zipf >= 4.5 and w.isalpha() and len(w) > 3 and w not in STOPWORDS and w not in LIGHT_WORDS
                        and not any(matcher.knows(t) for t in analyzer.terms(w)))
    sentences, rephrasings, negatives = [], [], []
    for intent in bot.intent_set.intents:
        rng = random.Random(hashlib.sha1(intent.id.encode()).hexdigest())
        sentence = first_sentence(intent.answer)
        if sentence:
            top = matcher.match(sentence, limit=1).candidates
            if top and top[0].intent.answer == intent.answer:
                sentences.append(top[0].score)
        tokens = re.findall(r"[A-Za-z0-9][\w'-]*", intent.question)
        content = [k for k, t in enumerate(tokens) if t.lower() not in STOPWORDS and analyzer.terms(t)]
        if len(content) < 2:
            continue
        kept = [t for k, t in enumerate(tokens) if k not in content or rng.random() < 0.5] or [tokens[content[0]]]
        kept.insert(rng.randrange(len(kept) + 1), rng.choice(user_words))
        top = matcher.match(" ".join(kept), limit=1).candidates
        if top and top[0].intent.answer == intent.answer:
            rephrasings.append(top[0].score)
        specific = sorted(content, key=lambda k: -matcher.idf(analyzer.terms(tokens[k])[0]))[:max(1, len(content) // 3)]
        negative = [rng.choice(user_words) if k in specific else t for k, t in enumerate(tokens)]
        reply = bot.reply(" ".join(negative))
        negatives.append(reply.score if reply.status is Status.ANSWERED else None)
    return {"sentences": sentences, "rephrasings": rephrasings, "negatives": negatives}


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__.strip().splitlines()[-3])
        return 2
    print(machine())
    studies = [study(Path(a)) for a in argv]
    summary, scores, calibration = [], [], []
    for s in studies:
        rows, total = s["rows"], len(s["rows"])
        in_scope = [r for r in rows if r[0] != "out"]
        best = max(THRESHOLDS, key=lambda t: sum((r[0] == "right" and r[1] >= t) or (r[0] == "out" and r[1] < t) for r in rows))
        best_share = sum((r[0] == "right" and r[1] >= best) or (r[0] == "out" and r[1] < best) for r in rows) / total
        summary.append([s["name"], f"{s['bot'].tuning.answer_threshold:g}",
                        f"{100 * sum(r[0] == 'right' for r in in_scope) / len(in_scope):.1f}%",
                        f"{100 * sum(r[3] for r in rows) / total:.1f}%", f"{100 * best_share:.1f}% at {best}",
                        f"{sum(r[0] == 'out' for r in rows)}/{total}"])
        for kind in ("right", "wrong", "out"):
            picked = [r for r in rows if r[0] == kind]
            if picked:
                scores.append([s["name"], kind, len(picked), quartiles([r[1] for r in picked]), quartiles([r[2] for r in picked])])
        answered_negatives = [x for x in s["negatives"] if x is not None]
        calibration.append([s["name"], quartiles(s["sentences"]), quartiles(s["rephrasings"]),
                            f"{len(answered_negatives)}/{len(s['negatives'])}", quartiles(answered_negatives)])
    print("\nThe answer threshold against the queries (best single threshold: chosen on the queries, an upper bound)\n")
    print(table(["set", "calibrated threshold", "top-1 right (in scope)", "answered right (external.py)",
                 "best single threshold", "out of scope"], summary))
    print("\nTop-1 score and margin to the next other answer, quartiles (25 / 50 / 75%)\n")
    print(table(["set", "top-1", "queries", "score", "margin"], scores))
    print("\nWhat a calibration from the folder's own text sees: scores of right top-1 answers (quartiles)\n")
    print(table(["set", "answer sentences (today's positives)", "synthetic rephrasings",
                 "synthetic near-topic negatives answered", "their scores"], calibration))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
