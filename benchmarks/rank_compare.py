#!/usr/bin/env python3
"""Where plain BM25 beats faqbot, question by question: a study of the ranking, not a tuner.

For an extracted folder (``--docs DIR``, extracted with ``faqbot extract`` and no hand edits, as
/work/blind/score_newdocs.py does) or an existing intents folder (``--intents DIR``), every
in-scope question of SET (items with ``accept`` phrases) is ranked three ways:

- BM25 top-1: benchmarks/bm25_newdocs.py's Okapi BM25 over each intent's question, examples and
  answer (no threshold, no triage: the floor issue 13 names);
- faqbot's ranking top-1: the first candidate of ``Matcher.match`` (for a folder read by subject
  first, a site, the intent of the reply: its ranking only reads the pages the question names);
- faqbot answered right: the reply is "answered" with an answer holding an accepted phrase.

A question is right for a ranking when its top intent's answer holds an accepted phrase (and is
under 3,000 characters). Printed: the three counts, the cross-table of BM25 against faqbot's
answers, and faqbot's misses split into "ranked wrong" and "ranked right, then declined" (by the
reply's reason: below the threshold, a focus word not covered, a word left unexplained). With
``--show KIND`` each question of that kind is listed with faqbot's top candidate, BM25's, and
where faqbot ranked the first right intent.

Usage: python benchmarks/rank_compare.py SET.yaml (--docs DIR | --intents DIR) [--show KIND]
KIND: bm25-only, faqbot-only, neither, declined, ranked-wrong, all

The questions are a measuring set: read the kinds of failure, never fit a setting to one sentence.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).parent))
from bm25_newdocs import BM25, extracted, load_intents, words  # noqa: E402

from faqbot.bot import Bot, Conversation  # noqa: E402

KINDS = ("bm25-only", "faqbot-only", "neither", "declined", "ranked-wrong", "all")


def right(answer: str, item: dict) -> bool:
    """What score_newdocs.py accepts: an accepted phrase in the answer, under 3,000 characters."""
    flat = " ".join(answer.lower().split())
    return len(answer) < 3000 and any(p.lower() in flat for p in item["accept"])


def compare(items: list[dict], folder: Path) -> list[dict]:
    """One row per in-scope item: what each ranking put first and whether it was right."""
    intents = load_intents(folder)
    index = BM25([words(" ".join([i["question"], *(i.get("examples") or []), i["answer"]])) for i in intents])
    bot = Bot.from_folder(folder, cache=False)
    rows = []
    for item in items:
        if item.get("expect") or not item.get("accept"):
            continue
        reply = bot.reply(item["q"], Conversation())
        answered = reply.status.value == "answered" and right(reply.text, item)
        scores = index.scores(words(item["q"]))
        best = max(range(len(scores)), key=scores.__getitem__)
        if bot.entities is None:
            ranked = bot.matcher.match(item["q"], limit=bot.tuning.character_candidates).candidates
        else:
            ranked = [] if reply.match is None else reply.match.candidates
        top = ranked[0] if ranked else None
        if bot.entities is not None and reply.intent is not None:
            top_right = right(reply.intent.answer, item)
        else:
            top_right = top is not None and right(top.intent.answer, item)
        first_right = next((k for k, c in enumerate(ranked) if right(c.intent.answer, item)), None)
        rows.append({
            "q": item["q"], "bm25": intents[best]["id"], "bm25_right": right(intents[best]["answer"], item),
            "answered": answered, "top_right": top_right, "status": reply.status.value,
            "reason": reply.reason.kind if reply.reason else "", "reason_text": reply.reason.text if reply.reason else "",
            "top": (top.intent.id, top.score, top.phrasing) if top else None,
            "first_right": (first_right, ranked[first_right].intent.id, ranked[first_right].score)
            if first_right is not None else None,
        })
    return rows


def kind_of(row: dict) -> set[str]:
    kinds = {"all"}
    if row["bm25_right"] and not row["answered"]:
        kinds.add("bm25-only")
    if row["answered"] and not row["bm25_right"]:
        kinds.add("faqbot-only")
    if not row["answered"] and not row["bm25_right"]:
        kinds.add("neither")
    if not row["answered"]:
        kinds.add("declined" if row["top_right"] else "ranked-wrong")
    return kinds


def report(rows: list[dict], show: str | None) -> None:
    n = len(rows)
    bm25 = sum(r["bm25_right"] for r in rows)
    ranked = sum(r["top_right"] for r in rows)
    answered = sum(r["answered"] for r in rows)
    print(f"{n} in-scope questions: BM25 top-1 right {bm25}, faqbot ranking top-1 right {ranked}, "
          f"faqbot answered right {answered}")
    both = sum(r["bm25_right"] and r["answered"] for r in rows)
    print(f"  both right {both}; BM25 only {bm25 - both}; faqbot only {answered - both}; "
          f"neither {n - bm25 - answered + both}")
    misses = [r for r in rows if not r["answered"]]
    declined = Counter(r["reason"] for r in misses if r["top_right"])
    print(f"  faqbot's {len(misses)} misses: ranked wrong {sum(not r['top_right'] for r in misses)} "
          f"(BM25 right on {sum(r['bm25_right'] and not r['top_right'] for r in misses)}); ranked right "
          f"then declined {sum(declined.values())}" + (f" ({', '.join(f'{k} {v}' for k, v in declined.most_common())})"
                                                       if declined else ""))
    if not show:
        return
    for row in rows:
        if show not in kind_of(row):
            continue
        top = row["top"]
        print(f"\n{row['q']!r}\n  faqbot: {row['status']} ({row['reason_text']})")
        if top:
            print(f"  faqbot ranked first: {top[0]} {top[1]} via {top[2]!r} ({'right' if row['top_right'] else 'wrong'})")
        print(f"  first right in faqbot's ranking: {row['first_right']}")
        print(f"  BM25 first: {row['bm25']} ({'right' if row['bm25_right'] else 'wrong'})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("set")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--docs", help="documents to extract (no hand edits)")
    source.add_argument("--intents", help="an intents folder to read as it is")
    parser.add_argument("--show", choices=KINDS)
    parser.add_argument("--bot", default=str(Path(sys.executable).parent / "faqbot"))
    args = parser.parse_args()
    items = yaml.safe_load(Path(args.set).read_text(encoding="utf-8"))
    if args.intents:
        report(compare(items, Path(args.intents)), args.show)
        return 0
    with extracted(args.docs, args.bot) as into:
        if into is None:
            return 1
        report(compare(items, into), args.show)
    return 0


if __name__ == "__main__":
    sys.exit(main())
