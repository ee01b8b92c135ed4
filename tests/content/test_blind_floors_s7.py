"""Two sets written blind on 2026-12-02 (evening, "s7") by helpers who saw only the documents,
extracted with no hand edits, as regression floors (the dev halves; the held-out halves are kept
elsewhere, unseen):

- tests/data/newdocs7/: six documents of shapes the earlier sets lacked: a European package
  leaflet with numbered sections and bold sub-labels (naproxen), a page of bold labels on their
  own lines with an FAQ of bold-question bullets (prednisolone), plain text with UPPERCASE
  headings (amitriptyline), a condition guide with setext headings and Q:/A: pairs (UTIs), a
  guide whose FAQs are a {q, a} list in the front matter (hay fever), and a saved HTML page with
  nav, cookie banner, a table and FAQ headings (levothyroxine);
- tests/data/site7/: sixteen pages in the public site's two formats, four combinations whose
  ingredients have pages of their own, asked by brand names, shortened and misspelt names, two
  medicines at once and naming no medicine.

First run (main at da2e9ae): newdocs7 in 60/140, out 14/18, emergencies 4/6, 2 false alarms;
site7 in 111/258, clarify 6/6, out 14/16, emergencies 14/16, 4 false alarms (BM25 top-1 over the
same intents: 65/140 and 122/258). Figures when the floors were set are in FLOORS' comments; the
floors sit a few below them.
"""

from __future__ import annotations

import pytest

from tests.questionsets import assert_floors

FLOORS = {
    "newdocs7": ("newdocs7", "newdocs7-dev.yaml", {"in": 73, "out": 12, "emergency": 6}),                 # 77, 13, 6
    "site7": ("site7", "site7-dev.yaml", {"in": 135, "clarify": 6, "out": 13, "emergency": 16}),          # 141, 6, 14, 16
}
# Raised though the set does not expect it, known and left alone (see the closing note of the
# session): a teenager's chest that "feels tight" with wheeze (the built-in chest-pain rule reads a
# tight chest as chest pain), and a face that swelled up "once" with another tablet (the built-in
# airway rule does not read "once" as the past).
KNOWN_FALSE_ALARMS = {
    "newdocs7": ["my son is 14 and gets itchy eyes and sneezes every june, but this year hes also wheezy and says "
                 "his chest feels tight when he plays football. is that the hay fever too?"],
    "site7": ["i had my face swell up with a different tablet once, ok to take tamsulosin"],
}


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_documents_nobody_tuned_for_answer_blind_questions(tmp_path, name):
    assert_floors(tmp_path, *FLOORS[name], KNOWN_FALSE_ALARMS[name])
