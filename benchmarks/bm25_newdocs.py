#!/usr/bin/env python3
"""The floor to beat: plain BM25 over the same extracted intents faqbot answers from.

Extracts the documents with ``faqbot extract`` (no hand edits), indexes each intent's question,
examples and answer as one BM25 document (Okapi, k1=1.5, b=0.75, lower-cased words, no
stemming, no synonyms), ranks every question of the set and scores it the way
/work/blind/score_newdocs.py does: an in-scope question passes when the top intent's answer
contains one of its accepted phrases (and is under 3,000 characters), an out-of-scope one when
the top score is under the threshold, an emergency never (BM25 has no triage). Printed: top-1
(no threshold) and the best single threshold chosen on the set itself, which flatters BM25.

Usage: python benchmarks/bm25_newdocs.py SET.yaml --docs DIR [--bot .venv/bin/faqbot]
"""

from __future__ import annotations

import argparse
import math
import re
import subprocess
import sys
import tempfile
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

import yaml

K1, B = 1.5, 0.75


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


class BM25:
    def __init__(self, documents: list[list[str]]):
        self.documents = [Counter(d) for d in documents]
        self.lengths = [len(d) for d in documents]
        self.average = sum(self.lengths) / max(1, len(self.lengths))
        frequency = Counter(w for d in self.documents for w in d)
        n = len(documents)
        self.idf = {w: math.log(1 + (n - f + 0.5) / (f + 0.5)) for w, f in frequency.items()}

    def scores(self, query: list[str]) -> list[float]:
        result = []
        for counts, length in zip(self.documents, self.lengths):
            score = 0.0
            for word in query:
                tf = counts.get(word, 0)
                if tf:
                    score += self.idf[word] * tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / self.average))
            result.append(score)
        return result


def passes(item: dict, score: float, answer: str, threshold: float) -> bool:
    """Whether BM25's top intent (its score, its answer) passes the item at this threshold, as
    score_newdocs.py scores faqbot. An emergency or a question naming no medicine (``expect:
    clarify``) never passes: BM25 has no triage and never asks which medicine is meant."""
    expect = item.get("expect")
    if expect in ("emergency", "clarify"):
        return False
    if expect == "fallback":
        return score < threshold
    flat = " ".join(answer.lower().split())
    return score >= threshold and len(answer) < 3000 and any(p.lower() in flat for p in item["accept"])


def load_intents(folder: Path) -> list[dict]:
    intents = []
    for path in sorted(folder.glob("*.yaml")):
        if path.name in ("bot.yaml", "lexicon.yaml", "safety.yaml", "scope.yaml"):
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        intents += data.get("intents") or []
    return intents


@contextmanager
def extracted(docs: str, bot: str):
    """The intents folder ``faqbot extract`` writes from docs (no hand edits), in a temporary
    directory for the with-block; None when extraction failed (its error printed)."""
    with tempfile.TemporaryDirectory() as tmp:
        into = Path(tmp) / "intents"
        done = subprocess.run([bot, "extract", docs, "--into", str(into)], capture_output=True, text=True)
        if done.returncode:
            print(done.stderr, file=sys.stderr)
            yield None
        else:
            yield into


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("set")
    parser.add_argument("--docs", required=True)
    parser.add_argument("--bot", default=str(Path(sys.executable).parent / "faqbot"))
    args = parser.parse_args()
    items = yaml.safe_load(Path(args.set).read_text(encoding="utf-8"))
    with extracted(args.docs, args.bot) as into:
        if into is None:
            return 1
        intents = load_intents(into)
    index = BM25([words(" ".join([i["question"], *(i.get("examples") or []), i["answer"]])) for i in intents])
    ranked = []
    for item in items:
        scores = index.scores(words(item["q"]))
        best = max(range(len(scores)), key=scores.__getitem__)
        ranked.append((item, scores[best], intents[best]["answer"]))

    def summary(threshold: float) -> tuple[int, int, int]:
        got = {"in": 0, "out": 0, "all": 0}
        for item, score, answer in ranked:
            kind = "out" if item.get("expect") == "fallback" else "in" if not item.get("expect") else "emergency"
            ok = passes(item, score, answer, threshold)
            got["all"] += ok
            if kind in got:
                got[kind] += ok
        return got["in"], got["out"], got["all"]

    counts = Counter("out" if i.get("expect") == "fallback" else i.get("expect") or "in" for i in items)
    candidates = sorted({0.0} | {round(s, 3) for _, s, _ in ranked})
    best_threshold = max(candidates, key=lambda t: (summary(t)[2], -t))
    print(f"{'BM25 over extracted intents':34s} {'in scope':>12s} {'out of scope':>13s} {'overall':>9s}")
    for label, threshold in (("top-1 (no threshold)", 0.0), (f"best threshold ({best_threshold:g})", best_threshold)):
        inside, outside, overall = summary(threshold)
        print(f"{label:34s} {inside:>5d}/{counts['in']:<6d} {outside:>6d}/{counts['out']:<6d} "
              f"{100 * overall / len(items):8.1f}%")
    print(f"({len(intents)} intents; {counts['emergency']} emergencies count as failures: BM25 has no triage"
          + (f"; so do {counts['clarify']} questions naming no medicine, which it cannot ask about)"
             if counts["clarify"] else ")"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
