"""Six documents faqbot was not tuned on, extracted with no hand edits, as a regression floor.

tests/data/newdocs/ holds two drug pages (### sections with bold facets; bold labels), a
national-style leaflet with setext and numbered headings and a dose table, a condition guide
with front-matter FAQs, a saved HTML page and a plain-text blog post; tests/data/newdocs-dev.yaml
holds questions written blind from them by a helper who saw only the documents (the dev half;
the held-out half is kept elsewhere, unseen). Scored as /work/blind/score_newdocs.py scores them:
an answered in-scope question must carry an accepted phrase and be under 3,000 characters.
Emergencies are the built-in triage's job and are only required never to be raised falsely here.

Scores when this floor was set: in scope 104/124 (BM25 over the same intents: 91/124 top-1,
benchmarks/bm25_newdocs.py), out of scope 10/12, no false emergency (s-rank2); earlier: 103/124
and 9/12 (BM25 87/124; passages by facet, condition guides asked as conditions, steps and defined
terms asked, s-extract5), 94/124 and 10/12
(BM25 92/124), 92/124 and 9/12
(before the two-sided calibration of evaluation/calibration.py), 76/124 and 10/12
(issue 13's first extraction), 24/124 and 11/12 (before it). The floors sit a few questions
below today's figures.
"""

from faqbot.authoring.workspace import extract_into
from tests.questionsets import DATA, extracted_and_scored
IN_SCOPE_FLOOR, OUT_OF_SCOPE_FLOOR = 101, 8


def test_new_documents_extracted_without_edits_answer_blind_questions(tmp_path):
    # As staff run it: `faqbot extract` also calibrates the new folder's answer threshold.
    passed, false_emergencies = extracted_and_scored(tmp_path, DATA / "newdocs", DATA / "newdocs-dev.yaml")
    assert false_emergencies == []
    assert passed["in"] >= IN_SCOPE_FLOOR, passed
    assert passed["out"] >= OUT_OF_SCOPE_FLOOR, passed


def test_no_extracted_answer_is_a_dump(tmp_path):
    """Passages, not dumps: every answer of the six documents is at most 1,500 characters."""
    into = tmp_path / "intents"
    report = extract_into(DATA / "newdocs", into)
    from faqbot.content.intents import load_folder

    intents = load_folder(into).intents
    assert len(report.files) == 6 and len(intents) > 100
    assert max(len(i.answer) for i in intents) <= 1500
    assert not [i.id for i in intents if i.id.startswith("doc-")]
