"""Extraction: the two source documents into question-answer pairs with provenance; each construct
on a small synthetic document; re-extraction over curated intents; importing FAQ tables."""

from __future__ import annotations

import io
import textwrap
from pathlib import Path

import pytest

from faqbot.cli import main
from faqbot.errors import DataFileError
from faqbot.authoring.extract import extract_document, find_documents
from faqbot.content.intents import load_bot_settings, load_file, load_folder

DOCUMENTS = Path(__file__).resolve().parents[2] / "documents"
DRUG = DOCUMENTS / "magnesium-valproate.md"
BLOG = DOCUMENTS / "hypomagnesemia-and-seizures.txt"
BLOG_TITLE = "Seizures and Hypomagnesemia – A Potential Link – Can hypomagnesemia cause seizures?"

# Every piece of content a patient could ask about: (question, section, first line, last line).
EXPECTED_DRUG = [
    ("What are the names of magnesium valproate?", "Generic Name", 9, 9),
    ("What is magnesium valproate used for?", "Usage", 11, 13),
    # "Common side effects include:" and "More serious side effects ... include:" cut the section.
    ("What are the common side effects of magnesium valproate?", "Side Effects (common)", 17, 26),
    ("What are the serious side effects of magnesium valproate?", "Side Effects (serious)", 28, 38),
    ("How does magnesium valproate work?", "How it Works", 40, 42),
    ("Is magnesium valproate addictive?", "FAQs", 47, 47),
    ("Can I drink alcohol while taking magnesium valproate?", "FAQs", 49, 49),
    ("Can I take magnesium valproate with other medications?", "FAQs", 51, 51),
    ("What should I do if I miss a dose?", "FAQs", 53, 53),
    ("What are the long-term effects of magnesium valproate?", "FAQs", 55, 55),
    ("Is magnesium valproate safe during pregnancy?", "FAQs", 57, 57),
]
EXPECTED_BLOG = [
    # The Q&A defines "What is hypomagnesemia?", so the text under the title is the article's overview.
    ("What is the article 'Seizures and Hypomagnesemia' about?", BLOG_TITLE, 8, 8),
    ("What are the key takeaways about hypomagnesemia?", "Key Takeaways", 10, 14),
    # "Hypomagnesemia and Its Effect on the Body" (line 18) only introduces this section: folded in.
    ("What are the general impacts of hypomagnesemia?", "General Impacts of Hypomagnesemia", 18, 24),
    ("How does hypomagnesemia affect the nervous system?", "Hypomagnesemia and Its Impact on the Nervous System", 26, 32),
    # Lines 34-36 only announce the case studies; too long to fold in, only their question moves.
    ("What is the evidence from case studies about hypomagnesemia?", "Evidence from Case Studies", 38, 48),
    ("What is the current medical research about hypomagnesemia?", "Overview of Current Medical Research", 50, 56),
    ("What are the possible mechanisms about hypomagnesemia?", "Exploring Possible Mechanisms", 62, 68),
    # A section of 2,600 characters becomes two passages of at most 1,500.
    ("What are the clinical observations about hypomagnesemia?", "Clinical Observations", 70, 76),
    ("What are the clinical observations about hypomagnesemia (part 2)?", "Clinical Observations", 78, 81),
    ("What is hypomagnesemia?", "Q&A", 84, 86),
    ("Can hypomagnesemia cause seizures?", "Q&A", 88, 90),
    ("What are the symptoms of low magnesium levels?", "Q&A", 92, 94),
    ("How is hypomagnesemia diagnosed?", "Q&A", 96, 98),
    ("What is the treatment for hypomagnesemia-induced seizures?", "Q&A", 100, 102),
]


@pytest.fixture(scope="module")
def drug():
    return extract_document(DRUG)


@pytest.fixture(scope="module")
def blog():
    return extract_document(BLOG)


def summary(document) -> list[tuple[str, str, int, int]]:
    return [(p.question, p.section, *p.lines) for p in document.pairs]


def answer_to(document, question: str) -> str:
    return next(p.answer for p in document.pairs if p.question == question)


# --- the two documents ---------------------------------------------------------------------------


def test_every_piece_of_the_drug_page_is_extracted(drug):
    assert summary(drug) == EXPECTED_DRUG


