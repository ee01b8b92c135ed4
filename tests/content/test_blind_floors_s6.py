"""Two sets written blind on 2026-12-02 (afternoon, "s6") by helpers who saw only the documents,
extracted with no hand edits, as regression floors (the dev halves; the held-out halves are kept
elsewhere, unseen):

- tests/data/newdocs6/: six documents of the six shapes issue 13 names: a drug page with ###
  sections and bold facets (sertraline), a page of bold labels whose title is a bold line
  (atorvastatin), a leaflet with setext and numbered headings and tables (warfarin), a condition
  guide with front-matter FAQs (gout), a saved HTML page with page furniture (salbutamol
  inhaler) and a plain-text blog with a filler opening (eczema);
- tests/data/site6/: sixteen pages in the public site's two formats, four of them combinations
  whose ingredients have pages of their own, asked by brand names, misspelt names, two
  medicines at once and naming no medicine.

First run (main at 00fb5ac): newdocs6 in 35/96, out 17/18, emergencies 6/6; site6 in 13/38,
clarify 4/5, out 9/9, emergencies 5/6 (BM25 top-1 over the same intents: 55/96 and 17/38).
Figures when the floors were set are in FLOORS' comments; the floors sit a few below them.
"""

from __future__ import annotations

import pytest

from tests.questionsets import assert_floors

FLOORS = {
    "newdocs6": ("newdocs6", "newdocs6-dev.yaml", {"in": 38, "out": 15, "emergency": 6}),             # 41, 17, 6
    "site6": ("site6", "site6-dev.yaml", {"in": 18, "clarify": 4, "out": 8, "emergency": 6}),          # 20, 4, 9, 6
}
# Raised though the set does not expect it, known and left alone (see the closing note of the
# session): a red flag lifted out of "a hot, swollen joint and ... your heart is racing", and
# ringing in the ears, which the combination's own page lists as needing emergency help.
KNOWN_FALSE_ALARMS = {
    "newdocs6": ["my heart races after my inhaler is that normal"],
    "site6": ["my ears keep ringing since i started clopidogrel and aspirin tablet"],
}


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_documents_nobody_tuned_for_answer_blind_questions(tmp_path, name):
    assert_floors(tmp_path, *FLOORS[name], KNOWN_FALSE_ALARMS[name])
