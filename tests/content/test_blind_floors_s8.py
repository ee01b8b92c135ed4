"""A set written blind on 2026-12-02 (late evening, "s8") by a helper who saw only the pages,
extracted with no hand edits, as regression floors (the dev half; the held half is
benchmarks/held-out/site8-held.yaml, scored only in aggregate):

- tests/data/site8/: twelve pages in the public site's two formats (``###`` sections and bold
  labels), three combinations whose ingredients have pages of their own (atorvastatin +
  ezetimibe, montelukast + levocetirizine, pantoprazole + domperidone), asked by brand names,
  misspelt and shortened names, two medicines at once and naming no medicine.

First run, before any change for it (main at 8f2dd17): dev in 128/149, clarify 3/4, out 7/12,
emergencies 6/6, 1 false alarm; held in 108/143, clarify 4/4, out 6/12, emergencies 5/6, 2 false
alarms (BM25 top-1 over the same intents: 102/149 and 80/143). The floors sit a few below the
first run.
"""

from __future__ import annotations

from tests.questionsets import assert_floors

FLOORS = {"in": 124, "clarify": 3, "out": 6, "emergency": 6}
# Raised though the set does not expect it, known and left alone: a heart attack told as the
# father's history ("had a heart attack") in a question about clopidogrel's first dose (the
# built-in heart-attack rule does not tell a past event from one happening now).
KNOWN_FALSE_ALARMS = ["my dad is 78 and had a heart attack, do older people get the big first dose of clopidogrel"]


def test_site_pages_nobody_tuned_for_answer_blind_questions(tmp_path):
    assert_floors(tmp_path, "site8", "site8-dev.yaml", FLOORS, KNOWN_FALSE_ALARMS)
