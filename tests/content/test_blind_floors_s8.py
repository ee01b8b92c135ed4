"""Two sets written blind on 2026-12-02 (late evening, "s8") by helpers who saw only the
documents they wrote, extracted with no hand edits, as regression floors (the dev halves; the
held halves are in benchmarks/held-out/, scored only in aggregate):

- tests/data/newdocs8/: six documents of six shapes: a drug page with ``###`` sections and
  bold-question FAQs (omeprazole), bold labels on their own lines (sertraline), a package leaflet
  with setext headings and numbered sections (salbutamol inhaler), a condition guide with a
  front-matter FAQ list (migraine), a saved HTML page with tables (warfarin) and a plain-text blog
  post with Title Case headings and Q:/A: pairs (eczema);
- tests/data/site8/: twelve pages in the public site's two formats (``###`` sections and bold
  labels), three combinations whose ingredients have pages of their own (atorvastatin +
  ezetimibe, montelukast + levocetirizine, pantoprazole + domperidone), asked by brand names,
  misspelt and shortened names, two medicines at once and naming no medicine.

First run, before any change for them (main at 8f2dd17): newdocs8 dev in 66/100, out 7/10,
emergencies 6/6, no false alarm; held in 64/96, out 7/9, emergencies 5/6 (BM25 top-1: 69/100
and 63/96). site8 dev in 128/149, clarify 3/4, out 7/12,
emergencies 6/6, 1 false alarm; held in 108/143, clarify 4/4, out 6/12, emergencies 5/6, 2 false
alarms (BM25 top-1 over the same intents: 102/149 and 80/143). The floors sit a few below the
first run.
"""

from __future__ import annotations

import pytest

from tests.questionsets import assert_floors

FLOORS = {
    "newdocs8": ("newdocs8", "newdocs8-dev.yaml", {"in": 63, "out": 6, "emergency": 6}),              # 66, 7, 6
    "site8": ("site8", "site8-dev.yaml", {"in": 124, "clarify": 3, "out": 6, "emergency": 6}),        # 128, 3, 7, 6
}
# Raised though the set does not expect it, known and left alone: a heart attack told as the
# father's history ("had a heart attack") in a question about clopidogrel's first dose (the
# built-in heart-attack rule does not tell a past event from one happening now).
KNOWN_FALSE_ALARMS = {
    "newdocs8": [],
    "site8": ["my dad is 78 and had a heart attack, do older people get the big first dose of clopidogrel"],
}


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_documents_nobody_tuned_for_answer_blind_questions(tmp_path, name):
    assert_floors(tmp_path, *FLOORS[name], KNOWN_FALSE_ALARMS[name])
