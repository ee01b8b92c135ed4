"""benchmarks/rank_compare.py: each in-scope question is counted once, in the right category."""

from __future__ import annotations

import sys
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent.parent.parent / "benchmarks"
if str(BENCHMARKS) not in sys.path:
    sys.path.insert(0, str(BENCHMARKS))

import rank_compare  # noqa: E402

INTENTS = Path(__file__).resolve().parent.parent.parent / "intents"


def test_rows_and_categories_on_the_bundled_folder(capsys):
    items = [
        {"q": "what is magnesium valproate used for", "accept": ["tonic-clonic"]},        # both right
        {"q": "what is magnesium valproate used for", "accept": ["no answer says this"]},   # neither
        {"q": "what is the capital of peru", "expect": "fallback"},                          # not in scope: skipped
    ]
    rows = rank_compare.compare(items, INTENTS)
    assert len(rows) == 2
    assert rows[0]["answered"] and rows[0]["top_right"] and rows[0]["bm25_right"]
    assert rank_compare.kind_of(rows[0]) == {"all"}
    assert not rows[1]["answered"] and not rows[1]["bm25_right"]
    assert rank_compare.kind_of(rows[1]) == {"all", "neither", "ranked-wrong"}
    rank_compare.report(rows, "neither")
    out = capsys.readouterr().out
    assert out.startswith("2 in-scope questions: BM25 top-1 right 1, faqbot ranking top-1 right 1, faqbot answered right 1\n")
    assert "both right 1; BM25 only 0; faqbot only 0; neither 1" in out
    assert out.count("'what is magnesium valproate used for'") == 1      # only the question of that kind


def test_an_accepted_phrase_counts_only_in_an_answer_under_3000_characters():
    item = {"accept": ["Tonic-Clonic"]}
    assert rank_compare.right("used for tonic-clonic   seizures", item)
    assert not rank_compare.right("tonic-clonic " + "x" * 3000, item)
    assert not rank_compare.right("absence seizures", item)


def test_bm25_floor_scores_each_kind_of_item_and_fails_what_it_cannot_do():
    import bm25_newdocs
    answer = "Take it with food."
    assert bm25_newdocs.passes({"q": "with food?", "accept": ["with FOOD"]}, 3.0, answer, 2.0)
    assert not bm25_newdocs.passes({"q": "with food?", "accept": ["with food"]}, 1.0, answer, 2.0)
    assert bm25_newdocs.passes({"q": "capital of peru", "expect": "fallback"}, 1.0, answer, 2.0)
    assert not bm25_newdocs.passes({"q": "i took 40 tablets", "expect": "emergency"}, 9.0, answer, 0.0)
    assert not bm25_newdocs.passes({"q": "can i take it with food", "expect": "clarify"}, 9.0, answer, 0.0)