def test_every_piece_of_the_blog_post_is_extracted(blog):
    assert summary(blog) == EXPECTED_BLOG


def test_the_subject_of_each_document_is_detected(drug, blog):
    assert (drug.title, drug.subject) == ("Magnesium Valproate", "magnesium valproate")
    assert (blog.title, blog.subject) == (BLOG_TITLE, "hypomagnesemia")


def test_each_answer_holds_its_section_text(drug, blog):
    assert answer_to(drug, "What is magnesium valproate used for?").startswith(
        "Magnesium valproate is used to treat certain types of seizures")
    assert answer_to(drug, "What should I do if I miss a dose?") == (
        "Take the missed dose as soon as you remember, unless it's almost time for your next dose. "
        "Do not double the dose.")
    assert answer_to(drug, "What are the serious side effects of magnesium valproate?").endswith(
        "It's vital to report any unusual symptoms to a doctor immediately.")
    body = answer_to(blog, "What are the general impacts of hypomagnesemia?")
    assert body.startswith("Clearly, hypomagnesemia, or low levels of magnesium in the body")  # effects on the body
    assert "over 300 enzyme reactions" in body
    assert answer_to(blog, "What are the clinical observations about hypomagnesemia (part 2)?").endswith(
        "Seizures Related to Hypomagnesemia – PMC.")
    assert all(len(p.answer) <= 1500 for p in drug.pairs + blog.pairs)


def test_folded_introductions_become_examples(blog):
    examples = {p.question: p.examples for p in blog.pairs}
    assert examples["What are the general impacts of hypomagnesemia?"] == [
        "How does hypomagnesemia affect the body?", "Hypomagnesemia and Its Effect on the Body",
        "General Impacts of Hypomagnesemia"]
    assert examples["What is the evidence from case studies about hypomagnesemia?"] == [
        "What is the potential link between seizures and hypomagnesemia?",
        "Uncovering the Potential Link Between Seizures and Hypomagnesemia", "Evidence from Case Studies"]


def test_lists_stay_lists(drug, blog):
    common = answer_to(drug, "What are the common side effects of magnesium valproate?")
    assert common == (
        "Magnesium valproate can cause a range of side effects, some mild and some serious. "
        "Common side effects include:\n\n"
        "- Gastrointestinal issues: Nausea, vomiting, diarrhea, constipation, indigestion, abdominal pain\n"
        "- Weight changes: Weight gain or loss\n"
        "- Tremor: Shaking or trembling\n"
        "- Hair loss (alopecia): Temporary or permanent\n"
        "- Sedation/Drowsiness: Feeling tired or sleepy\n"
        "- Dizziness: Feeling lightheaded or unsteady\n"
        "- Headache\n"
        "- Skin rash")
    assert answer_to(blog, "What are the key takeaways about hypomagnesemia?") == (
        "- Hypomagnesemia is a condition characterized by low levels of magnesium in the blood.\n"
        "- Seizures can be a potential consequence of hypomagnesemia.\n"
        "- While the exact mechanisms linking hypomagnesemia and seizures are not fully understood, "
        "it is believed that magnesium plays a crucial role in regulating neuronal excitability.")
    assert "\n- Lee et al. study: 65 children with hypomagnesemia and epilepsy." in answer_to(
        blog, "What is the evidence from case studies about hypomagnesemia?")


def test_page_noise_is_not_extracted(drug, blog):
    everything = "\n".join(p.question + "\n" + p.answer + "\n" + p.section for d in (drug, blog) for p in d.pairs)
    for noise in ("web analytics", "935", "tbpaste4", "qfx", "layout", "nav_exclude", "**", "•"):
        assert noise not in everything
    # The title is repeated on lines 5 and 6; neither repeat is content.
    assert all(p.lines[0] > 6 for p in blog.pairs)
    assert all(p.lines[0] > 5 for p in drug.pairs)  # front matter


def test_disclaimer_and_note_become_the_bots_disclaimer_never_an_answer(drug, blog):
    assert drug.disclaimer == [
        "This information is for general knowledge and does not constitute medical advice. Always consult "
        "with a healthcare professional before starting or changing any medication. They can assess your "
        "individual needs and determine the appropriate dosage and treatment plan.",
        "This information is AI-generated or crowd-sourced and may not be accurate. Please consult a medical "
        "professional for verified advice."]
    assert blog.disclaimer == []
    for pair in drug.pairs + blog.pairs:
        assert "medical advice" not in pair.answer and "AI-generated" not in pair.answer
        assert pair.section not in ("Disclaimer", "Note")


