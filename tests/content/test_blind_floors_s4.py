"""Two sets written blind this session (2026-12-02) by helpers who saw only the documents,
extracted with no hand edits, as regression floors (the dev halves; the held-out halves are
kept elsewhere, unseen):

- tests/data/site4/: fourteen drug pages in the public site's format, in families that overlap
  the way a real site does (paracetamol, paracetamol and codeine, ibuprofen and paracetamol;
  three proton pump inhibitors; three antihistamines; three opioids; amoxicillin with and
  without clavulanic acid); tests/data/site4-dev.yaml asks about the paracetamol and PPI
  families by brand names, misspelt names, two medicines at once, and naming no medicine
  (which must be asked "Which medicine do you mean?");
- tests/data/newdocs4/: a European package leaflet (omeprazole) and a condition guide saved as
  HTML with a <details> FAQ (high blood pressure); tests/data/newdocs4-dev.yaml.

Scored as /work/blind/score_site.py and score_newdocs.py score them: an answered in-scope
question must carry an accepted phrase (specific to its page) and be under 3,000 characters.
First run (main at 1afaeb9): site4 in 11/33, clarify 5/5, out 3/3, emergencies 4/4; newdocs4 in
15/48, out 7/8, emergencies 4/4. The floors sit a couple of questions below the figures when set
(named in FLOORS' comments).
"""

from __future__ import annotations

import pytest

from tests.questionsets import assert_floors

FLOORS = {
    # documents, questions: floors per kind of question (figures when set in the comment)
    "site4": ("site4", "site4-dev.yaml", {"in": 26, "clarify": 5, "out": 3, "emergency": 4}),   # 28, 5, 3, 4 (25 before s-rank2)
    "newdocs4": ("newdocs4", "newdocs4-dev.yaml", {"in": 34, "out": 4, "emergency": 4}),          # 37, 6, 4 (34 before s-rank2, 24 before s-extract5)
}


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_documents_nobody_tuned_for_answer_blind_questions(tmp_path, name):
    assert_floors(tmp_path, *FLOORS[name])