def test_extract_command_writes_both_documents_and_bot_yaml(tmp_path):
    out = io.StringIO()
    assert main(["extract", str(DOCUMENTS), "--into", str(tmp_path / "intents")], stdout=out) == 0
    intent_set = load_folder(tmp_path / "intents")
    assert len(intent_set.intents) == len(EXPECTED_DRUG) + len(EXPECTED_BLOG)
    assert set(intent_set.topics()) == {"magnesium valproate", "hypomagnesemia"}
    assert intent_set.disclaimer.startswith("This information is for general knowledge and does not constitute")
    assert intent_set.disclaimer.endswith("Please consult a medical professional for verified advice.")
    by_question = {i.question: i for i in intent_set.intents}
    alcohol = by_question["Can I drink alcohol while taking magnesium valproate?"]
    assert (alcohol.source.file, alcohol.source.section, alcohol.source.lines) == ("magnesium-valproate.md", "FAQs", (49, 49))
    assert out.getvalue().splitlines()[:2] == [
        f"intents folder: {tmp_path / 'intents'}",
        f"{BLOG} -> {tmp_path / 'intents' / 'hypomagnesemia-and-seizures.yaml'} (topic: hypomagnesemia): "
        f"{len(EXPECTED_BLOG)} intents, {len(EXPECTED_BLOG)} added, 0 changed, 0 removed"]


# --- each construct, on a small synthetic document -----------------------------------------------------


def document(tmp_path: Path, name: str, text: str):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return extract_document(path)


def pairs_of(doc) -> list[tuple]:
    return [(p.question, p.answer, p.section, p.lines) for p in doc.pairs]


def test_faq_bullets(tmp_path):
    doc = document(tmp_path, "aspirin.md", """\
        # Aspirin

        **FAQs:**

        * **Can I take aspirin with food?** Yes, taking it with food
          protects your stomach.
        - **Is aspirin safe for children?** No.
        """)
    assert doc.subject == "aspirin"
    assert pairs_of(doc) == [
        ("Can I take aspirin with food?", "Yes, taking it with food protects your stomach.", "FAQs", (5, 6)),
        ("Is aspirin safe for children?", "No.", "FAQs", (7, 7)),
    ]


def test_q_and_a_blocks(tmp_path):
    doc = document(tmp_path, "sleep.txt", """\
        Sleep Tips

        Q: How long should I sleep?
        A: Most adults need seven to nine hours.
        Naps count too.

        Q: Is coffee bad for sleep?

        A: Coffee late in the day can keep you awake.
        """)
    assert (doc.title, doc.subject) == ("Sleep Tips", "sleep tips")
    assert pairs_of(doc) == [
        ("How long should I sleep?", "Most adults need seven to nine hours. Naps count too.", "Q&A", (3, 5)),
        ("Is coffee bad for sleep?", "Coffee late in the day can keep you awake.", "Q&A", (7, 9)),
    ]


def test_question_headings_labelled_sections_and_markdown_headings(tmp_path):
    doc = document(tmp_path, "ibuprofen.md", """\
        ---
        title: Ibuprofen
        layout: default
        ---

        # Ibuprofen

        ## Can I drive after taking it?

        Yes, ibuprofen does not usually make you drowsy.

        ## Storage

        Keep it below 25 degrees.

        ## Effects on Sleep

        Ibuprofen rarely affects *sleep*.

        - one
        - two

        **Dosage:** One tablet every eight hours, see [the leaflet](https://example.org).

        **Note:** Written by volunteers.
        """)
    assert doc.disclaimer == ["Written by volunteers."]
    assert pairs_of(doc) == [
        ("Can I drive after taking it?", "Yes, ibuprofen does not usually make you drowsy.",
         "Can I drive after taking it?", (8, 10)),
        ("How should I store ibuprofen?", "Keep it below 25 degrees.", "Storage", (12, 14)),
        ("What are the effects on sleep about ibuprofen?", "Ibuprofen rarely affects sleep.\n\n- one\n- two",
         "Effects on Sleep", (16, 21)),
        ("What is the usual dose of ibuprofen?", "One tablet every eight hours, see the leaflet.", "Dosage", (23, 23)),
    ]


def test_labelled_sections_and_split_side_effects(tmp_path):
    doc = document(tmp_path, "paracetamol.md", """\
        # Paracetamol

        **Usage:**

        Paracetamol treats pain and fever.

        **Side Effects:**

        Common side effects include:

        * **Nausea**
        * Rash

        Serious side effects include:

        * Liver damage

        **How it Works:**

        It blocks pain signals.

        **Disclaimer:** Not advice.
        """)
    assert doc.disclaimer == ["Not advice."]
    assert pairs_of(doc) == [
        ("What is paracetamol used for?", "Paracetamol treats pain and fever.", "Usage", (3, 5)),
        ("What are the common side effects of paracetamol?", "Common side effects include:\n\n- Nausea\n- Rash",
         "Side Effects (common)", (9, 12)),
        ("What are the serious side effects of paracetamol?", "Serious side effects include:\n\n- Liver damage",
         "Side Effects (serious)", (14, 16)),
        ("How does paracetamol work?", "It blocks pain signals.", "How it Works", (18, 20)),
    ]


def test_each_thing_a_list_item_names_is_asked_about(tmp_path):
    """A patient names one sign of an item, or its lay or medical name in brackets, never the
    whole item: each becomes a question of the kind's item phrasings."""
    doc = document(tmp_path, "amlodipine.md", """\
        # Amlodipine

        **Side Effects:**

        Common side effects include:

        * flushing (redness and warmth of the face)
        * swollen ankles or feet (oedema) - this is the most common side effect
        * yellow skin or eyes, pale stools or dark urine - signs of liver problems
        * chest pain that is new or worse, or that does not go away, which is rare when you first start it
        * stop taking it and call a doctor (if the rash blisters)
        """)
    common = next(p for p in doc.pairs if p.section_kind == "side-effects-common")
    for name in ("flushing", "redness and warmth of the face", "swollen ankles or feet", "oedema",
                 "yellow skin or eyes", "pale stools or dark urine"):
        assert f"can amlodipine cause {name}" in common.examples
        assert f"{name} on amlodipine" in common.examples
    # A head longer than a name (a sentence) is no question; its first clause is.
    assert "can amlodipine cause chest pain that is new or worse" in common.examples
    assert not [e for e in common.examples if "does not go away" in e]
    # A step to follow is no thing a patient names.
    assert not [e for e in common.examples if "call a doctor" in e or "rash blisters" in e]


def test_plain_text_headings_overview_and_noise(tmp_path):
    doc = document(tmp_path, "migraine.txt", """\
        web analytics

        Living With Migraine – A Guide

        Living With Migraine

        Migraine is a common headache disorder. Attacks can last hours.

        xq7 zz9 tbpaste

        Common Triggers

        Stress, poor sleep and skipped meals often trigger migraine.

        Key Takeaways:

          • Migraine is common.
          • Triggers vary.
        """)
    assert (doc.title, doc.subject) == ("Living With Migraine – A Guide", "migraine")
    assert pairs_of(doc) == [
        ("What is migraine?",
         "Migraine is a common headache disorder. Attacks can last hours.", "Living With Migraine – A Guide", (7, 7)),
        ("What causes migraine?", "Stress, poor sleep and skipped meals often trigger migraine.",
         "Common Triggers", (11, 13)),
        ("What are the key takeaways about migraine?", "- Migraine is common.\n- Triggers vary.", "Key Takeaways", (15, 18)),
    ]


def test_a_document_with_nothing_to_answer_is_an_error(tmp_path):
    path = tmp_path / "empty.md"
    path.write_text("\n\n")
    with pytest.raises(DataFileError) as error:
        extract_document(path)
    assert str(error.value) == f"{path}: found no questions, sections or headings to answer from"


def test_a_folder_without_documents_is_an_error(tmp_path):
    (tmp_path / "notes.pdf").write_text("x")
    with pytest.raises(DataFileError) as error:
        find_documents(tmp_path)
    assert str(error.value) == f"{tmp_path}: no documents (.md, .markdown, .html, .htm, .txt) in this folder"


# --- re-extracting over curated intents -------------------------------------------------------------

ASPIRIN = """\
# Aspirin

**FAQs:**

* **Can I take aspirin with food?** Yes, with food.
* **Is aspirin safe for children?** No.
* **Can I drink alcohol with aspirin?** Better not.
"""


def test_reextracting_keeps_curated_work_and_reports_every_change(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("docs").mkdir()
    Path("docs/aspirin.md").write_text(ASPIRIN)
    assert cli(["extract", "docs", "--into", "intents"]) == (0, (
        "intents folder: intents\n"
        "docs/aspirin.md -> intents/aspirin.yaml (topic: aspirin): 3 intents, 3 added, 0 changed, 0 removed\n"
        "  added: aspirin-take-food\n"
        "  added: aspirin-safe-children\n"
        "  added: aspirin-drink-alcohol\n"
        "intents/bot.yaml: written with faqbot's own disclaimer (no document has a disclaimer); review it\n"
        "intents/lexicon.yaml: written with faqbot's lay terms, with the names of aspirin; edit it freely\n"), "")

    # Staff rename one id and add examples; the document then changes one answer, drops one entry
    # and gains another.
    curated = Path("intents/aspirin.yaml").read_text()
    curated = curated.replace("id: aspirin-take-food", "id: aspirin-food")
    curated = curated.replace("    examples: []\n    answer: |-\n      No.",
                              "    examples:\n      - can kids have aspirin\n    answer: |-\n      No.")
    Path("intents/aspirin.yaml").write_text(curated)
    Path("docs/aspirin.md").write_text(ASPIRIN.replace("Yes, with food.", "Yes, always with food.").replace(
        "* **Can I drink alcohol with aspirin?** Better not.\n", "* **How should I store aspirin?** Somewhere dry.\n"))

    assert cli(["extract", "docs", "--into", "intents"]) == (0, (
        "intents folder: intents\n"
        "docs/aspirin.md -> intents/aspirin.yaml (topic: aspirin): 3 intents, 1 added, 1 changed, 1 removed\n"
        "  added: aspirin-how-store\n"
        "  changed: aspirin-food\n"
        "  removed: aspirin-drink-alcohol\n"
        "intents/bot.yaml: kept (the disclaimer is yours; extraction never changes it)\n"), "")
    intents = {i.id: i for i in load_file(Path("intents/aspirin.yaml"))}
    assert list(intents) == ["aspirin-food", "aspirin-safe-children", "aspirin-how-store"]
    assert intents["aspirin-food"].answer == "Yes, always with food."
    assert intents["aspirin-safe-children"].examples == ["can kids have aspirin"]
    assert intents["aspirin-how-store"].source.lines == (7, 7)

    # Nothing changed: nothing reported but the totals.
    assert cli(["extract", "docs", "--into", "intents"])[1] == (
        "intents folder: intents\n"
        "docs/aspirin.md -> intents/aspirin.yaml (topic: aspirin): 3 intents, 0 added, 0 changed, 0 removed\n"
        "intents/bot.yaml: kept (the disclaimer is yours; extraction never changes it)\n")


def test_the_disclaimer_is_staffs_extraction_proposes_one_only_when_there_is_none(cli, tmp_path):
    docs, into = tmp_path / "docs", tmp_path / "intents"
    docs.mkdir()
    (docs / "aspirin.md").write_text(ASPIRIN + "\n**Disclaimer:** Ask your pharmacist.\n")
    assert cli(["extract", str(docs), "--into", str(into)])[0] == 0
    assert load_bot_settings(into / "bot.yaml") == ("faqbot", "Ask your pharmacist.")   # the one document's
    (into / "bot.yaml").write_text("# ours\nname: Pharmabot\ndisclaimer: Our own words.\n")
    status, out, _ = cli(["extract", str(docs), "--into", str(into)])
    assert status == 0 and f"{into / 'bot.yaml'}: kept (the disclaimer is yours" in out
    assert (into / "bot.yaml").read_text() == "# ours\nname: Pharmabot\ndisclaimer: Our own words.\n"


def test_two_documents_disclaimers_are_never_joined(cli, tmp_path):
    docs, into = tmp_path / "docs", tmp_path / "intents"
    docs.mkdir()
    (docs / "aspirin.md").write_text(ASPIRIN + "\n**Disclaimer:** Ask your pharmacist.\n")
    (docs / "tea.md").write_text("# Tea\n\n**Usage:** Drinking.\n\n**Disclaimer:** Not advice.\n")
    status, out, _ = cli(["extract", str(docs), "--into", str(into)])
    assert status == 0
    assert "faqbot's own disclaimer (the documents have 2 different disclaimers)" in out
    disclaimer = load_bot_settings(into / "bot.yaml")[1]
    assert "pharmacist" not in disclaimer and "Not advice" not in disclaimer


def test_extract_errors_are_one_line(cli, tmp_path):
    (tmp_path / "file.txt").write_text("x")
    assert cli(["extract", str(tmp_path / "nope"), "--into", str(tmp_path / "out")]) == (
        2, "", f"faqbot: error: {tmp_path / 'nope'}: no such file or folder\n")
    assert cli(["extract", str(DOCUMENTS), "--into", str(tmp_path / "file.txt")]) == (
        2, "", f"faqbot: error: {tmp_path / 'file.txt'}: is not a folder\n")


# --- importing FAQ tables ------------------------------------------------------------------------------


@pytest.mark.parametrize("name, text", [
    ("clinic.csv", 'question,answer,category\nHow do I book?,"Call us, or book online.",admin\nWhere are you?,At 1 Main St.,admin\n'),
    ("clinic.tsv", "Question\tAnswer\nHow do I book?\tCall us, or book online.\nWhere are you?\tAt 1 Main St.\n"),
    ("clinic.json", '[{"question": "How do I book?", "answer": "Call us, or book online."},\n'
                    ' {"question": "Where are you?", "answer": "At 1 Main St.", "tags": ["x"]}]'),
    ("clinic.yaml", "- question: How do I book?\n  answer: Call us, or book online.\n"
                    "- question: Where are you?\n  answer: At 1 Main St.\n"),
])
def test_import_reads_each_table_format(cli, tmp_path, monkeypatch, name, text):
    monkeypatch.chdir(tmp_path)
    Path(name).write_text(text)
    assert cli(["import", name, "--into", "intents"]) == (
        0, f"{name} -> intents/clinic.yaml: 2 intents, 2 added, 0 changed, 0 removed\n"
        "intents/bot.yaml: answer threshold 42 (was 42), calibrated by faqbot from 2 of the folder's own "
        "answer sentences (2 ranked right)\n", "")
    intent_set = load_folder(Path("intents"))
    assert [(i.id, i.question, i.answer, i.topic) for i in intent_set.intents] == [
        ("clinic-001", "How do I book?", "Call us, or book online.", "clinic"),
        ("clinic-002", "Where are you?", "At 1 Main St.", "clinic"),
    ]
    assert intent_set.intents[1].source.section == "row 2"
    assert "medical advice" in intent_set.disclaimer  # a default disclaimer, since a table has none


def test_import_with_a_topic_and_again_over_curated_intents(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("faq.csv").write_text("question,answer\nHow do I book?,Call us.\n")
    assert cli(["import", "faq.csv", "--into", "intents", "--topic", "clinic admin"])[0] == 0
    assert load_file(Path("intents/faq.yaml"))[0].id == "clinic-admin-001"
    Path("faq.csv").write_text("question,answer\nHow do I book?,Call us or book online.\nWhere are you?,Here.\n")
    status, out, err = cli(["import", "faq.csv", "--into", "intents", "--topic", "clinic admin"])
    assert (status, out.splitlines()[0], err) == (0, "faq.csv -> intents/faq.yaml: 2 intents, 1 added, 1 changed, 0 removed", "")


@pytest.mark.parametrize("name, text, message", [
    ("a.csv", "q,answer\nx,y\n", "a.csv:1: no 'question' column in the header (columns: q, answer)"),
    ("a.csv", "question,text\nx,y\n", "a.csv:1: no 'answer' column in the header (columns: question, text)"),
    ("a.csv", "question,answer\nHow?,\n", "a.csv:2: missing or empty answer"),
    ("a.csv", "question,answer\n,Because.\n", "a.csv:2: missing or empty question"),
    ("a.csv", "", "a.csv: empty file: expected a header with 'question' and 'answer' columns"),
    ("a.csv", "question,answer\n", "a.csv: no question-answer rows"),
    ("a.json", '{"question": "x"}', "a.json:1: expected a list of {question, answer} objects"),
    ("a.json", "[1]", "a.json: entry 1: expected an object with 'question' and 'answer'"),
    ("a.json", '[{"question": "x",\n', "a.json:2: invalid JSON: Expecting property name enclosed in double quotes at column 1"),
    ("a.yaml", "question: x\n", "a.yaml:1: expected a list of {question, answer} mappings"),
    ("a.yaml", "- question: x\n  answer: y\n- just text\n", "a.yaml:3: expected a mapping with 'question' and 'answer'"),
])
def test_import_errors_name_the_file_and_line(cli, tmp_path, monkeypatch, name, text, message):
    monkeypatch.chdir(tmp_path)
    Path(name).write_text(text)
    assert cli(["import", name, "--into", "intents"]) == (2, "", f"faqbot: error: {message}\n")
    assert not Path("intents").exists()


def test_import_of_a_missing_file(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert cli(["import", "nope.csv", "--into", "intents"]) == (2, "", "faqbot: error: nope.csv: no such file\n")


LEAFLET_IN_DOCUMENT_WORDS = """\
# Hay fever

## Causes

Pollen is the main cause. Pets with fur can make it worse, and so can too much caffeine.

## Prevention

A yearly flu vaccine is a good idea. Some hay fever tablets can raise your blood pressure.

## Outlook

Hay fever rarely causes permanent harm.
"""


@pytest.mark.parametrize("question, intent", [
    ("hay fever from my cat", "hay-fever-causes"),
    ("hay fever and coffee", "hay-fever-causes"),
    ("should i get the flu jab with hay fever", "hay-fever-prevention"),
    ("hay fever tablets and my bp", "hay-fever-prevention"),
    ("will hay fever damage me for good", "hay-fever-outlook"),
])
def test_an_extracted_folder_reads_patients_words_for_the_documents_words(tmp_path, question, intent):
    """The lay terms a new folder starts with (content/lay-terms.yaml) join a patient's word to the
    one leaflets use: cat and pets, coffee and caffeine, jab and vaccine, bp and blood pressure."""
    from faqbot.authoring.workspace import extract_into
    from faqbot.bot import Bot

    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "hay-fever.md").write_text(LEAFLET_IN_DOCUMENT_WORDS, encoding="utf-8")
    extract_into(tmp_path / "docs", tmp_path / "intents")
    reply = Bot.from_folder(tmp_path / "intents", cache=False).reply(question)
    assert (reply.status.value, reply.intent.id if reply.intent else None) == ("answered", intent)


def test_a_passage_holding_a_kinds_cues_is_asked_that_way_when_no_section_is_of_that_kind(tmp_path):
    """A drug page with no "How it works" section says how it works under "Usage"; its "report
    side effects" sentence sits under "Side effects": those passages are asked both ways. FAQ
    questions saying "it" are asked with the subject's name."""
    doc = document(tmp_path, "keppra.md", """\
        # Levetiracetam

        **Usage:**

        Levetiracetam treats epilepsy. It is thought to work by calming electrical activity in the brain.

        **Side effects:**

        Feeling sleepy is common. You can report side effects through the Yellow Card scheme.

        **FAQs:**

        * **How long will I need to take it?** Many people take it for years.
        * **Is it safe to use it for years?** Yes.
        """)
    by_kind = {p.section_kind: p for p in doc.pairs}
    assert "how does levetiracetam act" in by_kind["uses"].examples
    assert "where do i report a side effect of levetiracetam" in by_kind["side-effects"].examples
    faq, expletive = [p for p in doc.pairs if p.kind == "faq"]
    assert "Is it safe to use levetiracetam for years" in expletive.examples   # not "is levetiracetam safe to"
    assert faq.section_kind == "duration"
    assert "How long will I need to take levetiracetam" in faq.examples
    assert "is levetiracetam for life" in faq.examples

    # A document with a section of the kind keeps the kind's phrasings there alone.
    doc = document(tmp_path, "keppra2.md", """\
        # Levetiracetam

        **Usage:**

        Levetiracetam treats epilepsy. It is thought to work by calming electrical activity in the brain.

        **How it works:**

        It binds to a protein in nerve cells.
        """)
    by_kind = {p.section_kind: p for p in doc.pairs}
    assert "how does levetiracetam act" in by_kind["how-it-works"].examples
    assert "how does levetiracetam act" not in by_kind["uses"].examples


SERTRALINE = """\
# Sertraline

**Usage:** Sertraline is used to treat depression and anxiety in adults.

**Side effects:** Feeling sick, headaches and trouble sleeping are common in the first weeks.

**Driving:** Sertraline can make you sleepy, so do not drive until you know how it affects you.
"""


def test_extract_calibrates_a_new_folders_threshold_from_its_answers_and_never_staffs(cli, tmp_path):
    """A folder extraction writes gets an answer threshold from its answers' own sentences (its
    examples are the kinds' templates); a bot.yaml staff wrote is never touched."""
    docs, into = tmp_path / "docs", tmp_path / "intents"
    docs.mkdir()
    (docs / "sertraline.md").write_text(SERTRALINE)
    status, out, _ = cli(["extract", str(docs), "--into", str(into)])
    line = out.splitlines()[-1]
    assert status == 0 and line.startswith(f"{into / 'bot.yaml'}: answer threshold ")
    assert line.endswith("(was 42), calibrated by faqbot from 3 of the folder's own answer sentences (3 ranked right)")
    settings = (into / "bot.yaml").read_text()
    assert "  answer_threshold: " in settings and "# calibrated by faqbot" in settings
    # Re-extracting recalibrates faqbot's own line, nothing else.
    status, out, _ = cli(["extract", str(docs), "--into", str(into)])
    assert "answer sentences (3 ranked right)" in out.splitlines()[-1]
    assert (into / "bot.yaml").read_text() == settings
    # Staff's own bot.yaml (or their own threshold) is kept as it is, and nothing is said about it.
    for own in ("name: ours\ndisclaimer: Ours.\n", "name: ours\ndisclaimer: Ours.\ntuning:\n  answer_threshold: 30\n"):
        (into / "bot.yaml").write_text(own)
        status, out, _ = cli(["extract", str(docs), "--into", str(into)])
        assert status == 0 and "answer threshold" not in out
        assert (into / "bot.yaml").read_text() == own
    # A dry run calibrates nothing.
    (into / "bot.yaml").unlink()
    status, out, _ = cli(["extract", str(docs), "--into", str(into), "--dry-run"])
    assert "answer threshold" not in out and not (into / "bot.yaml").exists()


def test_bundled_brand_names_reach_the_medicines_the_documents_name(tmp_path):
    """A page that never names its brands still answers them (content/brand-names.yaml): the
    subject's own brands join its lexicon group after the page's names, once each, and a medicine
    the page only mentions ("do not take with ibuprofen") gets its group too, so "nurofen" reads
    as ibuprofen. A brand the brand table does not hold is not invented."""
    import faqbot
    from faqbot.authoring.workspace import extract_into
    from faqbot.content.lexicon import load_lexicon

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "ramipril.md").write_text(
        "# Ramipril\n\nRamipril is also sold as Tritace.\n\n## Uses\n\nRamipril treats high blood pressure.\n\n"
        "## Other medicines\n\nDo not take ibuprofen or other anti-inflammatory painkillers with ramipril, "
        "as they can harm your kidneys.\n\n## Dosage\n\nThe usual dose is 2.5 mg once a day.\n", encoding="utf-8")
    into = tmp_path / "intents"
    extract_into(docs, into)
    groups = load_lexicon(into / "lexicon.yaml").groups
    ramipril = next(g for g in groups if g[0] == "ramipril")
    assert ramipril == ["ramipril", "Tritace", "Altace"]                      # the page's name once, then the table's
    assert next(g for g in groups if g[0] == "ibuprofen")[:3] == ["ibuprofen", "Nurofen", "Advil"]
    assert not any(g[0] == "paracetamol" for g in groups)                    # never mentioned
    bot = faqbot.load(into)
    reply = bot.reply("ramipril and nurofen together?")
    assert reply.status == "answered" and reply.intent.id == "ramipril-interactions"
